"""Sentence segmentation with offsets into the canonical text (spaCy's rule-based sentencizer).

The headline is always its own sentence, and a line break always ends a sentence: news bodies
put one paragraph per line, and a sentencizer alone would glue a heading to the next paragraph.
"""
from __future__ import annotations

from functools import lru_cache

from .document import Document, Sentence


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(doc: Document) -> list[Sentence]:
    text = doc.text
    sentences: list[Sentence] = []
    if doc.title.strip():
        start, end = _trim(text, 0, len(doc.title))
        sentences.append(Sentence(start, end, in_title=True))
    lines = _lines(text, doc.body_start)
    for (offset, _), parsed in zip(lines, _nlp().pipe(line for _, line in lines)):
        for sent in parsed.sents:
            start, end = _trim(text, offset + sent.start_char, offset + sent.end_char)
            if end > start:
                sentences.append(Sentence(start, end))
    return sentences


def _lines(text: str, start: int) -> list[tuple[int, str]]:
    out = []
    pos = start
    for line in text[start:].split("\n"):
        if line.strip():
            out.append((pos, line))
        pos += len(line) + 1
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end

"""Sentence segmentation with offsets into the canonical text (spaCy's rule-based sentencizer).

The headline is always its own sentence, and a line break always ends a sentence: news bodies
put one paragraph per line, and a sentencizer alone would glue a heading to the next paragraph.
"""
from __future__ import annotations

import re

from .document import Document, Sentence

# spaCy keeps a lexeme for every distinct string it has tokenized (about 400 bytes each, measured),
# so a scan of millions of articles would grow by hundreds of MB per worker (numbers, names, typos).
# Past this many lexemes the pipeline is rebuilt (0.1 s), which bounds the growth at about 40 MB.
MAX_LEXEMES = 100_000
# Abbreviations written before a name that spaCy's tokenizer does not know, so that "backed by Lt.
# Col. Jane Doe" would end a sentence at each full stop. Not "No." (a reply: 'he said: "No."') nor
# "Ave." (it ends sentences: "He lives on Fifth Ave.").
TITLES = ("Lt.", "Col.", "Sgt.", "Capt.", "Cpl.", "Pvt.", "Maj.", "Cmdr.", "Adm.", "Supt.", "Det.", "Insp.",
          "Sr.", "Ft.", "Gov.", "Sen.", "Rep.", "Gen.", "Hon.", "Pres.", "Atty.", "Cllr.")
_NLP: list = []


def _nlp():
    if not _NLP or len(_NLP[0].vocab) > MAX_LEXEMES:
        import spacy

        nlp = spacy.blank("en")
        for title in TITLES:  # one token with its full stop, so no sentence ends there
            nlp.tokenizer.add_special_case(title, [{"ORTH": title}])
        nlp.add_pipe("sentencizer")
        # spaCy refuses texts over 1M characters because its parser and NER need ~1 GB per 100k;
        # the tokenizer and rule sentencizer used here are linear, and the readers bound a text
        # by UNSPIN_MAX_CHARS (ingest/limits.py), so a long one-paragraph article is fine.
        nlp.max_length = 100_000_000
        _NLP[:] = [nlp]
    return _NLP[0]


def load_sentencizer() -> None:
    """Build the spaCy tokenizer and sentencizer now (0.5 s) rather than on the first text."""
    _nlp()


def split_sentences(doc: Document) -> list[Sentence]:
    return split_many([doc])[0]


def split_many(docs: list[Document]) -> list[list[Sentence]]:
    """Sentences of several documents, with all their lines in one spaCy batch (less overhead)."""
    out: list[list[Sentence]] = []
    jobs: list[tuple[int, int, str]] = []  # (document, offset of the line, line)
    for i, doc in enumerate(docs):
        sentences: list[Sentence] = []
        if doc.title.strip():
            start, end = _trim(doc.text, 0, len(doc.title))
            sentences.append(Sentence(start, end, in_title=True))
        out.append(sentences)
        jobs += [(i, offset, line) for offset, line in _lines(doc.text, doc.body_start)]
    # A line with no sentence punctuation followed by more text is one sentence: no need for spaCy
    # (headings, captions, one-sentence paragraphs). The others go through the sentencizer.
    hard = []
    for i, offset, line in jobs:
        if _INNER_END.search(line):
            hard.append((i, offset, line))
        else:
            start, end = _trim(docs[i].text, offset, offset + len(line))
            if end > start:
                out[i].append(Sentence(start, end))
    for (i, offset, line), parsed in zip(hard, _nlp().pipe((line for _, _, line in hard), batch_size=256)):
        text = docs[i].text
        for start, end in _opening_marks_forward(line, [(s.start_char, s.end_char) for s in parsed.sents]):
            start, end = _trim(text, offset + start, offset + end)
            if end > start:
                out[i].append(Sentence(start, end))
    for sentences in out:
        sentences.sort(key=lambda s: s.start)
    return out


_INNER_END = re.compile(r"[.!?…;:]\S*\s+\S")
# An opening quotation mark or bracket after a space, at the very end of a sentence.
_TRAILING_OPENER = re.compile(r"\s([“‘\"'(\[]+)\s*$")


def _opening_marks_forward(line: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Give an opening mark to the sentence it opens. The sentencizer keeps every punctuation
    token after a full stop in the sentence that stop ends, so in 'Trump added. "We will win."'
    the first sentence would end on the quotation mark that opens the second (3 % of the
    sentences of the hyperpartisan articles), and a claim or span shown would end on a stray '“'."""
    bounds = list(bounds)
    for k in range(len(bounds) - 1):
        start, end = bounds[k]
        m = _TRAILING_OPENER.search(line, start, end)
        if m and m.start(1) > start:
            bounds[k] = (start, m.start(1))
            bounds[k + 1] = (m.start(1), bounds[k + 1][1])
    return bounds


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

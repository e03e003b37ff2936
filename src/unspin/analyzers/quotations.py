"""Quoted stretches of an article, and whom the article gives them to.

A propaganda or bias flag inside quotation marks marks words the article reports, not (or not
only) its own voice; readers should see which is which. Pairs of “curly” or "straight" double
quotes are matched within a paragraph; a quotation left open at the end of a paragraph runs to its
end (the newspaper convention for a quote that goes on in the next paragraph).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..analysis import Analysis, Attribution

_MARK = re.compile(r"[\"“”]")
_PRONOUNS = {"he", "she", "they", "i", "we", "it"}


@dataclass(frozen=True)
class Quotation:
    start: int  # the opening mark
    end: int  # after the closing mark (or the end of the paragraph)
    speaker: str | None  # the source the article names for it, as written
    cue: str | None  # the attribution as written ("she said in one tweet")


def find_quotations(analysis: Analysis) -> list[Quotation]:
    text, found = analysis.text, []
    body = len(analysis.document.title) + 2 if analysis.document.title else 0
    for paragraph in re.finditer(r"[^\n]+", text[body:]):
        start = None
        for mark in _MARK.finditer(paragraph.group(0)):
            at = body + paragraph.start() + mark.start()
            if start is None and mark.group(0) in "\"“":
                start = at
            elif start is not None and mark.group(0) in "\"”":
                found.append((start, at + 1))
                start = None
        if start is not None:
            found.append((start, body + paragraph.end()))
    out = []
    for s, e in found:
        a = _attribution(analysis, s, e)
        written = analysis.text[a.start:a.end] if a else None
        # A pronoun, resolved to an earlier name or not, is shown as written: a resolution is a guess.
        named = a is not None and a.source in written and a.source.lower() not in _PRONOUNS
        speaker = a.source if named else None
        out.append(Quotation(s, e, speaker, written))
    return out


def quotation_at(quotations: list[Quotation], start: int, end: int) -> Quotation | None:
    """The quotation that holds the whole of [start, end), if any."""
    return next((q for q in quotations if q.start <= start and end <= q.end), None)


def quotation_note(quotations: list[Quotation], start: int, end: int) -> str:
    """The sentence a flag's explanation gets when its words are inside quotation marks, else ""."""
    q = quotation_at(quotations, start, end)
    if q is None:
        return ""
    if q.speaker:
        return f" In quotation marks: words the article attributes to {q.speaker}."
    if q.cue:
        return f" In quotation marks: words the article attributes to a speaker (“{q.cue}”)."
    return " In quotation marks."


def _attribution(analysis: Analysis, start: int, end: int) -> Attribution | None:
    """The nearest attribution outside the quotation in a sentence the quotation touches: the
    speaker of '"The plan failed. It cost millions," she said.' or of 'Smith said: "The plan …"'."""
    touched = {i for i, s in enumerate(analysis.sentences) if s.start < end and start < s.end}
    best: Attribution | None = None
    for a in analysis.attributions:
        if a.source is None or a.sentence not in touched or (start <= a.start and a.end <= end):
            continue  # a cue inside the quotation is part of what is quoted
        if best is None or _distance(a, start, end) < _distance(best, start, end):
            best = a
    return best


def _distance(a: Attribution, start: int, end: int) -> int:
    return min(abs(a.start - end), abs(start - a.end))

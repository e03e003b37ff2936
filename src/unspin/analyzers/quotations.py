"""Quoted stretches of an article, and whom the article gives them to.

A propaganda or bias flag inside quotation marks marks words the article reports, not (or not
only) its own voice; readers should see which is which. Pairs of “curly” or "straight" double
quotes are matched within a paragraph; a quotation left open at the end of a paragraph runs to its
end (the newspaper convention for a quote that goes on in the next paragraph). A quotation's
speaker is the nearest attribution outside it in a sentence it touches, else one handed on by the
paragraph before ('In a statement, ESPN said:'). The claims analyzer attributes sentences inside
a quotation to its speaker; the propaganda and bias analyzers add a note to flags inside one.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..analysis import QUOTED, Analysis, Attribution

_MARK = re.compile(r"[\"“”]")
_PRONOUNS = {"he", "she", "they", "i", "we", "it"}


@dataclass(frozen=True)
class Quotation:
    start: int  # the opening mark
    end: int  # after the closing mark (or the end of the paragraph)
    attribution: Attribution | None  # whom the article gives it to, if it says
    written: str | None  # that attribution as the article writes it ("she said in one tweet")
    closed: bool = True  # False: ended by the next opening mark or by the end of its paragraph

    @property
    def speaker(self) -> str | None:
        """The source as the article names it; None for a pronoun, resolved to an earlier name or
        not, since a resolution is a guess."""
        a = self.attribution
        if a is None or not a.source or a.source not in (self.written or "") or a.source.lower() in _PRONOUNS:
            return None
        return a.source


def find_quotations(analysis: Analysis) -> list[Quotation]:
    text = analysis.text
    body = len(analysis.document.title) + 2 if analysis.document.title else 0
    starts = [s.start for s in analysis.sentences]
    by_sentence: dict[int | None, list[Attribution]] = {}
    for a in analysis.attributions:
        by_sentence.setdefault(a.sentence, []).append(a)
    out: list[Quotation] = []
    carried: Attribution | None = None  # a speaker the previous paragraph hands on to this one
    for paragraph in re.finditer(r"[^\n]+", text[body:]):
        p_start, p_end = body + paragraph.start(), body + paragraph.end()
        lead = p_start + len(paragraph.group(0)) - len(paragraph.group(0).lstrip())
        for s, e, continues, closed in _quoted(paragraph.group(0), p_start):
            # The sentences the quotation touches: from the one holding its first mark to its last one,
            # and the one before when the quotation opens a sentence of the same paragraph: its
            # speaker is named just before ('…, said Bernard McAlinden. "We have seen good data."').
            first, last = max(0, bisect_right(starts, s) - 1), bisect_left(starts, e)
            if first > 0 and starts[first] == s and starts[first - 1] >= p_start:
                first -= 1
            a = _attribution([a for i in range(first, last) for a in by_sentence.get(i, ())], s, e)
            if a is None and continues and out:
                a = out[-1].attribution  # the same speaker goes on after a lost closing mark
            if a is None and s == lead:
                a = carried  # 'ESPN said:' ending one paragraph, the quotation opening the next
            out.append(Quotation(s, e, a, text[a.start:a.end] if a else None, closed))
        carried = _handed_on(analysis, out, starts, by_sentence, p_end)
    return out


def _handed_on(analysis: Analysis, out: list[Quotation], starts: list[int],
               by_sentence: dict, p_end: int) -> Attribution | None:
    """The speaker a paragraph hands on to a quotation opening the next: the attribution of its last
    sentence when that ends on ':' or ',' ('In a statement, ESPN said:'), or that of a quotation
    left open at its end (a quote that goes on in the next paragraph)."""
    if out and out[-1].end == p_end and out[-1].attribution is not None:
        return out[-1].attribution
    last = bisect_left(starts, p_end) - 1
    if last >= 0 and analysis.sentence_text(last).rstrip().endswith((":", ",")):
        cues = by_sentence.get(last, [])
        return cues[-1] if cues else None
    return None


def _quoted(paragraph: str, offset: int) -> list[tuple[int, int, bool, bool]]:
    """Quoted stretches of one paragraph. A straight quote opens when it follows a space and precedes
    a word, and closes the other way round; an opening mark met while a quotation is open ends that
    one there, as in news copy that drops a closing mark ('… dismiss them. "I haven't …'), so one
    lost mark does not turn the rest of the paragraph inside out. Each is (start, end, continues,
    closed): ``continues`` for a quotation that opened while another was still open (it goes on
    with the same speaker's words), ``closed`` for one that ends on its closing mark."""
    found, start, continues = [], None, False
    for mark in _MARK.finditer(paragraph):
        at, before, after = mark.start(), paragraph[mark.start() - 1:mark.start()], paragraph[mark.end():mark.end() + 1]
        char = mark.group(0)
        opens = char == "“" or (char == '"' and (not before or before.isspace() or before in "([—–-")
                                and after and not after.isspace())
        closes = char == "”" or (char == '"' and not opens)
        if opens:
            if start is not None:
                found.append((offset + start, offset + at, continues, False))
            start, continues = at, start is not None
        elif closes and start is not None:
            found.append((offset + start, offset + at + 1, continues, True))
            start, continues = None, False
    if start is not None:
        found.append((offset + start, offset + len(paragraph), continues, False))
    return found


def quotations_of(analysis: Analysis) -> list[Quotation]:
    """The article's quotations, found on first use and kept on the analysis: the propaganda, bias,
    claims and manipulation analyzers all read them (the attribution analyzer, which runs before
    them, clears them whenever it adds attributions)."""
    if analysis.quotations is None:
        analysis.quotations = find_quotations(analysis)
    return analysis.quotations


def quotation_at(quotations: list[Quotation], start: int, end: int) -> Quotation | None:
    """The quotation that holds the whole of [start, end), if any."""
    return next((q for q in quotations if q.start <= start and end <= q.end), None)


def quotation_note(quotations: list[Quotation], start: int, end: int) -> str:
    """The sentence a flag's explanation gets when its words are inside quotation marks, else ""."""
    q = quotation_at(quotations, start, end)
    if q is None:
        return ""
    if q.speaker:
        return f" {QUOTED}: words the article attributes to {q.speaker}."
    if q.written:
        return f" {QUOTED}: words the article attributes to a speaker (“{q.written}”)."
    return f" {QUOTED}."


def _attribution(nearby: list[Attribution], start: int, end: int) -> Attribution | None:
    """The attribution nearest to the quotation, outside it, among those of the sentences it
    touches: the speaker of '"The plan failed. It cost millions," she said.' or of 'Smith said:
    "The plan …"'. A cue inside the quotation is part of what is quoted."""
    outside = [a for a in nearby if a.source is not None and not (start <= a.start and a.end <= end)]
    return min(outside, key=lambda a: _distance(a, start, end), default=None)


def _distance(a: Attribution, start: int, end: int) -> int:
    return min(abs(a.start - end), abs(start - a.end))

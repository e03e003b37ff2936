"""Regular-expression rules shared by the rule-based analyzers."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    label: str
    pattern: re.Pattern
    score: float  # hand-set confidence of the rule (not learned; see docs/analyzers.md)
    explanation: str
    triggers: tuple[str, ...] = ()  # lower-case words one of which must occur for a match (speed)


def rule(label: str, pattern: str, score: float, explanation: str, flags: int = re.IGNORECASE,
         triggers: tuple[str, ...] = ()) -> Rule:
    return Rule(label, re.compile(pattern, flags), score, explanation, triggers)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    rule: Rule


def find_hits(rules: list[Rule], text: str, offset: int = 0) -> list[Hit]:
    """All matches of ``rules`` in ``text``, offsets shifted by ``offset``; overlaps keep the longest."""
    hits = []
    lower = text.lower()
    for r in rules:
        if r.triggers and not any(t in lower for t in r.triggers):
            continue  # a cheap substring test saves running the regex on most articles
        for m in r.pattern.finditer(text):
            start, end = _strip(text, m.start(), m.end())
            if end > start:
                hits.append(Hit(offset + start, offset + end, r))
    return drop_overlaps(hits)


def drop_overlaps(hits: list[Hit]) -> list[Hit]:
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), -h.rule.score, h.start)):
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in " \t\n,;:":
        end -= 1
    return start, end

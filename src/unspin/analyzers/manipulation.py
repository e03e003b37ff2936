"""One overall manipulation index that combines the layers, with a plain-language summary.

There is no labelled data for "manipulation", so this is a documented, hand-set combination, not a
learned probability (docs/analyzers.md gives the formula). Each term saturates, so no single layer
can push the index to the top on its own:

    z = -3.0 + 2.0·clickbait + 2.0·hyperpartisan + 2.5·min(1, propaganda per 100 words / 2)
          + 1.0·min(1, engagement calls / 2) + 1.0·unattributed share of claims
          + 1.0·min(1, biased-sentence share · 4)
    manipulation = 1 / (1 + e^-z)
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from ..analysis import Analysis
from ..techniques import display_name
from .base import Analyzer, register
from .quotations import quotation_at, quotations_of


@register
class ManipulationAnalyzer(Analyzer):
    """Overall manipulation index in [0, 1] with the reasons behind it (a documented combination)."""

    name = "manipulation"
    version = "1.0.0"
    order = 90

    def analyze(self, batch: Sequence[Analysis]) -> None:
        for analysis in batch:
            value, reasons = manipulation_index(analysis)
            analysis.scores["manipulation"] = value
            analysis.evidence["manipulation"] = reasons


INTERCEPT = -3.0  # an article with no signal at all scores 0.05


def manipulation_terms(a: Analysis) -> dict[str, float]:
    """Each layer's contribution to z (the index is the logistic of INTERCEPT plus their sum)."""
    words = max(1, len(a.document.body.split()))
    propaganda = a.spans_in("propaganda")
    biased = [s for s in a.spans_in("bias") if s.label == "biased sentence"]
    body_sentences = max(1, sum(1 for s in a.sentences if not s.in_title))
    unattributed = sum(1 for c in a.claims if c.attribution is None)
    density = 100.0 * sum(s.score for s in propaganda) / words
    return {"clickbait": 2.0 * a.scores.get("clickbait", 0.0),
            "hyperpartisan": 2.0 * a.scores.get("hyperpartisan", 0.0),
            "propaganda": 2.5 * min(1.0, density / 2.0),
            "engagement": 1.0 * min(1.0, len(a.spans_in("engagement")) / 2.0),
            "unattributed claims": 1.0 * (unattributed / len(a.claims) if a.claims else 0.0),
            "biased sentences": 1.0 * min(1.0, 4.0 * len(biased) / body_sentences)}


def manipulation_index(a: Analysis) -> tuple[float, list[str]]:
    z = INTERCEPT + sum(manipulation_terms(a).values())
    return 1.0 / (1.0 + math.exp(-z)), _reasons(a)


def _reasons(a: Analysis) -> list[str]:
    clickbait, hyperpartisan = a.scores.get("clickbait", 0.0), a.scores.get("hyperpartisan", 0.0)
    propaganda, engagement = a.spans_in("propaganda"), a.spans_in("engagement")
    biased = [s for s in a.spans_in("bias") if s.label == "biased sentence"]
    unattributed = sum(1 for c in a.claims if c.attribution is None)
    reasons = []
    if clickbait >= 0.5:
        reasons.append("headline bait")
    elif a.spans_in("headline"):
        reasons.append(f"{len(a.spans_in('headline'))} headline cue{'s' if len(a.spans_in('headline')) > 1 else ''}")
    quotations = quotations_of(a) if propaganda else []
    quoted = Counter(s.label for s in propaganda if quotation_at(quotations, s.start, s.end))
    for label, n in Counter(s.label for s in propaganda).most_common(3):
        # Quoted words are someone else's, reported by the article: say how many.
        inside = f" ({quoted[label]} in quotation marks)" if quoted[label] else ""
        reasons.append(f"{n} {display_name(label).lower()} span{'s' if n > 1 else ''}{inside}")
    kinds = Counter(s.label for s in engagement)
    if kinds.get("poll"):
        reasons.append("a reader poll" if kinds["poll"] == 1 else f"{kinds['poll']} reader polls")
    calls = sum(n for k, n in kinds.items() if k != "poll")
    if calls:
        reasons.append(f"{calls} call{'s' if calls > 1 else ''} to share, comment or subscribe")
    if unattributed:
        reasons.append(f"{unattributed} unattributed claim{'s' if unattributed > 1 else ''}")
    if biased:
        reasons.append(f"{len(biased)} sentence{'s' if len(biased) > 1 else ''} with biased wording")
    if hyperpartisan >= 0.5:
        reasons.append(f"hyperpartisan framing (p={hyperpartisan:.2f})")
    return reasons or ["no manipulation signals found"]

"""Plain-language summaries shared by the text and HTML reports."""
from __future__ import annotations

from ..analysis import Analysis

SCORE_NAMES = {
    "manipulation": "Manipulation index",
    "clickbait": "Clickbait headline",
    "hyperpartisan": "Hyperpartisan article",
    "bias": "Biased wording",
    "propaganda": "Propaganda",
}


def headline_verdict(analysis: Analysis) -> str:
    cues = analysis.spans_in("headline")
    cue_text = (f"{len(cues)} clickbait cue{'s' if len(cues) != 1 else ''} in the headline" if cues
                else "no clickbait cue in the headline")
    if "clickbait" in analysis.scores:
        p = analysis.scores["clickbait"]
        verdict = "clickbait" if p >= 0.5 else "not clickbait"
        return f"Headline: {verdict} (p={p:.2f}); {cue_text}"
    if not analysis.document.title:
        return "No headline"
    return f"Headline: {cue_text} (learned clickbait score not run)"


def score_lines(analysis: Analysis) -> list[tuple[str, float, str]]:
    order = list(SCORE_NAMES) + sorted(set(analysis.scores) - set(SCORE_NAMES))
    rows = []
    for key in order:
        if key in analysis.scores:
            why = "; ".join(analysis.evidence.get(key, []))
            rows.append((SCORE_NAMES.get(key, key), analysis.scores[key], why))
    return rows


def claim_counts(analysis: Analysis) -> tuple[int, int]:
    total = len(analysis.claims)
    unattributed = sum(1 for c in analysis.claims if c.attribution is None)
    return total, unattributed

"""Cut a text into segments at every span boundary, so overlapping spans can be drawn."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..analysis import Span

# The order layers are listed in (legend, report sections).
LAYER_PRIORITY = ("propaganda", "bias", "headline", "engagement", "attribution")
# When spans of several layers cover the same characters, the colour shown is the first here.
# Biased wording mostly marks whole sentences, so it comes below the phrase-level headline and
# engagement cues: a biased sentence must not hide the "Share this!" inside it.
PAINT_ORDER = ("propaganda", "headline", "engagement", "bias", "attribution")
LAYER_TITLES = {
    "propaganda": "Propaganda technique",
    "bias": "Biased wording",
    "headline": "Headline cue",
    "engagement": "Engagement bait",
    "attribution": "Attribution",
}


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    spans: tuple[int, ...]  # indices into the span list that cover the whole segment

    def layers(self, spans: Sequence[Span]) -> list[str]:
        present = {spans[i].layer for i in self.spans}
        return [layer for layer in PAINT_ORDER if layer in present]


def segments(text_length: int, spans: Sequence[Span]) -> list[Segment]:
    bounds = sorted({0, text_length, *(s.start for s in spans), *(min(s.end, text_length) for s in spans)})
    out = []
    for a, b in zip(bounds, bounds[1:]):
        if b <= a:
            continue
        covering = tuple(i for i, s in enumerate(spans) if s.start <= a and s.end >= b)
        out.append(Segment(a, b, covering))
    return out


def ordered_spans(spans: Sequence[Span]) -> list[Span]:
    return sorted(spans, key=lambda s: (s.start, s.end, LAYER_PRIORITY.index(s.layer), s.label))

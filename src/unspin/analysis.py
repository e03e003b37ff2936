"""What the analyzers produce: spans, claims, scores, and the ``unspin/analysis@1`` JSON shape."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .document import Document, Sentence
from .techniques import TECHNIQUE_NAMES

SCHEMA_ID = "unspin/analysis@1"
LAYERS = ("propaganda", "headline", "engagement", "attribution", "bias")
# How a span's explanation says its words are inside quotation marks (analyzers/quotations.py);
# the corpus report counts such spans apart.
QUOTED = "In quotation marks"


@dataclass
class Span:
    start: int
    end: int
    layer: str
    label: str
    score: float
    explanation: str

    def __post_init__(self) -> None:
        # What the analysis JSON schema requires of every span, checked where a span is made.
        if self.layer not in LAYERS:
            raise ValueError(f"unknown span layer {self.layer!r}; expected one of {LAYERS}")
        if self.layer == "propaganda" and self.label not in TECHNIQUE_NAMES:
            raise ValueError(f"a propaganda span's label must be one of the 14 technique names, not {self.label!r}")
        for name in ("label", "explanation"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"a span's {name} must be a non-empty text (got {value!r})")
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span offsets [{self.start}, {self.end})")
        self.score = _probability(self.score)

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "layer": self.layer, "label": self.label,
                "score": round(self.score, 4), "explanation": self.explanation}


@dataclass
class Attribution:
    """Who a statement is attributed to: the named source and the reporting cue."""

    source: str | None
    cue: str | None
    start: int
    end: int
    sentence: int | None = None  # index into Analysis.sentences (internal, not serialised)
    kind: str = "reported"  # reported | according-to | quote | document

    def to_dict(self) -> dict:
        return {"source": self.source, "cue": self.cue, "start": self.start, "end": self.end}


@dataclass
class FactCheckMatch:
    claim: str
    verdict: str | None
    publisher: str | None
    url: str | None
    date: str | None
    similarity: float

    def to_dict(self) -> dict:
        return {"claim": self.claim, "verdict": self.verdict, "publisher": self.publisher,
                "url": self.url, "date": self.date, "similarity": round(self.similarity, 4)}


@dataclass
class Claim:
    start: int
    end: int
    text: str
    checkworthiness: float
    attribution: Attribution | None = None
    matches: list[FactCheckMatch] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text,
                "checkworthiness": round(_probability(self.checkworthiness), 4),
                "attribution": self.attribution.to_dict() if self.attribution else None,
                "matches": [m.to_dict() for m in self.matches]}


@dataclass
class Analysis:
    """A document plus everything the analyzers found in it."""

    document: Document
    sentences: list[Sentence] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
    # Internal hand-over between analyzers; not part of the JSON.
    attributions: list[Attribution] = field(default_factory=list)
    sentence_scores: dict[str, list[float]] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    encoded: Any = None  # token states of the shared encoder (dropped after the pipeline)
    sentence_vectors: Any = None  # [n_sentences, dim] numpy array (dropped after the pipeline)
    quotations: Any = None  # quoted stretches and their speakers, found once (analyzers/quotations.py)

    @property
    def text(self) -> str:
        return self.document.text

    def sentence_text(self, i: int) -> str:
        s = self.sentences[i]
        return self.text[s.start:s.end]

    def add_span(self, start: int, end: int, layer: str, label: str, score: float,
                 explanation: str) -> Span:
        if end > len(self.text):
            raise ValueError(f"span end {end} is past the end of the text ({len(self.text)})")
        span = Span(start, end, layer, label, score, explanation)
        self.spans.append(span)
        return span

    def spans_in(self, layer: str) -> list[Span]:
        return [s for s in self.spans if s.layer == layer]

    def drop_spans_below(self, score: float) -> int:
        """Leave out the spans scored below ``score``, a choice of what to show: the scores and
        summaries computed from them stand, and a warning says how many went. Returns that number."""
        kept = [s for s in self.spans if s.score >= score]
        dropped = len(self.spans) - len(kept)
        if dropped:
            self.spans = kept
            self.warnings.append(f"{dropped} flag{'s' if dropped != 1 else ''} scored below {score:.2f} left out "
                                 "(--min-score); the scores and their summaries count every flag")
        return dropped

    def to_dict(self) -> dict:
        spans = sorted(self.spans, key=lambda s: (s.start, s.end, s.layer, s.label))
        return {
            "schema": SCHEMA_ID,
            "document": self.document.metadata(),
            "scores": {k: round(_probability(v), 4) for k, v in self.scores.items()},
            "spans": [s.to_dict() for s in spans],
            "claims": [c.to_dict() for c in sorted(self.claims, key=lambda c: c.start)],
            "warnings": list(self.warnings),
            "models": dict(self.models),
            "timings_ms": {k: round(v, 3) for k, v in self.timings_ms.items()},
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        """Rebuild an Analysis from its JSON form (for stores and the web app)."""
        if data.get("schema") != SCHEMA_ID:
            raise ValueError(f"not an {SCHEMA_ID} object (schema={data.get('schema')!r})")
        meta = data["document"]
        title, sep, body = meta["text"].partition("\n\n")
        doc = Document(title=title, body=body if sep else meta["text"], id=meta.get("id"),
                       url=meta.get("url"), outlet=meta.get("outlet"),
                       published=meta.get("published"), author=meta.get("author"))
        doc.language = meta.get("language")
        doc.outlet_rating = meta.get("outlet_rating")
        analysis = cls(document=doc, scores=dict(data.get("scores", {})),
                       warnings=list(data.get("warnings", [])), models=dict(data.get("models", {})),
                       timings_ms=dict(data.get("timings_ms", {})))
        analysis.spans = [Span(**s) for s in data.get("spans", [])]
        for c in data.get("claims", []):
            attr = c.get("attribution")
            analysis.claims.append(Claim(
                start=c["start"], end=c["end"], text=c["text"], checkworthiness=c["checkworthiness"],
                attribution=Attribution(**attr) if attr else None,
                matches=[FactCheckMatch(**m) for m in c.get("matches", [])]))
        return analysis


def _probability(value: float) -> float:
    value = float(value)
    if value != value:  # NaN: a model bug must not leak into the output as a valid score
        raise ValueError("score is NaN")
    return min(1.0, max(0.0, value))

"""Propaganda techniques (SemEval-2020 Task 11): spans at the exact characters, one of the 14
technique names, a calibrated score and the technique's definition as the explanation."""
from __future__ import annotations

from collections.abc import Sequence

from ..analysis import Analysis
from ..document import Document
from ..techniques import definition, display_name
from .base import Analyzer, positive_count, probability, register, text
from .models import shared_encoder
from .quotations import quotation_note, quotations_of


@register
class PropagandaAnalyzer(Analyzer):
    """Propaganda technique spans: token tagger plus span classifier on the shared encoder."""

    name = "propaganda"
    version = "1.0.0"
    order = 40
    needs_model = True
    requires = ("encoder",)

    options = {"threshold": probability, "model": text, "threads": positive_count}

    def __init__(self, **config) -> None:
        super().__init__(**config)
        self.model = shared_encoder(self.config.get("model"), self.config.get("threads"))
        self.version = self.model.config.get("version", self.version)
        self.threshold = self.config.get("threshold")

    def analyze(self, batch: Sequence[Analysis]) -> None:
        for analysis in batch:
            if analysis.encoded is None:
                continue  # the encoder skipped it (e.g. empty text)
            predicted = self.model.predict(analysis.encoded, len(analysis.document.title), self.threshold)
            quotations = quotations_of(analysis) if predicted else []
            for p in predicted:
                analysis.add_span(p.start, p.end, "propaganda", p.technique, p.score,
                                  f"{display_name(p.technique)}: {definition(p.technique)}"
                                  + quotation_note(quotations, p.start, p.end))

    def classify_spans(self, document: Document, spans: Sequence[tuple[int, int]],
                       sentences: Sequence[tuple[int, int]] | None = None) -> list[list[tuple[str, float]]]:
        """Technique probabilities for given character spans of ``document``, best first."""
        from ..segment import split_sentences

        for start, end in spans:
            if not 0 <= start < end <= len(document.text):
                raise ValueError(f"span [{start}, {end}) is outside the text (length {len(document.text)})")
        sents = sentences or [(s.start, s.end) for s in split_sentences(document)]
        enc = self.model.encode([document.text], [sents], [bool(document.title.strip())])[0]
        probs = self.model.classify(enc, list(spans), len(document.title))
        labels = self.model.labels
        return [sorted(((labels[k], float(p[k])) for k in range(len(labels))), key=lambda x: -x[1])
                for p in probs]


def classify_techniques(document: Document, spans: Sequence[tuple[int, int]]) -> list[list[tuple[str, float]]]:
    """Python API: the 14 technique probabilities of each given span, best first."""
    return PropagandaAnalyzer().classify_spans(document, spans)

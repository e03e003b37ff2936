"""The shared encoder pass (like spaCy's tok2vec): one run of the fine-tuned MiniLM over windows of
whole sentences gives token states to the propaganda analyzer and a vector per sentence to the
sentence heads (claims, bias, hyperpartisan), so no analyzer runs a transformer of its own."""
from __future__ import annotations

from collections.abc import Sequence

from ..analysis import Analysis
from ..inference.onnx import int8_tag
from .base import Analyzer, positive_count, register, text
from .models import shared_encoder


@register
class EncoderAnalyzer(Analyzer):
    """Shared transformer pass: token states and sentence vectors for the model analyzers."""

    name = "encoder"
    version = "1.0.0"
    order = 35
    needs_model = True

    options = {"model": text, "threads": positive_count}

    def __init__(self, **config) -> None:
        super().__init__(**config)
        self.model = shared_encoder(self.config.get("model"), self.config.get("threads"))
        self.version = self.model.config.get("version", self.version) + int8_tag()

    def analyze(self, batch: Sequence[Analysis]) -> None:
        from ..inference.propaganda import sentence_vectors

        spans = [[(s.start, s.end) for s in a.sentences] for a in batch]
        titled = [bool(a.sentences) and a.sentences[0].in_title for a in batch]
        for analysis, enc, sents in zip(batch, self.model.encode([a.text for a in batch], spans, titled), spans):
            analysis.encoded = enc
            analysis.sentence_vectors = sentence_vectors(enc, sents)

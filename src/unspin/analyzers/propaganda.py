"""Propaganda techniques (SemEval-2020 Task 11): spans at the exact characters, one of the 14
technique names, a calibrated score and the technique's definition as the explanation."""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..analysis import Analysis
from ..document import Document
from ..errors import ModelError
from ..techniques import definition, display_name
from .base import Analyzer, register


def model_dir(name: str) -> Path:
    """Folder of a shipped model inside the package."""
    path = Path(str(resources.files("unspin").joinpath("models", name)))
    if not (path / "config.json").exists():
        raise ModelError(f"the '{name}' model is not installed at {path}; "
                         f"train it with 'make train-{name}' or reinstall unspin")
    return path


@lru_cache(maxsize=2)
def load_model(path: str, threads: int | None = None):
    from ..inference.propaganda import PropagandaModel

    return PropagandaModel.load(Path(path), threads)


@register
class PropagandaAnalyzer(Analyzer):
    """Propaganda technique spans from the fine-tuned MiniLM tagger and span classifier."""

    name = "propaganda"
    version = "1.0.0"
    order = 40
    needs_model = True

    @classmethod
    def config_keys(cls) -> tuple[str, ...]:
        return ("threshold", "model", "threads")

    def __init__(self, **config) -> None:
        super().__init__(**config)
        path = Path(config["model"]) if config.get("model") else model_dir("propaganda")
        self.model = load_model(str(path), config.get("threads"))
        self.version = self.model.config.get("version", self.version)
        self.threshold = config.get("threshold")

    def analyze(self, batch: Sequence[Analysis]) -> None:
        encoded = self.model.encode([a.text for a in batch],
                                    [[(s.start, s.end) for s in a.sentences] for a in batch])
        for analysis, enc in zip(batch, encoded):
            for p in self.model.predict(enc, len(analysis.document.title), self.threshold):
                analysis.add_span(p.start, p.end, "propaganda", p.technique, p.score,
                                  f"{display_name(p.technique)}: {definition(p.technique)}")

    def classify_spans(self, document: Document, spans: Sequence[tuple[int, int]],
                       sentences: Sequence[tuple[int, int]] | None = None) -> list[list[tuple[str, float]]]:
        """Technique probabilities for given character spans of ``document``, best first."""
        from ..segment import split_sentences

        for start, end in spans:
            if not 0 <= start < end <= len(document.text):
                raise ValueError(f"span [{start}, {end}) is outside the text (length {len(document.text)})")
        sents = sentences or [(s.start, s.end) for s in split_sentences(document)]
        enc = self.model.encode([document.text], [sents])[0]
        probs = self.model.classify(enc, list(spans), len(document.title))
        labels = self.model.labels
        return [sorted(((labels[k], float(p[k])) for k in range(len(labels))), key=lambda x: -x[1])
                for p in probs]

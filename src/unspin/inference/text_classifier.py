"""A calibrated logistic regression over feature blocks: a dense vector (the shared encoder's
sentence vector), word n-gram TF-IDF, character n-gram TF-IDF, and a word lexicon (words with
counts of how often annotators marked them; five summary features per text, see
:func:`lexicon_features`).

Stored as gzipped JSON (no pickles): the TF-IDF vocabularies and idf weights, the coefficients,
and Platt calibration parameters fitted on a dev split. scikit-learn rebuilds the vectorizers.
"""
from __future__ import annotations

import gzip
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class TextClassifier:
    def __init__(self, spec: dict):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.spec = spec
        self.name = spec["name"]
        self.version = spec.get("version", "1")
        self.threshold = float(spec.get("threshold", 0.5))
        self.coef = np.asarray(spec["coef"], dtype=np.float64)
        self.intercept = float(spec["intercept"])
        self.calibration = spec.get("calibration", [1.0, 0.0])
        self.blocks = []
        self.lexicon: dict[str, tuple[int, int]] = {}  # word -> (texts marked, texts holding it)
        for block in spec["blocks"]:
            if block["type"] == "vector":
                self.blocks.append(("vector", float(block.get("scale", 1.0)), int(block["dim"])))
            elif block["type"] == "lexicon":
                self.lexicon = {w: tuple(c) for w, c in block["words"].items()}
                self.blocks.append(("lexicon", float(block.get("scale", 1.0)), LEXICON_FEATURES))
            else:
                vec = TfidfVectorizer(vocabulary=block["vocabulary"], **block["params"])
                vec.idf_ = np.asarray(block["idf"], dtype=np.float64)
                self.blocks.append(("tfidf", vec, len(block["vocabulary"])))
        widths = [b[2] for b in self.blocks]
        self.offsets = np.cumsum([0, *widths])
        if self.offsets[-1] != len(self.coef):
            raise ValueError(f"{self.name}: {len(self.coef)} coefficients for {self.offsets[-1]} features")

    @classmethod
    def load(cls, path: Path) -> TextClassifier:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls(json.load(handle))

    def decision(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        z = np.full(len(texts), self.intercept)
        for (kind, obj, _), start, end in zip(self.blocks, self.offsets, self.offsets[1:]):
            w = self.coef[start:end]
            if kind == "vector":
                z += (np.asarray(vectors, dtype=np.float64) * obj) @ w
            elif kind == "lexicon":
                z += (lexicon_features(self.lexicon, texts) * obj) @ w
            else:
                z += obj.transform(texts) @ w
        return z

    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Calibrated probability of the positive class."""
        if len(texts) == 0:
            return np.zeros(0)
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * self.decision(texts, vectors) + b)))

    def top_terms(self, text: str, k: int = 3) -> list[str]:
        """The n-grams of ``text`` that push the score up most (evidence for the user), as the
        text writes them ("Don't", not the model's token "don")."""
        found: dict[str, float] = {}
        for (kind, obj, _), start, _end in zip(self.blocks, self.offsets, self.offsets[1:]):
            if kind != "tfidf" or obj.analyzer != "word":
                continue
            row = obj.transform([text]).tocoo()
            names = obj.get_feature_names_out()
            for j, v in zip(row.col, row.data):
                contribution = v * self.coef[start + j]
                if contribution > 0:
                    found[names[j]] = max(found.get(names[j], 0.0), contribution)
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        ranked = sorted(((t, c) for t, c in found.items() if not set(t.split()) <= ENGLISH_STOP_WORDS),
                        key=lambda kv: -kv[1])
        chosen: list[str] = []
        for term, _ in ranked:  # skip an n-gram contained in one already chosen
            if not any(term in c or c in term for c in chosen):
                chosen.append(term)
            if len(chosen) == k:
                break
        return [as_written(text, term) for term in chosen]


def as_written(text: str, term: str) -> str:
    """The words of ``text`` an n-gram was made from: its case, its punctuation between words, and
    the rest of a word the tokenizer cut at an apostrophe or hyphen; the n-gram itself if absent."""
    # Between two words, a contraction the tokenizer dropped ("won't believe" is "won believe").
    pattern = r"\b" + r"(?:['’]\w{1,2})?\W+".join(re.escape(w) for w in term.split()) + r"(?:[\w'’-]*\w)?"
    m = re.search(pattern, text, re.IGNORECASE)
    return m.group(0) if m else term


LEXICON_WORD = re.compile(r"\w[\w'’-]*")
LEXICON_FEATURES = 5


def lexicon_features(lexicon: dict[str, tuple[int, int]], texts: Sequence[str]) -> np.ndarray:
    """[texts, 5]: for the distinct lexicon words of each text, log(1 + how many), the largest and
    the summed share of training texts in which annotators marked the word, and the largest and
    summed log-odds of that share (smoothed by 0.5; -3 when the text has none)."""
    out = np.zeros((len(texts), LEXICON_FEATURES))
    for row, text in enumerate(texts):
        # Sorted: the sums below must not depend on the order a set of strings iterates in, which
        # changes from process to process (hash randomisation) and moved the last bits of the features.
        counts = [lexicon[w] for w in sorted(set(LEXICON_WORD.findall(text.lower()))) if w in lexicon]
        shares = [m / max(m, t) for m, t in counts]
        log_odds = [float(np.log((m + 0.5) / (max(m, t) - m + 0.5))) for m, t in counts]
        out[row] = [np.log1p(len(counts)), max(shares, default=0.0), sum(shares),
                    max(log_odds, default=-3.0), sum(log_odds)]
    return out

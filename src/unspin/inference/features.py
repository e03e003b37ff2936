"""Shared-encoder vectors for texts outside an article pipeline (training and ``unspin eval``):
a sentence alone, or a whole article as the mean and max of its sentence vectors."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .propaganda import PropagandaModel, sentence_vectors


def sentence_features(model: PropagandaModel, texts: Sequence[str], chunk: int = 256) -> np.ndarray:
    """One vector per text, each text encoded as a one-sentence document."""
    out = []
    for i in range(0, len(texts), chunk):
        part = list(texts[i:i + chunk])
        spans = [[(0, len(t))] for t in part]
        for enc, sp in zip(model.encode(part, spans), spans):
            out.append(sentence_vectors(enc, sp)[0])
    dim = out[0].shape[0] if out else 384
    return np.stack(out) if out else np.zeros((0, dim), dtype=np.float32)


def article_vector(vectors: np.ndarray) -> np.ndarray:
    """An article as the mean and the max of its sentence vectors."""
    return np.concatenate([vectors.mean(0), vectors.max(0)])


def article_features(model: PropagandaModel, texts: Sequence[str],
                     sentences: Sequence[Sequence[tuple[int, int]]], chunk: int = 16) -> np.ndarray:
    out = []
    for i in range(0, len(texts), chunk):
        part, sents = list(texts[i:i + chunk]), list(sentences[i:i + chunk])
        for enc, sp in zip(model.encode(part, sents), sents):
            out.append(article_vector(sentence_vectors(enc, sp)))
    return np.stack(out)

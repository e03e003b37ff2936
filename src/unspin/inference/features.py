"""Shared-encoder vectors for texts outside an article pipeline (training and ``unspin eval``):
a sentence alone, or a whole article as the mean and max of its sentence vectors."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .propaganda import PropagandaModel, sentence_vectors


def sentence_features(model: PropagandaModel, texts: Sequence[str], chunk: int = 256) -> np.ndarray:
    """One vector per text, each text encoded as a one-sentence document (as a headline is)."""
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
                     sentences: Sequence[Sequence[tuple[int, int]]], chunk: int = 16,
                     titled: Sequence[bool] | None = None) -> np.ndarray:
    """Article vectors, encoded as the pipeline encodes articles (headline in its own window)."""
    out = []
    for i in range(0, len(texts), chunk):
        part, sents = list(texts[i:i + chunk]), list(sentences[i:i + chunk])
        flags = list(titled[i:i + chunk]) if titled is not None else [bool(s) and s[0][0] == 0 for s in sents]
        for enc, sp in zip(model.encode(part, sents, flags), sents):
            out.append(article_vector(sentence_vectors(enc, sp)))
    return np.stack(out)


def context_features(model: PropagandaModel, documents: Sequence[Sequence[str]], chunk: int = 16) -> list[np.ndarray]:
    """Vectors of sentences read in their context: each document is a list of sentences, one per
    line, packed into windows as the pipeline packs an article body."""
    out = []
    for i in range(0, len(documents), chunk):
        part = documents[i:i + chunk]
        texts, spans = [], []
        for sentences in part:
            pos, sp = 2, []
            for s in sentences:
                sp.append((pos, pos + len(s)))
                pos += len(s) + 1
            texts.append("\n\n" + "\n".join(sentences))
            spans.append(sp)
        for enc, sp in zip(model.encode(texts, spans), spans):
            out.append(sentence_vectors(enc, sp))
    return out

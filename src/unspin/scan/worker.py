"""What runs inside a worker (pool process or Dask worker): analyse one batch, return plain rows.

The pipeline is built once per process and reused for every batch (models load once).
"""
from __future__ import annotations

import json
import os
import re
import zlib
from functools import lru_cache

import numpy as np

from ..document import Document
from ..errors import UnspinError
from ..store.db import analysis_row

_PIPELINES: dict = {}
_WORD = re.compile(r"\w+")
NUM_PERM = 64
SHINGLE = 5
_FNV_PRIME = np.uint64(0x01000193)
_MASK32 = np.uint64(0xFFFFFFFF)
MINHASH_SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures must be read with it


def _pipeline(config: tuple):
    if config not in _PIPELINES:
        from ..pipeline import Pipeline

        analyzers, fast, batch_size, options = config
        _PIPELINES[config] = Pipeline(list(analyzers) if analyzers else None, fast=fast, batch_size=batch_size,
                                      config=json.loads(options))
    return _PIPELINES[config]


def set_single_thread() -> None:
    """Pool initializer: one inference thread per worker process (the pool gives parallelism)."""
    os.environ["UNSPIN_THREADS"] = "1"


@lru_cache(maxsize=1)
def _permutations():
    """datasketch draws the permutations from the seed for every MinHash (a third of its cost
    per article); they are the same every time, so draw them once per process."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=MINHASH_SCHEME).permutations


def minhash(text: str) -> list[int]:
    """MinHash of word 5-shingles (datasketch), for near-duplicate story clusters in the report."""
    from datasketch import MinHash

    words = _WORD.findall(text.lower())
    # Each word is hashed once (CRC-32) and the 5 hashes of a shingle are combined in numpy:
    # 2x cheaper than joining and hashing every shingle string, and plenty for LSH.
    hashes = np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words))
    if len(hashes) < SHINGLE:
        hashes = np.concatenate([hashes, np.zeros(SHINGLE - len(hashes), dtype=np.uint64)])
    n = len(hashes) - SHINGLE + 1
    shingles = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):
        shingles = (shingles * _FNV_PRIME + hashes[k:k + n]) & _MASK32
    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=MINHASH_SCHEME, hashfunc=int, permutations=_permutations())
    m.update_batch(np.unique(shingles).tolist())
    return [int(v) for v in m.hashvalues]


def analyze_batch(docs: list[Document], config: tuple) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """Rows for the store (without the texts, which the writer still has), and (doc_id, where,
    reason) for documents that failed to analyse."""
    pipeline = _pipeline(config)
    try:
        analyses = pipeline.analyze_batch(docs)
    except Exception:  # isolate the document that broke the batch
        rows, failures = [], []
        for doc in docs:
            try:
                rows.append(analysis_row(pipeline.analyze_batch([doc])[0], minhash(doc.text), with_text=False))
            except Exception as exc:  # noqa: BLE001 - reported per document, the scan goes on
                # An UnspinError's message is written for the user already (AnalyzerError names the analyzer).
                why = str(exc) if isinstance(exc, UnspinError) else f"{type(exc).__name__}: {exc}"
                failures.append((doc.doc_id, doc.source or doc.id or "?", f"analysis failed: {why}"))
        return rows, failures
    return [analysis_row(a, minhash(a.text), with_text=False) for a in analyses], []

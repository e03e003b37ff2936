"""Dense (cosine) top-n over the store's claim embeddings.

A float32 scan of 100k x 384 vectors reads 150 MB per query and is bound by memory bandwidth
(~7 ms on 2 cores). Large stores therefore keep a second copy quantised to int8 (38 MB) inside a
one-node ONNX graph (MatMulInteger, the matrix as an initializer so onnxruntime pre-packs it once):
it scores every claim in ~2 ms, the graph's TopK keeps the best ``PREFILTER x n``, and those are
re-scored exactly in float32.
On the 100k benchmark store the exact top-50 survives the prefilter in every one of 200 queries
(docs/benchmarks.md). Small stores (and evaluation) use the exact scan alone.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

QUANTISED_FROM = 20_000  # below this, the exact float32 scan takes under ~1.5 ms
PREFILTER = 4
CHUNK = 64  # queries scored together
GRAPH = "dense-int8.onnx"


def top_n(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` highest scores, best first; equal scores in index order.

    Why the care with ties: two claims can have exactly the same float32 cosine (or BM25 score),
    and which of them is kept must not depend on how the scores were computed (a matrix product
    or a matrix-vector one, one query or a batch) or on how ``argpartition`` happened to order them.
    """
    n = min(n, len(scores))
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    if len(scores) > 16 * n:
        # Narrow down first: the n-th highest score of every k-th one cannot be above the n-th
        # highest of all, so every score of the top n is >= it. A BM25 query has ~14,000 hits at
        # 100k claims, and partitioning them all cost 150 us; the sample and one comparison, 30.
        sample = scores[:: len(scores) // (8 * n)]
        floor = np.partition(sample, len(sample) - n)[len(sample) - n]
        if not np.isnan(sample).any():
            keep = np.flatnonzero(scores >= floor)  # ascending, so ties stay in index order
            if len(keep) >= n:
                return keep[top_n(scores[keep], n)] if len(keep) < len(scores) else _top_n(scores, n)
    return _top_n(scores, n)


def _top_n(scores: np.ndarray, n: int) -> np.ndarray:
    if n < len(scores):
        top = np.argpartition(-scores, n - 1)[:n]
        kth = scores[top].min()  # the n-th highest score
        # Only when equal scores straddle the cut (rare for cosines) is the whole array walked again.
        # (NaN scores sort last and are never compared.)
        if not np.isnan(kth) and np.count_nonzero(scores == kth) > np.count_nonzero(scores[top] == kth):
            above = np.flatnonzero(scores > kth)
            top = np.concatenate([above, np.flatnonzero(scores == kth)[: n - len(above)]])
    else:
        top = np.arange(len(scores))
    return top[np.lexsort((top, -scores[top]))]


class ExactDense:
    """Cosine against every vector (vectors are unit length, so a dot product)."""

    def __init__(self, vectors: np.ndarray):
        self.vectors = vectors

    def search(self, query: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and cosines of the ``n`` nearest vectors, best first."""
        return self.search_many(query[None, :], n)[0]

    def search_many(self, queries: np.ndarray, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`search` for each row of ``queries`` [Q, dim], reading the vectors once per
        ``CHUNK`` queries (the [Q, N] score matrix stays small)."""
        out = []
        for i in range(0, len(queries), CHUNK):
            out += self._search_chunk(queries[i:i + CHUNK], n)
        return out

    def _search_chunk(self, queries: np.ndarray, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
        scores = queries @ np.asarray(self.vectors).T
        return [(top, row[top]) for row in scores for top in (top_n(row, n),)]


class QuantisedDense(ExactDense):
    """int8 prefilter in onnxruntime, then exact re-scoring of the survivors."""

    def __init__(self, vectors: np.ndarray, graph: Path, threads: int | None = None):
        super().__init__(vectors)
        from ..inference.onnx import session

        self.session = session(graph, threads, spin=False)

    def _search_chunk(self, queries: np.ndarray, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
        # Each query gets its own scale; a row's scale does not change its ranking.
        scales = np.abs(queries).max(axis=1, keepdims=True) / 127
        q = (np.clip(np.round(queries / np.where(scales > 0, scales, 1.0)), -127, 127) + 128).astype(np.uint8)
        k = np.array([min(PREFILTER * n, len(self.vectors))], dtype=np.int64)
        # One pass over the int8 matrix, and the best k of each row chosen in the graph (TopK):
        # choosing them in numpy cost ~1 ms per query at 100k claims, more than the scoring.
        (best_k,) = self.session.run(None, {"query": q, "k": k})  # [Q, k] indices, unordered
        out = []
        for query, row in zip(queries, best_k):
            pool = np.sort(row)  # sorted rows: forward reads of the memmap
            exact = np.asarray(self.vectors[pool]) @ query
            best = top_n(exact, n)
            out.append((pool[best], exact[best]))
        return out


def write_graph(vectors: np.ndarray, path: Path) -> None:
    """The int8 scoring graph for ``vectors`` [N, dim]: scores = (query - 128) . round(vectors / s),
    and the indices of each query's ``k`` best scores (ties: onnxruntime's TopK keeps the lower index)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    scale = float(np.abs(vectors).max()) / 127 or 1.0
    matrix = np.clip(np.round(vectors / scale), -127, 127).astype(np.int8).T  # [dim, N]
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["query", "matrix", "zero"], ["scores"]),
         helper.make_node("TopK", ["scores", "k"], ["best_scores", "best"], axis=1, largest=1, sorted=0)],
        "unspin-dense-int8",
        [helper.make_tensor_value_info("query", TensorProto.UINT8, ["queries", matrix.shape[0]]),
         helper.make_tensor_value_info("k", TensorProto.INT64, [1])],
        [helper.make_tensor_value_info("best", TensorProto.INT64, ["queries", "k"])],
        [numpy_helper.from_array(np.ascontiguousarray(matrix), "matrix"),
         numpy_helper.from_array(np.array(128, dtype=np.uint8), "zero")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8  # readable by every onnxruntime this project supports
    onnx.save(model, str(path))


def open_dense(vectors: np.ndarray, cache: Path | None = None) -> ExactDense:
    """The dense index for a store: quantised when the store is large and its graph was built."""
    if cache is not None and (cache / GRAPH).exists():
        return QuantisedDense(vectors, cache / GRAPH)
    return ExactDense(vectors)

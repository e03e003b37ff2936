"""Dense (cosine) top-n over the store's claim embeddings.

A float32 scan of 100k x 384 vectors reads 150 MB per query and is bound by memory bandwidth
(~7 ms on 2 cores). Large stores therefore keep a second copy quantised to int8 (38 MB) inside a
one-node ONNX graph (MatMulInteger, the matrix as an initializer so onnxruntime pre-packs it once):
it scores every claim in ~2 ms, and the best ``PREFILTER x n`` are re-scored exactly in float32.
On the 100k benchmark store the exact top-50 survives the prefilter in every one of 200 queries
(docs/benchmarks.md). Small stores (and evaluation) use the exact scan alone.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

QUANTISED_FROM = 20_000  # below this, the exact float32 scan takes under ~1.5 ms
PREFILTER = 4
GRAPH = "dense-int8.onnx"


def top_n(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` highest scores, best first."""
    n = min(n, len(scores))
    top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
    return top[np.argsort(-scores[top], kind="stable")]


class ExactDense:
    """Cosine against every vector (vectors are unit length, so a dot product)."""

    def __init__(self, vectors: np.ndarray):
        self.vectors = vectors

    def search(self, query: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        scores = np.asarray(self.vectors) @ query
        top = top_n(scores, n)
        return top, scores[top]


class QuantisedDense(ExactDense):
    """int8 prefilter in onnxruntime, then exact re-scoring of the survivors."""

    def __init__(self, vectors: np.ndarray, graph: Path, threads: int | None = None):
        super().__init__(vectors)
        from ..inference.onnx import session

        self.session = session(graph, threads, spin=False)

    def search(self, query: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        scale = float(np.abs(query).max()) / 127 or 1.0
        q = (np.clip(np.round(query / scale), -127, 127) + 128).astype(np.uint8)[None, :]
        (approx,) = self.session.run(None, {"query": q})
        pool = np.sort(top_n(approx[0], PREFILTER * n))  # sorted rows: forward reads of the memmap
        exact = np.asarray(self.vectors[pool]) @ query
        best = top_n(exact, n)
        return pool[best], exact[best]


def write_graph(vectors: np.ndarray, path: Path) -> None:
    """The int8 scoring graph for ``vectors`` [N, dim]: scores = (query - 128) . round(vectors / s)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    scale = float(np.abs(vectors).max()) / 127 or 1.0
    matrix = np.clip(np.round(vectors / scale), -127, 127).astype(np.int8).T  # [dim, N]
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["query", "matrix", "zero"], ["scores"])], "unspin-dense-int8",
        [helper.make_tensor_value_info("query", TensorProto.UINT8, [1, matrix.shape[0]])],
        [helper.make_tensor_value_info("scores", TensorProto.INT32, [1, matrix.shape[1]])],
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

"""Find fact-checks of a claim: BM25 (bm25s) and embeddings (MiniLM) candidates, then a small
learned re-ranker turns their evidence into one similarity in [0, 1] the user can threshold.

The re-ranker is a logistic regression over [cosine, BM25 score / best BM25 score of the query,
reciprocal ranks in both lists, the cosine's margin over the best other candidate], trained on the
CheckThat! training pairs (training/matcher.py), also with each query's own fact-checks taken out of
the collection: most claims in news have no fact-check at all, and the first candidate of such a
claim must not look like a match just because it ranks first. Its output is the estimated
probability that the fact-check verifies the claim.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .dense import GRAPH, QUANTISED_FROM, ExactDense, open_dense, top_n, write_graph
from .store import FactCheckStore

CANDIDATES = 50
RECORDS = "records.arrow"  # Arrow IPC file, read memory-mapped
INDEX_LAYOUT = 4  # bump when the cached index changes, so older caches are rebuilt (2: int8 graph, 3: records.arrow, 4: TopK)
DEFAULT_RERANKER = {"weights": [9.0, 2.0, 1.0, 0.5], "bias": -8.0}  # used only if no trained one ships


@dataclass
class Candidate:
    id: str
    similarity: float  # re-ranker probability
    cosine: float
    bm25: float  # normalised to the best BM25 score of the query
    record: dict | None = None


@dataclass
class Features:
    """What the re-ranker sees of one candidate."""

    index: int
    cosine: float
    bm25: float  # BM25 score / best BM25 score of the query (0 when not retrieved lexically)
    dense_rank: int
    bm25_rank: int
    margin: float = 0.0  # cosine minus the best cosine among the query's other candidates

    def vector(self) -> list[float]:
        return [self.cosine, self.bm25, 1.0 / self.dense_rank, 1.0 / self.bm25_rank, self.margin]


def load_reranker() -> dict | None:
    """The re-ranker trained by `make train-matcher`, shipped with the sentence encoder (None if absent)."""
    from ..analyzers.models import model_dir

    path = model_dir("minilm") / "reranker.json"
    return json.loads(path.read_text()) if path.exists() else None


def _reranker(given: dict | None) -> dict:
    """The re-ranker a matcher uses: the one given, else the shipped one, else the hand-set default.
    (Before, a matcher opened without one silently used the hand-set default, whose similarities
    are not the ones `unspin analyze` shows.)"""
    return given or load_reranker() or DEFAULT_RERANKER


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), return_ids=False,
                          show_progress=False)


class Matcher:
    """Hybrid retrieval over a store; load once, query many times."""

    def __init__(self, ids: list[str], vectors: np.ndarray, bm25, reranker: dict, records=None,
                 dense: ExactDense | None = None):
        self.ids = ids
        self.vectors = vectors
        self.dense = dense or ExactDense(vectors)
        self.bm25 = bm25
        self.reranker = reranker
        self.records = records  # pyarrow Table in the same order as ids (None in evaluation)

    @classmethod
    def from_store(cls, store_path: Path, reranker: dict | None = None) -> Matcher:
        """Open the cached index of the store at ``store_path``, building it if the store changed."""
        import bm25s

        with FactCheckStore(store_path, read_only=True) as store:
            generation = store.generation()
            cache = store_path.with_name(store_path.name + ".index") / f"gen-{generation}-v{INDEX_LAYOUT}"
            if not (cache / "done").exists():
                _build_cache(store, cache)
        import pyarrow as pa

        ids = json.loads((cache / "ids.json").read_text())
        vectors = np.load(cache / "vectors.npy", mmap_mode="r")
        bm25 = bm25s.BM25.load(str(cache / "bm25"), mmap=False) if ids else None
        # Memory-mapped Arrow: only the records a match returns are read (reading the same table
        # from Parquet cost ~110 MB of memory at 100k records; this costs under 1 MB).
        records = pa.ipc.open_file(pa.memory_map(str(cache / RECORDS))).read_all()
        return cls(ids, vectors, bm25, _reranker(reranker), records, open_dense(vectors, cache))

    @classmethod
    def from_texts(cls, ids: list[str], texts: list[str], vectors: np.ndarray,
                   reranker: dict | None = None) -> Matcher:
        """An in-memory matcher (evaluation: rank a benchmark's claims without a store)."""
        return cls(ids, np.ascontiguousarray(vectors, dtype=np.float32), _bm25_index(texts), _reranker(reranker))

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, queries: list[str], query_vectors: np.ndarray, k: int = 5,
               mode: str = "hybrid") -> list[list[Candidate]]:
        """Top ``k`` candidates per query. ``mode``: hybrid | semantic | lexical."""
        out = []
        for rows in self.candidates(queries, query_vectors, mode):
            scores = self._scores(rows, mode)
            best = np.argsort(-scores, kind="stable")[:k]  # stable: ties keep the candidates' order
            out.append([Candidate(self.ids[rows[i].index], float(scores[i]), rows[i].cosine, rows[i].bm25,
                                  self._record(rows[i].index)) for i in best])
        return out

    def candidates(self, queries: list[str], query_vectors: np.ndarray,
                   mode: str = "hybrid") -> list[list[Features]]:
        """The union of the dense and BM25 top lists per query, with the re-ranker's features."""
        if not self.ids or not queries:
            return [[] for _ in queries]
        n = min(CANDIDATES, len(self.ids))
        dense = self._dense(query_vectors, n) if mode != "lexical" else [{} for _ in queries]
        lexical = self._lexical(queries, n) if mode != "semantic" else [{} for _ in queries]
        out = []
        for qi in range(len(queries)):
            union = list(set(dense[qi]) | set(lexical[qi]))
            # Lexical-only candidates need their cosine too: one gather for all of them.
            missing = sorted(i for i in union if i not in dense[qi])
            cosines = dict(zip(missing, (np.asarray(self.vectors[missing]) @ query_vectors[qi]).tolist())) \
                if missing else {}
            rows = []
            for idx in union:
                cos, d_rank = dense[qi].get(idx, (None, n + 1))
                bm, b_rank = lexical[qi].get(idx, (0.0, n + 1))
                rows.append(Features(idx, cosines[idx] if cos is None else cos, bm, d_rank, b_rank))
            out.append(with_margins(rows))
        return out

    def _record(self, idx: int) -> dict | None:
        if self.records is None:
            return None
        return {name: self.records.column(name)[idx].as_py() for name in self.records.column_names}

    def _dense(self, q: np.ndarray, n: int) -> list[dict[int, tuple[float, int]]]:
        return [{int(i): (float(s), rank) for rank, (i, s) in enumerate(zip(top, scores), 1)}
                for top, scores in self.dense.search_many(np.asarray(q, dtype=np.float32), n)]

    def _lexical(self, queries: list[str], n: int) -> list[dict[int, tuple[float, int]]]:
        out = []
        for toks in tokenize(queries):
            # get_scores + our own top-n: bm25s.retrieve costs 4 ms more per query in thread set-up
            scores = self.bm25.get_scores(toks) if toks else np.zeros(0)
            hits = np.flatnonzero(scores > 0)  # ~15 % of a 100k store: the top-n is chosen among them
            top = hits[top_n(scores[hits], n)]
            best = float(scores[top[0]]) if len(top) else 1.0
            out.append({int(d): (float(scores[d]) / best, rank) for rank, d in enumerate(top, 1)})
        return out

    def _scores(self, rows: list[Features], mode: str) -> np.ndarray:
        """The similarity of each candidate: the re-ranker's probability (hybrid), else the cosine
        (semantic) or the normalised BM25 score (lexical)."""
        if mode == "semantic":
            return np.maximum(0.0, np.array([f.cosine for f in rows], dtype=np.float64))
        if mode == "lexical":
            return np.array([f.bm25 for f in rows], dtype=np.float64)
        return rerank(self.reranker, rows)


def rerank(reranker: dict, rows: list[Features]) -> np.ndarray:
    """The re-ranker's probability for each candidate (what the user sees as ``similarity``)."""
    if not rows:
        return np.zeros(0)
    weights = np.asarray(reranker["weights"])  # a 4-weight re-ranker (before margins) reads 4 features
    z = np.array([f.vector()[:len(weights)] for f in rows]) @ weights + reranker["bias"]
    return 1.0 / (1.0 + np.exp(-z))


def with_margins(rows: list[Features]) -> list[Features]:
    """Fill each candidate's margin: how far its cosine stands above the best of the others. A
    fact-check that verifies a claim usually stands out; the first of many near-equal candidates
    usually does not."""
    if not rows:
        return rows
    cosines = np.array([f.cosine for f in rows])
    order = np.argsort(-cosines, kind="stable")
    first, second = cosines[order[0]], (cosines[order[1]] if len(rows) > 1 else 0.0)
    for i, f in enumerate(rows):
        f.margin = float(f.cosine - (second if i == order[0] else first))
    return rows


def _bm25_index(texts: list[str]):
    import bm25s

    index = bm25s.BM25()
    index.index(tokenize(texts), show_progress=False)
    return index


def _build_cache(store: FactCheckStore, cache: Path) -> None:
    """Write the index of the current generation to a temporary folder, then move it in place,
    so a reader never sees a half-written index."""
    import tempfile

    import pyarrow as pa

    ids, vectors = store.vectors()
    rows = store.records()  # same rowid order as vectors()
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=cache.parent))
    np.save(tmp / "vectors.npy", vectors)
    if len(ids) >= QUANTISED_FROM:
        write_graph(vectors, tmp / GRAPH)
    (tmp / "ids.json").write_text(json.dumps(ids))
    fields = ("claim", "verdict", "publisher", "url", "date", "speaker")
    table = pa.table({f: pa.array([r[f] for r in rows], pa.string()) for f in fields})
    with pa.OSFile(str(tmp / RECORDS), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    if ids:
        texts = [" ".join(filter(None, [r["claim"], r["title"]])) for r in rows]
        _bm25_index(texts).save(str(tmp / "bm25"))
    (tmp / "done").write_text("ok")
    for old in cache.parent.glob("gen-*"):
        if old != cache:
            shutil.rmtree(old, ignore_errors=True)  # older generations are stale
    try:
        tmp.rename(cache)
    except OSError:  # another process built it first
        shutil.rmtree(tmp, ignore_errors=True)

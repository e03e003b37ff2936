"""Find fact-checks of a claim: BM25 (bm25s) and embeddings (MiniLM) candidates, then a small
learned re-ranker turns their evidence into one similarity in [0, 1] the user can threshold.

The re-ranker is a logistic regression over [cosine, BM25 score / best BM25 score of the query,
reciprocal ranks in both lists, the cosine's margin over the best candidate that checks another
claim], trained on the
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
# Two fact-checks whose vectors are at least this close check the same claim (another publisher's
# check of it, the same record imported twice): neither is the other's rival in the margin feature.
SAME_CLAIM = 0.9
RIVALS = 16  # the margin looks for a candidate's best rival among the best this many candidates
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


def _encoder_identity() -> str:
    from ..analyzers.models import model_dir
    from ..inference.sentence_encoder import identity_of

    return identity_of(model_dir("minilm"))


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
                 dense: ExactDense | None = None, embedding_model: str | None = None):
        self.ids = ids
        self.vectors = vectors
        self.dense = dense or ExactDense(vectors)
        self.bm25 = bm25
        self.reranker = reranker
        self.records = records  # pyarrow Table in the same order as ids (None in evaluation)
        self.embedding_model = embedding_model  # the store's, checked against the query encoder (None in evaluation)

    @classmethod
    def from_store(cls, store_path: Path, reranker: dict | None = None, embedding_model: str | None = None) -> Matcher:
        """Open the cached index of the store at ``store_path``, building it if the store changed.
        ``embedding_model``: the identity of the encoder that will embed the queries (default: the
        shipped one); a store embedded by another model is refused (StoreError)."""
        import bm25s

        with FactCheckStore(store_path, read_only=True) as store:
            embedding_model = embedding_model or _encoder_identity()
            store.require_embedding_model(embedding_model)
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
        return cls(ids, vectors, bm25, _reranker(reranker), records, open_dense(vectors, cache), embedding_model)

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
        chosen = []
        for pool in self._pools(queries, query_vectors, mode):
            scores = self._scores(pool, mode)
            best = np.argsort(-scores, kind="stable")[:k]  # stable: ties in store order
            chosen.append((pool, best, scores[best]))
        # The records of every query's best, read in one call (one cell at a time cost ~1 ms a claim).
        wanted = np.concatenate([pool.index[best] for pool, best, _ in chosen] or [np.zeros(0, np.int64)])
        records = iter(self.records.take(wanted).to_pylist()) if self.records is not None else None
        return [[Candidate(self.ids[pool.index[i]], float(score), float(pool.cosine[i]), float(pool.bm25[i]),
                           next(records) if records else None)
                 for i, score in zip(best, scores)] for pool, best, scores in chosen]

    def candidates(self, queries: list[str], query_vectors: np.ndarray,
                   mode: str = "hybrid") -> list[list[Features]]:
        """The union of the dense and BM25 top lists per query, with the re-ranker's features
        (as objects, for training and inspection; :meth:`search` reads the same arrays)."""
        return [pool.rows() for pool in self._pools(queries, query_vectors, mode)]

    def _pools(self, queries: list[str], query_vectors: np.ndarray, mode: str = "hybrid") -> list[Pool]:
        if not self.ids or not queries:
            return [Pool.of(np.zeros(0, np.int64), 1) for _ in queries]
        n = min(CANDIDATES, len(self.ids))
        none = [(np.zeros(0, np.int64), np.zeros(0)) for _ in queries]
        dense = self.dense.search_many(np.asarray(query_vectors, dtype=np.float32), n) if mode != "lexical" else none
        lexical = self._lexical(queries, n) if mode != "semantic" else none
        return [self._pool(d, lex, query_vectors[qi], n) for qi, (d, lex) in enumerate(zip(dense, lexical))]

    def _pool(self, dense: tuple[np.ndarray, np.ndarray], lexical: tuple[np.ndarray, np.ndarray],
              query: np.ndarray, n: int) -> Pool:
        """One query's candidates in store order; a candidate absent from a list gets rank n + 1 there."""
        (d_idx, d_cos), (l_idx, l_bm25) = dense, lexical
        pool = Pool.of(np.union1d(d_idx, l_idx).astype(np.int64), n + 1)
        at = np.searchsorted(pool.index, d_idx)
        pool.cosine[at], pool.dense_rank[at] = d_cos, np.arange(1, len(at) + 1)
        at = np.searchsorted(pool.index, l_idx)
        pool.bm25[at], pool.bm25_rank[at] = l_bm25, np.arange(1, len(at) + 1)
        # One gather of the candidates' vectors: lexical-only candidates need their cosine, and the
        # margins need to know which candidates check the same claim.
        vectors = np.asarray(self.vectors[pool.index], dtype=np.float32)
        missing = pool.dense_rank == n + 1
        if missing.any():
            pool.cosine[missing] = vectors[missing] @ query
        pool.margin = margins(pool.cosine, vectors)
        return pool

    def _lexical(self, queries: list[str], n: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per query: the BM25 top ``n`` (store rows, best first) and their scores over the best."""
        out = []
        for toks in tokenize(queries):
            # get_scores + our own top-n: bm25s.retrieve costs 4 ms more per query in thread set-up
            scores = self.bm25.get_scores(toks) if toks else np.zeros(0)
            hits = np.flatnonzero(scores > 0)  # ~15 % of a 100k store: the top-n is chosen among them
            top = hits[top_n(scores[hits], n)]
            best = float(scores[top[0]]) if len(top) else 1.0
            out.append((top, scores[top].astype(np.float64) / best))
        return out

    def _scores(self, pool: Pool, mode: str) -> np.ndarray:
        """The similarity of each candidate: the re-ranker's probability (hybrid), else the cosine
        (semantic) or the normalised BM25 score (lexical)."""
        if mode == "semantic":
            return np.maximum(0.0, pool.cosine)
        if mode == "lexical":
            return pool.bm25
        return rerank(self.reranker, pool.features)


@dataclass
class Pool:
    """One query's candidates as arrays, in store order: what :class:`Features` holds, per row."""

    index: np.ndarray  # int64 store rows, ascending
    cosine: np.ndarray
    bm25: np.ndarray  # BM25 score / best BM25 score of the query (0 when not retrieved lexically)
    dense_rank: np.ndarray
    bm25_rank: np.ndarray
    margin: np.ndarray

    @classmethod
    def of(cls, index: np.ndarray, absent_rank: int) -> Pool:
        m = len(index)
        return cls(index, np.zeros(m), np.zeros(m), np.full(m, absent_rank), np.full(m, absent_rank), np.zeros(m))

    @property
    def features(self) -> np.ndarray:
        """[m, 5]: the columns of :meth:`Features.vector`."""
        return np.column_stack([self.cosine, self.bm25, 1.0 / self.dense_rank, 1.0 / self.bm25_rank, self.margin])

    def rows(self) -> list[Features]:
        return [Features(*row) for row in zip(self.index.tolist(), self.cosine.tolist(), self.bm25.tolist(),
                                              self.dense_rank.tolist(), self.bm25_rank.tolist(), self.margin.tolist())]


def rerank(reranker: dict, rows: list[Features] | np.ndarray) -> np.ndarray:
    """The re-ranker's probability for each candidate (what the user sees as ``similarity``), from
    Features or a feature matrix [m, 5]."""
    if not len(rows):
        return np.zeros(0)
    features = rows if isinstance(rows, np.ndarray) else np.array([f.vector() for f in rows])
    weights = np.asarray(reranker["weights"])  # a 4-weight re-ranker (before margins) reads 4 features
    z = features[:, :len(weights)] @ weights + reranker["bias"]
    return 1.0 / (1.0 + np.exp(-z))


def with_margins(rows: list[Features], vectors: np.ndarray | None = None) -> list[Features]:
    """Fill each candidate's margin: how far its cosine stands above the best of its rivals. A
    fact-check that verifies a claim usually stands out; the first of many near-equal candidates
    usually does not. ``vectors``: the collection's (rows are indexed by ``Features.index``), so that
    fact-checks of the same claim are not each other's rivals (:func:`margins`)."""
    chosen = None if vectors is None else np.asarray(vectors[[f.index for f in rows]], dtype=np.float32)
    for f, margin in zip(rows, margins(np.array([f.cosine for f in rows]), chosen).tolist()):
        f.margin = margin
    return rows


def margins(cosines: np.ndarray, vectors: np.ndarray | None = None) -> np.ndarray:
    """Each cosine minus the best cosine among its rivals (the best candidate: minus the second
    best, or 0 when it has no rival). With the candidates' ``vectors``, a candidate that checks the
    same claim (vectors' cosine ≥ SAME_CLAIM) is no rival: when two publishers checked the claim, or
    a record was imported twice, the right fact-check no longer stood out, and its match could fall
    under the line at which it is shown (on CheckThat! 2A with each right fact-check present twice,
    a fifth fewer right matches were shown). Without vectors every other candidate is a rival."""
    if not len(cosines):
        return np.zeros(0)
    order = np.argsort(-cosines, kind="stable")
    if vectors is None:
        out = cosines - cosines[order[0]]
        out[order[0]] = cosines[order[0]] - (cosines[order[1]] if len(cosines) > 1 else 0.0)
        return out
    top = order[:RIVALS]
    rival = (vectors @ vectors[top].T) < SAME_CLAIM  # [m, top]: True where top[k] checks another claim
    rival[top, np.arange(len(top))] = False  # never one's own rival (a zero vector is not close to itself)
    # The best rival is the first in the top that is one; a candidate with none there (all of the
    # top check its claim) is measured against the best candidate below the top, or 0.
    below = cosines[order[RIVALS]] if len(cosines) > RIVALS else 0.0
    best = np.where(rival.any(axis=1), cosines[top][np.argmax(rival, axis=1)], below)
    return cosines - best


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

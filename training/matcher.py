"""Fit the claim-matching re-ranker and measure lexical, semantic and hybrid retrieval.

    python -m training.matcher

Data: CheckThat! 2021/22 task 2A (tweets -> Snopes, 14,231 verified claims) and task 2B (debate
sentences -> PolitiFact, 19,250 fact-checks). Queries are split 70/30 by id (data/splits/); the
re-ranker (logistic regression over cosine, normalised BM25, both reciprocal ranks and the cosine's
margin over the next candidate) is fitted on the training queries of both tasks and written to
src/unspin/models/minilm/reranker.json. The test queries are written as benchmark files by
`python -m training.materialize claim-match`.

Every query is seen twice in training: as it is, and with its own fact-checks taken out of the
collection (the candidates re-ranked as if they had never been there). In CheckThat! every query has
a fact-check; in news most claims have none, and a re-ranker that never saw such a query learns that
the first candidate in both lists is a match, whatever it says (on BBC claims against a 100k store
that put "similarity" 0.81 on a Cadbury profits report against a Cadbury Facebook-hamper hoax).

Since version 2.1, the claims the claims analyzer finds in half of the BBC articles (2004-2005 UK
news, which no fact-check in these collections verifies) are negatives too: their candidates in
both collections, weighted so that they count in total as much as the CheckThat! queries'
candidates. The other half is held out (`benchmarks/matches_on_news.py` reads only that half).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from unspin.evaluation.match_tasks import clean_query, metrics, rank, read_claims, read_qrels, read_queries
from unspin.factchecks.matcher import CANDIDATES, Features, rerank, with_margins

from . import splits
from .splits import NEWS, news_files

TASKS = {
    "2a": {"queries": "checkthat2022_task2a_en/train_queries.tsv", "claims": "checkthat2022_task2a_en/vclaims.jsonl",
           "qrels": "checkthat2022_task2a_en/CT2022-Task2A-EN-Train_QRELs.tsv"},
    "2b": {"queries": "checkthat2022_task2b_en/train_queries.tsv",
           "claims": "checkthat2022_task2b_en/politifact-vclaims.jsonl.gz",
           "qrels": "checkthat2022_task2b_en/CT2022-Task2B-EN-Train_QRELs.tsv"},
}


def load(task: str):
    from .materialize import claim_match_split

    spec = TASKS[task]
    queries = read_queries(splits.SHARED / spec["queries"])
    qrels = read_qrels(splits.SHARED / spec["qrels"])
    return queries, read_claims(splits.SHARED / spec["claims"]), qrels, claim_match_split(task, queries)


def without(rows: list[Features], gone: set[int], vectors: np.ndarray | None = None) -> list[Features]:
    """The candidates a query would get if the fact-checks ``gone`` were not in the collection: the
    others keep their scores, move up in both lists, and BM25 is normalised to the new best."""
    rest = [f for f in rows if f.index not in gone]
    if not rest:
        return []
    missing = CANDIDATES + 1  # the rank Matcher.candidates gives a candidate absent from a list
    dense = {f.index: r for r, f in enumerate(sorted((f for f in rest if f.dense_rank < missing),
                                                      key=lambda f: f.dense_rank), 1)}
    lexical = {f.index: r for r, f in enumerate(sorted((f for f in rest if f.bm25_rank < missing),
                                                        key=lambda f: f.bm25_rank), 1)}
    best = max(f.bm25 for f in rest) or 1.0
    return with_margins([Features(f.index, f.cosine, f.bm25 / best, dense.get(f.index, missing),
                                  lexical.get(f.index, missing)) for f in rest], vectors)


def no_match_rate(reranker: dict, rows: list[list[Features]]) -> float:
    """Share of queries without a fact-check in the collection whose best candidate still scores
    >= 0.5 (a wrong "already checked")."""
    tops = [rerank(reranker, r).max() for r in rows if r]
    return float(np.mean(np.array(tops) >= 0.5))


def news_claims(files: list) -> list[str]:
    """The claims the claims analyzer finds in ``files`` (no store), each text once."""
    from unspin import Pipeline
    from unspin.errors import InputError
    from unspin.ingest import read_inputs

    pipeline = Pipeline(["claims"], config={"claims": {"store": str(splits.ROOT / "build" / "no-store.duckdb")}})
    docs = [d for d in read_inputs([str(f) for f in files]) if not isinstance(d, InputError)]
    return list(dict.fromkeys(c.text for a in pipeline.analyze(docs) for c in a.claims))


def news_rate(reranker: dict, matcher, texts: list[str], vectors: np.ndarray) -> float:
    """Share of news claims whose best candidate in ``matcher``'s collection scores >= 0.5."""
    return no_match_rate(reranker, matcher.candidates(texts, vectors))


def features(task: str, queries, claims, qrels, ids: set[str]):
    from unspin.analyzers.models import sentence_encoder
    from unspin.evaluation.match_tasks import claim_text, index_text
    from unspin.factchecks.matcher import Matcher

    enc = sentence_encoder()
    model = re.sub(r"[^A-Za-z0-9.]+", "-", enc.identity)  # another encoder, other vectors
    cache = splits.ROOT / "build" / "features" / f"claims-{task}-{len(claims)}-{model}.npy"
    if cache.exists():
        vectors = np.load(cache)
    else:
        cache.parent.mkdir(parents=True, exist_ok=True)
        vectors = enc.encode([claim_text(c) for c in claims])
        np.save(cache, vectors)
    matcher = Matcher.from_texts([c["vclaim_id"] for c in claims], [index_text(c) for c in claims], vectors)
    chosen = [(q, t) for q, t in queries if q in ids]
    texts = [clean_query(t) for _, t in chosen]
    rows = matcher.candidates(texts, enc.encode(texts, batch_size=1))  # as the claims analyzer embeds
    position = {cid: i for i, cid in enumerate(matcher.ids)}
    X, y, unmatched = [], [], []
    for (qid, _), cands in zip(chosen, rows):
        gold = {position[c] for c in qrels.get(qid, ()) if c in position}
        unmatched.append(without(cands, gold, matcher.vectors))
        for f in cands:
            X.append(f.vector())
            y.append(int(f.index in gold))
        for f in unmatched[-1]:
            X.append(f.vector())
            y.append(0)
    return np.array(X), np.array(y), matcher, chosen, texts, enc, unmatched


def main() -> None:
    import argparse

    from unspin.analyzers.models import model_dir, sentence_encoder

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write reranker.json (default: beside the sentence encoder in use, "
                             "which $UNSPIN_MODELS may choose); matching-metrics.json goes beside it")
    out = parser.parse_args().out or model_dir("minilm") / "reranker.json"
    X_all, y_all, report = [], [], {}
    prepared, news_X = {}, []
    encoder = sentence_encoder()
    splits.require_shared(NEWS, why="the re-ranker trains on the claims of these BBC articles as news without a fact-check")
    news = {held_out: news_claims(news_files(held_out)) for held_out in (False, True)}
    news_vectors = {k: encoder.encode(v, batch_size=1) for k, v in news.items()}  # as the claims analyzer embeds
    print(f"news claims: {len(news[False])} for training, {len(news[True])} held out", flush=True)
    for task in TASKS:
        queries, claims, qrels, split = load(task)
        X, y, matcher, *_ = features(task, queries, claims, qrels, set(split["train"]))
        X_all.append(X)
        y_all.append(y)
        news_X += [f.vector() for rows in matcher.candidates(news[False], news_vectors[False]) for f in rows]
        prepared[task] = (queries, claims, qrels, split, matcher)
        print(f"{task}: {len(split['train'])} train / {len(split['test'])} test queries, "
              f"{len(claims)} claims, {int(y.sum())} positives among {len(y)} candidates", flush=True)
    X, y = np.vstack(X_all), np.concatenate(y_all)
    # The news negatives' rows weigh, in total, as much as the CheckThat! rows.
    news_weight = len(y) / len(news_X)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(
        np.vstack([X, np.array(news_X)]), np.concatenate([y, np.zeros(len(news_X), dtype=y.dtype)]),
        sample_weight=np.concatenate([np.ones(len(y)), np.full(len(news_X), news_weight)]))
    reranker = {"version": "2.2.0", "weights": [float(w) for w in model.coef_[0]], "bias": float(model.intercept_[0]),
                "features": ["cosine", "bm25 / best bm25 of the query", "1 / dense rank", "1 / bm25 rank",
                             "cosine - best cosine of the candidates that check another claim"],
                "trained_on": "CheckThat! 2022 task 2A and 2B training queries, 70% split (data/splits/), "
                              "each also with its own fact-checks taken out of the collection; and, as "
                              f"negatives, the {len(news[False])} claims found in the BBC articles at odd "
                              "positions of the sorted file list, their candidates weighted "
                              f"{news_weight:.4f} (as much in total as the CheckThat! candidates)"}
    out.write_text(json.dumps(reranker, indent=1) + "\n")
    for task, (queries, claims, qrels, split, matcher) in prepared.items():
        test = [(q, t) for q, t in queries if q in set(split["test"])]
        test_qrels = {q: qrels[q] for q, _ in test if q in qrels}
        report[task] = {}
        for mode in ("lexical", "semantic", "hybrid"):
            results = rank(test, claims, mode=mode, reranker=reranker)
            run = {q: [c.id for c in hits] for (q, _), hits in zip(test, results)}
            report[task][mode] = metrics(run, test_qrels)
            if mode == "hybrid":  # how often the right fact-check comes first and is shown (>= 0.5)
                shown = [bool(h) and h[0].id in test_qrels.get(q, ()) and h[0].similarity >= 0.5
                         for (q, _), h in zip(test, results) if q in test_qrels]
                report[task]["gold_first_and_shown"] = float(np.mean(shown))
            print(f"  {task} {mode}: MAP@5 {report[task][mode]['map_at_5']:.4f}", flush=True)
        *_, unmatched = features(task, queries, claims, qrels, set(split["test"]))
        report[task]["no_match_false_rate"] = no_match_rate(reranker, unmatched)
        print(f"  {task} test queries without their fact-checks: best candidate >= 0.5 in "
              f"{report[task]['no_match_false_rate']:.1%}", flush=True)
        report[task]["held_out_news_false_rate"] = news_rate(reranker, matcher, news[True], news_vectors[True])
        print(f"  {task} held-out BBC claims ({len(news[True])}): best candidate >= 0.5 in "
              f"{report[task]['held_out_news_false_rate']:.2%}", flush=True)
    (out.parent / "matching-metrics.json").write_text(json.dumps({"reranker": reranker, "test": report}, indent=1) + "\n")


if __name__ == "__main__":
    main()

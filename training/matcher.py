"""Fit the claim-matching re-ranker and measure lexical, semantic and hybrid retrieval.

    python -m training.matcher

Data: CheckThat! 2021/22 task 2A (tweets -> Snopes, 14,231 verified claims) and task 2B (debate
sentences -> PolitiFact, 19,250 fact-checks). Queries are split 70/30 by id (data/splits/); the
re-ranker (logistic regression over cosine, normalised BM25 and both reciprocal ranks) is fitted on
the training queries of both tasks and written to src/unspin/models/minilm/reranker.json. The
test queries are written as benchmark files by `python -m training.materialize claim-match`.
"""
from __future__ import annotations

import json

import numpy as np
from sklearn.linear_model import LogisticRegression

from unspin.evaluation.match_tasks import clean_query, metrics, rank, read_claims, read_qrels, read_queries

from . import splits

OUT = splits.ROOT / "src" / "unspin" / "models" / "minilm" / "reranker.json"
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


def features(task: str, queries, claims, qrels, ids: set[str]):
    from unspin.analyzers.models import sentence_encoder
    from unspin.evaluation.match_tasks import claim_text, index_text
    from unspin.factchecks.matcher import Matcher

    enc = sentence_encoder()
    cache = splits.ROOT / "build" / "features" / f"claims-{task}-{len(claims)}.npy"
    if cache.exists():
        vectors = np.load(cache)
    else:
        cache.parent.mkdir(parents=True, exist_ok=True)
        vectors = enc.encode([claim_text(c) for c in claims])
        np.save(cache, vectors)
    matcher = Matcher.from_texts([c["vclaim_id"] for c in claims], [index_text(c) for c in claims], vectors)
    chosen = [(q, t) for q, t in queries if q in ids]
    texts = [clean_query(t) for _, t in chosen]
    rows = matcher.candidates(texts, enc.encode(texts))
    X, y = [], []
    for (qid, _), cands in zip(chosen, rows):
        for f in cands:
            X.append(f.vector())
            y.append(int(matcher.ids[f.index] in qrels.get(qid, ())))
    return np.array(X), np.array(y), matcher, chosen, texts, enc


def main() -> None:
    X_all, y_all, report = [], [], {}
    prepared = {}
    for task in TASKS:
        queries, claims, qrels, split = load(task)
        X, y, *_ = features(task, queries, claims, qrels, set(split["train"]))
        X_all.append(X)
        y_all.append(y)
        prepared[task] = (queries, claims, qrels, split)
        print(f"{task}: {len(split['train'])} train / {len(split['test'])} test queries, "
              f"{len(claims)} claims, {int(y.sum())} positives among {len(y)} candidates", flush=True)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(np.vstack(X_all), np.concatenate(y_all))
    reranker = {"weights": [float(w) for w in model.coef_[0]], "bias": float(model.intercept_[0]),
                "features": ["cosine", "bm25 / best bm25 of the query", "1 / dense rank", "1 / bm25 rank"],
                "trained_on": "CheckThat! 2022 task 2A and 2B training queries, 70% split (data/splits/)"}
    OUT.write_text(json.dumps(reranker, indent=1) + "\n")
    for task, (queries, claims, qrels, split) in prepared.items():
        test = [(q, t) for q, t in queries if q in set(split["test"])]
        test_qrels = {q: qrels[q] for q, _ in test if q in qrels}
        report[task] = {}
        for mode in ("lexical", "semantic", "hybrid"):
            results = rank(test, claims, mode=mode, reranker=reranker)
            run = {q: [c.id for c in hits] for (q, _), hits in zip(test, results)}
            report[task][mode] = metrics(run, test_qrels)
            print(f"  {task} {mode}: MAP@5 {report[task][mode]['map_at_5']:.4f}", flush=True)
    (OUT.parent / "matching-metrics.json").write_text(json.dumps({"reranker": reranker, "test": report}, indent=1) + "\n")


if __name__ == "__main__":
    main()

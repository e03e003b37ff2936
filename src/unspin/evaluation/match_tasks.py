"""``unspin eval`` task claim-match (CheckThat! 2020-2022 task 2): rank verified claims per query.

Metric (as the CheckThat! scorer): AP@5 = Σ over relevant claims ranked in the top 5 of P@rank,
divided by the number of relevant claims of the query; MAP@5 is its mean over queries. Also MRR
(over the submitted top 5) and P@1.
"""
from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

from ..errors import InputError
from .readers import json_records

csv.field_size_limit(sys.maxsize)
_TWEET_TAIL = re.compile(r"\s*[—–-]+\s*[^—–(]{0,80}\(@\w+\)\s+\w+ \d{1,2}, \d{4}\s*$")
_LINKS = re.compile(r"(?:https?://\S+|pic\.twitter\.com/\S+)")


def clean_query(text: str) -> str:
    """Drop the embed tail of a tweet ("— Name (@handle) May 5, 2019") and links."""
    return " ".join(_LINKS.sub(" ", _TWEET_TAIL.sub("", text)).split())


def read_queries(path: Path) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.reader(handle, delimiter="\t") if r]
    if rows and (rows[0][0].strip() in ("", "iclaim_id", "tweet_id") and not rows[0][0].strip().isdigit()):
        rows = rows[1:]
    seen, out = set(), []
    for r in rows:
        if len(r) < 2:
            raise InputError("expected iclaim_id<TAB>iclaim rows", str(path))
        if r[0] not in seen:  # the 2B file repeats a query once per relevant claim
            seen.add(r[0])
            out.append((r[0].strip(), r[1]))
    return out


def read_claims(path: Path) -> list[dict]:
    out = []
    for n, record in json_records(path):
        if "vclaim_id" not in record or "vclaim" not in record:
            raise InputError(f"line {n}: a claim needs vclaim_id and vclaim", str(path))
        out.append(record)
    return out


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if len(cols) >= 4 and cols[3] != "0":
            qrels[cols[0]].add(cols[2])
    return dict(qrels)


def claim_text(record: dict) -> str:
    return record["vclaim"]


def index_text(record: dict) -> str:
    """What BM25 indexes: the claim plus the fact-check's title and subtitle."""
    return " ".join(filter(None, [record.get("vclaim"), record.get("title"), record.get("subtitle")]))


def rank(queries: list[tuple[str, str]], claims: list[dict], k: int = 5, mode: str = "hybrid",
         reranker: dict | None = None, candidates: bool = False):
    from ..analyzers.models import sentence_encoder
    from ..factchecks.matcher import Matcher

    encoder = sentence_encoder()
    vectors = encoder.encode([claim_text(c) for c in claims])
    matcher = Matcher.from_texts([c["vclaim_id"] for c in claims], [index_text(c) for c in claims], vectors, reranker)
    texts = [clean_query(q) for _, q in queries]
    return matcher.search(texts, encoder.encode(texts, batch_size=1), k=k, mode=mode)  # as the claims analyzer does


def predict_claim_match(data: Path, claims: Path | None = None, **_) -> list[str]:
    if claims is None:
        raise ValueError("claim-match needs --claims FILE (JSONL or JSONL.gz with vclaim_id and vclaim)")
    queries = read_queries(data)
    results = rank(queries, read_claims(claims))
    lines = []
    for (qid, _), hits in zip(queries, results):
        for r, hit in enumerate(hits, 1):
            lines.append(f"{qid}\tQ0\t{hit.id}\t{r}\t{hit.similarity:.6f}\tunspin")
    return lines


def find_qrels(data: Path, gold: Path | None) -> Path:
    if gold:
        return gold
    folder = Path(data).resolve().parent
    candidates = sorted(folder.glob("*QRELs.tsv")) + sorted(folder.glob("*.qrels"))
    if not candidates:
        raise InputError(f"no qrels file (*QRELs.tsv, *.qrels) next to {data}; pass --gold")
    return candidates[0]


def metrics(run: dict[str, list[str]], qrels: dict[str, set[str]], k: int = 5) -> dict:
    ap, rr, p1 = [], [], []
    for qid, relevant in qrels.items():
        ranked = run.get(qid, [])[:k]
        hits, precision_sum, first = 0, 0.0, None
        for i, doc in enumerate(ranked, 1):
            if doc in relevant:
                hits += 1
                precision_sum += hits / i
                first = first or i
        ap.append(precision_sum / len(relevant))
        rr.append(1.0 / first if first else 0.0)
        p1.append(1.0 if ranked and ranked[0] in relevant else 0.0)
    n = max(1, len(ap))
    return {"map_at_5": sum(ap) / n, "mrr": sum(rr) / n, "p_at_1": sum(p1) / n, "queries": len(ap)}


def score_claim_match(data: Path, pred: Path, gold: Path | None = None, **_) -> dict:
    qrels = read_qrels(find_qrels(data, gold))
    wanted = {qid for qid, _ in read_queries(data)}
    qrels = {q: r for q, r in qrels.items() if q in wanted}
    if not qrels:  # a score over no query would read as 0.0, as if every prediction were wrong
        raise InputError("no relevance judgement for any query of DATA (qrels lines: "
                         "iclaim_id 0 vclaim_id 1)", str(find_qrels(data, gold)))
    run: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for n, line in enumerate(pred.read_text(encoding="utf-8").splitlines(), 1):
        cols = line.split()
        if len(cols) >= 4:
            if not cols[3].isdigit():
                raise InputError(f"line {n}: expected a TREC run line (iclaim_id Q0 vclaim_id rank score tag)",
                                 str(pred))
            run[cols[0]].append((int(cols[3]), cols[2]))
    ranked = {q: [d for _, d in sorted(v)] for q, v in run.items()}
    return {"task": "claim-match", **metrics(ranked, qrels)}

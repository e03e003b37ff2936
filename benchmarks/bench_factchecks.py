"""Fact-check store at 100k records: import time, and matching latency against a reference.

    python benchmarks/bench_factchecks.py --records 100000

Builds a ClaimReview JSONL of ``--records`` records from the real fact-checks in ../shared/data
(PolitiFact and Snopes claims from CheckThat!, LIAR statements, Share the Facts), repeated with a
numbered suffix where the real ones run out, imports it with `unspin factchecks import` into a
fresh store (embedding every claim), then matches 200 queries (held-out CheckThat! tweets and
debate sentences) one at a time:

* unspin's hybrid matcher (BM25 via bm25s + MiniLM int8 cosine + re-ranker), including the
  query's own embedding;
* the reference: DuckDB's full-text search (`fts` extension, BM25) over the same store.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from training.splits import SHARED, require_shared  # noqa: E402


def real_claims() -> list[dict]:
    out = []
    with gzip.open(SHARED / "checkthat2022_task2b_en" / "politifact-vclaims.jsonl.gz", "rt") as f:
        out += [{"claim": r["vclaim"], "verdict": r.get("truth_label") or "unrated", "publisher": "PolitiFact",
                 "url": "https://www.politifact.com" + r["url"]} for r in map(json.loads, f)]
    for line in open(SHARED / "checkthat2022_task2a_en" / "vclaims.jsonl", encoding="utf-8"):
        r = json.loads(line)
        out.append({"claim": r["vclaim"], "verdict": "unrated", "publisher": "Snopes", "url": r.get("page_url")})
    for line in open(SHARED / "liar" / "train.tsv", encoding="utf-8"):
        cols = line.split("\t")
        if len(cols) > 2:
            out.append({"claim": cols[2], "verdict": cols[1], "publisher": "PolitiFact (LIAR)", "url": None})
    for line in open(SHARED / "sharethefacts_2017" / "facts.jsonl", encoding="utf-8"):
        r = json.loads(line)
        if r.get("statement") and r.get("rating"):
            out.append({"claim": r["statement"], "verdict": r["rating"], "publisher": f"org {r['organization_id']}",
                        "url": r.get("redirectURL")})
    return out


def write_claimreview(path: Path, n: int) -> int:
    claims = real_claims()
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            c = claims[i % len(claims)]
            text = c["claim"] if i < len(claims) else f"{c['claim']} ({i // len(claims)})"
            handle.write(json.dumps({"@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": text,
                                     "reviewRating": {"@type": "Rating", "alternateName": c["verdict"]},
                                     "author": {"@type": "Organization", "name": c["publisher"]},
                                     "url": c["url"]}) + "\n")
    return len(claims)


def queries(k: int = 200) -> list[str]:
    from unspin.evaluation.match_tasks import clean_query, read_queries

    qs = read_queries(ROOT / "build" / "splits" / "claim-match-2a" / "queries.tsv")
    qs += read_queries(ROOT / "build" / "splits" / "claim-match-2b" / "queries.tsv")
    return [clean_query(q) for _, q in qs][:k]


def memory_kb() -> dict[str, int]:
    """RssAnon and RssFile of this process, in kB (Linux)."""
    lines = Path("/proc/self/status").read_text().splitlines()
    return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines) if k in ("RssAnon", "RssFile")}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="match against this existing store instead (no import timed); "
                                                   "the DuckDB FTS reference then writes its index into it")
    parser.add_argument("--keep", type=Path, help="import into this store path and keep it (for bench_analyze "
                                                  "with UNSPIN_FACTCHECKS); default: a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store, import_s = args.store, None
        if store is None:
            store = args.keep or Path(tmp) / "fc.duckdb"
            if store.exists():  # checked before writing 100k records
                print(f"{store} exists: the import is timed into a new store", file=sys.stderr)
                raise SystemExit(2)
            require_shared("checkthat2022_task2b_en", "checkthat2022_task2a_en", "liar", "sharethefacts_2017",
                           why="the store is built from these fact-checks")
            source = Path(tmp) / "claimreview.jsonl"
            real = write_claimreview(source, args.records)
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "unspin", "factchecks", "import", str(source), "--store",
                                   str(store)], capture_output=True, text=True)
            import_s = time.perf_counter() - started
            print(f"import: {args.records} ClaimReview records ({real} real) in {import_s:.1f} s "
                  f"({args.records / import_s:.0f} records/s) — {done.stderr.strip().splitlines()[-1]}", flush=True)

        from unspin.analyzers.models import sentence_encoder
        from unspin.factchecks.matcher import Matcher

        encoder = sentence_encoder()
        # Builds the index if missing (not timed); kept alive so that the measured load below cannot
        # reuse memory this one freed: its memory is then all its own.
        first = Matcher.from_store(store)
        before = memory_kb()
        started = time.perf_counter()
        matcher = Matcher.from_store(store)
        load_s = time.perf_counter() - started
        loaded = memory_kb()
        del first
        qs = queries()
        matcher.search(qs[:2], encoder.encode(qs[:2]))  # warm-up
        hybrid = []
        for q in qs:
            t0 = time.perf_counter()
            matcher.search([q], encoder.encode([q]), k=5)
            hybrid.append(1000 * (time.perf_counter() - t0))
        queried = memory_kb()
        stages = stage_times(matcher, encoder, qs)
        # merge + re-rank: what the whole match takes beyond the stages timed apart
        stages["merge + re-rank (remainder)"] = round(statistics.mean(hybrid) - sum(stages.values()), 2)

        import duckdb

        con = duckdb.connect(str(store))
        _load_fts(con)
        started = time.perf_counter()
        con.execute("PRAGMA create_fts_index('factchecks', 'id', 'claim', overwrite=1)")
        fts_index_s = time.perf_counter() - started
        reference = []
        for q in qs:
            t0 = time.perf_counter()
            con.execute("SELECT id, score FROM (SELECT id, fts_main_factchecks.match_bm25(id, ?) AS score "
                        "FROM factchecks) WHERE score IS NOT NULL ORDER BY score DESC LIMIT 5", [q]).fetchall()
            reference.append(1000 * (time.perf_counter() - t0))
        con.close()
    print(f"store index load (cached after import): {load_s:.2f} s; DuckDB FTS index build: {fts_index_s:.1f} s")
    # Anonymous memory is the process's own; file-backed pages (memory-mapped vectors and records)
    # are the shared page cache, which the kernel can drop and reread.
    print(f"memory of the opened index: {(loaded['RssAnon'] - before['RssAnon']) / 1024:.0f} MB own; "
          f"file pages read after {len(qs)} matches: {(queried['RssFile'] - before['RssFile']) / 1024:.0f} MB")
    print(f"{'matching one claim, ms':<44} {'p50':>7} {'p90':>7} {'p99':>7}")
    for name, v in (("unspin hybrid (embed + BM25 + cosine + rerank)", hybrid), ("DuckDB FTS match_bm25 (reference)", reference)):
        print(f"{name:<44} {pct(v, .5):>7.1f} {pct(v, .9):>7.1f} {pct(v, .99):>7.1f}")
    print("where the time goes (mean ms per query): " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    print(json.dumps({"records": args.records, "import_seconds": import_s and round(import_s, 1), "stages_ms": stages,
                      "hybrid_ms": {"p50": round(pct(hybrid, .5), 1), "p99": round(pct(hybrid, .99), 1),
                                    "mean": round(statistics.mean(hybrid), 1)},
                      "duckdb_fts_ms": {"p50": round(pct(reference, .5), 1), "p99": round(pct(reference, .99), 1)}}))


def stage_times(matcher, encoder, qs: list[str]) -> dict[str, float]:
    """Mean milliseconds of each stage of one hybrid match, timed apart on the same queries."""
    from unspin.factchecks.dense import ExactDense
    from unspin.factchecks.matcher import CANDIDATES

    n = min(CANDIDATES, len(matcher))
    dense = f"dense top-n ({type(matcher.dense).__name__})"
    totals = {"query embedding": 0.0, dense: 0.0, "BM25 top-n": 0.0}
    for q in qs:
        t0 = time.perf_counter()
        vec = encoder.encode([q])
        t1 = time.perf_counter()
        matcher.dense.search_many(vec, n)
        t2 = time.perf_counter()
        matcher._lexical([q], n)
        t3 = time.perf_counter()
        totals["query embedding"] += t1 - t0
        totals[dense] += t2 - t1
        totals["BM25 top-n"] += t3 - t2
    out = {k: round(1000 * v / len(qs), 2) for k, v in totals.items()}
    # Not a stage: the exact float32 scan the int8 prefilter replaces, and how often both agree.
    exact, seconds, agree = ExactDense(matcher.vectors), 0.0, 0
    for q in qs:
        vec = encoder.encode([q])[0]
        t0 = time.perf_counter()
        want = exact.search(vec, n)[0]
        seconds += time.perf_counter() - t0
        agree += want.tolist() == matcher.dense.search(vec, n)[0].tolist()
    print(f"reference, exact float32 dense top-{n}: {1000 * seconds / len(qs):.2f} ms "
          f"(mean, excluding embedding); same top-{n} as the shipped index in {agree} of {len(qs)} queries")
    return out


def _load_fts(con) -> None:
    """The fts extension ships in the PyPI package duckdb-extension-fts; LOAD it by file path
    (INSTALL would try to download it)."""
    import duckdb
    import duckdb_extension_fts

    folder = Path(duckdb_extension_fts.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    con.execute(f"LOAD '{folder / 'fts.duckdb_extension'}'")


if __name__ == "__main__":
    main()

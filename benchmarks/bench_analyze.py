"""Throughput, latency and peak memory of `unspin analyze` over a folder of articles.

    python benchmarks/bench_analyze.py --corpus ../shared/data/bbc_news/bbc            # all analyzers
    python benchmarks/bench_analyze.py --corpus ../shared/data/bbc_news/bbc --fast     # rules only
    python benchmarks/bench_analyze.py --corpus ... --words 700 --workers 2

Each run reads the files with unspin's own readers, analyses them, and renders JSON, end to end.
``--words N`` joins consecutive articles of the corpus until each has about N words (the issues
state speed targets for 700-word articles; BBC articles average ~390 words).
Latency is measured one document at a time; throughput with batches over ``--workers`` processes.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from unspin import Pipeline
from unspin.document import Document
from unspin.errors import InputError
from unspin.ingest import read_inputs
from unspin.render import render_json

_PIPELINE: Pipeline | None = None


def load_corpus(folder: Path, words: int | None, limit: int | None) -> list[Document]:
    """The corpus' documents; with ``words``, consecutive articles joined and cut to exactly that
    many words (paragraphs kept), headed by the first article's title."""
    docs = [d for d in read_inputs([str(folder)]) if not isinstance(d, InputError) and Path(d.source or "").name.lower() != "readme.txt"]
    if words:
        joined, title, parts, count = [], None, [], 0
        for d in docs:
            title = title or d.title
            for para in d.body.strip().split("\n"):
                tokens = para.split()
                if not tokens:
                    continue
                take = tokens[:words - count]
                parts.append(" ".join(take))
                count += len(take)
                if count >= words:
                    joined.append(Document(title=title, body="\n".join(parts)))
                    title, parts, count = None, [], 0
                    break
        docs = joined
    return docs[:limit] if limit else docs


def _init(names, fast, threads, config=None):
    global _PIPELINE
    if threads:
        os.environ["UNSPIN_THREADS"] = str(threads)
    _PIPELINE = Pipeline(names, fast=fast, config=config)


def _run_batch(docs: list[Document]) -> tuple[int, float, dict[str, float]]:
    """JSON size, seconds, and the summed per-analyzer milliseconds of the batch's documents."""
    started = time.perf_counter()
    analyses = list(_PIPELINE.analyze(docs))
    out = render_json(analyses)
    stage_ms: dict[str, float] = {}
    for a in analyses:
        for name, ms in a.timings_ms.items():
            stage_ms[name] = stage_ms.get(name, 0.0) + ms
    return len(out), time.perf_counter() - started, stage_ms


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--analyzers", default=None, help="comma-separated (default: all)")
    parser.add_argument("--fast", action="store_true", help="only analyzers that need no model")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--words", type=int, default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--latency-docs", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="ANALYZER.OPTION=VALUE",
                        help="analyzer option, as for `unspin analyze --set` (repeatable)")
    args = parser.parse_args()
    from unspin.cli import parse_settings

    config = parse_settings(tuple(args.settings))

    names = args.analyzers.split(",") if args.analyzers else None
    started = time.perf_counter()
    docs = load_corpus(args.corpus, args.words, args.limit)
    read_s = time.perf_counter() - started
    n_words = sum(len(d.text.split()) for d in docs)

    # Latency: one document at a time, in this process, after a warm-up.
    threads = 1 if args.workers > 1 else None
    _init(names, args.fast, threads, config)
    _run_batch(docs[:2])
    latencies = []
    for d in docs[:args.latency_docs]:
        latencies.append(_run_batch([d])[1] * 1000)

    # Throughput: batches over the worker processes (or in-process for one worker).
    batches = [docs[i:i + args.batch] for i in range(0, len(docs), args.batch)]
    started = time.perf_counter()
    if args.workers == 1:
        results = [_run_batch(b) for b in batches]
    else:
        with ProcessPoolExecutor(args.workers, initializer=_init,
                                 initargs=(names, args.fast, 1, config)) as pool:
            results = list(pool.map(_run_batch, batches))
    elapsed = time.perf_counter() - started
    own, children = peak_rss_mb()
    report = {
        "analyzers": _PIPELINE.names,
        "documents": len(docs), "words_per_doc": round(n_words / max(1, len(docs))),
        "workers": args.workers, "batch": args.batch, "cpus": os.cpu_count(),
        "seconds": round(elapsed, 2), "articles_per_s": round(len(docs) / elapsed, 1),
        "latency_ms": {"p50": round(percentile(latencies, .5), 1), "p90": round(percentile(latencies, .9), 1),
                       "p99": round(percentile(latencies, .99), 1), "docs": len(latencies)},
        "peak_rss_mb": {"main": round(own), "largest_worker": round(children)},
        "read_seconds": round(read_s, 2),
        "json_output_mb": round(sum(r[0] for r in results) / 1e6, 1),
        "ms_per_doc_by_stage": {name: round(sum(r[2].get(name, 0.0) for r in results) / len(docs), 2)
                                for name in results[0][2]},
        "python": sys.version.split()[0],
    }
    if args.json:
        print(json.dumps(report))
        return
    print(f"analyzers      {', '.join(report['analyzers'])}")
    print(f"documents      {report['documents']} (~{report['words_per_doc']} words each), "
          f"{args.workers} worker(s), batch {args.batch}")
    print(f"throughput     {report['articles_per_s']} articles/s ({report['seconds']} s)")
    lat = report["latency_ms"]
    print(f"latency        p50 {lat['p50']} ms, p90 {lat['p90']} ms, p99 {lat['p99']} ms "
          f"(one document at a time, {lat['docs']} docs)")
    print("per document   " + ", ".join(f"{k} {v} ms" for k, v in report["ms_per_doc_by_stage"].items())
          + " (amortised over the batches)")
    print(f"peak memory    main {report['peak_rss_mb']['main']} MB, "
          f"largest worker {report['peak_rss_mb']['largest_worker']} MB")


if __name__ == "__main__":
    main()

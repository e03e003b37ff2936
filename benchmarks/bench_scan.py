"""`unspin scan` end to end into a DuckDB store: full and --fast, 1 and 2 workers.

    python benchmarks/bench_scan.py --corpus ../shared/data/bbc_news/bbc

Each run scans the whole corpus into a fresh store in a subprocess (files -> read -> analyse on
the local process pool -> batched transactional writes), and reports documents/s and the peak
memory of the scan process and of its largest worker.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(corpus: Path, workers: int, fast: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.duckdb"
        cmd = [sys.executable, "-m", "unspin", "scan", str(corpus), "--store", str(store), "--workers", str(workers),
               "--progress", "none", "--batch-size", "32" if fast else "16"] + (["--fast"] if fast else [])
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        summary = done.stderr.strip().splitlines()[0] if done.stderr else ""
        analysed = int(summary.split()[1].rstrip(",")) if summary.startswith("analysed") else 0
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return {"mode": "fast" if fast else "full", "workers": workers, "documents": analysed,
            "seconds": round(elapsed, 1), "documents_per_s": round(analysed / elapsed, 1),
            "peak_rss_mb_largest_process": round(peak), "exit": done.returncode, "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--modes", default="full,fast")
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    rows = []
    for mode in args.modes.split(","):
        for workers in (int(w) for w in args.workers.split(",")):
            r = run(args.corpus, workers, mode == "fast")
            rows.append(r)
            print(f"{r['mode']:<5} {workers} worker(s): {r['documents']} documents in {r['seconds']} s = "
                  f"{r['documents_per_s']} documents/s (peak {r['peak_rss_mb_largest_process']} MB) [{r['summary']}]",
                  flush=True)
    for mode in args.modes.split(","):
        one = next((r for r in rows if r["mode"] == mode and r["workers"] == 1), None)
        two = next((r for r in rows if r["mode"] == mode and r["workers"] == 2), None)
        if one and two and one["documents_per_s"]:
            print(f"{mode}: speed-up 1 -> 2 workers = {two['documents_per_s'] / one['documents_per_s']:.2f}x")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()

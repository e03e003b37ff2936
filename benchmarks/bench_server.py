"""Load test of `unspin serve` on loopback: throughput and latency at 1, 4 and 16 concurrent clients.

    python benchmarks/bench_server.py --corpus ../shared/data/bbc_news/bbc --requests 120

Starts a real server in a subprocess, sends each client's share of ``--requests`` POST /v1/analyze
requests (real BBC articles, full analysis), and stops: bounded and self-terminating. Reports
requests/s, p50/p99 latency and the number of non-200 answers for each concurrency level.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


async def load(base: str, bodies: list[dict], clients: int, total: int) -> dict:
    import httpx

    latencies, errors = [], 0
    queue: asyncio.Queue = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(bodies[i % len(bodies)])

    async def client(http: httpx.AsyncClient):
        nonlocal errors
        while not queue.empty():
            body = queue.get_nowait()
            t0 = time.perf_counter()
            response = await http.post(base + "/v1/analyze", json=body)
            latencies.append(1000 * (time.perf_counter() - t0))
            errors += response.status_code != 200

    async with httpx.AsyncClient(timeout=120) as http:
        started = time.perf_counter()
        await asyncio.gather(*[client(http) for _ in range(clients)])
        elapsed = time.perf_counter() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    return {"clients": clients, "requests": total, "seconds": round(elapsed, 2),
            "requests_per_s": round(total / elapsed, 2), "p50_ms": round(pick(0.5), 1),
            "p99_ms": round(pick(0.99), 1), "errors": errors}


def main() -> None:
    from bench_analyze import load_corpus

    from tests.server_helpers import running_server

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=120, help="requests per concurrency level")
    parser.add_argument("--clients", default="1,4,16")
    args = parser.parse_args()
    docs = load_corpus(args.corpus, None, 200)
    bodies = [{"title": d.title, "text": d.body} for d in docs]
    rows = []
    # Reference in the same run: the same articles through the Pipeline in this process (no HTTP).
    from unspin import Pipeline
    from unspin.ingest import parse_text

    pipe = Pipeline()
    docs_in = [parse_text(f"{b['title']}\n\n{b['text']}") for b in bodies[:args.requests]]
    list(pipe.analyze(docs_in[:4]))
    started = time.perf_counter()
    list(pipe.analyze(docs_in))
    direct = len(docs_in) / (time.perf_counter() - started)
    print(f"reference: the Pipeline in-process, no HTTP: {direct:.2f} articles/s", flush=True)
    del pipe
    with running_server() as base:
        asyncio.run(load(base, bodies, 2, 8))  # warm-up
        for clients in (int(c) for c in args.clients.split(",")):
            rows.append(asyncio.run(load(base, bodies, clients, args.requests)))
            r = rows[-1]
            print(f"{clients:>3} clients: {r['requests_per_s']:>6} req/s  p50 {r['p50_ms']:>7} ms  "
                  f"p99 {r['p99_ms']:>7} ms  errors {r['errors']}", flush=True)
    words = sum(len(b["text"].split()) for b in bodies) / len(bodies)
    print(f"(POST /v1/analyze, full analysis, BBC articles of ~{words:.0f} words, loopback)")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()

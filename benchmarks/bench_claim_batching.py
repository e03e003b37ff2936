"""What embedding claims one per call costs the `claims` analyzer, against sorted batches of 64.

    python benchmarks/bench_claim_batching.py --store STORE.duckdb --corpus ../shared/data/bbc_news/bbc

Both ways alternate in one process over the same 700-word articles, matched against STORE (e.g. the
100k store `bench_factchecks.py` describes). One claim per call is what unspin does: claims embedded
together shift each other's vectors (int8 activations are quantized per call), so batches would make
an article's matches depend on the other articles analysed with it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_analyze import load_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from unspin import Pipeline
    from unspin.inference.sentence_encoder import SentenceEncoder

    docs = load_corpus(args.corpus, 700, args.limit)
    pipe = Pipeline(["claims"], config={"claims": {"store": str(args.store)}}, batch_size=16)
    encode = SentenceEncoder.encode

    def claims_ms(batch: int) -> float:
        SentenceEncoder.encode = lambda self, texts, batch_size=64: encode(self, texts, batch_size=batch)
        total = 0.0
        for i in range(0, len(docs), 16):
            total += sum(a.timings_ms["claims"] for a in pipe.analyze_batch(docs[i:i + 16]))
        return total / len(docs)

    claims_ms(1)  # warm-up: index pages, onnxruntime
    for _ in range(args.rounds):
        for batch in (1, 64):
            print(f"claims per call {batch:>2}: {claims_ms(batch):6.1f} ms per article", flush=True)


if __name__ == "__main__":
    main()

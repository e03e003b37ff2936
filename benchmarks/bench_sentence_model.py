"""What a sentence-level model of its own would cost `unspin analyze`: an ONNX model run over every
sentence of each article, timed beside the shared encoder pass that the shipped heads read from.

    python benchmarks/bench_sentence_model.py --model build/models-finetuned/checkworthy \\
        --corpus ../shared/data/bbc_news/bbc --words 700 --limit 60

The sentences are the pipeline's own (its `prepare` step). The model folder is loaded and run as
unspin runs its sentence models (`SentenceEncoder.encode`: one sentence per call, side by side on
the cores, tokenizing included), so the figure is what the model would add per article. In each
round, every article is timed both ways, the shared encoder first, then
the model; two rounds. Prints milliseconds per article (mean, p50, p90) and peak memory.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_analyze import load_corpus, percentile  # noqa: E402

from unspin import Pipeline  # noqa: E402
from unspin.inference.sentence_encoder import SentenceEncoder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True,
                        help="a sentence model folder (model.onnx, tokenizer.json, config.json)")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--words", type=int, default=700)
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    docs = load_corpus(args.corpus, args.words, args.limit)
    shared = Pipeline(["encoder"])
    model = SentenceEncoder(args.model)
    list(shared.analyze(docs[:2]))  # warm-up

    def model_ms(sentences: list[str]) -> float:
        started = time.perf_counter()
        model.encode(sentences, batch_size=1)
        return (time.perf_counter() - started) * 1000

    timings: dict[str, list[float]] = {"shared encoder pass (reference)": [], "the model over every sentence": []}
    sentences = 0
    for _ in range(args.rounds):
        for doc in docs:
            analysis = shared(doc)
            timings["shared encoder pass (reference)"].append(analysis.timings_ms["encoder"])
            texts = [analysis.text[s.start:s.end] for s in analysis.sentences]
            sentences += len(texts)
            timings["the model over every sentence"].append(model_ms(texts))
    print(f"{len(docs)} articles of {args.words} words, {sentences / (args.rounds * len(docs)):.1f} sentences each, "
          f"{args.rounds} rounds, model {args.model}")
    for name, values in timings.items():
        print(f"{name:34s} mean {np.mean(values):6.1f} ms  p50 {percentile(values, .5):6.1f}  "
              f"p90 {percentile(values, .9):6.1f} ms per article")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (both models loaded)")


if __name__ == "__main__":
    main()

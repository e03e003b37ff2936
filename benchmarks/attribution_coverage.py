"""How many sentences the claims analyzer can give a source, on BBC articles (no labels exist for
attribution, so this counts coverage, and prints a sample to read by eye).

    python benchmarks/attribution_coverage.py --corpus ../shared/data/bbc_news/bbc --every 5

Counts sentences of five words or more (the claims analyzer's minimum) whose attribution comes from
a cue in the sentence itself, from a quotation the sentence lies in, or from nowhere.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

from unspin.analyzers.claims import attribution_for
from unspin.ingest import read_inputs
from unspin.pipeline import Pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a folder of plain-text articles")
    parser.add_argument("--every", type=int, default=5, help="take every Nth file (sorted)")
    parser.add_argument("--sample", type=int, default=15, help="quotation attributions to print")
    args = parser.parse_args()
    paths = sorted(p for p in args.corpus.rglob("*.txt") if p.name != "README.TXT")[::args.every]
    counts = {"own cue": 0, "quotation": 0, "none": 0}
    from_quotes = []
    for analysis in Pipeline(["attribution"]).analyze(d for d in read_inputs(paths) if not isinstance(d, Exception)):
        for i in range(len(analysis.sentences)):
            text = analysis.sentence_text(i)
            if len(text.split()) < 5:
                continue
            found = attribution_for(analysis, i)
            kind = "none" if found is None else "own cue" if found.sentence == i else "quotation"
            counts[kind] += 1
            if kind == "quotation":
                from_quotes.append((found.source, text))
    total = sum(counts.values())
    print(f"{len(paths)} articles, {total} sentences of 5+ words: " + ", ".join(
        f"{k} {n} ({n / total:.1%})" for k, n in counts.items()))
    for source, text in random.Random(0).sample(from_quotes, min(args.sample, len(from_quotes))):
        print(f"  {source!r:40} <- {text[:90]!r}")


if __name__ == "__main__":
    main()

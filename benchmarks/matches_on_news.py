"""How often the claims analyzer shows a fact-check match on ordinary news, and a sample to read.

    python benchmarks/matches_on_news.py --store STORE.duckdb --corpus ../shared/data/bbc_news/bbc

CheckThat! measures ranking for claims that do have a fact-check. In news most claims have none,
and a match shown for such a claim tells a fact-checker "already checked" when it was not. BBC
business and politics stories from 2004-2005 against a store of US fact-checks (e.g. the 100k store
of `bench_factchecks.py`) should match almost nothing, so nearly every match this prints is a false
one: read the sample. There are no labels for this, so it is a count and a sample, not a precision.
Only the BBC articles the re-ranker did not train on are read (even positions of the sorted file
list; re-ranker 2.1 trains on the odd ones, see training/matcher.py).
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_analyze import load_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--every", type=int, default=1, help="take every Nth held-out article (default: all)")
    parser.add_argument("--sample", type=int, default=12)
    args = parser.parse_args()
    if not args.store.exists():  # without a store every claim would show "no match", which says nothing
        parser.error(f"no fact-check store at {args.store} (build one with `unspin factchecks import`)")

    from training.splits import news_files
    from unspin import Pipeline
    from unspin.document import Document

    held_out = {str(p.resolve()) for p in news_files(held_out=True, corpus=args.corpus)}
    docs: list[Document] = [d for d in load_corpus(args.corpus, 0, None)
                            if str(Path(d.source or "").resolve()) in held_out][::args.every]
    pipe = Pipeline(["claims"], config={"claims": {"store": str(args.store)}}, batch_size=16)
    claims, shown, by_topic = 0, [], {}
    for i in range(0, len(docs), 16):
        for doc, a in zip(docs[i:i + 16], pipe.analyze_batch(docs[i:i + 16])):
            claims += len(a.claims)
            shown += [(c.text, c.matches[0]) for c in a.claims if c.matches]
            topic = by_topic.setdefault(Path(doc.source or "").parent.name, [0, 0])
            topic[0] += len(a.claims)
            topic[1] += sum(1 for c in a.claims if c.matches)
    print(f"{len(docs)} articles, {claims} check-worthy claims, {len(shown)} with a match shown "
          f"(similarity >= 0.5): {len(shown) / max(claims, 1):.2%}")
    for topic, (n, m) in sorted(by_topic.items()):
        print(f"  {topic}: {n} claims, {m} with a match shown ({m / max(n, 1):.2%})")
    for text, m in random.Random(0).sample(shown, min(args.sample, len(shown))):
        print(f"  {m.similarity:.2f}  {text[:110]!r}\n        -> {m.claim[:110]!r}")


if __name__ == "__main__":
    main()

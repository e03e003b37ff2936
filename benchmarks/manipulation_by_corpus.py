"""What the manipulation index reads on real corpora, and which layers drive it.

    python benchmarks/manipulation_by_corpus.py      # ~4 min on 2 cores; needs ../shared/data

There is no labelled data for "manipulation", so the index (docs/analyzers.md) cannot be scored.
This is its sanity check: BBC news (every 6th file of each topic), the SemEval-2019 hyperpartisan
articles by their label, and the PTC articles the propaganda model never trained on (dev + test).
For each group: the median index, the share at 0.5 or more, and the mean contribution of each
layer to z (the index is the logistic of -3 plus these contributions).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
from training.splits import SHARED, require_shared  # noqa: E402
from unspin import Document, Pipeline  # noqa: E402
from unspin.analyzers.manipulation import manipulation_terms  # noqa: E402
from unspin.evaluation.readers import read_semeval_articles, read_semeval_truth  # noqa: E402
from unspin.ingest import parse_text  # noqa: E402


def corpora() -> dict[str, list[Document]]:
    groups: dict[str, list[Document]] = {}
    for topic in sorted((SHARED / "bbc_news" / "bbc").iterdir()):
        if topic.is_dir():
            files = sorted(topic.glob("*.txt"))[5::6]
            groups[f"BBC {topic.name}"] = [parse_text(f.read_text(encoding="utf-8", errors="replace")) for f in files]
    base = SHARED / "hyperpartisan_semeval2019"
    truth = read_semeval_truth(base / "ground-truth-training-byarticle-20181122.xml")
    for a in read_semeval_articles(base / "articles-training-byarticle-20181122.xml"):
        name = "hyperpartisan articles, labelled hyperpartisan" if truth[a.id] else "hyperpartisan articles, labelled not"
        groups.setdefault(name, []).append(Document(title=a.title, body=a.body or a.title, id=a.id))
    split = json.loads((ROOT / "data" / "splits" / "ptc.json").read_text())
    groups["PTC articles (dev + test)"] = [
        parse_text((SHARED / "ptc" / "train-articles" / f"article{i}.txt").read_text(encoding="utf-8"))
        for i in split["dev"] + split["test"]]
    return groups


def main() -> None:
    require_shared("bbc_news/bbc", "hyperpartisan_semeval2019", "ptc/train-articles", why="the index is compared across these corpora")
    pipeline = Pipeline()
    print("| group | articles | median index | share ≥ 0.5 | " + " | ".join(
        ["clickbait", "hyperpartisan", "propaganda", "engagement", "unattributed claims", "biased sentences"]) + " |")
    print("|---" * 10 + "|")
    for name, docs in corpora().items():
        values, terms, skipped = [], [], 0
        for analysis in pipeline.analyze(docs):
            if "manipulation" not in analysis.scores:  # not English: the analyzers did not run
                skipped += 1
                continue
            values.append(analysis.scores["manipulation"])
            terms.append(manipulation_terms(analysis))
        values = np.array(values)
        means = [np.mean([t[k] for t in terms]) for k in terms[0]]
        if skipped:
            name += f" ({skipped} not English, left out)"
        print(f"| {name} | {len(values)} | {np.median(values):.2f} | {np.mean(values >= 0.5):.2f} | "
              + " | ".join(f"{m:.2f}" for m in means) + " |", flush=True)


if __name__ == "__main__":
    main()

"""The bias head on BABE test sentences read alone (as the benchmark gives them) and read inside
the MBIC articles they come from (as `unspin analyze` reads an article's sentences).

    python benchmarks/bias_in_context.py         # ~2 min on 2 cores; needs ../shared/data

A BABE sentence counts when the analyzer's own sentence splitter finds it in its article (about
700 of the 1,340 MBIC sentences). The article is encoded as `analyze` encodes it; the head reads
the same sentence's vector both ways. Prints macro-F1 and the mean probability for both readings.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from training import heads  # noqa: E402
from training.bias_words import norm  # noqa: E402
from unspin.analysis import Analysis  # noqa: E402
from unspin.analyzers.base import get_analyzer  # noqa: E402
from unspin.analyzers.models import shared_encoder  # noqa: E402
from unspin.analyzers.signals import _head  # noqa: E402
from unspin.inference.features import sentence_features  # noqa: E402
from unspin.ingest import parse_text  # noqa: E402
from unspin.segment import split_many  # noqa: E402


def in_context_vectors(wanted: set[str]) -> dict[str, np.ndarray]:
    """Sentence key -> its vector read inside its MBIC article, for the keys in ``wanted``."""
    articles: dict[str, list[str]] = {}
    for line in open(heads.D / "babe_mbic" / "mbic.train.jsonl", encoding="utf-8"):
        r = json.loads(line)
        if r.get("article") and norm(r["text"]) in wanted:
            articles.setdefault(r["article"], []).append(norm(r["text"]))
    encoder = get_analyzer("encoder")()
    found: dict[str, np.ndarray] = {}
    items = list(articles.items())
    for i in range(0, len(items), 8):
        batch = [Analysis(document=parse_text(text)) for text, _ in items[i:i + 8]]
        for analysis, sentences in zip(batch, split_many([a.document for a in batch])):
            analysis.sentences = sentences
        encoder.analyze(batch)
        for analysis, (_, keys) in zip(batch, items[i:i + 8]):
            index = {norm(analysis.sentence_text(j)): j for j in range(len(analysis.sentences))}
            found.update({k: analysis.sentence_vectors[index[k]] for k in keys if k in index})
    return found


def main() -> None:
    sg2, _ = heads.babe_rows()
    test = set(heads.babe_split()["test"])
    rows = [r for r in sg2 if norm(r["text"]) in test]
    context = in_context_vectors({norm(r["text"]) for r in rows})
    rows = [r for r in rows if norm(r["text"]) in context]
    texts = [r["text"] for r in rows]
    y = np.array([r["label_bias"] == "Biased" for r in rows])
    head = _head("bias")
    alone = head.predict_proba(texts, sentence_features(shared_encoder(), texts))  # as `unspin eval` reads them
    inside = head.predict_proba(texts, np.stack([context[norm(t)] for t in texts]))
    print(f"bias head {head.version}, {len(texts)} BABE test sentences found in their MBIC articles:")
    for name, p in (("alone", alone), ("in context", inside)):
        print(f"  {name:<10} macro-F1 {f1_score(y, p >= head.threshold, average='macro'):.4f}, "
              f"mean probability {p.mean():.3f} (share biased {y.mean():.3f})")


if __name__ == "__main__":
    main()

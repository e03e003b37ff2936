"""Error rates by outlet leaning, out of fold on train+dev, with bootstrap intervals.

    python benchmarks/fairness_cv.py          # ~3 min on 2 cores; needs ../shared/data and build/features

The test splits hold few items per leaning (13 left-leaning hyperpartisan articles), so a gap there
can be chance. This script refits each shipped head's recipe (its C, vector scale, reweighing and
lexicon) in 5 stratified folds of train+dev, the items the head was selected on, calibrates the
out-of-fold decisions and applies the head's threshold, then prints the false- and true-positive
rate per leaning and a 95 % bootstrap interval for the left-minus-right gaps, and writes them to
build/eval/fairness_cv.json for the model card.
"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
from training import heads, splits, textclf  # noqa: E402
from training.bias_words import lexicon_of  # noqa: E402
from training.head_features import Features, joined  # noqa: E402

HEADS = ROOT / "src" / "unspin" / "models" / "heads"
OUT = ROOT / "build" / "eval" / "fairness_cv.json"  # read by training/cards.py


def shipped_settings(name: str) -> dict:
    spec = json.load(gzip.open(HEADS / f"{name}.json.gz", "rt"))
    blocks = tuple("word" if b["type"] == "tfidf" else b["type"] for b in spec["blocks"])
    scale = next(b["scale"] for b in spec["blocks"] if b["type"] == "vector")
    return {"C": spec["C"], "vector_scale": scale, "blocks": blocks, "threshold": spec["threshold"]}


def out_of_fold(texts, vectors, y, settings, weights=None, lexicon=None, copies=None) -> np.ndarray:
    """Out-of-fold predictions with the shipped settings (and the recipe's training copies, each
    fold its own), Platt-calibrated, at the shipped threshold."""
    z = np.zeros(len(y))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y):
        rows = textclf._rows(texts, vectors, y, weights, tr, copies)
        spec = textclf.fit("cv", rows[0], rows[1], rows[2], None, None, None, blocks=settings["blocks"],
                           C=settings["C"], vector_scale=settings["vector_scale"], sample_weight=rows[3],
                           lexicon=lexicon)
        z[te] = textclf._raw_decision(spec, [texts[i] for i in te], vectors[te])
    (a, b), _, _ = textclf.calibrate(z, y, accuracy_score)
    return 1.0 / (1.0 + np.exp(-(a * z + b))) >= settings["threshold"]


def report(title: str, pred: np.ndarray, y: np.ndarray, leaning: list[str], metric, metric_name: str) -> dict:
    """Print the table and the intervals; return them for build/eval/fairness_cv.json."""
    lean = np.array(leaning)
    out: dict = {"items": len(y), metric_name: round(float(metric(y, pred)), 4), "by_leaning": {}}
    print(f"\n{title}: {len(y)} items, out-of-fold {metric_name} {out[metric_name]:.4f}")
    print("| leaning | negatives | FPR | positives | TPR |\n|---|---|---|---|---|")
    for side in ("left", "center", "right", "unknown"):
        neg, pos = (lean == side) & ~y, (lean == side) & y
        row = {"negatives": int(neg.sum()), "false_positive_rate": float(pred[neg].mean()) if neg.any() else None,
               "positives": int(pos.sum()), "true_positive_rate": float(pred[pos].mean()) if pos.any() else None}
        out["by_leaning"][side] = row
        fpr = f"{row['false_positive_rate']:.3f}" if neg.any() else "–"
        tpr = f"{row['true_positive_rate']:.3f}" if pos.any() else "–"
        print(f"| {side} | {neg.sum()} | {fpr} | {pos.sum()} | {tpr} |")
    rng = np.random.default_rng(0)
    gaps = []
    for _ in range(2000):
        i = rng.integers(0, len(y), len(y))
        p, t, s = pred[i], y[i], lean[i]
        gaps.append([p[(s == "left") & ~t].mean() - p[(s == "right") & ~t].mean(),
                     p[(s == "left") & t].mean() - p[(s == "right") & t].mean()])
    lo, hi = np.nanpercentile(np.array(gaps), [2.5, 97.5], axis=0)
    print(f"left minus right, 95 % bootstrap interval: FPR [{lo[0]:+.3f}, {hi[0]:+.3f}], "
          f"TPR [{lo[1]:+.3f}, {hi[1]:+.3f}]")
    out["left_minus_right_95"] = {"false_positive_rate": [round(float(lo[0]), 3), round(float(hi[0]), 3)],
                                  "true_positive_rate": [round(float(lo[1]), 3), round(float(hi[1]), 3)]}
    return out


def macro_f1(y, pred):
    return f1_score(y, pred, average="macro")


def main() -> None:
    splits.require_shared("hyperpartisan_semeval2019", "babe_mbic", why="the heads are refitted on these data sets")
    features = Features()
    sets, split = heads.hyperpartisan_sets(features, names=("train", "dev"))
    urls = heads._urls(heads.D / "hyperpartisan_semeval2019" / "ground-truth-training-byarticle-20181122.xml")
    texts, vectors, y = joined(sets["train"], sets["dev"])
    leaning = [heads._leaning(urls.get(i)) for i in split["train"] + split["dev"]]
    results = {}
    results["hyperpartisan"] = report("hyperpartisan (head settings as shipped; leaning: MBFC rating of the article's domain)",
           out_of_fold(texts, vectors, y, shipped_settings("hyperpartisan")), y, leaning, accuracy_score, "accuracy")

    sets, leanings = heads.babe_sets(features, names=("train", "dev"))
    data, leaning = [sets["train"], sets["dev"]], leanings["train"] + leanings["dev"]
    # As the recipe fitted the shipped head: with the group directions it chose to keep (metrics.json).
    metrics = json.loads((HEADS / "metrics.json").read_text())
    kept = metrics["bias"].get("group_directions", {}).get("chosen", heads.BIAS_GROUP_DIRECTIONS)
    (texts, vectors, y), copies, _ = heads.group_blind_rows(features, joined(*data), k=kept)
    weights = textclf.reweigh(y, leaning)
    results["bias"] = report("bias (BABE; head settings as shipped, reweighed by leaning; leaning: BABE's outlet type)",
           out_of_fold(texts, vectors, y, shipped_settings("bias"), weights, lexicon_of, copies), y, leaning, macro_f1,
           "macro-F1")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1))
    print(f"\nwrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

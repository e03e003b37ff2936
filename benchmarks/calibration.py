"""Calibration of the shipped scores on held-out data: expected calibration error (10 equal-width
bins) and the reliability table behind it, plus an SVG reliability plot per score.

    python benchmarks/calibration.py        # after `python -m training.materialize`
    UNSPIN_MODELS=build/models-fast python benchmarks/calibration.py     # a model set: build/eval-models-fast

* propaganda span scores, on the PTC test split: the event is "at least half of the span lies in
  gold spans of the same technique" (the definition the calibration was fitted for, on dev);
* clickbait, bias, check-worthiness, hyperpartisan probabilities, from the `unspin eval` prediction
  files in build/eval (run benchmarks/eval_all.py first).
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from training.splits import eval_dir  # noqa: E402
from unspin.analyzers.models import model_set  # noqa: E402

OUT = eval_dir()
SPLITS = ROOT / "build" / "splits"
SHARED = Path(__import__("os").environ.get("UNSPIN_SHARED_DATA", ROOT.parent / "shared" / "data"))


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> tuple[float, list[dict]]:
    edges = np.linspace(0, 1, bins + 1)
    rows, ece = [], 0.0
    for lo, hi in zip(edges, edges[1:]):
        mask = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if mask.any():
            ece += mask.mean() * abs(p[mask].mean() - y[mask].mean())
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(mask.sum()), "predicted": round(float(p[mask].mean()), 3),
                         "observed": round(float(y[mask].mean()), 3)})
    return float(ece), rows


def ece_interval(y: np.ndarray, p: np.ndarray, rounds: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95 % bootstrap interval of the ECE (items resampled with replacement): how much of a gap is
    sampling noise on this many items."""
    rng = np.random.default_rng(seed)
    values = [reliability(y[idx], p[idx])[0] for idx in (rng.integers(0, len(y), len(y)) for _ in range(rounds))]
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def ece_if_calibrated(p: np.ndarray, rounds: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Median and 95th percentile of the ECE that a perfectly calibrated model would show with these
    same predictions on this many items (outcomes drawn as y ~ Bernoulli(p)). An ECE below the 95th
    percentile cannot be told apart from perfect calibration on this data; binning alone makes
    the ECE of a small sample positive."""
    rng = np.random.default_rng(seed)
    values = [reliability((rng.random(len(p)) < p).astype(float), p)[0] for _ in range(rounds)]
    median, high = np.percentile(values, [50, 95])
    return float(median), float(high)


def ece_interval_by_group(y: np.ndarray, p: np.ndarray, groups: np.ndarray, rounds: int = 1000,
                          seed: int = 0) -> tuple[float, float]:
    """The same interval with whole groups (articles) resampled: the spans of one article are not
    independent draws, so resampling spans one by one understates how much the ECE can move."""
    rng = np.random.default_rng(seed)
    names = np.unique(groups)
    members = [np.flatnonzero(groups == g) for g in names]
    values = []
    for _ in range(rounds):
        idx = np.concatenate([members[i] for i in rng.integers(0, len(names), len(names))])
        values.append(reliability(y[idx], p[idx])[0])
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def propaganda() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from unspin.evaluation.ptc import article_document, read_articles, read_labels
    from unspin.pipeline import Pipeline

    folder = SPLITS / "ptc-test"
    gold = defaultdict(list)
    for a in read_labels(folder / "task-flc-tc.labels", with_technique=True):
        gold[a.article].append(a)
    articles = read_articles(folder / "articles")
    docs = {aid: article_document(aid, raw) for aid, raw in articles.items()}
    y, p, ids = [], [], []
    for (aid, (_doc, shift)), analysis in zip(docs.items(), Pipeline(["propaganda"]).analyze(d for d, _ in docs.values())):
        for s in analysis.spans_in("propaganda"):
            start, end = s.start - shift, s.end - shift
            covered = max([max(0, min(end, g.end) - max(start, g.start)) for g in gold[aid] if g.technique == s.label],
                          default=0)
            y.append(float(covered >= 0.5 * (end - start)))
            p.append(s.score)
            ids.append(aid)
    return np.array(y), np.array(p), np.array(ids)


def paired_predictions(files: dict[str, Path]) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """task -> (gold label, predicted probability, predicted label) from the `unspin eval` prediction
    files of the clickbait, bias, check-worthiness and hyperpartisan tasks, item by item."""
    out = {}
    if "clickbait" in files:
        gold = [json.loads(line) for line in (SPLITS / "clickbait-test" / "headlines.jsonl").read_text().splitlines()]
        pred = [json.loads(line) for line in files["clickbait"].read_text().splitlines()]
        out["clickbait"] = (np.array([g["label"] == 1 for g in gold]), np.array([x["prob"] for x in pred]),
                            np.array([x["label"] == 1 for x in pred]))
    if "bias" in files:
        gold = [json.loads(line) for line in (SPLITS / "bias-test" / "babe.jsonl").read_text().splitlines()]
        pred = [json.loads(line) for line in files["bias"].read_text().splitlines()]
        out["bias"] = (np.array([g["label_bias"] == "Biased" for g in gold]), np.array([x["prob"] for x in pred]),
                       np.array([x["label"] == "Biased" for x in pred]))
    if "checkworthy" in files:
        from unspin.evaluation.readers import read_checkworthy

        dev_test = SHARED / "checkthat2024_task1_en" / "CT24_checkworthy_english_dev-test.tsv"
        gold = {r.id: r.label == "Yes" for r in read_checkworthy(dev_test)}
        rows = [line.split("\t") for line in files["checkworthy"].read_text().splitlines()]
        out["checkworthy"] = (np.array([gold[r[0]] for r in rows]), np.array([float(r[1]) for r in rows]),
                              np.array([r[2] == "Yes" for r in rows]))
    if "hyperpartisan" in files:
        from unspin.evaluation.readers import read_semeval_truth

        truth = read_semeval_truth(SPLITS / "hyperpartisan-test" / "ground-truth-test.xml")
        rows = [line.split() for line in files["hyperpartisan"].read_text().splitlines()]
        out["hyperpartisan"] = (np.array([truth[r[0]] for r in rows]), np.array([float(r[2]) for r in rows]),
                                np.array([r[1] == "true" for r in rows]))
    return out


def prediction_files() -> dict[str, Path]:
    """The prediction files of the last `eval_all.py` run (never an older file left in build/eval)."""
    results = json.loads((OUT / "results.json").read_text())
    return {name: OUT / r["predictions"] for name, r in results.items() if r.get("predictions")}


def from_predictions() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {name: (y.astype(float), p) for name, (y, p, _) in paired_predictions(prediction_files()).items()}


def svg(name: str, rows: list[dict], size: int = 220) -> str:
    pad = 30
    scale = size - 2 * pad
    dots = "".join(f'<circle cx="{pad + r["predicted"] * scale:.1f}" cy="{size - pad - r["observed"] * scale:.1f}" '
                   f'r="{2 + min(8, r["n"] ** 0.5 / 3):.1f}" fill="#c62828" fill-opacity="0.7"><title>{r["bin"]}: '
                   f'n={r["n"]}, predicted {r["predicted"]}, observed {r["observed"]}</title></circle>' for r in rows)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
            f'<rect width="{size}" height="{size}" fill="#fff"/>'
            f'<line x1="{pad}" y1="{size - pad}" x2="{size - pad}" y2="{pad}" stroke="#999" stroke-dasharray="4"/>'
            f'<line x1="{pad}" y1="{size - pad}" x2="{size - pad}" y2="{size - pad}" stroke="#333"/>'
            f'<line x1="{pad}" y1="{size - pad}" x2="{pad}" y2="{pad}" stroke="#333"/>'
            f'<text x="{size / 2}" y="{size - 8}" font-size="11" text-anchor="middle">predicted</text>'
            f'<text x="10" y="{size / 2}" font-size="11" transform="rotate(-90 10 {size / 2})" text-anchor="middle">observed</text>'
            f'<text x="{size / 2}" y="16" font-size="12" text-anchor="middle">{name}</text>{dots}</svg>')


def main() -> None:
    scores = {"propaganda spans": propaganda(), **from_predictions()}
    report = {}
    plots = OUT if model_set() else ROOT / "docs" / "img"  # the docs show the shipped models' plots
    plots.mkdir(parents=True, exist_ok=True)
    for name, (y, p, *groups) in scores.items():
        ece, rows = reliability(y, p)
        low, high = ece_interval(y, p)
        chance, chance_high = ece_if_calibrated(p)
        report[name] = {"n": int(len(y)), "ece": round(ece, 4), "ece_95": [round(low, 4), round(high, 4)],
                        "ece_if_calibrated": [round(chance, 4), round(chance_high, 4)], "reliability": rows}
        by_group = ""
        if groups:
            g_low, g_high = ece_interval_by_group(y, p, groups[0])
            report[name]["ece_95_by_article"] = [round(g_low, 4), round(g_high, 4)]
            by_group = f"; {g_low:.3f}-{g_high:.3f} with whole articles resampled"
        (plots / f"reliability-{name.split()[0]}.svg").write_text(svg(name, rows))
        print(f"{name}: ECE {ece:.4f} (95 % bootstrap interval {low:.3f}-{high:.3f}{by_group}) over {len(y)} "
              f"predictions; a perfectly calibrated model would show {chance:.3f} (95th percentile {chance_high:.3f})")
        for r in rows:
            print(f"   {r['bin']}  n={r['n']:<5} predicted {r['predicted']:.3f}  observed {r['observed']:.3f}")
    (OUT / "calibration.json").write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()

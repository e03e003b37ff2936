"""How far each held-out figure could move by chance: 95 % bootstrap intervals of the metrics that
`benchmarks/eval_all.py` wrote, computed with the same scoring functions as `unspin eval score`.

    python benchmarks/confidence.py           # after benchmarks/eval_all.py; ~2 min on 2 cores
    python benchmarks/confidence.py --rounds 500

The unit resampled is the one the test set was drawn by: whole articles for the PTC tasks (spans of
one article are not independent draws: an article the model reads badly takes many spans down
with it), queries for claim matching, sentences, headlines or articles for the others. A target
inside an interval is neither clearly met nor clearly missed by that test set. Writes
build/eval/confidence.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.calibration import paired_predictions  # noqa: E402
from benchmarks.eval_all import OUT, SPLITS, tasks  # noqa: E402
from unspin.evaluation.match_tasks import metrics as match_metrics  # noqa: E402
from unspin.evaluation.match_tasks import read_qrels  # noqa: E402
from unspin.evaluation.ptc import Annotation, read_labels, span_scores, tc_score  # noqa: E402

# The figure the issues set for each task, to say whether an interval lies above, below or across it.
TARGETS = {"ptc-si": 0.45, "ptc-tc": 0.60, "checkworthy": 0.80, "clickbait": 0.98, "bias": 0.80,
           "hyperpartisan": 0.80, "claim-match (2A tweets→Snopes)": 0.85, "claim-match (2B debates→PolitiFact)": 0.45}

Scorer = Callable[[np.ndarray], float]  # indices of the units drawn (with repeats) -> the metric


def interval(score: Scorer, units: int, rounds: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    values = [score(rng.integers(0, units, units)) for _ in range(rounds)]
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def _renamed(annotations: dict[str, list[Annotation]], draw: np.ndarray, ids: list[str]) -> list[Annotation]:
    """The annotations of the drawn articles, each draw under its own id, so that an article drawn
    twice counts twice instead of merging with itself."""
    return [Annotation(f"{ids[i]}#{n}", a.technique, a.start, a.end)
            for n, i in enumerate(draw) for a in annotations.get(ids[i], [])]


def ptc_scorer(task: str, pred_file: Path) -> tuple[Scorer, int]:
    folder = SPLITS / "ptc-test"
    ids = sorted(p.stem.removeprefix("article") for p in (folder / "articles").glob("article*.txt"))
    si = task == "ptc-si"
    gold = read_labels(folder / ("task-si.labels" if si else "task-flc-tc.labels"), with_technique=None if si else True)
    if si:
        gold = [Annotation(a.article, "propaganda", a.start, a.end) for a in gold]
    pred = read_labels(pred_file, with_technique=None if si else True)
    by_article: dict[str, dict[str, list[Annotation]]] = {"gold": defaultdict(list), "pred": defaultdict(list)}
    for key, rows in (("gold", gold), ("pred", pred)):
        for a in rows:
            by_article[key][a.article].append(a)

    def score(draw: np.ndarray) -> float:
        p, g = (_renamed(by_article[k], draw, ids) for k in ("pred", "gold"))
        if task == "ptc-tc":
            return tc_score(p, g)["micro_f1"]
        return span_scores(p, g, {f"{ids[i]}#{n}" for n, i in enumerate(draw)}, by_technique=task == "ptc-flc")["f1"]
    return score, len(ids)


def labelled_scorer(task: str, pred_file: Path) -> tuple[Scorer, int]:
    """Sentence, headline and article tasks: gold and predicted labels paired item by item."""
    y, _, pred = paired_predictions({task: pred_file})[task]
    metric = {"checkworthy": f1_score, "hyperpartisan": accuracy_score, "clickbait": accuracy_score,
              "bias": lambda a, b: f1_score(a, b, average="macro")}[task]
    return (lambda draw: float(metric(y[draw], pred[draw]))), len(y)


def match_scorer(name: str, pred_file: Path) -> tuple[Scorer, int]:
    split = "claim-match-2a" if "2A" in name else "claim-match-2b"
    qrels = read_qrels(SPLITS / split / "test.qrels")
    queries = {line.split("\t")[0] for line in (SPLITS / split / "queries.tsv").read_text(encoding="utf-8").splitlines()[1:]}
    qrels = {q: r for q, r in qrels.items() if q in queries}
    run: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for line in pred_file.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        run[cols[0]].append((int(cols[3]), cols[2]))
    ranked = {q: [doc for _, doc in sorted(v)] for q, v in run.items()}
    ids = sorted(qrels)

    def score(draw: np.ndarray) -> float:
        keys = [f"{ids[i]}#{n}" for n, i in enumerate(draw)]
        return match_metrics({k: ranked.get(ids[i], []) for k, i in zip(keys, draw)},
                             {k: qrels[ids[i]] for k, i in zip(keys, draw)})["map_at_5"]
    return score, len(ids)


def scorer_for(name: str, task: str, pred_file: Path) -> tuple[Scorer, int]:
    if task.startswith("ptc-"):
        return ptc_scorer(task, pred_file)
    if task == "claim-match":
        return match_scorer(name, pred_file)
    return labelled_scorer(task, pred_file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    results = json.loads((OUT / "results.json").read_text())
    task_of = {t.get("name", t["task"]): t["task"] for t in tasks()}
    out = {}
    print("| task | metric | value | 95 % interval | resampled | target | the interval lies |\n|---|---|---|---|---|---|---|")
    for name, r in results.items():
        score, units = scorer_for(name, task_of[name], OUT / r["predictions"])
        check = score(np.arange(units))
        if abs(check - r["value"]) > 1e-9:  # the bootstrap must start from the figure eval_all printed
            raise SystemExit(f"{name}: rescored {check:.6f}, but results.json says {r['value']:.6f}")
        low, high = interval(score, units, args.rounds, args.seed)
        target = TARGETS.get(name)
        where = "" if target is None else ("above" if low >= target else "below" if high < target else "across")
        unit = "articles" if task_of[name].startswith("ptc-") or name == "hyperpartisan" else "items"
        out[name] = {"metric": r["metric"], "value": r["value"], "low": low, "high": high, "units": units,
                     "target": target, "interval_vs_target": where, "rounds": args.rounds}
        print(f"| {name} | {r['metric']} | {r['value']:.4f} | {low:.3f} - {high:.3f} | {units} {unit} | "
              f"{'' if target is None else target} | {where} |", flush=True)
    (OUT / "confidence.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()

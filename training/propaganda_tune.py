"""Choose decoding thresholds, temperature, second-technique threshold and score calibration on
the dev split, with the shipped ONNX model (``python -m training.propaganda --tune-only``)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from unspin.evaluation.ptc import Annotation, span_scores
from unspin.inference.propaganda import Encoded, PropagandaModel

from .ptc_data import LABELS, THRESHOLDS, Article, evaluate


def tune_on_dev(out: Path, dev: list[Article]) -> None:
    """With the shipped ONNX model: choose thresholds, temperature and calibration on dev."""
    from sklearn.linear_model import LogisticRegression

    config = json.loads((out / "config.json").read_text())
    model = PropagandaModel.load(out)
    encs, si, tc = evaluate(model, dev)
    best_si, theta, gap, min_chars = {"f1": -1.0}, 0.5, 0, 2
    gold_si = [Annotation(a.id, "propaganda", s, e) for a in dev for s, e in a.si]
    for model.merge_gap in (0, 3, 10, 20):
        for model.min_chars in (2, 5, 10):
            for t in THRESHOLDS:
                pred = [Annotation(a.id, "propaganda", s, e) for a, enc in zip(dev, encs)
                        for s, e, _ in model.find_spans(enc, t)]
                r = span_scores(pred, gold_si, [a.id for a in dev], by_technique=False)
                if r["f1"] > best_si["f1"]:
                    best_si, theta, gap, min_chars = r, t, model.merge_gap, model.min_chars
    model.threshold, model.merge_gap, model.min_chars = theta, gap, min_chars
    temperature = fit_temperature(model, dev, encs)
    model.head.temperature = temperature
    second = tune_second_label(model, dev, encs)
    # Calibration: P(span shows technique) from the span probability and technique probability.
    x, y = [], []
    for a, enc in zip(dev, encs):
        for p in model.predict(enc, a.title_end, second_label=second):
            x.append([_logit(p.span_prob), math.log(max(p.technique_prob, 1e-6))])
            y.append(int(correct(p.start, p.end, p.technique, a)))
    if len(set(y)) < 2:  # (only in --quick runs: too few dev spans to calibrate)
        x, y = [[0.0, 0.0], [0.0, 0.0]], [0, 1]
    lr = LogisticRegression(C=10.0).fit(np.array(x), np.array(y))
    config.update({"threshold": theta, "merge_gap": gap, "min_chars": min_chars,
                   "temperature": temperature, "second_label": second,
                   "calibration": [float(lr.coef_[0][0]), float(lr.coef_[0][1]), float(lr.intercept_[0])],
                   "dev": {"si": best_si, "tc_micro_f1": tc["micro_f1"], "articles": len(dev)}})
    (out / "config.json").write_text(json.dumps(config, indent=1))
    print(f"ONNX int8 on dev: SI F1 {best_si['f1']:.4f} (θ={theta}, gap {gap}, min {min_chars}), "
          f"TC micro-F1 {tc['micro_f1']:.4f}, "
          f"T={temperature:.2f}, second label ≥ {second}", flush=True)


def correct(start: int, end: int, technique: str, article: Article) -> bool:
    """A predicted span is correct when half of it lies in gold spans of the same technique."""
    covered = 0
    for (gs, ge), techniques in article.flc.items():
        if technique in techniques:
            covered = max(covered, max(0, min(end, ge) - max(start, gs)))
    return covered >= 0.5 * (end - start)


def fit_temperature(model: PropagandaModel, dev: list[Article], encs: list[Encoded]) -> float:
    rows, targets = [], []
    for a, enc in zip(dev, encs):
        spans = list(a.flc)
        model.head.temperature = 1.0
        # The temperature scales the classifier's own logits; the rule on Repetition comes after.
        probs = model.classify(enc, spans, a.title_end, constrained=False)
        for (s, e), p in zip(spans, probs):
            rows.append(np.log(np.maximum(p, 1e-9)))
            targets.append(LABELS.index(a.flc[(s, e)][0]))
    logp, y = np.array(rows), np.array(targets)
    best = (1e9, 1.0)
    for t in np.arange(0.5, 3.01, 0.05):
        z = logp / t
        z = z - z.max(1, keepdims=True)
        nll = -(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(1))).mean()
        best = min(best, (nll, float(round(t, 2))))
    return best[1]


def tune_second_label(model: PropagandaModel, dev: list[Article], encs: list[Encoded]) -> float:
    gold = [Annotation(a.id, t, s, e) for a in dev for (s, e), ts in a.flc.items() for t in ts]
    best = (-1.0, 1.01)
    for second in (0.25, 0.3, 0.35, 0.4, 0.5, 1.01):
        pred = [Annotation(a.id, p.technique, p.start, p.end) for a, enc in zip(dev, encs)
                for p in model.predict(enc, a.title_end, second_label=second)]
        f1 = span_scores(pred, gold, [a.id for a in dev], by_technique=True)["f1"]
        best = max(best, (f1, second))
    return best[1]


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))

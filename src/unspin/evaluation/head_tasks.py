"""``unspin eval`` tasks for the learned heads: checkworthy, clickbait, bias, hyperpartisan.

Each ``predict`` reads only the inputs (never the gold column) and runs the shipped encoder and
head exactly as the analyzers do; each ``score`` applies the task's official metric.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..analyzers.models import model_dir, own_classifier, shared_encoder
from ..document import Document
from ..errors import InputError
from ..inference.features import article_features, sentence_features
from ..inference.text_classifier import TextClassifier
from ..segment import split_sentences
from .readers import json_records, read_checkworthy, read_jsonl_texts, read_semeval_articles, read_semeval_truth


def _head(name: str) -> TextClassifier:
    return TextClassifier.load(model_dir("heads") / f"{name}.json.gz")


def _sentence_probs(name: str, texts: list[str]) -> tuple[np.ndarray, float]:
    head = _head(name)
    return head.predict_proba(texts, sentence_features(shared_encoder(), texts)), head.threshold


# -- checkworthy (CheckThat! 2024 task 1) ----------------------------------------------------------
def predict_checkworthy(data: Path, **_) -> list[str]:
    rows = read_checkworthy(data)
    own = own_classifier("checkworthy")  # a fine-tuned classifier in the model set, as `claims` uses it
    texts = [r.text for r in rows]
    probs, threshold = (own.predict_proba(texts), own.threshold) if own else _sentence_probs("checkworthy", texts)
    return [f"{r.id}\t{p:.6f}\t{'Yes' if p >= threshold else 'No'}" for r, p in zip(rows, probs)]


def score_checkworthy(data: Path, pred: Path, gold: Path | None = None, **_) -> dict:
    gold_rows = read_checkworthy(gold or data)
    truth = {r.id: r.label for r in gold_rows if r.label}
    if not truth:
        raise InputError("no class_label column with gold labels", str(gold or data))
    predicted = {}
    for line in pred.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) >= 3:
            predicted[cols[0]] = cols[2].strip()
    tp = sum(1 for i, y in truth.items() if y == "Yes" and predicted.get(i) == "Yes")
    fp = sum(1 for i, y in truth.items() if y != "Yes" and predicted.get(i) == "Yes")
    fn = sum(1 for i, y in truth.items() if y == "Yes" and predicted.get(i) != "Yes")
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    missing = sum(1 for i in truth if i not in predicted)
    return {"task": "checkworthy", "f1_yes": f1, "precision_yes": p, "recall_yes": r,
            "accuracy": sum(1 for i, y in truth.items() if predicted.get(i) == y) / len(truth),
            "sentences": len(truth), "missing_predictions": missing}


# -- clickbait and bias: JSONL in, JSONL out ----------------------------------------------------------
def _predict_jsonl(name: str, data: Path, positive: str | int, negative: str | int) -> list[str]:
    rows = read_jsonl_texts(data, None)
    texts = [r.text.strip() for r in rows]
    probs, threshold = _sentence_probs(name, texts)
    return [json.dumps({"text": r.text, "prob": round(float(p), 6), "label": positive if p >= threshold else negative},
                       ensure_ascii=False) for r, p in zip(rows, probs)]


def _read_pred_jsonl(pred: Path) -> list[dict]:
    return [record for _, record in json_records(pred)]


def predict_clickbait(data: Path, **_) -> list[str]:
    return _predict_jsonl("clickbait", data, 1, 0)


def _paired(data: Path, pred: Path, gold: Path | None, label_key: str) -> tuple[list, list[dict]]:
    """Gold rows and predictions, which must be in the same order and of the same number."""
    gold_rows = read_jsonl_texts(gold or data, label_key)
    predicted = _read_pred_jsonl(pred)
    if len(predicted) != len(gold_rows):
        raise InputError(f"{len(predicted)} predictions for {len(gold_rows)} texts (same order expected)",
                         str(pred))
    unlabelled = next((n for n, x in enumerate(predicted, 1) if "label" not in x), None)
    if unlabelled:
        raise InputError(f"prediction {unlabelled} has no 'label'", str(pred))
    return gold_rows, predicted


def score_clickbait(data: Path, pred: Path, gold: Path | None = None, **_) -> dict:
    gold_rows, predicted = _paired(data, pred, gold, "label")
    y, p = _binary([r.label for r in gold_rows], gold or data), _binary([x["label"] for x in predicted], pred)
    tp, fp, fn = int(((p == 1) & (y == 1)).sum()), int(((p == 1) & (y == 0)).sum()), int(((p == 0) & (y == 1)).sum())
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"task": "clickbait", "accuracy": float((p == y).mean()), "f1": f1, "headlines": len(y)}


def _binary(labels: list, where: Path) -> np.ndarray:
    """Clickbait labels as 0/1 (ints, or "0"/"1" strings); anything else is the file's error."""
    try:
        values = np.array([int(x) for x in labels])
    except (TypeError, ValueError):
        values = np.array([-1])
    if not np.isin(values, (0, 1)).all():
        raise InputError("labels must be 0 or 1 (1 = clickbait)", str(where))
    return values


def predict_bias(data: Path, **_) -> list[str]:
    return _predict_jsonl("bias", data, "Biased", "Non-biased")


def score_bias(data: Path, pred: Path, gold: Path | None = None, **_) -> dict:
    gold_rows, predicted = _paired(data, pred, gold, "label_bias")
    pairs = [(g.label, p["label"]) for g, p in zip(gold_rows, predicted) if g.label in ("Biased", "Non-biased")]
    f1s = {}
    for cls in ("Biased", "Non-biased"):
        tp = sum(1 for g, p in pairs if g == cls and p == cls)
        fp = sum(1 for g, p in pairs if g != cls and p == cls)
        fn = sum(1 for g, p in pairs if g == cls and p != cls)
        f1s[cls] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"task": "bias", "macro_f1": sum(f1s.values()) / 2, "f1_biased": f1s["Biased"],
            "f1_non_biased": f1s["Non-biased"], "accuracy": sum(g == p for g, p in pairs) / max(1, len(pairs)),
            "sentences": len(pairs), "skipped_no_agreement": len(gold_rows) - len(pairs)}


# -- hyperpartisan (SemEval-2019 Task 4) ------------------------------------------------------------
def predict_hyperpartisan(data: Path, **_) -> list[str]:
    articles = list(read_semeval_articles(data))
    docs = [Document(title=a.title, body=a.body or a.title, id=a.id) for a in articles]
    sents = [[(s.start, s.end) for s in split_sentences(d)] for d in docs]
    head = _head("hyperpartisan")
    probs = head.predict_proba([d.text for d in docs], article_features(shared_encoder(), [d.text for d in docs], sents))
    return [f"{a.id} {'true' if p >= head.threshold else 'false'} {p:.6f}" for a, p in zip(articles, probs)]


def score_hyperpartisan(data: Path, pred: Path, gold: Path | None = None, **_) -> dict:
    if gold is None:
        candidates = sorted(Path(data).resolve().parent.glob("ground-truth-*.xml"))
        if not candidates:
            raise InputError(f"no ground-truth-*.xml next to {data}; pass --gold")
        gold = candidates[0]
    truth = read_semeval_truth(gold)
    ids = [a.id for a in read_semeval_articles(data)]
    predicted = {}
    for line in pred.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if len(cols) >= 2:
            predicted[cols[0]] = cols[1] == "true"
    y = [truth[i] for i in ids if i in truth]
    p = [predicted.get(i) for i in ids if i in truth]
    if not y:
        raise InputError("no article of DATA has a label in this ground truth", str(gold))
    correct = sum(1 for a, b in zip(y, p) if a == b)
    tp = sum(1 for a, b in zip(y, p) if a and b)
    fp = sum(1 for a, b in zip(y, p) if not a and b)
    fn = sum(1 for a, b in zip(y, p) if a and not b)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {"task": "hyperpartisan", "accuracy": correct / max(1, len(y)), "precision": prec, "recall": rec,
            "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0, "articles": len(y)}

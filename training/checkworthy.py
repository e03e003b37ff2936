"""Check-worthiness head (CheckThat! 2024 task 1 English): the recipe and its debate bookkeeping.

    python -m training.heads --only checkworthy      # ~10 min on 2 CPU cores
"""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from unspin.evaluation.readers import read_checkworthy

from . import splits, textclf
from .head_features import HEADS, Features, evaluate, joined, news_documents

D = splits.SHARED


def train_checkworthy(features: Features, out: Path = HEADS) -> dict:
    """Sentences are seen alone in the benchmark files but inside an article at run time, where the
    encoder's vector of a sentence also reflects its neighbours. So the head is trained and
    calibrated on both: each sentence alone, and in its debate (ClaimBuster's File_id and
    Line_number give the order).

    The dev file comes from the same 33 debates as train (30 of them shared), so it rewards a model
    that has learnt those debates: dev F1 0.89 against 0.76 on dev-test, whose sentences come from
    elsewhere. The head is therefore fitted on train+dev, and C, the calibration and the threshold
    are chosen by 5-fold cross-validation with whole debates held out."""
    fit_sets, fit_groups, sets, _ = fitting_data(features)
    spec = textclf.fit_cv("checkworthy", *joined(*fit_sets), blocks=("vector", "word"), Cs=(0.1, 0.3, 1.0, 3.0),
                          metric=f1_score, groups=fit_groups, select_thresholded=True, n_jobs=2,
                          extra=news_soft_labels(features))
    # 1.0.0 was fitted on train alone, calibrated and thresholded on dev; 1.1.0 on train+dev with
    # debates held out; 1.2.0 also learns from the fine-tuned classifier on news sentences.
    spec["version"] = "1.2.0"
    textclf.save(spec, out / "checkworthy.json.gz")
    return {"data": "CheckThat! 2024 task 1 English: train+dev (fit; C, calibration and threshold by 5-fold "
                    "CV with whole debates held out), dev-test (report); sentences alone and in their debate "
                    "context (from ClaimBuster's order); and BBC news sentences in their articles with the "
                    "fine-tuned classifier's probabilities as soft labels (weight 3)",
            "selection": spec["selection"],
            "test": evaluate("checkworthy dev-test (alone, official)", spec, *sets["test"])}


def fitting_data(features: Features, held_out: frozenset[str] = frozenset()):
    """(fit_sets, fit_groups, sets, groups): the train+dev sentences alone and in their debate, with
    their debates as groups, to fit on; 'train', 'dev', 'test' as (texts, vectors, labels) sets, where
    'test' is the dev-test file; and the debate of each sentence of 'train' and 'dev'. ``held_out``
    debates are left out of the fit sets (to compare recipes on debates neither has seen,
    training/sentence_finetune.py)."""
    base = D / "checkthat2024_task1_en"
    fixes = _claimbuster_texts()
    train = [r for r in read_checkworthy(base / "CT24_checkworthy_english_train.tsv")]
    for r in train:  # the spreadsheet turned texts that began with "-" into "#NAME?"
        if r.text == "#NAME?" and r.id in fixes:
            r.text = fixes[r.id]
    dev = read_checkworthy(base / "CT24_checkworthy_english_dev.tsv")
    test = read_checkworthy(base / "CT24_checkworthy_english_dev-test.tsv")
    debate = _claimbuster_debates()
    sets, groups = {}, {}
    for name, rows in (("train", train), ("dev", dev), ("test", test)):
        texts = [r.text for r in rows]
        sets[name] = (texts, features.sentences(f"cw-{name}", texts), np.array([r.label == "Yes" for r in rows]))
        groups[name] = [debate[r.id] for r in rows] if name != "test" else []
    ctx = {"train": _debate_context(features, "crowdsourced.csv", "train"),
           "dev": _debate_context(features, "groundtruth.csv", "dev")}
    fit_sets, fit_groups = [], []
    for name, rows in (("train", train), ("dev", dev)):
        texts, vectors, y = sets[name]
        alone = [i for i, r in enumerate(rows) if debate[r.id] not in held_out]
        keep = [i for i in alone if rows[i].id in ctx[name]]
        fit_sets += [([texts[i] for i in alone], vectors[alone], y[alone]),
                     ([texts[i] for i in keep], np.stack([ctx[name][rows[i].id] for i in keep]), y[keep])]
        fit_groups += [groups[name][i] for i in alone] + [groups[name][i] for i in keep]
    return fit_sets, fit_groups, sets, groups


# The fine-tuned classifier (training/sentence_finetune.py, `make train-finetuned`) as a teacher: it
# ranks check-worthy sentences better than the head (held-out debates F1 0.734 against 0.684), but
# costs a second encoder pass at run time. Its probabilities on unlabelled news sentences, read in
# their articles as `analyze` reads them, are extra training rows for the head (docs/training.md).
TEACHER = splits.ROOT / "build" / "models-finetuned" / "checkworthy"
NEWS_WEIGHT = 3.0  # chosen on the teacher's 7 held-out debates among 0.3, 1, 3 and 10


def news_sentences() -> list[list[str]]:
    """The body sentences of the BBC articles at odd positions of the sorted file list (the even
    ones stay unseen, as for the claim-matching re-ranker), each article one list."""
    from unspin.segment import split_sentences

    docs = news_documents()
    articles = [[d.text[s.start:s.end] for s in split_sentences(d) if s.start >= len(d.title or "")] for d in docs]
    return [a for a in articles if a]


def news_soft_labels(features: Features, teacher: Path = TEACHER, weight: float = NEWS_WEIGHT) -> textclf.Extra:
    """The news sentences in context, with the teacher's probabilities (cached by the teacher's bytes)."""
    if not (teacher / "model.onnx").exists():
        raise SystemExit(f"{teacher} is missing: the check-worthiness head learns from the fine-tuned "
                         "classifier; build it first with `make train-finetuned`")
    from unspin.inference.sentence_encoder import SentenceClassifier

    articles = news_sentences()
    texts = [s for a in articles for s in a]
    vectors = np.concatenate(features.in_context(f"bbc-odd-ctx-{len(articles)}", articles))
    tag = hashlib.sha256((teacher / "model.onnx").read_bytes()).hexdigest()[:12]
    cache = splits.ROOT / "build" / "features" / f"bbc-odd-teacher-{tag}-{len(texts)}.npy"
    if cache.exists():
        p = np.load(cache)
    else:
        p = SentenceClassifier(teacher).predict_proba(texts)
        np.save(cache, p)
    return textclf.Extra(texts, vectors, p, weight)


def _claimbuster_debates() -> dict[str, str]:
    """Sentence_id -> the debate (ClaimBuster's File_id) it comes from."""
    debates = {}
    for file in ("crowdsourced.csv", "groundtruth.csv"):
        with open(D / "claimbuster" / file, encoding="utf-8", newline="") as handle:
            debates.update({row["Sentence_id"]: row["File_id"] for row in csv.DictReader(handle)})
    return debates


def _debate_context(features: Features, file: str, name: str) -> dict[str, np.ndarray]:
    """Sentence_id -> vector of the sentence read in its debate (lines in order, one per line)."""
    with open(D / "claimbuster" / file, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    debates: dict[str, list[dict]] = {}
    for r in rows:
        debates.setdefault(r["File_id"], []).append(r)
    order = sorted(debates)
    documents = [[r["Text"] for r in sorted(debates[f], key=lambda r: int(r["Line_number"]))] for f in order]
    vectors = features.in_context(f"cw-context-{name}", documents)
    out = {}
    for f, vecs in zip(order, vectors):
        for r, v in zip(sorted(debates[f], key=lambda r: int(r["Line_number"])), vecs):
            out[r["Sentence_id"]] = v
    return out


def _claimbuster_texts() -> dict[str, str]:
    with open(D / "claimbuster" / "crowdsourced.csv", encoding="utf-8", newline="") as handle:
        return {row["Sentence_id"]: row["Text"] for row in csv.DictReader(handle)}

"""Fit a :class:`unspin.inference.text_classifier.TextClassifier` spec with scikit-learn.

Blocks: the encoder's sentence vector (scaled), word n-gram TF-IDF, character n-gram TF-IDF, and a
word lexicon built from the training texts' annotations (``lexicon``: training texts -> words).
The logistic regression is fitted on train; Platt calibration and the decision threshold on dev.
"""
from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from unspin.inference.text_classifier import LEXICON_FEATURES, lexicon_features

WORD = {"analyzer": "word", "ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True, "lowercase": True,
        "max_features": 50000}
CHAR = {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 3, "sublinear_tf": True, "lowercase": False,
        "max_features": 60000}


def fit(name: str, texts: list[str], vectors: np.ndarray | None, y: np.ndarray, dev_texts: list[str] | None,
        dev_vectors: np.ndarray | None, dev_y: np.ndarray | None, blocks=("vector", "word"), C: float = 1.0,
        vector_scale: float = 3.0, threshold_metric=None, class_weight=None, sample_weight=None,
        lexicon: Lexicon | None = None) -> dict:
    vectorizers = []
    parts, dev_parts, spec_blocks = [], [], []
    for block in blocks:
        if block == "lexicon":
            if lexicon is None:
                raise ValueError("a lexicon block needs `lexicon`: training texts -> {word: [marked, holding]}")
            words = lexicon(texts)
            parts.append(csr_matrix(_out_of_fold_lexicon(lexicon, texts)))
            if dev_texts is not None:
                dev_parts.append(csr_matrix(lexicon_features(words, dev_texts)))
            spec_blocks.append({"type": "lexicon", "scale": 1.0, "words": words})
        elif block == "vector":
            parts.append(csr_matrix(vectors * vector_scale))
            if dev_texts is not None:
                dev_parts.append(csr_matrix(dev_vectors * vector_scale))
            spec_blocks.append({"type": "vector", "dim": int(vectors.shape[1]), "scale": vector_scale})
        else:
            params = dict(WORD if block == "word" else CHAR)
            vec = TfidfVectorizer(**params).fit(texts)
            vectorizers.append(vec)
            parts.append(vec.transform(texts))
            if dev_texts is not None:
                dev_parts.append(vec.transform(dev_texts))
            spec_params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()
                           if k not in ("min_df", "max_features")}
            spec_params["ngram_range"] = tuple(params["ngram_range"])
            spec_blocks.append({"type": "tfidf", "params": spec_params,
                                "vocabulary": {t: int(i) for t, i in vec.vocabulary_.items()},
                                "idf": [round(float(v), 6) for v in vec.idf_]})
    X = hstack(parts).tocsr()
    model = LogisticRegression(C=C, max_iter=5000, class_weight=class_weight).fit(X, y, sample_weight=sample_weight)
    spec = {"name": name, "version": "1.0.0", "blocks": spec_blocks,
            "coef": [round(float(c), 7) for c in model.coef_[0]], "intercept": float(model.intercept_[0]),
            "calibration": [1.0, 0.0], "threshold": 0.5, "C": C}
    if dev_texts is None:
        return spec
    z_dev = model.decision_function(hstack(dev_parts).tocsr())
    calib = LogisticRegression(C=1e4, max_iter=1000).fit(z_dev.reshape(-1, 1), dev_y)
    a, b = float(calib.coef_[0][0]), float(calib.intercept_[0])
    p_dev = 1.0 / (1.0 + np.exp(-(a * z_dev + b)))
    threshold = 0.5
    if threshold_metric is not None:
        threshold = max(np.arange(0.1, 0.91, 0.01), key=lambda t: threshold_metric(dev_y, p_dev >= t))
    spec.update({"calibration": [a, b], "threshold": round(float(threshold), 2)})
    return spec


Lexicon = Callable[[list[str]], dict[str, list[int]]]  # training texts -> word: [marked, holding]


def _out_of_fold_lexicon(lexicon: Lexicon, texts: list[str], folds: int = 5) -> np.ndarray:
    """Lexicon features of training texts from lexicons built without them: a word marked in the
    text itself would otherwise tell the model the text's own label, and it would lean on the
    lexicon far more than it can on texts it has not seen."""
    from sklearn.model_selection import KFold

    out = np.zeros((len(texts), LEXICON_FEATURES))
    for train, held in KFold(folds, shuffle=True, random_state=1).split(texts):
        words = lexicon([texts[i] for i in train])
        out[held] = lexicon_features(words, [texts[i] for i in held])
    return out


@dataclass
class Selection:
    """What cross-validation chose, and the fold models behind its out-of-fold scores."""
    score: float
    vector_scale: float
    C: float
    calibration: list[float]  # Platt [a, b] fitted on the out-of-fold decisions
    threshold: float
    fold_specs: list[dict]


@dataclass
class Extra:
    """Training rows beside the labelled ones, never scored: texts with soft labels from a teacher,
    each given twice, as positive with weight w * p and as negative with weight w * (1 - p)."""
    texts: list[str]
    vectors: np.ndarray
    p: np.ndarray
    weight: float

    def rows(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        n = len(self.texts)
        return (self.texts + self.texts, np.concatenate([self.vectors, self.vectors]),
                np.r_[np.ones(n, bool), np.zeros(n, bool)], self.weight * np.r_[self.p, 1 - self.p])


@dataclass
class Copies:
    """Altered copies of labelled rows (a sentence with its group's word swapped), each learnt with
    the label and weight of the row it copies. A fold learns from the copies of its own training
    rows only, so no copy of a held-out row leaks into what scores it."""
    of: np.ndarray  # the index of the row each copy copies
    texts: list[str]
    vectors: np.ndarray

    def added_to(self, rows: np.ndarray, texts, vectors, y, sample_weight):
        """(texts, vectors, y, weights) of ``rows`` followed by the copies of those rows."""
        rows = np.asarray(rows)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        keep = np.flatnonzero(np.isin(self.of, rows))
        of = self.of[keep]
        return ([texts[i] for i in rows] + [self.texts[j] for j in keep], np.concatenate([vectors[rows], self.vectors[keep]]),
                np.r_[y[rows], y[of]], np.r_[w[rows], w[of]])


def _rows(texts, vectors, y, sample_weight, rows: np.ndarray, copies: Copies | None):
    """The labelled ``rows`` to fit on, with their copies if any."""
    if copies is not None:
        return copies.added_to(rows, texts, vectors, y, sample_weight)
    return [texts[i] for i in rows], vectors[rows], y[rows], None if sample_weight is None else sample_weight[rows]


def _with_extra(texts, vectors, y, sample_weight, extra: Extra | None):
    """The rows to fit on: the labelled ones (weight 1 unless given) and the extra ones after them."""
    if extra is None:
        return texts, vectors, y, sample_weight
    e_texts, e_vectors, e_y, e_w = extra.rows()
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    return list(texts) + e_texts, np.concatenate([vectors, e_vectors]), np.r_[y, e_y], np.r_[w, e_w]


def select(name: str, texts: list[str], vectors: np.ndarray, y: np.ndarray, blocks=("vector", "word"),
           Cs=(0.03, 0.1, 0.3, 1.0), vector_scale: float = 3.0, metric=None, folds: int = 5, seed: int = 0,
           sample_weight: np.ndarray | None = None, groups: list[str] | None = None,
           select_thresholded: bool = False, n_jobs: int = 1,
           vector_scales: tuple[float, ...] | None = None, lexicon: Lexicon | None = None,
           extra: Extra | None = None, copies: Copies | None = None) -> Selection:
    """Choose C (and, given ``vector_scales``, the weight of the vector block against the n-grams)
    by k-fold cross-validation; calibrate (Platt) and pick the threshold on the out-of-fold decisions.

    ``groups`` keeps each group (e.g. a debate) inside one fold, so the folds measure how the model
    does on groups it never saw. ``select_thresholded`` compares the settings by the metric at the
    tuned threshold instead of at decision 0 (for F1 on a rare class, the tuned threshold is the
    one that will be used)."""
    from joblib import Parallel, delayed
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    metric = metric or (lambda a, b: float(np.mean(a == b)))
    if groups is None:
        cv = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y))
    else:
        cv = list(GroupKFold(folds).split(texts, y, groups))

    def one_fold(scale, C, tr, te):
        rows = _with_extra(*_rows(texts, vectors, y, sample_weight, tr, copies), extra)
        spec = fit(name, rows[0], rows[1], rows[2], None, None, None, blocks=blocks, C=C, vector_scale=scale,
                   sample_weight=rows[3], lexicon=lexicon)
        return te, spec, _raw_decision(spec, [texts[i] for i in te], vectors[te])

    best = None
    for scale in vector_scales or (vector_scale,):
        for C in Cs:
            z, specs = np.zeros(len(y)), []
            for te, spec, z_te in Parallel(n_jobs=n_jobs)(delayed(one_fold)(scale, C, tr, te) for tr, te in cv):
                z[te] = z_te
                specs.append(spec)
            calibration, threshold, tuned = calibrate(z, y, metric)
            score = tuned if select_thresholded else metric(y, z >= 0)
            print(f"  {name}: vector scale {scale}, C={C}: out-of-fold score {score:.4f}", flush=True)
            if best is None or score > best.score:
                best = Selection(score, scale, C, calibration, threshold, specs)
    return best


def fit_cv(name: str, texts: list[str], vectors: np.ndarray, y: np.ndarray, blocks=("vector", "word"),
           sample_weight: np.ndarray | None = None, groups: list[str] | None = None,
           vector_scales: tuple[float, ...] | None = None, folds: int = 5, **options) -> dict:
    """For small data sets, or dev sets unlike the data the model will meet: :func:`select` the
    settings, calibration and threshold by cross-validation, then fit on all the data given."""
    chosen = select(name, texts, vectors, y, blocks=blocks, sample_weight=sample_weight, groups=groups,
                    vector_scales=vector_scales, folds=folds, **options)
    rows = _with_extra(*_rows(texts, vectors, y, sample_weight, np.arange(len(y)), options.get("copies")),
                       options.get("extra"))
    spec = fit(name, rows[0], rows[1], rows[2], None, None, None, blocks=blocks, C=chosen.C,
               vector_scale=chosen.vector_scale, sample_weight=rows[3], lexicon=options.get("lexicon"))
    how = "grouped" if groups is not None else "stratified"
    setting = f"C={chosen.C}" if not vector_scales else f"C={chosen.C}, vector scale {chosen.vector_scale}"
    spec.update({"calibration": chosen.calibration, "threshold": chosen.threshold, "C": chosen.C,
                 "cv_score": round(chosen.score, 4),
                 "selection": f"{folds}-fold {how} CV: {setting}, out-of-fold score {chosen.score:.4f}"})
    return spec


def calibrate(z: np.ndarray, y: np.ndarray, metric) -> tuple[list[float], float, float]:
    """Platt scaling of out-of-fold decisions, and the threshold that maximises ``metric``:
    ([a, b], threshold, metric at that threshold)."""
    calib = LogisticRegression(C=1e4, max_iter=1000).fit(z.reshape(-1, 1), y)
    a, b = float(calib.coef_[0][0]), float(calib.intercept_[0])
    p = 1.0 / (1.0 + np.exp(-(a * z + b)))
    threshold = max(np.arange(0.2, 0.81, 0.01), key=lambda t: metric(y, p >= t))
    return [a, b], round(float(threshold), 2), float(metric(y, p >= threshold))


def reweigh(y: np.ndarray, groups: list[str]) -> np.ndarray:
    """Kamiran & Calders reweighing: weights that make the label independent of the group
    (outlet leaning) in the training data, so the model cannot learn "left outlet -> biased"."""
    y = np.asarray(y)
    groups = np.asarray(groups)
    w = np.ones(len(y))
    for g in set(groups.tolist()):
        for label in (False, True):
            mask = (groups == g) & (y == label)
            if mask.any():
                w[mask] = (np.mean(groups == g) * np.mean(y == label)) / np.mean(mask)
    return w


def _raw_decision(spec: dict, texts, vectors) -> np.ndarray:
    from unspin.inference.text_classifier import TextClassifier

    return TextClassifier(spec).decision(texts, vectors)


def save(spec: dict, path: Path) -> None:
    """The head as gzipped JSON, byte for byte the same for the same spec (no timestamp in the
    gzip header), so a recipe run twice leaves no change for git to show."""
    import io

    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as raw, io.TextIOWrapper(raw, encoding="utf-8") as handle:
        json.dump(spec, handle, separators=(",", ":"))


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error with equal-width bins."""
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges, edges[1:]):
        mask = (p >= lo) & (p < hi) if hi < 1 else (p >= lo) & (p <= hi)
        if mask.any():
            total += mask.mean() * abs(p[mask].mean() - y[mask].mean())
    return float(total)


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict]:
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in zip(edges, edges[1:]):
        mask = (p >= lo) & (p < hi) if hi < 1 else (p >= lo) & (p <= hi)
        if mask.any():
            rows.append({"bin": [round(lo, 2), round(hi, 2)], "n": int(mask.sum()),
                         "mean_predicted": float(p[mask].mean()), "observed": float(y[mask].mean())})
    return rows

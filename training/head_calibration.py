"""Is a small-data head's calibration recipe sound? Nested cross-validation on train+dev.

    python -m training.head_calibration --head hyperpartisan     # 5-15 min
    python -m training.head_calibration --head bias              # 2 min

Pooled out-of-fold ECE of (a) the shipped `textclf.fit_cv` recipe (the final model fitted on all the
data, with the Platt calibration fitted on the fold models' out-of-fold scores) against (b) an
ensemble of the fold models sharing that calibration (the average of their probabilities), which
has no mismatch between the models calibrated and the model used. The test split is never read.

Results: hyperpartisan (2026-11-29, head 1.1.0's grid): (a) 0.046, (b) 0.049 on 497 articles
(1.0.0's recipe: 0.041, 0.043), so the recipe is calibrated on its own data and the test split's
0.073 is not caused by it; re-run in stop 21 with exact int8 vectors: (a) 0.048, (b) 0.035.
Bias (stop 21, head 1.2.1's recipe, exact int8 vectors): (a) 0.015, (b) 0.019 on 2,324 sentences,
0.026-0.051 on each outer fold (docs/benchmarks.md, Calibration).
"""
from __future__ import annotations

import argparse

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from . import heads, textclf
from .bias_words import lexicon_of
from .head_features import Features, joined


def _macro_f1(y, p):
    return f1_score(y, p, average="macro")


def setting(head: str, features: Features):
    """(texts, vectors, y, sample weights or None, fit_cv options) of the head's train+dev data,
    with the options its recipe in training/heads.py uses."""
    if head == "bias":
        sets, leanings = heads.babe_sets(features, names=("train", "dev"))
        texts, vectors, y = joined(sets["train"], sets["dev"])
        weights = textclf.reweigh(y, leanings["train"] + leanings["dev"])
        return texts, vectors, y, weights, {"blocks": ("vector", "word", "lexicon"), "metric": _macro_f1,
                                            "lexicon": lexicon_of}
    sets, _ = heads.hyperpartisan_sets(features, names=("train", "dev"))
    texts, vectors, y = joined(sets["train"], sets["dev"])
    return texts, vectors, y, None, {"blocks": ("vector", "word"), "metric": accuracy_score}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--head", choices=("hyperpartisan", "bias"), default="hyperpartisan")
    args = parser.parse_args()
    texts, vectors, y, weights, options = setting(args.head, Features())
    outer = list(StratifiedKFold(5, shuffle=True, random_state=1).split(texts, y))
    pa, pb = np.zeros(len(y)), np.zeros(len(y))
    for k, (tr, te) in enumerate(outer, 1):
        train_texts, test_texts = [texts[i] for i in tr], [texts[i] for i in te]
        w = None if weights is None else weights[tr]
        chosen = textclf.select(args.head, train_texts, vectors[tr], y[tr], sample_weight=w, n_jobs=2,
                                **options, **heads.SMALL_DATA_GRID)
        spec = textclf.fit(args.head, train_texts, vectors[tr], y[tr], None, None, None, blocks=options["blocks"],
                           C=chosen.C, vector_scale=chosen.vector_scale, sample_weight=w,
                           lexicon=options.get("lexicon"))  # what fit_cv fits after select
        a, b = chosen.calibration
        pa[te] = 1 / (1 + np.exp(-(a * textclf._raw_decision(spec, test_texts, vectors[te]) + b)))
        pb[te] = np.mean([1 / (1 + np.exp(-(a * textclf._raw_decision(s, test_texts, vectors[te]) + b)))
                          for s in chosen.fold_specs], axis=0)
        print(f"outer fold {k} of 5 ({len(te)} items): ECE {textclf.ece(y[te].astype(float), pa[te]):.4f} "
              f"(fold ensemble {textclf.ece(y[te].astype(float), pb[te]):.4f})", flush=True)
    print(f"{len(y)} items (train+dev)")
    for name, p in (("shipped recipe", pa), ("fold ensemble", pb)):
        print(f"{name}: pooled out-of-fold ECE {textclf.ece(y.astype(float), p):.4f}, "
              f"accuracy {accuracy_score(y, p >= 0.5):.4f}")


if __name__ == "__main__":
    main()

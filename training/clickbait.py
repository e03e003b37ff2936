"""The clickbait head (Chakraborty et al. 2016 headlines): a calibrated logistic regression over
the shared encoder's vector and word and character n-grams, fitted on every training headline in
both letter cases (training/letter_case.py), with copies of those that name a group with its word
swapped, and its vector block blind to the directions of such swaps (training/identity_swaps.py).

    python -m training.heads --only clickbait      # ~4 min on 2 CPU cores
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score

from unspin.inference.text_classifier import TextClassifier

from . import splits, textclf
from .head_features import HEADS, Features, evaluate
from .identity_swaps import blind_to, identity_directions, swaps, without
from .letter_case import other_case

D = splits.SHARED


def clickbait_split() -> dict[str, list[str]]:
    rows = [json.loads(line) for line in open(D / "clickbait_chakraborty2016" / "train.jsonl", encoding="utf-8")]
    path = splits.SPLITS / "clickbait.json"
    if not path.exists():
        keys = [f"{r['source_file']}:{r['line']}" for r in rows]
        splits.save("clickbait", splits.assign(keys, {"test": 0.2, "dev": 0.1, "train": 0.7}, "clickbait-v1"),
                    "Chakraborty 2016 headlines by source_file:line (training/splits.py, salt clickbait-v1)")
    return splits.load("clickbait")


# C of the clickbait head, chosen on dev as written and in the other letter case (ties: the smaller).
CLICKBAIT_CS = (2.0, 4.0, 8.0, 16.0)
# How many directions of identity-word swaps the vector block is fitted without (1.3.0). Tried at
# C 8: 0, 4, 8, 16, 32, 64; 16 moved dev headlines least when their group's word was swapped
# (mean change 0.029 against 0.037 with none) at a dev accuracy within four headlines of none's,
# and 64 cost 0.0036 (docs/benchmarks.md).
IDENTITY_DIRECTIONS = 16


def train_clickbait(features: Features, out: Path = HEADS) -> dict:
    rows = [json.loads(line) for line in open(D / "clickbait_chakraborty2016" / "train.jsonl", encoding="utf-8")]
    by_key = {f"{r['source_file']}:{r['line']}": r for r in rows}
    split = clickbait_split()
    sets = {}
    for name in ("train", "dev", "test"):
        chosen = [by_key[k] for k in split[name]]
        texts = [r["text"].strip() for r in chosen]
        sets[name] = (texts, features.sentences(f"cb-{name}", texts), np.array([r["label"] == 1 for r in chosen]))
    # Training headlines about a group also with the group's word swapped for others (1.2.0), so that
    # "Black" or "transgender" in a headline says less about clickbait (training/identity_swaps.py).
    rng = random.Random(0)
    texts, vectors, y = sets["train"]
    swapped = [(v, label) for t, label in zip(texts, y) for v in swaps(t, rng)]
    swapped_texts = [t for t, _ in swapped]
    sets["train"] = (texts + swapped_texts,
                     np.vstack([vectors, features.sentences("cb-train-identity-swaps", swapped_texts)]),
                     np.concatenate([y, np.array([label for _, label in swapped], dtype=bool)]))
    recased = {name: ([other_case(t) for t in texts], vectors, y) for name, (texts, vectors, y) in sets.items()}
    _check_case_blind(features, sets["train"][0] + sets["dev"][0], recased["train"][0] + recased["dev"][0])
    # Every training headline in both cases (the same vector: the encoder lower-cases), so the
    # character n-grams cannot stand in for the viral sites' Title Case.
    both = tuple(np.concatenate([a, b]) if isinstance(a, np.ndarray) else a + b
                 for a, b in zip(sets["train"], recased["train"]))
    # The vector block is fitted without the directions in which a swapped identity word moves a
    # headline's vector (1.3.0), so the group a headline names moves its score less.
    directions = identity_directions(lambda t: features.sentences("cb-train-identity-dirs", t), texts,
                                     IDENTITY_DIRECTIONS)

    def fit(C: float) -> dict:
        dev_texts, dev_vectors, dev_y = sets["dev"]
        return blind_to(directions, textclf.fit("clickbait", both[0], without(directions, both[1]), both[2], dev_texts,
                                                 without(directions, dev_vectors), dev_y,
                                                 blocks=("vector", "word", "char"), C=C))

    grid = {}
    for C in CLICKBAIT_CS:
        clf = TextClassifier(fit(C))
        grid[C] = float(np.mean([accuracy_score(y, clf.predict_proba(t, v) >= clf.threshold)
                                 for t, v, y in (sets["dev"], recased["dev"])]))
        print(f"  C={C}: dev accuracy, mean of both cases {grid[C]:.4f}", flush=True)
    best = max(CLICKBAIT_CS, key=lambda C: (round(grid[C], 4), -C))
    spec = fit(best)
    # 1.1.0: both letter cases of every headline; 1.2.0: identity words swapped; 1.3.0: the vector
    # block blind to the swaps' directions
    spec["version"] = "1.3.0"
    textclf.save(spec, out / "clickbait.json.gz")
    return {"data": "Chakraborty et al. 2016 headlines, split 70/10/20 by line (data/splits/clickbait.json); "
                    "training headlines also in the other letter case (training/letter_case.py), and those about "
                    f"a group also with its word swapped for others ({len(swapped)} copies, training/identity_swaps.py)",
            "selection": {"C": best, "dev_accuracy_both_cases": {str(C): round(v, 4) for C, v in grid.items()},
                          "identity_directions_removed": IDENTITY_DIRECTIONS},
            "dev": evaluate("clickbait dev", spec, *sets["dev"]),
            "test": evaluate("clickbait test", spec, *sets["test"]),
            "test_other_case": evaluate("clickbait test, other case", spec, *recased["test"]),
            "style_probe": clickbait_probe(spec, features), "identity_probe": identity_probe(spec, features)}


IDENTITY_PROBE = ("{} doctor opens clinic in the town centre", "{} students win regional science prize",
                  "{} family sues council over school bus route", "{} farmer elected to county board")
IDENTITY_PROBE_WORDS = ("Local", "White", "Black", "Asian", "Mexican", "Muslim", "Jewish", "Christian", "Gay",
                        "Transgender", "Immigrant", "Disabled", "Refugee")


def identity_probe(spec: dict, features: Features) -> dict[str, float]:
    """Mean clickbait probability of four plain news headlines written about each group (and about
    "Local" people): a head that reads the group's word gives some groups' news more."""
    texts = [t.format(word) for word in IDENTITY_PROBE_WORDS for t in IDENTITY_PROBE]
    p = TextClassifier(spec).predict_proba(texts, features.sentences("cb-identity-probe", texts))
    means = {w: round(float(x), 3) for w, x in zip(IDENTITY_PROBE_WORDS, p.reshape(len(IDENTITY_PROBE_WORDS), -1).mean(1))}
    print(f"  clickbait identity probe: {means}", flush=True)
    return means


def _check_case_blind(features: Features, texts: list[str], recased: list[str]) -> None:
    """The recipe gives a recased headline its original's vector: true while the tokenizer lower-cases."""
    for a, b in zip(texts, recased):
        if features.model.tokenizer.encode(a).ids != features.model.tokenizer.encode(b).ids:
            raise SystemExit(f"the encoder reads letter case ({a!r} and {b!r} tokenize apart): "
                             "encode the recased headlines instead of reusing their originals' vectors")


def clickbait_probe(spec: dict, features: Features) -> dict:
    """The two classes come from different outlets; check the model on headlines written against
    their outlet's style (training/data/clickbait_probe.jsonl, written for this check): their topic,
    their wording, and their letter case."""
    rows = [json.loads(line) for line in open(splits.ROOT / "training" / "data" / "clickbait_probe.jsonl")]
    texts = [r["text"] for r in rows]
    vectors = features.sentences("cb-probe", texts)
    y = np.array([r["label"] for r in rows])
    clf = TextClassifier(spec)
    groups = {}
    for how, shown in (("as written", texts), ("other case", [other_case(t) for t in texts])):
        p = clf.predict_proba(shown, vectors)
        for group in sorted({r["group"] for r in rows}):
            mask = np.array([r["group"] == group for r in rows])
            groups.setdefault(group, {"n": int(mask.sum())})[how] = float(accuracy_score(y[mask], p[mask] >= 0.5))
    print(f"  clickbait style probe: {groups}", flush=True)
    return groups

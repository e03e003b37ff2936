"""Model selection in the training recipes (scikit-learn only, no torch): cross-validation that
holds out whole groups must not be fooled by what a group shares."""
from __future__ import annotations

import numpy as np
import pytest

from training import textclf


def _leaky_data(groups: int = 10, per_group: int = 12, seed: int = 0):
    """Each group (think: one debate) has one label and a word no other group uses, so the word
    predicts the label perfectly inside the group and says nothing about a new group."""
    rng = np.random.default_rng(seed)
    texts, labels, names = [], [], []
    for g in range(groups):
        label = g % 2 == 0
        for _ in range(per_group):
            filler = " ".join(rng.choice(["the", "a", "said", "council", "water", "rate", "on", "today"], 6))
            texts.append(f"debate{g}word {filler}")
            labels.append(label)
            names.append(f"debate-{g}")
    vectors = rng.normal(size=(len(texts), 4))  # carries no signal
    return texts, vectors, np.array(labels), names


def test_grouped_cross_validation_sees_through_a_group_leak():
    texts, vectors, y, groups = _leaky_data()
    stratified = textclf.fit_cv("t", texts, vectors, y, Cs=(1.0,))
    grouped = textclf.fit_cv("t", texts, vectors, y, Cs=(1.0,), groups=groups)
    assert stratified["cv_score"] > 0.85  # every fold has seen each group's word
    assert grouped["cv_score"] < 0.75  # no fold has: the leak is worth nothing
    assert grouped["selection"].startswith("5-fold grouped CV")


def test_selection_covers_the_vector_scale_grid():
    rng = np.random.default_rng(1)
    y = rng.random(200) < 0.5
    vectors = rng.normal(size=(200, 3)) + y[:, None] * 1.5  # the signal is in the vectors only
    texts = [" ".join(rng.choice(["alpha", "beta", "gamma", "delta"], 5)) for _ in range(200)]
    spec = textclf.fit_cv("t", texts, vectors, y, Cs=(0.1, 1.0), vector_scales=(0.01, 3.0))
    assert "vector scale 3.0" in spec["selection"]  # a vector block scaled to nothing cannot win
    assert spec["cv_score"] > 0.8


def test_lexicon_features_of_training_texts_never_count_the_text_itself():
    # Each text's "marks" are its own first word: a lexicon built with the text would hand the
    # model its label; built without it (out of fold), a word seen in no other text counts nothing.
    texts = [f"unique{i} plain words here" for i in range(20)] + ["shared plain words"] * 10
    marks = {t: {t.split()[0]} for t in texts}

    def lexicon(train: list[str]) -> dict[str, list[int]]:
        counts: dict[str, int] = {}
        for t in train:
            for w in marks[t]:
                counts[w] = counts.get(w, 0) + 1
        return {w: [c, c] for w, c in counts.items()}

    features = textclf._out_of_fold_lexicon(lexicon, texts)
    assert (features[:20, 0] == 0).all()  # "uniqueN" is only ever in its own text
    assert (features[20:, 0] == np.log1p(1)).all()  # "shared" is marked in the other shared texts
    spec = textclf.fit("t", texts, None, np.array([True] * 20 + [False] * 10), None, None, None,
                       blocks=("lexicon",), lexicon=lexicon)
    assert spec["blocks"] == [{"type": "lexicon", "scale": 1.0, "words": lexicon(texts)}]


def test_the_fairness_script_refits_a_shipped_head_s_settings_out_of_fold():
    # benchmarks/fairness_cv.py feeds the model cards; it once called a function the recipes had
    # renamed, and failed for a whole stop without a test noticing.
    from benchmarks.fairness_cv import out_of_fold, shipped_settings

    settings = shipped_settings("hyperpartisan")
    rng = np.random.default_rng(2)
    y = rng.random(120) < 0.5
    vectors = rng.normal(size=(120, 384)) + y[:, None] * 0.5  # the signal is in the vectors
    texts = [" ".join(rng.choice(["alpha", "beta", "gamma", "delta"], 5)) for _ in range(120)]
    pred = out_of_fold(texts, vectors, y, settings)
    assert pred.shape == y.shape and pred.dtype == bool
    assert (pred == y).mean() > 0.8


def test_extra_rows_teach_but_are_never_scored():
    # The check-worthiness head also learns from a teacher's soft labels on news sentences
    # (training/checkworthy.py); those rows are fitted in every fold but never scored.
    rng = np.random.default_rng(3)
    y = rng.random(120) < 0.5
    vectors = np.c_[rng.normal(size=120), rng.normal(size=120) + y * 1.0]  # the labels follow dimension 1
    texts = ["same words here"] * 120
    extra_vectors = np.c_[np.linspace(-3, 3, 400), rng.normal(size=400)]
    teacher_p = 1 / (1 + np.exp(-3 * extra_vectors[:, 0]))  # the teacher follows dimension 0

    def fitted(extra):
        return textclf.fit_cv("t", texts, vectors, y, blocks=("vector",), Cs=(1.0,), extra=extra)

    plain = fitted(None)
    silent = fitted(textclf.Extra(["same words here"] * 400, extra_vectors, teacher_p, 0.0))
    taught = fitted(textclf.Extra(["same words here"] * 400, extra_vectors, teacher_p, 1.0))
    assert silent["coef"] == pytest.approx(plain["coef"], abs=1e-4)  # weight 0: nothing learnt from them
    assert silent["cv_score"] == plain["cv_score"]  # and scored on the labelled rows alone
    assert taught["coef"][0] > plain["coef"][0] + 0.5  # weight 1: the teacher's direction is learnt


def test_a_fold_learns_from_the_copies_of_its_own_training_rows_only():
    # Every row has a word of its own and a random label; two copies of each row keep the word.
    # Copies of a held-out row in its fold's training data would hand the fold its label.
    rng = np.random.default_rng(2)
    n = 150
    y = rng.random(n) < 0.5
    texts = [f"row{i}word " + " ".join(rng.choice(["the", "a", "council", "said"], 4)) for i in range(n)]
    vectors = rng.normal(size=(n, 3))
    of = np.repeat(np.arange(n), 2)
    copy_texts = [texts[i] + " again" for i in of]
    kept_apart = textclf.select("t", texts, vectors, y, Cs=(10.0,), copies=textclf.Copies(of, copy_texts, vectors[of]))
    # The same copies given to every fold (as extra rows with the copied labels) leak: the control.
    leaked = textclf.select("t", texts, vectors, y, Cs=(10.0,),
                            extra=textclf.Extra(copy_texts, vectors[of], y[of].astype(float), 1.0))
    assert leaked.score > 0.9
    assert kept_apart.score < 0.7


def test_group_swaps_keep_number_and_leave_names_alone():
    import random

    from training.identity_swaps import group_swaps

    copies = group_swaps("Republicans say the White House ignored Muslim voters.", random.Random(0), k=20)
    assert len(copies) == 20 and all("White House" in c for c in copies)
    firsts = [c.split()[0] for c in copies]
    assert all(f[0].isupper() and f != "Republicans" for f in firsts), firsts
    # A noun in the plural stays plural ("Farmers", "Muslims"); adjectives have none ("Disabled").
    assert all(f.endswith("s") for f in firsts if f.lower().removesuffix("s") in ("farmer", "muslim", "democrat", "teacher")), firsts
    assert group_swaps("The council met on Tuesday.", random.Random(0)) == []


@pytest.mark.parametrize("with_directions, without, kept", [
    (0.7801, 0.7809, True),   # the shipped encoder (stop 29): they cost 0.0008
    (0.7585, 0.7692, False),  # the opt-in fast set's encoder: they cost 0.0107
    (0.7800, 0.7830, True),   # exactly the cost allowed
    (0.7799, 0.7830, False),  # just over it
    (0.7900, 0.7800, True),   # they help
])
def test_the_bias_head_keeps_the_group_directions_only_where_they_cost_little(with_directions, without, kept):
    from training.heads import keeps_directions

    assert keeps_directions(with_directions, without) is kept

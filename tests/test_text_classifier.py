"""The stored head format, read back: each feature block's part of the decision, worked by hand."""
from __future__ import annotations

import math

import numpy as np
import pytest

from unspin.inference.text_classifier import TextClassifier, as_written, lexicon_features


def test_lexicon_features_worked_by_hand():
    lexicon = {"radical": (3, 4), "slammed": (1, 3)}
    got = lexicon_features(lexicon, ["Radical critics slammed the radical plan", "A quiet day", ""])
    radical, slammed = 3 / 4, 1 / 3
    lo_radical, lo_slammed = math.log(3.5 / 1.5), math.log(1.5 / 2.5)
    assert got[0] == pytest.approx([math.log(3), radical, radical + slammed, lo_radical, lo_radical + lo_slammed])
    # A text with none of the words: no count, no share, and the floor of -3 log-odds.
    assert got[1].tolist() == got[2].tolist() == [0.0, 0.0, 0.0, -3.0, 0.0]


def test_lexicon_features_are_the_same_in_every_process():
    """Sums over a set of words depended on the order the set iterates in, which Python changes
    from process to process (hash randomisation): the bias recipe gave different weights each run."""
    import os
    import subprocess
    import sys

    code = ("import random; from unspin.inference.text_classifier import lexicon_features; "
            "rng = random.Random(0); words = [f'w{i}' for i in range(60)]; "
            "lexicon = {w: (rng.randint(1, 9), rng.randint(9, 30)) for w in words}; "
            "print(lexicon_features(lexicon, [' '.join(words)]).tobytes().hex())")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(runs) == 1


def test_a_lexicon_block_adds_its_weighted_features_to_the_decision():
    spec = {"name": "t", "intercept": -1.0, "calibration": [1.0, 0.0],
            "blocks": [{"type": "vector", "dim": 2, "scale": 0.5},
                       {"type": "lexicon", "scale": 2.0, "words": {"loaded": [2, 2]}}],
            "coef": [1.0, -1.0, 0.5, 1.0, 0.0, 0.0, 0.0]}
    head = TextClassifier(spec)
    assert head.lexicon == {"loaded": (2, 2)}
    z = head.decision(["A loaded word", "A plain word"], np.array([[2.0, 0.0], [0.0, 0.0]]))
    # vector: 0.5 * 2 * 1.0 = 1; lexicon: 2 * (0.5 * log 2 + 1.0 * share 1.0)
    assert z == pytest.approx([-1.0 + 1.0 + 2 * (0.5 * math.log(2) + 1.0), -1.0])


def test_a_spec_with_a_missing_coefficient_is_refused():
    spec = {"name": "t", "intercept": 0.0, "coef": [1.0] * 4,
            "blocks": [{"type": "lexicon", "scale": 1.0, "words": {}}]}
    with pytest.raises(ValueError, match="4 coefficients for 5 features"):
        TextClassifier(spec)


@pytest.mark.parametrize("term,written", [("don", "Don't"), ("won believe", "won't believe"), ("zero", "Zero-Sum"),
                                          ("things only", "Things only"), ("absent", "absent")])
def test_an_ngram_is_shown_as_the_text_writes_it(term, written):
    text = "You won't believe why Things only get worse: Don't miss the Zero-Sum game"
    assert as_written(text, term) == written


def test_a_capitalised_lexicon_word_inside_a_sentence_is_a_name_not_a_biased_word():
    from unspin.analyzers.signals import BiasAnalyzer

    bias = BiasAnalyzer()
    assert "giant" in bias.lexicon and "radical" in bias.lexicon
    text = "The radical firm Giant Company Software bought it; Giant deals followed."
    assert [text[a:b] for a, b, _ in bias._loaded_words(text)] == ["radical"]
    assert [t[a:b] for t in ["Giant corporations crushed them."] for a, b, _ in bias._loaded_words(t)] == ["Giant"]

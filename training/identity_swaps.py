"""Headlines with their identity words swapped for others ("Black students" -> "Muslim students").

In the clickbait data the viral sites wrote about some groups far more than the news outlets did:
"black" is in 105 clickbait headlines against 19 news ones, "trans" 26 against 4. A head that
learns those words calls a plain news headline about a Black or transgender person clickbait
(head 1.1.0: 0.27 and 0.29 on average over four plain templates, against 0.02 for "Local"). The
clickbait recipe adds, for each training headline with such a word, four copies with it swapped
for other identity words, with the same label, so that the words say less about the label.
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable

import numpy as np

SWAPPABLE = ("black", "white", "asian", "hispanic", "latino", "jewish", "muslim", "christian", "catholic", "hindu",
             "gay", "lesbian", "transgender", "trans", "queer", "bisexual", "mexican", "chinese", "arab", "immigrant",
             "disabled")
# Names and things in which the colour or word is no identity: "Black Friday", "White House".
_NOT_IDENTITY = ("friday|panther|mirror|sea|death|hole|house|sox|widow|lightning|keys|sabbath|swan|box|belt|market|"
                 "magic|ice|hat|tie|coffee|walkers|ops|eyed|christmas|noise|paper|wine|bread|rice|tea|sauce|dwarf|"
                 "knight|star|claw|hawk|lotus|list|out|outs|chick")
IDENTITY = re.compile(rf"(?<!walter\s)\b({'|'.join(SWAPPABLE)})\b(?!\s+(?:{_NOT_IDENTITY})\b)", re.IGNORECASE)


def _like(word: str, model: str) -> str:
    """``word`` in the letter case of ``model``."""
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word.capitalize() if model[:1].isupper() else word


def swaps(text: str, rng: random.Random, k: int = 4) -> list[str]:
    """Up to ``k`` copies of ``text``, each identity word replaced by another (none if it has none)."""
    if not IDENTITY.search(text):
        return []
    return [IDENTITY.sub(lambda m: _like(rng.choice([w for w in SWAPPABLE if w != m.group(0).lower()]), m.group(0)),
                         text) for _ in range(k)]


# Sentences (the bias head) name groups in the plural and by party too, and a copy may name a
# plain group instead ("farmers"), so that naming a charged group at all says less about the label.
PARTIES = ("republican", "democrat", "conservative", "liberal")
PLAIN_GROUPS = ("farmer", "resident", "worker", "parent", "neighbour", "shopper", "commuter", "retiree", "teacher",
                "nurse", "student", "local")
_NOUNS = ("muslim", "christian", "immigrant", "catholic", "hindu", "arab", "mexican", "lesbian", "latino", "asian",
          "gay", "black", "white", "jew", *PARTIES)
_PLURAL = {w: w + "s" for w in _NOUNS + PLAIN_GROUPS}
_GROUP_WORDS = sorted({*SWAPPABLE, *PARTIES, "jew", *(_PLURAL[w] for w in _NOUNS)}, key=len, reverse=True)
# Its own, shorter list of names to leave alone: the headlines' list holds words such as "out" and
# "star" that in a sentence follow a group as often as not ("keeping immigrants out", "the Chinese
# star"), and would change which of the bias head's training sentences get copies.
GROUP = re.compile(rf"\b({'|'.join(_GROUP_WORDS)})\b(?!\s+(?:house|friday|sea|hole|paper|market|box|widow|"
                   rf"supremacists?|nationalists?)\b)", re.IGNORECASE)


def group_swaps(text: str, rng: random.Random, k: int = 4) -> list[str]:
    """Up to ``k`` copies of a sentence, each group word replaced by another group's or a plain
    group's ("Republicans" -> "Muslims", "farmers"), plural for plural (none if it has none)."""
    if not GROUP.search(text):
        return []
    words = (*SWAPPABLE, *PARTIES)

    def swap(m: re.Match) -> str:
        found = m.group(0).lower()
        plural = found not in words and found.endswith("s")
        new = rng.choice([w for w in (*words, *PLAIN_GROUPS) if w != found.removesuffix("s")])
        return _like(_PLURAL.get(new, new) if plural else new, m.group(0))

    return [GROUP.sub(swap, text) for _ in range(k)]


def identity_directions(encode: Callable[[list[str]], np.ndarray], texts: list[str], k: int,
                        copies: int = 8, seed: int = 1, swap=swaps) -> np.ndarray:
    """The ``k`` orthonormal directions (rows) along which swapping identity words moves the
    encoder's vectors most: each headline of ``texts`` that has such a word and ``copies`` swapped
    copies are encoded, centred on their own mean, and the principal directions of all those
    deviations kept."""
    rng = random.Random(seed)
    groups = [[t, *found] for t in texts if (found := swap(t, rng, k=copies))]
    vectors = encode([t for g in groups for t in g])
    deviations, start = [], 0
    for g in groups:
        block = vectors[start:start + len(g)]
        deviations.append(block - block.mean(0))
        start += len(g)
    return np.linalg.svd(np.vstack(deviations), full_matrices=False)[2][:k]


def without(directions: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """``vectors`` with their components along the orthonormal ``directions`` removed."""
    return vectors - (vectors @ directions.T) @ directions


def blind_to(directions: np.ndarray, spec: dict) -> dict:
    """``spec`` with its vector block's weights made exactly orthogonal to ``directions``: fitted on
    vectors without them, the weights are so up to the solver's tolerance, and this way a vector
    at run time (which keeps them) scores as its projection did in training."""
    if spec["blocks"][0]["type"] != "vector":
        raise ValueError("the head's first block must be the encoder's vector")
    coef = np.asarray(spec["coef"], dtype=np.float64)
    dim = spec["blocks"][0]["dim"]
    coef[:dim] = without(directions, coef[None, :dim])[0]
    spec["coef"] = [round(float(c), 7) for c in coef]
    return spec

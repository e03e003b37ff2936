"""The lexicon of words the BABE/MBIC experts marked as biased, built from a set of training
sentences: a feature block of the bias head and the words a flagged sentence shows.

A module of its own (not training/heads.py, which runs as ``__main__``) so that cross-validation
workers can import the builder instead of unpickling it.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache

from unspin.inference.text_classifier import LEXICON_WORD as _WORD  # the words the head looks up

from . import splits

# Of the training sentences that hold a word, the share in which the experts marked it as biased.
# Without it "people", "trump" or "coronavirus" (marked in 2 of 194, 6 of 449, 13 of 188 sentences)
# were shown to readers as words experts mark as biased.
BIAS_WORD_MIN_SHARE = 0.25


def norm(text: str) -> str:
    """A sentence's key: the same text in BABE, SG1 and MBIC gets the same key."""
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


def lexicon_of(texts: list[str]) -> dict[str, list[int]]:
    """:func:`bias_lexicon` of these training sentences."""
    return bias_lexicon({norm(t) for t in texts})


def bias_lexicon(keys: set[str], min_count: int = 2, min_share: float = BIAS_WORD_MIN_SHARE) -> dict[str, list[int]]:
    """Words the BABE/MBIC annotators marked as biased in at least ``min_count`` distinct sentences and
    in at least ``min_share`` of the sentences that hold them, as [sentences marked, sentences holding
    the word]; sentences whose key (:func:`norm`) is in ``keys`` only, stop words dropped."""
    marked: Counter = Counter()
    holding: Counter = Counter()
    table = _word_marks()
    for key in keys:
        held, blamed = table.get(key, (frozenset(), frozenset()))
        holding.update(held | blamed)
        marked.update(blamed)
    return {w: [m, holding[w]] for w, m in sorted(marked.items())
            if m >= min_count and m >= min_share * holding[w]}


@lru_cache(maxsize=1)
def _word_marks() -> dict[str, tuple[frozenset, frozenset]]:
    """Sentence key -> (its words, the words experts marked as biased in it), over BABE SG2, SG1
    and MBIC (a sentence in several files: the union of its marks)."""
    import ast

    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    table: dict[str, tuple[set, set]] = {}
    for name in ("babe_SG2.train.jsonl", "babe_SG1.train.jsonl", "mbic.train.jsonl"):
        for line in open(splits.SHARED / "babe_mbic" / name, encoding="utf-8"):
            r = json.loads(line)
            held, blamed = table.setdefault(norm(r["text"]), (set(), set()))
            held.update(_WORD.findall(r["text"].lower()))
            try:
                words = ast.literal_eval(r.get("biased_words") or "[]")
            except (ValueError, SyntaxError):
                continue
            for w in words:
                w = str(w).lower().strip(" .,;:'\"“”")
                # Only single words: the analyzer looks words up one by one.
                if _WORD.fullmatch(w) and w not in ENGLISH_STOP_WORDS and len(w) > 2 and not w.isdigit():
                    blamed.add(w)
    return {k: (frozenset(h), frozenset(b)) for k, (h, b) in table.items()}

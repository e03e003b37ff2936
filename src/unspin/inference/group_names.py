"""Spans that only name a group of people: "Black", "gay artists", "the Jewish community".

The tagger, trained on a few years of partisan US news, sometimes marks a plain identity word as
propaganda (Name calling, Flag-waving): on the 645 SemEval-2019 articles, 112 of 10,342 spans
only named a group, 47 of them "white" or "Black" as Name calling. In the PTC articles such a span
is almost never gold: 11 of 6,128 gold spans consist of group words alone, 7 of them Repetition,
which found spans never get; on the 88 held-out articles the tagger found 9 such spans and none
overlapped a gold span. A span is dropped when every word in it is an identity word, a
plain group noun or a function word; "illegal immigrants" or "radical Muslims" keep their
loaded word and stay.
"""
from __future__ import annotations

import re

IDENTITY_WORDS = frozenset({
    "black", "blacks", "white", "whites", "african", "asian", "asians", "hispanic", "hispanics", "latino", "latinos",
    "latina", "latinas", "latinx", "arab", "arabs", "mexican", "mexicans", "chinese", "indigenous",
    "jewish", "jew", "jews", "muslim", "muslims", "christian", "christians", "catholic", "catholics", "protestant",
    "protestants", "hindu", "hindus", "sikh", "sikhs", "buddhist", "buddhists",
    "gay", "gays", "lesbian", "lesbians", "bisexual", "transgender", "trans", "queer", "lgbt", "lgbtq",
    "immigrant", "immigrants", "migrant", "migrants", "refugee", "refugees", "disabled", "elderly",
    "women", "men"})
GROUP_NOUNS = frozenset({
    "people", "residents", "community", "communities", "students", "artists", "voters", "families", "family",
    "group", "groups", "person", "persons", "members", "workers", "children", "parents", "folks"})
FUNCTION_WORDS = frozenset({"the", "a", "an", "and", "or", "of"})
# "African American" and "Native American" name a group; "American" alone is Flag-waving's word.
_COMPOUND = re.compile(r"\b(?:african|native)[\s-]+americans?\b")
_WORD = re.compile(r"[a-z]+")


def names_only_a_group(text: str) -> bool:
    """Every word of ``text`` is an identity word, a plain group noun or a function word, and at
    least one is not a function word."""
    words = _WORD.findall(_COMPOUND.sub("african", text.lower()))
    content = [w for w in words if w not in FUNCTION_WORDS]
    return bool(content) and all(w in IDENTITY_WORDS or w in GROUP_NOUNS for w in content)

"""Language identification (py3langid): English is what the models were trained on."""
from __future__ import annotations

import re
from functools import lru_cache

_LETTERS = re.compile(r"[^\W\d_]")

ENGLISH = {"en", "und"}  # what the models read; "und" (too short to tell) is taken as English
# How sure py3langid must be, by the letters it reads, before a text is called another language.
# Measured on short texts (docs/analyzers.md, "Language"): from 40 letters on, answers at 0.99 or
# above called 2 of 20,025 English headlines and fact-checked statements another language (a URL,
# a Welsh place name) and caught 81 % of 283 Italian, Polish and Spanish statements; from 150 letters
# on, 0.80 called none of the English texts another language and caught every other one.
CONFIDENT = 0.80
CONFIDENT_SHORT = 0.99
SHORT_LETTERS = 150
MIN_LETTERS = 40  # below this, identification is unreliable; such texts are assumed English


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load_identifier() -> None:
    """Load the identifier's model now (0.6 s) rather than on the first text."""
    _identifier()


def detect_language(text: str) -> tuple[str, float]:
    """Return (ISO 639-1 code or "und", probability) from the start of the text."""
    sample = text[:500]  # identification cost grows with length; 500 characters are plenty for prose
    letters = len(_LETTERS.findall(sample))
    if letters < MIN_LETTERS:
        return "und", 0.0
    lang, prob = _identifier().classify(sample)
    needed = CONFIDENT if letters >= SHORT_LETTERS else CONFIDENT_SHORT
    return (lang, float(prob)) if prob >= needed else ("und", float(prob))


def looks_like(lang: str) -> str:
    """How an error or warning names what identification found: py3langid's "zxx" is no language."""
    if lang == "zxx":
        return "no natural language at all (markup, code or web addresses)"
    return f"language looks like '{lang}'"

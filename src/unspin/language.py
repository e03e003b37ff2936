"""Language identification (py3langid): English is what the models were trained on."""
from __future__ import annotations

import re
from functools import lru_cache

_LETTERS = re.compile(r"[^\W\d_]")

CONFIDENT = 0.80
ENGLISH = {"en", "und"}  # what the models read; "und" (too short to tell) is taken as English
MIN_LETTERS = 150  # below this, identification is unreliable; such texts are assumed English


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """Return (ISO 639-1 code or "und", probability) from the start of the text."""
    sample = text[:500]  # identification cost grows with length; 500 characters are plenty for prose
    if len(_LETTERS.findall(sample)) < MIN_LETTERS:
        return "und", 0.0
    lang, prob = _identifier().classify(sample)
    return (lang, float(prob)) if prob >= CONFIDENT else ("und", float(prob))

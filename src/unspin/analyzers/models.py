"""Where shipped models live, and loading each one once per process."""
from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import ModelError, ModelSetError

_READ_TOGETHER = ("propaganda", "heads")


def model_set() -> Path | None:
    """The model set chosen with ``$UNSPIN_MODELS`` (e.g. from `make train-fast`), checked without
    loading anything; None when the variable is unset. `scan` calls it before any worker starts."""
    override = os.environ.get("UNSPIN_MODELS")
    if not override:
        return None
    root = Path(override)
    if not any(root.glob("*/config.json")):
        # A typo must not fall back to the shipped models unnoticed.
        raise ModelSetError(f"UNSPIN_MODELS={override} holds no model (expected folders such as "
                            f"{override}/propaganda with a config.json, as `make train-fast` writes)")
    present = [n for n in _READ_TOGETHER if (root / n / "config.json").exists()]
    if present and len(present) < len(_READ_TOGETHER):
        raise ModelSetError(f"UNSPIN_MODELS={override} has '{present[0]}' but not all of {', '.join(_READ_TOGETHER)}: "
                            "the heads read the encoder's vectors, so they must be trained on the same encoder")
    return root


def model_dir(name: str) -> Path:
    """Folder of a model: in the model set of ``$UNSPIN_MODELS`` when the set has it, else the one
    shipped inside the package."""
    chosen = model_set()
    if chosen and (chosen / name / "config.json").exists():
        return chosen / name
    path = Path(str(resources.files("unspin").joinpath("models", name)))
    if not (path / "config.json").exists():
        raise ModelError(f"the '{name}' model is not installed at {path}; "
                         f"train it with 'make train' or reinstall unspin")
    return path


def own_classifier(task: str):
    """The fine-tuned sentence classifier of ``task`` (e.g. 'checkworthy') in the model set of
    ``$UNSPIN_MODELS``, or None: none is shipped (`make train-finetuned`; docs/analyzers.md)."""
    chosen = model_set()
    if chosen is None or not (chosen / task / "config.json").exists():
        return None
    return _sentence_classifier(str(chosen / task))


@lru_cache(maxsize=2)
def _sentence_classifier(path: str):
    from ..inference.sentence_encoder import SentenceClassifier

    return SentenceClassifier(Path(path))


@lru_cache(maxsize=2)
def _propaganda_model(path: str, threads: int | None):
    from ..inference.propaganda import PropagandaModel

    return PropagandaModel.load(Path(path), threads)


def shared_encoder(path: str | None = None, threads: int | None = None):
    """The fine-tuned encoder with its propaganda heads (one instance per process)."""
    return _propaganda_model(str(Path(path) if path else model_dir("propaganda")), threads)


@lru_cache(maxsize=2)
def sentence_encoder(path: str | None = None, threads: int | None = None):
    """The plain all-MiniLM-L6-v2 sentence encoder used for claim matching."""
    from ..inference.sentence_encoder import SentenceEncoder

    return SentenceEncoder(Path(path) if path else model_dir("minilm"), threads)


def sentence_probabilities(head, jobs: list) -> list:
    """A sentence head's probabilities for the sentences of every job, (analysis, sentence indices,
    their texts), in one call split back per job: the head's vectorizers cost about 1 ms a call
    besides the work, which one call per article paid again and again. A fine-tuned classifier
    (:func:`own_classifier`) reads the texts alone, and runs a batch's sentences side by side."""
    import numpy as np

    if not jobs:
        return []
    texts = [t for _, _, job_texts in jobs for t in job_texts]
    if not getattr(head, "reads_vectors", True):
        probs = head.predict_proba(texts)
    else:
        probs = head.predict_proba(texts, np.concatenate([a.sentence_vectors[idx] for a, idx, _ in jobs]))
    bounds = np.cumsum([0] + [len(job_texts) for _, _, job_texts in jobs])
    return [probs[a:b] for a, b in zip(bounds, bounds[1:])]

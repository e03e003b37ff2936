"""Where shipped models live, and loading each one once per process."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import ModelError


def model_dir(name: str) -> Path:
    """Folder of a shipped model inside the package."""
    path = Path(str(resources.files("unspin").joinpath("models", name)))
    if not (path / "config.json").exists():
        raise ModelError(f"the '{name}' model is not installed at {path}; "
                         f"train it with 'make train' or reinstall unspin")
    return path


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

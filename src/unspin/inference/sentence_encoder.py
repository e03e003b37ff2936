"""Sentence models run one ONNX graph over each text: the claim-matching encoder (all-MiniLM-L6-v2,
ONNX int8: texts -> L2-normalised vectors) and, opt-in, fine-tuned sentence classifiers (texts ->
calibrated probabilities)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import ModelSetError
from .onnx import SideBySide, load_tokenizer
from .windows import CLS_ID, PAD_ID, SEP_ID


class SentenceEncoder:
    def __init__(self, model_dir: Path, threads: int | None = None):
        self.config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.max_tokens = int(self.config.get("max_tokens", 128))
        self.dim = int(self.config.get("dim", 384))
        self.version = self.config.get("version", "1")
        self.identity = identity(self.config)
        self.runner = SideBySide(model_dir / "model.onnx", threads)  # batches side by side
        self.tokenizer = load_tokenizer(model_dir / "tokenizer.json")

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        limit = self.max_tokens - 2
        return [[CLS_ID, *e.ids[:limit], SEP_ID] for e in encodings]

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embeddings [len(texts), dim], float32, unit length; batches sorted by length."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self.token_ids(texts)
        order = np.argsort([len(x) for x in ids], kind="stable")

        def feed(rows: np.ndarray) -> dict:
            length = max(len(ids[r]) for r in rows)
            input_ids = np.full((len(rows), length), PAD_ID, dtype=np.int64)
            mask = np.zeros((len(rows), length), dtype=np.int64)
            for j, r in enumerate(rows):
                input_ids[j, :len(ids[r])] = ids[r]
                mask[j, :len(ids[r])] = 1
            return {"input_ids": input_ids, "attention_mask": mask}

        batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
        for rows, (emb,) in zip(batches, self.runner.run_all([feed(b) for b in batches])):
            out[rows] = emb.reshape(len(rows), -1)
        return out


class SentenceClassifier:
    """A fine-tuned sentence classifier (`training/sentence_finetune.py`): one logit per text, made a
    probability by the Platt calibration in its config.json, with its decision threshold there too.

    Not shipped: the recipe builds it into a model set (``$UNSPIN_MODELS``), and the analyzer of
    its task reads it instead of its head on the shared encoder's vectors (docs/analyzers.md)."""

    reads_vectors = False  # it reads the texts alone, not the shared encoder's sentence vectors

    def __init__(self, model_dir: Path, threads: int | None = None):
        missing = [f for f in ("model.onnx", "tokenizer.json") if not (model_dir / f).is_file()]
        if missing:  # a user's model set: the setting is wrong, not the installation
            raise ModelSetError(f"{model_dir} has a config.json but no {' or '.join(missing)}: not a sentence "
                                "classifier (training/sentence_finetune.py --export writes all three)")
        self.model = SentenceEncoder(model_dir, threads)
        self.config = self.model.config
        self.version = self.model.version
        try:
            self.threshold = float(self.config["threshold"])
            self.a, self.b = (float(x) for x in self.config["calibration"])
        except (KeyError, TypeError, ValueError):
            raise ModelSetError(f"{model_dir / 'config.json'} needs 'threshold' (a number) and 'calibration' "
                                "([a, b]) to be a sentence classifier; training/sentence_finetune.py --export "
                                "writes them") from None

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        # One text per call: the int8 graph quantizes each call's activations together, so a
        # sentence's score would otherwise depend on the sentences batched with it.
        logits = self.model.encode(texts, batch_size=1)[:, 0].astype(np.float64)
        return 1.0 / (1.0 + np.exp(-(self.a * logits + self.b)))


def identity(config: dict) -> str:
    """What a fact-check store records as the model of its vectors: name and version."""
    return f"{config.get('name', 'sentence encoder')} {config.get('version', '1')}"


def identity_of(model_dir: Path) -> str:
    """:func:`identity` from a model folder, without loading the model."""
    return identity(json.loads((model_dir / "config.json").read_text(encoding="utf-8")))

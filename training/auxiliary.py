"""Auxiliary sentence tasks for multi-task fine-tuning of the shared encoder (``--aux``).

The sentence heads (check-worthiness, biased wording, clickbait) read the mean of a sentence's
token states; training the encoder on them as well as on propaganda makes those states carry what
the heads need. Only the training side of each split is used; dev sides pick the epoch.
"""
from __future__ import annotations

import json
import random

import numpy as np
import torch
from torch import nn

from unspin.evaluation.readers import read_checkworthy
from unspin.inference.windows import CLS_ID, SEP_ID

from . import splits

TASKS = ("checkworthy", "bias", "clickbait")
WEIGHTS = {"checkworthy": 0.45, "bias": 0.35, "clickbait": 0.20}  # how often each task is sampled


def load(split_name: str) -> dict[str, list[tuple[str, int]]]:
    from .clickbait import clickbait_split
    from .heads import _norm, babe_rows, babe_split

    D = splits.SHARED
    ct = "train" if split_name == "train" else "dev"
    out = {"checkworthy": [(r.text, int(r.label == "Yes")) for r in read_checkworthy(
        D / "checkthat2024_task1_en" / f"CT24_checkworthy_english_{ct}.tsv") if r.text != "#NAME?"]}
    keys = set(babe_split()[split_name])
    sg2, _ = babe_rows()
    out["bias"] = [(r["text"], int(r["label_bias"] == "Biased")) for r in sg2 if _norm(r["text"]) in keys]
    rows = [json.loads(line) for line in open(D / "clickbait_chakraborty2016" / "train.jsonl", encoding="utf-8")]
    wanted = set(clickbait_split()[split_name])
    out["clickbait"] = [(r["text"].strip(), int(r["label"])) for r in rows if f"{r['source_file']}:{r['line']}" in wanted]
    return out


class AuxHeads(nn.Module):
    def __init__(self, dim: int = 384):
        super().__init__()
        self.heads = nn.ModuleDict({t: nn.Linear(dim, 1) for t in TASKS})


def encode_batch(tokenizer, texts: list[str], max_tokens: int = 64) -> tuple[np.ndarray, np.ndarray]:
    encs = tokenizer.encode_batch(texts, add_special_tokens=False)
    rows = [[CLS_ID, *e.ids[:max_tokens - 2], SEP_ID] for e in encs]
    length = max(len(r) for r in rows)
    ids = np.zeros((len(rows), length), dtype=np.int64)
    mask = np.zeros((len(rows), length), dtype=np.int64)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = r
        mask[i, :len(r)] = 1
    return ids, mask


def sentence_means(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over the real tokens without [CLS]/[SEP], as unspin.inference.propaganda.sentence_vectors."""
    m = mask.clone()
    m[:, 0] = 0
    lengths = mask.sum(1)
    m[torch.arange(len(m)), lengths - 1] = 0
    m = m.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


def aux_loss(net, aux: AuxHeads, tokenizer, data: dict, rng: random.Random, batch: int = 16) -> torch.Tensor:
    task = rng.choices(TASKS, weights=[WEIGHTS[t] for t in TASKS])[0]
    sample = rng.sample(data[task], batch)
    ids, mask = encode_batch(tokenizer, [t for t, _ in sample])
    ids_t, mask_t = torch.from_numpy(ids), torch.from_numpy(mask)
    _, hidden = net(ids_t, mask_t)
    logits = aux.heads[task](sentence_means(hidden, mask_t)).squeeze(-1)
    y = torch.tensor([float(label) for _, label in sample])
    return nn.functional.binary_cross_entropy_with_logits(logits, y)


@torch.no_grad()
def evaluate(net, aux: AuxHeads, tokenizer, data: dict) -> dict[str, float]:
    """Macro-F1 at 0.5 of each in-graph auxiliary head on its dev data (for picking the epoch)."""
    from sklearn.metrics import f1_score

    out = {}
    for task in TASKS:
        rows = data[task][:2000]
        preds = []
        for i in range(0, len(rows), 128):
            ids, mask = encode_batch(tokenizer, [t for t, _ in rows[i:i + 128]])
            ids_t, mask_t = torch.from_numpy(ids), torch.from_numpy(mask)
            _, hidden = net(ids_t, mask_t)
            preds += (aux.heads[task](sentence_means(hidden, mask_t)).squeeze(-1) > 0).tolist()
        out[task] = float(f1_score([y for _, y in rows], preds, average="macro"))
    return out

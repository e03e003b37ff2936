"""Tokenize a text once with character offsets, then pack whole sentences into model windows.

Training and inference both call these functions, so the model sees the same windows in both.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CLS_ID, SEP_ID, PAD_ID = 101, 102, 0


@dataclass
class Window:
    ids: np.ndarray  # int64 [n], with [CLS] first and [SEP] last
    offsets: np.ndarray  # int64 [n, 2], character offsets into the text; (-1, -1) for [CLS]/[SEP]

    def __len__(self) -> int:
        return len(self.ids)


def tokenize(tokenizer, text: str) -> tuple[np.ndarray, np.ndarray]:
    enc = tokenizer.encode(text, add_special_tokens=False)
    ids = np.asarray(enc.ids, dtype=np.int64)
    offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
    return ids, offsets


def pack_windows(ids: np.ndarray, offsets: np.ndarray, sentences: Sequence[tuple[int, int]],
                 max_tokens: int = 254, first_alone: bool = False) -> list[Window]:
    """Greedily pack consecutive sentences into windows of at most ``max_tokens`` (+2 specials).

    A sentence is never split across windows unless it alone is longer than a window. With
    ``first_alone`` the first sentence (the headline) gets a window of its own, so its vector does
    not depend on the body: headlines are read on their own, and the clickbait head is trained so.
    """
    if len(ids) == 0:
        return []
    starts = offsets[:, 0]
    bounds = [int(np.searchsorted(starts, s, side="left")) for s, _ in sentences] + [len(ids)]
    bounds[0] = 0  # tokens before the first sentence (none in practice) join the first window
    pieces: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        for c in range(a, b, max_tokens):
            if min(b, c + max_tokens) > c:
                pieces.append((c, min(b, c + max_tokens)))
    windows: list[Window] = []
    cur_a = cur_b = None
    alone_end = bounds[1] if first_alone and len(bounds) > 1 else None
    for a, b in pieces:
        if cur_a is not None and (b - cur_a > max_tokens or a == alone_end):
            windows.append(_window(ids, offsets, cur_a, cur_b))
            cur_a = None
        if cur_a is None:
            cur_a = a
        cur_b = b
    if cur_a is not None:
        windows.append(_window(ids, offsets, cur_a, cur_b))
    return windows


def _window(ids: np.ndarray, offsets: np.ndarray, a: int, b: int) -> Window:
    special = np.array([[-1, -1]], dtype=np.int64)
    return Window(np.concatenate([[CLS_ID], ids[a:b], [SEP_ID]]).astype(np.int64),
                  np.concatenate([special, offsets[a:b], special]))


def tokens_in(window: Window, start: int, end: int) -> np.ndarray:
    """Indices of the window's tokens that overlap characters [start, end) (specials excluded)."""
    offs = window.offsets
    return np.nonzero((offs[:, 0] >= 0) & (offs[:, 0] < end) & (offs[:, 1] > start))[0]


def best_window(windows: Sequence[Window], start: int, end: int) -> tuple[int, np.ndarray] | None:
    """(window index, token indices) of the window holding most tokens of [start, end), or None.
    Training (span examples) and inference (span pooling) both use it, so they pick alike."""
    best = None
    for w, window in enumerate(windows):
        inside = tokens_in(window, start, end)
        if len(inside) and (best is None or len(inside) > len(best[1])):
            best = (w, inside)
    return best


def batch_arrays(windows: Sequence[Window]) -> tuple[np.ndarray, np.ndarray]:
    """Pad windows to the longest: (input_ids, attention_mask), both int64 [batch, length]."""
    length = max(len(w) for w in windows)
    input_ids = np.full((len(windows), length), PAD_ID, dtype=np.int64)
    mask = np.zeros((len(windows), length), dtype=np.int64)
    for i, w in enumerate(windows):
        input_ids[i, :len(w)] = w.ids
        mask[i, :len(w)] = 1
    return input_ids, mask


def length_batches(windows: Sequence[Window], batch_size: int) -> list[list[int]]:
    """Indices of windows grouped into batches of similar length (less padding)."""
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]

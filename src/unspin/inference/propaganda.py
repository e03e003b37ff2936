"""The propaganda model: one encoder pass tags propaganda tokens and feeds a span classifier.

* Encoder (MiniLM-L6, fine-tuned, ONNX int8) over windows of whole sentences returns, per token,
  BIO tag logits (``O``, ``B``, ``I``) and the hidden state.
* Spans = runs of tokens whose propaganda probability P(B)+P(I) passes a threshold tuned on the
  dev split, widened to whole words.
* A small MLP (numpy) classifies a span into the 14 techniques from the span's mean- and
  max-pooled hidden states, the window's [CLS] state and a few surface features (how often the
  span's words repeat in the article, its length, ...).

The encoder is a callable ``(input_ids, attention_mask) -> (tag_logits, hidden)``, so the training
recipe runs exactly this code with the torch model and the runtime with onnxruntime.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .group_names import names_only_a_group
from .onnx import SideBySide, load_tokenizer
from .windows import Window, batch_arrays, best_window, length_batches, pack_windows, tokenize

EncoderFn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
N_FEATURES = 8


@dataclass
class Encoded:
    """Model outputs for one text: its windows, per-token P(propaganda), tag probs and hidden states."""

    text: str
    windows: list[Window]
    tag_probs: list[np.ndarray]  # per window [n, 3]
    hidden: list[np.ndarray]  # per window [n, d]


@dataclass
class PredictedSpan:
    start: int
    end: int
    technique: str
    score: float  # calibrated probability that this span shows this technique
    span_prob: float  # mean token probability of propaganda (uncalibrated)
    technique_prob: float  # classifier probability of the technique given the span


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    z = x - x.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x ** 3)))


def span_features(text: str, lower: str, start: int, end: int, title_end: int) -> np.ndarray:
    """Surface features of a span; the repetition count is the main cue for Repetition."""
    span = text[start:end]
    repeats = _repeats(lower, start, end) or 0
    words = span.split()
    letters = [c for c in span if c.isalpha()]
    caps = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    return np.array([
        math.log1p(repeats),
        math.log1p(len(words)) / 3.0,
        1.0 if start < title_end else 0.0,
        1.0 if "!" in span else 0.0,
        1.0 if "?" in span else 0.0,
        1.0 if any(q in span for q in "\"“”") else 0.0,
        caps,
        1.0 if span.rstrip().endswith((".", "!", "?")) else 0.0,
    ], dtype=np.float32)


class SpanHead:
    """Two-layer MLP over [mean, max, cls, features] -> technique logits (weights from training)."""

    def __init__(self, params: dict[str, np.ndarray], temperature: float = 1.0):
        self.w1, self.b1 = params["w1"].astype(np.float32), params["b1"].astype(np.float32)
        self.w2, self.b2 = params["w2"].astype(np.float32), params["b2"].astype(np.float32)
        self.temperature = temperature

    def probs(self, pooled: np.ndarray) -> np.ndarray:
        h = gelu_tanh(pooled @ self.w1.T + self.b1)
        return softmax((h @ self.w2.T + self.b2) / self.temperature)


def pool_span(enc: Encoded, start: int, end: int) -> np.ndarray | None:
    """[mean, max, cls] of the hidden states of the tokens inside [start, end), in the window that
    holds most of them; None when no token falls inside."""
    best = best_window(enc.windows, start, end)
    if best is None:
        return None
    w, inside = best
    h = enc.hidden[w]
    return np.concatenate([h[inside].mean(0), h[inside].max(0), h[0]])


class PropagandaModel:
    def __init__(self, encoder: EncoderFn, tokenizer, head: SpanHead, config: dict,
                 encode_all: Callable[[list[tuple[np.ndarray, np.ndarray]]], list] | None = None):
        self.encoder = encoder
        # Every batch of a call at once (the runtime runs them side by side), for as long as the
        # encoder is the one it came with (a benchmark may swap in torch's).
        self._encode_all = (encoder, encode_all) if encode_all else None
        self.tokenizer = tokenizer
        self.head = head
        self.config = config
        self.labels: list[str] = config["labels"]
        self.threshold: float = config.get("threshold", 0.5)
        # Decoding, tuned on the dev split: join spans closer than merge_gap characters within a
        # line, then drop spans shorter than min_chars (fragments that cost precision).
        self.merge_gap: int = int(config.get("merge_gap", 0))
        self.min_chars: int = int(config.get("min_chars", 2))
        self.max_tokens: int = config.get("max_tokens", 254)
        # Windows per encoder call. The int8 model quantizes its activations with one scale per
        # call, so windows encoded together change each other's outputs a little (12 of 12 BBC
        # articles came out different alone and in a batch of 12). One window per call keeps an
        # article's analysis independent of what else is in the batch (a folder, a scan, other
        # users' requests on the server), and on this CPU costs nothing (docs/benchmarks.md).
        self.batch_size: int = config.get("batch_size", 1)

    @classmethod
    def load(cls, model_dir: Path, threads: int | None = None) -> PropagandaModel:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        runner = SideBySide(model_dir / config.get("onnx", "model.onnx"), threads)

        def feed(ids: np.ndarray, mask: np.ndarray) -> dict:
            return {"input_ids": ids, "attention_mask": mask}

        def encoder(ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            logits, hidden = runner.run(feed(ids, mask))
            return logits, hidden

        def encode_all(arrays: list[tuple[np.ndarray, np.ndarray]]) -> list:
            return runner.run_all([feed(ids, mask) for ids, mask in arrays])

        params = dict(np.load(model_dir / "span_head.npz"))
        head = SpanHead(params, temperature=config.get("temperature", 1.0))
        return cls(encoder, load_tokenizer(model_dir / "tokenizer.json"), head, config, encode_all)

    # -- encoder pass --------------------------------------------------------------------------
    def encode(self, texts: Sequence[str], sentences: Sequence[Sequence[tuple[int, int]]],
               titled: Sequence[bool] | None = None) -> list[Encoded]:
        """Run the encoder over every window of every text, batching windows of similar length.
        ``titled[i]``: the first sentence of text i is a headline, encoded in a window of its own."""
        encoded = []
        all_windows: list[tuple[int, Window]] = []
        for i, (text, sents) in enumerate(zip(texts, sentences)):
            ids, offsets = tokenize(self.tokenizer, text)
            windows = pack_windows(ids, offsets, sents, self.max_tokens, bool(titled and titled[i]))
            encoded.append(Encoded(text, windows, [None] * len(windows), [None] * len(windows)))
            all_windows += [(i, w) for w in windows]
        slots = [(i, k) for i, enc in enumerate(encoded) for k in range(len(enc.windows))]
        flat = [w for _, w in all_windows]
        batches = list(length_batches(flat, self.batch_size))
        arrays = [batch_arrays([flat[j] for j in batch]) for batch in batches]
        if self._encode_all and self._encode_all[0] is self.encoder:
            outputs = self._encode_all[1](arrays)
        else:
            outputs = [self.encoder(ids, mask) for ids, mask in arrays]
        for batch, (logits, hidden) in zip(batches, outputs):
            probs = softmax(logits.astype(np.float32))
            for row, j in enumerate(batch):
                i, k = slots[j]
                n = len(flat[j])
                encoded[i].tag_probs[k] = probs[row, :n]
                encoded[i].hidden[k] = hidden[row, :n].astype(np.float32)
        return encoded

    # -- span identification -------------------------------------------------------------------
    def find_spans(self, enc: Encoded, threshold: float | None = None) -> list[tuple[int, int, float]]:
        """(start, end, mean P(propaganda)) for each run of tokens over the threshold."""
        theta = self.threshold if threshold is None else threshold
        spans = []
        for window, probs in zip(enc.windows, enc.tag_probs):
            p_prop = probs[:, 1] + probs[:, 2]
            run: list[int] = []
            offs = window.offsets
            for t in range(1, len(window) - 1):  # skip [CLS] and [SEP]
                on = p_prop[t] >= theta
                begins = probs[t, 1] > probs[t, 2] and probs[t, 1] > 0.5  # a B tag starts a new span
                # A span never runs over a line break (title/body, paragraphs).
                begins = begins or (bool(run) and "\n" in enc.text[offs[run[-1], 1]:offs[t, 0]])
                if on and run and not begins:
                    run.append(t)
                    continue
                if run:
                    spans.append(self._run_span(enc.text, window, p_prop, run))
                run = [t] if on else []
            if run:
                spans.append(self._run_span(enc.text, window, p_prop, run))
        merged = [_trim(enc.text, *s) for s in _merge_touching(spans, enc.text, self.merge_gap)]
        # A span that only names a group ("Black", "gay artists") is not propaganda (group_names.py).
        return [s for s in merged if s[1] - s[0] >= max(2, self.min_chars) and not names_only_a_group(enc.text[s[0]:s[1]])]

    @staticmethod
    def _run_span(text: str, window: Window, p_prop: np.ndarray, run: list[int]) -> tuple[int, int, float]:
        start, end = int(window.offsets[run[0], 0]), int(window.offsets[run[-1], 1])
        # Widen to whole words (hyphenated ones too): the tagger works on word pieces, so a run
        # may start at "-style" of "Washington-style" or end at "Washington-".
        while start > 0 and _in_word(text, start - 1) and _in_word(text, start):
            start -= 1
        while end < len(text) and _in_word(text, end) and _in_word(text, end - 1):
            end += 1
        return start, end, float(p_prop[run].mean())

    # -- technique classification --------------------------------------------------------------
    def classify(self, enc: Encoded, spans: Sequence[tuple[int, int]], title_end: int,
                 constrained: bool = True) -> np.ndarray:
        """Technique probabilities [len(spans), 14] for given character spans; ``constrained=False``
        gives the classifier's own probabilities, before the rule on Repetition."""
        if not spans:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        lower = enc.text.lower()
        rows = []
        dim = enc.hidden[0].shape[1] if enc.hidden else 384
        for start, end in spans:
            pooled = pool_span(enc, start, end)
            if pooled is None:
                pooled = np.zeros(3 * dim, dtype=np.float32)
            rows.append(np.concatenate([pooled, span_features(enc.text, lower, start, end, title_end)]))
        probs = self.head.probs(np.stack(rows).astype(np.float32))
        if constrained and "Repetition" in self.labels:
            # Repetition is a phrase said again: a span whose words occur nowhere else in the
            # article cannot be one, whatever the classifier makes of its wording.
            k = self.labels.index("Repetition")
            once = np.array([_repeats(lower, start, end) == 0 for start, end in spans])
            probs[once, k] = 0.0
            probs[once] /= np.maximum(probs[once].sum(axis=1, keepdims=True), 1e-12)
        return probs

    def calibrated(self, span_prob: float, technique_prob: float) -> float:
        a, b, c = self.config.get("calibration", [1.0, 1.0, 0.0])
        z = a * _logit(span_prob) + b * math.log(max(technique_prob, 1e-6)) + c
        return 1.0 / (1.0 + math.exp(-z))

    def predict(self, enc: Encoded, title_end: int, threshold: float | None = None,
                second_label: float | None = None) -> list[PredictedSpan]:
        """Spans with their best technique (and a second one when its probability is high)."""
        found = self.find_spans(enc, threshold)
        # The classifier's own probabilities, less those of the techniques found spans never get:
        # not renormalised, since a span the classifier took for Repetition is seldom the next
        # technique either (renormalised, dev FLC F1 0.2395 and out-of-fold span ECE 0.021; as
        # here, 0.2421 and 0.011).
        probs = self.classify(enc, [(s, e) for s, e, _ in found], title_end, constrained=False)
        second = self.config.get("second_label", 1.01) if second_label is None else second_label
        out = []
        if len(probs):
            probs[:, [self.labels.index(t) for t in NOT_FOR_FOUND_SPANS if t in self.labels]] = 0.0
        for (start, end, p_span), p in zip(found, probs):
            order = np.argsort(-p)
            picks = [order[0]] + ([order[1]] if p[order[1]] >= second else [])
            for k in picks:
                out.append(PredictedSpan(start, end, self.labels[k],
                                         self.calibrated(p_span, float(p[k])), p_span, float(p[k])))
        return out


def sentence_vectors(enc: Encoded, sentences: Sequence[tuple[int, int]]) -> np.ndarray:
    """Mean hidden state of each sentence's tokens: the features the sentence heads read.

    Sentences with no token (possible only for text the tokenizer drops) get a zero vector.
    """
    dim = enc.hidden[0].shape[1] if enc.hidden else 384
    sums = np.zeros((len(sentences), dim), dtype=np.float32)
    counts = np.zeros(len(sentences), dtype=np.float32)
    starts = np.array([s for s, _ in sentences], dtype=np.int64)
    for window, hidden in zip(enc.windows, enc.hidden):
        tokens = np.nonzero(window.offsets[:, 0] >= 0)[0]
        if not len(tokens) or not len(sentences):
            continue
        which = np.searchsorted(starts, window.offsets[tokens, 0], side="right") - 1
        keep = which >= 0
        which, rows = which[keep], hidden[tokens[keep]]
        if not len(which):
            continue
        # A window's tokens come in text order, so each sentence's tokens are one run: one sum per
        # run (np.add.at, token by token, took 3 ms of an article's 100).
        runs = np.flatnonzero(np.r_[True, which[1:] != which[:-1]])
        sums[which[runs]] += np.add.reduceat(rows, runs, axis=0)
        counts[which[runs]] += np.diff(np.r_[runs, len(which)])
    return sums / np.maximum(counts, 1.0)[:, None]


def _merge_touching(spans: list[tuple[int, int, float]], text: str, gap: int = 0) -> list[tuple[int, int, float]]:
    """Merge spans that overlap after word widening, or lie within ``gap`` characters of each
    other on the same line (so the output never has overlapping spans)."""
    out: list[list] = []
    for start, end, p in sorted(spans):
        if out and (start < out[-1][1] or (start - out[-1][1] <= gap and "\n" not in text[out[-1][1]:start])):
            prev = out[-1]
            w1, w2 = prev[1] - prev[0], end - start
            prev[2] = (prev[2] * w1 + p * w2) / (w1 + w2)
            prev[1] = max(prev[1], end)
        else:
            out.append([start, end, p])
    return [(a, b, p) for a, b, p in out]


# Techniques the classifier names for given spans (`classify`) but never for the spans the tagger
# finds: gold Repetition marks the repeated occurrences of a phrase, which the tagger does not
# find, and found spans labelled Repetition were wrong 26 times in 27 on dev (0 of 99 on test).
NOT_FOR_FOUND_SPANS = ("Repetition",)

_LEADING = set(",;:.)]}”’")
_TRAILING = set(",;:([{“‘")
# A phrase does not end on one of these ("shirking its"); 35 of the 5,468 gold spans of the PTC
# training articles do. Spans may begin with them: gold spans often start with "the" or "a".
_TRAILING_WORD = re.compile(r"\s+(?:the|a|an|its|his|her|their|our|my|your|of|to|and|or|in|on|for|with|"
                            r"by|at|from|that|as)$", re.IGNORECASE)


def _trim(text: str, start: int, end: int, p: float) -> tuple[int, int, float]:
    """Drop what cannot begin or end a phrase: a comma or colon at either end, a closing mark at
    the start, an opening one at the end ('fabricated, noncompetitive "' of '... "markets"'), and
    a function word at the end."""
    while start < end and (text[start].isspace() or text[start] in _LEADING
                           or (text[start] in "\"'" and (start + 1 == end or text[start + 1].isspace()))):
        start += 1
    while True:  # "the world, a" loses "a", then ","
        while end > start and (text[end - 1].isspace() or text[end - 1] in _TRAILING
                               or (text[end - 1] in "\"'-–—" and (end - 1 == start or text[end - 2].isspace()))):
            end -= 1
        word = _TRAILING_WORD.search(text, start, end)
        if not word or word.start() <= start:
            return (*_close_quotes(text, start, end), p)
        end = word.start()


# Marks that open and close: a span that leaves one open (or closed) inside it takes in its partner
# when that touches the span. A closing ’ followed by a letter is an apostrophe ("Franken’s"), and
# straight single quotes are left alone: too often apostrophes ("the Joneses' car").
_PAIRS = (("“", "”"), ("‘", "’"), ("(", ")"), ("[", "]"))
_APOSTROPHE = re.compile(r"’(?=\w)")


def _close_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the quotation mark or bracket that closes (or opens) one left open inside the span,
    when it touches the span: '"white supremacists' of '"white supremacists"' shows as the whole
    quotation, 'women] by the pussy' of '[women] by the pussy' with its opening bracket. A
    quotation mark also closes across the one punctuation mark that US style puts inside it:
    '"fake news' of '"fake news."' shows as '"fake news."' (1.0.8)."""
    straight = text.count('"', start, end) % 2
    if straight and (closed := _closing_at(text, end, '"')):
        end = closed
    elif straight and start > 0 and text[start - 1] == '"':
        start -= 1
    for opening, closing in _PAIRS:
        closes = text.count(closing, start, end)
        if closing == "’":
            closes -= len(_APOSTROPHE.findall(text, start, end))
        opened = text.count(opening, start, end) - closes
        if opened > 0 and (closed := _closing_at(text, end, closing, across=closing in _QUOTES)):
            end = closed
        elif opened < 0 and start > 0 and text[start - 1] == opening:
            start -= 1
    return start, end


_QUOTES = "”’"
_INSIDE_QUOTES = ",.!?;:"  # what US style closes a quotation after: 'called it "disgusting."'


def _closing_at(text: str, end: int, mark: str, across: bool = True) -> int | None:
    """Where the span ending at ``end`` ends once it takes in ``mark``: right after it when the mark
    touches the span, or when one punctuation mark stands between them (a quotation only); None
    otherwise."""
    if text[end:end + 1] == mark:
        return end + 1
    if across and text[end:end + 1] in _INSIDE_QUOTES and text[end + 1:end + 2] == mark:
        return end + 2
    return None


def _repeats(lower: str, start: int, end: int) -> int | None:
    """How many more times the span's text (lower case) occurs in the text; None for a text under
    three characters, too short to tell a repetition from a chance match."""
    key = lower[start:end].strip()
    return max(0, lower.count(key) - 1) if len(key) >= 3 else None


def _in_word(text: str, i: int) -> bool:
    """A letter or digit, or a hyphen/apostrophe between two of them ("Washington-style")."""
    ch = text[i]
    if ch.isalnum():
        return True
    return ch in "-'’" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))

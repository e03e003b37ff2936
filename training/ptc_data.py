"""PTC articles prepared for training: canonical text, sentences, windows, BIO targets, gold
technique spans (all in canonical-text offsets), the article split, and dev-set evaluation with
the runtime decoding code."""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from unspin.evaluation.ptc import (
    Annotation,
    article_document,
    merge_overlaps,
    read_articles,
    read_labels,
    span_scores,
    tc_score,
)
from unspin.inference.propaganda import PropagandaModel, span_features
from unspin.inference.windows import best_window, pack_windows, tokenize, tokens_in
from unspin.segment import split_sentences
from unspin.techniques import TECHNIQUE_NAMES

from . import splits

PTC = splits.SHARED / "ptc"
LABELS = list(TECHNIQUE_NAMES)
MAX_TOKENS = 254


class Article:
    def __init__(self, aid: str, raw: str, tokenizer, si: list[Annotation], flc: list[Annotation],
                 headline_alone: bool = True):
        doc, shift = article_document(aid, raw)
        self.id, self.doc, self.shift = aid, doc, shift
        self.text = doc.text
        self.title_end = len(doc.title)
        self.sentences = [(s.start, s.end) for s in split_sentences(doc)]
        ids, offsets = tokenize(tokenizer, self.text)
        self.titled = bool(doc.title.strip())
        self.headline_alone = headline_alone
        # headline_alone=True packs windows exactly as `unspin analyze` does (the headline in a
        # window of its own); the shipped v1 model was trained with it off (see docs/training.md).
        self.windows = pack_windows(ids, offsets, self.sentences, MAX_TOKENS,
                                    first_alone=self.titled and headline_alone)
        self.si = merge_overlaps((max(0, a.start + shift), a.end + shift) for a in si)
        groups: dict[tuple[int, int], list[str]] = defaultdict(list)
        for a in flc:
            groups[(max(0, a.start + shift), a.end + shift)].append(a.technique)
        self.flc = dict(groups)

    def tags(self, w: int) -> np.ndarray:
        """BIO targets for window ``w``: 0=O, 1=B, 2=I, -100 for [CLS]/[SEP]."""
        window = self.windows[w]
        tags = np.zeros(len(window.offsets), dtype=np.int64)
        tags[0] = tags[-1] = -100
        for gs, ge in self.si:
            inside = tokens_in(window, gs, ge)
            if len(inside):
                tags[inside] = 2
                tags[inside[0]] = 1
        return tags

    def span_examples(self) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
        """(window, token indices, features, soft target) for each gold technique span."""
        out = []
        lower = self.text.lower()
        for (gs, ge), techniques in self.flc.items():
            best = best_window(self.windows, gs, ge)
            if best is None:
                continue
            target = np.zeros(len(LABELS), dtype=np.float32)
            for t in techniques:
                target[LABELS.index(t)] += 1.0
            out.append((best[0], best[1], span_features(self.text, lower, gs, ge, self.title_end),
                        target / target.sum()))
        return out


class Unlabelled(Article):
    """An article with no labels (news for distillation): no BIO target is learned on it."""

    def __init__(self, aid: str, raw: str, tokenizer):
        super().__init__(aid, raw, tokenizer, [], [], headline_alone=False)

    def tags(self, w: int) -> np.ndarray:
        return np.full(len(self.windows[w].offsets), -100, dtype=np.int64)


def load_articles(ids: list[str], tokenizer, headline_alone: bool = True) -> list[Article]:
    raw = read_articles(PTC / "train-articles")
    si = defaultdict(list)
    for a in read_labels(PTC / "train-task-si.labels"):
        si[a.article].append(a)
    flc = defaultdict(list)
    for a in read_labels(PTC / "train-task-flc-tc.labels", with_technique=True):
        flc[a.article].append(a)
    return [Article(i, raw[i], tokenizer, si[i], flc[i], headline_alone) for i in ids]


def ptc_split() -> dict[str, list[str]]:
    path = splits.SPLITS / "ptc.json"
    if not path.exists():
        ids = list(read_articles(PTC / "train-articles"))
        splits.save("ptc", splits.assign(ids, {"test": 0.15, "dev": 0.10, "train": 0.75}, "ptc-v1"),
                    "PTC v2 training articles split by article id (training/splits.py, salt ptc-v1)")
    return splits.load("ptc")


THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def evaluate(model: PropagandaModel, articles: list[Article], thresholds=THRESHOLDS):
    """SI F1 per threshold and TC micro-F1 on gold spans, with the runtime decoding code."""
    encs = model.encode([a.text for a in articles], [a.sentences for a in articles],
                        [a.titled and a.headline_alone for a in articles])
    gold_si = [Annotation(a.id, "propaganda", s, e) for a in articles for s, e in a.si]
    si = {}
    for theta in thresholds:
        pred = [Annotation(a.id, "propaganda", s, e) for a, enc in zip(articles, encs)
                for s, e, _ in model.find_spans(enc, theta)]
        si[theta] = span_scores(pred, gold_si, [a.id for a in articles], by_technique=False)
    gold_tc, pred_tc = [], []
    for a, enc in zip(articles, encs):
        spans = list(a.flc)
        probs = model.classify(enc, spans, a.title_end)
        for (s, e), p in zip(spans, probs):
            labels = a.flc[(s, e)]
            order = np.argsort(-p)
            gold_tc += [Annotation(a.id, t, s, e) for t in labels]
            pred_tc += [Annotation(a.id, LABELS[k], s, e) for k in order[:len(labels)]]
    return encs, si, tc_score(pred_tc, gold_tc)

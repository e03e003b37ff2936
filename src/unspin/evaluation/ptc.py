"""Propaganda Techniques Corpus (SemEval-2020 Task 11): readers and the official metrics.

Metrics, as defined by the task (Da San Martino et al. 2019, 2020):

* SI / FLC: precision = (1/|S|) Σ_s Σ_t |s∩t|/|s|, recall = (1/|T|) Σ_s Σ_t |s∩t|/|t|, over
  predicted spans S and gold spans T of the same article (and, for FLC, of the same technique).
  For SI, overlapping gold spans of an article are merged first, and so are overlapping
  predictions (the official scorer's ``-m`` option). F1 is 1.0 when both sets are empty.
* TC: micro-F1 over the given spans. Where one span carries several gold techniques it appears
  on several lines, and a prediction counts as correct if it matches any of the span's gold
  labels not already matched (the official scorer's alignment).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..document import Document
from ..errors import InputError
from ..ingest.text import parse_text

_ARTICLE = re.compile(r"^article(\d+)\.txt$")


@dataclass(frozen=True)
class Annotation:
    article: str
    technique: str  # "propaganda" for SI
    start: int
    end: int


def read_articles(folder: Path) -> dict[str, str]:
    """Article id -> raw file text (decoded as UTF-8 with newlines kept, as the task requires)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("expected a folder of article<ID>.txt files", str(folder))
    out = {}
    for path in sorted(folder.iterdir()):
        m = _ARTICLE.match(path.name)
        if m:
            out[m.group(1)] = path.read_text(encoding="utf-8")
    if not out:
        raise InputError("no article<ID>.txt files in this folder", str(folder))
    return out


def article_document(article_id: str, raw: str) -> tuple[Document, int]:
    """The Document for a PTC file and the shift from file offsets to canonical-text offsets
    (canonical = file + shift).

    Files whose second line is not empty have no headline under the contract, so their
    canonical text is ``"\\n\\n" + file`` (shift +2); a byte-order mark, which the task counts
    as a character, is dropped from the canonical text (shift -1).
    """
    doc = parse_text(raw, id=article_id)
    content = raw.lstrip("\ufeff")
    bom = len(raw) - len(content)
    at = doc.text.find(content)
    if at < 0 or doc.text[at:] != content:
        raise InputError("cannot align the article text with its canonical form", f"article{article_id}")
    return doc, at - bom


def read_labels(path: Path, with_technique: bool | None = None) -> list[Annotation]:
    """Read ``ID\\tstart\\tend`` (SI) or ``ID\\ttechnique\\tstart\\tend`` (FLC/TC) lines.

    ``path`` may be a file or a folder of ``*.labels`` files.
    """
    path = Path(path)
    files = sorted(path.glob("*.labels")) if path.is_dir() else [path]
    if not files:
        raise InputError("no .labels files found", str(path))
    out = []
    for file in files:
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            try:
                if len(cols) == 3 and with_technique is not True:
                    out.append(Annotation(cols[0], "propaganda", int(cols[1]), int(cols[2])))
                elif len(cols) >= 4:
                    out.append(Annotation(cols[0], cols[1], int(cols[-2]), int(cols[-1])))
                else:
                    raise ValueError
            except ValueError:
                raise InputError(f"line {n}: expected ID<TAB>[technique<TAB>]start<TAB>end", str(file)) from None
    return out


def merge_overlaps(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:  # shares at least one character
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _prf(p_num: float, p_den: int, r_num: float, r_den: int) -> dict:
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    if p_den == 0 and r_den == 0:
        f1 = 1.0
    else:
        f1 = 2 * p * r / (p + r) if p > 0 and r > 0 else 0.0
    return {"precision": p, "recall": r, "f1": f1, "predicted": p_den, "gold": r_den}


def span_scores(predicted: list[Annotation], gold: list[Annotation], articles: Iterable[str],
                by_technique: bool) -> dict:
    """SI (``by_technique=False``) or FLC (``True``) precision/recall/F1 with partial overlap credit."""
    articles = set(articles)
    pred = _group(predicted, articles, by_technique)
    ref = _group(gold, articles, by_technique)
    keys = set(pred) | set(ref)
    p_num = r_num = 0.0
    per: dict[str, list[float]] = defaultdict(lambda: [0.0, 0, 0.0, 0])
    for key in keys:
        p_spans, g_spans = pred.get(key, []), ref.get(key, [])
        technique = key[1]
        acc = per[technique]
        acc[1] += len(p_spans)
        acc[3] += len(g_spans)
        for ps, pe in p_spans:
            for gs, ge in g_spans:
                inter = max(0, min(pe, ge) - max(ps, gs))
                if inter:
                    p_num += inter / (pe - ps)
                    r_num += inter / (ge - gs)
                    acc[0] += inter / (pe - ps)
                    acc[2] += inter / (ge - gs)
    p_den = sum(len(v) for v in pred.values())
    r_den = sum(len(v) for v in ref.values())
    result = _prf(p_num, p_den, r_num, r_den)
    if by_technique:
        result["per_technique"] = {t: _prf(*per[t]) for t in sorted(per)}
    return result


def _group(annotations: list[Annotation], articles: set[str],
           by_technique: bool) -> dict[tuple[str, str], list[tuple[int, int]]]:
    raw: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for a in annotations:
        if a.article in articles and a.end > a.start:
            raw[(a.article, a.technique if by_technique else "propaganda")].append((a.start, a.end))
    return {k: merge_overlaps(v) for k, v in raw.items()}


def tc_score(predicted: list[Annotation], gold: list[Annotation]) -> dict:
    """Micro-F1 of technique classification over the gold spans (see module docstring)."""
    gold_by_span: dict[tuple, Counter] = defaultdict(Counter)
    for g in gold:
        gold_by_span[(g.article, g.start, g.end)][g.technique] += 1
    pred_by_span: dict[tuple, list[str]] = defaultdict(list)
    for p in predicted:
        pred_by_span[(p.article, p.start, p.end)].append(p.technique)
    correct = 0
    per_true: Counter = Counter()
    per_pred: Counter = Counter()
    per_hit: Counter = Counter()
    for key, labels in gold_by_span.items():
        remaining = Counter(labels)
        for technique in pred_by_span.get(key, []):
            per_pred[technique] += 1
            if remaining[technique] > 0:
                remaining[technique] -= 1
                correct += 1
                per_hit[technique] += 1
        for technique, count in labels.items():
            per_true[technique] += count
    n_pred = sum(len(v) for k, v in pred_by_span.items() if k in gold_by_span)
    n_gold = sum(per_true.values())
    result = _prf(correct, n_pred, correct, n_gold)
    result["micro_f1"] = result["f1"]
    result["per_technique"] = {
        t: _prf(per_hit[t], per_pred[t], per_hit[t], per_true[t]) for t in sorted(per_true | per_pred)}
    return result

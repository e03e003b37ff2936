"""``unspin eval`` tasks ptc-si, ptc-flc and ptc-tc (SemEval-2020 Task 11 formats)."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..errors import InputError
from ..pipeline import Pipeline
from .ptc import Annotation, article_document, read_articles, read_labels, span_scores, tc_score


def _analyses(folder: Path):
    articles = read_articles(folder)
    docs = {}
    for aid, raw in articles.items():
        doc, shift = article_document(aid, raw)
        docs[aid] = (doc, shift)
    pipeline = Pipeline(["propaganda"])
    for (aid, (_doc, shift)), analysis in zip(docs.items(), pipeline.analyze(d for d, _ in docs.values())):
        yield aid, shift, analysis


def predict_si(data: Path) -> list[str]:
    lines = []
    for aid, shift, analysis in _analyses(data):
        spans = sorted({(s.start, s.end) for s in analysis.spans_in("propaganda")})
        lines += [f"{aid}\t{s - shift}\t{e - shift}" for s, e in spans]
    return lines


def predict_flc(data: Path) -> list[str]:
    lines = []
    for aid, shift, analysis in _analyses(data):
        for s in sorted(analysis.spans_in("propaganda"), key=lambda s: (s.start, s.end, s.label)):
            lines.append(f"{aid}\t{s.label}\t{s.start - shift}\t{s.end - shift}")
    return lines


def predict_tc(data: Path, spans_file: Path) -> list[str]:
    """One technique per line of the spans file, in the same order; a span listed k times gets
    the k most probable techniques (the gold format repeats a span once per technique)."""
    from ..analyzers.propaganda import PropagandaAnalyzer

    articles = read_articles(data)
    wanted: dict[str, list[tuple[int, int]]] = defaultdict(list)
    rows = []
    for n, line in enumerate(Path(spans_file).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < 3:
            raise InputError(f"line {n}: expected ID<TAB>...<TAB>start<TAB>end", str(spans_file))
        aid = cols[0]
        if not (cols[-2].isdigit() and cols[-1].isdigit()):
            raise InputError(f"line {n}: start and end must be character offsets", str(spans_file))
        start, end = int(cols[-2]), int(cols[-1])
        if aid not in articles:
            raise InputError(f"line {n}: article {aid} is not in {data}", str(spans_file))
        if not start < end <= len(articles[aid]):
            raise InputError(f"line {n}: span [{start}, {end}) is not inside article {aid} "
                             f"({len(articles[aid])} characters)", str(spans_file))
        rows.append((aid, start, end))
        wanted[aid].append((start, end))
    analyzer = PropagandaAnalyzer()
    ranked: dict[tuple[str, int, int], list[str]] = {}
    for aid, spans in wanted.items():
        doc, shift = article_document(aid, articles[aid])
        unique = sorted(set(spans))
        probs = analyzer.classify_spans(doc, [(s + shift, e + shift) for s, e in unique])
        for (s, e), ranking in zip(unique, probs):
            ranked[(aid, s, e)] = [label for label, _ in ranking]
    used: dict[tuple[str, int, int], int] = defaultdict(int)
    lines = []
    for aid, s, e in rows:
        k = used[(aid, s, e)]
        used[(aid, s, e)] += 1
        lines.append(f"{aid}\t{ranked[(aid, s, e)][k]}\t{s}\t{e}")
    return lines


def find_gold(data: Path, kind: str, gold: Path | None) -> Path:
    """The gold labels: ``--gold``, else a ``*task-si.labels`` / ``*task-flc-tc.labels`` file or
    folder next to the articles folder."""
    if gold:
        return gold
    pattern = "*task-si.labels" if kind == "si" else "*task-flc-tc.labels"
    candidates = sorted(Path(data).resolve().parent.glob(pattern))
    if not candidates:
        raise InputError(f"no gold labels found next to {data} (looked for {pattern}); pass --gold")
    return candidates[0]


def score(task: str, data: Path, pred: Path, gold: Path | None) -> dict:
    articles = list(read_articles(data))
    kind = "si" if task == "ptc-si" else "flc"
    gold_ann = read_labels(find_gold(data, kind, gold), with_technique=kind != "si" or None)
    if kind == "si":
        gold_ann = [Annotation(a.article, "propaganda", a.start, a.end) for a in gold_ann]
    pred_ann = read_labels(pred, with_technique=task != "ptc-si" or None)
    strangers = sorted({a.article for a in pred_ann} - set(articles))
    if strangers:  # most often predictions made for another folder than DATA
        raise InputError(f"{len(strangers)} article id(s) in the predictions are not articles of {data} "
                         f"(e.g. {', '.join(strangers[:3])}); predict and score the same folder", str(pred))
    if task == "ptc-tc":
        present = set(articles)
        result = tc_score(pred_ann, [g for g in gold_ann if g.article in present])
    else:
        result = span_scores(pred_ann, gold_ann, articles, by_technique=task == "ptc-flc")
    return {"task": task, "articles": len(articles), **result}

"""The pipeline: prepares documents (language, sentences) and runs the chosen analyzers in batches.

Models load once, when the Pipeline is built; :meth:`Pipeline.analyze` streams any number of
documents through it in batches, recording each analyzer's version and time per document.
"""
from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Sequence
from numbers import Real

from . import analyzers as _analyzers  # registers the built-in analyzers
from .analysis import Analysis, Span
from .analyzers.base import Analyzer, get_analyzer, is_builtin, origin, registered
from .document import Document
from .errors import AnalyzerError
from .language import ENGLISH, detect_language, load_identifier, looks_like
from .segment import load_sentencizer, split_many

_ = _analyzers


def available_analyzers() -> dict[str, type[Analyzer]]:
    return registered()


def default_analyzers(fast: bool = False) -> list[str]:
    """Every registered analyzer, or with ``fast`` only those that need no neural model."""
    return [name for name, cls in registered().items() if not (fast and cls.needs_model)]


def resolve(analyzers: Sequence[str] | None = None, exclude: Sequence[str] = (), fast: bool = False) -> list[str]:
    """The analyzer names a Pipeline would run, validated, without loading any model."""
    names = list(analyzers) if analyzers is not None else default_analyzers(fast)
    for name in [*names, *exclude]:
        get_analyzer(name)  # validates the name with a helpful message
    chosen = _with_requirements([n for n in names if n not in set(exclude)])
    kept = [n for n in exclude if n in chosen]  # an excluded analyzer another one reads from
    if kept:
        readers = [n for n in chosen if set(kept) & set(get_analyzer(n).requires)]
        verb = "reads" if len(readers) == 1 else "read"
        what = "it" if len(kept) == 1 else "them"
        raise ValueError(f"cannot exclude {', '.join(kept)}: {', '.join(readers)} {verb} from {what}; "
                         f"exclude {'that' if len(readers) == 1 else 'those'} too "
                         "(or use --fast for the analyzers that need no model)")
    return chosen


def check_config(config: dict[str, dict], names: Sequence[str]) -> None:
    """Raise ValueError for options of analyzers not in ``names``, options they do not have, or
    values they cannot take, without building the analyzers (no model is loaded)."""
    unknown = set(config) - set(names)
    if unknown:
        raise ValueError(f"configuration given for analyzers not in the pipeline: {sorted(unknown)}")
    for name, options in config.items():
        get_analyzer(name).parse_options(options)


class Pipeline:
    """Analyse documents with a chosen set of analyzers.

    >>> pipe = Pipeline(["headline", "engagement"])
    >>> [a.scores for a in pipe.analyze(documents)]                       # doctest: +SKIP
    """

    def __init__(self, analyzers: Sequence[str] | None = None, exclude: Sequence[str] = (),
                 config: dict[str, dict] | None = None, fast: bool = False, batch_size: int = 16):
        names = resolve(analyzers, exclude, fast)
        config = config or {}
        check_config(config, names)
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self.analyzers: list[Analyzer] = [_build(n, config.get(n, {})) for n in names]
        # What every document's preparation needs, loaded now as the models are, so that the first
        # document (a server's first request) is not a second slower than the rest.
        load_identifier()
        load_sentencizer()

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.analyzers]

    @property
    def versions(self) -> dict[str, str]:
        return {a.name: a.version for a in self.analyzers}

    def analyze(self, documents: Iterable[Document]) -> Iterator[Analysis]:
        """Analyse documents lazily, ``batch_size`` at a time, in input order."""
        batch: list[Document] = []
        for doc in documents:
            batch.append(doc)
            if len(batch) >= self.batch_size:
                yield from self.analyze_batch(batch)
                batch = []
        if batch:
            yield from self.analyze_batch(batch)

    def analyze_batch(self, documents: Sequence[Document]) -> list[Analysis]:
        for doc in documents:
            if not isinstance(doc, Document):
                raise TypeError(f"a Pipeline analyses Document objects, not {type(doc).__name__}: build one with "
                                "unspin.Document(title=..., body=...), or use unspin.analyze(text)")
        analyses = [Analysis(document=doc) for doc in documents]
        started = time.perf_counter()
        for analysis in analyses:
            _detect_language(analysis)
        for analysis, sentences in zip(analyses, split_many([a.document for a in analyses])):
            analysis.sentences = sentences
        _share_time(analyses, "prepare", time.perf_counter() - started)
        for analyzer in self.analyzers:
            targets = [a for a in analyses
                       if not analyzer.english_only or a.document.language in ENGLISH]
            if not targets:
                continue
            started = time.perf_counter()
            _run(analyzer, targets)
            _share_time(targets, analyzer.name, time.perf_counter() - started)
            for analysis in targets:
                analysis.models[analyzer.name] = analyzer.version
        for analysis in analyses:  # large intermediate arrays are not part of the result
            analysis.encoded = analysis.sentence_vectors = None
        return analyses

    def __call__(self, document: Document) -> Analysis:
        return self.analyze_batch([document])[0]


def _build(name: str, options: dict) -> Analyzer:
    cls = get_analyzer(name)
    try:
        return cls(**options)
    except Exception as exc:
        if is_builtin(name):  # unspin's own errors (a missing model, a bad model set) keep their kind
            raise
        raise AnalyzerError(f"analyzer {name!r} ({origin(name)}) could not be set up: "
                            f"{type(exc).__name__}: {exc}") from exc


def _run(analyzer: Analyzer, targets: Sequence[Analysis]) -> None:
    """Run one analyzer over a batch. One that is not unspin's own has its failures named after it
    and its output checked against what the analysis JSON can hold, here, rather than as a broken
    file or a schema error at the end of a scan."""
    if is_builtin(analyzer.name):
        analyzer.analyze(targets)
        return
    before = [(len(a.spans), dict(a.scores)) for a in targets]
    try:
        analyzer.analyze(targets)
        for analysis, (n, scores) in zip(targets, before):
            _check_output(analysis, analysis.spans[n:], {k: v for k, v in analysis.scores.items()
                                                         if k not in scores or scores[k] is not v})
    except Exception as exc:
        raise AnalyzerError(f"analyzer {analyzer.name!r} ({origin(analyzer.name)}) failed: "
                            f"{type(exc).__name__}: {exc}") from exc


def _check_output(analysis: Analysis, new_spans: list, new_scores: dict) -> None:
    for span in new_spans:  # layer, label, explanation, offsets and score are checked when a Span is made
        if not isinstance(span, Span):
            raise TypeError(f"analysis.spans holds {span!r}; add spans with analysis.add_span(...)")
        if span.end > len(analysis.text):  # (a Span does not know its text; add_span checks this too)
            raise ValueError(f"span end {span.end} is past the end of the text ({len(analysis.text)})")
    for key, value in new_scores.items():
        if isinstance(value, bool) or not isinstance(value, Real) or not (math.isfinite(value) and 0 <= value <= 1):
            raise ValueError(f"scores[{key!r}] must be a probability from 0 to 1 (got {value!r})")


def _detect_language(analysis: Analysis) -> None:
    doc = analysis.document
    lang, prob = detect_language(doc.body or doc.text)
    doc.language = lang
    if lang not in ENGLISH:
        analysis.warnings.append(
            f"{looks_like(lang)} (p={prob:.2f}), not English: the English-only analyzers were skipped")


def _share_time(analyses: Sequence[Analysis], name: str, seconds: float) -> None:
    """A batch's time split evenly over its documents (amortised milliseconds per document)."""
    per_doc = 1000.0 * seconds / max(1, len(analyses))
    for analysis in analyses:
        analysis.timings_ms[name] = per_doc


def _with_requirements(names: list[str]) -> list[str]:
    """Add the analyzers that the chosen ones read from, then order by pipeline position."""
    wanted = set(names)
    pending = list(names)
    while pending:
        for required in get_analyzer(pending.pop()).requires:
            if required not in wanted:
                wanted.add(required)
                pending.append(required)
    return [n for n in registered() if n in wanted]

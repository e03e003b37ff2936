"""The scan loop: read inputs, skip what the store has, analyse the rest on an engine, write.

Reading and writing happen in this process (one writer); workers only analyse. A document's rows
are written in one transaction with its batch (and the batches that came in with it), so killing
the scan at any moment loses at most the batches in flight or waiting to be written, and the next
run picks them up again: every document ends up exactly once.
"""
from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Document
from ..errors import InputError
from ..ingest import Limits, read_inputs
from ..language import ENGLISH
from ..store.db import CorpusStore, fill_text
from .engines import make_engine


@dataclass
class ScanSummary:
    run_id: str = ""
    analyzed: int = 0
    skipped: int = 0  # already in the store (or repeated in the input)
    reanalyzed: int = 0  # of the analysed: in the store already, from a run with other analyzers or versions
    failed: int = 0
    not_english: int = 0  # analysed (stored with their language) but the English-only analyzers skipped
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def text(self) -> str:
        rate = self.analyzed / self.seconds if self.seconds else 0.0
        lines = [f"analysed {self.analyzed}, skipped {self.skipped} already done, failed {self.failed} "
                 f"in {self.seconds:.1f} s ({rate:.1f} documents/s)"]
        if self.reanalyzed:
            lines.append(f"  {self.reanalyzed} of the analysed were in the store from a run with other analyzers or "
                         "versions of them: analysed again, their old rows replaced")
        if self.not_english:
            lines.append(f"  {self.not_english} of the analysed are not English: stored with their language, "
                         "the English-only analyzers skipped")
        reasons: dict[str, int] = {}
        for _, reason in self.failures:
            reasons[reason.split(":")[0]] = reasons.get(reason.split(":")[0], 0) + 1
        lines += [f"  failed: {n} × {r}" for r, n in sorted(reasons.items(), key=lambda kv: -kv[1])]
        return "\n".join(lines)


def scan(inputs: Sequence[str], store_path: Path, engine: str = "local", workers: int | None = None,
         scheduler: str | None = None, analyzers: Sequence[str] | None = None, fast: bool = False,
         batch_size: int = 16, limits: Limits | None = None, progress: str = "auto",
         config: dict[str, dict] | None = None, reanalyze: bool = False) -> ScanSummary:
    """``config``: analyzer options, as for :class:`unspin.pipeline.Pipeline`. ``reanalyze``:
    documents the store holds from a run with other analyzers or other versions of them (a
    ``--fast`` triage, an older unspin) are analysed again and their rows replaced; the others
    are skipped, as always."""
    import json

    from ..analyzers.models import model_set
    from ..pipeline import check_config, resolve

    started = time.perf_counter()
    # Names, options and the model set are validated here, but no model is loaded in this process:
    # workers load their own (a process forked after onnxruntime made its thread pools must not use them).
    names = resolve(list(analyzers) if analyzers else None, fast=fast)
    check_config(config or {}, names)
    model_set()
    _warm_shared_state()
    # Hashable and picklable: workers build (and cache) one pipeline per distinct configuration.
    worker_config = (tuple(names), fast, batch_size, json.dumps(config or {}, sort_keys=True))
    summary = ScanSummary()
    store = CorpusStore(store_path)
    models: dict[str, str] = {}
    try:
        known = store.known_ids()
        expected: dict[str, str] = {}
        stale: set[str] = set()
        if reanalyze:
            expected = recorded_versions(names, config or {})
            current = store.analysed_with(names, expected)
            stale, known = known - current, current
        summary.run_id = store.start_run(engine, names, expected, inputs, config)
        pending_failures: list[tuple[str, str]] = []
        texts: dict[str, str] = {}

        lock = threading.Lock()  # the reader (this thread) and the writer thread both record failures

        def fail(where: str, reason: str) -> None:
            with lock:
                summary.failed += 1
                summary.failures.append((where, reason))
                pending_failures.append((where, reason))

        def take_failures() -> list[tuple[str, str]]:
            with lock:
                taken = list(pending_failures)
                pending_failures.clear()
            return taken

        def batches() -> Iterator[list[Document]]:
            batch: list[Document] = []
            for item in read_inputs(inputs, limits or Limits.from_env()):
                if isinstance(item, InputError):
                    fail(item.where or "?", item.message)
                    continue
                if item.doc_id in known:
                    summary.skipped += 1
                    continue
                known.add(item.doc_id)
                texts[item.doc_id] = item.text  # until its row comes back from a worker
                batch.append(item)
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
            if batch:
                yield batch

        reporter = _Progress(progress, inputs)
        # Writing happens on a thread of its own, so the DuckDB transaction of one batch overlaps
        # with waiting for the next; the queue is short, so memory stays flat.
        results: queue.Queue = queue.Queue(maxsize=4)
        errors: list[BaseException] = []

        def writer() -> None:
            finished = False
            while not finished and (item := results.get()) is not None:
                # Results that come in close together are written together: a DuckDB transaction
                # costs 15-30 ms whatever its size, which took the cores from the workers.
                rows, failures, finished = _with_waiting(results, item)
                if errors:
                    continue  # drain after a failure; the scan stops below
                try:
                    added = store.write(rows, summary.run_id, replace=stale)
                    with lock:
                        summary.analyzed += added
                        summary.reanalyzed += sum(r["document"]["doc_id"] in stale for r in rows)
                    for where, reason in failures:
                        fail(where, reason)
                    store.record_failures(summary.run_id, take_failures())
                    reporter.update(summary)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the scan's thread
                    errors.append(exc)

        thread = threading.Thread(target=writer, name="unspin-store-writer", daemon=True)
        thread.start()
        try:
            for rows, failures in make_engine(engine, workers, scheduler).run(batches(), worker_config):
                if errors:
                    break
                rows = [fill_text(r, texts.pop(r["document"]["doc_id"])) for r in rows]
                for doc_id, _, _ in failures:
                    texts.pop(doc_id, None)  # a failed document's text is not needed any more
                for r in rows:
                    models.update(r["models"])
                    summary.not_english += r["document"]["language"] not in ENGLISH
                results.put((rows, [(where, reason) for _, where, reason in failures]))
        finally:
            results.put(None)
            thread.join()
        if errors:
            raise errors[0]
        if texts:  # every document sent to a worker must come back as a row or a failure
            raise RuntimeError(f"{len(texts)} documents came back from the engine neither analysed nor failed")
        store.record_failures(summary.run_id, take_failures())
        summary.seconds = time.perf_counter() - started
        store.finish_run(summary.run_id, summary.analyzed, summary.skipped, summary.failed, models)
        reporter.close(summary)
    finally:
        store.close()
    return summary


# The writer's transactions: up to this many documents, gathered for at most WRITE_WAIT seconds
# between results. A --fast scan of the BBC corpus went from 66 transactions to 17, and ran 1-24 %
# faster in 8 of 8 runs alternating with the previous code (docs/benchmarks.md). A full scan still
# writes each batch as it comes (its batches are further apart than WRITE_WAIT).
WRITE_AT_ONCE = 128
WRITE_WAIT = 0.5


def _with_waiting(results: queue.Queue, first: tuple) -> tuple[list[dict], list, bool]:
    """``first`` and the results that follow it closely, up to WRITE_AT_ONCE documents:
    (rows, failures, whether the end marker was among them)."""
    rows, failures = list(first[0]), list(first[1])
    while len(rows) < WRITE_AT_ONCE:
        try:
            item = results.get(timeout=WRITE_WAIT)
        except queue.Empty:
            break
        if item is None:
            return rows, failures, True
        rows += item[0]
        failures += item[1]
    return rows, failures, False


def recorded_versions(names: Sequence[str], config: dict) -> dict[str, str]:
    """The versions the analyses of this scan will record, models included. The models are
    loaded in a child process: this one must not load them before its pool forks (a process
    forked after onnxruntime made its thread pools must not use them)."""
    import json
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_versions, tuple(names), json.dumps(config, sort_keys=True)).result()


def _versions(names: tuple[str, ...], config: str) -> dict[str, str]:
    import json

    from ..pipeline import Pipeline

    return Pipeline(list(names), config=json.loads(config)).versions


def _warm_shared_state() -> None:
    """Load the model-free shared state (spaCy's tokenizer, the language identifier) before the
    pool forks, so workers start with it instead of loading it each."""
    from ..language import load_identifier
    from ..segment import load_sentencizer

    load_sentencizer()
    load_identifier()


def _estimate(inputs: Sequence[str]) -> int | None:
    """How many documents to expect, when counting is cheap (folders of files); else None."""
    total = 0
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file() and p.suffix.lower() in {".txt", ".html", ".htm"})
        else:
            return None
    return total or None


class _Progress:
    """A rich progress bar on a terminal, plain lines otherwise (``--progress plain``), or nothing."""

    def __init__(self, mode: str, inputs: Sequence[str]):
        self.mode = ("bar" if sys.stderr.isatty() else "none") if mode == "auto" else mode
        self.started = time.perf_counter()
        self.bar = None
        if self.mode == "bar":
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("scan"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                                TextColumn("{task.fields[rate]} docs/s"), TimeElapsedColumn(),
                                TextColumn("ETA"), TimeRemainingColumn(), console=Console(stderr=True))
            self.task = self.bar.add_task("scan", total=_estimate(inputs), rate="0.0")
            self.bar.start()

    def update(self, s: ScanSummary) -> None:
        done = s.analyzed + s.skipped + s.failed
        rate = s.analyzed / max(1e-9, time.perf_counter() - self.started)
        if self.bar is not None:
            self.bar.update(self.task, completed=done, rate=f"{rate:.1f}")
        elif self.mode == "plain":
            print(f"scan: {s.analyzed} analysed, {s.skipped} skipped, {s.failed} failed, {rate:.1f} docs/s",
                  file=sys.stderr, flush=True)

    def close(self, s: ScanSummary) -> None:
        if self.bar is not None:
            self.update(s)
            self.bar.stop()

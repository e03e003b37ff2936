"""Engines that run worker batches: a local process pool, or a Dask cluster.

Both take an iterator of batches and yield results as they complete, keeping a bounded number of
batches in flight so memory stays flat however large the corpus.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from ..document import Document
from .worker import analyze_batch, set_single_thread

Result = tuple[list[dict], list[tuple[str, str, str]]]  # rows, (doc_id, where, reason)


def _bounded(submit, wait_one, batches: Iterable[list[Document]], in_flight: int) -> Iterator[Result]:
    pending = []
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= in_flight:
            done, pending = wait_one(pending)
            yield from done
    while pending:
        done, pending = wait_one(pending)
        yield from done


class LocalEngine:
    """A process pool over the cores of this machine; each worker loads the models once."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1

    def run(self, batches: Iterable[list[Document]], config: tuple) -> Iterator[Result]:
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        with ProcessPoolExecutor(self.workers, initializer=set_single_thread) as pool:
            def wait_one(pending):
                done, rest = wait(pending, return_when=FIRST_COMPLETED)
                return [f.result() for f in done], list(rest)

            yield from _bounded(lambda b: pool.submit(analyze_batch, b, config), wait_one, batches,
                                self.workers * 2)


class DaskEngine:
    """dask.distributed: the scheduler at ``address``, or a LocalCluster of ``workers`` processes."""

    name = "dask"

    def __init__(self, address: str | None = None, workers: int | None = None):
        self.address = address
        self.workers = workers or os.cpu_count() or 1

    def run(self, batches: Iterable[list[Document]], config: tuple) -> Iterator[Result]:
        from dask.distributed import Client, LocalCluster, wait

        cluster = None
        if self.address:
            client = Client(self.address)
        else:
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, env={"UNSPIN_THREADS": "1"})
            client = Client(cluster)
        try:
            n_workers = max(1, len(client.scheduler_info().get("workers", {})) or self.workers)

            def wait_one(pending):
                done, rest = wait(pending, return_when="FIRST_COMPLETED")
                return [f.result() for f in done], list(rest)

            yield from _bounded(lambda b: client.submit(analyze_batch, b, config, pure=False), wait_one,
                                batches, n_workers * 2)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


class InlineEngine:
    """No parallelism: batches run in this process (debugging, tiny inputs)."""

    name = "inline"

    def run(self, batches: Iterable[list[Document]], config: tuple) -> Iterator[Result]:
        for batch in batches:
            yield analyze_batch(batch, config)


def make_engine(name: str, workers: int | None = None, scheduler: str | None = None):
    if name == "local":
        return LocalEngine(workers)
    if name == "dask":
        return DaskEngine(scheduler, workers)
    if name == "inline":
        return InlineEngine()
    raise ValueError(f"unknown engine {name!r}; expected local, dask or inline")

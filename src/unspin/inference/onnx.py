"""onnxruntime sessions with thread settings that suit a 2-core machine and process pools."""
from __future__ import annotations

import os
from pathlib import Path


def default_threads() -> int:
    """Inference threads: $UNSPIN_THREADS, else all cores (a pool worker sets 1). A session gets
    them all, or an encoder runs that many single-threaded calls side by side (SideBySide)."""
    value = os.environ.get("UNSPIN_THREADS")
    return max(1, int(value)) if value else max(1, os.cpu_count() or 1)


def session(path: Path, threads: int | None = None, spin: bool = True):
    """``spin=False`` for latency paths that interleave with other native work: idle onnxruntime
    threads otherwise busy-wait and take the cores from the next step (BLAS, BM25)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    if not spin:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class SideBySide:
    """One single-threaded session, run on up to ``threads`` inputs at once from Python threads
    (onnxruntime releases the GIL while it runs).

    Why not one session spread over the cores: this encoder's inputs are small (a claim is ~25
    word pieces, a window at most 256), and a session splitting each matrix product over 2 cores
    spends much of its time waiting on itself. Side by side, MiniLM embeds ~15-30 % more claims
    per second and the propaganda encoder reads ~4 % more windows (docs/benchmarks.md). Each
    input's outputs are the same to the bit either way: a call never depends on the thread count.
    """

    def __init__(self, path: Path, threads: int | None = None):
        self.threads = threads or default_threads()
        self.session = session(path, 1)
        self._pool = None  # (pid, executor): a forked worker makes its own threads

    def run(self, feed: dict) -> list:
        return self.session.run(None, feed)

    def run_all(self, feeds: list[dict]) -> list[list]:
        """The outputs of every feed, in order."""
        if self.threads == 1 or len(feeds) < 2:
            return [self.run(f) for f in feeds]
        if self._pool is None or self._pool[0] != os.getpid():
            from concurrent.futures import ThreadPoolExecutor

            self._pool = (os.getpid(), ThreadPoolExecutor(self.threads, thread_name_prefix="unspin-onnx"))
        return list(self._pool[1].map(self.run, feeds))


def load_tokenizer(path: Path):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer

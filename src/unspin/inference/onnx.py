"""onnxruntime sessions: thread settings that suit a 2-core machine and process pools, and int8
arithmetic that gives the same results on every CPU."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..errors import ModelSetError

# Where the CPU says it has VNNI (or AMX), onnxruntime's uint8 x int8 kernels sum in 32 bits: exact.
_EXACT_INT8_FLAGS = {"avx512_vnni", "avx_vnni", "amx_int8"}


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
    if exact_int8_products():
        options.add_session_config_entry("session.x64quantprecision", "1")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def exact_int8_products() -> bool:
    """Whether sessions ask onnxruntime for its exact int8 kernels (``session.x64quantprecision``).

    Why: on x86 CPUs with AVX2 but without VNNI, onnxruntime multiplies uint8 by int8 with an
    instruction that adds pairs of products in 16 bits and saturates (255 x 127 x 2 > 32,767), so
    the same model gives other spans and scores there than on a VNNI or an AVX-only CPU, which
    agree with each other (docs/benchmarks.md, "The same code on other CPUs"). The option makes
    onnxruntime store the weights as uint8 and use its uint8 x uint8 kernels, which are exact and
    slower. onnxruntime acts on it on x86 CPUs with AVX2, VNNI or not, and ignores it elsewhere (ARM,
    x86 without AVX2 on Linux). On a VNNI CPU it would swap the exact fast kernel for the slower one
    (1.6x slower per encoder window), so it is left off where the CPU reports VNNI.
    ``UNSPIN_INT8=fast`` keeps onnxruntime's fastest kernels everywhere, saturating or not."""
    mode = os.environ.get("UNSPIN_INT8", "exact")
    if mode not in ("exact", "fast"):
        raise ModelSetError(f"UNSPIN_INT8={mode}: expected 'exact' (the default: the same results on every CPU) "
                            "or 'fast' (onnxruntime's fastest int8 kernels, which saturate on CPUs with AVX2 "
                            "and no VNNI)")
    return mode == "exact" and not (cpu_flags() & _EXACT_INT8_FLAGS)


def int8_tag() -> str:
    """What a model-backed analyzer adds to its version when its int8 products may have saturated
    (``UNSPIN_INT8=fast`` on an x86 CPU with AVX2 and no VNNI), so that results stored from such a
    machine say they can differ from everyone else's; empty otherwise."""
    flags = cpu_flags()
    saturating = not exact_int8_products() and "avx2" in flags and not flags & _EXACT_INT8_FLAGS
    return "+int8-saturating" if saturating else ""


@lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags as Linux reports them (empty where /proc/cpuinfo is missing: then
    the exact kernels are asked for: correct everywhere, slower only on a VNNI CPU)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith(("flags", "Features")):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


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

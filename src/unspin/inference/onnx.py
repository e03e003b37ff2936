"""onnxruntime sessions with thread settings that suit a 2-core machine and process pools."""
from __future__ import annotations

import os
from pathlib import Path


def default_threads() -> int:
    """Threads per session: $UNSPIN_THREADS, else all cores (a pool worker sets 1)."""
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


def load_tokenizer(path: Path):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer

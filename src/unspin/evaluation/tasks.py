"""The benchmark tasks of ``unspin eval``: how each one predicts and scores."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Task:
    name: str
    description: str
    metric: str
    predict: Callable[..., list[str]]  # (data, **options) -> lines of the submission format
    score: Callable[..., dict]  # (data, pred, **options) -> metrics
    options: tuple[str, ...] = field(default=())  # extra predict options: "spans", "claims"


def _ptc(kind: str):
    def predict(data: Path, spans: Path | None = None, **_):
        from . import ptc_tasks

        if kind == "ptc-tc":
            if spans is None:
                raise ValueError("ptc-tc needs --spans FILE (lines ID<TAB>...<TAB>start<TAB>end)")
            return ptc_tasks.predict_tc(data, spans)
        return ptc_tasks.predict_si(data) if kind == "ptc-si" else ptc_tasks.predict_flc(data)

    def score(data: Path, pred: Path, gold: Path | None = None, **_):
        from . import ptc_tasks

        return ptc_tasks.score(kind, data, pred, gold)

    return predict, score


TASKS: dict[str, Task] = {}


def register(task: Task) -> None:
    TASKS[task.name] = task


for _name, _desc, _metric in [
    ("ptc-si", "propaganda span identification (SemEval-2020 T11 SI)", "span F1 with partial overlap"),
    ("ptc-flc", "propaganda spans with techniques (SemEval-2020 T11 FLC)", "span F1 per technique and overall"),
    ("ptc-tc", "technique classification of given spans (SemEval-2020 T11 TC)", "micro-F1"),
]:
    _p, _s = _ptc(_name)
    register(Task(_name, _desc, _metric, _p, _s, ("spans",) if _name == "ptc-tc" else ()))


def _lazy(module: str, name: str):
    def call(*args, **kwargs):
        from importlib import import_module

        return getattr(import_module(f"unspin.evaluation.{module}"), name)(*args, **kwargs)
    return call


for _name, _module, _desc, _metric, _options in [
    ("checkworthy", "head_tasks", "check-worthy sentences (CheckThat! 2024 task 1)", "F1 of the Yes class", ()),
    ("clickbait", "head_tasks", "clickbait headlines (Chakraborty et al. 2016)", "accuracy, F1", ()),
    ("hyperpartisan", "head_tasks", "hyperpartisan articles (SemEval-2019 Task 4)", "accuracy", ()),
    ("bias", "head_tasks", "biased sentences (BABE)", "macro-F1", ()),
    ("claim-match", "match_tasks", "verified-claim retrieval (CheckThat! task 2)", "MAP@5, MRR, P@1", ("claims",)),
]:
    _key = _name.replace("-", "_")
    register(Task(_name, _desc, _metric, _lazy(_module, f"predict_{_key}"), _lazy(_module, f"score_{_key}"),
                  _options))

"""The analyzer interface and the registry that finds analyzers by name (spaCy-style)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from ..analysis import Analysis

_REGISTRY: dict[str, type[Analyzer]] = {}


class Analyzer:
    """A small component that reads documents and adds spans, sentence scores or document scores.

    Subclasses set ``name`` and ``version`` and implement :meth:`analyze` over a batch, so that
    model-based analyzers can batch inference; rule-based ones simply loop.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    order: ClassVar[int] = 50  # position in the pipeline; lower runs first
    english_only: ClassVar[bool] = True
    needs_model: ClassVar[bool] = False  # False: part of the fast, rules-only set (scan --fast)
    requires: ClassVar[tuple[str, ...]] = ()  # analyzers whose output this one reads

    def __init__(self, **config) -> None:
        unknown = set(config) - set(self.config_keys())
        if unknown:
            raise ValueError(f"analyzer {self.name!r} has no option(s) {sorted(unknown)}; "
                             f"options: {sorted(self.config_keys()) or 'none'}")
        self.config = config

    @classmethod
    def config_keys(cls) -> tuple[str, ...]:
        return ()

    def analyze(self, batch: Sequence[Analysis]) -> None:
        raise NotImplementedError


def register(cls: type[Analyzer]) -> type[Analyzer]:
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"analyzer name {cls.name!r} is already registered")
    _REGISTRY[cls.name] = cls
    return cls


def registered() -> dict[str, type[Analyzer]]:
    return dict(sorted(_REGISTRY.items(), key=lambda kv: (kv[1].order, kv[0])))


def get_analyzer(name: str) -> type[Analyzer]:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown analyzer {name!r}; available: {', '.join(registered())}") from None

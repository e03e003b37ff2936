"""The analyzer interface and the registry that finds analyzers by name (spaCy-style)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

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

    # Option name -> converter that checks and converts a value (raising ValueError or TypeError).
    options: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    def __init__(self, **config) -> None:
        self.config = self.parse_options(config)

    @classmethod
    def parse_options(cls, config: dict[str, Any]) -> dict[str, Any]:
        """Checked and converted options. The pipeline and ``scan`` call this before any model
        loads or any worker starts, so a bad option is one clear error, up front."""
        unknown = set(config) - set(cls.options)
        if unknown:
            raise ValueError(f"analyzer {cls.name!r} has no option(s) {sorted(unknown)}; "
                             f"options: {sorted(cls.options) or 'none'}")
        parsed = {}
        for key, value in config.items():
            try:
                parsed[key] = cls.options[key](value)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"analyzer {cls.name!r} option {key!r}: {exc}") from None
        return parsed

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


# -- option converters ------------------------------------------------------------------------------
def number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a number, got {value!r}")
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"expected a number, got {value!r}") from None


def probability(value: Any) -> float:
    """A threshold on a score: a number from 0 to 1 (NaN would silently switch a flag off)."""
    p = number(value)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"expected a number from 0 to 1, got {value!r}")
    return p


def count(value: Any) -> int:
    """A whole number of 0 or more."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise ValueError(f"expected a whole number of 0 or more, got {value!r}")
    return int(value)


def positive_count(value: Any) -> int:
    if count(value) < 1:
        raise ValueError(f"expected a whole number of 1 or more, got {value!r}")
    return int(value)


def text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected a non-empty text, got {value!r}")
    return value

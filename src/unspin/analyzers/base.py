"""The analyzer interface and the registry that finds analyzers by name (spaCy-style).

Besides the built-in analyzers, the registry holds those registered from Python with
:func:`register` and those other installed packages declare under the entry-point group
``unspin.analyzers`` (docs/analyzers.md, "Writing an analyzer"). Installed ones are loaded the
first time the registry is read, so `unspin analyze`, `scan` workers and `serve` all find them.
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from ..analysis import Analysis

ENTRY_POINT_GROUP = "unspin.analyzers"
_REGISTRY: dict[str, type[Analyzer]] = {}
_ORIGIN: dict[str, str] = {}  # analyzer name -> where it comes from ("unspin", a package, a module)
_BROKEN: dict[str, str] = {}  # entry-point name -> why the installed analyzer could not be loaded
_plugins_loaded = False
_NAME = re.compile(r"[a-z][a-z0-9_-]*")


class PluginWarning(UserWarning):
    """An installed analyzer (entry point ``unspin.analyzers``) could not be loaded; it is left out."""


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
    """Make an :class:`Analyzer` subclass available by its ``name`` (a class decorator). The class
    is checked here, so that a mistake in it is one clear error when it is defined, not a failure
    in the middle of a corpus scan."""
    _check_analyzer_class(cls)
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"analyzer name {cls.name!r} is already registered (by {origin(cls.name)})")
    _REGISTRY[cls.name] = cls
    _ORIGIN.setdefault(cls.name, "unspin" if cls.__module__.split(".")[0] == "unspin" else cls.__module__)
    return cls


def unregister(name: str) -> None:
    """Take an analyzer out of the registry (one registered from Python, e.g. in a test)."""
    _REGISTRY.pop(name, None)
    _ORIGIN.pop(name, None)


def registered() -> dict[str, type[Analyzer]]:
    _load_plugins()
    return dict(sorted(_REGISTRY.items(), key=lambda kv: (kv[1].order, kv[0])))


def get_analyzer(name: str) -> type[Analyzer]:
    _load_plugins()
    try:
        return _REGISTRY[name]
    except KeyError:
        if name in _BROKEN:
            raise ValueError(f"analyzer {name!r} is installed but could not be loaded: {_BROKEN[name]}") from None
        raise ValueError(f"unknown analyzer {name!r}; available: {', '.join(registered())}") from None


def origin(name: str) -> str:
    """Where a registered analyzer comes from: "unspin", "<package> <version>" for an installed
    one, or the module that registered it."""
    return _ORIGIN.get(name, "unknown")


def is_builtin(name: str) -> bool:
    return origin(name) == "unspin"


def broken_plugins() -> dict[str, str]:
    """Installed analyzers that could not be loaded, with the reason (they are left out)."""
    _load_plugins()
    return dict(_BROKEN)


def _load_plugins() -> None:
    """Register the analyzers installed packages declare under ``unspin.analyzers``, once. One that
    fails to load is left out with a warning: another package's bug must not stop every analysis."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    from importlib.metadata import entry_points

    for point in entry_points(group=ENTRY_POINT_GROUP):
        package = f"{point.dist.name} {point.dist.version}" if point.dist else point.value
        try:
            cls = point.load()
            if not (isinstance(cls, type) and issubclass(cls, Analyzer)):
                raise TypeError(f"{point.value} is not a subclass of unspin.Analyzer")
            if getattr(cls, "name", None) != point.name:
                raise ValueError(f"the entry point is named {point.name!r} but the analyzer {point.value} is "
                                 f"named {getattr(cls, 'name', None)!r}; they must be the same")
            register(cls)  # also when the module registered it itself: the same class is no clash
            _ORIGIN[cls.name] = package
        except Exception as exc:  # noqa: BLE001 - any failure of a third-party package is reported
            _BROKEN[point.name] = f"{type(exc).__name__}: {exc} (entry point {point.value}, from {package})"
            warnings.warn(f"analyzer {point.name!r} from {package} could not be loaded and is left out: "
                          f"{type(exc).__name__}: {exc}", PluginWarning, stacklevel=2)


def _check_analyzer_class(cls: Any) -> None:
    if not (isinstance(cls, type) and issubclass(cls, Analyzer)):
        raise TypeError(f"register() takes a subclass of unspin.Analyzer, not {cls!r}")
    name, version = getattr(cls, "name", None), getattr(cls, "version", None)
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"{cls.__qualname__}.name must be a lower-case name (letters, digits, '_' or '-', "
                         f"starting with a letter), not {name!r}")
    if not isinstance(version, str) or not version:
        raise ValueError(f"analyzer {name!r}: version must be a non-empty text (it is recorded in every analysis), "
                         f"not {version!r}")
    if cls.analyze is Analyzer.analyze:
        raise TypeError(f"analyzer {name!r} does not implement analyze(self, batch)")
    if not isinstance(cls.options, dict) or not all(callable(c) for c in cls.options.values()):
        raise TypeError(f"analyzer {name!r}: options must map each option's name to a function that checks and "
                        "converts its value (e.g. float)")
    if not isinstance(cls.requires, tuple) or not all(isinstance(r, str) for r in cls.requires):
        raise TypeError(f"analyzer {name!r}: requires must be a tuple of analyzer names")


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

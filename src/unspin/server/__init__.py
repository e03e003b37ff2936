"""``unspin serve``: the HTTP API under /v1/ and the web page at /, over the same pipeline."""
from __future__ import annotations

__all__ = ["Settings", "create_app"]


def __getattr__(name: str):
    # Lazy, so that every other command's start-up does not pay for importing FastAPI (~0.4 s).
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Renderers: text (terminal), JSON and HTML. Escaping of article text lives here, once."""
from __future__ import annotations

from collections.abc import Sequence

from ..analysis import Analysis
from .html import render_fragment, render_html
from .json import render_json
from .text import render_text

FORMATS = ("text", "json", "html")


def render(analyses: Sequence[Analysis], fmt: str, color: bool = False) -> str:
    if fmt == "json":
        return render_json(analyses)
    if fmt == "html":
        return render_html(analyses)
    if fmt == "text":
        return render_text(analyses, color=color)
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")


__all__ = ["FORMATS", "render", "render_fragment", "render_html", "render_json", "render_text"]

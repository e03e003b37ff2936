"""JSON output: the ``unspin/analysis@1`` object; JSON Lines when there are several documents."""
from __future__ import annotations

from collections.abc import Sequence

from ..analysis import Analysis


def render_json(analyses: Sequence[Analysis]) -> str:
    if len(analyses) == 1:
        return analyses[0].to_json(indent=2) + "\n"
    return "".join(a.to_json(indent=None) + "\n" for a in analyses)

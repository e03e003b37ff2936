"""Outlet context: a third-party, domain-level quality rating (Lin et al. 2023) for articles whose
URL (or outlet name, when it is a domain) is listed. Shown beside the article, labelled as such,
and never used in any article score."""
from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from ..analysis import Analysis
from ..urls import host_of
from .base import Analyzer, register

SOURCE = "Lin et al. (2023) domain quality ratings (PNAS Nexus), pc1"


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    path = resources.files("unspin").joinpath("data", "domain_quality_lin2023.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["domain"]: float(row["pc1"]) for row in csv.DictReader(handle)}


def lookup(url: str | None, outlet: str | None) -> dict | None:
    """The rating of the article's domain (or a parent domain), or None."""
    table = _table()
    for candidate in (host_of(url) or "", (outlet or "").lower().strip()):
        parts = candidate.split(".") if candidate else []
        for i in range(len(parts) - 1):  # news.bbc.co.uk -> bbc.co.uk -> co.uk
            domain = ".".join(parts[i:])
            if domain in table:
                return {"domain": domain, "rating": table[domain], "scale": "0 (lowest) to 1 (highest quality)",
                        "source": SOURCE, "level": "outlet (third-party rating; not part of this article's scores)"}
    return None


@register
class OutletAnalyzer(Analyzer):
    """Third-party outlet-level rating for known domains (context only, never a score)."""

    name = "outlet"
    version = "2023.1"
    order = 5
    english_only = False

    def __init__(self, **config) -> None:
        super().__init__(**config)
        _table()  # read the table now, with the models, not on the first document

    def analyze(self, batch: Sequence[Analysis]) -> None:
        for analysis in batch:
            analysis.document.outlet_rating = lookup(analysis.document.url, analysis.document.outlet)

"""``unspin report``: the corpus report of a store."""
from __future__ import annotations

from pathlib import Path

from . import queries
from .db import CorpusStore

LSH_THRESHOLD = 0.5


def build_report(store_path: Path, min_articles: int = queries.MIN_ARTICLES) -> str:
    from ..render.corpus import render_corpus_report

    with CorpusStore(store_path, read_only=True) as store:
        data = {
            "overview": queries.overview(store),
            "techniques": queries.technique_rates_by_outlet(store),
            "clickbait": queries.clickbait_by_outlet(store),
            "over_time": queries.over_time(store),
            "loaded_terms": queries.loaded_terms_by_outlet(store),
            "claims": queries.repeated_claims(store),
            "fact_checked": queries.fact_checked_claims(store),
            "clusters": queries.near_duplicate_clusters(store, LSH_THRESHOLD),
            "min_articles": min_articles,
            "lsh_threshold": LSH_THRESHOLD,
        }
    return render_corpus_report(data)


def export_parquet(store_path: Path, folder: Path) -> list[Path]:
    """Each table of the store as a Parquet file in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with CorpusStore(store_path, read_only=True) as store:
        for table in ("documents", "spans", "claims", "scores", "runs", "failures"):
            target = folder / f"{table}.parquet"
            store.con.execute(f"COPY {table} TO '{_sql_path(target)}' (FORMAT parquet)")
            written.append(target)
    return written


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")

"""The corpus store: analyses of many documents in one DuckDB file (schema in docs/store.md)."""
from .db import CorpusStore

__all__ = ["CorpusStore"]

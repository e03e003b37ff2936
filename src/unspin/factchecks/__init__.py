"""The local fact-check store: import, search, and matching claims against it."""
from .records import FactCheck, Problem
from .store import FactCheckStore, ImportReport, default_store_path

__all__ = ["FactCheck", "FactCheckStore", "ImportReport", "Problem", "default_store_path"]

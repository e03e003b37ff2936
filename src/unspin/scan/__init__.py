"""``unspin scan``: many documents into the corpus store, resumable, on a process pool or Dask."""
from .runner import ScanSummary, scan

__all__ = ["ScanSummary", "scan"]

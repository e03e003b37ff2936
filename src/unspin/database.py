"""Opening the DuckDB files unspin keeps (corpus stores, fact-check stores) with clear errors.

DuckDB lets one process at a time open a file for writing, and a writer blocks readers in other
processes too, so "the store is busy" is an everyday situation (a report asked for while a scan
runs), not an internal error.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from .errors import StoreError


def connect(path: Path, read_only: bool = False, kind: str = "store", tables: Sequence[str] = ()):
    """A DuckDB connection to ``path``; with ``tables``, the file must already hold them."""
    import duckdb

    if not read_only:  # "created if missing", folders included
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the {kind} {path}: {exc.strerror or exc}") from None
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise StoreError(_explain(path, kind, str(exc))) from None
    if tables:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        missing = [t for t in tables if t not in present]
        if missing:
            con.close()
            raise StoreError(f"{path} is not an unspin {kind} (it has no '{missing[0]}' table)")
    return con


def _explain(path: Path, kind: str, message: str) -> str:
    if "Could not set lock" in message or "Conflicting lock" in message:
        holder = re.search(r"PID (\d+)", message)
        who = f"process {holder.group(1)}" if holder else "another process"
        return (f"the {kind} {path} is in use by {who}: DuckDB lets one process write a file at a time "
                "(and then no other may read it); wait for it to finish, or use another file")
    if "not a valid DuckDB database" in message:
        return f"{path} is not a DuckDB database file, so it cannot be an unspin {kind}"
    return f"cannot open the {kind} {path}: {message}"

"""The local fact-check store: one DuckDB file the user fills with the fact-checks they trust.

Location: ``--store PATH``, else ``$UNSPIN_FACTCHECKS``, else ``<data dir>/factchecks.duckdb`` where
the data dir is ``$UNSPIN_DATA_DIR`` or ``$XDG_DATA_HOME/unspin`` (``~/.local/share/unspin``).

Embeddings of the claims are computed once, at import, and kept in the table, with the name of the
model that made them (``store_meta.embedding_model``): vectors of another model cannot be compared
with a query's, so a store embedded by another model is refused with the way out (``unspin
factchecks reembed``), never searched. A matching index (vectors as .npy, BM25 via bm25s) is
cached beside the file, keyed by the store's generation, and rebuilt when an import changed the store.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..database import connect
from ..errors import StoreError
from .records import FactCheck, Problem

SCHEMA = """
CREATE TABLE IF NOT EXISTS factchecks (
    id VARCHAR PRIMARY KEY,          -- hash of normalised claim + publisher
    claim VARCHAR NOT NULL,
    verdict VARCHAR,
    publisher VARCHAR,
    url VARCHAR,
    date VARCHAR,                    -- when the fact-check was published
    speaker VARCHAR,                 -- who made the claim
    claim_date VARCHAR,
    title VARCHAR,
    source VARCHAR,                  -- importer: claimreview | liar | checkthat | sharethefacts
    source_id VARCHAR,
    language VARCHAR,                -- as the record declares it (ClaimReview inLanguage), else NULL
    imported_at TIMESTAMP DEFAULT current_timestamp,
    embedding FLOAT[384]
);
CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
ALTER TABLE factchecks ADD COLUMN IF NOT EXISTS language VARCHAR;  -- stores made before it was kept
"""
COLUMNS = ("id", "claim", "verdict", "publisher", "url", "date", "speaker", "claim_date", "title",
           "source", "source_id")
STORED = (*COLUMNS, "language")  # what an import writes; matching reads COLUMNS
# Stores written before the model was recorded hold this one's vectors: no other has shipped.
FIRST_EMBEDDING_MODEL = "all-MiniLM-L6-v2 1.0.0"


def default_store_path() -> Path:
    if os.environ.get("UNSPIN_FACTCHECKS"):
        return Path(os.environ["UNSPIN_FACTCHECKS"])
    base = os.environ.get("UNSPIN_DATA_DIR")
    if not base:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        base = str(Path(xdg) / "unspin")
    return Path(base) / "factchecks.duckdb"


@dataclass
class ImportReport:
    read: int = 0
    added: int = 0
    duplicates: int = 0
    not_english: int = 0  # declared in another language, and left out
    problems: list[Problem] = field(default_factory=list)
    failed_files: list[str] = field(default_factory=list)  # unreadable, or not one record read

    def summary(self) -> str:
        other = (f", {self.not_english} left out as not English (--all-languages keeps them)"
                 if self.not_english else "")
        return (f"read {self.read} record{'' if self.read == 1 else 's'}: {self.added} added, {self.duplicates} already in the store "
                f"or repeated{other}, {len(self.problems)} skipped as malformed")


class FactCheckStore:
    def __init__(self, path: Path | str | None = None, read_only: bool = False):
        self.path = Path(path) if path else default_store_path()
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"no fact-check store at {self.path}; "
                                    "create one with 'unspin factchecks import FILE'")
        self.con = connect(self.path, read_only, "fact-check store", tables=("factchecks",) if read_only else ())
        if not read_only:
            self.con.execute(SCHEMA)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> FactCheckStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------
    def add(self, items: Iterable[FactCheck | Problem], encoder, batch_size: int = 4096,
            progress: Callable[[ImportReport], None] | None = None, all_languages: bool = False) -> ImportReport:
        """Add new records (embedding their claims once); re-importing is a no-op. Records declared
        in a language other than English are left out (and counted) unless ``all_languages``.

        Each batch is written in one transaction together with a new store generation, so an
        import killed at any point leaves whole batches, and the matching index (keyed by the
        generation) is never stale: running the import again adds the rest."""
        report = ImportReport()
        self.require_embedding_model(encoder.identity)
        batch: dict[str, FactCheck] = {}
        for item in items:
            if isinstance(item, Problem):
                report.problems.append(item)
                continue
            report.read += 1
            if not (all_languages or item.english):
                report.not_english += 1
                continue
            if item.key in batch:
                report.duplicates += 1
                continue
            batch[item.key] = item
            if len(batch) >= batch_size:
                self._insert(batch, encoder, report)
                batch = {}
                if progress:
                    progress(report)
        if batch:
            self._insert(batch, encoder, report)
        if progress:
            progress(report)
        return report

    def _insert(self, batch: dict[str, FactCheck], encoder, report: ImportReport) -> None:
        import pyarrow as pa

        self.con.register("incoming_keys", pa.table({"id": list(batch)}))
        try:
            existing = {r[0] for r in self.con.execute(
                "SELECT f.id FROM factchecks f JOIN incoming_keys k ON f.id = k.id").fetchall()}
        finally:
            self.con.unregister("incoming_keys")
        new = [fc for key, fc in batch.items() if key not in existing]
        report.duplicates += len(batch) - len(new)
        if not new:
            return
        vectors = self._vectors([fc.claim for fc in new], encoder)
        rows = [fc.to_row() for fc in new]
        columns = {c: [r[c] for r in rows] for c in STORED}
        columns["embedding"] = _embedding_column(vectors)
        self._commit(pa.table(columns), f"INSERT INTO factchecks ({', '.join(STORED)}, embedding) "
                                        f"SELECT {', '.join(STORED)}, embedding FROM incoming", encoder.identity)
        report.added += len(new)

    def _vectors(self, claims: list[str], encoder) -> np.ndarray:
        """One vector per claim, embedding each text once: a claim already in the store keeps its
        stored vector (same model: checked when the import starts), and a claim repeated in the
        batch is embedded once. In the 100k benchmark, 6.7 % of the records hold a claim another
        record holds too (the same claim rated by two publishers, or listed in two collections)."""
        import pyarrow as pa

        unique = list(dict.fromkeys(claims))
        self.con.register("incoming_claims", pa.table({"claim": unique}))
        try:
            stored = _table(self.con.execute(
                "SELECT f.claim, any_value(f.embedding) AS embedding FROM factchecks f "
                "JOIN incoming_claims c ON f.claim = c.claim GROUP BY f.claim"))
        finally:
            self.con.unregister("incoming_claims")
        known = dict(zip(stored.column("claim").to_pylist(), _embedding_matrix(stored)))
        todo = [c for c in unique if c not in known]
        known.update(zip(todo, encoder.encode(todo).astype(np.float32)))
        return np.stack([known[c] for c in claims])

    def reembed(self, encoder, batch_size: int = 4096, progress: Callable[[int, int], None] | None = None) -> int:
        """Embed every claim again with ``encoder`` and record it as the store's model; returns the
        number of records. All vectors are computed before anything is written, and written in one
        transaction, so a re-embedding killed at any point leaves the store as it was."""
        import pyarrow as pa

        rows = self.con.execute("SELECT id, claim FROM factchecks ORDER BY rowid").fetchall()
        texts = list(dict.fromkeys(claim for _, claim in rows))  # a text held by several records: once
        unique = np.zeros((len(texts), encoder.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            unique[start:start + batch_size] = encoder.encode(texts[start:start + batch_size])
            if progress:
                progress(min(start + batch_size, len(texts)), len(texts))
        row_of = {text: n for n, text in enumerate(texts)}
        vectors = unique[[row_of[claim] for _, claim in rows]]
        table = pa.table({"id": [i for i, _ in rows], "embedding": _embedding_column(vectors)})
        self._commit(table, "UPDATE factchecks SET embedding = incoming.embedding FROM incoming "
                            "WHERE factchecks.id = incoming.id", encoder.identity)
        return len(rows)

    def _commit(self, incoming, statement: str, encoder_identity: str) -> None:
        """Run ``statement`` over the Arrow table ``incoming``, record the encoder of the vectors and
        raise the generation, in one transaction: a killed process leaves all of it or none."""
        self.con.register("incoming", incoming)
        try:
            self.con.execute("BEGIN TRANSACTION")
            self.con.execute(statement)
            self._set_meta("embedding_model", encoder_identity)
            self._bump_generation()
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        finally:
            self.con.unregister("incoming")

    def _set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO store_meta VALUES (?, ?)", [key, value])

    def _bump_generation(self) -> None:
        self._set_meta("generation", str(self.generation() + 1))

    # -- reading ------------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM store_meta WHERE key = ?", [key]).fetchone() \
            if self._has_meta() else None
        return row[0] if row else None

    def generation(self) -> int:
        return int(self._meta("generation") or 0)

    def embedding_model(self) -> str | None:
        """The model that embedded the stored claims; None for a store without records."""
        return self._meta("embedding_model") or (FIRST_EMBEDDING_MODEL if self.count() else None)

    def require_embedding_model(self, identity: str) -> None:
        """Refuse a store whose vectors another model made: its cosines to a query would be meaningless."""
        stored = self.embedding_model()
        if stored is not None and stored != identity:
            raise StoreError(f"the fact-check store at {self.path} was embedded with {stored}, and this unspin embeds "
                             f"claims with {identity}: run 'unspin factchecks reembed --store {self.path}' "
                             f"(it embeds all {self.count()} claims again: {_duration(self.count())})")

    def _has_meta(self) -> bool:
        return bool(self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'store_meta'").fetchone()[0])

    def count(self) -> int:
        return self.con.execute("SELECT count(*) FROM factchecks").fetchone()[0]

    def stats(self) -> dict:
        total = self.count()
        by_publisher = self.con.execute(
            "SELECT coalesce(publisher, '(unknown)'), count(*) FROM factchecks GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        by_verdict = self.con.execute(
            "SELECT coalesce(lower(verdict), '(none)'), count(*) FROM factchecks GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15"
        ).fetchall()
        by_source = self.con.execute("SELECT source, count(*) FROM factchecks GROUP BY 1 ORDER BY 2 DESC").fetchall()
        span = self.con.execute("SELECT min(date), max(date) FROM factchecks WHERE date ~ '^\\d{4}-\\d{2}-\\d{2}$'"
                                ).fetchone()
        return {"path": str(self.path), "records": total, "generation": self.generation(),
                "embedding_model": self.embedding_model(),
                "publishers": dict(by_publisher), "verdicts": dict(by_verdict), "sources": dict(by_source),
                "languages": self._languages(), "dates": {"first": span[0], "last": span[1]}}

    def _languages(self) -> dict[str, int]:
        """Records by declared language; a store made before languages were kept (opened read-only,
        so not migrated) has none to tell."""
        has_column = self.con.execute("SELECT count(*) FROM information_schema.columns "
                                      "WHERE table_name = 'factchecks' AND column_name = 'language'").fetchone()[0]
        if not has_column:
            return {}
        return dict(self.con.execute("SELECT coalesce(lower(language), '(not declared)'), count(*) FROM factchecks "
                                     "GROUP BY 1 ORDER BY 2 DESC, 1").fetchall())

    def records(self, ids: list[str] | None = None) -> list[dict]:
        """Rows in rowid order (all of them, or the given ids)."""
        cols = ", ".join(COLUMNS)
        if ids is None:
            rows = self.con.execute(f"SELECT {cols} FROM factchecks ORDER BY rowid").fetchall()
        else:
            import pyarrow as pa

            self.con.register("wanted_ids", pa.table({"id": ids}))
            try:  # fetched before the view goes: DuckDB reads the result lazily (it came back empty)
                rows = self.con.execute(f"SELECT {cols} FROM factchecks JOIN wanted_ids USING (id) "
                                        "ORDER BY factchecks.rowid").fetchall()
            finally:
                self.con.unregister("wanted_ids")
        return [dict(zip(COLUMNS, row)) for row in rows]

    def vectors(self) -> tuple[list[str], np.ndarray]:
        table = _table(self.con.execute("SELECT id, embedding FROM factchecks ORDER BY rowid"))
        return table.column("id").to_pylist(), _embedding_matrix(table)


def _duration(records: int) -> str:
    """How long re-embedding takes, roughly (300-650 claims a second on 2 cores)."""
    seconds = records / 400
    if seconds < 10:
        return "a few seconds"
    return f"about {seconds:.0f} s" if seconds < 90 else f"about {seconds / 60:.0f} min"


def _table(result):
    """A query's result as a pyarrow Table (DuckDB versions differ: a Table or a batch reader)."""
    import pyarrow as pa

    table = result.arrow()
    return table if isinstance(table, pa.Table) else table.read_all()


def _embedding_column(vectors: np.ndarray):
    """Vectors [n, d] as the table's FLOAT[d] column."""
    import pyarrow as pa

    return pa.FixedSizeListArray.from_arrays(pa.array(vectors.astype(np.float32).reshape(-1)), vectors.shape[1])


def _embedding_matrix(table) -> np.ndarray:
    """A query result's ``embedding`` column as a float32 matrix [rows, d] ([0, 384] when empty)."""
    if not table.num_rows:
        return np.zeros((0, 384), dtype=np.float32)
    flat = table.column("embedding").combine_chunks().flatten().to_numpy()
    return np.ascontiguousarray(flat.reshape(table.num_rows, -1), dtype=np.float32)

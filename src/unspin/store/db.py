"""DuckDB corpus store: one row per document, its spans, claims and scores, and the runs.

Every batch of analyses is written in one transaction through Arrow tables, so a scan killed at
any moment leaves each document either complete or absent; documents are keyed by ``doc_id`` (a
hash of the canonical text), which makes re-running a scan skip what is done.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..analysis import Analysis
from ..database import connect
from ..errors import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,   -- first 16 hex digits of SHA-256 over the canonical text
    id VARCHAR,                   -- the input's own id (record id, file stem) or doc_id
    title VARCHAR, text VARCHAR, url VARCHAR, outlet VARCHAR, published VARCHAR, language VARCHAR,
    author VARCHAR, source VARCHAR, words INTEGER,
    run_id VARCHAR, analyzed_at TIMESTAMP,
    minhash UINTEGER[],           -- 64-permutation MinHash of word 5-shingles (near-duplicates)
    warnings VARCHAR[]
);
CREATE TABLE IF NOT EXISTS spans (
    doc_id VARCHAR, start INTEGER, "end" INTEGER, layer VARCHAR, label VARCHAR, score DOUBLE,
    explanation VARCHAR, text VARCHAR
);
CREATE TABLE IF NOT EXISTS claims (
    doc_id VARCHAR, start INTEGER, "end" INTEGER, text VARCHAR, checkworthiness DOUBLE,
    source VARCHAR, cue VARCHAR, matches VARCHAR   -- matches as JSON
);
CREATE TABLE IF NOT EXISTS scores (doc_id VARCHAR, name VARCHAR, value DOUBLE);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, engine VARCHAR,
    analyzers VARCHAR, models VARCHAR, inputs VARCHAR,
    analyzed INTEGER, skipped INTEGER, failed INTEGER,
    options VARCHAR               -- analyzer options given with --set (JSON), e.g. {"bias": {"threshold": 0.8}}
);
ALTER TABLE runs ADD COLUMN IF NOT EXISTS options VARCHAR;  -- stores written before the column existed
CREATE TABLE IF NOT EXISTS failures (run_id VARCHAR, "where" VARCHAR, reason VARCHAR, failed_at TIMESTAMP);
"""


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class CorpusStore:
    def __init__(self, path: Path | str, read_only: bool = False):
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}")
        self.con = connect(self.path, read_only, "store", tables=("documents",) if read_only else ())
        if not read_only:
            self.con.execute(SCHEMA)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> CorpusStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- runs ---------------------------------------------------------------------------------
    def start_run(self, engine: str, analyzers: Sequence[str], models: dict, inputs: Sequence[str],
                  options: dict | None = None) -> str:
        run_id = uuid.uuid4().hex[:12]
        self.con.execute("INSERT INTO runs (run_id, started, engine, analyzers, models, inputs, analyzed, skipped, "
                         "failed, options) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?)",
                         [run_id, now(), engine, ",".join(analyzers), json.dumps(models), json.dumps(list(inputs)),
                          json.dumps(options or {}, sort_keys=True)])
        return run_id

    def finish_run(self, run_id: str, analyzed: int, skipped: int, failed: int, models: dict | None = None) -> None:
        self.con.execute("UPDATE runs SET finished = ?, analyzed = ?, skipped = ?, failed = ?, "
                         "models = coalesce(?, models) WHERE run_id = ?",
                         [now(), analyzed, skipped, failed, json.dumps(models) if models else None, run_id])

    def record_failures(self, run_id: str, failures: Sequence[tuple[str, str]]) -> None:
        if failures:
            import pyarrow as pa

            rows = pa.table({"run_id": [run_id] * len(failures), "where": [w for w, _ in failures],
                             "reason": [r for _, r in failures], "failed_at": [now()] * len(failures)})
            self.con.register("incoming_failures", rows)
            try:
                self.con.execute("INSERT INTO failures SELECT * FROM incoming_failures")
            finally:
                self.con.unregister("incoming_failures")

    # -- documents ----------------------------------------------------------------------------
    def known_ids(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT doc_id FROM documents").fetchall()}

    def run_configurations(self) -> dict[str, tuple[frozenset[str], dict[str, str]]]:
        """Each run's analyzers and the versions they recorded: run_id -> (names, versions)."""
        return {run_id: (frozenset(filter(None, (names or "").split(","))), json.loads(recorded or "{}"))
                for run_id, names, recorded in self.con.execute("SELECT run_id, analyzers, models FROM runs").fetchall()}

    def analysed_with(self, analyzers: Sequence[str], models: dict[str, str]) -> set[str]:
        """The documents whose run used exactly these analyzers and these versions of them."""
        same = [run_id for run_id, config in self.run_configurations().items() if config == (frozenset(analyzers), models)]
        rows = self.con.execute("SELECT doc_id FROM documents WHERE list_contains(?, run_id)", [same]).fetchall()
        return {r[0] for r in rows}

    def count(self) -> int:
        return self.con.execute("SELECT count(*) FROM documents").fetchone()[0]

    def write(self, rows: Sequence[dict], run_id: str, replace: Collection[str] = ()) -> int:
        """Write analysed documents (``analysis_row`` dicts) in one transaction; returns how many
        were written. A document already present is left as it is, unless its id is in ``replace``:
        then its old rows give way to the new ones (``unspin scan --reanalyze``)."""
        import pyarrow as pa

        if not rows:
            return 0
        seen, fresh = set(), []
        for row in rows:
            if row["document"]["doc_id"] not in seen:
                seen.add(row["document"]["doc_id"])
                fresh.append(row)
        docs = pa.Table.from_pylist([{**r["document"], "run_id": run_id, "analyzed_at": now()} for r in fresh])
        spans = pa.Table.from_pylist([s for r in fresh for s in r["spans"]], schema=_SPAN_SCHEMA())
        claims = pa.Table.from_pylist([c for r in fresh for c in r["claims"]], schema=_CLAIM_SCHEMA())
        scores = pa.Table.from_pylist([s for r in fresh for s in r["scores"]], schema=_SCORE_SCHEMA())
        tables = {"docs": docs, "spans": spans, "claims": claims, "scores": scores}
        replaced = [doc_id for doc_id in seen if doc_id in replace]
        try:
            return self._insert(tables, anti_join=False, replaced=replaced)
        except Exception as exc:  # a document already in the store: take the careful path
            if "constraint" not in str(exc).lower():
                raise
            return self._insert(tables, anti_join=True, replaced=replaced)

    def _insert(self, tables: dict, anti_join: bool, replaced: Sequence[str] = ()) -> int:
        """One transaction. The scan already skips known documents, so the plain path inserts
        everything; ``anti_join`` keeps only documents not yet in the store (and their rows).
        The documents in ``replaced`` lose their old rows first."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            for name, table in tables.items():
                con.register(f"incoming_{name}", table)
            if replaced:  # a semi-join: a hash of the ids, not a list searched for every row of the table
                import pyarrow as pa

                con.register("replaced_ids", pa.table({"doc_id": list(replaced)}))
                for name in ("spans", "claims", "scores", "documents"):
                    con.execute(f"DELETE FROM {name} WHERE doc_id IN (SELECT doc_id FROM replaced_ids)")
                con.unregister("replaced_ids")
            if anti_join:
                con.execute("CREATE OR REPLACE TEMP TABLE new_docs AS "
                            "SELECT d.* FROM incoming_docs d ANTI JOIN documents USING (doc_id)")
                source, keep = "new_docs", " SEMI JOIN new_docs USING (doc_id)"
            else:
                source, keep = "incoming_docs", ""
            added = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
            con.execute(f"INSERT INTO documents BY NAME SELECT * FROM {source}")
            for name in ("spans", "claims", "scores"):
                con.execute(f"INSERT INTO {name} BY NAME SELECT t.* FROM incoming_{name} t{keep}")
            if anti_join:
                con.execute("DROP TABLE new_docs")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        finally:
            for name in tables:
                con.unregister(f"incoming_{name}")
        return added


def analysis_row(analysis: Analysis, minhash: list[int] | None = None, with_text: bool = True) -> dict:
    """A plain, picklable record of one analysis (what workers send back to the writer).

    ``with_text=False`` leaves the document text and span texts out (``None``): the scan's writer
    still holds the document and fills them in with :func:`fill_text`, so the text crosses the
    process boundary once instead of twice."""
    doc = analysis.document
    doc_id = doc.doc_id
    text = analysis.text
    row = {
        "document": {"doc_id": doc_id, "id": doc.id, "title": doc.title, "text": text, "url": doc.url,
                     "outlet": doc.outlet, "published": doc.published, "language": doc.language,
                     "author": doc.author, "source": doc.source, "words": len(text.split()),
                     "minhash": minhash, "warnings": list(analysis.warnings)},
        "spans": [{"doc_id": doc_id, "start": s.start, "end": s.end, "layer": s.layer, "label": s.label,
                   "score": s.score, "explanation": s.explanation, "text": text[s.start:s.end]}
                  for s in analysis.spans],
        "claims": [{"doc_id": doc_id, "start": c.start, "end": c.end, "text": c.text,
                    "checkworthiness": c.checkworthiness,
                    "source": c.attribution.source if c.attribution else None,
                    "cue": c.attribution.cue if c.attribution else None,
                    "matches": json.dumps([m.to_dict() for m in c.matches])} for c in analysis.claims],
        "scores": [{"doc_id": doc_id, "name": k, "value": float(v)} for k, v in analysis.scores.items()],
        "models": dict(analysis.models),
    }
    if not with_text:
        row["document"]["text"] = None
        for span in row["spans"]:
            span["text"] = None
    return row


def fill_text(row: dict, text: str) -> dict:
    """Put back what ``analysis_row(with_text=False)`` left out."""
    row["document"]["text"] = text
    for span in row["spans"]:
        span["text"] = text[span["start"]:span["end"]]
    return row


def _SPAN_SCHEMA():
    import pyarrow as pa

    return pa.schema([("doc_id", pa.string()), ("start", pa.int32()), ("end", pa.int32()), ("layer", pa.string()),
                      ("label", pa.string()), ("score", pa.float64()), ("explanation", pa.string()),
                      ("text", pa.string())])


def _CLAIM_SCHEMA():
    import pyarrow as pa

    return pa.schema([("doc_id", pa.string()), ("start", pa.int32()), ("end", pa.int32()), ("text", pa.string()),
                      ("checkworthiness", pa.float64()), ("source", pa.string()), ("cue", pa.string()),
                      ("matches", pa.string())])


def _SCORE_SCHEMA():
    import pyarrow as pa

    return pa.schema([("doc_id", pa.string()), ("name", pa.string()), ("value", pa.float64())])


def load_analysis(con, doc_id: str):
    """Rebuild the Analysis of a stored document (for the web app's store pages)."""
    from ..analysis import Analysis, Attribution, Claim, FactCheckMatch, Span
    from ..document import Document

    row = con.execute("SELECT title, text, id, url, outlet, published, language, author, warnings "
                      "FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
    if row is None:
        return None
    title, text, id_, url, outlet, published, language, author, warnings = row
    _, sep, body = text.partition("\n\n")
    doc = Document(title=title, body=body if sep else text, id=id_, url=url, outlet=outlet, published=published,
                   author=author)
    doc.language = language
    analysis = Analysis(document=doc, warnings=list(warnings or []))
    for start, end, layer, label, score, explanation in con.execute(
            'SELECT start, "end", layer, label, score, explanation FROM spans WHERE doc_id = ? ORDER BY start',
            [doc_id]).fetchall():
        analysis.spans.append(Span(start, end, layer, label, score, explanation))
    for start, end, text_, cw, source, cue, matches in con.execute(
            'SELECT start, "end", text, checkworthiness, source, cue, matches FROM claims WHERE doc_id = ?',
            [doc_id]).fetchall():
        attribution = Attribution(source, cue, start, end) if (source or cue) else None
        analysis.claims.append(Claim(start, end, text_, cw, attribution,
                                     [FactCheckMatch(**m) for m in json.loads(matches or "[]")]))
    for name, value in con.execute("SELECT name, value FROM scores WHERE doc_id = ?", [doc_id]).fetchall():
        analysis.scores[name] = value
    models = con.execute("SELECT r.models FROM documents d JOIN runs r USING (run_id) WHERE d.doc_id = ?",
                         [doc_id]).fetchone()
    if models and models[0]:
        analysis.models = json.loads(models[0])
    return analysis

"""Record files: JSON (object or array), JSON Lines, CSV and Parquet, one article per record.

Fields: ``title``, ``text`` (or ``body``; or ``html`` for a raw page), optional ``url``,
``outlet``, ``published``, ``id``. A bad record is reported and skipped; the rest go on.
"""
from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterator
from pathlib import Path

from ..document import Document
from ..errors import InputError
from ..jsonsafe import loads
from ..urls import host_of
from .html import parse_html
from .jsonfeed import is_json_feed, json_feed_records

_META_FIELDS = ("url", "outlet", "published", "id", "author")


def record_to_document(record: object, where: str, max_bytes: int) -> Document:
    if not isinstance(record, dict):
        raise InputError(f"expected an object with 'title' and 'text', got {type(record).__name__}",
                         where)
    meta = {k: _as_text(record[k], k, where) for k in _META_FIELDS if record.get(k) not in (None, "")}
    title = _as_text(record["title"], "title", where) if record.get("title") is not None else ""
    body = record.get("text", record.get("body"))
    html = record.get("html")
    if body in (None, "") and html in (None, ""):
        raise InputError("record has no 'text' (or 'body', or 'html') field", where)
    if body not in (None, ""):
        body = _as_text(body, "text", where)
        if len(body.encode("utf-8", "surrogatepass")) > max_bytes:
            raise InputError(f"record text is over the {max_bytes:,}-byte limit", where)
        if not body.strip():
            raise InputError("record text is empty", where)
        if "outlet" not in meta and host_of(meta.get("url")):
            meta["outlet"] = host_of(meta["url"])  # as for an HTML page: the site names the outlet
        return Document(title=title, body=body.replace("\r\n", "\n"), source=where, **meta)
    try:
        return parse_html(_as_text(html, "html", where), title=title or None, source=where, **meta)
    except InputError as exc:
        raise InputError(exc.message, where) from None


def iter_json(text: str, where: str, max_bytes: int) -> Iterator[Document | InputError]:
    try:
        data = loads(text)
    except json.JSONDecodeError as exc:
        yield InputError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", where)
        return
    if is_json_feed(data):
        records = json_feed_records(data)
        if not records:
            yield InputError("the feed has no items", where)
        for i, record in enumerate(records, 1):
            if isinstance(record, InputError):
                yield InputError(record.message, f"{where}#item{i}")
            else:
                yield from _one(record, f"{where}#item{i}", max_bytes)
        return
    items = data if isinstance(data, list) else [data]
    for i, record in enumerate(items):
        yield from _one(record, f"{where}[{i}]" if isinstance(data, list) else where, max_bytes)


def iter_jsonl(lines: Iterator[str], where: str, max_bytes: int) -> Iterator[Document | InputError]:
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        here = f"{where}:{lineno}"
        if len(line) > max_bytes:
            yield InputError(f"record is over the {max_bytes:,}-byte limit", here)
            continue
        try:
            record = loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(f"invalid JSON: {exc.msg}", here)
            continue
        yield from _one(record, here, max_bytes)


def iter_csv(text: str, where: str, max_bytes: int) -> Iterator[Document | InputError]:
    csv.field_size_limit(max(max_bytes, 1 << 20))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = set(reader.fieldnames or [])
    if not fields & {"text", "body", "html"}:
        yield InputError(f"CSV has no 'text' (or 'body') column; columns are {sorted(fields)}", where)
        return
    for rowno, row in enumerate(reader, 2):  # row 1 is the header
        yield from _one(row, f"{where}:{rowno}", max_bytes)


def iter_parquet(path: Path, max_bytes: int) -> Iterator[Document | InputError]:
    import pyarrow.parquet as pq

    try:
        table_file = pq.ParquetFile(path)
    except Exception as exc:
        yield InputError(f"cannot read Parquet file ({exc})", str(path))
        return
    row = 0
    for batch in table_file.iter_batches(batch_size=1024):
        for record in batch.to_pylist():
            yield from _one(record, f"{path}#{row}", max_bytes)
            row += 1


def _one(record: object, where: str, max_bytes: int) -> Iterator[Document | InputError]:
    try:
        yield record_to_document(record, where, max_bytes)
    except InputError as exc:
        yield exc if exc.where else InputError(exc.message, where)


def _as_text(value: object, field: str, where: str) -> str:
    """A field as text: strings as they are, numbers and dates written out, a list of strings
    joined (paragraphs of a body by line breaks; several authors by commas)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):  # Parquet timestamp columns
        return value.isoformat()
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return {"text": "\n", "body": "\n", "html": "\n", "title": " "}.get(field, ", ").join(value)
    raise InputError(f"field '{field}' must be text, not {type(value).__name__}", where)

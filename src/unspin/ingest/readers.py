"""From paths (files, folders, ``-``) to Documents, one failure never stopping the batch.

Stages, top to bottom: expand the paths, read bytes with a size check, sniff the format,
decode, then hand over to the reader of that format.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..document import Document
from ..errors import InputError
from .decode import check_size, decode_bytes, sniff_binary
from .feeds import FEED_SUFFIXES, iter_feed, looks_like_feed
from .html import looks_like_html, parse_html
from .limits import Limits
from .records import iter_csv, iter_json, iter_jsonl, iter_parquet
from .text import parse_text

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
RECORD_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv", ".parquet"}
WARC_SUFFIXES = {".warc", ".warc.gz"}
SUPPORTED = sorted(TEXT_SUFFIXES - {""} | HTML_SUFFIXES | RECORD_SUFFIXES | FEED_SUFFIXES | WARC_SUFFIXES)


def suffix_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".warc.gz"):
        return ".warc.gz"
    return path.suffix.lower()


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | str | InputError]:
    """Files stay, folders become their supported files (recursive, sorted), ``-`` is stdin."""
    for raw in paths:
        if str(raw) == "-":
            yield "-"
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                           and suffix_of(p) in set(SUPPORTED))
            if not found:
                yield InputError(f"folder has no files unspin can read ({', '.join(SUPPORTED)})",
                                 str(path))
            yield from found
        elif path.exists():
            yield path
        elif _WEB_ADDRESS.match(str(raw)):
            yield InputError("a web address: unspin reads files and never fetches anything; save the page "
                             "(or a feed, or a WARC crawl) and give the file", str(raw))
        else:
            yield InputError("no such file or folder", str(path))


_WEB_ADDRESS = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)


def read_inputs(paths: Iterable[str | Path], limits: Limits | None = None,
                title: str | None = None) -> Iterator[Document | InputError]:
    """Yield a Document for each article found, or an InputError saying why one was skipped."""
    limits = limits or Limits.from_env()
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
            continue
        where = "<stdin>" if item == "-" else str(item)
        found = None
        try:
            for found in _read_one(item, limits, title):
                yield _within_limits(found, limits, where)
            if found is None:  # a file of records with none in it: say so, as for a feed with no items
                yield InputError("no article in this file (no record, row or HTML page)", where)
        except InputError as exc:
            yield exc if exc.where else InputError(exc.message, where)
        except OSError as exc:
            yield InputError(f"cannot read: {exc.strerror or exc}", where)


def _within_limits(item: Document | InputError, limits: Limits, where: str) -> Document | InputError:
    """The document, or an error when its extracted text is too long to analyse."""
    if isinstance(item, InputError):
        return item
    try:
        limits.check_text(item.text)
    except InputError as exc:
        return InputError(exc.message, item.source or where)
    return item


def _read_one(item: Path | str, limits: Limits, title: str | None) -> Iterator[Document | InputError]:
    if item == "-":
        data = sys.stdin.buffer.read(limits.max_bytes + 1)
        yield from _from_bytes(data, "<stdin>", "", limits, title)
        return
    path = item
    suffix = suffix_of(path)
    if suffix in WARC_SUFFIXES:
        from .warc import iter_warc
        yield from iter_warc(path, limits)
        return
    if suffix == ".parquet":
        yield from iter_parquet(path, limits.max_bytes)
        return
    if suffix == ".jsonl" or suffix == ".ndjson":
        yield from _jsonl_file(path, limits)
        return
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | FEED_SUFFIXES:
        raise InputError(f"unknown file type '{path.suffix}' (unspin reads {', '.join(SUPPORTED)})")
    # Files holding many articles, read whole, get the collection cap.
    cap = limits.max_json_bytes if suffix in {".json", ".csv"} | FEED_SUFFIXES else limits.max_bytes
    check_size(path.stat().st_size, cap)
    data = path.read_bytes()
    yield from _from_bytes(data, str(path), suffix, limits, title, cap)


def _from_bytes(data: bytes, where: str, suffix: str, limits: Limits, title: str | None,
                cap: int | None = None) -> Iterator[Document | InputError]:
    fmt = _format(suffix, data)
    text = decode_bytes(data, cap or limits.max_bytes)
    if fmt == "feed":  # feedparser reads the bytes itself: the XML declaration names their encoding
        yield from iter_feed(data, where, limits.max_bytes)
    elif fmt == "html":
        yield parse_html(text, title=title, source=where)
    elif fmt == "json":
        yield from iter_json(text, where, limits.max_bytes)
    elif fmt == "csv":
        yield from iter_csv(text, where, limits.max_bytes)
    else:
        yield parse_text(text, title=title, source=where, id=_stem(where))


def _format(suffix: str, data: bytes) -> str:
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in {".json"}:
        return "json"
    if suffix == ".csv":
        return "csv"
    if suffix in {".txt", ".text", ".md"}:
        return "text"
    if suffix in FEED_SUFFIXES:
        return "feed"
    # No extension or stdin: sniff.
    if not sniff_binary(data) and looks_like_feed(data):
        return "feed"
    if not sniff_binary(data) and looks_like_html(data):
        return "html"
    if data.lstrip()[:1] in (b"{", b"["):
        return "json"
    return "text"


def _jsonl_file(path: Path, limits: Limits) -> Iterator[Document | InputError]:
    check_size(path.stat().st_size, 1 << 62)  # only the empty check: JSONL is streamed
    with path.open("rb") as handle:
        head = handle.read(8192)
        kind = sniff_binary(head)
        if kind:
            raise InputError(f"binary file ({kind}), not JSON Lines")
    with path.open("r", encoding="utf-8", errors="replace", newline="") as handle:
        yield from iter_jsonl(handle, str(path), limits.max_bytes)


def _stem(where: str) -> str | None:
    if where == "<stdin>":
        return None
    return Path(where).stem

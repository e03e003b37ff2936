"""Importers: ClaimReview (JSON-LD), LIAR TSV, CheckThat! verified claims, Share the Facts.

Each importer yields :class:`FactCheck` records or :class:`Problem` reports; a malformed record
is reported and skipped, never fatal for the rest of the file.
"""
from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..jsonsafe import parse
from .claimreview import json_lines, open_binary, read_claimreview
from .records import FactCheck, Problem, clean, iso_date, web_url

Item = FactCheck | Problem
FORMATS = ("claimreview", "liar", "checkthat", "sharethefacts")
csv.field_size_limit(sys.maxsize)
_CLAIMREVIEW_KEYS = {"@type", "claimReviewed", "@graph", "@context", "dataFeedElement"}


def detect_format(path: Path) -> str:
    """Guess the format from the name and the first record."""
    name = path.name.lower()
    if name.endswith((".html", ".htm")):
        return "claimreview"
    if name.endswith(".tsv"):
        return "liar"
    keys = _first_keys(path)
    if keys & _CLAIMREVIEW_KEYS:
        return "claimreview"
    if "vclaim" in keys:
        return "checkthat"
    if {"statement", "organization_id"} <= keys:
        return "sharethefacts"
    raise InputError("cannot tell the format of this file; use --format "
                     f"({', '.join(FORMATS)})", str(path))


def read_file(path: Path, fmt: str | None = None) -> Iterator[Item]:
    require_utf8(path)
    fmt = fmt or detect_format(path)
    if fmt == "claimreview":
        return read_claimreview(path)
    if fmt == "liar":
        return read_liar(path)
    if fmt == "checkthat":
        return read_checkthat(path)
    if fmt == "sharethefacts":
        return read_sharethefacts(path)
    raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", str(path))


# -- LIAR -----------------------------------------------------------------------------------------
_LIAR_LABELS = {"pants-fire", "false", "barely-true", "half-true", "mostly-true", "true"}


def read_liar(path: Path) -> Iterator[Item]:
    """LIAR TSV (14 columns, no header): id, label, statement, subjects, speaker, job, state, party,
    five credit counts, context. PolitiFact statements; the files carry no URL or date."""
    with open(path, encoding="utf-8", newline="") as handle:
        for n, line in enumerate(handle, 1):
            cols = line.rstrip("\r\n").split("\t")
            where = f"{path}:{n}"
            if len(cols) < 3:
                yield Problem(where, f"expected 14 tab-separated columns, found {len(cols)}")
                continue
            label, statement = cols[1].strip(), clean(cols[2])
            if label not in _LIAR_LABELS:
                yield Problem(where, f"unknown LIAR label {label!r}")
                continue
            if not statement:
                yield Problem(where, "empty statement")
                continue
            venue = clean(cols[13]) if len(cols) > 13 else None
            yield FactCheck(claim=statement, verdict=label, publisher="PolitiFact",
                            speaker=clean(cols[4]) if len(cols) > 4 else None,
                            title=venue, source="liar", source_id=cols[0].strip() or None)


# -- CheckThat! verified claims ---------------------------------------------------------------------
def read_checkthat(path: Path) -> Iterator[Item]:
    """CheckThat! verified claims (JSONL or JSONL.gz): vclaim_id, vclaim, and optionally title,
    subtitle, speaker, date, truth_label, url/page_url. Snopes ids are vclaim-sno-*, PolitiFact
    ids vclaim-pol-*."""
    for n, record in _jsonl(path):
        where = f"{path}:{n}"
        if isinstance(record, Problem):
            yield record
            continue
        claim = clean(record.get("vclaim"))
        if not claim:
            yield Problem(where, "record has no vclaim text")
            continue
        vid = clean(record.get("vclaim_id")) or ""
        publisher = "PolitiFact" if "-pol-" in vid else "Snopes" if "-sno-" in vid else clean(record.get("publisher"))
        url = clean(record.get("page_url") or record.get("url"))
        if url and url.startswith("/") and publisher == "PolitiFact":
            url = "https://www.politifact.com" + url
        url = web_url(url)
        date_text = clean(record.get("date"))
        claim_date = None
        if date_text and date_text.lower().startswith("stated on"):
            m = re.match(r"stated on (\w+ \d{1,2}, \d{4})", date_text, re.IGNORECASE)
            claim_date, date_text = (iso_date(m.group(1)) if m else None), None
        yield FactCheck(claim=claim, verdict=clean(record.get("truth_label")), publisher=publisher, url=url,
                        date=iso_date(date_text), speaker=clean(record.get("speaker") or record.get("author")),
                        claim_date=claim_date, title=clean(record.get("title")), source="checkthat",
                        source_id=vid or None)


# -- Share the Facts ----------------------------------------------------------------------------------
_PLACEHOLDERS = {"kill them all!", "test", "testing", "test statement", "this is a test"}


def read_sharethefacts(path: Path) -> Iterator[Item]:
    """Share the Facts ``facts.jsonl`` (the publishers come from ``organizations.jsonl`` beside it).
    Test rows, disabled rows and placeholder statements are skipped and reported."""
    orgs: dict[str, dict] = {}
    org_file = path.with_name("organizations.jsonl")
    if org_file.exists():
        for _, org in _jsonl(org_file):
            if isinstance(org, dict) and org.get("id") is not None:
                orgs[str(org["id"])] = org
    for n, record in _jsonl(path):
        where = f"{path}:{n}"
        if isinstance(record, Problem):
            yield record
            continue
        org = orgs.get(str(record.get("organization_id")), {})
        publisher = clean(org.get("name"))
        statement = clean(record.get("statement"))
        if record.get("testing") == "t" or publisher == "Test Org":
            yield Problem(where, "test record")
            continue
        if record.get("disabled") == "t":
            yield Problem(where, "disabled record")
            continue
        if not statement or statement.lower() in _PLACEHOLDERS:
            yield Problem(where, "empty or placeholder statement")
            continue
        rating = clean(record.get("rating")) or clean(record.get("custom_rating_text"))
        if not rating or rating.lower() in {"custom text", "see our report"}:
            rating = clean(record.get("custom_rating_text")) or None
        yield FactCheck(claim=statement, verdict=rating, publisher=publisher, url=web_url(record.get("redirectURL")),
                        date=iso_date(record.get("created_at")), speaker=clean(record.get("speaker")),
                        claim_date=iso_date(record.get("date")), title=clean(record.get("publication")),
                        source="sharethefacts", source_id=clean(record.get("uuid") or record.get("id")))


# -- helpers ---------------------------------------------------------------------------------------
def _jsonl(path: Path) -> Iterable[tuple[int, dict | Problem]]:
    for n, record in json_lines(path):
        ok = isinstance(record, dict | Problem)
        yield n, record if ok else Problem(f"{path}:{n}", "expected a JSON object")


def require_utf8(path: Path) -> None:
    """Refuse, before a record is stored, a file that is not UTF-8 (or a .gz that is damaged): found
    half-way through an import, it would leave the batches before it in the store, uncounted.
    One pass over the bytes: 0.01 s for 65 MB of JSON Lines, 0.08 s for the same gzipped."""
    import codecs
    import gzip
    import zlib

    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    try:
        with open_binary(path) as handle:
            while chunk := handle.read(1 << 20):
                pending = len(decoder.getstate()[0])  # a character cut by the last chunk's end
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:  # exc.start counts from the pending bytes
                    raise InputError(f"not UTF-8 text ({exc.reason} at byte {offset - pending + exc.start:,}); "
                                     "fact-check files are read as UTF-8", str(path)) from None
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (the file ends inside a character: {exc.reason})", str(path)) from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputError(f"not a readable gzip file ({exc})", str(path)) from None


def _first_keys(path: Path) -> set[str]:
    """The keys of the first JSON object (the document, or its first element or line), read as a
    stream and no further than a ClaimReview sign, so that telling a feed of several hundred MB
    apart reads only its start."""
    import ijson

    keys: set[str] = set()
    try:
        with open_binary(path) as handle:
            for prefix, event, value in parse(handle):
                if event == "map_key" and prefix in ("", "item"):
                    keys.add(value)
                    if value in _CLAIMREVIEW_KEYS:
                        break
                elif event == "end_map" and prefix in ("", "item"):
                    break
    except (ijson.JSONError, OSError, UnicodeDecodeError):
        pass
    return keys

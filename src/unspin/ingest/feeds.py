"""RSS and Atom feeds: one article per item, read with feedparser (JSON Feed: jsonfeed.py).

An item's full content (RSS ``content:encoded``, Atom ``<content>``) is preferred to its summary
(``<description>``, ``<summary>``); either may be an HTML fragment, extracted like any page, or
plain text. The feed's own title names the outlet unless the item carries a ``<source>``. Nothing
is fetched: feedparser is handed the bytes as a stream, never a string it could take for a URL.
"""
from __future__ import annotations

import datetime
import html
import io
import re
from collections.abc import Iterator

from ..document import Document
from ..errors import InputError
from .records import record_to_document

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
_FEED_START = re.compile(rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*|<\?xml-stylesheet[^>]*\?>\s*)*"
                         rb"<(rss|feed|rdf:RDF)\b", re.IGNORECASE | re.DOTALL)


def looks_like_feed(head: bytes) -> bool:
    return bool(_FEED_START.match(head[:4096]))


def iter_feed(data: bytes, where: str, max_bytes: int) -> Iterator[Document | InputError]:
    """A Document per feed item, or an InputError for an item that has no article text."""
    import feedparser

    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({_first_line(reason)})" if reason else ""
        yield InputError(f"not an RSS or Atom feed{detail}", where)
        return
    if not parsed.entries:
        yield InputError("the feed has no items", where)
        return
    outlet = parsed.feed.get("title")
    for number, entry in enumerate(parsed.entries, 1):
        here = f"{where}#item{number}"
        record = _record(entry, outlet)
        if not (record.get("html") or record.get("text") or "").strip():
            yield InputError("feed item has no text (neither content nor a description)", here)
            continue
        try:
            yield record_to_document(record, here, max_bytes)
        except InputError as exc:
            yield InputError(exc.message, here)


def _record(entry, outlet: str | None) -> dict:
    """The item as a record of the JSON/CSV readers (same fields, same checks)."""
    content = entry.get("content") or []
    detail = content[0] if content else entry.get("summary_detail")
    value = (detail or {}).get("value") or ""
    kind = "html" if "html" in ((detail or {}).get("type") or "text/html") else "text"
    source = (entry.get("source") or {}).get("title")
    return {
        "title": _plain(entry.get("title") or ""),
        kind: value,
        "url": entry.get("link"),
        "published": _date(entry),
        "outlet": source or outlet,
        "id": entry.get("id"),
        "author": entry.get("author"),
    }


def _date(entry) -> str | None:
    """ISO 8601 in UTC when feedparser could parse the item's date, else the date as written."""
    for key in ("published", "updated"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return datetime.datetime(*parsed[:6], tzinfo=datetime.UTC).isoformat()
        if entry.get(key):
            return entry[key]
    return None


_TAG = re.compile(r"<[^>]+>")


def _plain(title: str) -> str:
    """Atom allows markup in titles (type="html"); the headline is text."""
    return html.unescape(_TAG.sub("", title)).strip() if "<" in title else title


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__

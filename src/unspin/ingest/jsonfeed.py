"""JSON Feed (https://jsonfeed.org), the JSON sibling of RSS: its items become records of the JSON
reader, with the same fields and checks as any record."""
from __future__ import annotations

from ..errors import InputError


def is_json_feed(data: object) -> bool:
    """A JSON Feed: an object whose ``version`` names the format."""
    return isinstance(data, dict) and "jsonfeed.org" in str(data.get("version", "")) and "items" in data


def json_feed_records(feed: dict) -> list[object]:
    """Each item as a record of the JSON reader, or an InputError for an item with no text. A
    malformed item (not an object) stays as it is, for the reader to report."""
    records: list[object] = []
    for item in feed.get("items") or []:
        records.append(_record(item, feed.get("title")) if isinstance(item, dict) else item)
    return records


def _record(item: dict, outlet: str | None) -> dict | InputError:
    # content_text is the item's plain text; content_html (or a summary) goes through extraction.
    body = {"text": item["content_text"]} if item.get("content_text") else \
        {"html": item.get("content_html") or item.get("summary")}
    if not any(body.values()):
        return InputError("feed item has no text (neither content nor a summary)")
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
    names = [a["name"] for a in authors if isinstance(a, dict) and a.get("name")]
    return {"title": item.get("title") or "", **body, "url": item.get("url"),
            "published": item.get("date_published") or item.get("date_modified"), "outlet": outlet,
            "id": item.get("id"), "author": ", ".join(names) or None}

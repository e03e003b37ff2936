"""schema.org ClaimReview, as fact-checkers publish it: a single object, an array, an ``@graph``,
a ``DataFeed`` of them (the bulk form of fact-check feeds), JSON Lines, or the JSON-LD blocks of
an HTML fact-check page.

A JSON document is read as a stream (ijson): the elements of a top-level array, of a DataFeed's
``dataFeedElement`` and of an ``@graph`` are built one at a time, so a feed of several hundred MB
is imported in the memory of a few records. A malformed record is reported and skipped; a
document that stops being valid JSON half-way keeps the records read before the break.
"""
from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import IO

from ..jsonsafe import loads, parse
from .records import FactCheck, Problem, clean, iso_date, web_url

Item = FactCheck | Problem
# Arrays streamed element by element, by the ijson prefix of the array: the document itself,
# a DataFeed's elements, a JSON-LD graph.
_STREAMED = {"": "item", "dataFeedElement": "dataFeedElement.item", "@graph": "@graph.item"}
_ARRAY_OF = {element: array for array, element in _STREAMED.items()}
_HEAD = 1 << 20  # bytes read to tell JSON Lines from one document


def read_claimreview(path: Path) -> Iterator[Item]:
    where = str(path)
    if path.name.lower().endswith((".html", ".htm")):
        yield from _from_html(path, where)
    elif _is_json_lines(path):
        yield from _from_json_lines(path, where)
    else:
        yield from _from_document(path, where)


def _from_html(path: Path, where: str) -> Iterator[Item]:
    with open_text(path) as handle:
        blocks = _ld_json_blocks(handle.read())
    for n, block in enumerate(blocks, 1):
        try:
            yield from _claimreviews(loads(block), f"{where}#ld{n}")
        except json.JSONDecodeError as exc:
            yield Problem(f"{where}#ld{n}", f"invalid JSON-LD: {exc.msg}")


def _from_json_lines(path: Path, where: str) -> Iterator[Item]:
    for n, data in json_lines(path):
        if isinstance(data, Problem):
            yield data
        else:
            yield from _claimreviews(data, f"{where}:{n}")


def _from_document(path: Path, where: str) -> Iterator[Item]:
    """One JSON document, streamed: each element of a streamed array is built and read alone; what
    is left of the document (a single ClaimReview, the feed's own fields) is read at the end."""
    import ijson

    rest = ijson.ObjectBuilder()
    open_arrays: set[str] = set()
    seen: Counter[str] = Counter()
    with open_binary(path) as handle:
        events = parse(handle, use_float=True)
        try:
            for prefix, event, value in events:
                array = _ARRAY_OF.get(prefix)
                if array in open_arrays and event not in ("end_array", "end_map", "map_key"):
                    element = _build(events, event, value)
                    yield from _element(array, element, f"{where}{_label(array, seen[array])}")
                    seen[array] += 1
                    continue
                if prefix in _STREAMED and event == "start_array":
                    open_arrays.add(prefix)
                elif prefix in open_arrays and event == "end_array":
                    open_arrays.discard(prefix)
                rest.event(event, value)
        except ijson.JSONError as exc:
            yield Problem(where, f"invalid JSON: {_first_line(exc)}")
            return
    yield from _claimreviews(rest.value, where)


def _first_line(exc: Exception) -> str:
    """yajl's message, which may come as bytes and draws a pointer under the text on later lines."""
    message = exc.args[0] if exc.args else str(exc)
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    return str(message).strip().splitlines()[0] if str(message).strip() else type(exc).__name__


def _build(events, event: str, value: object) -> object:
    """The value that starts with this event, from the events that follow."""
    from ijson import ObjectBuilder

    builder = ObjectBuilder()
    builder.event(event, value)
    depth = event in ("start_map", "start_array")
    while depth:
        _, event, value = next(events)
        builder.event(event, value)
        depth += (event in ("start_map", "start_array")) - (event in ("end_map", "end_array"))
    return builder.value


def _label(array: str, index: int) -> str:
    return {"": "", "dataFeedElement": ".dataFeedElement", "@graph": "@graph"}[array] + f"[{index}]"


def _element(array: str, element: object, where: str) -> Iterator[Item]:
    if array == "dataFeedElement":
        return _feed_item(element, where)
    return _claimreviews(element, where, in_graph=array == "@graph")


def _claimreviews(data: object, where: str, in_graph: bool = False) -> Iterator[Item]:
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield from _claimreviews(item, f"{where}[{i}]", in_graph)
        return
    if not isinstance(data, dict):
        yield Problem(where, f"expected a ClaimReview object, got {type(data).__name__}")
        return
    if "@graph" in data:
        yield from _claimreviews(data["@graph"], f"{where}@graph", in_graph=True)
        return
    if "dataFeedElement" in data:  # a schema.org DataFeed, as fact-check feeds are published in bulk
        elements = data["dataFeedElement"]
        for i, element in enumerate(elements if isinstance(elements, list) else [elements]):
            yield from _feed_item(element, f"{where}.dataFeedElement[{i}]")
        return
    types = data.get("@type")
    types = types if isinstance(types, list) else [types]
    if "ClaimReview" not in types and "claimReviewed" not in data:
        if not in_graph:  # a page's @graph holds other nodes too (WebPage, Organization ...)
            yield Problem(where, f"not a ClaimReview (@type is {data.get('@type')!r})")
        return
    yield _one_claimreview(data, where)


def _feed_item(element: object, where: str) -> Iterator[Item]:
    """A DataFeedItem holds one ClaimReview or a list of them in ``item`` (an element that is
    itself a ClaimReview is taken as it is)."""
    if isinstance(element, dict) and "item" in element:
        yield from _claimreviews(element["item"], f"{where}.item")
    elif isinstance(element, dict) and ("claimReviewed" in element or element.get("@type") == "ClaimReview"):
        yield _one_claimreview(element, where)
    else:
        yield Problem(where, "DataFeed element without an item")


def _one_claimreview(data: dict, where: str) -> Item:
    claim = clean(data.get("claimReviewed"))
    if not claim or not isinstance(data.get("claimReviewed"), str):
        return Problem(where, "ClaimReview has no claimReviewed text")
    verdict = _verdict(data.get("reviewRating"))
    if not verdict:
        return Problem(where, "ClaimReview has no reviewRating (alternateName, textualRating or ratingValue)")
    item = data.get("itemReviewed") if isinstance(data.get("itemReviewed"), dict) else {}
    return FactCheck(
        # The fact-checker is the ClaimReview's author; some sites name it as the publisher only.
        claim=claim, verdict=verdict, publisher=_name(data.get("author")) or _name(data.get("publisher")),
        url=web_url(data.get("url")),
        date=iso_date(data.get("datePublished")), speaker=_name(item.get("author")),
        claim_date=iso_date(item.get("datePublished")), title=clean(data.get("name") or data.get("headline")),
        source="claimreview", language=_language(data.get("inLanguage")))


def _verdict(rating: object) -> str | None:
    if isinstance(rating, list):
        rating = rating[0] if rating else None
    if not isinstance(rating, dict):
        return None
    verdict = clean(rating.get("alternateName")) or clean(rating.get("textualRating"))
    if not verdict and rating.get("ratingValue") not in (None, ""):
        best = rating.get("bestRating")
        verdict = f"{rating['ratingValue']}/{best}" if best not in (None, "") else str(rating["ratingValue"])
    return verdict


def _language(value: object) -> str | None:
    """schema.org inLanguage: a language code ("en", "hi-IN"), or a Language with a name and
    an alternateName (the code)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return clean(value)


def _name(value: object) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return clean(value.get("name"))
    return clean(value) if isinstance(value, str) else None


class _LdJson(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and dict(attrs).get("type", "").lower() == "application/ld+json"
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.blocks[-1] += data


def _ld_json_blocks(html: str) -> list[str]:
    parser = _LdJson()
    parser.feed(html)
    return [b for b in parser.blocks if b.strip()]


# -- reading files ---------------------------------------------------------------------------------
def open_binary(path: Path) -> IO[bytes]:
    """The file's bytes (gunzipped for .gz), after a UTF-8 byte-order mark if there is one."""
    handle = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")  # noqa: SIM115 (returned)
    if handle.peek(3)[:3] == b"\xef\xbb\xbf":
        handle.read(3)
    return handle


def open_text(path: Path) -> IO[str]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    return opener(path, "rt", encoding="utf-8-sig")


def json_lines(path: Path) -> Iterator[tuple[int, object]]:
    """(line number, value) of each non-empty line, or a Problem for a line that is not JSON."""
    with open_text(path) as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield n, loads(line)
            except json.JSONDecodeError as exc:
                yield n, Problem(f"{path}:{n}", f"invalid JSON: {exc.msg}")


def _is_json_lines(path: Path) -> bool:
    """JSON Lines when named so, or when the first line is a whole JSON value with more after it
    (the first line of a pretty-printed document is "{" or "[", and a one-line document has nothing
    after it)."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".jsonl", ".ndjson")):
        return True
    with open_binary(path) as handle:
        head = handle.read(_HEAD).decode("utf-8", errors="replace").lstrip()
    line, newline, rest = head.partition("\n")
    if not newline or not rest.strip():
        return False
    try:
        loads(line)
    except json.JSONDecodeError:
        return False
    return True

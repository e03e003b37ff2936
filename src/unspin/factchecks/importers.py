"""Importers: ClaimReview (JSON-LD), LIAR TSV, CheckThat! verified claims, Share the Facts.

Each importer yields :class:`FactCheck` records or :class:`Problem` reports; a malformed record
is reported and skipped, never fatal for the rest of the file.
"""
from __future__ import annotations

import csv
import gzip
import json
import re
import sys
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from ..errors import InputError
from .records import FactCheck, Problem, clean, iso_date

Item = FactCheck | Problem
FORMATS = ("claimreview", "liar", "checkthat", "sharethefacts")
csv.field_size_limit(sys.maxsize)


def detect_format(path: Path) -> str:
    """Guess the format from the name and the first record."""
    name = path.name.lower()
    if name.endswith((".html", ".htm")):
        return "claimreview"
    if name.endswith(".tsv"):
        return "liar"
    first = _first_json(path)
    if isinstance(first, dict):
        if "@type" in first or "claimReviewed" in first or "@graph" in first or "@context" in first:
            return "claimreview"
        if "vclaim" in first:
            return "checkthat"
        if "statement" in first and "organization_id" in first:
            return "sharethefacts"
    raise InputError("cannot tell the format of this file; use --format "
                     f"({', '.join(FORMATS)})", str(path))


def read_file(path: Path, fmt: str | None = None) -> Iterator[Item]:
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


# -- ClaimReview --------------------------------------------------------------------------------
def read_claimreview(path: Path) -> Iterator[Item]:
    """schema.org ClaimReview: a single object, an array, an @graph, a DataFeed of them (the bulk
    form fact-check feeds are published in), JSON Lines, or the JSON-LD blocks of an HTML
    fact-check page."""
    where = str(path)
    if path.name.lower().endswith((".html", ".htm")):
        blocks = _ld_json_blocks(_read_text(path))
        for n, block in enumerate(blocks, 1):
            try:
                yield from _claimreviews(json.loads(block), f"{where}#ld{n}")
            except json.JSONDecodeError as exc:
                yield Problem(f"{where}#ld{n}", f"invalid JSON-LD: {exc.msg}")
        return
    text = _read_text(path)
    try:
        yield from _claimreviews(json.loads(text), where)
        return
    except json.JSONDecodeError:
        pass
    for n, line in enumerate(text.splitlines(), 1):  # JSON Lines
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(f"{where}:{n}", f"invalid JSON: {exc.msg}")
            continue
        yield from _claimreviews(data, f"{where}:{n}")


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
        yield from _feed_items(data["dataFeedElement"], f"{where}.dataFeedElement")
        return
    types = data.get("@type")
    types = types if isinstance(types, list) else [types]
    if "ClaimReview" not in types and "claimReviewed" not in data:
        if not in_graph:  # a page's @graph holds other nodes too (WebPage, Organization ...)
            yield Problem(where, f"not a ClaimReview (@type is {data.get('@type')!r})")
        return
    yield _one_claimreview(data, where)


def _feed_items(elements: object, where: str) -> Iterator[Item]:
    """The ClaimReviews of a DataFeed: each DataFeedItem holds one or a list of them in ``item``
    (an element that is itself a ClaimReview is taken as it is)."""
    for i, element in enumerate(elements if isinstance(elements, list) else [elements]):
        here = f"{where}[{i}]"
        if isinstance(element, dict) and "item" in element:
            yield from _claimreviews(element["item"], f"{here}.item")
        elif isinstance(element, dict) and ("claimReviewed" in element or element.get("@type") == "ClaimReview"):
            yield _one_claimreview(element, here)
        else:
            yield Problem(here, "DataFeed element without an item")


def _one_claimreview(data: dict, where: str) -> Item:
    claim = clean(data.get("claimReviewed"))
    if not claim or not isinstance(data.get("claimReviewed"), str):
        return Problem(where, "ClaimReview has no claimReviewed text")
    rating = data.get("reviewRating")
    if isinstance(rating, list):
        rating = rating[0] if rating else None
    verdict = None
    if isinstance(rating, dict):
        verdict = clean(rating.get("alternateName")) or clean(rating.get("textualRating"))
        if not verdict and rating.get("ratingValue") not in (None, ""):
            best = rating.get("bestRating")
            verdict = f"{rating['ratingValue']}/{best}" if best not in (None, "") else str(rating["ratingValue"])
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
def web_url(value: object) -> str | None:
    """Keep http(s) links only: a fact-check URL is shown as a link, so javascript: never gets in."""
    url = clean(value)
    return url if url and url.lower().startswith(("http://", "https://")) else None



def _read_text(path: Path) -> str:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig") as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", str(path)) from None


def _jsonl(path: Path) -> Iterable[tuple[int, dict | Problem]]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield n, Problem(f"{path}:{n}", f"invalid JSON: {exc.msg}")
                continue
            yield n, record if isinstance(record, dict) else Problem(f"{path}:{n}", "expected a JSON object")


def _first_json(path: Path) -> object:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig") as handle:
            head = handle.read(1 << 20)
    except (OSError, UnicodeDecodeError):
        return None
    try:
        data = json.loads(head)
    except json.JSONDecodeError:
        line = head.split("\n", 1)[0]
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            return None
    if isinstance(data, list):
        return data[0] if data else None
    return data

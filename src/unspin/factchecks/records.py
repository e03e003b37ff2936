"""A fact-check record as the store keeps it, whatever format it came from."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import datetime

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_EDGE_PUNCT = re.compile(r"^[\s\"'“”‘’.,;:!?-]+|[\s\"'“”‘’.,;:!?-]+$")


@dataclass
class FactCheck:
    claim: str
    verdict: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: str | None = None  # when the fact-check was published (ISO date when it parses)
    speaker: str | None = None  # who made the claim
    claim_date: str | None = None
    title: str | None = None
    source: str = ""  # the importer: claimreview, liar, checkthat, sharethefacts
    source_id: str | None = None
    language: str | None = None  # as the record declares it (ClaimReview inLanguage)

    @property
    def english(self) -> bool:
        """English, or not declared: the matcher's embedding model reads English only."""
        code = (self.language or "en").strip().lower()
        return code in ("en", "eng", "english") or code.startswith(("en-", "en_"))

    @property
    def key(self) -> str:
        """Same claim from the same publisher = same record (re-imports and duplicates collapse)."""
        raw = f"{normalize_claim(self.claim)}\x1f{(self.publisher or '').strip().lower()}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]

    def to_row(self) -> dict:
        return {"id": self.key, **asdict(self)}


@dataclass
class Problem:
    """A record that could not be imported, and why (reported, then skipped)."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def normalize_claim(text: str) -> str:
    return _EDGE_PUNCT.sub("", _SPACE.sub(" ", text.lower())).strip()


def web_url(value: object) -> str | None:
    """Keep http(s) links only: a fact-check URL is shown as a link, so javascript: never gets in."""
    url = clean(value)
    return url if url and url.lower().startswith(("http://", "https://")) else None


def clean(value: object) -> str | None:
    """A field as one line of text: numbers become text; a list or an object is not text (it
    would be stored as its Python repr); control characters are dropped."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    text = _SPACE.sub(" ", _CONTROL.sub("", str(value))).strip()
    return text or None


_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%d %B %Y", "%B %d, %Y",
                 "%b %d, %Y", "%Y/%m/%d")


def iso_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD) when the value is one of the common formats, else the text as is."""
    text = clean(value)
    if not text:
        return None
    head = text[:19]
    for fmt in _DATE_FORMATS:
        for candidate in (text, head, text[:10]):
            try:
                return datetime.strptime(candidate, fmt).date().isoformat()
            except ValueError:
                continue
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        try:
            return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3))).date().isoformat()
        except ValueError:
            pass
    return text

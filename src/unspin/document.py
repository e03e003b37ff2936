"""The document every layer reads: canonical text plus metadata.

The canonical text is ``title + "\\n\\n" + body`` (the layout of a PTC article file), and every
offset unspin reports counts Unicode code points into it, start inclusive, end exclusive.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

TITLE_SEPARATOR = "\n\n"


def canonical_text(title: str, body: str) -> str:
    return f"{title}{TITLE_SEPARATOR}{body}"


def content_hash(text: str) -> str:
    """Stable document key: the first 16 hex digits of SHA-256 over the canonical text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class Document:
    """One article: ``Document(title=..., body=...)``; ``text`` is derived from them, never edited."""

    title: str
    body: str
    id: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    source: str | None = None  # where it was read from (path, "<stdin>", "file.jsonl:3")
    language: str | None = None  # filled by the pipeline's language step
    outlet_rating: dict | None = None  # third-party outlet-level context (analyzers/outlet.py)
    text: str = field(init=False)

    def __post_init__(self) -> None:
        for name in ("title", "body"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"Document.{name} must be text (str), not {type(getattr(self, name)).__name__}")
        for name in ("id", "url", "outlet", "published", "author", "source", "language"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise TypeError(f"Document.{name} must be text (str) or None, not {type(getattr(self, name)).__name__}")
        # A title is one line; it is otherwise kept exactly so offsets match the input file.
        self.title = self.title.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        self.text = canonical_text(self.title, self.body)
        if not self.id:
            self.id = self.doc_id

    @property
    def doc_id(self) -> str:
        return content_hash(self.text)

    @property
    def body_start(self) -> int:
        """Offset of the first body character in ``text``."""
        return len(self.title) + len(TITLE_SEPARATOR)

    @property
    def title_span(self) -> tuple[int, int]:
        return 0, len(self.title)

    def metadata(self) -> dict:
        meta = {
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "url": self.url,
            "outlet": self.outlet,
            "published": self.published,
            "language": self.language,
            "author": self.author,
        }
        if self.outlet_rating:
            meta["outlet_rating"] = dict(self.outlet_rating)
        return meta


@dataclass(frozen=True)
class Sentence:
    """A sentence as offsets into the canonical text (title counts as one sentence)."""

    start: int
    end: int
    in_title: bool = False

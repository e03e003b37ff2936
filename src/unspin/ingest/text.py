"""Plain text: line 1 is the headline, line 2 empty, then the body (the PTC layout)."""
from __future__ import annotations

from ..document import Document
from ..errors import InputError


def parse_text(text: str, title: str | None = None, **meta) -> Document:
    """Split ``text`` into headline and body.

    When the second line is not empty the whole text is body (no headline), as the contract
    says; ``title`` overrides the headline either way.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError("empty input: only whitespace")
    first, sep, rest = text.partition("\n")
    if sep and (rest.startswith("\n") or rest == ""):
        headline, body = first, rest[1:]
    else:
        headline, body = "", text
    if title is not None:
        headline = title
    return Document(title=headline, body=body, **meta)

"""HTML pages: main text and metadata through trafilatura (boilerplate dropped)."""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from ..document import Document
from ..errors import InputError
from ..urls import host_of

MIN_LETTERS = 20  # below this the "article" is leftover navigation, not text to analyse
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|article|div|p)\b",
                         re.IGNORECASE | re.DOTALL)


def looks_like_html(head: bytes) -> bool:
    return bool(_HTML_START.match(head[:2048]))


def parse_html(html: str, url: str | None = None, title: str | None = None, **meta) -> Document:
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                                include_comments=False, include_tables=True)
        if not _text_of(extracted):
            # trafilatura gives up on texts under 250 characters; a feed item's HTML fragment
            # ("<p>The senator said ...</p>") is often that short, so try once more with that
            # threshold lowered (only here: on whole pages the default picks better fallbacks).
            extracted = trafilatura.bare_extraction(f"<html><body>{html}</body></html>", url=url,
                                                    with_metadata=True, include_comments=False,
                                                    include_tables=True, config=_short_text_config())
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        raise InputError(f"cannot parse HTML ({type(exc).__name__})") from exc
    body = _text_of(extracted)
    if not body:
        raise InputError("no article text could be extracted from this HTML page")
    headline = title if title is not None else (extracted.title or "")
    body = _drop_repeated_headline(body, headline)
    if sum(ch.isalpha() for ch in body) < MIN_LETTERS:
        raise InputError("no article text could be extracted from this HTML page "
                         f"(under {MIN_LETTERS} letters of main text)")
    page_url = meta.pop("url", None) or url or extracted.url
    outlet = meta.pop("outlet", None) or extracted.sitename or host_of(page_url)
    return Document(title=headline, body=body, url=page_url, outlet=outlet,
                    published=meta.pop("published", None) or extracted.date,
                    author=meta.pop("author", None) or extracted.author, **meta)


def _text_of(extracted) -> str:
    return (getattr(extracted, "text", None) or "").strip() if extracted else ""


@lru_cache(maxsize=1)
def _short_text_config():
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(MIN_LETTERS))
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", str(MIN_LETTERS))
    return config


def _drop_repeated_headline(body: str, headline: str) -> str:
    """trafilatura keeps the page's <h1> as the first body line; the headline is already the title."""
    first, sep, rest = body.partition("\n")
    if headline and sep and first.strip() == headline.strip():
        return rest
    return body


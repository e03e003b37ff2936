"""Web addresses: the site an article comes from."""
from __future__ import annotations

from urllib.parse import urlparse


def host_of(url: str | None) -> str | None:
    """The site of a web address, lower-case and without "www." ("opednews.com"); None when the
    address has none or does not parse. An outlet name when nothing better is given, and the key
    of the outlet-rating table."""
    if not url:
        return None
    try:
        host = urlparse(url).hostname or ""
    except ValueError:  # e.g. a malformed IPv6 address
        return None
    return host.lower().removeprefix("www.") or None

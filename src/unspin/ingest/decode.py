"""Bytes to text: refuse what is not text, detect the encoding of what is."""
from __future__ import annotations

import codecs
import re

from ..errors import InputError
from .limits import human_size

# Signatures of common binary formats people drop on a text tool by mistake.
_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or .docx/.xlsx)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "gzip-compressed data",
    b"\xd0\xcf\x11\xe0": "an MS Office document",
    b"\x7fELF": "an executable",
    b"PAR1": "a Parquet file",
}


def check_size(size: int, max_bytes: int) -> None:
    if size == 0:
        raise InputError("empty input: nothing to analyse")
    if size > max_bytes:
        given, limit = human_size(size), human_size(max_bytes)
        if given == limit:  # "5.0 MB, over the 5.0 MB limit" says nothing: give the bytes
            given, limit = f"{size:,} bytes", f"{max_bytes:,}-byte"
        raise InputError(f"input is {given}, over the {limit} limit (raise it with --max-bytes or UNSPIN_MAX_BYTES)")


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of ``data``, or None when it looks like text."""
    for magic, name in _MAGIC.items():
        if data.startswith(magic):
            return name
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # UTF-16 text legitimately contains NUL bytes
    if b"\x00" in head:
        return "binary data"
    return None


def decode_bytes(data: bytes, max_bytes: int) -> str:
    """Decode ``data`` to str, or raise InputError with the reason it cannot be read as text."""
    check_size(len(data), max_bytes)
    kind = sniff_binary(data)
    if kind:
        raise InputError(f"binary file ({kind}), not an article")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _detect_and_decode(data)
    if not text.strip():
        raise InputError("empty input: only whitespace")
    return text


def _detect_and_decode(data: bytes) -> str:
    from charset_normalizer import from_bytes

    declared = _declared_charset(data)
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise InputError("cannot detect the text encoding (not UTF-8, and no other encoding fits)")
    # Detection is unreliable on short texts, and Windows-1252 is by far the most common legacy
    # encoding of English news: prefer it when it reads about as cleanly as the best guess.
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if western is not None and western.chaos - best.chaos <= 0.1:
        return str(western)
    return str(best)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None

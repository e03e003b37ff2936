"""WARC / WARC.gz archives (warcio): each HTML response record becomes a Document."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..document import Document
from ..errors import InputError
from .decode import decode_bytes
from .html import parse_html
from .limits import Limits


def iter_warc(path: Path, limits: Limits) -> Iterator[Document | InputError]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with open(path, "rb") as handle:
            for record in _records(ArchiveIterator(handle)):
                if record.rec_type != "response" or record.http_headers is None:
                    continue  # requests, metadata, warcinfo: not articles
                ctype = (record.http_headers.get_header("Content-Type") or "").lower()
                if "html" not in ctype:
                    continue  # images, scripts, feeds
                url = record.rec_headers.get_header("WARC-Target-URI")
                where = f"{path}#{url}"
                data = record.content_stream().read(limits.max_bytes + 1)
                try:
                    text = _decode(data, ctype, limits.max_bytes)
                    yield parse_html(text, url=url, source=where)
                except InputError as exc:
                    yield InputError(exc.message, where)
    except ArchiveLoadFailed as exc:
        raise InputError(f"not a readable WARC archive ({exc})") from None


def _records(archive) -> Iterator:
    """The archive's records; a damaged one ends the archive with one clear error. warcio reports
    some damage as ArchiveLoadFailed, and some as whatever its parsing ran into (a response record
    without a WARC-Target-URI gives AttributeError)."""
    from warcio.exceptions import ArchiveLoadFailed

    count = 0
    while True:
        try:
            record = next(archive)
        except StopIteration:
            return
        except ArchiveLoadFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure inside warcio is a damaged archive
            raise InputError(f"damaged WARC record after {count} good ones "
                             f"({type(exc).__name__}: {exc})") from None
        count += 1
        yield record


def _decode(data: bytes, content_type: str, max_bytes: int) -> str:
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip().strip('"')
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data, max_bytes)

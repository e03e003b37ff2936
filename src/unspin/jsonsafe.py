"""Untrusted JSON: nesting too deep for the parser is a JSON error like any other.

A file of ``[[[[...`` makes Python's ``json`` raise RecursionError, and makes ijson keep a prefix
string per level (so 100,000 levels take over 20 GB). Both readers go through here, so every
reader of a user's file reports such a file as invalid JSON, in one line, and goes on.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import BinaryIO

MAX_DEPTH = 100  # ClaimReview feeds nest about 10 levels; article records 2
# ijson's C backend makes every event of a read buffer, with its prefix, before yielding the first,
# so a buffer of n "[" costs O(n^2): 2 KB keeps that near 10 MB, and parses a 52 MB feed faster than
# the 64 KB default (0.50 against 0.65 s).
IJSON_BUFFER = 2048


def loads(text: str | bytes) -> object:
    """``json.loads``; nesting deeper than Python's parser allows raises JSONDecodeError too."""
    try:
        return json.loads(text)
    except RecursionError:
        doc = text if isinstance(text, str) else ""
        raise json.JSONDecodeError("nested too deeply", doc, 0) from None


def parse(handle: BinaryIO, limit: int = MAX_DEPTH, **options) -> Iterator[tuple]:
    """``ijson.parse`` events, stopped with ijson's JSONError when nesting passes ``limit``."""
    import ijson

    return bounded(ijson.parse(handle, buf_size=IJSON_BUFFER, **options), limit)


def bounded(events: Iterable[tuple], limit: int = MAX_DEPTH) -> Iterator[tuple]:
    """The events as they come, until one opens a level deeper than ``limit``."""
    from ijson import JSONError

    depth = 0
    for item in events:
        event = item[1]
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > limit:
                raise JSONError(f"nested more than {limit} levels deep")
        elif event in ("end_map", "end_array"):
            depth -= 1
        yield item

"""Input limits, configurable by flag or environment variable."""
from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 5_000_000  # a long feature article is ~100 KB of HTML, a huge page ~3 MB


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES  # per document (a text/HTML file, or one record)
    # Record files (JSONL/CSV) are streamed; a JSON array must be read whole, so it gets a cap.
    max_json_bytes: int = 50 * DEFAULT_MAX_BYTES

    @classmethod
    def from_env(cls, max_bytes: int | None = None) -> Limits:
        from ..errors import InputError

        raw = os.environ.get("UNSPIN_MAX_BYTES", str(DEFAULT_MAX_BYTES))
        try:
            value = max_bytes or int(raw)
        except ValueError:
            raise InputError(f"UNSPIN_MAX_BYTES must be a whole number of bytes, not {raw!r}") from None
        if value <= 0:
            raise InputError("the size limit must be a positive number of bytes")
        return cls(max_bytes=value, max_json_bytes=50 * value)


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} bytes"

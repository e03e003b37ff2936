"""Input limits, configurable by flag or environment variable."""
from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 5_000_000  # a long feature article is ~100 KB of HTML, a huge page ~3 MB
# The analysis keeps the encoder's states for the whole text, so its memory grows with the text
# (measured, full analysis: 1M characters 31 s and 0.94 GB, 2.1M 69 s and 1.5 GB). News articles
# stay under ~150k characters; 1M is about 170,000 words.
DEFAULT_MAX_CHARS = 1_000_000


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES  # per document (a text/HTML file, or one record)
    # Record files (JSONL/CSV) are streamed; a JSON array must be read whole, so it gets a cap.
    max_json_bytes: int = 50 * DEFAULT_MAX_BYTES
    max_chars: int = DEFAULT_MAX_CHARS  # per document, of the text left after extraction

    @classmethod
    def from_env(cls, max_bytes: int | None = None) -> Limits:
        value = max_bytes or _env_number("UNSPIN_MAX_BYTES", DEFAULT_MAX_BYTES, "bytes")
        chars = _env_number("UNSPIN_MAX_CHARS", DEFAULT_MAX_CHARS, "characters")
        if value <= 0:
            from ..errors import InputError

            raise InputError("the size limit must be a positive number of bytes")
        return cls(max_bytes=value, max_json_bytes=50 * value, max_chars=chars)

    def check_text(self, text: str) -> None:
        """Refuse a document whose text is over ``max_chars`` (after HTML extraction)."""
        if len(text) > self.max_chars:
            from ..errors import InputError

            raise InputError(f"text is {len(text):,} characters long, over the {self.max_chars:,}-character "
                             "limit (raise it with UNSPIN_MAX_CHARS)")


def _env_number(name: str, default: int, unit: str) -> int:
    from ..errors import InputError

    raw = os.environ.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name} must be a whole number of {unit}, not {raw!r}") from None
    if value <= 0:
        raise InputError(f"{name} must be a positive number of {unit}, not {raw!r}")
    return value


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} bytes"

"""Ingestion: bytes from files, folders, stdin, records and WARC archives to Documents."""
from .html import parse_html
from .limits import Limits
from .readers import SUPPORTED, read_inputs
from .text import parse_text

__all__ = ["Limits", "SUPPORTED", "parse_html", "parse_text", "read_inputs"]

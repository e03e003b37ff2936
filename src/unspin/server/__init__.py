"""``unspin serve``: the HTTP API under /v1/ and the web page at /, over the same pipeline."""
from .app import Settings, create_app

__all__ = ["Settings", "create_app"]

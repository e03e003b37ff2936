"""unspin: shows how a news article works on its reader, with character-exact evidence.

>>> import unspin
>>> result = unspin.analyze("Senate passes bill\\n\\nShare this if you agree!")
>>> [(s.layer, s.label) for s in result.spans]
[('engagement', 'share')]
"""
from __future__ import annotations

from functools import lru_cache

from .analysis import SCHEMA_ID, Analysis, Attribution, Claim, FactCheckMatch, Span
from .analyzers.base import Analyzer
from .analyzers.base import register as register_analyzer
from .analyzers.propaganda import classify_techniques
from .document import Document
from .errors import AnalyzerError, InputError, UnspinError
from .pipeline import Pipeline, available_analyzers

__version__ = "0.1.0"
__all__ = ["SCHEMA_ID", "Analysis", "Analyzer", "AnalyzerError", "Attribution", "Claim", "Document",
           "FactCheckMatch", "InputError", "Pipeline", "Span", "UnspinError", "analyze", "available_analyzers",
           "classify_techniques", "register_analyzer", "__version__"]


def analyze(article: str | bytes | Document, title: str | None = None, *, url: str | None = None,
            outlet: str | None = None, published: str | None = None, html: bool = False,
            analyzers: list[str] | None = None) -> Analysis:
    """Analyse one article given as text (headline line, empty line, body), HTML, or a Document.

    Uses a cached default pipeline, so repeated calls do not reload models; for many documents
    build a :class:`Pipeline` and call :meth:`Pipeline.analyze` to batch them.
    """
    if isinstance(article, bytes):  # a file's bytes: the CLI's encoding detection and binary check
        from .ingest.decode import decode_bytes

        article = decode_bytes(article, max_bytes=len(article) + 1)  # the API sets no size limit, as for str
    if isinstance(article, Document):
        doc = article
    elif not isinstance(article, str):
        raise TypeError(f"unspin.analyze takes the article as text (str), bytes or a Document, "
                        f"not {type(article).__name__}")
    else:
        from .ingest import parse_html, parse_text

        meta = {k: v for k, v in {"url": url, "outlet": outlet, "published": published}.items() if v}
        doc = parse_html(article, title=title, **meta) if html else parse_text(article, title=title, **meta)
    pipeline = _default_pipeline(tuple(analyzers) if analyzers is not None else None)
    return pipeline(doc)


@lru_cache(maxsize=4)
def _default_pipeline(analyzers: tuple[str, ...] | None) -> Pipeline:
    return Pipeline(list(analyzers) if analyzers is not None else None)

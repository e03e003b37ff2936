"""Self-contained HTML report: article with highlights by layer, legend, panel, evidence lists.

All article text goes through Jinja2 autoescaping or ``markupsafe.escape``; the page also carries
a Content-Security-Policy that allows only its own inline script (by hash), so even a mistake in
escaping could not run injected code.
"""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import resources
from urllib.parse import urlparse

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..analysis import QUOTED, Analysis, Span
from ..techniques import definition, display_name
from .highlight import LAYER_PRIORITY, LAYER_TITLES, ordered_spans, segments
from .summary import claim_counts, headline_verdict, score_lines


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("unspin.render", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["safe_href"] = safe_href
    return env


@cache
def asset(name: str) -> str:
    return resources.files("unspin.render").joinpath("assets", name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_html(analyses: Sequence[Analysis], page_title: str | None = None) -> str:
    script = asset("unspin.js")
    reports = [report_context(a, f"d{n}") for n, a in enumerate(analyses)]
    title = page_title or (analyses[0].document.title if len(analyses) == 1 else
                           f"{len(analyses)} articles")
    return _env().get_template("page.html.j2").render(
        title=title or "unspin report", reports=reports, css=Markup(asset("unspin.css")),
        script=Markup(script), script_hash=script_hash(script))


def render_fragment(analysis: Analysis, prefix: str = "d0") -> str:
    """The report of one document without the page around it (used by the web app)."""
    return _env().get_template("report.html.j2").render(r=report_context(analysis, prefix))


def report_context(analysis: Analysis, prefix: str) -> dict:
    spans = ordered_spans(analysis.spans)
    doc = analysis.document
    total, unattributed = claim_counts(analysis)
    return {
        "prefix": prefix,
        "doc": doc,
        "verdict": headline_verdict(analysis),
        "meta": [x for x in (doc.outlet, doc.published, doc.author and f"by {doc.author}",
                             doc.language and f"language: {doc.language}") if x],
        "url": doc.url,
        "scores": score_lines(analysis),
        "article": article_html(analysis.text, spans, prefix),
        "legend": [(layer, LAYER_TITLES[layer], sum(1 for s in spans if s.layer == layer))
                   for layer in LAYER_PRIORITY],
        "findings": _findings(analysis.text, spans, prefix),
        "claims": sorted(analysis.claims, key=lambda c: -c.checkworthiness),
        "claims_run": "claims" in analysis.models,
        "claim_total": total,
        "claim_unattributed": unattributed,
        "warnings": analysis.warnings,
        "models": analysis.models,
        "total_ms": sum(analysis.timings_ms.values()),
    }


def article_html(text: str, spans: Sequence[Span], prefix: str) -> Markup:
    parts: list[str] = []
    for seg in segments(len(text), spans):
        chunk = escape(text[seg.start:seg.end])
        if not seg.spans:
            parts.append(chunk)
            continue
        layers = seg.layers(spans)
        tip = " | ".join(_tooltip(spans[i]) for i in seg.spans)
        ids = " ".join(f"{prefix}-s{i}" for i in seg.spans)
        parts.append(Markup('<mark class="hl l-{}" tabindex="0" data-layers="{}" data-spans="{}" '
                            'title="{}">{}</mark>').format(layers[0], " ".join(layers), ids, tip, chunk))
    return Markup("").join(parts)


def _tooltip(span: Span) -> str:
    label = display_name(span.label) if span.layer == "propaganda" else span.label
    return f"{LAYER_TITLES[span.layer]}: {label} · score {span.score:.2f} · {span.explanation}"


def _findings(text: str, spans: Sequence[Span], prefix: str) -> list[dict]:
    groups = []
    for layer in LAYER_PRIORITY:
        items = [{"id": f"{prefix}-s{i}", "span": s, "text": text[s.start:s.end],
                  "label": display_name(s.label) if layer == "propaganda" else s.label,
                  "definition": definition(s.label) if layer == "propaganda" else "",
                  "quoted": QUOTED in s.explanation}
                 for i, s in enumerate(spans) if s.layer == layer]
        if items:
            groups.append({"layer": layer, "title": LAYER_TITLES[layer], "items": items})
    return groups


def safe_href(url: str | None) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:) is shown as text."""
    if not url:
        return None
    try:
        scheme = urlparse(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in {"http", "https"} else None

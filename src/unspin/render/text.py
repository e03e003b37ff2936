"""Terminal report (rich): verdicts and scores, the article with highlights, then the evidence."""
from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..analysis import Analysis, Claim
from ..techniques import definition, display_name
from .highlight import LAYER_PRIORITY, LAYER_TITLES, PAINT_ORDER, ordered_spans
from .summary import claim_counts, headline_verdict, score_lines

STYLES = {
    "propaganda": "bold red",
    "bias": "blue underline",
    "headline": "magenta",
    "engagement": "black on yellow",
    "attribution": "cyan",
}
MAX_ARTICLE_CHARS = 20_000  # beyond this the article body is cut in the terminal (never in JSON/HTML)
# Article text (and a store's fact-checks) can carry terminal escape sequences that would recolour,
# move the cursor or retitle the window, and bidi overrides that would reverse what is shown. Each
# becomes one visible character, so offsets into the text still line up: C0 controls as Unicode's
# control pictures (ESC shows as ␛), DEL and the C1 controls and bidi overrides as U+FFFD.
VISIBLE = {c: 0x2400 + c for c in range(32) if chr(c) not in "\t\n"} | {0x7F: 0x2421} \
    | {c: 0xFFFD for c in (*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def render_text(analyses: Sequence[Analysis], color: bool = False, width: int = 100) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, emoji=False, soft_wrap=False)
    for i, analysis in enumerate(analyses):
        if i:
            console.print(Rule(style="dim"))
        console.print(_report(analysis))
    return buffer.getvalue()


def _report(analysis: Analysis) -> Group:
    parts = [_header(analysis), _scores(analysis), _article(analysis), _legend()]
    parts += _findings(analysis)
    parts.append(_claims(analysis))
    if analysis.warnings:
        parts.append(Text("Warnings", style="bold yellow"))
        parts += [Text(f"  ! {visible(w)}", style="yellow") for w in analysis.warnings]
    parts.append(_footer(analysis))
    return Group(*[p for p in parts if p is not None])


def _header(analysis: Analysis) -> Panel:
    doc = analysis.document
    lines = Text()
    lines.append(visible(doc.title) or "(no headline)", style="bold")
    lines.append("\n")
    lines.append(headline_verdict(analysis), style="magenta")
    meta = [x for x in (doc.outlet, doc.published, doc.author and f"by {doc.author}",
                        doc.language and f"language: {doc.language}", doc.url) if x]
    if meta:
        lines.append("\n" + visible(" · ".join(meta)), style="dim")
    if doc.outlet_rating:
        r = doc.outlet_rating
        lines.append(f"\nOutlet context: {r['domain']} is rated {r['rating']:.2f} on {r['scale']} by {r['source']} "
                     "(a third-party, outlet-level rating, not part of this article's scores)", style="dim italic")
    return Panel(lines, title="unspin", title_align="left", border_style="dim")


def _scores(analysis: Analysis) -> Table | None:
    rows = score_lines(analysis)
    if not rows:
        return None
    table = Table(title="Scores (probabilities; the manipulation index combines them and is not one)",
                  title_justify="left", show_header=False, box=None,
                  padding=(0, 1))
    for name, value, why in rows:
        bar = "█" * round(value * 20) + "░" * (20 - round(value * 20))
        table.add_row(name, f"{value:.2f}", Text(bar, style="red" if value >= 0.5 else "green"),
                      Text(why, style="dim"))
    return table


def _article(analysis: Analysis) -> Panel:
    text = visible(analysis.text[:MAX_ARTICLE_CHARS])
    body = Text(text)  # plain Text: article content is never parsed as rich markup
    for span in sorted(analysis.spans, key=lambda s: -PAINT_ORDER.index(s.layer)):  # the first painted last
        if span.start < len(text):
            body.stylize(STYLES[span.layer], span.start, min(span.end, len(text)))
    if len(analysis.text) > MAX_ARTICLE_CHARS:
        body.append(f"\n… ({len(analysis.text) - MAX_ARTICLE_CHARS:,} more characters; see --format html)",
                    style="dim")
    return Panel(body, title="Article", title_align="left", border_style="dim")


def _legend() -> Text:
    legend = Text("Legend: ", style="dim")
    for layer in LAYER_PRIORITY:
        legend.append(f" {LAYER_TITLES[layer]} ", style=STYLES[layer])
        legend.append(" ")
    return legend


def _findings(analysis: Analysis) -> list:
    out = []
    text = analysis.text
    for layer in LAYER_PRIORITY:
        spans = ordered_spans(analysis.spans_in(layer))
        if not spans:
            continue
        table = Table(title=f"{LAYER_TITLES[layer]} ({len(spans)})", title_justify="left",
                      title_style="bold", show_header=True, header_style="dim", box=None, padding=(0, 1),
                      expand=False)
        table.add_column("label", style=STYLES[layer], no_wrap=True)
        table.add_column("score", justify="right")
        table.add_column("evidence", overflow="fold", max_width=48)
        table.add_column("why", style="dim", overflow="fold", max_width=40)
        shown: set[str] = set()
        for span in spans:
            label = display_name(span.label) if layer == "propaganda" else span.label
            table.add_row(label, f"{span.score:.2f}", Text(_quote(text[span.start:span.end])),
                          Text(_why(span, layer, shown)))
        out.append(Padding(table, (1, 0, 0, 0)))
    return out


def _why(span, layer: str, shown: set[str]) -> str:
    """The explanation, without a technique's definition already given higher up in the table."""
    if layer != "propaganda":
        return span.explanation
    head = f"{display_name(span.label)}: {definition(span.label)}"
    if span.label not in shown or not span.explanation.startswith(head):
        shown.add(span.label)
        return span.explanation
    return span.explanation[len(head):].strip() or "(as above)"


def _claims(analysis: Analysis) -> Group | None:
    if not analysis.claims and "claims" not in analysis.models:
        return None
    total, unattributed = claim_counts(analysis)
    head = Text(f"\nClaims: {total} check-worthy claim{'s' if total != 1 else ''}, "
                f"{unattributed} unattributed", style="bold")
    rows = [head]
    for n, claim in enumerate(sorted(analysis.claims, key=lambda c: -c.checkworthiness), 1):
        rows.append(_claim(n, claim))
    return Group(*rows)


def _claim(n: int, claim: Claim) -> Text:
    line = Text(f" {n}. ")
    line.append(_quote(claim.text))
    line.append(f"  check-worthiness {claim.checkworthiness:.2f}", style="dim")
    if claim.attribution:
        a = claim.attribution
        line.append(visible(f"\n    source: {a.source or 'unnamed'} ({a.cue or 'quoted'})"), style="cyan")
    else:
        line.append("\n    source: none given in the article", style="yellow")
    for m in claim.matches:
        line.append(visible(f"\n    fact-check: {m.verdict or 'no verdict'} — {m.publisher or 'unknown publisher'}"),
                    style="bold")
        line.append(visible(f" (similarity {m.similarity:.2f}) “{m.claim}” {m.url or ''} {m.date or ''}"), style="dim")
    return line


def _footer(analysis: Analysis) -> Text:
    models = ", ".join(f"{k} {v}" for k, v in analysis.models.items())
    total = sum(analysis.timings_ms.values())
    return Text(f"\nanalyzers: {models or 'none'} · {total:.0f} ms", style="dim")


def _quote(s: str, limit: int = 300) -> str:
    s = visible(" ".join(s.split()))
    return f"“{s[:limit]}{'…' if len(s) > limit else ''}”"


def visible(s: str | None) -> str | None:
    """Untrusted text with every control character made visible (see ``VISIBLE``)."""
    return s.translate(VISIBLE) if s else s

"""The corpus report: one self-contained HTML file with inline SVG charts and the numbers behind
each chart. Outlet names and article titles are untrusted text and are escaped like article text."""
from __future__ import annotations

from ..techniques import display_name
from .html import _env, asset


def bar_chart(items: list[tuple[str, float, str]], width: int = 640, bar: int = 18, label_w: int = 220) -> dict:
    """Horizontal bars: (label, value in [0, 1], note). Geometry for the SVG template."""
    rows = []
    for i, (label, value, note) in enumerate(items):
        w = max(0.0, min(1.0, value)) * (width - label_w - 60)
        rows.append({"y": i * (bar + 6), "label": label, "w": round(w, 1), "value": value, "note": note})
    return {"width": width, "height": len(items) * (bar + 6) + 4, "bar": bar, "label_w": label_w, "rows": rows}


MAX_TICKS = 9


def line_chart(months: list[str], series: dict[str, list[float | None]], width: int = 640, height: int = 220) -> dict:
    """Lines over months; each series scaled to its own maximum (values are shown in the table)."""
    pad_l, pad_b, pad_t = 40, 30, 10
    n = max(1, len(months) - 1)
    plot_w, plot_h = width - pad_l - 10, height - pad_b - pad_t
    lines = []
    for k, (name, values) in enumerate(series.items()):
        present = [v for v in values if v is not None]
        top = max(present) if present and max(present) > 0 else 1.0
        points = [(pad_l + i * plot_w / n, pad_t + plot_h * (1 - v / top)) for i, v in enumerate(values) if v is not None]
        lines.append({"name": name, "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                      "max": top, "class": f"s{k}"})
    # At most MAX_TICKS labels: a "2016-08" label takes about 50 px, so more would overlap.
    step = -(-len(months) // MAX_TICKS)
    ticks = [{"x": pad_l + i * plot_w / n, "label": m} for i, m in enumerate(months) if i % step == 0]
    return {"width": width, "height": height, "lines": lines, "ticks": ticks, "pad_l": pad_l,
            "base": pad_t + plot_h}


def render_corpus_report(data: dict) -> str:
    techniques = data["techniques"]
    comparable = {o: v for o, v in techniques["outlets"].items() if v["articles"] >= data["min_articles"]}
    top_labels = sorted(techniques["labels"], key=lambda lab: -sum(v["rates"].get(lab, 0) for v in comparable.values()))
    clickbait = data["clickbait"]
    cb_chart = bar_chart([(c["outlet"], c["rate"], f"{c['articles']} articles")
                          for c in clickbait if c["articles"] >= data["min_articles"]][:25])
    time_rows = data["over_time"]
    time_chart = line_chart([r["month"] for r in time_rows], {
        "propaganda spans per 1,000 words": [r["propaganda_per_1k_words"] for r in time_rows],
        "clickbait rate": [r["clickbait_rate"] for r in time_rows]}) if len(time_rows) > 1 else None
    # Loaded terms of the outlets that are compared; the others are folded away, as in the table
    # above (a report of a few hundred one-article outlets would otherwise run for pages).
    articles = {o: v["articles"] for o, v in techniques["outlets"].items()}
    terms = data["loaded_terms"]
    return _env().get_template("corpus.html.j2").render(
        data=data, comparable=comparable, labels=top_labels, label_name=display_name,
        terms_compared={o: t for o, t in terms.items() if articles.get(o, 0) >= data["min_articles"]},
        terms_few={o: t for o, t in terms.items() if articles.get(o, 0) < data["min_articles"]},
        few=[(o, v["articles"]) for o, v in techniques["outlets"].items() if v["articles"] < data["min_articles"]],
        cb_chart=cb_chart, time_chart=time_chart, css=asset("unspin.css"))

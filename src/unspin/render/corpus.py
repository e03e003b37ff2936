"""The corpus report: one self-contained HTML file with inline SVG charts and the numbers behind
each chart. Outlet names and article titles are untrusted text and are escaped like article text."""
from __future__ import annotations

from ..techniques import display_name
from .html import _env, asset


def bar_chart(items: list[tuple[str, float, tuple[float, float]]], width: int = 640, bar: int = 18,
              label_w: int = 220) -> dict:
    """Horizontal bars: (label, value in [0, 1], its 95 % interval), the interval drawn as a
    whisker. Geometry for the SVG template."""
    scale = width - label_w - 60
    rows = []
    for i, (label, value, (lo, hi)) in enumerate(items):
        rows.append({"y": i * (bar + 6), "label": label, "w": round(max(0.0, min(1.0, value)) * scale, 1),
                     "value": value, "lo": round(label_w + lo * scale, 1), "hi": round(label_w + hi * scale, 1)})
    return {"width": width, "height": len(items) * (bar + 6) + 4, "bar": bar, "label_w": label_w, "rows": rows}


MAX_TICKS = 9
MAX_LINES = 8  # outlets drawn over time; more lines than this cannot be told apart
MONTH_MIN_ARTICLES = 3  # an outlet's month is drawn with at least this many of its articles
PALETTE = ("#c62828", "#1565c0", "#2e7d32", "#8e24aa", "#ef6c00", "#00838f", "#6d4c41", "#ad1457")


def month_index(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def time_chart(series: dict[str, list[tuple[str, float | None]]], width: int = 640, height: int = 220) -> dict | None:
    """Lines over a time axis drawn to scale, all on one vertical scale so that they compare.

    A month missing from a series breaks its line, and a month alone is a dot: a gap of years in
    the data must not look like one step from one month to the next."""
    pad_l, pad_b, pad_t = 40, 30, 10
    plotted = {name: [(month_index(m), v) for m, v in points if v is not None] for name, points in series.items()}
    indices = [i for points in plotted.values() for i, _ in points]
    if not indices:
        return None
    first, last = min(indices), max(indices)
    span = max(1, last - first)
    top = max((v for points in plotted.values() for _, v in points), default=0.0) or 1.0
    plot_w, plot_h = width - pad_l - 10, height - pad_b - pad_t

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad_l + (i - first) * plot_w / span, pad_t + plot_h * (1 - v / top)

    lines = []
    for k, (name, points) in enumerate(plotted.items()):
        runs: list[list[tuple[int, float]]] = []
        for i, v in points:  # consecutive months make one run
            if runs and i == runs[-1][-1][0] + 1:
                runs[-1].append((i, v))
            else:
                runs.append([(i, v)])
        lines.append({"name": name, "colour": PALETTE[k % len(PALETTE)],
                      "segments": [" ".join("{:.1f},{:.1f}".format(*xy(i, v)) for i, v in run) for run in runs if len(run) > 1],
                      "dots": [xy(*run[0]) for run in runs if len(run) == 1], "drawn": bool(runs)})
    # At most MAX_TICKS labels, evenly in time: a "2016-08" label takes about 50 px.
    step = -(-(last - first + 1) // MAX_TICKS)
    ticks = [{"x": xy(i, 0)[0], "label": f"{i // 12}-{i % 12 + 1:02d}"} for i in range(first, last + 1, step)]
    return {"width": width, "height": height, "lines": lines, "ticks": ticks, "pad_l": pad_l,
            "base": pad_t + plot_h, "top": top}


def over_time_charts(over_time: dict, outlets: list[str]) -> list[dict]:
    """The propaganda and clickbait charts of ``outlets``, a month drawn where the outlet has at
    least MONTH_MIN_ARTICLES articles."""
    charts = []
    for key, title in (("propaganda_per_1k_words", "Propaganda spans per 1,000 words"),
                       ("clickbait_rate", "Share of clickbait headlines")):
        series = {o: [(r["month"], r[key] if r["articles"] >= MONTH_MIN_ARTICLES else None)
                      for r in over_time["outlets"].get(o, [])] for o in outlets}
        chart = time_chart(series)
        if chart:
            charts.append({"title": title, **chart})
    return charts


def configuration_notes(configurations: list[dict]) -> list[str]:
    """One line per analyzer configuration of a store that mixes them: its documents and how it
    differs from the others ("clickbait 1.0.0", "no propaganda")."""
    if len(configurations) < 2:
        return []
    every = sorted({n for c in configurations for n in c["analyzers"]})
    lines = []
    for c in configurations:
        missing = [n for n in every if n not in c["analyzers"]]
        extra = [n for n in c["analyzers"] if any(n not in o["analyzers"] for o in configurations)]
        versions = [f"{n} {c['models'].get(n) or '(version not recorded)'}" for n in every if n in c["analyzers"]
                    and len({o["models"].get(n) for o in configurations if n in o["analyzers"]}) > 1]
        parts = ([f"with {', '.join(sorted(extra))}"] if extra else []) + \
                ([f"without {', '.join(missing)}"] if missing else []) + versions
        lines.append(f"{c['documents']} document{'s' if c['documents'] != 1 else ''}: {'; '.join(parts)}")
    return lines


def render_corpus_report(data: dict) -> str:
    techniques = data["techniques"]
    comparable = {o: v for o, v in techniques["outlets"].items() if v["articles"] >= data["min_articles"]}
    top_labels = sorted(techniques["labels"], key=lambda lab: -sum(v["rates"].get(lab, 0) for v in comparable.values()))
    clickbait = data["clickbait"]
    cb_chart = bar_chart([(c["outlet"], c["rate"], c["interval"])
                          for c in clickbait if c["articles"] >= data["min_articles"]][:25])
    # Over time, each outlet on its own line: a rate over the whole store would mix a change in
    # which outlets it holds with a change in how they write.
    timed = [o for o in sorted(comparable, key=lambda o: -comparable[o]["articles"]) if o in data["over_time"]["outlets"]]
    time_charts = over_time_charts(data["over_time"], timed[:MAX_LINES])
    # Loaded terms of the outlets that are compared; the others are folded away, as in the table
    # above (a report of a few hundred one-article outlets would otherwise run for pages).
    articles = {o: v["articles"] for o, v in techniques["outlets"].items()}
    terms = data["loaded_terms"]
    return _env().get_template("corpus.html.j2").render(
        data=data, comparable=comparable, labels=top_labels, label_name=display_name,
        terms_compared={o: t for o, t in terms.items() if articles.get(o, 0) >= data["min_articles"]},
        terms_few={o: t for o, t in terms.items() if articles.get(o, 0) < data["min_articles"]},
        few=[(o, v["articles"]) for o, v in techniques["outlets"].items() if v["articles"] < data["min_articles"]],
        cb_chart=cb_chart, time_charts=time_charts, timed=timed[:MAX_LINES], timed_more=len(timed) - MAX_LINES,
        month_min=MONTH_MIN_ARTICLES, mixed=configuration_notes(data["overview"].get("configurations", [])),
        css=asset("unspin.css"))

"""Output formats: JSON against the schema, the terminal report, and the HTML escaping proof."""
import json
from html.parser import HTMLParser

import jsonschema

from tests.conftest import ARTICLE, RULES
from unspin import Analysis, Pipeline
from unspin.analysis import Attribution, Claim, FactCheckMatch
from unspin.ingest import parse_text
from unspin.render import render, render_json
from unspin.render.html import script_hash
from unspin.render.text import render_text

PAYLOAD_TITLE = 'Breaking <script>alert("title")</script> news'
PAYLOAD_BODY = (
    'Officials said <script>alert(1)</script> the plan failed.\n'
    'A picture: <img src=x onerror="alert(2)"> appeared.\n'
    'Quote: "><svg onload=alert(3)> and \'><iframe src=javascript:alert(4)>.\n'
    'Share this if you agree! </textarea></title><b>bold</b>\n'
)


def analysed(text: str = ARTICLE) -> Analysis:
    return Pipeline(RULES)(parse_text(text))


def with_claim(analysis: Analysis) -> Analysis:
    analysis.claims.append(Claim(0, 5, analysis.text[0:5], 0.8,
                                 Attribution("NPR", "reported", 0, 3),
                                 [FactCheckMatch("<b>claim</b>", "False", "PolitiFact",
                                                 "javascript:alert(5)", "2020-01-01", 0.9)]))
    analysis.models["claims"] = "test"
    return analysis


def test_json_matches_the_contract_and_the_schema(schema):
    analysis = with_claim(analysed())
    data = json.loads(render_json([analysis]))
    jsonschema.validate(data, schema)
    assert data["schema"] == "unspin/analysis@1"
    assert set(data) == {"schema", "document", "scores", "spans", "claims", "warnings", "models", "timings_ms"}
    text = data["document"]["text"]
    for span in data["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text)
    assert text[data["spans"][0]["start"]:data["spans"][0]["end"]] in ARTICLE
    assert Analysis.from_dict(data).to_dict() == data  # round trip


def test_schema_rejects_a_wrong_propaganda_label(schema):
    data = json.loads(render_json([analysed()]))
    data["spans"].append({"start": 0, "end": 3, "layer": "propaganda", "label": "Loaded language",
                          "score": 0.5, "explanation": "x"})
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("schema accepted a label that is not one of the 14 technique names")


def test_several_documents_give_json_lines():
    out = render_json([analysed(), analysed("Other\n\nBody text here.")])
    lines = out.splitlines()
    assert len(lines) == 2 and all(json.loads(line)["schema"] == "unspin/analysis@1" for line in lines)


def test_text_report_has_verdict_scores_article_and_evidence():
    analysis = with_claim(analysed())
    analysis.scores["clickbait"] = 0.91
    out = render([analysis], "text")
    assert "Headline: clickbait (p=0.91)" in out
    assert "Engagement bait (2)" in out and "Do you support the rate hike?" in out
    assert "Attribution (2)" in out and "Dana Whitfield said" in out
    assert "1 check-worthy claim, 0 unattributed" in out
    assert "\x1b[" not in out  # no colour codes unless asked


def test_text_report_gives_a_technique_definition_once():
    from unspin.techniques import definition, display_name

    analysis = analysed()
    head = f"{display_name('Loaded_Language')}: {definition('Loaded_Language')}"
    analysis.add_span(20, 30, "propaganda", "Loaded_Language", 0.4, head)
    analysis.add_span(40, 50, "propaganda", "Loaded_Language", 0.3, head + " In quotation marks.")
    analysis.add_span(60, 70, "propaganda", "Loaded_Language", 0.3, head)
    out = " ".join(render_text([analysis], width=400).split())  # the column wraps its text
    assert out.count(definition("Loaded_Language")) == 1
    assert "In quotation marks." in out and "(as above)" in out


def test_html_tags_flags_inside_quotation_marks():
    analysis = analysed()
    analysis.add_span(20, 30, "propaganda", "Loaded_Language", 0.4,
                      "Loaded language: … In quotation marks: words the article attributes to Ann Lee.")
    analysis.add_span(40, 50, "propaganda", "Doubt", 0.3, "Doubt: …")
    collector = TagCollector()
    collector.feed(render([analysis], "html"))
    tags = [a for t, a in collector.tags if t == "span" and a.get("class") == "tag"]
    assert len(tags) == 1 and "quotes" in tags[0]["title"]


def test_text_report_does_not_interpret_article_text_as_markup():
    out = render([analysed("Title [bold red]x[/]\n\nBody [link=http://evil]y[/link] text.")], "text")
    assert "[bold red]x[/]" in out and "[link=http://evil]y[/link]" in out


def test_text_report_shows_control_characters_instead_of_sending_them_to_the_terminal():
    analysis = analysed("Head\x1b]0;pwned\x07line\n\nThe minister \x1b[2J\u202esaid\u202c taxes rose by 5 percent.")
    analysis.claims.append(Claim(0, 4, "Head", 0.9, None, [FactCheckMatch("A \x1b[31mred\x1b[0m claim", "False\x9b",
                                                                          "Pub\x1b[2J", "https://x.org", None, 0.9)]))
    plain = render_text([analysis])
    coloured = render_text([analysis], color=True)
    for out in (plain, coloured):
        assert "\x07" not in out and "\x9b" not in out and "\u202e" not in out
        assert "\x1b]" not in out and "\x1b[2J" not in out and "\x1b[31mred" not in out
        assert "Head␛]0;pwned␇line" in out and "minister ␛[2J" in out and "A ␛[31mred␛[0m claim" in out
    assert "\x1b" not in plain and "\x1b[" in coloured  # rich's own colours still get through
    assert analysis.text.startswith("Head\x1b]0;pwned")  # only what is shown changes


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_escapes_every_piece_of_article_text():
    analysis = with_claim(analysed(f"{PAYLOAD_TITLE}\n\n{PAYLOAD_BODY}"))
    analysis.document.url = "javascript:alert(6)"
    page = render([analysis], "html")
    parser = TagCollector()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert tags.count("script") == 1  # ours, and nothing else
    for bad in ("img", "svg", "iframe", "textarea", "b"):
        assert bad not in tags, f"article text became a live <{bad}> element"
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), f"event handler on <{tag}>"
        for name in ("href", "src"):
            assert not (attrs.get(name) or "").lower().startswith("javascript:")
    # The payload is still there for the reader, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=" in page


def test_html_is_self_contained_and_locked_down():
    page = render([analysed()], "html")
    parser = TagCollector()
    parser.feed(page)
    assert not [a for t, a in parser.tags if t in ("link", "img") or (t == "script" and "src" in a)]
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    script = page.split("<script>")[1].split("</script>")[0]
    csp = next(a["content"] for t, a in parser.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert f"script-src '{script_hash(script)}'" in csp and "default-src 'none'" in csp


def test_html_has_highlights_legend_and_tooltips_per_span():
    analysis = analysed()
    page = render([analysis], "html")
    parser = TagCollector()
    parser.feed(page)
    marks = [a for t, a in parser.tags if t == "mark"]
    covered = {i for m in marks for i in m["data-spans"].split()}
    assert covered == {f"d0-s{i}" for i in range(len(analysis.spans))}  # every span is drawn
    assert {"l-headline", "l-engagement", "l-attribution"} <= {c for m in marks for c in m["class"].split()}
    assert all("score" in m["title"] for m in marks)
    toggles = [a["data-layer-toggle"] for t, a in parser.tags if t == "input" and "data-layer-toggle" in a]
    assert toggles == ["propaganda", "bias", "headline", "engagement", "attribution"]
    # The minimum-score slider reads each finding's score.
    assert [a["type"] for t, a in parser.tags if t == "input" and "data-min-score" in a] == ["range"]
    scores = [float(a["data-score"]) for t, a in parser.tags if t == "li" and "data-span-id" in a]
    assert sorted(scores) == sorted(round(s.score, 4) for s in analysis.spans)


def test_a_biased_sentence_does_not_hide_the_engagement_call_inside_it():
    analysis = Pipeline(RULES)(parse_text("Council votes\n\nThe plan failed. Share this if you agree!\n"))
    call = next(s for s in analysis.spans if s.layer == "engagement")
    sentence = analysis.sentences[-1]
    analysis.add_span(sentence.start, sentence.end, "bias", "biased sentence", 0.6, "Written with biased wording.")
    parser = TagCollector()
    parser.feed(render([analysis], "html"))
    over_call = [a for t, a in parser.tags if t == "mark" and "bias" in a["data-layers"].split()
                 and "engagement" in a["data-layers"].split()]
    assert over_call, (call, sentence)
    assert all(a["class"].split() == ["hl", "l-engagement"] and a["data-layers"] == "engagement bias"
               for a in over_call)


def test_the_over_time_chart_labels_never_crowd():
    from unspin.render.corpus import MAX_TICKS, time_chart

    months = [f"{2000 + i // 12}-{i % 12 + 1:02d}" for i in range(40)]
    chart = time_chart({"rate": [(m, 0.1) for m in months]})
    xs = [t["x"] for t in chart["ticks"]]
    assert 2 <= len(xs) <= MAX_TICKS and chart["ticks"][0]["label"] == "2000-01"
    assert min(b - a for a, b in zip(xs, xs[1:])) >= 60  # a "2016-08" label is about 50 px wide
    assert len(time_chart({"rate": [(m, 0.1) for m in months[:5]]})["ticks"]) == 5


def test_the_over_time_chart_draws_time_to_scale_and_breaks_lines_at_gaps():
    from unspin.render.corpus import time_chart

    # Three months of 2005, then a gap of eleven years, then three months of 2016.
    points = [("2005-01", 1.0), ("2005-02", 2.0), ("2005-03", 1.0), ("2016-05", 4.0), ("2016-06", 4.0),
              ("2016-08", 2.0)]
    chart = time_chart({"Daily": points, "Weekly": [("2005-02", None), ("2010-01", 2.0)]})
    daily, weekly = chart["lines"]
    assert chart["top"] == 4.0  # one vertical scale for every line
    assert len(daily["segments"]) == 2 and len(daily["dots"]) == 1  # 2016-07 is missing: 2016-08 stands alone
    first_run = [tuple(map(float, p.split(","))) for p in daily["segments"][0].split()]
    second_run = [tuple(map(float, p.split(","))) for p in daily["segments"][1].split()]
    alone = daily["dots"][0][0]
    # 2005-01 to 2016-05 is 136 of the 139 months to 2016-08, and 2005-01 to 2005-02 one of them.
    assert abs((second_run[0][0] - first_run[0][0]) / (alone - first_run[0][0]) - 136 / 139) < 0.002
    assert abs((first_run[1][0] - first_run[0][0]) / (alone - first_run[0][0]) - 1 / 139) < 0.002
    assert weekly["segments"] == [] and len(weekly["dots"]) == 1 and daily["colour"] != weekly["colour"]
    assert time_chart({"Daily": [("2005-01", None)]}) is None


def test_corpus_report_folds_the_loaded_terms_of_outlets_too_small_to_compare():
    from unspin.render.corpus import render_corpus_report

    outlets = {"big.com": {"articles": 12, "spans": 30, "quoted": 3, "rates": {"Loaded_Language": 0.5},
                           "counts": {"Loaded_Language": 6}, "intervals": {"Loaded_Language": (0.25, 0.75)}},
               "tiny.org": {"articles": 1, "spans": 2, "quoted": 0, "rates": {"Loaded_Language": 1.0},
                            "counts": {"Loaded_Language": 1}, "intervals": {"Loaded_Language": (0.21, 1.0)}}}
    data = {"overview": {"documents": 13, "outlets": 2, "words": 9000, "first": None, "last": None,
                         "failures": 0, "runs": []},
            "min_articles": 10, "techniques": {"outlets": outlets, "labels": ["Loaded_Language"]},
            "clickbait": [], "over_time": {"outlets": {}, "all": []}, "claims": [], "clusters": [], "lsh_threshold": 0.5,
            "fact_checked": {"claims": 0, "documents": 0, "fact_checks": [], "more": 0},
            "loaded_terms": {"big.com": [("radical", 4, 1)], "tiny.org": [("disgrace", 2, 0)]}}
    html = render_corpus_report(data)
    folded = html.split("<details><summary>1 outlet with fewer than 10 articles</summary>")
    assert len(folded) == 2 and "disgrace (2)" in folded[1] and "disgrace" not in folded[0]
    assert "radical (4, 1 quoted)" in folded[0]
    assert '<div class="wide">' in html  # the wide technique table scrolls inside the page
    assert 'title="6 of 12 articles; 95 % interval 25–75%">50%' in html

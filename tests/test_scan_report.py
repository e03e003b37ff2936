"""`unspin report` and the Parquet export over stores that scans of fixtures written here fill:
sections, escaping, syndicated stories, quoted propaganda, outlet rates with intervals, matched
fact-checks, and stores that mix analyses."""
import json

import duckdb

from tests.conftest import run_cli
from unspin.scan import scan
from unspin.store.report import build_report, export_parquet


def test_report_and_export(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    records = []
    for i in range(24):
        outlet = ["Daily <script>alert(1)</script>", "Evening Post", "Tiny Blog"][i % 3 if i < 22 else 2]
        body = (f"The senator attacked the radical plan on Monday.\n"
                f"The storm hit the coast on {['Monday', 'Tuesday'][i % 2]} and closed {i} schools.\n")
        if i % 4 == 0:  # the same wire story in two outlets
            body = "A wire story about the harbour fire that burned through three warehouses overnight near the docks."
        records.append({"title": f"Story {i}", "text": body, "outlet": outlet,
                        "published": f"2024-0{1 + i % 3}-1{i % 9}", "id": f"s{i}"})
    (corpus / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    store = tmp_path / "store.duckdb"
    scan([str(corpus)], store, engine="inline", fast=True, progress="none")
    html = build_report(store, min_articles=5)
    assert "<script>alert(1)</script>" not in html and "Daily &lt;script&gt;alert(1)&lt;/script&gt;" in html
    for section in ("Propaganda techniques per outlet", "Clickbait headlines per outlet", "Over time",
                    "Most frequent loaded terms", "Check-worthy claims repeated", "Near-duplicate stories"):
        assert section in html
    assert "2024-01" in html and "2024-03" in html  # the numbers behind the time chart
    # Over time, each outlet has its own line (here a dot: each outlet's articles are of one month),
    # and the rows of all outlets together are kept apart, since they mix outlets.
    over_time = html[html.index("<h2>Over time</h2>"):html.index("<h2>Most frequent loaded terms")]
    assert over_time.count("<circle") == 3 and "■</span> Daily &lt;script&gt;" in over_time
    assert "Share of clickbait headlines" not in over_time  # a --fast scan has no clickbait scores
    assert "Numbers, per outlet" in over_time and "All outlets together" in over_time
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org", "")
    assert "6 articles, 3 outlets: Story 0" in html  # the wire story, near-duplicated across outlets
    out = export_parquet(store, tmp_path / "parquet")
    assert {p.name for p in out} >= {"documents.parquet", "spans.parquet"}
    assert duckdb.sql(f"SELECT count(*) FROM '{tmp_path / 'parquet' / 'documents.parquet'}'").fetchone()[0] == 24
    result = run_cli("report", str(store), "-o", str(tmp_path / "r.html"))
    assert result.returncode == 0 and (tmp_path / "r.html").exists()


def test_repeated_claims_show_a_syndicated_story_once_and_a_claim_echoed_by_outlets_first(tmp_path):
    from unspin.store.db import CorpusStore
    from unspin.store.queries import repeated_claims

    wire = ["The FBI said 80 people paid ransoms to fake kidnappers in 2017.",
            "Most of the victims were from Los Angeles and Houston, the FBI said.",
            "The callers demanded less than $2,000 to avoid wire limits."]
    echoed = "Crime rose by 40 percent in the city last year."
    articles = {"a1": ("Paper A", wire + [echoed]), "a2": ("Paper B", wire), "a3": ("Blog C", [echoed])}
    with CorpusStore(tmp_path / "store.duckdb") as store:
        for doc_id, (outlet, claims) in articles.items():
            store.con.execute("INSERT INTO documents (doc_id, title, outlet) VALUES (?, ?, ?)",
                              [doc_id, doc_id, outlet])
            for k, text in enumerate(claims):
                store.con.execute("INSERT INTO claims (doc_id, start, \"end\", text, checkworthiness) "
                                  "VALUES (?, ?, ?, ?, ?)", [doc_id, k, k + 1, text, 0.5 + k / 10])
        store.con.execute("INSERT INTO documents (doc_id, title, outlet) VALUES ('a4', 'a4', 'Blog C')")
        store.con.execute("INSERT INTO claims (doc_id, start, \"end\", text, checkworthiness) "
                          "VALUES ('a4', 0, 1, 'Crime rose by 40 percent in the city, last year!', 0.9)")
        for doc_id in ("a3", "a4"):
            store.con.execute("INSERT INTO claims (doc_id, start, \"end\", text, checkworthiness) "
                              "VALUES (?, 5, 9, 'Blog C has served 3 million readers since 2009.', 0.6)", [doc_id])
        found = repeated_claims(store)
    assert found["across"] == [
        {"claim": "Crime rose by 40 percent in the city, last year!",  # the same words, more check-worthy
         "outlets": ["Blog C", "Paper A"], "documents": 3, "also": 0},
        {"claim": wire[2], "outlets": ["Paper A", "Paper B"], "documents": 2, "also": 2},  # most check-worthy
    ]
    assert found["within"] == [{"claim": "Blog C has served 3 million readers since 2009.", "outlets": ["Blog C"],
                                "documents": 2, "also": 0}]


def test_report_counts_propaganda_inside_quotation_marks_apart(tmp_path):
    from unspin.store import queries
    from unspin.store.db import CorpusStore

    with CorpusStore(tmp_path / "store.duckdb") as store:
        store.con.execute("INSERT INTO documents (doc_id, outlet) VALUES ('a', 'Daily'), ('b', 'Daily')")
        store.con.executemany("INSERT INTO spans VALUES (?, 0, 5, 'propaganda', 'Loaded_Language', 0.5, ?, ?)", [
            ("a", "Loaded language: … In quotation marks: words the article attributes to Ann Lee.", "Thugs"),
            ("b", "Loaded language: …", "thugs"),
            ("b", "Loaded language: …", "disgrace")])
        assert queries.loaded_terms_by_outlet(store) == {"Daily": [("thugs", 2, 1), ("disgrace", 1, 0)]}
        daily = queries.technique_rates_by_outlet(store)["outlets"]["Daily"]
        assert (daily["articles"], daily["spans"], daily["quoted"]) == (2, 3, 1)


def test_outlet_rates_come_with_their_intervals(tmp_path):
    from unspin.store import queries
    from unspin.store.db import CorpusStore

    assert [round(x, 3) for x in queries.wilson(5, 10)] == [0.237, 0.763]
    assert [round(x, 3) for x in queries.wilson(0, 10)] == [0.0, 0.278]
    with CorpusStore(tmp_path / "store.duckdb") as store:
        docs = [(f"d{i}", "Daily" if i < 10 else "Weekly") for i in range(14)]
        store.con.executemany("INSERT INTO documents (doc_id, outlet) VALUES (?, ?)", docs)
        store.con.executemany("INSERT INTO spans VALUES (?, 0, 5, 'propaganda', ?, 0.5, 'x', 'x')",
                              [("d0", "Doubt"), ("d1", "Doubt"), ("d10", "Slogans")])
        store.con.executemany("INSERT INTO scores VALUES (?, 'clickbait', ?)",
                              [(d, 0.9 if i < 5 else 0.1) for i, (d, _) in enumerate(docs)])
        daily = queries.technique_rates_by_outlet(store)["outlets"]["Daily"]
        assert daily["counts"] == {"Doubt": 2, "Slogans": 0}  # a technique it never used counts 0 of 10
        assert daily["intervals"]["Slogans"] == queries.wilson(0, 10)
        clickbait = {c["outlet"]: c for c in queries.clickbait_by_outlet(store)}
        assert (clickbait["Daily"]["flagged"], clickbait["Daily"]["interval"]) == (5, queries.wilson(5, 10))
        assert clickbait["Weekly"]["flagged"] == 0


def test_report_lists_the_fact_checks_the_corpus_claims_were_matched_to(tmp_path):
    """A real scan with the claims analyzer against a real fact-check store, then the report."""
    from unspin.factchecks.service import import_files
    from unspin.store import queries
    from unspin.store.db import CorpusStore

    reviews = [{"@type": "ClaimReview", "claimReviewed": "Drinking hot tap water every hour cures the <b>flu</b>.",
                "reviewRating": {"@type": "Rating", "alternateName": "False"},
                "author": {"@type": "Organization", "name": "Example Fact Check"}, "url": "javascript:alert(1)"},
               {"@type": "ClaimReview", "claimReviewed": "The new bridge cost 40 million dollars to build.",
                "reviewRating": {"@type": "Rating", "alternateName": "Mostly true"},
                "author": {"@type": "Organization", "name": "Bridge Watch"}, "url": "https://checks.example/bridge",
                "datePublished": "2024-05-01"}]
    (tmp_path / "reviews.jsonl").write_text("".join(json.dumps(r) + "\n" for r in reviews))
    factchecks = tmp_path / "fc.duckdb"
    import_files([tmp_path / "reviews.jsonl"], factchecks)
    flu = "Drinking hot tap water every hour cures the flu, the post claims."
    records = [{"id": "a", "outlet": "Daily", "title": "Health tips", "text": f"{flu}\nThe clinic opens at nine."},
               {"id": "b", "outlet": "Weekly", "title": "Winter advice", "text": f"Readers wrote in. {flu}"},
               {"id": "c", "outlet": "Daily", "title": "Bridge opens",
                "text": "Officials said the new bridge cost 40 million dollars to build."},
               {"id": "d", "outlet": "Weekly", "title": "Sports", "text": "The home team won the final on Sunday."}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    store = tmp_path / "store.duckdb"
    scan([str(tmp_path / "in.jsonl")], store, engine="inline", analyzers=["claims"], progress="none",
         config={"claims": {"store": str(factchecks)}})
    with CorpusStore(store, read_only=True) as opened:
        found = queries.fact_checked_claims(opened)
    assert (found["claims"], found["documents"], found["more"]) == (3, 3, 0)
    flu_row, bridge_row = found["fact_checks"]  # most articles first
    assert flu_row["fact_check"]["verdict"] == "False" and flu_row["documents"] == 2
    assert flu_row["outlets"] == ["Daily", "Weekly"] and flu_row["example"] == flu
    assert bridge_row["fact_check"]["url"] == "https://checks.example/bridge" and bridge_row["outlets"] == ["Daily"]
    html = build_report(store, min_articles=1)
    section = html[html.index("Claims a fact-checker has already ruled on"):html.index("Near-duplicate stories")]
    assert "3 claims in 3 articles were matched" in section
    assert '<a href="https://checks.example/bridge" rel="noreferrer noopener">' in section
    assert "javascript:" not in section  # not a link: the URL is not http(s)
    assert "&lt;b&gt;flu&lt;/b&gt;" in section and "<b>" not in section


def test_reanalyze_redoes_documents_from_other_analyzers_or_versions_and_the_report_says_when_they_mix(tmp_path):
    records = [{"id": f"d{i}", "title": f"Story {i}", "outlet": "Daily",
                "text": f"The council met on Monday {i}. Share this with your friends before it is too late!"}
               for i in range(3)]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    (tmp_path / "b.jsonl").write_text(json.dumps({**records[0], "id": "new", "text": "A new story."}) + "\n")
    store = tmp_path / "store.duckdb"

    def engagement_rows():
        with duckdb.connect(str(store), read_only=True) as con:
            return con.execute("SELECT count(*) FROM spans WHERE layer = 'engagement'").fetchone()[0]

    scan([str(tmp_path / "a.jsonl")], store, engine="inline", analyzers=["headline"], progress="none")
    # A wider scan skips what the store has: the three documents keep the narrower analysis...
    second = scan([str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")], store, engine="inline",
                  analyzers=["headline", "engagement"], progress="none")
    assert (second.analyzed, second.skipped, engagement_rows()) == (1, 3, 0)
    # ... and the report says the store mixes two configurations.
    html = build_report(store, min_articles=1)
    assert "This store mixes 2 analyzer configurations" in html and "3 documents: without engagement" in html
    redone = scan([str(tmp_path / "a.jsonl")], store, engine="inline", analyzers=["headline", "engagement"],
                  progress="none", reanalyze=True)
    assert (redone.analyzed, redone.reanalyzed, redone.skipped) == (3, 3, 0) and engagement_rows() == 3
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT doc_id) FROM documents").fetchone() == (4, 4)
        assert con.execute("SELECT count(*) FROM (SELECT doc_id, start, label FROM spans GROUP BY ALL "
                           "HAVING count(*) > 1)").fetchone()[0] == 0  # old rows replaced, not doubled
    assert "analyzer configurations" not in build_report(store, min_articles=1)
    again = scan([str(tmp_path / "a.jsonl")], store, engine="inline", analyzers=["headline", "engagement"],
                 progress="none", reanalyze=True)
    assert (again.analyzed, again.skipped) == (0, 3)
    # A document analysed with another version of an analyzer is redone too.
    with duckdb.connect(str(store)) as con:
        run_id, models = con.execute("SELECT r.run_id, r.models FROM documents d JOIN runs r USING (run_id) "
                                     "WHERE d.id = 'new'").fetchone()
        older = {**json.loads(models), "engagement": "0.9.0"}
        con.execute("UPDATE runs SET models = ? WHERE run_id = ?", [json.dumps(older), run_id])
    assert "engagement 0.9.0" in build_report(store, min_articles=1)
    last = scan([str(tmp_path / "b.jsonl")], store, engine="inline", analyzers=["headline", "engagement"],
                progress="none", reanalyze=True)
    assert (last.analyzed, last.reanalyzed) == (1, 1)

"""unspin scan on fixtures written here: formats incl. a WARC built here, resume, a real SIGKILL,
both engines (process pool and a Dask LocalCluster) giving identical rows, and the report."""
import io
import json
import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from tests.conftest import run_cli
from unspin.scan import scan
from unspin.store.report import build_report, export_parquet

TOPICS = ["water rates", "school budget", "bridge repairs", "library hours", "bus routes", "park cleanup"]


def article(i: int, outlet_bait: bool = False) -> str:
    topic = TOPICS[i % len(TOPICS)]
    title = f"You Won't Believe the {topic.title()} Plan #{i}!" if outlet_bait else f"Council debates {topic} ({i})"
    return (f"{title}\n\nThe council met on Tuesday to discuss {topic} for district {i}.\n"
            f"According to the city clerk, the vote on item {i} was delayed.\n"
            f"Officials said the cost would be reviewed. Share this with your friends!\n")


def make_corpus(folder, n=40):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"a{i:03d}.txt").write_text(article(i, outlet_bait=i % 3 == 0))
    return folder


def make_warc(path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        pages = {
            "https://news.example.com/a": "<html><head><title>Mayor opens new bridge</title></head><body><article>"
                                          "<p>The mayor opened the new bridge on Monday, officials said, after two "
                                          "years of construction work on the river crossing.</p></article></body></html>",
            "https://news.example.com/b": "<html><head><title>Storm closes schools</title></head><body><article>"
                                          "<p>Schools across the county closed on Friday as the storm brought heavy "
                                          "snow, according to the education department.</p></article></body></html>",
            "https://news.example.com/empty": "<html><body><nav>Home</nav></body></html>",
        }
        for url, html in pages.items():
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                                          http_headers=headers))
        img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://news.example.com/x.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG..."), http_headers=img))
    return path


def table(store, sql):
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_scan_formats_failures_and_resume(tmp_path):
    from tests.test_pipeline import GERMAN

    corpus = make_corpus(tmp_path / "in", 12)
    (corpus / "bad.txt").write_bytes(b"\x00\x00binary")
    (corpus / "stadtrat.txt").write_text(GERMAN, encoding="utf-8")  # kept, with its language
    records = tmp_path / "records.jsonl"
    records.write_text("".join(json.dumps({"title": f"Record {i}", "text": f"Body of record {i}. Officials said so.",
                                           "outlet": "Wire", "published": f"2024-0{1 + i % 3}-10"}) + "\n"
                               for i in range(5)) + "{broken\n")
    warc = make_warc(tmp_path / "crawl.warc.gz")
    store = tmp_path / "store.duckdb"
    summary = scan([str(corpus), str(records), str(warc)], store, engine="inline", fast=True, progress="none")
    assert (summary.analyzed, summary.failed, summary.not_english) == (13 + 5 + 2, 3, 1)
    assert "1 of the analysed are not English" in summary.text()
    reasons = " ".join(r for _, r in summary.failures)
    assert "binary file" in reasons and "invalid JSON" in reasons and "no article text" in reasons
    assert table(store, "SELECT count(*) FROM documents")[0][0] == 20
    assert table(store, "SELECT language FROM documents WHERE source LIKE '%stadtrat.txt'") == [("de",)]
    assert table(store, "SELECT count(*) FROM failures")[0][0] == 3
    urls = {r[0] for r in table(store, "SELECT url FROM documents WHERE url IS NOT NULL")}
    assert urls == {"https://news.example.com/a", "https://news.example.com/b"}
    again = scan([str(corpus), str(records), str(warc)], store, engine="inline", fast=True, progress="none")
    assert (again.analyzed, again.skipped) == (0, 20)
    assert table(store, "SELECT count(*) FROM runs")[0][0] == 2


def test_document_whose_analysis_fails_is_recorded_and_the_batch_goes_on(tmp_path):
    from unspin.analyzers import base

    @base.register
    class Explodes(base.Analyzer):  # fails on one document, the way a buggy analyzer would
        name, version = "test-explodes", "0"

        def analyze(self, batch):
            if any("EXPLODE" in a.text for a in batch):
                raise RuntimeError("boom")

    try:
        corpus = make_corpus(tmp_path / "in", 6)
        (corpus / "odd.txt").write_text("An ordinary headline\n\nEXPLODE is in this article body. Officials said so.")
        store = tmp_path / "store.duckdb"
        summary = scan([str(corpus)], store, engine="inline", analyzers=["engagement", "test-explodes"],
                       batch_size=4, progress="none")
    finally:
        base.unregister("test-explodes")
    assert (summary.analyzed, summary.failed) == (6, 1)
    where, why = summary.failures[0]
    # The reason names the analyzer that failed, which is not unspin's own.
    assert where.endswith("odd.txt") and why.startswith("analysis failed: analyzer 'test-explodes' (")
    assert why.endswith(") failed: RuntimeError: boom")
    assert table(store, "SELECT count(*) FROM documents")[0][0] == 6
    assert table(store, "SELECT count(*) FROM failures")[0][0] == 1


def test_scan_passes_analyzer_options_to_the_workers(tmp_path):
    corpus = make_corpus(tmp_path / "in", 4)
    counts = []
    for threshold in (0.0, 1.0):
        store = tmp_path / f"s{threshold}.duckdb"
        scan([str(corpus)], store, engine="local", workers=1, analyzers=["encoder", "bias"],
             config={"bias": {"threshold": threshold}}, progress="none")
        counts.append(table(store, "SELECT count(*) FROM spans WHERE label = 'biased sentence'")[0][0])
        # the run says which options produced its flags
        assert json.loads(table(store, "SELECT options FROM runs")[0][0]) == {"bias": {"threshold": threshold}}
    assert counts[0] > 0 and counts[1] == 0


def test_a_store_from_before_the_options_column_gets_it_and_a_bad_model_set_stops_first(tmp_path, monkeypatch):
    import duckdb

    from unspin.errors import ModelError

    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute("CREATE TABLE runs (run_id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, "
                "engine VARCHAR, analyzers VARCHAR, models VARCHAR, inputs VARCHAR, analyzed INTEGER, "
                "skipped INTEGER, failed INTEGER)")
    con.close()
    corpus = make_corpus(tmp_path / "in", 2)
    scan([str(corpus)], old, engine="inline", fast=True, progress="none")
    assert table(old, "SELECT options FROM runs") == [("{}",)]
    monkeypatch.setenv("UNSPIN_MODELS", str(tmp_path / "typo"))
    with pytest.raises(ModelError, match="holds no model"):
        scan([str(corpus)], tmp_path / "new.duckdb", engine="inline", progress="none")
    assert not (tmp_path / "new.duckdb").exists()  # checked before the store is opened


def _consistent(store, corpus_size):
    docs = table(store, "SELECT count(*), count(DISTINCT doc_id) FROM documents")[0]
    assert docs == (corpus_size, corpus_size), "every document exactly once"
    orphans = table(store, "SELECT count(*) FROM spans WHERE doc_id NOT IN (SELECT doc_id FROM documents)")[0][0]
    assert orphans == 0
    # Each article of the fixture has exactly one engagement call and two attributions: nothing half-written.
    per_doc = table(store, "SELECT d.doc_id, count(s.doc_id) FILTER (WHERE s.layer = 'engagement'), "
                           "count(s.doc_id) FILTER (WHERE s.layer = 'attribution') "
                           "FROM documents d LEFT JOIN spans s USING (doc_id) GROUP BY 1")
    assert all(row[1:] == (1, 2) for row in per_doc), per_doc[:3]


def test_scan_survives_sigkill_and_resumes_exactly_once(tmp_path):
    corpus = make_corpus(tmp_path / "in", 240)
    store = tmp_path / "store.duckdb"
    cmd = [sys.executable, "-m", "unspin", "scan", str(corpus), "--store", str(store), "--fast",
           "--batch-size", "4", "--workers", "2", "--progress", "plain"]
    kills = 0
    for delay in (1.5, 2.0, 2.5, 3.0):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:  # wait until it has written something, then a little longer
            line = proc.stderr.readline().decode()
            if line.startswith("scan:") or proc.poll() is not None:
                break
        time.sleep(delay - 1.4)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        proc.stderr.close()
    assert kills >= 1, "the scan finished before it could be killed; make the corpus larger"
    final = subprocess.run(cmd, capture_output=True, timeout=300)
    assert final.returncode == 0, final.stderr.decode()
    _consistent(store, 240)
    skipped = int(final.stderr.decode().split("skipped ")[1].split()[0])
    assert skipped > 0  # the killed runs had done part of the work


def test_local_and_dask_engines_give_identical_rows(tmp_path):
    corpus = make_corpus(tmp_path / "in", 16)
    rows = {}
    for engine in ("local", "dask"):
        store = tmp_path / f"{engine}.duckdb"
        summary = scan([str(corpus)], store, engine=engine, workers=2, batch_size=3, progress="none")
        assert summary.analyzed == 16 and summary.failed == 0
        rows[engine] = (
            table(store, "SELECT doc_id, title, text, outlet, minhash FROM documents ORDER BY doc_id"),
            table(store, 'SELECT doc_id, start, "end", layer, label, round(score, 6) FROM spans '
                         'ORDER BY doc_id, start, "end", layer, label'),
            table(store, "SELECT doc_id, name, round(value, 6) FROM scores ORDER BY doc_id, name"),
            table(store, 'SELECT doc_id, start, "end", round(checkworthiness, 6), source FROM claims '
                         'ORDER BY doc_id, start'),
        )
    assert rows["local"] == rows["dask"]
    assert rows["local"][1], "the full pipeline found spans"


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


def test_a_store_another_process_holds_or_a_file_that_is_no_store_is_one_line_and_exit_2(tmp_path):
    store = tmp_path / "nested" / "store.duckdb"  # folders are created, as for any new store
    scan([str(make_corpus(tmp_path / "in", 3))], store, engine="inline", fast=True, progress="none")
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"con = duckdb.connect({str(store)!r}); print('open', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        for args in (["report", str(store), "-o", str(tmp_path / "r.html")],
                     ["scan", str(tmp_path / "in"), "--store", str(store), "--fast"]):
            result = run_cli(*args)
            assert result.returncode == 2
            assert result.stderr.decode().splitlines() == [
                f"unspin: error: the store {store} is in use by process {holder.pid}: DuckDB lets one process "
                "write a file at a time (and then no other may read it); wait for it to finish, or use another file"]
    finally:
        holder.kill()
        holder.wait()
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    result = run_cli("report", str(other), "-o", str(tmp_path / "r.html"))
    assert result.returncode == 2 and "is not an unspin store (it has no 'documents' table)" in result.stderr.decode()
    result = run_cli("factchecks", "stats", "--store", str(store))
    assert result.returncode == 2 and "is not an unspin fact-check store" in result.stderr.decode()


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


def test_the_writer_gathers_results_that_arrive_together():
    import queue

    from unspin.scan import runner

    rows = lambda n, tag: [{"document": {"doc_id": f"{tag}{i}"}} for i in range(n)]  # noqa: E731
    results: queue.Queue = queue.Queue()
    for tag in "abc":
        results.put((rows(50, tag), [(f"{tag}-bad", "x", "why")]))
    results.put(None)
    first = results.get()
    # 50 + 50 + 50 reach WRITE_AT_ONCE (128) after the third: one transaction of 150 rows, the
    # end marker still in the queue for the next round.
    gathered, failures, finished = runner._with_waiting(results, first)
    assert len(gathered) == 150 and [f[0] for f in failures] == ["a-bad", "b-bad", "c-bad"] and not finished
    assert results.get() is None
    # A result followed by the end marker: both taken, and the writer knows it is done.
    results.put((rows(3, "d"), []))
    results.put(None)
    gathered, failures, finished = runner._with_waiting(results, results.get())
    assert len(gathered) == 3 and finished


def test_progress_bar_counts_the_files_of_a_folder(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", n=12)
    result = run_cli("scan", str(corpus), "--store", str(tmp_path / "s.duckdb"), "--fast", "--workers", "1",
                     "--progress", "bar")
    assert result.returncode == 0
    assert "12/12" in result.stderr.decode()  # the total comes from counting the folder's files


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

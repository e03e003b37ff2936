"""unspin scan on fixtures written here: formats incl. a WARC built here, resume, a real SIGKILL,
both engines (process pool and a Dask LocalCluster) giving identical rows. The report over a
store is in test_scan_report.py."""
import json
import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from tests.conftest import run_cli
from tests.scan_helpers import make_corpus, make_warc, table
from unspin.scan import scan


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

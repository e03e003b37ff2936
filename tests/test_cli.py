"""The real command line, in a subprocess: exit codes, stdout/stderr, formats, batches."""
import json

from tests.conftest import ARTICLE, run_cli


def test_analyze_text_report(article_file):
    result = run_cli("analyze", str(article_file), "--fast")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "SHOCKING" in out and "Engagement bait" in out and "Dana Whitfield said" in out
    assert result.stderr == b""


def test_analyze_json_and_html_to_file(article_file, tmp_path, schema):
    import jsonschema

    result = run_cli("analyze", str(article_file), "--fast", "-f", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    jsonschema.validate(data, schema)
    assert data["document"]["id"] == "article"
    out = tmp_path / "report.html"
    result = run_cli("analyze", str(article_file), "--fast", "-f", "html", "-o", str(out))
    assert result.returncode == 0 and result.stdout == b""
    assert out.read_text().startswith("<!doctype html>")


def test_stdin(tmp_path):
    result = run_cli("analyze", "-", "--fast", "-f", "json", stdin=ARTICLE.encode())
    assert result.returncode == 0
    assert json.loads(result.stdout)["document"]["title"].startswith("SHOCKING")


def test_one_bad_input_is_one_clear_line_and_exit_2(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_cli("analyze", str(empty), "--fast")
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().splitlines() == [f"unspin: error: {empty}: empty input: nothing to analyse"]
    # A web address is not a missing file: unspin never fetches, and says so.
    web = run_cli("analyze", "https://news.example.com/story", "--fast")
    assert web.returncode == 2
    assert web.stderr.decode().startswith("unspin: error: https://news.example.com/story: a web address: unspin "
                                          "reads files and never fetches anything")


def test_batch_goes_on_past_failures_and_lists_them_at_the_end(tmp_path, article_file):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "page.htm").write_text("<html><body><nav>Home</nav></body></html>")
    (tmp_path / "other.txt").write_text("Second article\n\nPlease share if you agree!")
    result = run_cli("analyze", str(tmp_path), "--fast", "-f", "json")
    assert result.returncode == 2
    titles = [json.loads(line)["document"]["title"] for line in result.stdout.decode().splitlines()]
    assert sorted(titles) == ["SHOCKING: You Won't Believe What the Council Did Next!", "Second article"]
    err = result.stderr.decode().splitlines()
    assert err[-3] == "unspin: 2 of 4 inputs failed:"
    assert "binary.txt: binary file" in err[-2] and "page.htm: no article text" in err[-1]


def test_usage_errors_exit_2(article_file):
    result = run_cli("analyze", str(article_file), "--analyzers", "nope")
    assert result.returncode == 2
    assert "unknown analyzer 'nope'" in result.stderr.decode()
    assert run_cli("analyze").returncode == 2
    assert run_cli("analyze", str(article_file), "--format", "pdf").returncode == 2


def test_size_limit_flag_and_environment(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Title\n\n" + "word " * 1000)
    result = run_cli("analyze", str(path), "--fast", "--max-bytes", "2000")
    assert result.returncode == 2 and "over the 2.0 KB limit" in result.stderr.decode()
    import os
    env = dict(os.environ, UNSPIN_MAX_BYTES="1000")
    assert run_cli("analyze", str(path), "--fast", env=env).returncode == 2


def test_text_length_limit_after_extraction(tmp_path):
    import os
    path = tmp_path / "long.txt"
    path.write_text("Title\n\n" + "The council met again. " * 100)  # 2,307 characters, 2.3 KB
    env = dict(os.environ, UNSPIN_MAX_CHARS="2000")
    result = run_cli("analyze", str(path), "--fast", env=env)
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().splitlines() == [
        f"unspin: error: {path}: text is 2,307 characters long, over the 2,000-character limit "
        "(raise it with UNSPIN_MAX_CHARS)"]
    assert run_cli("analyze", str(path), "--fast", env=dict(env, UNSPIN_MAX_CHARS="3000")).returncode == 0


def test_non_english_article_is_bad_input_and_the_batch_goes_on(tmp_path, article_file):
    from tests.test_pipeline import GERMAN

    german = tmp_path / "stadtrat.txt"
    german.write_text(GERMAN, encoding="utf-8")
    result = run_cli("analyze", str(german), str(article_file), "--fast", "-f", "json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["document"]["title"] == "SHOCKING: You Won't Believe What the Council Did Next!"
    err = result.stderr.decode().splitlines()
    assert err[0] == (f"unspin: error: {german}: language looks like 'de', not English: unspin's models "
                      "read English only (a scan records such articles with their language)")
    assert err[-2] == "unspin: 1 of 2 inputs failed:"


def test_a_text_of_web_addresses_alone_is_bad_input_that_says_so(tmp_path):
    links = tmp_path / "links.txt"
    links.write_text("Links\n\nhttps://www.example.org/share/947e9cfc-05c6-4bc4-a4f8-00ee07b8ee52 "
                     "https://www.example.org/share/947e9cfc-05c6-4bc4-a4f8-00ee07b8ee53\n", encoding="utf-8")
    result = run_cli("analyze", str(links), "--fast")
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().startswith(f"unspin: error: {links}: no natural language at all (markup, code or "
                                             "web addresses), not English")


def test_analyzers_command_lists_registry():
    result = run_cli("analyzers")
    lines = result.stdout.decode().splitlines()
    names = [line.split()[0] for line in lines[:-1] if not line.startswith(" ")]
    assert names == ["outlet", "headline", "engagement", "attribution", "encoder", "propaganda", "claims",
                     "clickbait", "bias", "hyperpartisan", "manipulation"]
    assert "rules" in result.stdout.decode() and "model" in result.stdout.decode()
    # The options each analyzer takes with --set, under its line.
    claims = next(i for i, line in enumerate(lines) if line.startswith("claims "))
    assert lines[claims + 1].split() == ["options:", "threshold,", "store,", "matches,", "min_similarity,", "match_top"]
    assert "--loaded" in lines[-1]


def test_analyzer_options_on_the_command_line(article_file):
    def biased(threshold: str) -> int:
        result = run_cli("analyze", str(article_file), "--analyzers", "encoder,bias", "--set", f"bias.threshold={threshold}",
                         "-f", "json")
        assert result.returncode == 0, result.stderr
        return sum(s["label"] == "biased sentence" for s in json.loads(result.stdout)["spans"])

    assert biased("0") > 0 and biased("1") == 0
    for bad, message in (("bias.nope=1", "has no option"), ("bias", "expected ANALYZER.OPTION=VALUE"),
                         ("claims.match_top=1", "not in the pipeline"),
                         ("bias.threshold=high", "analyzer 'bias' option 'threshold': expected a number"),
                         ("bias.threshold=1.01", "expected a number from 0 to 1, got 1.01"),
                         ("bias.threshold=nan", "expected a number from 0 to 1, got 'nan'")):
        result = run_cli("analyze", str(article_file), "--analyzers", "encoder,bias", "--set", bad)
        assert result.returncode == 2 and message in result.stderr.decode(), (bad, result.stderr)


def test_scan_checks_analyzer_options_before_starting(tmp_path, article_file):
    result = run_cli("scan", str(article_file), "--store", str(tmp_path / "s.duckdb"), "--fast",
                     "--set", "claims.match_top=3")
    assert result.returncode == 2 and "not in the pipeline" in result.stderr.decode()
    assert not (tmp_path / "s.duckdb").exists()
    # A bad value is caught up front too, not in every worker.
    result = run_cli("scan", str(article_file), "--store", str(tmp_path / "s.duckdb"), "--analyzers", "engagement,claims",
                     "--set", "claims.match_top=-1")
    assert result.returncode == 2 and "option 'match_top': expected a whole number of 0 or more" in result.stderr.decode()
    assert not (tmp_path / "s.duckdb").exists()


def test_output_cut_short_by_the_reader_is_not_an_error():
    import os
    import subprocess
    import sys

    # As in `unspin analyzers | head -0`: the reader is gone before the first line is written.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "unspin", "analyzers"], stdout=write_end,
                              stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert done.returncode == 0 and b"error" not in done.stderr, done.stderr


def test_a_wrong_unspin_models_is_a_setting_error_exit_2(article_file, tmp_path):
    import os

    env = {**os.environ, "UNSPIN_MODELS": str(tmp_path / "typo")}
    result = run_cli("analyze", str(article_file), env=env)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().strip().splitlines() == [
        f"unspin: error: UNSPIN_MODELS={tmp_path / 'typo'} holds no model (expected folders such as "
        f"{tmp_path / 'typo'}/propaganda with a config.json, as `make train-fast` writes)"]


def test_a_wrong_unspin_int8_is_a_setting_error_exit_2(article_file):
    import os

    result = run_cli("analyze", str(article_file), env={**os.environ, "UNSPIN_INT8": "fsat"})
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().strip().splitlines() == [
        "unspin: error: UNSPIN_INT8=fsat: expected 'exact' (the default: the same results on every CPU) or "
        "'fast' (onnxruntime's fastest int8 kernels, which saturate on CPUs with AVX2 and no VNNI)"]


def test_analyze_reads_the_pages_of_a_warc_archive(tmp_path):
    from tests.test_scan import make_warc

    warc = make_warc(tmp_path / "crawl.warc.gz")
    result = run_cli("analyze", str(warc), "--fast", "--format", "json")
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["document"]["url"] for r in rows] == ["https://news.example.com/a", "https://news.example.com/b"]
    assert rows[0]["document"]["title"] == "Mayor opens new bridge"
    # The page with no article text is one clear line and exit 2; the image is not a page at all.
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "https://news.example.com/empty" in err and "x.png" not in err


def test_min_score_leaves_out_weaker_flags_and_says_so(tmp_path):
    # Rules give fixed scores: a question headline 0.45, an attribution 0.85.
    path = tmp_path / "a.txt"
    path.write_text("Is this the end of the pier?\n\nThe mayor said the pier would close in May.\n")
    full = json.loads(run_cli("analyze", str(path), "-f", "json", "--fast").stdout)
    cut = json.loads(run_cli("analyze", str(path), "-f", "json", "--fast", "--min-score", "0.5").stdout)
    assert {s["layer"] for s in full["spans"]} == {"headline", "attribution"}
    assert [s["layer"] for s in cut["spans"]] == ["attribution"]
    assert any("1 flag scored below 0.50 left out (--min-score)" in w for w in cut["warnings"])
    assert cut["scores"] == full["scores"]  # what is shown changes, not what is measured
    assert run_cli("analyze", str(path), "--fast", "--min-score", "1.5").returncode == 2


def test_an_output_path_that_cannot_be_written_is_the_users_error(article_file, tmp_path):
    result = run_cli("analyze", str(article_file), "--fast", "-o", str(tmp_path / "missing" / "out.json"))
    err = result.stderr.decode()
    assert result.returncode == 2 and "internal error" not in err
    assert err.strip() == f"unspin: error: {tmp_path / 'missing' / 'out.json'}: No such file or directory"


def test_error_lines_show_control_characters_instead_of_sending_them(tmp_path):
    """Error lines quote file names, URLs out of archives and records' fields, all untrusted: an
    escape sequence among them is shown (␛), not sent to the terminal."""
    (tmp_path / "evil\x1b[2J.txt").write_bytes(b"")
    (tmp_path / "ok.txt").write_text(ARTICLE)
    result = run_cli("analyze", str(tmp_path / "evil\x1b[2J.txt"), str(tmp_path / "ok.txt"), "--fast")
    err = result.stderr.decode()
    assert result.returncode == 2 and "\x1b" not in err
    assert "evil␛[2J.txt: empty input" in err

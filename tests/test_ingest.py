"""Every input format, and every kind of bad input, through the real readers."""
import json

import pytest

from unspin.errors import InputError
from unspin.ingest import Limits, parse_html, parse_text, read_inputs

HTML = """<!doctype html><html><head><title>Water rates rise | Riverside Ledger</title>
<meta property="og:site_name" content="Riverside Ledger">
<meta property="og:title" content="Water rates rise to fund pipes">
<meta name="author" content="Priya Natarajan">
<meta property="article:published_time" content="2024-11-12T18:30:00Z">
<link rel="canonical" href="https://ledger.example.org/news/water-rates"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Water rates rise to fund pipes</h1>
<p>The Riverside city council voted 7-2 on Tuesday to raise the municipal water rate by 12 percent,
with the money earmarked for replacing ageing water mains across the city.</p>
<p>"This increase pays for pipes that are older than most of us," council member Dana Whitfield said
after the vote, adding that the work would take a decade.</p>
<p>According to the Riverside Water Authority, the average household bill will rise by about $9 a month.</p>
</article><section class="comments"><p>jimbo42: outrageous!!!</p></section>
<footer>© 2024 Riverside Ledger. All rights reserved.</footer></body></html>"""


def read_all(paths, **kw):
    return list(read_inputs([str(p) for p in paths], **kw))


def test_plain_text_headline_then_blank_line_then_body():
    doc = parse_text("My headline\n\nBody line one.\nBody line two.\n")
    assert doc.title == "My headline"
    assert doc.body == "Body line one.\nBody line two.\n"


def test_plain_text_without_blank_second_line_is_all_body():
    doc = parse_text("Not a headline\nbecause line two is text.\n")
    assert doc.title == ""
    assert doc.text == "\n\nNot a headline\nbecause line two is text.\n"


def test_title_option_overrides_and_crlf_is_normalised():
    doc = parse_text("Old\r\n\r\nBody.\r\n", title="New headline")
    assert doc.title == "New headline"
    assert doc.body == "Body.\n"


def test_html_main_text_and_metadata_without_boilerplate():
    doc = parse_html(HTML)
    assert doc.title == "Water rates rise to fund pipes"
    assert doc.author == "Priya Natarajan"
    assert doc.published == "2024-11-12"
    assert doc.outlet == "Riverside Ledger"
    assert doc.url == "https://ledger.example.org/news/water-rates"
    assert "voted 7-2" in doc.body
    assert "jimbo42" not in doc.body and "All rights reserved" not in doc.body and "Home" not in doc.body
    assert not doc.body.startswith("Water rates rise")  # the <h1> is the title, not repeated


def test_records_json_jsonl_csv(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{"title": "T1", "text": "Body one.", "id": "x1"},
                                                 {"title": "T2", "body": "Body two.", "url": "https://e.org/2"}]))
    (tmp_path / "b.jsonl").write_text('{"title": "T3", "text": "Body three.", "outlet": "Example"}\n\n'
                                      '{"title": "T4", "text": "Body four.", "published": "2024-01-02"}\n')
    (tmp_path / "c.csv").write_text('id,title,text\nc1,T5,"Body, five."\nc2,T6,"Body ""six""."\n')
    docs = read_all([tmp_path / "a.json", tmp_path / "b.jsonl", tmp_path / "c.csv"])
    assert [d.title for d in docs] == ["T1", "T2", "T3", "T4", "T5", "T6"]
    assert docs[0].id == "x1" and docs[1].url == "https://e.org/2" and docs[2].outlet == "Example"
    assert docs[3].published == "2024-01-02" and docs[5].body == 'Body "six".'
    # A record with a web address and no outlet is from that site, as an HTML page is.
    assert docs[1].outlet == "e.org" and docs[0].outlet is None


def test_folder_is_read_recursively_and_in_order(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("B\n\nbody b")
    (tmp_path / "sub" / "a.txt").write_text("A\n\nbody a")
    (tmp_path / "page.html").write_text(HTML)
    (tmp_path / ".hidden.txt").write_text("H\n\nhidden")
    docs = read_all([tmp_path])
    assert sorted(d.title for d in docs) == ["A", "B", "Water rates rise to fund pipes"]


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "empty input"),
    ("blank.txt", b"   \n\n  ", "only whitespace"),
    ("binary.txt", b"\x00\x01\x02\x03binary\x00stuff", "binary file"),
    ("doc.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 rest", "PDF"),
    ("page.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article text"),
    ("notes.xyz", b"some text", "unknown file type '.xyz'"),
    ("bad.json", b'{"title": "x", "text": ', "invalid JSON"),
])
def test_bad_inputs_give_one_clear_reason(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    items = read_all([path])
    assert len(items) == 1 and isinstance(items[0], InputError)
    assert message in str(items[0]) and name in str(items[0])


def test_size_limit_is_configurable(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Title\n\n" + "word " * 400)
    assert isinstance(read_all([path], limits=Limits(max_bytes=1000))[0], InputError)
    assert "over the" in str(read_all([path], limits=Limits(max_bytes=1000))[0])
    assert read_all([path], limits=Limits(max_bytes=10_000))[0].title == "Title"
    # Just over a limit, sizes rounded alike would say "2.0 kB, over the 2.0 kB limit": bytes then.
    assert str(read_all([path], limits=Limits(max_bytes=2000))[0]).endswith(
        "input is 2,007 bytes, over the 2,000-byte limit (raise it with --max-bytes or UNSPIN_MAX_BYTES)")


def test_legacy_encoding_is_detected(tmp_path):
    path = tmp_path / "latin1.txt"
    text = "Prices in Zürich\n\nThe café charged £5 for a crème brûlée, déjà vu for résumé writers."
    path.write_bytes(text.encode("cp1252"))
    doc = read_all([path])[0]
    assert doc.text == text


def test_bad_records_are_skipped_and_the_rest_go_on(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"title": "ok", "text": "fine"}\nnot json\n{"title": "no body"}\n[1, 2]\n'
                    '{"title": "ok2", "text": "fine too"}\n')
    items = read_all([path])
    good = [i for i in items if not isinstance(i, InputError)]
    bad = [str(i) for i in items if isinstance(i, InputError)]
    assert [d.title for d in good] == ["ok", "ok2"]
    assert bad == [f"{path}:2: invalid JSON: Expecting value",
                   f"{path}:3: record has no 'text' (or 'body', or 'html') field",
                   f"{path}:4: expected an object with 'title' and 'text', got list"]


def test_a_file_of_records_with_no_record_says_so(tmp_path):
    """An export with a header and no row read as nothing at all, with exit code 0, as if it had
    been analysed; now each says why nothing came of it, as a feed with no items always did."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = {"empty.json": "[]", "header.csv": "title,text\n", "blank.jsonl": "\n\n",
             "feed.json": '{"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": []}'}
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    pq.write_table(pa.table({"title": pa.array([], pa.string()), "text": pa.array([], pa.string())}),
                   tmp_path / "rows.parquet")
    for name in [*files, "rows.parquet"]:
        items = read_all([tmp_path / name])
        message = "the feed has no items" if name == "feed.json" else "no article in this file"
        assert len(items) == 1 and message in str(items[0]) and name in str(items[0]), (name, items)


def test_json_nested_too_deeply_is_invalid_json_not_a_crash(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "deep.json").write_text(deep)
    (tmp_path / "lines.jsonl").write_text(deep + '\n{"title": "ok", "text": "fine"}\n')
    items = read_all([tmp_path / "deep.json", tmp_path / "lines.jsonl"])
    assert [str(i) for i in items if isinstance(i, InputError)] == [
        f"{tmp_path / 'deep.json'}: invalid JSON: nested too deeply at line 1 column 1",
        f"{tmp_path / 'lines.jsonl'}:1: invalid JSON: nested too deeply"]
    assert [d.title for d in items if not isinstance(d, InputError)] == ["ok"]


def test_a_damaged_warc_record_ends_the_archive_with_one_clear_error(tmp_path):
    import gzip

    from tests.test_scan import make_warc

    warc = make_warc(tmp_path / "crawl.warc.gz")
    with open(warc, "ab") as handle:  # a response record without its WARC-Target-URI, cut short
        handle.write(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99\r\n\r\nshort"))
    items = read_all([warc])
    assert sorted(d.title for d in items if not isinstance(d, InputError)) == ["Mayor opens new bridge",
                                                                             "Storm closes schools"]
    assert "damaged WARC record after 4 good ones (AttributeError" in str(items[-1])


def test_record_fields_of_other_types(tmp_path):
    path = tmp_path / "feed.jsonl"
    rows = [{"text": "No title here. Officials said so.", "title": None},
            {"title": "Paragraphs", "text": ["First paragraph.", "Second paragraph."], "author": ["A. Ruiz", "B. Lee"],
             "published": 20240110},
            {"title": "Nested", "text": {"p": "one"}},
            {"title": True, "text": "Body."},
            {"title": "Feed item", "html": "<p>The senator said taxes rose by 5 percent last year.</p>"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    items = read_all([path])
    good = [i for i in items if not isinstance(i, InputError)]
    assert [(d.title, d.body) for d in good[:2]] == [("", "No title here. Officials said so."),
                                                    ("Paragraphs", "First paragraph.\nSecond paragraph.")]
    assert good[1].author == "A. Ruiz, B. Lee" and good[1].published == "20240110"
    # A short HTML fragment (a feed item's content) is extracted although trafilatura skips texts that short.
    assert good[2].body == "The senator said taxes rose by 5 percent last year."
    assert [str(i) for i in items if isinstance(i, InputError)] == [
        f"{path}:3: field 'text' must be text, not dict", f"{path}:4: field 'title' must be text, not bool"]


def test_missing_path_and_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    items = read_all([tmp_path / "nope.txt", tmp_path / "empty"])
    assert [type(i) for i in items] == [InputError, InputError]
    assert "no such file" in str(items[0]) and "no files unspin can read" in str(items[1])

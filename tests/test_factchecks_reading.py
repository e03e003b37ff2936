"""Reading fact-check files (ClaimReview, LIAR, CheckThat!, Share the Facts): the mapping of each
format, and malformed records reported and skipped, without a store."""
import gzip
import json

import pytest

from tests.factcheck_files import CLAIMREVIEW, claimreview_item, write_checkthat, write_liar, write_sharethefacts
from unspin.errors import InputError
from unspin.factchecks.importers import detect_format, read_file
from unspin.factchecks.records import FactCheck, Problem


def test_claimreview_mapping_and_malformed_records_reported():
    items = list(read_file(CLAIMREVIEW))
    good = [i for i in items if isinstance(i, FactCheck)]
    bad = [str(i) for i in items if isinstance(i, Problem)]
    assert [g.claim for g in good] == ["Drinking hot tap water every hour cures the flu.",
                                       "The city's water rates have not gone up since 2014.",
                                       "Unemployment in the county fell to 3.9 percent last year.",
                                       "Wind turbines cause cancer."]
    first = good[0]
    assert (first.verdict, first.publisher, first.speaker, first.date, first.claim_date) == \
        ("False", "Example Fact Check", "Viral Facebook post", "2020-03-16", "2020-03-10")
    assert good[1].verdict == "Mostly true" and good[1].publisher == "Riverside Checkers"  # textualRating, author list
    assert good[2].verdict == "4/5"  # numeric rating only
    assert good[3].url is None  # a javascript: URL never gets into the store
    assert len(bad) == 4
    assert any("no claimReviewed" in b for b in bad) and any("no reviewRating" in b for b in bad)
    assert any("not a ClaimReview" in b for b in bad) and any("got str" in b for b in bad)


def test_other_formats(tmp_path):
    liar = list(read_file(write_liar(tmp_path / "train.tsv")))
    assert [i.verdict for i in liar if isinstance(i, FactCheck)] == ["false", "mostly-true"]
    assert sum(isinstance(i, Problem) for i in liar) == 2
    ct = list(read_file(write_checkthat(tmp_path / "vclaims.jsonl")))
    good = [i for i in ct if isinstance(i, FactCheck)]
    assert good[0].publisher == "PolitiFact" and good[0].url.startswith("https://www.politifact.com/factchecks/")
    assert good[0].claim_date == "2019-04-02" and good[1].publisher == "Snopes" and good[1].date == "2019-07-12"
    assert sum(isinstance(i, Problem) for i in ct) == 2
    stf = list(read_file(write_sharethefacts(tmp_path / "stf")))
    good = [i for i in stf if isinstance(i, FactCheck)]
    assert [g.claim for g in good] == ["Crime rose 40 percent in a year."] * 2  # the duplicate collapses in the store
    assert good[0].claim_date == "2016-02-24" and good[0].date == "2016-03-01"
    assert {str(p).split(": ", 1)[1] for p in stf if isinstance(p, Problem)} == \
        {"empty or placeholder statement", "test record"}
    assert detect_format(tmp_path / "train.tsv") == "liar"
    assert detect_format(tmp_path / "vclaims.jsonl") == "checkthat"
    assert detect_format(tmp_path / "stf" / "facts.jsonl") == "sharethefacts"
    assert detect_format(CLAIMREVIEW) == "claimreview"


def test_claimreview_data_feed(tmp_path):
    # The bulk form of fact-check feeds (schema.org DataFeed): each DataFeedItem holds one
    # ClaimReview or a list of them in `item`; a broken element is reported, the rest imported.
    # (The second names the fact-checker as its publisher, not its author.)
    review = {"@type": "ClaimReview", "claimReviewed": "Wind turbines cause cancer.",
              "reviewRating": {"@type": "Rating", "alternateName": "False"},
              "author": {"@type": "Organization", "name": "Feed Checkers"}, "url": "https://feed.example/wind"}
    feed = {"@context": "https://schema.org", "@type": "DataFeed",
            "dataFeedElement": [
                {"@type": "DataFeedItem", "url": "https://feed.example/wind", "item": [review]},
                {"@type": "DataFeedItem", "item": {**{k: v for k, v in review.items() if k != "author"},
                                                   "claimReviewed": "Tap water cures the flu.",
                                                   "publisher": {"@type": "Organization", "name": "Feed Checkers"}}},
                {"@type": "DataFeedItem", "dateCreated": "2024-01-01"},
                {"@type": "DataFeedItem", "item": [{"@type": "ClaimReview", "claimReviewed": "No rating here."}]}]}
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    assert detect_format(path) == "claimreview"
    items = list(read_file(path))
    assert [(i.claim, i.verdict, i.publisher) for i in items if isinstance(i, FactCheck)] == [
        ("Wind turbines cause cancer.", "False", "Feed Checkers"), ("Tap water cures the flu.", "False", "Feed Checkers")]
    assert [str(i) for i in items if isinstance(i, Problem)] == [
        f"{path}.dataFeedElement[2]: DataFeed element without an item",
        f"{path}.dataFeedElement[3].item[0]: ClaimReview has no reviewRating (alternateName, textualRating or ratingValue)"]


def test_a_feed_is_read_as_a_stream(tmp_path):
    # A feed is read element by element: a one-line feed larger than the 1 MiB that format
    # detection looks at is still told apart, and a feed cut off half-way keeps what came before
    # the break (reading it whole would lose everything) and reports the break.
    elements = [{"@type": "DataFeedItem", "item": claimreview_item(n)} for n in range(6000)]
    feed = json.dumps({"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": elements})
    path = tmp_path / "feed.json"
    path.write_bytes(b"\xef\xbb\xbf" + feed.encode())  # with a byte-order mark, as some exports have
    assert path.stat().st_size > 1 << 20
    assert detect_format(path) == "claimreview"
    assert sum(isinstance(i, FactCheck) for i in read_file(path)) == 6000
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(gzip.compress(feed[:feed.index("Claim number 3000 ")].encode()))
    items = list(read_file(cut))
    assert sum(isinstance(i, FactCheck) for i in items) == 3000
    assert [str(i) for i in items if isinstance(i, Problem)] == [f"{cut}: invalid JSON: parse error: premature EOF"]
    top_level = tmp_path / "array.json"
    top_level.write_text(json.dumps([claimreview_item(1), "a string", claimreview_item(2)], indent=2))
    assert [str(i) for i in read_file(top_level) if isinstance(i, Problem)] == \
        [f"{top_level}[1]: expected a ClaimReview object, got str"]


def test_json_nested_too_deeply_is_a_malformed_record_not_a_crash(tmp_path):
    """A file of "[[[[..." once took ijson over 20 GB (a prefix string per level) and Python's json a
    RecursionError; now each reader stops at a nesting limit and reports the record."""
    deep = "[" * 20_000 + "]" * 20_000
    document = tmp_path / "deep.json"
    document.write_text(deep)
    lines = tmp_path / "deep.jsonl"
    lines.write_text(deep + "\n" + json.dumps(claimreview_item(1)) + "\n")
    with pytest.raises(InputError, match="cannot tell the format"):
        detect_format(document)
    assert [str(p) for p in read_file(document, "claimreview")] == [
        f"{document}: invalid JSON: nested more than 100 levels deep"]
    items = list(read_file(lines, "claimreview"))
    assert str(items[0]) == f"{lines}:1: invalid JSON: nested too deeply"
    assert isinstance(items[1], FactCheck)


def test_fields_of_the_wrong_type_are_not_stored_as_python_reprs(tmp_path):
    path = tmp_path / "vclaims.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"vclaim_id": 5, "vclaim": ["a", "list"]},
        {"vclaim_id": "vclaim-sno-1", "vclaim": "Taxes rose\u001b[2J by 5 percent.", "truth_label": {"x": 1},
         "date": True, "title": 1234}]) + "\n")
    problem, record = read_file(path, "checkthat")
    assert str(problem) == f"{path}:1: record has no vclaim text"
    assert (record.claim, record.verdict, record.date, record.title) == ("Taxes rose[2J by 5 percent.", None, None,
                                                                          "1234")

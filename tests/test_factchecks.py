"""The fact-check store on a real DuckDB file: importers (good and bad records), idempotent
re-import, hybrid search, stats, and the CLI."""
import gzip
import json

import numpy as np
import pytest

from tests.conftest import ROOT, run_cli
from unspin.errors import InputError
from unspin.factchecks.importers import detect_format, read_file
from unspin.factchecks.records import FactCheck, Problem
from unspin.factchecks.service import import_files, search
from unspin.factchecks.store import FactCheckStore

CLAIMREVIEW = ROOT / "tests" / "fixtures" / "claimreview.json"


def write_liar(path):
    path.write_text(
        "1.json\tfalse\tThe city has the highest water rates in the state.\twater\tjane doe\tmayor\tOhio\t"
        "democrat\t0\t1\t0\t0\t0\ta radio interview\n"
        "2.json\tmostly-true\tUnemployment fell every month last year.\teconomy\tjohn roe\t\t\trepublican\t"
        "0\t0\t0\t1\t0\ta press release\n"
        "3.json\tsorta\tA line with an unknown label.\tx\ty\t\t\t\t0\t0\t0\t0\t0\tz\n"
        "short line\n")
    return path


def write_checkthat(path):
    rows = [{"vclaim_id": "vclaim-pol-00001", "vclaim": "Wind turbines cause cancer.", "truth_label": "pants-fire",
             "speaker": "A Politician", "date": "stated on April 2, 2019 in a speech.:",
             "url": "/factchecks/2019/apr/03/a-politician/wind-turbines/", "title": "No, wind turbines do not"},
            {"vclaim_id": "vclaim-sno-7-moon", "vclaim": "The moon landing was filmed in a studio.",
             "title": "Moon landing hoax", "date": "12 July 2019", "page_url": "https://www.snopes.com/moon"},
            {"vclaim_id": "vclaim-sno-8-empty"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "not json\n")
    return path


def write_sharethefacts(folder):
    folder.mkdir()
    (folder / "organizations.jsonl").write_text(
        json.dumps({"id": "1", "name": "PolitiFact"}) + "\n" + json.dumps({"id": "9", "name": "Test Org"}) + "\n")
    facts = [
        {"id": "1", "statement": "Kill them all!", "organization_id": "1", "testing": "f", "disabled": "f"},
        {"id": "2", "statement": "Crime rose 40 percent in a year.", "organization_id": "1", "rating": "False",
         "redirectURL": "https://www.politifact.com/crime", "date": "02/24/2016", "created_at": "2016-03-01 10:00:00",
         "speaker": "Someone", "testing": "f", "disabled": "f"},
        {"id": "3", "statement": "Crime rose 40 percent in a year.", "organization_id": "1", "rating": "False",
         "testing": "f", "disabled": "f"},
        {"id": "4", "statement": "A claim from the test organisation.", "organization_id": "9", "rating": "True",
         "testing": "f", "disabled": "f"},
        {"id": "5", "statement": "A claim marked as testing.", "organization_id": "1", "rating": "True",
         "testing": "t", "disabled": "f"},
    ]
    (folder / "facts.jsonl").write_text("".join(json.dumps(f) + "\n" for f in facts))
    return folder / "facts.jsonl"


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


def test_import_is_idempotent_and_search_finds_the_match(tmp_path):
    store = tmp_path / "fc.duckdb"
    first = import_files([CLAIMREVIEW, write_liar(tmp_path / "l.tsv"), write_sharethefacts(tmp_path / "stf")], store)
    assert first.added == 7 and first.duplicates == 1
    again = import_files([CLAIMREVIEW], store)
    assert again.added == 0 and again.duplicates == 4
    with FactCheckStore(store, read_only=True) as s:
        assert s.count() == 7
        stats = s.stats()
    assert stats["publishers"]["PolitiFact"] == 3 and stats["sources"]["claimreview"] == 4
    hits = search("Does drinking hot water cure the flu?", store, k=3)
    assert hits[0]["claim"] == "Drinking hot tap water every hour cures the flu."
    assert hits[0]["verdict"] == "False" and hits[0]["similarity"] > 0.5
    assert all(h["similarity"] <= hits[0]["similarity"] for h in hits)
    unrelated = search("The orchestra premiered a new symphony by a young composer.", store, k=1)
    assert unrelated[0]["similarity"] < 0.5
    lexical = search("wind turbines cancer", store, k=1, mode="lexical")
    assert lexical[0]["claim"] == "Wind turbines cause cancer."


def test_factchecks_cli(tmp_path):
    store = tmp_path / "cli.duckdb"
    result = run_cli("factchecks", "import", str(CLAIMREVIEW), "--store", str(store))
    assert result.returncode == 0
    err = result.stderr.decode()
    assert "read 4 records: 4 added, 0 already in the store or repeated, 4 skipped as malformed" in err
    assert "skipped" in err and "no claimReviewed" in err
    result = run_cli("factchecks", "search", "wind turbines give people cancer", "--store", str(store),
                     "--format", "json")
    assert json.loads(result.stdout)[0]["verdict"] == "Pants on Fire"
    result = run_cli("factchecks", "stats", "--store", str(store), "--format", "json")
    assert json.loads(result.stdout)["records"] == 4
    missing = run_cli("factchecks", "search", "x y z", "--store", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "no fact-check store" in missing.stderr.decode()
    bad = run_cli("factchecks", "import", str(tmp_path / "nope.json"), "--store", str(store))
    assert bad.returncode == 2


def test_int8_prefilter_finds_the_exact_cosine_top_n(tmp_path):
    import numpy as np

    from unspin.factchecks.dense import ExactDense, QuantisedDense, write_graph

    rng = np.random.default_rng(7)
    # Clustered unit vectors, like sentence embeddings: many near neighbours compete for the top.
    centres = rng.normal(size=(40, 384))
    vectors = centres[rng.integers(0, 40, 6000)] + 0.6 * rng.normal(size=(6000, 384))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    write_graph(vectors, tmp_path / "dense.onnx")
    exact, quantised = ExactDense(vectors), QuantisedDense(vectors, tmp_path / "dense.onnx")
    queries = vectors[rng.integers(0, 6000, 70)] + 0.01  # more than one chunk of queries
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    together = quantised.search_many(queries, 50)
    for query, (batch_ids, _) in zip(queries, together):
        want_ids, want_scores = exact.search(query, 50)
        got_ids, got_scores = quantised.search(query, 50)
        assert got_ids.tolist() == want_ids.tolist() == batch_ids.tolist()  # ties too (exact ones occur)
        assert np.allclose(got_scores, want_scores, atol=1e-6)  # scores are the exact cosines


def test_top_n_keeps_equal_scores_in_index_order():
    # Two claims can score exactly the same (BM25 often does; cosines sometimes): which is kept, and
    # in what order, must not depend on argpartition or on how the scores were computed.
    import numpy as np

    from unspin.factchecks.dense import top_n

    scores = np.round(np.random.default_rng(0).random(1000), 1).astype(np.float32)  # ~50 tie at the top
    tied = np.flatnonzero(scores == scores.max())
    assert top_n(scores, 30).tolist() == tied[:30].tolist()
    assert top_n(scores, len(tied) + 5)[: len(tied)].tolist() == tied.tolist()
    assert top_n(np.array([0.2, 0.9, 0.9, 0.1], dtype=np.float32), 10).tolist() == [1, 2, 0, 3]
    assert top_n(scores, 0).tolist() == []


def test_top_n_is_the_plain_sort_on_every_kind_of_array():
    """top_n narrows long arrays down before it partitions them; the answer must be the plain sort's
    (score descending, index ascending) for ties, repeats, negative scores, NaN and short arrays."""
    from unspin.factchecks.dense import top_n

    rng = np.random.default_rng(5)
    for trial in range(300):
        size = int(rng.integers(1, 20_000))
        scores = rng.random(size).astype(np.float32)
        if trial % 3 == 0:
            scores = np.round(scores * rng.integers(2, 50)).astype(np.float32)  # many ties, as BM25 has
        if trial % 7 == 0:
            scores -= 0.5
        if trial % 11 == 0:
            scores[rng.integers(0, size, 3)] = np.nan
        n = int(rng.integers(1, 80))
        order = np.lexsort((np.arange(size), -np.nan_to_num(scores, nan=-np.inf)))
        assert top_n(scores, n).tolist() == order[:n].tolist(), (trial, size, n)


def test_large_store_index_uses_the_int8_graph(tmp_path, monkeypatch):
    from unspin.factchecks import matcher as matcher_module
    from unspin.factchecks.dense import QuantisedDense

    monkeypatch.setattr(matcher_module, "QUANTISED_FROM", 5)  # the fixture store counts as large
    store = tmp_path / "fc.duckdb"
    import_files([CLAIMREVIEW, write_liar(tmp_path / "l.tsv")], store)
    assert isinstance(matcher_module.Matcher.from_store(store).dense, QuantisedDense)
    hits = search("Does drinking hot water cure the flu?", store, k=1)
    assert hits[0]["claim"] == "Drinking hot tap water every hour cures the flu."


def test_interrupted_import_keeps_whole_batches_and_the_index_stays_current(tmp_path):
    from unspin.analyzers.models import sentence_encoder
    from unspin.factchecks.matcher import Matcher

    liar = tmp_path / "l.tsv"
    liar.write_text("".join(f"{i}.json\tfalse\tThe county built {i} new bridges last year.\tx\tjane doe\t\t\t\t"
                            "0\t0\t0\t0\t0\tz\n" for i in range(5)))
    records = list(read_file(liar, None))
    assert len(records) == 5 and all(isinstance(r, FactCheck) for r in records)

    def crashing():  # the importer dies after the first batch, as a killed process would
        yield from records[:2]
        raise KeyboardInterrupt

    store = tmp_path / "fc.duckdb"
    with FactCheckStore(store) as s:
        try:
            s.add(crashing(), sentence_encoder(), batch_size=2)
        except KeyboardInterrupt:
            pass
    with FactCheckStore(store, read_only=True) as s:
        assert s.count() == 2 and s.generation() == 1  # the written batch and its generation, together
    assert len(Matcher.from_store(store)) == 2
    seen = []
    again = import_files([liar], store, progress=lambda path, report: seen.append(report.read))
    assert again.added == len(records) - 2 and again.duplicates == 2
    assert seen and seen[-1] == len(records)  # the last call, before the index is built, has the total
    assert len(Matcher.from_store(store)) == len(records)  # not the stale index of the first run


def test_import_progress_lines(tmp_path):
    result = run_cli("factchecks", "import", str(write_liar(tmp_path / "l.tsv")), "--store", str(tmp_path / "p.duckdb"),
                     "--progress", "plain")
    assert result.returncode == 0
    assert "l.tsv: 2 records read, 2 added, 0 already there, 2 malformed" in result.stderr.decode()


def test_first_candidate_of_a_claim_with_no_fact_check_is_not_shown_as_a_match(tmp_path):
    """Most claims in news have no fact-check: a store of near-miss records shows none of them as a
    match, while a paraphrase of one is shown."""
    records = tmp_path / "cadbury.jsonl"
    texts = ["The confectionery company Cadbury is giving away hampers filled with chocolate to people who "
             "like and share content on Facebook.",
             # a real store holds many fact-checks near any business story; none of these is this one
             "Cadbury has made its chocolate bars smaller but kept the price the same.",
             "Nestle's profits rose because its cocoa is picked by child labourers.",
             "Hershey is closing all of its factories in the United States.",
             "The weak dollar has doubled the profits of American exporters this year.",
             "Mars is recalling its chocolate bars because they contain plastic.",
             "Wind turbines cause cancer.", "Crime rose 40 percent in a year."]
    records.write_text("".join(json.dumps({"vclaim_id": f"vclaim-sno-{i}", "vclaim": t}) + "\n"
                               for i, t in enumerate(texts)))
    store = tmp_path / "fc.duckdb"
    import_files([records], store)
    unrelated = search("The world's biggest confectionery firm, Cadbury Schweppes, has reported a modest rise "
                       "in profits after the weak dollar took a bite out of its results.", store, k=1)
    assert unrelated[0]["similarity"] < 0.5
    same = search("Cadbury is handing out free chocolate hampers to Facebook users who like and share its posts.",
                  store, k=1)
    assert same[0]["claim"].startswith("The confectionery company Cadbury") and same[0]["similarity"] >= 0.5


def test_training_sees_each_query_without_its_fact_checks():
    from training.matcher import without
    from unspin.factchecks.matcher import Features, with_margins

    rows = with_margins([Features(7, 0.9, 1.0, 1, 1), Features(3, 0.5, 0.5, 2, 51), Features(4, 0.4, 0.25, 51, 2)])
    assert [round(f.margin, 2) for f in rows] == [0.4, -0.4, -0.5]
    rest = without(rows, {7})
    assert [(f.index, f.dense_rank, f.bm25_rank, f.bm25) for f in rest] == [(3, 1, 51, 1.0), (4, 51, 1, 0.5)]
    assert [round(f.margin, 2) for f in rest] == [0.1, -0.1]


def test_reranker_does_not_take_first_place_for_a_match():
    """The case found on BBC news against a 100k store: "Cadbury Schweppes reported a modest rise
    in profits" came first in both lists against "Cadbury is giving away hampers on Facebook"
    (cosine 0.43, best BM25, barely above the next candidate) and was shown with similarity 0.81.
    The shipped re-ranker, trained also on queries without their fact-check, must say no to that
    and yes to a close paraphrase that stands out."""
    from unspin.factchecks.matcher import Features, load_reranker, rerank

    first_but_wrong = Features(0, cosine=0.43, bm25=1.0, dense_rank=1, bm25_rank=1, margin=0.02)
    paraphrase = Features(1, cosine=0.85, bm25=1.0, dense_rank=1, bm25_rank=1, margin=0.3)
    wrong, right = rerank(load_reranker(), [first_but_wrong, paraphrase])
    assert wrong < 0.5 <= right


def test_a_matcher_opened_without_a_reranker_scores_as_analyze_does():
    """The Python API's matchers take the shipped re-ranker unless given one: the hand-set
    fallback (for a model set without a trained one) gave the Cadbury case above 0.81."""
    from unspin.factchecks.matcher import DEFAULT_RERANKER, Features, Matcher, load_reranker, rerank

    vectors = np.eye(2, 384, dtype=np.float32)
    matcher = Matcher.from_texts(["a", "b"], ["Cadbury hampers on Facebook", "Sugar tax"], vectors)
    assert load_reranker() is not None and matcher.reranker == load_reranker() != DEFAULT_RERANKER
    first_but_wrong = Features(0, cosine=0.43, bm25=1.0, dense_rank=1, bm25_rank=1, margin=0.02)
    assert rerank(matcher.reranker, [first_but_wrong])[0] < 0.5


def test_search_ranks_the_union_of_both_lists_as_the_reranker_says():
    """The matcher assembles its candidates as arrays; here every query's result is rebuilt the
    plain way: both top-n lists, their union, one Features per candidate, the re-ranker, and ties in
    store order. The store is larger than a top-n list, so some candidates are in one list only."""
    from unspin.factchecks.dense import ExactDense, top_n
    from unspin.factchecks.matcher import CANDIDATES, Features, Matcher, load_reranker, rerank, tokenize, with_margins

    rng = np.random.default_rng(3)
    words = ["tax", "crime", "water", "vaccine", "border", "wages", "school", "fuel", "rent", "votes"]
    texts = [" ".join(rng.choice(words, 5)) + f" claim {i}" for i in range(140)]
    vectors = rng.normal(size=(140, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    matcher = Matcher.from_texts([f"id{i}" for i in range(140)], texts, vectors)
    queries = [" ".join(rng.choice(words, 4)) for _ in range(12)] + ["nothing in common here"]
    qvec = (vectors[rng.integers(0, 140, 13)] + 0.3 * rng.normal(size=(13, 384))).astype(np.float32)
    qvec /= np.linalg.norm(qvec, axis=1, keepdims=True)
    n, reranker = CANDIDATES, load_reranker()
    for mode in ("hybrid", "semantic", "lexical"):
        got = matcher.search(queries, qvec, k=7, mode=mode)
        for q, tokens, vec, result in zip(queries, tokenize(queries), qvec, got):
            dense = {} if mode == "lexical" else {int(i): r for r, i in enumerate(ExactDense(vectors).search(vec, n)[0], 1)}
            scores = matcher.bm25.get_scores(tokens) if tokens and mode != "semantic" else np.zeros(140)
            hits = np.flatnonzero(scores > 0)
            lexical = {int(i): r for r, i in enumerate(hits[top_n(scores[hits], n)], 1)}
            best = max(scores.max(), 0) or 1.0
            rows = with_margins([Features(i, float(vectors[i] @ vec), float(scores[i]) / best if i in lexical else 0.0,
                                          dense.get(i, n + 1), lexical.get(i, n + 1))
                                 for i in sorted(set(dense) | set(lexical))])
            similarity = {"hybrid": rerank(reranker, rows) if rows else np.zeros(0),
                          "semantic": np.array([max(0.0, f.cosine) for f in rows]),
                          "lexical": np.array([f.bm25 for f in rows])}[mode]
            order = sorted(range(len(rows)), key=lambda j: (-similarity[j], rows[j].index))[:7]
            assert [c.id for c in result] == [f"id{rows[j].index}" for j in order], (mode, q)
            assert np.allclose([c.similarity for c in result], similarity[order], atol=1e-9)
            assert np.allclose([c.cosine for c in result], [rows[j].cosine for j in order], atol=1e-6)


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


def test_fact_checks_in_another_language_are_left_out_unless_asked(tmp_path):
    # Matching embeds claims with an English model: a multilingual feed would fill the store with
    # claims it cannot match. Records that declare another language are counted, not imported.
    def review(claim, language):
        return {"@type": "ClaimReview", "claimReviewed": claim, "inLanguage": language,
                "reviewRating": {"alternateName": "False"}, "author": {"name": "Checkers"}}

    path = tmp_path / "multilingual.json"
    path.write_text(json.dumps([review("Wind turbines cause cancer.", "en-US"),
                                review("Les éoliennes donnent le cancer.", "fr"),
                                review("Windräder verursachen Krebs.", {"@type": "Language", "name": "German",
                                                                        "alternateName": "de"}),
                                {k: v for k, v in review("Tap water cures the flu.", None).items()
                                 if k != "inLanguage"}]))
    report = import_files([path], tmp_path / "fc.duckdb")
    assert (report.read, report.added, report.not_english) == (4, 2, 2)
    assert "2 left out as not English (--all-languages keeps them)" in report.summary()
    result = run_cli("factchecks", "import", str(path), "--all-languages", "--store", str(tmp_path / "all.duckdb"))
    assert "read 4 records: 4 added," in result.stderr.decode()


def _review(n: int, language: str | None = None) -> dict:
    review = {"@type": "ClaimReview", "claimReviewed": f"Claim number {n} about wind turbines.",
              "reviewRating": {"@type": "Rating", "alternateName": "False"},
              "author": {"@type": "Organization", "name": "Feed Checkers"}, "url": f"https://feed.example/{n}"}
    return {**review, "inLanguage": language} if language else review


def test_a_feed_is_read_as_a_stream(tmp_path):
    # A feed is read element by element: a one-line feed larger than the 1 MiB that format
    # detection looks at is still told apart, and a feed cut off half-way keeps what came before
    # the break (reading it whole would lose everything) and reports the break.
    elements = [{"@type": "DataFeedItem", "item": _review(n)} for n in range(6000)]
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
    top_level.write_text(json.dumps([_review(1), "a string", _review(2)], indent=2))
    assert [str(i) for i in read_file(top_level) if isinstance(i, Problem)] == \
        [f"{top_level}[1]: expected a ClaimReview object, got str"]


def test_declared_language_is_stored_and_counted(tmp_path):
    import duckdb

    # A store made before languages were kept gains the column at its next import.
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute("CREATE TABLE factchecks (id VARCHAR PRIMARY KEY, claim VARCHAR NOT NULL, verdict VARCHAR, "
                    "publisher VARCHAR, url VARCHAR, date VARCHAR, speaker VARCHAR, claim_date VARCHAR, "
                    "title VARCHAR, source VARCHAR, source_id VARCHAR, "
                    "imported_at TIMESTAMP DEFAULT current_timestamp, embedding FLOAT[384])")
    with FactCheckStore(old, read_only=True) as store:
        assert store.stats()["languages"] == {}
    path = tmp_path / "reviews.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (_review(1, "en-GB"), _review(2), _review(3, "EN"))))
    assert import_files([path], old).added == 3
    with FactCheckStore(old, read_only=True) as store:
        assert store.stats()["languages"] == {"en": 1, "en-gb": 1, "(not declared)": 1}
    result = run_cli("factchecks", "stats", "--store", str(old))
    assert "declared languages: (not declared) 1, en 1, en-gb 1" in result.stdout.decode()


def test_a_bad_file_in_an_import_batch_is_listed_and_the_others_are_imported(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(_review(1)) + "\n")
    cut = tmp_path / "cut.json"
    cut.write_text('{"@type": "ClaimReview", "claimReviewed": "Wind turb')
    unknown = tmp_path / "notes.json"
    unknown.write_text("just some notes\n")
    store = tmp_path / "fc.duckdb"
    result = run_cli("factchecks", "import", str(cut), str(tmp_path / "missing.json"), str(unknown), str(good),
                     "--store", str(store))
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "3 of 4 files failed:" in err and f"{cut}: no fact-check could be read from it" in err
    assert f"{tmp_path / 'missing.json'}: no such file" in err and f"{unknown}: cannot tell the format" in err
    assert f"skipped {cut}: invalid JSON: parse error: premature EOF" in err
    with FactCheckStore(store, read_only=True) as s:
        assert s.count() == 1  # the good file after them was imported


def test_json_nested_too_deeply_is_a_malformed_record_not_a_crash(tmp_path):
    """A file of "[[[[..." once took ijson over 20 GB (a prefix string per level) and Python's json a
    RecursionError; now each reader stops at a nesting limit and reports the record."""
    deep = "[" * 20_000 + "]" * 20_000
    document = tmp_path / "deep.json"
    document.write_text(deep)
    lines = tmp_path / "deep.jsonl"
    lines.write_text(deep + "\n" + json.dumps(_review(1)) + "\n")
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


def test_a_file_that_is_not_utf8_is_refused_before_any_record_is_stored(tmp_path):
    """Found half-way through, a bad byte would leave the batches before it in the store and out of
    the counts; the whole file is checked first."""
    latin1 = write_liar(tmp_path / "liar.tsv")
    latin1.write_bytes(latin1.read_bytes() + "4.json\tfalse\tCaf\u00e9 prices doubled.\tx\ty\n".encode("latin-1"))
    damaged = tmp_path / "claims.jsonl.gz"
    damaged.write_bytes(gzip.compress(b'{"vclaim_id": "1", "vclaim": "A claim."}\n')[:-12])
    store = tmp_path / "fc.duckdb"
    result = run_cli("factchecks", "import", str(latin1), str(damaged), "--format", "liar", "--store", str(store))
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err, err
    assert f"{latin1}: not UTF-8 text (invalid continuation byte at byte 332)" in err
    assert f"{damaged}: not a readable gzip file" in err
    if store.exists():
        with FactCheckStore(store, read_only=True) as s:
            assert s.count() == 0


def test_a_store_embedded_by_another_model_is_refused_until_reembedded(tmp_path):
    """Cosines between vectors of two models mean nothing: after an upgrade that ships another
    sentence encoder, search, analyze and import refuse the old store (one line, exit 2) and say how
    to fix it; `reembed` embeds every claim again, and the store works as if imported fresh."""
    import duckdb

    from unspin.analyzers.models import sentence_encoder

    store = tmp_path / "fc.duckdb"
    import_files([CLAIMREVIEW, write_liar(tmp_path / "l.tsv")], store)
    encoder = sentence_encoder()
    with FactCheckStore(store, read_only=True) as s:
        assert s.embedding_model() == encoder.identity == "all-MiniLM-L6-v2 1.0.0"
        fresh, generation = s.vectors()[1], s.generation()
    with duckdb.connect(str(store)) as con:  # as an older unspin with another model would have left it
        con.execute("UPDATE store_meta SET value = 'other-encoder 0.9' WHERE key = 'embedding_model'")
        con.execute("UPDATE factchecks SET embedding = list_transform(embedding, x -> -x)")
    for args in (("factchecks", "search", "wind turbines cause cancer"), ("factchecks", "import", str(CLAIMREVIEW)),
                 ("analyze", "-", "-f", "json")):
        result = run_cli(*args, "--store" if args[0] == "factchecks" else "--set", str(store) if args[0] == "factchecks"
                         else f"claims.store={store}", stdin=b"Officials said the new bridge cost 40 million dollars to build.")
        err = result.stderr.decode().strip()
        assert result.returncode == 2 and len(err.splitlines()) == 1, (args, err)
        assert "embedded with other-encoder 0.9" in err and "unspin factchecks reembed" in err
    result = run_cli("factchecks", "reembed", "--progress", "plain", "--store", str(store))
    err = result.stderr.decode()
    assert result.returncode == 0 and "claims embedded with all-MiniLM-L6-v2 1.0.0" in err
    assert f"embedded {len(fresh):,} of {len(fresh):,} claims (" in err and " claims/s)" in err
    with FactCheckStore(store, read_only=True) as s:
        assert s.embedding_model() == encoder.identity and s.generation() == generation + 1
        # the same model's vectors again (not to the bit: int8 claims embedded in batches of 64 shift
        # each other a little, and the batches differ from the import's two files)
        assert (np.sum(s.vectors()[1] * fresh, axis=1) > 0.97).all()
    assert search("Does drinking hot water cure the flu?", store, k=1)[0]["claim"].startswith("Drinking hot tap water")


def test_a_store_from_before_models_were_recorded_is_taken_as_the_first_model(tmp_path):
    import duckdb

    store = tmp_path / "fc.duckdb"
    import_files([CLAIMREVIEW], store)
    with duckdb.connect(str(store)) as con:
        con.execute("DELETE FROM store_meta WHERE key = 'embedding_model'")
    with FactCheckStore(store, read_only=True) as s:
        assert s.embedding_model() == "all-MiniLM-L6-v2 1.0.0"  # the only model shipped before
    assert search("wind turbines cause cancer", store, k=1)[0]["claim"] == "Wind turbines cause cancer."
    with FactCheckStore(tmp_path / "empty.duckdb") as s:
        assert s.embedding_model() is None


def test_a_model_set_with_its_own_matching_encoder_needs_its_own_store(tmp_path):
    """`make train-fast` gives its model set its own claim-matching encoder: a store embedded with
    the shipped one is refused under that set (UNSPIN_MODELS) until re-embedded, and the other way
    round. Here the set's encoder is the shipped one under another name, which is all the check reads."""
    import os
    import shutil

    model_set = tmp_path / "set"
    shutil.copytree(ROOT / "src" / "unspin" / "models" / "minilm", model_set / "minilm")
    config = json.loads((model_set / "minilm" / "config.json").read_text())
    (model_set / "minilm" / "config.json").write_text(json.dumps({**config, "name": "a distilled encoder"}))
    store = tmp_path / "fc.duckdb"
    import_files([CLAIMREVIEW], store)
    with_set = {**os.environ, "UNSPIN_MODELS": str(model_set)}
    refused = run_cli("factchecks", "search", "wind turbines cause cancer", "--store", str(store), env=with_set)
    assert refused.returncode == 2 and "embedded with all-MiniLM-L6-v2 1.0.0" in refused.stderr.decode()
    assert "embeds claims with a distilled encoder 1.0.0" in refused.stderr.decode()
    assert run_cli("factchecks", "reembed", "--store", str(store), env=with_set).returncode == 0
    found = run_cli("factchecks", "search", "wind turbines cause cancer", "--store", str(store), "--format", "json",
                    env=with_set)
    assert found.returncode == 0 and json.loads(found.stdout)[0]["claim"] == "Wind turbines cause cancer."
    analysis = run_cli("analyze", "-", "-f", "json", "--set", f"claims.store={store}", env=with_set,
                       stdin=b"Officials said that wind turbines cause cancer in people who live near them.")
    assert json.loads(analysis.stdout)["models"]["claims"].endswith("+matching.a-distilled-encoder-1.0.0")
    assert run_cli("factchecks", "search", "wind turbines", "--store", str(store)).returncode == 2  # shipped set now

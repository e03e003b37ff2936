"""Matching claims against the store: the int8 prefilter, the top-n selection, the re-ranker and
the union of the lexical and semantic candidates."""
import json

import numpy as np

from tests.factcheck_files import CLAIMREVIEW, write_liar
from unspin.factchecks.service import import_files, search


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


def test_a_fact_check_of_the_same_claim_is_no_rival_in_the_margin():
    """Two publishers' checks of one claim (or one record imported twice) used to cancel each
    other's margin, and the re-ranker then hid the match it was surest of."""
    from unspin.factchecks.matcher import margins

    claim, other, third = np.eye(3, 8, dtype=np.float32)
    copy = (claim + 0.1 * third) / np.linalg.norm(claim + 0.1 * third)  # the same claim, worded a little apart
    cosines = np.array([0.8, 0.79, 0.5, 0.3])
    vectors = np.stack([claim, copy, other, third])
    assert np.allclose(margins(cosines), [0.01, -0.01, -0.3, -0.5])  # without vectors: every other is a rival
    assert np.allclose(margins(cosines, vectors), [0.3, 0.29, -0.3, -0.5])  # the copy is no rival of the claim
    assert np.allclose(margins(cosines[:2], vectors[:2]), [0.8, 0.79])  # no rival at all: measured against 0
    assert np.allclose(margins(np.array([0.7]), np.zeros((1, 8), np.float32)), [0.7])  # never its own rival


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
    vectors[70:100] = vectors[:30] + 0.2 * rng.normal(size=(30, 384))  # fact-checks of the same claims
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
                                 for i in sorted(set(dense) | set(lexical))], vectors)
            similarity = {"hybrid": rerank(reranker, rows) if rows else np.zeros(0),
                          "semantic": np.array([max(0.0, f.cosine) for f in rows]),
                          "lexical": np.array([f.bm25 for f in rows])}[mode]
            order = sorted(range(len(rows)), key=lambda j: (-similarity[j], rows[j].index))[:7]
            assert [c.id for c in result] == [f"id{rows[j].index}" for j in order], (mode, q)
            assert np.allclose([c.similarity for c in result], similarity[order], atol=1e-9)
            assert np.allclose([c.cosine for c in result], [rows[j].cosine for j in order], atol=1e-6)

"""The claims analyzer with the shipped check-worthiness head and matcher: which sentences are
claims, who they are attributed to, and their fact-check matches, on articles written here."""
import json

from tests.conftest import ROOT
from unspin import Pipeline
from unspin.factchecks.service import import_files
from unspin.ingest import parse_text
from unspin.render import render


def test_claims_with_attribution_and_fact_check_matches_in_every_format(tmp_path, schema):
    import jsonschema

    store = tmp_path / "fc.duckdb"
    import_files([ROOT / "tests" / "fixtures" / "claimreview.json"], store)
    text = ("Council says rates are stable\n\n"
            "Unemployment in the county fell to 3.9 percent last year, the mayor said on Monday.\n"
            "Drinking hot tap water every hour cures the flu.\n"
            "Thank you all for coming tonight.\n")
    analysis = Pipeline(config={"claims": {"store": str(store)}})(parse_text(text))
    claims = {c.text: c for c in analysis.claims}
    unemployment = next(c for t, c in claims.items() if t.startswith("Unemployment"))
    flu = claims["Drinking hot tap water every hour cures the flu."]
    assert unemployment.attribution.source == "the mayor" and flu.attribution is None
    assert flu.matches and flu.matches[0].verdict == "False" and flu.matches[0].publisher == "Example Fact Check"
    assert not any(t.startswith("Thank you") for t in claims)
    data = json.loads(render([analysis], "json"))
    jsonschema.validate(data, schema)
    assert any(m["verdict"] == "False" for c in data["claims"] for m in c["matches"])
    assert "unattributed" in render([analysis], "text") and "Fact-check: False" in render([analysis], "html")
    for top in (0, 1):  # only each article's `match_top` most check-worthy claims are matched
        limited = Pipeline(config={"claims": {"store": str(store), "match_top": top}})(parse_text(text))
        ranked = sorted(limited.claims, key=lambda c: -c.checkworthiness)
        assert len(ranked) == len(analysis.claims)  # every claim is still listed
        assert not any(c.matches for c in ranked[top:])
        assert f"{len(ranked) - top} other claims were not searched" in " ".join(limited.warnings)
    assert any(c.matches for c in analysis.claims)  # (so the limit is what removed them)
    from unspin.factchecks.matcher import load_reranker

    # The version says which re-ranker scored the matches (a store's analyses can then tell runs apart).
    assert analysis.models["claims"].endswith(f"+reranker.{load_reranker()['version']}")
    assert not any("no fact-check store" in w for w in analysis.warnings)
    missing = tmp_path / "none.duckdb"
    bare = Pipeline(config={"claims": {"store": str(missing)}})(parse_text(text))
    assert bare.claims and not any(c.matches for c in bare.claims) and not missing.exists()
    assert "+reranker" not in bare.models["claims"]
    assert f"no fact-check store at {missing}: the {len(bare.claims)} claims were not checked" in " ".join(bare.warnings)
    one = Pipeline(config={"claims": {"store": str(missing)}})(parse_text(text.split("Drinking")[0]))
    assert len(one.claims) == 1 and f"no fact-check store at {missing}: the claim was not" in " ".join(one.warnings)


def test_a_sentence_repeated_across_articles_is_matched_once_and_given_to_each(tmp_path, monkeypatch):
    from unspin.analyzers import claims as claims_module

    store = tmp_path / "fc.duckdb"
    import_files([ROOT / "tests" / "fixtures" / "claimreview.json"], store)
    wire = "Drinking hot tap water every hour cures the flu."
    texts = [f"Council says rates are stable ({i})\n\nUnemployment in the county fell to 3.9 percent last year, "
             f"the mayor said on Monday.\n{wire}\n" for i in range(3)]
    pipeline = Pipeline(["attribution", "encoder", "claims"], config={"claims": {"store": str(store)}})
    encoded: list[str] = []
    real = claims_module.sentence_encoder

    class Counting:  # the real encoder, counting what it is asked to embed
        def encode(self, items, **options):
            encoded.extend(items)
            return real().encode(items, **options)

    monkeypatch.setattr(claims_module, "sentence_encoder", Counting)
    analyses = pipeline.analyze_batch([parse_text(t) for t in texts])
    assert encoded.count(wire) == 1
    for analysis in analyses:
        claim = next(c for c in analysis.claims if c.text == wire)
        assert claim.matches and claim.matches[0].verdict == "False"


def test_a_sentence_that_only_introduces_a_quotation_is_not_a_claim():
    text = ("ESPN suspends anchor\n\nIn a statement ESPN said,\n"
            '"Jemele Hill has been suspended for two weeks for a second violation of our social media guidelines."\n'
            "The chairman of the Riverside Taxpayers League, Mark Ellison, said:\n"
            '"The water rate rose by 12 percent in 2024, the largest rise since 1990."\n')
    analysis = Pipeline(["claims"])(parse_text(text))
    claims = [c.text for c in analysis.claims]
    assert not any(c.startswith(("In a statement", "The chairman")) for c in claims)
    # The quotations they introduce are claims, and take their speakers from them.
    assert [(c.text[:12], c.attribution.source) for c in analysis.claims] == [
        ('"Jemele Hill', "ESPN"), ('"The water r', "Mark Ellison")]


def test_the_signature_of_an_embedded_tweet_is_not_a_claim():
    # What extraction leaves of an embedded tweet: its text, then "— Name (@handle) Date".
    text = ("Protest in Austin\n\nHundreds marched against the statue in Austin on Saturday, police said.\n"
            "The statue must come down now, everyone.\n— Jane Roe (@janeroe) August 14, 2017\n")
    analysis = Pipeline(["claims"])(parse_text(text))
    assert analysis.claims and not any("@janeroe" in c.text for c in analysis.claims)


def test_a_caption_byline_or_link_line_in_title_case_is_not_a_claim():
    text = ("Clinton campaigns in Iowa\n\nHillary Clinton said on Monday that 40,000 jobs were lost in Iowa last year.\n"
            "Hillary Clinton Holds Early Voting Rallies In Iowa\n"
            "The Man Who Predicted The Top Stock Makes NEW Shocking Prediction\n")
    claims = [c.text for c in Pipeline(["claims"])(parse_text(text)).claims]
    assert claims and claims[0].startswith("Hillary Clinton said")
    assert not any(c.startswith(("Hillary Clinton Holds", "The Man Who")) for c in claims)


def test_a_short_line_without_sentence_punctuation_is_not_a_claim_unless_it_is_a_list_item():
    text = ("Budget passes\n\nThe state budget cut corporate tax rates to 30% from 35% in April, officials said.\n"
            "Today's top news by email\n"
            "Mail theft is a federal crime\n"
            "- Reduced corporate tax rates to 30%\n")
    claims = [c.text for c in Pipeline(["claims"])(parse_text(text)).claims]
    assert claims[0].startswith("The state budget")
    assert "- Reduced corporate tax rates to 30%" in claims
    assert not any(c.startswith(("Today's", "Mail theft")) for c in claims)

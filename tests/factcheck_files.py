"""Fact-check files written by the tests, in each format the importers read."""
import json

from tests.conftest import ROOT

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


def claimreview_item(n: int, language: str | None = None) -> dict:
    review = {"@type": "ClaimReview", "claimReviewed": f"Claim number {n} about wind turbines.",
              "reviewRating": {"@type": "Rating", "alternateName": "False"},
              "author": {"@type": "Organization", "name": "Feed Checkers"}, "url": f"https://feed.example/{n}"}
    return {**review, "inLanguage": language} if language else review

"""The HTTP API over a real running server (uvicorn in a subprocess, real sockets)."""
import asyncio
import json

import httpx
import jsonschema
import pytest

from tests.conftest import ARTICLE, ROOT
from tests.server_helpers import running_server

PAYLOAD = ('Breaking <script>alert("t")</script>\n\nOfficials said <img src=x onerror=alert(1)> the plan '
           'failed. "><svg onload=alert(2)> Share this with your friends!\n')


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from unspin.factchecks.service import import_files
    from unspin.scan import scan

    tmp = tmp_path_factory.mktemp("server")
    factchecks = tmp / "fc.duckdb"
    import_files([ROOT / "tests" / "fixtures" / "claimreview.json"], factchecks)
    corpus = tmp / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE)
    (corpus / "b.jsonl").write_text(json.dumps({"title": "Evil <b>outlet</b> story", "text": "Body. Share this!",
                                                "outlet": "<i>Evil</i>"}) + "\n")
    store = tmp / "store.duckdb"
    scan([str(corpus)], store, engine="inline", progress="none")
    with running_server("--store", str(store), "--factchecks", str(factchecks), env={"UNSPIN_MAX_CHARS": "20000"}) as base:
        yield base


def test_health_version_and_openapi(server):
    assert httpx.get(server + "/v1/health").json() == {"status": "ok"}
    version = httpx.get(server + "/v1/version").json()
    assert version["schema"] == "unspin/analysis@1" and "propaganda" in version["analyzers"]
    spec = httpx.get(server + "/openapi.json").json()
    assert {"/v1/analyze", "/v1/analyze/batch", "/v1/factchecks/search"} <= set(spec["paths"])
    # Errors are documented as the API sends them, {"error", "detail"} (not FastAPI's default 422 body).
    error = spec["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"error", "detail"} and "HTTPValidationError" not in spec["components"]["schemas"]
    analyze = spec["paths"]["/v1/analyze"]["post"]["responses"]
    assert {"400", "401", "413", "422", "429", "500", "504"} <= set(analyze)
    assert analyze["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert "404" in spec["paths"]["/v1/factchecks/search"]["get"]["responses"]
    body = spec["components"]["schemas"]["ArticleIn"]
    assert body["anyOf"] == [{"required": ["text"]}, {"required": ["html"]}]
    wrong_method = httpx.request("TRACE", server + "/v1/health")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "GET"
    docs = httpx.get(server + "/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in docs and "cdn.jsdelivr" not in docs
    assert httpx.get(server + "/static/swagger/swagger-ui-bundle.js").status_code == 200


def test_analyze_json_matches_the_schema(server, schema):
    response = httpx.post(server + "/v1/analyze", json={"text": ARTICLE}, timeout=60)
    assert response.status_code == 200
    data = response.json()
    jsonschema.validate(data, schema)
    assert {s["layer"] for s in data["spans"]} >= {"headline", "engagement", "attribution"}
    assert response.headers["x-content-type-options"] == "nosniff"


def test_analyze_html_fragment_escapes_payloads(server):
    response = httpx.post(server + "/v1/analyze?format=html", json={"text": PAYLOAD}, timeout=60)
    assert response.status_code == 200
    html = response.text
    assert "<script>" not in html and "<img" not in html and "<svg" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_batch_reports_bad_documents_and_analyses_the_rest(server):
    response = httpx.post(server + "/v1/analyze/batch", timeout=60,
                          json={"documents": [{"text": ARTICLE}, {"text": "   "}, {"html": "<html></html>"},
                                              {"text": ""}, 5, {"text": ARTICLE, "title": ["a list"]}, {"text": ARTICLE}]})
    results = response.json()["results"]
    assert results[0]["schema"] == results[6]["schema"] == "unspin/analysis@1"
    assert results[1]["error"] == "bad_input" and results[2]["error"] == "bad_input"
    # An item the schema rejects is an error entry too, not a failed batch.
    assert results[3] == {"error": "invalid_request",
                          "detail": "body.documents.3.text: String should have at least 1 character"}
    assert results[4]["error"] == "invalid_request" and results[4]["detail"].startswith("body.documents.4: ")
    assert results[5]["detail"] == "body.documents.5.title: Input should be a valid string"


def test_clear_errors_without_stack_traces(server):
    bad_json = httpx.post(server + "/v1/analyze", content=b"{not json", headers={"content-type": "application/json"})
    assert bad_json.status_code == 422 and bad_json.json()["error"] == "invalid_request"
    empty = httpx.post(server + "/v1/analyze", json={})
    assert empty.status_code == 422 and "text" in empty.json()["detail"]
    too_big = httpx.post(server + "/v1/analyze", json={"text": "x" * 2_100_000})
    assert too_big.status_code == 413 and too_big.json()["error"] == "request_too_large"
    too_long = httpx.post(server + "/v1/analyze", json={"text": "Title\n\n" + "The council met. " * 1500})
    assert too_long.status_code == 422 and too_long.json() == {
        "error": "bad_input", "detail": "text is 25,507 characters long, over the 20,000-character limit "
                                        "(raise it with UNSPIN_MAX_CHARS)"}
    huge_page = httpx.get(server + "/v1/store/documents", params={"page": 2533867111003492364320768})
    assert huge_page.status_code == 422 and huge_page.json()["error"] == "invalid_request"  # was a 500
    missing = httpx.get(server + "/v1/store/documents/nope")
    assert missing.status_code == 404 and "Traceback" not in missing.text
    for r in (bad_json, empty, too_big, too_long, missing):
        assert "Traceback" not in r.text and "File \"" not in r.text


def test_factcheck_search(server):
    hits = httpx.get(server + "/v1/factchecks/search", params={"q": "hot tap water cures flu"}).json()["results"]
    assert hits[0]["claim"] == "Drinking hot tap water every hour cures the flu."
    assert httpx.get(server + "/v1/factchecks/search", params={"q": "x"}).status_code == 422


def test_analyses_match_claims_against_the_store_the_server_was_given(server):
    """--factchecks is the store analyses match against, not only the one search reads (the
    per-user store, empty here, was used before)."""
    text = "Flu cure claim spreads\n\nDrinking hot tap water every hour cures the flu, the post said on Monday."
    analysis = httpx.post(server + "/v1/analyze", json={"text": text}, timeout=60).json()
    matches = [m["claim"] for c in analysis["claims"] for m in c["matches"]]
    assert "Drinking hot tap water every hour cures the flu." in matches, analysis["claims"]
    assert not any("no fact-check store" in w for w in analysis["warnings"])


def test_store_pages_escape_and_open_documents(server):
    outlets = httpx.get(server + "/v1/store/outlets").json()["outlets"]
    assert {o["outlet"] for o in outlets} == {"<i>Evil</i>", "(unknown)"}
    page = httpx.get(server + "/store").text
    assert "&lt;i&gt;Evil&lt;/i&gt;" in page and "<i>Evil</i>" not in page
    docs = httpx.get(server + "/v1/store/documents", params={"outlet": "<i>Evil</i>"}).json()["documents"]
    doc_page = httpx.get(server + f"/store/doc/{docs[0]['doc_id']}").text
    assert "Evil &lt;b&gt;outlet&lt;/b&gt; story" in doc_page and 'class="hl l-engagement"' in doc_page
    stored = httpx.get(server + f"/v1/store/documents/{docs[0]['doc_id']}").json()
    assert stored["schema"] == "unspin/analysis@1" and stored["spans"]


def test_limits_429_and_504():
    async def burst(base):
        async with httpx.AsyncClient(timeout=60) as client:
            long_text = "Headline\n\n" + ("The council said the plan was a disaster for families. " * 400)
            return await asyncio.gather(*[client.post(base + "/v1/analyze", json={"text": long_text})
                                          for _ in range(6)])

    with running_server("--concurrency", "1", "--queue", "1", "--time-limit", "0.2") as base:
        codes = sorted(r.status_code for r in asyncio.run(burst(base)))
        assert 429 in codes and 504 in codes
        assert all(c in (200, 429, 504) for c in codes)
        body = next(r for r in asyncio.run(burst(base)) if r.status_code == 429).json()
        assert body["error"] == "busy"


def test_token_required_off_loopback_and_enforced():
    from tests.conftest import run_cli

    refused = run_cli("serve", "--host", "0.0.0.0")
    assert refused.returncode == 2 and "access token" in refused.stderr.decode()
    with running_server("--token", "t0k3n") as base:
        assert httpx.get(base + "/v1/health").status_code == 401
        ok = httpx.get(base + "/v1/health", headers={"Authorization": "Bearer t0k3n"})
        assert ok.status_code == 200
        assert httpx.get(base + "/v1/health", headers={"Authorization": "Bearer wrong"}).status_code == 401

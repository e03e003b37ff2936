"""The web page in a real headless Chromium (Debian chromium driven by Playwright)."""
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.server_helpers import running_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
pytestmark = pytest.mark.browser

ARTICLE = ('SHOCKING: <img src=x onerror="alert(\'title\')"> You Won\'t Believe This!\n\n'
           'Officials said <script>alert("body")</script> the plan failed.\n'
           'Critics "><svg onload=alert(3)> called it a disaster for hardworking families.\n'
           '<iframe src="javascript:alert(4)"></iframe> According to the city clerk, the vote was delayed.\n'
           'Do you support the plan? Share this with your friends!\n')


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    with running_server() as base:
        yield base


def test_paste_analyse_highlight_toggle_panel_and_nothing_executes(browser, server):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    page.fill("#article", ARTICLE)
    page.click("#analyze")
    page.wait_for_selector("#result [data-unspin-report] mark.hl", timeout=60_000)

    # Highlights for each layer the article has (a mark shows the top layer of those it covers),
    # and the payloads are inert text.
    for layer in ("headline", "engagement", "attribution", "propaganda"):
        assert page.locator(f"#result mark[data-layers~={layer}]").count() > 0, layer
    assert page.locator("#result script, #result img, #result svg mark, #result iframe").count() == 0
    assert "<script>alert(\"body\")</script>" in page.inner_text("#result .article")

    # The legend toggles a layer off and on.
    engagement_marks = page.locator("#result mark.l-engagement").count()
    assert engagement_marks > 0  # engagement cues show above the biased sentence around them
    page.uncheck("#result input[data-layer-toggle=engagement]")
    assert page.locator("#result mark.l-engagement").count() == 0
    page.check("#result input[data-layer-toggle=engagement]")
    assert page.locator("#result mark.l-engagement").count() == engagement_marks
    # Hiding the propaganda layer reveals the headline cues it covered.
    shown = page.locator("#result mark.l-headline").count()
    page.uncheck("#result input[data-layer-toggle=propaganda]")
    assert page.locator("#result mark.l-propaganda").count() == 0
    assert page.locator("#result mark.l-headline").count() >= shown
    page.check("#result input[data-layer-toggle=propaganda]")

    # The slider hides flags scored below its value, in the text and in the lists, and brings them back.
    coloured = "#result mark.hl[class*=' l-']"
    all_marks, all_items = page.locator(coloured).count(), page.locator("#result li[data-span-id]:visible").count()
    page.locator("#result input[data-min-score]").fill("0.9")
    weak = page.eval_on_selector_all("#result li[data-span-id]:not([hidden])",
                                     "items => items.filter(i => parseFloat(i.dataset.score) < 0.9).length")
    assert weak == 0 and page.locator("#result li[data-span-id]:visible").count() < all_items
    assert page.locator(coloured).count() < all_marks
    assert page.inner_text("#result output[data-min-score-value]") == "0.90"
    page.locator("#result input[data-min-score]").fill("0")
    assert page.locator(coloured).count() == all_marks
    assert page.locator("#result li[data-span-id]:visible").count() == all_items

    # Clicking a highlight opens the panel with the label, score and explanation.
    page.locator("#result mark.l-engagement").first.click()
    panel = page.locator("#result .panel")
    assert panel.is_visible()
    assert "score" in panel.inner_text() and "engagement" in panel.inner_text().lower()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-page.png"), full_page=True)
    page.wait_for_timeout(300)
    assert dialogs == [], f"injected script ran: {dialogs}"
    assert errors == [], errors


def test_keyboard_only_use(browser, server):
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone-sized screen
    page.goto(server + "/")
    page.focus("#article")
    page.keyboard.type("Council votes on budget\n\nThe mayor said the budget was balanced. Share this if you agree!")
    page.focus("#analyze")
    page.keyboard.press("Enter")
    page.wait_for_selector("#result mark.hl", timeout=60_000)
    page.focus("#result mark.l-engagement")
    page.keyboard.press("Enter")
    assert page.locator("#result .panel").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#result .panel").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-page-phone.png"), full_page=True)


def test_self_contained_report_file_is_inert_in_a_browser(browser, tmp_path):
    from unspin import Pipeline
    from unspin.ingest import parse_text
    from unspin.render import render_html

    analysis = Pipeline(["headline", "engagement", "attribution"])(parse_text(ARTICLE))
    path = tmp_path / "report.html"
    path.write_text(render_html([analysis]))
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.locator("mark.l-engagement").first.click()
    assert page.locator(".panel").is_visible()
    page.wait_for_timeout(300)
    assert dialogs == [] and all(u.startswith("file://") for u in requests)

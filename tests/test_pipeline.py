import pytest

import unspin
from tests.conftest import ARTICLE, RULES
from unspin import Pipeline
from unspin.analyzers import Analyzer, register, registered, unregister
from unspin.ingest import parse_text
from unspin.pipeline import resolve

GERMAN = ("Stadtrat erhöht Wasserpreise\n\n"
          "Der Stadtrat hat am Dienstag mit sieben zu zwei Stimmen beschlossen, den Wasserpreis um zwölf "
          "Prozent zu erhöhen. Das Geld soll in die Erneuerung der alten Leitungen fließen, die zum Teil "
          "älter als siebzig Jahre sind. Kritiker sprechen von einer unzumutbaren Belastung für Familien, "
          "während die Stadtwerke auf den dringenden Sanierungsbedarf verweisen.\n")


def test_pipeline_runs_chosen_analyzers_in_order_and_records_versions_and_times():
    analysis = Pipeline(["engagement", "headline"])(parse_text(ARTICLE))
    assert list(analysis.models) == ["headline", "engagement"]  # pipeline order, not argument order
    assert set(analysis.timings_ms) == {"prepare", "headline", "engagement"}
    assert all(ms >= 0 for ms in analysis.timings_ms.values())
    assert {s.layer for s in analysis.spans} == {"headline", "engagement"}


def test_unknown_analyzer_and_unknown_option_are_clear_errors():
    with pytest.raises(ValueError, match="unknown analyzer 'nope'; available: "):
        Pipeline(["nope"])
    with pytest.raises(ValueError, match="analyzer 'engagement' has no option"):
        Pipeline(["engagement"], config={"engagement": {"colour": "red"}})
    # Excluding what another analyzer reads from was silently undone by that analyzer's needs.
    with pytest.raises(ValueError, match="cannot exclude encoder: propaganda, claims, clickbait, bias, hyperpartisan "
                                         "read from it"):
        Pipeline(exclude=["encoder"])
    with pytest.raises(ValueError, match="cannot exclude encoder: hyperpartisan reads from it; exclude that too"):
        resolve(exclude=["encoder", "propaganda", "claims", "clickbait", "bias"])
    assert "encoder" not in resolve(exclude=["encoder", "propaganda", "claims", "clickbait", "bias", "hyperpartisan"])


def test_batches_keep_input_order():
    docs = [parse_text(f"Title {i}\n\nShare this if you agree! Item {i}.") for i in range(7)]
    results = list(Pipeline(RULES, batch_size=3).analyze(docs))
    assert [r.document.title for r in results] == [f"Title {i}" for i in range(7)]
    assert all(r.spans_in("engagement") for r in results)


def test_non_english_gets_a_warning_and_english_only_analyzers_are_skipped():
    analysis = Pipeline(RULES)(parse_text(GERMAN))
    assert analysis.document.language == "de"
    assert analysis.warnings and "not English" in analysis.warnings[0]
    assert analysis.models == {} and analysis.spans == []


def test_a_short_text_is_called_another_language_only_when_identification_is_sure():
    from unspin.language import detect_language

    # 59 letters: under 150, so py3langid must be sure (>= 0.99), as it is here.
    assert detect_language("Der Bürgermeister sagte am Montag, dass die Stadt neue Schulen bauen werde.")[0] == "de"
    assert detect_language("The mayor said on Monday that the city would build new schools next year.")[0] == "en"
    # A headline in title case leaves it unsure: taken as English, not refused.
    assert detect_language("Senators Vow To Block The Nominee As Hearings Begin In Washington")[0] == "und"
    assert detect_language("Die Stadt baut Schulen.") == ("und", 0.0)  # under 40 letters: not tried
    analysis = Pipeline(RULES)(parse_text("Neue Schulen\n\nDie Stadt will im nächsten Jahr drei neue Schulen bauen."))
    assert analysis.document.language == "de" and analysis.spans == []


def test_building_a_pipeline_loads_what_preparing_a_document_needs():
    # So that a server's first request is not a second slower than the rest (language identifier
    # 0.6 s, spaCy 0.5 s). A fresh process: in this one another test may have loaded them already.
    import subprocess
    import sys

    probe = ("import unspin.language as l, unspin.segment as s, unspin.analyzers.outlet as o\n"
             "from unspin import Pipeline\n"
             "before = (l._identifier.cache_info().currsize, len(s._NLP), o._table.cache_info().currsize)\n"
             "Pipeline(['outlet', 'headline'])\n"
             "print(before, (l._identifier.cache_info().currsize, len(s._NLP), o._table.cache_info().currsize))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(0, 0, 0) (1, 1, 1)"


def test_a_paragraph_over_spacy_s_default_length_limit_is_split():
    # spaCy refuses texts over 1M characters by default (a limit meant for its parser and NER).
    body = "The committee approved the plan. " * 32_000  # one line, 1.06M characters
    from unspin.segment import split_sentences

    sentences = split_sentences(parse_text("Budget plan\n\n" + body))
    assert len(sentences) == 1 + 32_000


def test_new_analyzers_plug_in_by_registration():
    @register
    class ExclaimCounter(Analyzer):
        """Counts exclamation marks (a test analyzer)."""
        name = "test-exclaim"
        version = "0.0.1"

        def analyze(self, batch):
            for a in batch:
                a.scores["exclaim"] = min(1.0, a.text.count("!") / 10)

    try:
        analysis = Pipeline(["test-exclaim"])(parse_text("T\n\nWow! Amazing! Really!"))
        assert analysis.scores == {"exclaim": 0.3}
        assert analysis.models == {"test-exclaim": "0.0.1"}
    finally:
        unregister("test-exclaim")
    assert "test-exclaim" not in registered()


def test_top_level_analyze_accepts_text_and_html():
    result = unspin.analyze("Senate passes bill\n\nShare this if you agree!", analyzers=RULES)
    assert [(s.layer, s.label) for s in result.spans] == [("engagement", "share")]
    html = ("<html><head><title>Budget approved</title></head><body><article><p>The council approved "
            "the budget on Monday, officials said, after a long debate about spending.</p></article></body></html>")
    result = unspin.analyze(html, html=True, analyzers=RULES)
    assert result.document.title == "Budget approved"
    assert [s.label for s in result.spans] == ["reported-speech"]

"""Analyzers that are not unspin's own: registered from Python, or installed by another package
under the entry-point group ``unspin.analyzers`` (docs/analyzers.md, "Writing an analyzer")."""
import json
import os
import re
import subprocess
import sys
import textwrap

import jsonschema
import pytest

import unspin
from tests.conftest import ROOT, run_cli
from unspin import Analyzer, AnalyzerError, Document, Pipeline, register_analyzer
from unspin.analyzers import probability, registered, unregister

ARTICLE = ("Council delays vote\n\nThe council delayed the vote on Tuesday, sources say. "
           "People familiar with the talks said the budget was short by $2 million.\n")


@pytest.fixture
def registers():
    """Names registered by a test, taken out again afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        unregister(name)


def test_an_analyzer_registered_from_python_runs_in_the_pipeline_and_its_output_passes_the_schema(registers, schema):
    @register_analyzer
    class Exclaims(Analyzer):
        """Exclamation marks in the body (a test analyzer)."""
        name, version = "test-exclaims", "0.1"
        options = {"weight": probability}

        def analyze(self, batch):
            for a in batch:
                for m in re.finditer("!", a.text):
                    a.add_span(m.start(), m.end(), "headline", "exclamation", self.config.get("weight", 0.5),
                               "An exclamation mark.")
                a.scores["exclaims"] = min(1.0, a.text.count("!") / 4)
    registers.append("test-exclaims")

    assert "test-exclaims" in unspin.available_analyzers()
    pipe = Pipeline(["engagement", "test-exclaims"], config={"test-exclaims": {"weight": 0.7}})
    analysis = pipe(Document(title="Wow", body="Share this if you agree! Now!"))
    assert analysis.scores["exclaims"] == 0.5
    assert [(s.label, s.score) for s in analysis.spans_in("headline")] == [("exclamation", 0.7)] * 2
    assert analysis.models["test-exclaims"] == "0.1"
    jsonschema.validate(json.loads(analysis.to_json()), schema)
    with pytest.raises(ValueError, match="analyzer 'test-exclaims' option 'weight': expected a number from 0 to 1"):
        Pipeline(["test-exclaims"], config={"test-exclaims": {"weight": 2}})


@pytest.mark.parametrize("attributes, message", [
    ({"name": "Bad Name", "version": "1"}, "must be a lower-case name"),
    ({"version": "1"}, "must be a lower-case name"),
    ({"name": "test-nov"}, "version must be a non-empty text"),
    ({"name": "test-noanalyze", "version": "1", "analyze": None}, "does not implement analyze"),
    ({"name": "test-opts", "version": "1", "options": {"limit": 5}}, "options must map each option's name"),
    ({"name": "test-req", "version": "1", "requires": "encoder"}, "requires must be a tuple"),
    ({"name": "bias", "version": "1"}, "'bias' is already registered \\(by unspin\\)"),
])
def test_register_refuses_a_class_that_could_not_work(attributes, message):
    body = {"analyze": lambda self, batch: None, **attributes}
    if body["analyze"] is None:
        del body["analyze"]
    cls = type("Candidate", (Analyzer,), body)
    with pytest.raises((TypeError, ValueError), match=message):
        register_analyzer(cls)
    assert attributes.get("name") in (None, "bias") or attributes["name"] not in registered()


def test_register_takes_only_analyzer_classes():
    with pytest.raises(TypeError, match="takes a subclass of unspin.Analyzer"):
        register_analyzer(object)


@pytest.mark.parametrize("write, message", [
    (lambda a: a.add_span(0, 4, "mine", "x", 0.5, "why"), "unknown span layer 'mine'"),
    (lambda a: a.add_span(0, 4, "propaganda", "Shouting", 0.5, "why"), "one of the 14 technique names"),
    (lambda a: a.add_span(0, 4, "bias", "", 0.5, "why"), "label must be a non-empty text"),
    (lambda a: a.add_span(0, 4, "bias", "word", float("nan"), "why"), "score is NaN"),
    (lambda a: a.add_span(0, 400, "bias", "word", 0.5, "why"), "past the end of the text"),
    (lambda a: a.scores.__setitem__("mine", 3.0), r"scores\['mine'\] must be a probability"),
    (lambda a: a.scores.__setitem__("mine", float("nan")), r"scores\['mine'\] must be a probability"),
    (lambda a: a.spans.append("not a span"), "add spans with analysis.add_span"),
])
def test_what_an_analyzer_writes_is_checked_and_a_failure_names_it(registers, write, message):
    @register_analyzer
    class Writes(Analyzer):
        name, version = "test-writes", "1"

        def analyze(self, batch):
            for a in batch:
                write(a)
    registers.append("test-writes")

    with pytest.raises(AnalyzerError, match="analyzer 'test-writes' \\(.*\\) failed: ") as caught:
        Pipeline(["test-writes"])(Document(title="Headline here", body="Body text of the article."))
    assert re.search(message, str(caught.value))


def test_an_analyzer_that_cannot_be_set_up_is_named(registers):
    @register_analyzer
    class NeedsAFile(Analyzer):
        name, version = "test-needs-file", "1"

        def __init__(self, **config):
            super().__init__(**config)
            with open("/nonexistent/lexicon.txt"):
                pass

        def analyze(self, batch):
            pass
    registers.append("test-needs-file")

    with pytest.raises(AnalyzerError, match="analyzer 'test-needs-file' .* could not be set up: FileNotFoundError"):
        Pipeline(["test-needs-file"])


def installed_plugin(root, name: str, module: str, code: str, target: str) -> dict:
    """A package installed the way pip leaves one (a module and its .dist-info with the entry point)
    in ``root``; returns the environment that puts it on the path."""
    (root / f"{module}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    info = root / f"{module.replace('_', '-')}-0.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: 0.3\n")
    (info / "entry_points.txt").write_text(f"[unspin.analyzers]\n{name} = {module}:{target}\n")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}


ANONYMOUS = """
    import re
    from unspin import Analyzer

    class AnonymousSources(Analyzer):
        \"\"\"Unnamed sources ("sources say", "people familiar with").\"\"\"
        name = "anonymous-sources"
        version = "0.3.0"
        order = 30

        PATTERN = re.compile(r"\\b(?:sources (?:say|said)|people familiar with)\\b", re.IGNORECASE)

        def analyze(self, batch):
            for analysis in batch:
                for m in self.PATTERN.finditer(analysis.text):
                    analysis.add_span(m.start(), m.end(), "attribution", "anonymous source", 0.9,
                                      "The article gives no name for this source.")
"""


def test_an_installed_analyzer_is_found_by_the_command_line_and_the_scan_workers(tmp_path):
    plugins = tmp_path / "site"
    plugins.mkdir()
    env = installed_plugin(plugins, "anonymous-sources", "unspin_anonymous", ANONYMOUS, "AnonymousSources")
    listing = run_cli("analyzers", env=env)
    assert listing.returncode == 0, listing.stderr
    assert re.search(r"anonymous-sources\s+0\.3\.0\s+rules .*Unnamed sources", listing.stdout.decode())
    assert "from: unspin-anonymous 0.3 (not part of unspin)" in listing.stdout.decode()

    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = run_cli("analyze", str(article), "--fast", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    found = [out["document"]["text"][s["start"]:s["end"]] for s in out["spans"] if s["label"] == "anonymous source"]
    assert found == ["sources say", "People familiar with"]
    assert out["models"]["anonymous-sources"] == "0.3.0"

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"a{i}.txt").write_text(ARTICLE.replace("Tuesday", f"day {i}"), encoding="utf-8")
    import duckdb

    for engine in ("local", "dask"):  # forked workers, and a LocalCluster's, which start afresh
        store = tmp_path / f"{engine}.duckdb"
        scanned = run_cli("scan", str(corpus), "--store", str(store), "--fast", "--engine", engine, "--workers", "2",
                          "--progress", "none", env=env)
        assert scanned.returncode == 0, scanned.stderr
        with duckdb.connect(str(store), read_only=True) as db:
            assert db.execute("SELECT count(*) FROM spans WHERE label = 'anonymous source'").fetchone()[0] == 6


def test_an_installed_analyzer_that_fails_to_load_is_reported_and_left_out(tmp_path):
    plugins = tmp_path / "site"
    plugins.mkdir()
    env = installed_plugin(plugins, "broken", "unspin_broken", "import a_module_that_is_not_installed\n", "Broken")
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")

    result = run_cli("analyze", str(article), "--fast", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.decode().splitlines() if "broken" in line]
    assert warnings == ["unspin: warning: analyzer 'broken' from unspin-broken 0.3 could not be loaded and is left "
                        "out: ModuleNotFoundError: No module named 'a_module_that_is_not_installed'"]
    assert "broken" not in json.loads(result.stdout)["models"]

    asked = run_cli("analyze", str(article), "--analyzers", "broken", env=env)
    assert asked.returncode == 2
    assert "analyzer 'broken' is installed but could not be loaded: ModuleNotFoundError" in asked.stderr.decode()
    listing = run_cli("analyzers", env=env)
    assert re.search(r"broken\s+-\s+left out: could not be loaded: ModuleNotFoundError", listing.stdout.decode())


def test_the_example_in_docs_analyzers_md_runs():
    text = (ROOT / "docs" / "analyzers.md").read_text(encoding="utf-8")
    section = text[text.index("## Writing an analyzer"):]
    (block,) = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)[:1]
    result = subprocess.run([sys.executable, "-c", block], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "anonymous source 'sources say'" in result.stdout
    assert "anonymous source 'people familiar with'" in result.stdout

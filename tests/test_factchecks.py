"""The fact-check store on a real DuckDB file: idempotent import, interrupted imports, bad files,
languages, the CLI, and the model that embedded a store."""
import gzip
import json

import numpy as np

from tests.conftest import ROOT, run_cli
from tests.factcheck_files import CLAIMREVIEW, claimreview_item, write_liar, write_sharethefacts
from unspin.factchecks.importers import read_file
from unspin.factchecks.records import FactCheck
from unspin.factchecks.service import import_files, search
from unspin.factchecks.store import FactCheckStore


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
    items = (claimreview_item(1, "en-GB"), claimreview_item(2), claimreview_item(3, "EN"))
    path.write_text("".join(json.dumps(r) + "\n" for r in items))
    assert import_files([path], old).added == 3
    with FactCheckStore(old, read_only=True) as store:
        assert store.stats()["languages"] == {"en": 1, "en-gb": 1, "(not declared)": 1}
    result = run_cli("factchecks", "stats", "--store", str(old))
    assert "declared languages: (not declared) 1, en 1, en-gb 1" in result.stdout.decode()


def test_a_bad_file_in_an_import_batch_is_listed_and_the_others_are_imported(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(claimreview_item(1)) + "\n")
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
    assert f"embedded {len(fresh):,} of {len(fresh):,} claim texts (" in err and " texts/s)" in err
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


def test_control_characters_in_records_never_reach_the_terminal(tmp_path):
    review = {"@type": "ClaimReview", "claimReviewed": "Wind turbines\u001b[2J cause cancer \u202eevil",
              "reviewRating": {"alternateName": "False\u001b]0;pwned\u0007"}, "author": {"name": "Pub\u001b[31m"},
              "url": "https://example.org/wind"}
    path = tmp_path / "evil.jsonl"
    path.write_text(json.dumps(review) + "\n")
    store = tmp_path / "fc.duckdb"
    import_files([path], store)
    search_out = run_cli("factchecks", "search", "wind turbines cause cancer", "--store", str(store)).stdout.decode()
    stats_out = run_cli("factchecks", "stats", "--store", str(store)).stdout.decode()
    for out in (search_out, stats_out):
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, out
    assert "Wind turbines[2J cause cancer �evil" in search_out and "False]0;pwned — Pub[31m" in search_out


def test_a_claim_text_is_embedded_once_per_store(tmp_path):
    """The same claim rated by two publishers, or already in the store from another collection,
    reuses the vector it has: the import embeds each text once."""
    from unspin.analyzers.models import sentence_encoder

    class Counting:  # the shipped encoder, counting the texts it is given
        def __init__(self, encoder):
            self.encoder, self.identity, self.texts = encoder, encoder.identity, []

        def encode(self, texts, **options):
            self.texts += list(texts)
            return self.encoder.encode(texts, **options)

    def review(claim, publisher):
        return FactCheck(claim=claim, verdict="False", publisher=publisher, url=None, date=None, speaker=None,
                         claim_date=None, title=None, source="claimreview")

    encoder = Counting(sentence_encoder())
    with FactCheckStore(tmp_path / "fc.duckdb") as store:
        store.add([review("Wind turbines cause cancer.", "A"), review("Wind turbines cause cancer.", "B"),
                   review("The moon landing was staged.", "A")], encoder)
        assert sorted(encoder.texts) == ["The moon landing was staged.", "Wind turbines cause cancer."]
        report = store.add([review("Wind turbines cause cancer.", "C"), review("Vaccines contain chips.", "C")],
                           encoder)
        assert report.added == 2 and encoder.texts[-1:] == ["Vaccines contain chips."] and len(encoder.texts) == 3
        ids, vectors = store.vectors()
        claims = [r["claim"] for r in store.records(ids)]
    wind = vectors[[i for i, c in enumerate(claims) if c.startswith("Wind")]]
    assert len(wind) == 3 and np.array_equal(wind[0], wind[1]) and np.array_equal(wind[0], wind[2])

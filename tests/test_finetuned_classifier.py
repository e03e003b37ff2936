"""A fine-tuned check-worthiness classifier in a model set ($UNSPIN_MODELS) replaces the head, in
`claims` and in `unspin eval predict checkworthy` alike (training/sentence_finetune.py builds one;
none is shipped). The test writes its own classifier: a tiny ONNX graph whose logit grows with the
number of word pieces, so the expected probabilities can be computed here."""
from __future__ import annotations

import json
import math
import os
import shutil

import pytest

from tests.conftest import run_cli
from unspin import Pipeline
from unspin.analyzers import models
from unspin.inference.onnx import load_tokenizer
from unspin.ingest import parse_text

PIECES_AT_EVEN = 16  # the graph's logit is 0.5 * (word pieces with [CLS] and [SEP] - 16)
ARTICLE = ("Council vote\n\n"
           "The council voted on Tuesday to raise the water rate by 12 percent from next April, the largest rise "
           "since 1990 according to the finance office.\n"
           "Residents were angry about it all week.\n")


def _write_classifier(folder) -> None:
    import onnx
    from onnx import TensorProto, helper

    nodes = [helper.make_node("Cast", ["attention_mask"], ["m"], to=TensorProto.FLOAT),
             helper.make_node("ReduceSum", ["m", "axes"], ["n"], keepdims=0),
             helper.make_node("Sub", ["n", "even"], ["d"]),
             helper.make_node("Mul", ["d", "half"], ["logits"])]
    graph = helper.make_graph(
        nodes, "pieces-probe",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch"])],
        [helper.make_tensor("axes", TensorProto.INT64, [1], [1]),
         helper.make_tensor("even", TensorProto.FLOAT, [], [float(PIECES_AT_EVEN)]),
         helper.make_tensor("half", TensorProto.FLOAT, [], [0.5])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    folder.mkdir(parents=True)
    onnx.save(model, str(folder / "model.onnx"))
    shutil.copy(models.model_dir("minilm") / "tokenizer.json", folder / "tokenizer.json")
    (folder / "config.json").write_text(json.dumps({"name": "pieces probe", "version": "0.0.1", "dim": 1,
                                                    "max_tokens": 128, "calibration": [1.0, 0.0], "threshold": 0.5}))


def _expected(text: str) -> float:
    tokenizer = load_tokenizer(models.model_dir("minilm") / "tokenizer.json")
    pieces = len(tokenizer.encode(text, add_special_tokens=False).ids) + 2
    return 1 / (1 + math.exp(-0.5 * (pieces - PIECES_AT_EVEN)))


@pytest.fixture
def model_set(tmp_path, monkeypatch):
    _write_classifier(tmp_path / "set" / "checkworthy")
    monkeypatch.setenv("UNSPIN_MODELS", str(tmp_path / "set"))
    models._sentence_classifier.cache_clear()
    yield tmp_path / "set"
    models._sentence_classifier.cache_clear()


def test_claims_read_the_fine_tuned_classifier_of_the_model_set(model_set):
    analysis = Pipeline(["claims"])(parse_text(ARTICLE))
    assert analysis.models["claims"].startswith("0.0.1-finetuned+rules.")
    long_sentence, short_sentence = (analysis.sentence_text(i) for i in (1, 2))
    scores = analysis.sentence_scores["checkworthiness"]
    assert scores[1] == pytest.approx(_expected(long_sentence), abs=1e-5) and scores[1] > 0.99
    assert scores[2] == pytest.approx(_expected(short_sentence), abs=1e-5) and scores[2] < 0.5
    assert [c.text for c in analysis.claims] == [long_sentence]


def test_eval_predict_checkworthy_reads_it_too(model_set, tmp_path):
    data = tmp_path / "cw.tsv"
    texts = ["Residents were angry about it.",
             "The council voted on Tuesday to raise the water rate by 12 percent from next April, the largest rise."]
    data.write_text("Sentence_id\tText\n" + "".join(f"{i}\t{t}\n" for i, t in enumerate(texts)), encoding="utf-8")
    done = run_cli("eval", "predict", "checkworthy", str(data), "-o", str(tmp_path / "pred.tsv"),
                   env={**os.environ, "UNSPIN_MODELS": str(model_set)})
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in (tmp_path / "pred.tsv").read_text().splitlines()]
    assert [r[2] for r in rows] == ["No", "Yes"]
    assert [float(r[1]) for r in rows] == pytest.approx([_expected(t) for t in texts], abs=1e-5)


def test_without_a_model_set_the_head_scores_claims(monkeypatch):
    monkeypatch.delenv("UNSPIN_MODELS", raising=False)
    analysis = Pipeline(["claims"])(parse_text(ARTICLE))
    assert "finetuned" not in analysis.models["claims"]
    assert analysis.sentence_scores["checkworthiness"][1] > 0.5


def test_unspin_analyzers_loaded_shows_the_versions_analyses_record(model_set):
    done = run_cli("analyzers", "--loaded", env={**os.environ, "UNSPIN_MODELS": str(model_set)})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0] == f"models: UNSPIN_MODELS={model_set}"
    claims = next(line for line in lines if line.startswith("claims "))
    assert claims.split()[1] == Pipeline(["claims"]).versions["claims"]
    assert claims.split()[1].startswith("0.0.1-finetuned+rules.")


def test_a_classifier_without_its_calibration_is_one_clear_error(model_set):
    config = model_set / "checkworthy" / "config.json"
    config.write_text(json.dumps({**json.loads(config.read_text()), "calibration": None}))
    done = run_cli("analyze", "-", stdin=ARTICLE.encode(), env={**os.environ, "UNSPIN_MODELS": str(model_set)})
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        f"unspin: error: {config} needs 'threshold' (a number) and 'calibration' ([a, b]) to be a sentence "
        "classifier; training/sentence_finetune.py --export writes them")


def test_a_classifier_folder_without_its_model_file_is_one_clear_error(model_set):
    (model_set / "checkworthy" / "model.onnx").unlink()
    done = run_cli("analyze", "-", stdin=ARTICLE.encode(), env={**os.environ, "UNSPIN_MODELS": str(model_set)})
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        f"unspin: error: {model_set / 'checkworthy'} has a config.json but no model.onnx: not a sentence "
        "classifier (training/sentence_finetune.py --export writes all three)")


def test_the_claims_version_says_saturating_int8_once_with_a_classifier_and_a_store(model_set, tmp_path, monkeypatch):
    from tests.conftest import ROOT
    from unspin.factchecks.service import import_files
    from unspin.inference import onnx as runtime

    store = tmp_path / "fc.duckdb"
    import_files([ROOT / "tests" / "fixtures" / "claimreview.json"], store)
    monkeypatch.setattr(runtime, "cpu_flags", lambda: frozenset({"avx", "avx2"}))  # AVX2 without VNNI
    monkeypatch.setenv("UNSPIN_INT8", "fast")
    version = Pipeline(["claims"], config={"claims": {"store": str(store)}}).versions["claims"]
    assert version.startswith("0.0.1-finetuned+rules.") and version.count("+int8-saturating") == 1

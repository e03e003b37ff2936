"""The official metrics on hand-worked examples, through the real `unspin eval score` command."""
import json

import pytest

from tests.conftest import run_cli
from unspin.evaluation.match_tasks import metrics
from unspin.evaluation.ptc import Annotation, span_scores, tc_score


def A(technique, start, end, article="1"):
    return Annotation(article, technique, start, end)


def test_si_partial_overlap_by_hand():
    # Gold [10,20) and [15,30) overlap, so they merge into [10,30) (length 20); [50,60) has length 10.
    gold = [A("propaganda", 10, 20), A("propaganda", 15, 30), A("propaganda", 50, 60)]
    pred = [A("propaganda", 12, 22), A("propaganda", 55, 70), A("propaganda", 80, 90)]
    r = span_scores(pred, gold, ["1"], by_technique=False)
    # precision = (10/10 + 5/15 + 0) / 3 ; recall = (10/20 + 5/10) / 2
    assert r["precision"] == pytest.approx((1 + 5 / 15) / 3)
    assert r["recall"] == pytest.approx(0.5)
    assert r["f1"] == pytest.approx(2 * (4 / 9) * 0.5 / (4 / 9 + 0.5))
    assert span_scores([], [], ["1"], by_technique=False)["f1"] == 1.0  # nothing to find, nothing found


def test_flc_counts_overlap_only_within_the_same_technique():
    gold = [A("Loaded_Language", 10, 20), A("Doubt", 15, 30), A("Loaded_Language", 50, 60)]
    pred = [A("Loaded_Language", 12, 22), A("Doubt", 55, 70)]
    r = span_scores(pred, gold, ["1"], by_technique=True)
    assert r["precision"] == pytest.approx(0.8 / 2)  # only Loaded [12,22) ∩ [10,20) = 8 chars counts
    assert r["recall"] == pytest.approx(0.8 / 3)
    assert r["f1"] == pytest.approx(0.32)
    assert r["per_technique"]["Doubt"]["f1"] == 0.0


def test_tc_micro_f1_with_a_span_carrying_two_techniques():
    gold = [A("Loaded_Language", 10, 20), A("Doubt", 10, 20), A("Flag-Waving", 50, 60)]
    pred = [A("Doubt", 10, 20), A("Repetition", 10, 20), A("Flag-Waving", 50, 60)]
    assert tc_score(pred, gold)["micro_f1"] == pytest.approx(2 / 3)


def test_map_at_5_mrr_p_at_1_by_hand():
    run = {"q1": ["x", "a", "y"], "q2": ["b", "y", "c"], "q3": []}
    qrels = {"q1": {"a"}, "q2": {"b", "c"}, "q3": {"d"}}
    m = metrics(run, qrels)
    assert m["map_at_5"] == pytest.approx((0.5 + (1 + 2 / 3) / 2 + 0) / 3)
    assert m["mrr"] == pytest.approx(0.5)
    assert m["p_at_1"] == pytest.approx(1 / 3)


def test_eval_score_cli_on_ptc_files(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "article1.txt").write_text("Title\n\n" + "x" * 100)
    (tmp_path / "gold-task-si.labels").write_text("1\t10\t20\n1\t15\t30\n1\t50\t60\n")
    (tmp_path / "gold-task-flc-tc.labels").write_text(
        "1\tLoaded_Language\t10\t20\n1\tDoubt\t15\t30\n1\tLoaded_Language\t50\t60\n")
    pred = tmp_path / "pred.txt"
    pred.write_text("1\t12\t22\n1\t55\t70\n1\t80\t90\n")
    result = run_cli("eval", "score", "ptc-si", str(articles), str(pred))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["f1"] == pytest.approx(2 * (4 / 9) * 0.5 / (4 / 9 + 0.5))
    pred.write_text("1\tLoaded_Language\t12\t22\n1\tDoubt\t55\t70\n")
    result = run_cli("eval", "score", "ptc-flc", str(articles), str(pred))
    assert json.loads(result.stdout)["f1"] == pytest.approx(0.32)
    # Predictions for articles that are not in DATA: scored as nothing, they would pass silently.
    pred.write_text("1\tDoubt\t15\t30\n7\tDoubt\t1\t5\n")
    result = run_cli("eval", "score", "ptc-flc", str(articles), str(pred))
    assert result.returncode == 2 and "1 article id(s) in the predictions are not articles of" in result.stderr.decode()


def test_eval_predict_never_needs_gold_and_score_reports_missing_gold(tmp_path):
    data = tmp_path / "cw.tsv"
    data.write_text("Sentence_id\tText\n1\tUnemployment fell to 3.9 percent last year.\n"
                    "2\tThank you all for coming tonight.\n")
    out = tmp_path / "pred.tsv"
    result = run_cli("eval", "predict", "checkworthy", str(data), "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    lines = [line.split("\t") for line in out.read_text().splitlines()]
    assert [l[0] for l in lines] == ["1", "2"] and all(l[2] in ("Yes", "No") for l in lines)
    assert float(lines[0][1]) > float(lines[1][1])
    missing = run_cli("eval", "score", "checkworthy", str(data), str(out))
    assert missing.returncode == 2 and "gold labels" in missing.stderr.decode()


def test_malformed_benchmark_files_give_one_line_and_exit_2(tmp_path):
    """Files that are not UTF-8, JSON nested too deeply, a prediction without its label, broken XML
    ground truth, qrels with no query of DATA: each is the user's to fix, never an internal error."""
    def file(name: str, content: str | bytes):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        return path

    binary = file("binary.tsv", b"\x99\xff\x00 not text")
    texts = file("gold.jsonl", '{"text": "You will not believe this", "label": 1}\n')
    unlabelled = file("pred.jsonl", '{"text": "You will not believe this", "prob": 0.9}\n')
    deep = file("deep.jsonl", "[" * 50_000 + "]" * 50_000 + "\n")
    broken_xml = file("truth.xml", "<articles><article id='1' hyperpartisan='true'></articles>")
    queries = file("queries.tsv", "iclaim_id\ticlaim\nq1\tA claim\n")
    qrels = file("other.qrels", "q9 0 v1 1\n")
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "article1.txt").write_text("Title\n\nA short article.\n")
    outside = file("spans.tsv", "1\tLoaded_Language\t5\t2\n")
    judged = file("judged.qrels", "q1 0 v1 1\n")
    run = file("run.txt", "q1 Q0 v1 first 0.9 unspin\n")
    not_objects = file("lists.jsonl", '["text", "label"]\n')
    cases = {
        ("predict", "ptc-tc", articles, "--spans", outside, "-o", tmp_path / "out"):
            f"{outside}: line 1: span [5, 2) is not inside article 1 (24 characters)",
        ("predict", "checkworthy", binary, "-o", tmp_path / "out"): f"{binary}: not UTF-8 text",
        ("predict", "bias", deep, "-o", tmp_path / "out"): f"{deep}: line 1: invalid JSON (nested too deeply)",
        ("score", "clickbait", texts, unlabelled): f"{unlabelled}: prediction 1 has no 'label'",
        ("score", "clickbait", texts, texts): None,
        ("score", "hyperpartisan", broken_xml, texts, "--gold", broken_xml): f"{broken_xml}: malformed XML",
        ("score", "claim-match", queries, texts, "--gold", qrels): f"{qrels}: no relevance judgement",
        ("score", "claim-match", queries, run, "--gold", judged): f"{run}: line 1: expected a TREC run line",
        ("score", "bias", not_objects, texts): f"{not_objects}: line 1: expected a JSON object, got list",
    }
    for args, message in cases.items():
        result = run_cli("eval", *map(str, args))
        err = result.stderr.decode()
        if message is None:  # the gold file scored against itself: a sane run, for contrast
            assert result.returncode == 0 and json.loads(result.stdout)["accuracy"] == 1.0, err
            continue
        assert result.returncode == 2, (args, err)
        assert err.startswith(f"unspin: error: {message}") and err.count("\n") == 1, (args, err)


def test_bootstrap_draws_count_an_article_drawn_twice_twice():
    # benchmarks/confidence.py resamples whole articles; a repeated article must not merge with itself.
    import numpy as np

    from benchmarks.confidence import _renamed

    gold = {"1": [A("propaganda", 0, 10)], "2": [A("propaganda", 0, 10, article="2")]}
    pred = {"1": [A("propaganda", 0, 10)], "2": [A("propaganda", 20, 30, article="2")]}  # right once, wrong once
    ids = ["1", "2"]

    def f1(draw):
        names = {f"{ids[i]}#{n}" for n, i in enumerate(draw)}
        return span_scores(_renamed(pred, draw, ids), _renamed(gold, draw, ids), names, by_technique=False)["f1"]

    assert f1(np.array([0, 1])) == pytest.approx(0.5)
    assert f1(np.array([0, 0, 1])) == pytest.approx(2 / 3)  # article 1 counts twice: 2 of 3 spans right
    assert f1(np.array([1, 1])) == 0.0

"""Write the held-out splits as benchmark files in their own formats, for `unspin eval`.

    python -m training.materialize ptc clickbait bias hyperpartisan claim-match

Output under build/splits/. Checkworthiness uses the official dev-test file as it is.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from xml.etree import ElementTree

from . import splits

BUILD = splits.ROOT / "build" / "splits"
D = splits.SHARED


def ptc() -> Path:
    ids = set(splits.load("ptc")["test"])
    out = BUILD / "ptc-test"
    if out.exists():
        shutil.rmtree(out)
    (out / "articles").mkdir(parents=True)
    for aid in sorted(ids):
        shutil.copy(D / "ptc" / "train-articles" / f"article{aid}.txt", out / "articles" / f"article{aid}.txt")
    for name, target in (("train-task-si.labels", "task-si.labels"), ("train-task-flc-tc.labels", "task-flc-tc.labels")):
        lines = [line for line in (D / "ptc" / name).read_text(encoding="utf-8").splitlines()
                 if line.split("\t")[0] in ids]
        (out / target).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return out


def clickbait() -> Path:
    keys = set(splits.load("clickbait")["test"])
    out = BUILD / "clickbait-test"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "headlines.jsonl", "w", encoding="utf-8") as handle:
        for line in open(D / "clickbait_chakraborty2016" / "train.jsonl", encoding="utf-8"):
            r = json.loads(line)
            if f"{r['source_file']}:{r['line']}" in keys:
                handle.write(json.dumps({"text": r["text"], "label": r["label"]}) + "\n")
    return out


def bias() -> Path:
    keys = set(splits.load("babe")["test"])
    out = BUILD / "bias-test"
    out.mkdir(parents=True, exist_ok=True)
    norm = lambda t: " ".join(re.sub(r"[^a-z0-9 ]", " ", t.lower()).split())  # noqa: E731 (as training/heads.py)
    with open(out / "babe.jsonl", "w", encoding="utf-8") as handle:
        for line in open(D / "babe_mbic" / "babe_SG2.train.jsonl", encoding="utf-8"):
            r = json.loads(line)
            if norm(r["text"]) in keys and r["label_bias"] in ("Biased", "Non-biased"):
                handle.write(json.dumps({"text": r["text"], "label_bias": r["label_bias"],
                                         "type": r.get("type")}, ensure_ascii=False) + "\n")
    return out


def hyperpartisan() -> Path:
    ids = set(splits.load("hyperpartisan")["test"])
    out = BUILD / "hyperpartisan-test"
    out.mkdir(parents=True, exist_ok=True)
    base = D / "hyperpartisan_semeval2019"
    for source, target in (("articles-training-byarticle-20181122.xml", "articles-test.xml"),
                           ("ground-truth-training-byarticle-20181122.xml", "ground-truth-test.xml")):
        tree = ElementTree.parse(base / source)
        root = tree.getroot()
        for article in list(root):
            if article.get("id") not in ids:
                root.remove(article)
        tree.write(out / target, encoding="utf-8", xml_declaration=True)
    return out


def claim_match_split(task: str, queries: list[tuple[str, str]]) -> dict[str, list[str]]:
    name = f"claim-match-{task}"
    if not (splits.SPLITS / f"{name}.json").exists():
        splits.save(name, splits.assign([q for q, _ in queries], {"test": 0.3, "train": 0.7}, f"{name}-v1"),
                    f"CheckThat! task {task.upper()} training queries by id (salt {name}-v1)")
    return splits.load(name)


def claim_match() -> Path:
    from unspin.evaluation.match_tasks import read_qrels, read_queries

    from .matcher import TASKS

    for task, spec in TASKS.items():
        queries = read_queries(D / spec["queries"])
        qrels = read_qrels(D / spec["qrels"])
        test_ids = set(claim_match_split(task, queries)["test"])
        out = BUILD / f"claim-match-{task}"
        out.mkdir(parents=True, exist_ok=True)
        with open(out / "queries.tsv", "w", encoding="utf-8") as handle:
            handle.write("iclaim_id\ticlaim\n")
            for qid, text in queries:
                if qid in test_ids:
                    handle.write(f"{qid}\t{' '.join(text.split())}\n")
        with open(out / "test.qrels", "w", encoding="utf-8") as handle:
            for qid in sorted(test_ids):
                for vid in sorted(qrels.get(qid, ())):
                    handle.write(f"{qid}\t0\t{vid}\t1\n")
    return BUILD


JOBS = {"ptc": ptc, "clickbait": clickbait, "bias": bias, "hyperpartisan": hyperpartisan,
        "claim-match": claim_match}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(JOBS):
        print(JOBS[name]())

"""Score every shipped model on its held-out split with `unspin eval`, exactly as a user would.

    python benchmarks/eval_all.py            # after `python -m training.materialize` and training.matcher

Runs `unspin eval predict` then `unspin eval score` for each task, prints the commands and a
Markdown table, and writes build/eval/results.json (build/eval-<set>/ for UNSPIN_MODELS=<dir>/<set>).
"""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPLITS = ROOT / "build" / "splits"
sys.path.insert(0, str(ROOT))
from training.splits import eval_dir  # noqa: E402

OUT = eval_dir()  # a model set chosen with UNSPIN_MODELS is scored into its own folder
SHARED = Path(os.environ.get("UNSPIN_SHARED_DATA", ROOT.parent / "shared" / "data"))


def tasks() -> list[dict]:
    ptc = SPLITS / "ptc-test"
    ct = SHARED / "checkthat2024_task1_en"
    return [
        {"task": "ptc-si", "data": ptc / "articles", "headline": "f1"},
        {"task": "ptc-flc", "data": ptc / "articles", "headline": "f1"},
        {"task": "ptc-tc", "data": ptc / "articles", "predict": ["--spans", ptc / "task-flc-tc.labels"],
         "headline": "micro_f1"},
        {"task": "checkworthy", "data": ct / "CT24_checkworthy_english_dev-test.tsv", "headline": "f1_yes"},
        {"task": "clickbait", "data": SPLITS / "clickbait-test" / "headlines.jsonl", "headline": "accuracy"},
        {"task": "bias", "data": SPLITS / "bias-test" / "babe.jsonl", "headline": "macro_f1"},
        {"task": "hyperpartisan", "data": SPLITS / "hyperpartisan-test" / "articles-test.xml", "headline": "accuracy"},
        {"task": "claim-match", "name": "claim-match (2A tweets→Snopes)", "data": SPLITS / "claim-match-2a" / "queries.tsv",
         "predict": ["--claims", SHARED / "checkthat2022_task2a_en" / "vclaims.jsonl"],
         "score": ["--gold", SPLITS / "claim-match-2a" / "test.qrels"], "headline": "map_at_5"},
        {"task": "claim-match", "name": "claim-match (2B debates→PolitiFact)", "data": SPLITS / "claim-match-2b" / "queries.tsv",
         "predict": ["--claims", SHARED / "checkthat2022_task2b_en" / "politifact-vclaims.jsonl.gz"],
         "score": ["--gold", SPLITS / "claim-match-2b" / "test.qrels"], "headline": "map_at_5"},
    ]


def run(args: list) -> str:
    cmd = [str(a) for a in args]
    print("$ " + " ".join(shlex.quote(c) for c in cmd).replace(str(ROOT) + "/", ""), flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return done.stdout


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    unspin = [sys.executable, "-m", "unspin"]
    only = set(sys.argv[1:])
    results = {}
    for t in tasks():
        name = t.get("name", t["task"])
        if only and t["task"] not in only:
            continue
        pred = OUT / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.pred"  # one file per task, overwritten
        started = time.time()
        run([*unspin, "eval", "predict", t["task"], t["data"], "-o", pred, *t.get("predict", [])])
        seconds = time.time() - started
        score = json.loads(run([*unspin, "eval", "score", t["task"], t["data"], pred, *t.get("score", [])]))
        score.pop("per_technique", None) if t["task"] != "ptc-flc" and t["task"] != "ptc-tc" else None
        results[name] = {"metric": t["headline"], "value": score[t["headline"]], "predict_seconds": round(seconds, 1),
                         "score": score, "predictions": pred.name}
        print(f"  {name}: {t['headline']} = {score[t['headline']]:.4f}", flush=True)
    existing = json.loads((OUT / "results.json").read_text()) if (OUT / "results.json").exists() else {}
    existing.update(results)
    (OUT / "results.json").write_text(json.dumps(existing, indent=1) + "\n")
    print("\n| task | metric | value |\n|---|---|---|")
    for name, r in existing.items():
        print(f"| {name} | {r['metric']} | {r['value']:.4f} |")


if __name__ == "__main__":
    main()

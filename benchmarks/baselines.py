"""Simple baselines on the same held-out splits, scored by `unspin eval score` as the shipped models
are: what the models add over a bag of words, a majority label, or a span for every sentence.

    python benchmarks/baselines.py          # after `make eval` (it reads build/eval/results.json); ~1 min

* every task with labelled texts: TF-IDF of words and word pairs with logistic regression
  (scikit-learn, C = 1, balanced class weights), fitted on the training part of the split that
  the shipped model was fitted on (train+dev where the recipe selects by cross-validation), and the
  majority label;
* PTC span identification: every sentence a span (one sentence per line, as the corpus files
  are); FLC: every sentence a span of the commonest technique, Loaded_Language; TC: the
  commonest technique for every span, and the bag of words on the span's own text.

Prediction files go to build/eval/baselines/; the table compares each baseline with the shipped
model's figure in build/eval/results.json.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.eval_all import OUT, SHARED, SPLITS, tasks  # noqa: E402
from training import heads  # noqa: E402
from training.clickbait import clickbait_split  # noqa: E402
from training.ptc_data import ptc_split  # noqa: E402
from unspin.evaluation.ptc import read_articles, read_labels  # noqa: E402
from unspin.evaluation.readers import read_checkworthy, read_semeval_articles, read_semeval_truth  # noqa: E402

BASE = OUT / "baselines"
PTC = SHARED / "ptc"


def bag_of_words(texts: list[str], labels: list) -> object:
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                          LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000))
    return model.fit(texts, labels)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- predictions in each task's own format --------------------------------------------------------
def checkworthy(kind: str) -> list[str]:
    folder = SHARED / "checkthat2024_task1_en"
    train = [r for name in ("train", "dev") for r in read_checkworthy(folder / f"CT24_checkworthy_english_{name}.tsv")]
    test = read_checkworthy(folder / "CT24_checkworthy_english_dev-test.tsv")
    if kind == "majority":
        label = Counter(r.label for r in train).most_common(1)[0][0]
        return [f"{r.id}\t{float(label == 'Yes'):.1f}\t{label}" for r in test]
    model = bag_of_words([r.text for r in train], [r.label == "Yes" for r in train])
    p = model.predict_proba([r.text for r in test])[:, 1]
    return [f"{r.id}\t{q:.6f}\t{'Yes' if q >= 0.5 else 'No'}" for r, q in zip(test, p)]


def _labelled_jsonl(kind: str, train: list[tuple[str, bool]], test_file: Path, yes, no) -> list[str]:
    test = [r["text"] for r in _jsonl(test_file)]
    if kind == "majority":
        label = Counter(y for _, y in train).most_common(1)[0][0]
        p = np.full(len(test), float(label))
    else:
        p = bag_of_words([t for t, _ in train], [y for _, y in train]).predict_proba(test)[:, 1]
    return [json.dumps({"text": t, "prob": round(float(q), 6), "label": yes if q >= 0.5 else no}) for t, q in zip(test, p)]


def clickbait(kind: str) -> list[str]:
    keys = set(clickbait_split()["train"])
    rows = _jsonl(SHARED / "clickbait_chakraborty2016" / "train.jsonl")
    train = [(r["text"], r["label"] == 1) for r in rows if f"{r['source_file']}:{r['line']}" in keys]
    return _labelled_jsonl(kind, train, SPLITS / "clickbait-test" / "headlines.jsonl", 1, 0)


def bias(kind: str) -> list[str]:
    train = [(r["text"], r["label_bias"] == "Biased") for name in ("train", "dev") for r in heads.babe_split_rows(name)]
    return _labelled_jsonl(kind, train, SPLITS / "bias-test" / "babe.jsonl", "Biased", "Non-biased")


def hyperpartisan(kind: str) -> list[str]:
    base = SHARED / "hyperpartisan_semeval2019"
    articles = {a.id: a for a in read_semeval_articles(base / "articles-training-byarticle-20181122.xml")}
    truth = read_semeval_truth(base / "ground-truth-training-byarticle-20181122.xml")
    split = heads.hyperpartisan_split(sorted(articles))
    train_ids = split["train"] + split["dev"]
    test = list(read_semeval_articles(SPLITS / "hyperpartisan-test" / "articles-test.xml"))
    if kind == "majority":
        label = Counter(truth[i] for i in train_ids).most_common(1)[0][0]
        p = np.full(len(test), float(label))
    else:
        def text(a):
            return f"{a.title}\n\n{a.body or ''}"
        model = bag_of_words([text(articles[i]) for i in train_ids], [truth[i] for i in train_ids])
        p = model.predict_proba([text(a) for a in test])[:, 1]
    return [f"{a.id} {'true' if q >= 0.5 else 'false'} {q:.6f}" for a, q in zip(test, p)]


def _sentences(raw: str) -> list[tuple[int, int]]:
    """Each non-empty line of a PTC article file (one sentence a line), as (start, end)."""
    out, pos = [], 0
    for line in raw.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def ptc(kind: str, task: str) -> list[str]:
    articles = read_articles(SPLITS / "ptc-test" / "articles")
    if task == "ptc-si":
        return [f"{aid}\t{s}\t{e}" for aid, raw in articles.items() for s, e in _sentences(raw)]
    if task == "ptc-flc":
        return [f"{aid}\tLoaded_Language\t{s}\t{e}" for aid, raw in articles.items() for s, e in _sentences(raw)]
    spans = read_labels(SPLITS / "ptc-test" / "task-flc-tc.labels", with_technique=True)
    if kind == "majority":
        return [f"{a.article}\tLoaded_Language\t{a.start}\t{a.end}" for a in spans]
    ids = set(ptc_split()["train"]) | set(ptc_split()["dev"])
    train_text = read_articles(PTC / "train-articles")
    gold = [a for a in read_labels(PTC / "train-task-flc-tc.labels", with_technique=True) if a.article in ids]
    model = bag_of_words([train_text[a.article][a.start:a.end] for a in gold], [a.technique for a in gold])
    predicted = model.predict([articles[a.article][a.start:a.end] for a in spans])
    return [f"{a.article}\t{t}\t{a.start}\t{a.end}" for a, t in zip(spans, predicted)]


BASELINES = {  # task -> {baseline name: predictions}
    "ptc-si": {"every sentence a span": lambda: ptc("", "ptc-si")},
    "ptc-flc": {"every sentence a Loaded_Language span": lambda: ptc("", "ptc-flc")},
    "ptc-tc": {"commonest technique": lambda: ptc("majority", "ptc-tc"),
               "bag of words (span text)": lambda: ptc("words", "ptc-tc")},
    "checkworthy": {"majority label": lambda: checkworthy("majority"), "bag of words": lambda: checkworthy("words")},
    "clickbait": {"majority label": lambda: clickbait("majority"), "bag of words": lambda: clickbait("words")},
    "bias": {"majority label": lambda: bias("majority"), "bag of words": lambda: bias("words")},
    "hyperpartisan": {"majority label": lambda: hyperpartisan("majority"),
                      "bag of words": lambda: hyperpartisan("words")},
}


def score(task: dict, pred: Path) -> dict:
    cmd = [sys.executable, "-m", "unspin", "eval", "score", task["task"], str(task["data"]), str(pred),
           *[str(a) for a in task.get("score", [])]]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout)


def main() -> None:
    BASE.mkdir(parents=True, exist_ok=True)
    results = json.loads((OUT / "results.json").read_text())
    report = {}
    print("| task | metric | baseline | baseline's figure | unspin |\n|---|---|---|---|---|")
    for task in tasks():
        name = task.get("name", task["task"])
        for baseline, predict in BASELINES.get(name, {}).items():
            pred = BASE / f"{name}-{baseline.replace(' ', '-').replace('(', '').replace(')', '')}.pred"
            pred.write_text("\n".join(predict()) + "\n", encoding="utf-8")
            value = score(task, pred)[task["headline"]]
            shipped = results.get(name, {}).get("value")
            report.setdefault(name, {})[baseline] = {"metric": task["headline"], "value": value, "unspin": shipped}
            print(f"| {name} | {task['headline']} | {baseline} | {value:.4f} | "
                  f"{'' if shipped is None else f'{shipped:.4f}'} |", flush=True)
    (OUT / "baselines.json").write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()

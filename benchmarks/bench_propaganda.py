"""Speed of the propaganda analyzer: the shipped ONNX int8 model against the same fine-tuned model
run by torch fp32, side by side in one run, on ~700-word articles.

    .venv-train/bin/python benchmarks/bench_propaganda.py --corpus ../shared/data/bbc_news/bbc

Each engine runs in its own subprocess (so peak memory is that engine's alone) on the same articles:
tokenization, windows, encoder, span decoding and technique classification, i.e. everything the
`propaganda` analyzer does. torch needs build/propaganda/best.pt from `make train-propaganda` (the
checkpoint of the run that exported the shipped model; checkpoints are never committed).

The recipe reproduces the shipped weights only on a CPU whose torch kernels sum as the training
machine's did (an AVX-512 CPU did not: docs/training.md). There, retrain into another folder and
compare that run's own engines, so that all of them run the same weights:

    .venv-train/bin/python -m training.propaganda --out /tmp/retrained
    .venv-train/bin/python benchmarks/bench_propaganda.py --corpus ../shared/data/bbc_news/bbc \
        --engines onnx-int8,onnx-fp32,torch-fp32 --model-dir /tmp/retrained
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def articles(corpus: Path, words: int, limit: int):
    from bench_analyze import load_corpus

    return load_corpus(corpus, words, limit)


CHECKPOINT = ROOT / "build" / "propaganda" / "best.pt"
FP32_ONNX = ROOT / "build" / "propaganda" / "fused.onnx"
MODEL_DIR = ROOT / "src" / "unspin" / "models" / "propaganda"


def build(engine: str, threads: int, checkpoint: Path = CHECKPOINT, fp32_onnx: Path = FP32_ONNX,
          model_dir: Path = MODEL_DIR):
    from unspin.inference.propaganda import PropagandaModel, SpanHead

    model = PropagandaModel.load(model_dir, threads)
    if engine == "onnx-int8":
        return model
    if engine == "onnx-int8-b8":  # 8 windows per int8 call, as 1.0.2 ran (results depended on the batch)
        model.batch_size = 8
        return model
    if engine == "onnx-fp32":
        from unspin.inference.onnx import session

        sess = session(fp32_onnx, threads)
        model.encoder = lambda ids, mask: tuple(sess.run(None, {"input_ids": ids, "attention_mask": mask}))
        return model
    import torch

    from training.export import base_model_path
    from training.propaganda import Net, torch_encoder

    torch.set_num_threads(threads)
    net = Net(base_model_path())
    net.load_state_dict(torch.load(checkpoint))
    net.eval()
    model.encoder = torch_encoder(net)
    model.head = SpanHead(net.head_params(), temperature=model.head.temperature)
    return model


def run_engine(engine: str, corpus: Path, words: int, limit: int, threads: int, checkpoint: Path = CHECKPOINT,
               fp32_onnx: Path = FP32_ONNX, model_dir: Path = MODEL_DIR) -> dict:
    from unspin.segment import split_sentences

    docs = articles(corpus, words, limit)
    prepared = [(d.text, [(s.start, s.end) for s in split_sentences(d)], len(d.title)) for d in docs]
    model = build(engine, threads, checkpoint, fp32_onnx, model_dir)
    model.predict(model.encode([prepared[0][0]], [prepared[0][1]])[0], prepared[0][2])  # warm-up
    latencies, spans = [], 0
    started = time.perf_counter()
    for text, sents, title_end in prepared:  # one article at a time: latency = per-article time
        t0 = time.perf_counter()
        spans += len(model.predict(model.encode([text], [sents])[0], title_end))
        latencies.append(1000 * (time.perf_counter() - t0))
    single = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(0, len(prepared), 8):  # batches of 8 articles, as the pipeline runs them
        part = prepared[i:i + 8]
        for enc, (_, _, title_end) in zip(model.encode([p[0] for p in part], [p[1] for p in part]), part):
            model.predict(enc, title_end)
    batched = time.perf_counter() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    return {"engine": engine, "articles": len(prepared),
            "words_per_article": round(sum(len(p[0].split()) for p in prepared) / len(prepared)),
            "articles_per_s_batched": round(len(prepared) / batched, 1),
            "articles_per_s_one_by_one": round(len(prepared) / single, 1),
            "latency_ms": {"p50": round(pick(.5), 1), "p90": round(pick(.9), 1), "p99": round(pick(.99), 1)},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "spans": spans,
            "threads": threads}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--words", type=int, default=700)
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--engines", default="onnx-int8,torch-fp32")
    parser.add_argument("--checkpoint", type=Path, default=CHECKPOINT, help="torch weights of the shipped model")
    parser.add_argument("--fp32-onnx", type=Path, default=FP32_ONNX, help="its fp32 ONNX export (before quantization)")
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR,
                        help="the int8 model, its tokenizer and decoding (default: the shipped one; give the "
                             "--out of a retraining to compare that run's own int8, fp32 and torch)")
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(run_engine(args.engine, args.corpus, args.words, args.limit, args.threads,
                                    args.checkpoint, args.fp32_onnx, args.model_dir)))
        return
    rows = []
    for engine in args.engines.split(","):
        done = subprocess.run([sys.executable, __file__, "--engine", engine, "--corpus", str(args.corpus),
                               "--words", str(args.words), "--limit", str(args.limit), "--threads", str(args.threads),
                               "--checkpoint", str(args.checkpoint), "--fp32-onnx", str(args.fp32_onnx),
                               "--model-dir", str(args.model_dir)],
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        if done.returncode:
            print(f"{engine}: failed\n{done.stderr[-2000:]}")
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{'engine':<12} {'articles/s':>11} {'(1 by 1)':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'peak MB':>8}")
    for r in rows:
        lat = r["latency_ms"]
        print(f"{r['engine']:<12} {r['articles_per_s_batched']:>11} {r['articles_per_s_one_by_one']:>9} "
              f"{lat['p50']:>8} {lat['p90']:>8} {lat['p99']:>8} {r['peak_rss_mb']:>8}")
    if rows:
        print(f"({rows[0]['articles']} articles of ~{rows[0]['words_per_article']} words, {args.threads} threads)")
        print(json.dumps(rows))


if __name__ == "__main__":
    main()

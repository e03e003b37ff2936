"""Compare averages of the last epochs' weights with the single best epoch, on the dev split.

    python -m training.propaganda --keep-epochs     # saves WORK/epoch-N.pt
    python -m training.average --epochs 5,6,7        # dev SI F1 and TC micro-F1 of each average

Averaging the weights of the last few epochs (as in stochastic weight averaging) often lands in a
flatter region than any single epoch; this script measures whether it does here.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from unspin.inference.onnx import load_tokenizer
from unspin.inference.propaganda import PropagandaModel, SpanHead

from .export import base_model_path
from .propaganda import WORK, Net, torch_encoder
from .ptc_data import LABELS, MAX_TOKENS, evaluate, load_articles, ptc_split


def averaged(paths: list[Path]) -> dict[str, torch.Tensor]:
    states = [torch.load(p) for p in paths]
    out = {}
    for key, value in states[0].items():
        out[key] = sum(s[key].float() for s in states) / len(states) if value.is_floating_point() else value
    return out


def dev_scores(net: Net, tokenizer, dev) -> tuple[float, float, float]:
    net.eval()
    model = PropagandaModel(torch_encoder(net), tokenizer, SpanHead(net.head_params()),
                            {"labels": LABELS, "max_tokens": MAX_TOKENS})
    _, si, tc = evaluate(model, dev)
    theta, best = max(si.items(), key=lambda kv: kv[1]["f1"])
    return best["f1"], theta, tc["micro_f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--sets", default="7;6,7;5,6,7;4,5,6,7;3,4,5,6,7",
                        help="semicolon-separated sets of epochs to average")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    base = base_model_path()
    tokenizer = load_tokenizer(Path(base) / "tokenizer.json")
    dev = load_articles(ptc_split()["dev"], tokenizer)
    net = Net(base)
    for chosen in args.sets.split(";"):
        epochs = [int(e) for e in chosen.split(",")]
        net.load_state_dict(averaged([args.work / f"epoch-{e}.pt" for e in epochs]))
        si, theta, tc = dev_scores(net, tokenizer, dev)
        print(f"epochs {chosen:<12} dev SI F1 {si:.4f} (θ={theta}) TC micro-F1 {tc:.4f} sum {si + tc:.4f}", flush=True)


if __name__ == "__main__":
    main()

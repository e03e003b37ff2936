"""The int8 models must compute the same numbers on every CPU (unspin.inference.onnx)."""
from __future__ import annotations

import numpy as np
import pytest

from unspin.errors import ModelSetError
from unspin.inference import onnx as runtime


def _matmul_graph(path, weights: np.ndarray) -> None:
    """One MatMulInteger with constant int8 weights, as the quantised encoders and the dense index hold them."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["x", "w"], ["y"])], "saturation-probe",
        [helper.make_tensor_value_info("x", TensorProto.UINT8, ["rows", weights.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.INT32, ["rows", weights.shape[1]])],
        [numpy_helper.from_array(weights, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(path))


def test_int8_products_are_exact_where_a_16_bit_sum_would_saturate(tmp_path):
    # 255 x 127, two products summed: 64,770, over the 32,767 of the 16-bit sums that onnxruntime's
    # AVX2 kernel uses. Without the exact kernels such a CPU returns 32,767 per pair.
    _matmul_graph(tmp_path / "probe.onnx", np.full((64, 8), 127, dtype=np.int8))
    x = np.full((2, 64), 255, dtype=np.uint8)
    x[1, ::2] = 3
    (y,) = runtime.session(tmp_path / "probe.onnx", 1).run(None, {"x": x})
    assert y.tolist() == (x.astype(np.int64) @ np.full((64, 8), 127)).tolist()


@pytest.mark.parametrize("flags, mode, exact", [
    ({"avx", "avx2", "fma"}, None, True),  # AVX2 without VNNI: the kernels saturate
    ({"avx2", "avx512f", "avx512bw"}, None, True),  # AVX-512 without VNNI: the same
    ({"avx2", "avx512f", "avx512_vnni"}, None, False),  # VNNI sums in 32 bits: the fast kernel is exact
    ({"avx2", "avx_vnni"}, None, False),
    (set(), None, True),  # flags unknown: ask (exact everywhere; slower only on a VNNI CPU)
    ({"avx", "avx2"}, "fast", False),  # the user chose speed
    ({"avx", "avx2"}, "exact", True),
])
def test_exact_int8_kernels_are_asked_for_only_where_the_fast_ones_saturate(monkeypatch, flags, mode, exact):
    monkeypatch.setattr(runtime, "cpu_flags", lambda: frozenset(flags))
    if mode is None:
        monkeypatch.delenv("UNSPIN_INT8", raising=False)
    else:
        monkeypatch.setenv("UNSPIN_INT8", mode)
    assert runtime.exact_int8_products() is exact


def test_a_session_carries_the_choice(tmp_path, monkeypatch):
    _matmul_graph(tmp_path / "probe.onnx", np.full((4, 2), 100, dtype=np.int8))
    monkeypatch.setattr(runtime, "cpu_flags", lambda: frozenset({"avx2"}))
    monkeypatch.delenv("UNSPIN_INT8", raising=False)
    options = runtime.session(tmp_path / "probe.onnx", 1).get_session_options()
    assert options.get_session_config_entry("session.x64quantprecision") == "1"
    monkeypatch.setenv("UNSPIN_INT8", "fast")
    options = runtime.session(tmp_path / "probe.onnx", 1).get_session_options()
    with pytest.raises(RuntimeError, match="does not have configuration"):  # never set
        options.get_session_config_entry("session.x64quantprecision")


def test_an_unknown_unspin_int8_is_a_setting_error(monkeypatch):
    monkeypatch.setenv("UNSPIN_INT8", "fsat")
    with pytest.raises(ModelSetError, match="UNSPIN_INT8=fsat: expected 'exact'"):
        runtime.exact_int8_products()


def test_cpu_flags_are_read_from_linux():
    import os

    if not os.path.exists("/proc/cpuinfo"):
        pytest.skip("no /proc/cpuinfo")
    flags = runtime.cpu_flags()
    assert flags and all(f == f.strip() and f for f in flags)


@pytest.mark.parametrize("flags, mode, tag", [
    ({"avx", "avx2"}, "fast", "+int8-saturating"),  # the fast kernels saturate here
    ({"avx", "avx2"}, "exact", ""),
    ({"avx2", "avx512_vnni"}, "fast", ""),  # VNNI: fast and exact
    ({"avx"}, "fast", ""),  # no AVX2: onnxruntime's kernel here did not saturate (docs/benchmarks.md)
])
def test_an_analysis_says_when_its_int8_products_may_have_saturated(monkeypatch, flags, mode, tag):
    from unspin import Pipeline
    from unspin.ingest import parse_text

    monkeypatch.setattr(runtime, "cpu_flags", lambda: frozenset(flags))
    monkeypatch.setenv("UNSPIN_INT8", mode)
    assert runtime.int8_tag() == tag
    analysis = Pipeline(["encoder"])(parse_text("Officials said the bridge reopened on Monday."))
    assert analysis.models["encoder"].endswith("+int8-saturating") is bool(tag)

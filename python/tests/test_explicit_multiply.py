"""qc-smooth where no producer folds the factors, on a whole model.

Three branches read x's projections and end in a MatMul with constant
weights whose input has no foldable producer:

* gated: a * b, a product of two projections (SwiGLU's down-projection
  input, where large language models have their largest activations):
  qc-smooth inserts an explicit per-channel multiply, which
  qc-lower-to-integer fuses into the product's requantization;
* half: (a * b) * 0.5 (a spelled-out GELU's shape): the factors fold into
  the 0.5;
* attention: P V, a MatMul of two activations (an explicit multiply).

Columns j of both projections a and b are OUTLIER times larger, so channel j
of the product is OUTLIER^2 times larger while a and b themselves stay
within a few bits of range: per-tensor 8-bit quantization of the product
loses its other channels, which smoothing gives back.

Checked: the smoothed float model computes what the original does (within
1e-5 relative); the smoothed w8a8 model (integer-only code, so the multiply
was fused) has a much smaller error on the product branches, and with
explicit-multiply=false only the folded branch improves.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import qc  # noqa: E402

from test_smoothing import relative_error  # noqa: E402

pytestmark = pytest.mark.skipif(not qc.tools_available(),
                                reason="QC's tools are not built")

TOKENS, CHANNELS, OUTPUTS = 8, 16, 4
OUTLIER_CHANNELS = (2, 9)
OUTLIER = 7.0
SAMPLES = 8
INPUTS = ("x", "p")
BRANCHES = ("gated", "half", "attention")


def no_producer_model():
    rng = np.random.default_rng(7)

    def weight(name, rows, columns):
        return numpy_helper.from_array(
            rng.normal(0.0, 0.3, (rows, columns)).astype(np.float32), name)

    projections = {name: rng.normal(0.0, 0.3, (CHANNELS, CHANNELS))
                   .astype(np.float32) for name in ("w_a", "w_b")}
    for projection in projections.values():
        projection[:, list(OUTLIER_CHANNELS)] *= OUTLIER
    inits = [numpy_helper.from_array(value, name)
             for name, value in projections.items()]
    inits += [weight("w_v", CHANNELS, CHANNELS),
              weight("w_attention", CHANNELS, OUTPUTS)]
    # The product's channel j is OUTLIER^2 larger: its weight rows are that
    # much smaller, so that the other channels carry as much of the output.
    for branch in ("gated", "half"):
        down = rng.normal(0.0, 0.3, (CHANNELS, OUTPUTS)).astype(np.float32)
        down[list(OUTLIER_CHANNELS), :] /= OUTLIER ** 2
        inits.append(numpy_helper.from_array(down, f"w_{branch}"))
    inits.append(numpy_helper.from_array(np.array(0.5, np.float32), "one_half"))
    nodes = [helper.make_node("MatMul", ["x", "w_a"], ["a"], name="a"),
             helper.make_node("MatMul", ["x", "w_b"], ["b"], name="b"),
             helper.make_node("MatMul", ["x", "w_v"], ["v"], name="v"),
             helper.make_node("Mul", ["a", "b"], ["gated"], name="gate"),
             helper.make_node("Mul", ["a", "b"], ["ab"], name="product"),
             helper.make_node("Mul", ["ab", "one_half"], ["half"],
                              name="times_half"),
             helper.make_node("MatMul", ["p", "v"], ["attention"],
                              name="attention")]
    nodes += [helper.make_node("MatMul", [branch, f"w_{branch}"],
                               [f"y_{branch}"], name=f"{branch}_projection")
              for branch in BRANCHES]
    shapes = {"x": [1, TOKENS, CHANNELS], "p": [1, TOKENS, TOKENS]}
    graph = helper.make_graph(
        nodes, "no_producer",
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, shapes[name])
         for name in INPUTS],
        [helper.make_tensor_value_info(f"y_{branch}", TensorProto.FLOAT,
                                       [1, TOKENS, OUTPUTS])
         for branch in BRANCHES],
        inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def make_sample(rng):
    x = rng.normal(0.0, 1.0, (1, TOKENS, CHANNELS))
    logits = rng.normal(0.0, 1.0, (1, TOKENS, TOKENS))
    p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    return [x.astype(np.float32), p.astype(np.float32)]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("explicit_multiply")


@pytest.fixture(scope="module")
def model_path(work):
    path = work / "no_producer.onnx"
    onnx.save(no_producer_model(), path)
    return path


@pytest.fixture(scope="module")
def samples():
    rng = np.random.default_rng(13)
    return [make_sample(rng) for _ in range(SAMPLES)]


@pytest.fixture(scope="module")
def calib(work, samples):
    directory = work / "calib"
    for index, sample in enumerate(samples):
        sample_directory = directory / f"sample_{index:03d}"
        sample_directory.mkdir(parents=True)
        for name, array in zip(INPUTS, sample):
            np.save(sample_directory / f"{name}.npy", array)
    return directory


def run(library, samples):
    """Each branch's output over all samples, in BRANCHES order."""
    model = qc.load(library)
    outputs = [model(*sample) for sample in samples]
    return tuple(np.concatenate([output[k] for output in outputs])
                 for k in range(len(BRANCHES)))


@pytest.fixture(scope="module")
def float_outputs(work, model_path, samples):
    return run(qc.compile(model_path, work / "float.so", parallel=False),
               samples)


def test_smoothed_float_model_computes_the_same(work, model_path, calib,
                                                samples, float_outputs):
    stats = work / "stats.json"
    qc.compile(model_path, work / "calibrated.so", recipe="w8a8", calib=calib,
               calib_stats=stats, parallel=False)
    imported = subprocess.run(
        [qc.find_tool("quant-translate"), "--import-onnx", str(model_path),
         "--mlir-print-debuginfo"],
        check=True, capture_output=True, text=True).stdout
    smoothed_mlir = qc.opt(
        imported,
        extra_args=[
            "--pass-pipeline=builtin.module(func.func(qc-insert-observers,"
            f"qc-calibrate{{stats-file={stats}}},qc-smooth))"])
    decisions = [line for line in smoothed_mlir.splitlines()
                 if "qc.smoothing = #qc.smoothing<smoothquant" in line]
    # Explicit multiplies of a * b and P V, a fold into the 0.5.
    assert len(decisions) == 3
    assert all("tosa.mul" in line for line in decisions)
    smoothed = work / "smoothed.mlir"
    smoothed.write_text(smoothed_mlir)
    outputs = run(qc.compile(smoothed, work / "smoothed.so", parallel=False),
                  samples)
    for output, reference in zip(outputs, float_outputs):
        np.testing.assert_allclose(output, reference, rtol=0,
                                   atol=1e-5 * np.abs(reference).max())


def test_explicit_multiply_recovers_w8a8_accuracy(work, model_path, calib,
                                                  samples, float_outputs):
    # Library names of their own: a path loaded before stays loaded.
    def errors(name, **options):
        library = qc.compile(model_path, work / f"w8a8-{name}.so",
                             recipe="w8a8",
                             calib=calib, parallel=False, **options)
        return [relative_error(output, reference) for output, reference
                in zip(run(library, samples), float_outputs)]

    naive = errors("naive")
    smoothed = errors("smoothed", smooth="")
    folded_only = errors("folded_only", smooth="explicit-multiply=false")
    gated, half = BRANCHES.index("gated"), BRANCHES.index("half")
    for branch in (gated, half):
        assert smoothed[branch] < naive[branch] / 2, (smoothed, naive)
    # Without the explicit multiply only the folded branch is smoothed.
    assert folded_only[gated] == pytest.approx(naive[gated], rel=1e-6)
    assert folded_only[half] == pytest.approx(smoothed[half], rel=1e-6)

"""qc-split-outliers on whole models, through quant-opt and
quant-compile --split-outliers.

Models: test_smoothing's (a layer norm with two exact activation outlier
channels feeding Q/K/V projections, then a 1x1 convolution pair), and a
projection whose weight row 5 is WEIGHT_OUTLIER times the others (a weight
outlier: with per-output-channel 4-bit weights it takes every output
channel's range).

Checked: the split float model computes what the original does (within
1e-5 relative, compiled by QC both times) for each target; quantized,
activation splitting lowers the w8a8 error on the activation outlier model
and weight splitting the w4a8 error on the weight outlier model; the
--split-outliers option errors.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import qc  # noqa: E402
# The samples and calibration directory fixtures are test_smoothing's (in
# this module's work directory).
from test_smoothing import (CHANNELS, TOKENS, calib, compile_error,  # noqa: E402,F401
                            outlier_model, relative_error, run, samples)


pytestmark = pytest.mark.skipif(not qc.tools_available(),
                                reason="QC's tools are not built")

WEIGHT_OUTLIER_ROW = 5
WEIGHT_OUTLIER = 20.0


def weight_outlier_model():
    rng = np.random.default_rng(7)
    weight = rng.normal(0.0, 0.3, (CHANNELS, CHANNELS)).astype(np.float32)
    weight[WEIGHT_OUTLIER_ROW, :] *= WEIGHT_OUTLIER
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="project")],
        "weight_outlier",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [1, TOKENS, CHANNELS])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [1, TOKENS, CHANNELS])],
        [numpy_helper.from_array(weight, "w")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("outlier_splitting")


@pytest.fixture(scope="module")
def activation_model(work):
    path = work / "activation_outliers.onnx"
    onnx.save(outlier_model(), path)
    return path


@pytest.fixture(scope="module")
def weight_model(work):
    path = work / "weight_outlier.onnx"
    onnx.save(weight_outlier_model(), path)
    return path


def float_outputs(work, model, samples):
    return run(qc.compile(model, work / f"{model.stem}-float.so",
                          parallel=False), samples)


# Ops split per target in the activation outlier model: every matmul and
# convolution (Q, K, V, conv0, conv1) for weights; the consumers of the two
# groups (layer norm -> Q/K/V, conv0 -> conv1) for activations.
@pytest.mark.parametrize("options, split_ops", [
    ("ratio=0.1", 5),
    ("ratio=0.1 grid-aware weight-bits=4", 5),
    ("ratio=0.25 target=activations", 4),
])
def test_split_float_model_computes_the_same(work, activation_model, calib,
                                             samples, options, split_ops):
    stats = work / "stats.json"
    qc.compile(activation_model, work / "calibrated.so", recipe="w8a8",
               calib=calib, calib_stats=stats, parallel=False)
    imported = subprocess.run(
        [qc.find_tool("quant-translate"), "--import-onnx",
         str(activation_model), "--mlir-print-debuginfo"],
        check=True, capture_output=True, text=True).stdout
    split_mlir = qc.opt(
        imported,
        extra_args=[
            "--pass-pipeline=builtin.module(func.func(qc-raise-layer-norm,"
            "qc-fold-batch-norm,qc-insert-observers,"
            f"qc-calibrate{{stats-file={stats}}},"
            f"qc-split-outliers{{{options}}}))"])
    assert split_mlir.count("qc.outlier_split = #qc.outlier_split<") == \
        split_ops
    split = work / "split.mlir"
    split.write_text(split_mlir)
    library = qc.compile(split, work / f"split-{len(options)}.so",
                         parallel=False)
    reference = float_outputs(work, activation_model, samples)
    outputs = run(library, samples)
    np.testing.assert_allclose(outputs, reference, rtol=0,
                               atol=1e-5 * np.abs(reference).max())


def quantized_error(work, model, calib, samples, name, **options):
    library = qc.compile(model, work / f"{name}.so", calib=calib,
                         parallel=False, **options)
    return relative_error(run(library, samples),
                          float_outputs(work, model, samples))


def test_activation_splitting_lowers_w8a8_error(work, activation_model, calib,
                                                samples):
    naive = quantized_error(work, activation_model, calib, samples,
                            "act-naive", recipe="w8a8")
    split = quantized_error(work, activation_model, calib, samples,
                            "act-split", recipe="w8a8",
                            split_outliers="ratio=0.25,target=activations")
    assert split < naive * 0.75, (split, naive)


@pytest.mark.parametrize("options", ["ratio=0.25", "ratio=0.25,grid-aware"])
def test_weight_splitting_lowers_w4a8_error(work, weight_model, calib, samples,
                                            options):
    naive = quantized_error(work, weight_model, calib, samples,
                            "weight-naive", recipe="w4a8")
    split = quantized_error(work, weight_model, calib, samples,
                            f"weight-split-{len(options)}", recipe="w4a8",
                            split_outliers=options)
    assert split < naive * 0.75, (split, naive)


def test_split_outliers_needs_calibration_samples(work, weight_model, calib):
    stats = work / "reuse.json"
    qc.compile(weight_model, work / "stats.so", recipe="w8a8", calib=calib,
               calib_stats=stats, parallel=False)
    assert ("--split-outliers calibrates the rewritten model again: it needs "
            "the calibration samples (--calib DIR)") in compile_error(
                work, weight_model, calib_stats=stats, split_outliers="")


@pytest.mark.parametrize("options, message", [
    ("ratio=2", "qc-split-outliers: ratio must be in [0, 1], got 2"),
    ("target=inputs", "qc-split-outliers: unknown target 'inputs'"),
    ("grid-aware,target=activations",
     "qc-split-outliers: grid-aware splits weights"),
    ("alpha=2", "--split-outliers: "),
])
def test_bad_split_options(work, weight_model, calib, options, message):
    assert message in compile_error(work, weight_model, calib=calib,
                                    split_outliers=options)

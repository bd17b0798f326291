"""qc-smooth on a whole model, through quant-opt and quant-compile --smooth.

The model: a LayerNormalization over 16 channels feeding three MatMul+Add
projections (Q/K/V: one smoothing group with three consumers), whose sum
goes through a 1x1 Conv pair (conv -> conv: a convolution producer). Two
channels of the layer norm carry exact outliers (ALGORITHMS.md §4): gamma_j
and beta_j times OUTLIER, the projections' rows j divided by it, so the float
function is unchanged and per-tensor 8-bit activations lose the other
channels.

Checked: the smoothed float model computes what the original does (within
1e-5 relative, compiled by QC both times), smoothing lowers the w8a8 error
on the outlier model for both methods, and the --smooth option errors.
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


pytestmark = pytest.mark.skipif(not qc.tools_available(),
                                reason="QC's tools are not built")

TOKENS, CHANNELS = 8, 16
OUTLIER_CHANNELS = (3, 11)
OUTLIER = 50.0
SAMPLES = 8


def outlier_model():
    rng = np.random.default_rng(5)
    gamma = rng.uniform(0.5, 1.5, CHANNELS).astype(np.float32)
    beta = rng.normal(0.0, 0.1, CHANNELS).astype(np.float32)
    projections = [rng.normal(0.0, 0.3, (CHANNELS, CHANNELS)).astype(np.float32)
                   for _ in range(3)]
    for j in OUTLIER_CHANNELS:
        gamma[j] *= OUTLIER
        beta[j] *= OUTLIER
        for weight in projections:
            weight[j, :] /= OUTLIER
    inits = [numpy_helper.from_array(gamma, "gamma"),
             numpy_helper.from_array(beta, "beta")]
    nodes = [helper.make_node("LayerNormalization", ["x", "gamma", "beta"],
                              ["ln"], axis=-1, epsilon=1e-5, name="ln")]
    for index, weight in enumerate(projections):
        inits += [numpy_helper.from_array(weight, f"w{index}"),
                  numpy_helper.from_array(
                      rng.normal(0.0, 0.1, CHANNELS).astype(np.float32),
                      f"b{index}")]
        nodes += [helper.make_node("MatMul", ["ln", f"w{index}"], [f"m{index}"],
                                   name=f"matmul{index}"),
                  helper.make_node("Add", [f"m{index}", f"b{index}"],
                                   [f"p{index}"], name=f"bias{index}")]
    nodes += [helper.make_node("Add", ["p0", "p1"], ["s01"], name="sum01"),
              helper.make_node("Add", ["s01", "p2"], ["s"], name="sum"),
              # [1, T, C] -> [1, C, T, 1] for two 1x1 convolutions.
              helper.make_node("Transpose", ["s"], ["st"], perm=[0, 2, 1],
                               name="to_channels"),
              helper.make_node("Unsqueeze", ["st", "axes"], ["s4"],
                               name="unsqueeze")]
    inits.append(numpy_helper.from_array(np.array([3], np.int64), "axes"))
    for index, (cin, cout) in enumerate(((CHANNELS, 8), (8, 4))):
        inits += [numpy_helper.from_array(
                      rng.normal(0.0, 0.5, (cout, cin, 1, 1)).astype(np.float32),
                      f"cw{index}"),
                  numpy_helper.from_array(
                      rng.normal(0.0, 0.1, cout).astype(np.float32), f"cb{index}")]
        source = "s4" if index == 0 else "c0"
        nodes.append(helper.make_node("Conv", [source, f"cw{index}", f"cb{index}"],
                                      [f"c{index}"], name=f"conv{index}"))
    graph = helper.make_graph(
        nodes, "outliers",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [1, TOKENS, CHANNELS])],
        [helper.make_tensor_value_info("c1", TensorProto.FLOAT,
                                       [1, 4, TOKENS, 1])],
        inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("smoothing")


@pytest.fixture(scope="module")
def model_path(work):
    path = work / "outliers.onnx"
    onnx.save(outlier_model(), path)
    return path


@pytest.fixture(scope="module")
def samples():
    rng = np.random.default_rng(11)
    return [rng.normal(0.0, 1.0, (1, TOKENS, CHANNELS)).astype(np.float32)
            for _ in range(SAMPLES)]


@pytest.fixture(scope="module")
def calib(work, samples):
    directory = work / "calib"
    for index, array in enumerate(samples):
        sample = directory / f"sample_{index:03d}"
        sample.mkdir(parents=True)
        np.save(sample / "x.npy", array)
    return directory


def run(library, inputs):
    model = qc.load(library)
    return np.concatenate([model(x)[0] for x in inputs])


@pytest.fixture(scope="module")
def float_outputs(work, model_path, samples):
    library = qc.compile(model_path, work / "float.so", parallel=False)
    return run(library, samples)


@pytest.mark.parametrize("method", ["smoothquant", "os_plus"])
def test_smoothed_float_model_computes_the_same(work, model_path, calib,
                                                samples, float_outputs,
                                                method):
    stats = work / f"stats-{method}.json"
    qc.compile(model_path, work / "calibrated.so", recipe="w8a8", calib=calib,
               calib_stats=stats, parallel=False)
    # The taps are named after the ONNX nodes: keep the locations.
    imported = subprocess.run(
        [qc.find_tool("quant-translate"), "--import-onnx", str(model_path),
         "--mlir-print-debuginfo"],
        check=True, capture_output=True, text=True).stdout
    smoothed_mlir = qc.opt(
        imported,
        extra_args=[
            "--pass-pipeline=builtin.module(func.func(qc-raise-layer-norm,"
            "qc-fold-batch-norm,qc-insert-observers,"
            f"qc-calibrate{{stats-file={stats}}},qc-smooth{{method={method}}}))"])
    # Both groups (layer norm -> Q/K/V, conv -> conv) were smoothed.
    assert smoothed_mlir.count("qc.smoothing = #qc.smoothing<" + method) == 2
    smoothed = work / f"smoothed-{method}.mlir"
    smoothed.write_text(smoothed_mlir)
    library = qc.compile(smoothed, work / f"smoothed-{method}.so",
                         parallel=False)
    outputs = run(library, samples)
    scale = np.abs(float_outputs).max()
    np.testing.assert_allclose(outputs, float_outputs, rtol=0,
                               atol=1e-5 * scale)


def relative_error(outputs, reference):
    return np.linalg.norm(outputs - reference) / np.linalg.norm(reference)


@pytest.mark.parametrize("smooth", ["", "alpha=0.8", "method=os_plus"])
def test_smoothing_recovers_w8a8_accuracy(work, model_path, calib, samples,
                                          float_outputs, smooth):
    naive = qc.compile(model_path, work / "naive.so", recipe="w8a8",
                       calib=calib, parallel=False)
    naive_error = relative_error(run(naive, samples), float_outputs)
    smoothed = qc.compile(model_path, work / "smoothed.so", recipe="w8a8",
                          calib=calib, smooth=smooth, parallel=False)
    smoothed_error = relative_error(run(smoothed, samples), float_outputs)
    assert smoothed_error < naive_error / 2, (smoothed_error, naive_error)


def compile_error(work, model_path, **options):
    with pytest.raises(qc.QCToolError) as error:
        qc.compile(model_path, work / "bad.so", recipe="w8a8", parallel=False,
                   **options)
    return error.value.stderr


def test_smooth_needs_calibration_samples(work, model_path, calib):
    stats = work / "reuse.json"
    qc.compile(model_path, work / "stats.so", recipe="w8a8", calib=calib,
               calib_stats=stats, parallel=False)
    assert ("--smooth calibrates the rewritten model again: it needs the "
            "calibration samples (--calib DIR)") in compile_error(
                work, model_path, calib_stats=stats, smooth="")


@pytest.mark.parametrize("smooth, message", [
    ("alpha=1.5", "qc-smooth: alpha must be in [0, 1], got 1.5"),
    ("method=awq", "qc-smooth: unknown method 'awq'"),
    ("beta=2", "--smooth: "),
])
def test_bad_smoothing_options(work, model_path, calib, smooth, message):
    assert message in compile_error(work, model_path, calib=calib,
                                    smooth=smooth)


def embedding_model():
    """Token ids -> Gather from an embedding table (which the importer makes
    a linalg.generic, not a TOSA op) -> LayerNormalization -> MatMul."""
    rng = np.random.default_rng(6)
    vocabulary = 20
    inits = [numpy_helper.from_array(
                 rng.normal(0.0, 1.0, (vocabulary, CHANNELS))
                 .astype(np.float32), "table"),
             numpy_helper.from_array(
                 rng.uniform(0.5, 1.5, CHANNELS).astype(np.float32), "gamma"),
             numpy_helper.from_array(
                 rng.normal(0.0, 0.3, (CHANNELS, 4)).astype(np.float32), "w")]
    nodes = [helper.make_node("Gather", ["table", "tokens"], ["e"],
                              name="embed"),
             helper.make_node("LayerNormalization", ["e", "gamma"], ["ln"],
                              axis=-1, name="ln"),
             helper.make_node("MatMul", ["ln", "w"], ["y"], name="project")]
    graph = helper.make_graph(
        nodes, "embedding",
        [helper.make_tensor_value_info("tokens", TensorProto.INT64,
                                       [1, TOKENS])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [1, TOKENS, 4])],
        inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_smoothing_a_model_with_an_embedding(work):
    """The smoothed model is calibrated again with the first calibration's
    statistics still on its ops; the embedding's linalg.generic keeps them
    through bufferization unless the calibration build drops them."""
    path = work / "embedding.onnx"
    onnx.save(embedding_model(), path)
    rng = np.random.default_rng(12)
    tokens = [rng.integers(0, 20, (1, TOKENS)).astype(np.int64)
              for _ in range(SAMPLES)]
    directory = work / "calib_tokens"
    for index, array in enumerate(tokens):
        sample = directory / f"sample_{index:03d}"
        sample.mkdir(parents=True)
        np.save(sample / "tokens.npy", array)
    reference = run(qc.compile(path, work / "embedding.so", parallel=False),
                    tokens)
    smoothed = qc.compile(path, work / "embedding_smoothed.so",
                          recipe="w8a8", calib=directory, smooth="",
                          parallel=False)
    assert relative_error(run(smoothed, tokens), reference) < 0.05

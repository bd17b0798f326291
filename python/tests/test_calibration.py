"""Calibration and the w8a8 recipe through qc.compile (quant-compile --recipe
w8a8 --calib DIR --calib-stats FILE --observer NAME).

A tiny float model (Conv 3x3 + Relu + Flatten + Gemm, opset 13, input "x"
1x1x8x8) is calibrated on a few random samples. The tests check the
statistics file against numpy (ranges, per-channel minima and maxima, the
moving average), that every observer's range reaches the quantized types, that the
quantized library stays within a few quantization steps of the float model,
that a statistics file can be reused without samples, both sample layouts
(<input name>.npy per sample directory, ONNX's test_data_set_*/input_0.pb,
and bare .npy files for a one-input model) and the errors for bad samples
and bad options (exact substrings of lib/Compiler/Calibration.cpp,
lib/Compiler/Quantization.cpp, lib/Runtime/TensorFile.cpp and
lib/Transforms/Calibrate.cpp).

The libraries are single-threaded (parallel=False): the calibration build and
the tests need no OpenMP threads.
"""

import json
import re
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

OBSERVERS = ("minmax", "moving_average", "percentile", "mse", "kl")
SAMPLES = 4
SHAPE = (1, 1, 8, 8)

_rng = np.random.default_rng(20240601)
CONV_W = _rng.normal(0.0, 0.3, (4, 1, 3, 3)).astype(np.float32)
CONV_B = _rng.normal(0.0, 0.1, (4,)).astype(np.float32)
FC_W = _rng.normal(0.0, 0.2, (4 * 8 * 8, 10)).astype(np.float32)
FC_B = _rng.normal(0.0, 0.1, (10,)).astype(np.float32)

# The taps qc-insert-observers puts on this model, as the ONNX importer names
# its ops: the graph input; the importer's NCHW -> NHWC transpose in front of
# the convolution (named after the Conv node, channel axis 3); the ReLU (the
# convolution's result only feeds it, an absorber, so it has no tap); the
# Gemm's lhs reshape (named after the Gemm node, channel axis 2); the Gemm's
# bias add, the model output ("fc" repeated: "fc#1").
TAGS = {"input:x", "conv", "relu", "fc", "fc#1"}
CHANNEL_AXES = {"conv": (3, 1), "fc": (2, 256)}


def tiny_model():
    nodes = [
        helper.make_node("Conv", ["x", "conv_w", "conv_b"], ["c"], name="conv",
                         pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("Flatten", ["r"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["y"], name="fc"),
    ]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(SHAPE))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        [numpy_helper.from_array(CONV_W, "conv_w"),
         numpy_helper.from_array(CONV_B, "conv_b"),
         numpy_helper.from_array(FC_W, "fc_w"),
         numpy_helper.from_array(FC_B, "fc_b")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    return model


def reference(x):
    """The float model in numpy: (relu output, model output)."""
    padded = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    conv = np.zeros((1, 4, 8, 8))
    for o in range(4):
        for i in range(3):
            for j in range(3):
                window = padded[0, 0, i:i + 8, j:j + 8]
                conv[0, o] += CONV_W[o, 0, i, j] * window
        conv[0, o] += CONV_B[o]
    relu = np.maximum(conv, 0.0)
    return relu, relu.reshape(1, -1) @ FC_W.astype(np.float64) + FC_B


def sample_inputs():
    rng = np.random.default_rng(7)
    return [rng.normal(0.0, 1.0, SHAPE).astype(np.float32)
            for _ in range(SAMPLES)]


def write_samples(directory, arrays, name="x"):
    for index, array in enumerate(arrays):
        sample = directory / f"sample_{index:03d}"
        sample.mkdir(parents=True)
        np.save(sample / f"{name}.npy", array)
    return directory


def quantize(model, output, **options):
    options.setdefault("recipe", "w8a8")
    options.setdefault("parallel", False)
    return qc.compile(model, output, **options)


def compile_error(model, output, **options):
    with pytest.raises(qc.QCToolError) as error:
        quantize(model, output, **options)
    return error.value.stderr


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("calibration")


@pytest.fixture(scope="module")
def model_path(work):
    path = work / "tiny.onnx"
    onnx.save(tiny_model(), path)
    return path


@pytest.fixture(scope="module")
def samples():
    return sample_inputs()


@pytest.fixture(scope="module")
def calibrated(work, model_path, samples):
    """Calibrates once: (library, statistics file, statistics)."""
    calib = write_samples(work / "calib", samples)
    stats = work / "stats.json"
    library = quantize(model_path, work / "model_q.so", calib=calib,
                       calib_stats=stats)
    return library, stats, json.loads(stats.read_text())


def activation_scales(mlir):
    """Scales of the per-tensor i8 activation types in QDQ MLIR."""
    return sorted({float(s) for s in re.findall(
        r"!quant\.uniform<i8:f32, ([-+0-9.eE]+)(?::-?\d+)?>", mlir)})


def expected_scale(lo, hi):
    return float(np.float32((max(hi, 0.0) - min(lo, 0.0)) / 255.0))


#===----------------------------------------------------------------------===#
# The statistics file
#===----------------------------------------------------------------------===#

def test_statistics_file_format(calibrated):
    _, _, stats = calibrated
    assert stats["version"] == qc.tools.STATS_FILE_VERSION == 2
    assert stats["samples"] == SAMPLES
    values = stats["values"]
    assert set(values) == TAGS
    for tag, entry in values.items():
        assert entry["min"] <= entry["max"], tag
        assert set(entry["ranges"]) == set(OBSERVERS), tag
        for observer, (lo, hi) in entry["ranges"].items():
            assert lo <= 0.0 <= hi, (tag, observer, lo, hi)
            assert lo <= hi, (tag, observer)
        if tag in CHANNEL_AXES:
            axis, channels = CHANNEL_AXES[tag]
            assert entry["channel_axis"] == axis, tag
            assert len(entry["channel_min"]) == channels, tag
            assert len(entry["channel_max"]) == channels, tag
            assert all(lo <= hi for lo, hi in zip(entry["channel_min"],
                                                  entry["channel_max"])), tag
        else:
            for key in ("channel_axis", "channel_min", "channel_max"):
                assert key not in entry, (tag, key)
        assert "channel_absmax" not in entry, tag   # version 1's


def test_statistics_match_numpy(calibrated, samples):
    _, _, stats = calibrated
    values = stats["values"]
    relus, outputs = zip(*(reference(x) for x in samples))
    close = dict(rel=1e-5, abs=1e-5)

    def check_minmax(tag, data):
        entry = values[tag]
        lo, hi = float(np.min(data)), float(np.max(data))
        assert entry["min"] == pytest.approx(lo, **close), tag
        assert entry["max"] == pytest.approx(hi, **close), tag
        assert entry["ranges"]["minmax"] == pytest.approx(
            [min(lo, 0.0), max(hi, 0.0)], **close), tag

    check_minmax("input:x", np.stack(samples))
    check_minmax("conv", np.stack(samples))   # the transposed input
    check_minmax("relu", np.stack(relus))
    check_minmax("fc", np.stack(relus))       # the flattened ReLU
    check_minmax("fc#1", np.stack(outputs))

    # Per-channel minima and maxima: one input channel (both signs); 256
    # flattened ReLU features (NCHW order, minima 0 or above), which also
    # shows the two taps of one buffer (the ReLU and its reshape) were
    # copied apart correctly.
    inputs = np.stack(samples)
    assert values["conv"]["channel_min"] == pytest.approx(
        [float(inputs.min())], **close)
    assert values["conv"]["channel_max"] == pytest.approx(
        [float(inputs.max())], **close)
    assert values["conv"]["channel_min"][0] < 0 < values["conv"]["channel_max"][0]
    features = np.stack([r.reshape(-1) for r in relus])
    assert values["fc"]["channel_min"] == pytest.approx(
        features.min(axis=0).tolist(), **close)
    assert values["fc"]["channel_max"] == pytest.approx(
        features.max(axis=0).tolist(), **close)
    assert features.min(axis=0).max() > 0   # some channel's minimum is not 0

    # PyTorch's moving average (constant 0.01), one sample per batch.
    lo, hi = float(samples[0].min()), float(samples[0].max())
    for x in samples[1:]:
        lo += 0.01 * (float(x.min()) - lo)
        hi += 0.01 * (float(x.max()) - hi)
    assert values["input:x"]["ranges"]["moving_average"] == pytest.approx(
        [min(lo, 0.0), max(hi, 0.0)], **close)

    # The clipping observers stay inside what was seen: percentile and MSE
    # inside the min/max range, KL (symmetric, TensorRT's) inside +-max|x|.
    for tag, entry in values.items():
        full_lo, full_hi = entry["ranges"]["minmax"]
        for observer in ("moving_average", "percentile", "mse"):
            lo, hi = entry["ranges"][observer]
            assert full_lo - 1e-6 <= lo, (tag, observer)
            assert hi <= full_hi + 1e-6, (tag, observer)
        bound = max(-full_lo, full_hi) + 1e-6
        lo, hi = entry["ranges"]["kl"]
        assert -bound <= lo and hi <= bound, tag


#===----------------------------------------------------------------------===#
# The quantized model
#===----------------------------------------------------------------------===#

def test_quantized_output_is_close_to_float(calibrated, samples):
    library, _, stats = calibrated
    model = qc.load(library)
    lo, hi = stats["values"]["fc#1"]["ranges"]["minmax"]
    step = (hi - lo) / 255
    # Inside the calibrated input range, so no input is clipped.
    x = (0.8 * samples[1] + 0.1 * samples[2]).astype(np.float32)
    (got,) = model(x)
    _, expected = reference(x)
    assert got.shape == (1, 10)
    error = np.abs(got - expected).max()
    assert error <= 3 * step, (error, step)
    # ... and it is not the float model: the output is on the output grid.
    zero = round(-128 - lo / step)
    levels = got / np.float32(step) + zero
    assert np.abs(levels - np.round(levels)).max() < 1e-2


def test_qdq_form_uses_the_statistics(calibrated, model_path, work):
    _, stats_path, stats = calibrated
    mlir = Path(quantize(model_path, work / "minmax.mlir",
                         calib_stats=stats_path)).read_text()
    assert "qc.observe" not in mlir
    values = stats["values"]
    expected = sorted(expected_scale(*values[tag]["ranges"]["minmax"])
                      for tag in ("input:x", "relu", "fc#1"))
    assert activation_scales(mlir) == pytest.approx(expected, rel=1e-6)


def test_reusing_statistics_without_samples(calibrated, model_path, work,
                                            samples):
    library, stats_path, _ = calibrated
    before = stats_path.read_bytes()
    reused = quantize(model_path, work / "reused.so", calib_stats=stats_path)
    assert stats_path.read_bytes() == before
    x = samples[0]
    (first,) = qc.load(library)(x)
    (second,) = qc.load(reused)(x)
    np.testing.assert_array_equal(first, second)


def test_calibration_without_a_statistics_path(model_path, work, samples):
    # --calib alone: the statistics go to a temporary file.
    calib = write_samples(work / "calib_tmp", samples[:2])
    library = quantize(model_path, work / "tmp_stats.so", calib=calib)
    (y,) = qc.load(library)(samples[0])
    assert np.all(np.isfinite(y))


@pytest.mark.parametrize("observer", OBSERVERS)
def test_observer_picks_its_range(calibrated, model_path, work, samples,
                                  observer):
    library, stats_path, stats = calibrated
    mlir = Path(quantize(model_path, work / f"{observer}.mlir",
                         calib_stats=stats_path,
                         observer=observer)).read_text()
    values = stats["values"]
    expected = sorted(expected_scale(*values[tag]["ranges"][observer])
                      for tag in ("input:x", "relu", "fc#1"))
    assert activation_scales(mlir) == pytest.approx(expected, rel=1e-6)
    if observer == "minmax":
        return  # The calibrated fixture's library.
    library = quantize(model_path, work / f"{observer}.so",
                       calib_stats=stats_path, observer=observer)
    (y,) = qc.load(library)(samples[0])
    assert y.shape == (1, 10) and np.all(np.isfinite(y))


#===----------------------------------------------------------------------===#
# Sample layouts
#===----------------------------------------------------------------------===#

def test_onnx_test_data_layout(model_path, work, samples):
    calib = work / "calib_pb"
    for index, x in enumerate(samples[:2]):
        directory = calib / f"test_data_set_{index}"
        directory.mkdir(parents=True)
        (directory / "input_0.pb").write_bytes(
            numpy_helper.from_array(x, "x").SerializeToString())
    stats_path = work / "stats_pb.json"
    quantize(model_path, work / "pb.so", calib=calib, calib_stats=stats_path)
    stats = json.loads(stats_path.read_text())
    assert stats["samples"] == 2
    data = np.stack(samples[:2])
    assert stats["values"]["input:x"]["ranges"]["minmax"] == pytest.approx(
        [min(float(data.min()), 0.0), max(float(data.max()), 0.0)], rel=1e-6)


def test_npy_files_for_a_one_input_model(model_path, work, samples):
    calib = work / "calib_flat"
    calib.mkdir()
    for index, x in enumerate(samples[:3]):
        np.save(calib / f"{index}.npy", x)
    (calib / "README.txt").write_text("not a sample\n")
    stats_path = work / "stats_flat.json"
    quantize(model_path, work / "flat.so", calib=calib, calib_stats=stats_path)
    assert json.loads(stats_path.read_text())["samples"] == 3


#===----------------------------------------------------------------------===#
# Errors
#===----------------------------------------------------------------------===#

def test_empty_calibration_directory(model_path, tmp_path):
    calib = tmp_path / "empty"
    calib.mkdir()
    stderr = compile_error(model_path, tmp_path / "m.so", calib=calib)
    assert (f"the calibration directory '{calib}' holds no samples: expected "
            "one subdirectory per sample with <input name>.npy or "
            "input_<k>.pb files, or .npy files of the model's input") in stderr


def test_missing_calibration_directory(model_path, tmp_path):
    calib = tmp_path / "absent"
    stderr = compile_error(model_path, tmp_path / "m.so", calib=calib)
    assert f"cannot read the calibration directory '{calib}'" in stderr


def test_sample_without_the_input_file(model_path, tmp_path, samples):
    calib = write_samples(tmp_path / "calib", samples[:1])
    (calib / "sample_001").mkdir()
    np.save(calib / "sample_001" / "y.npy", samples[1])
    stderr = compile_error(model_path, tmp_path / "m.so", calib=calib)
    assert (f"calibration sample '{calib / 'sample_001'}' has no file for the "
            "model input 'x' (expected x.npy or input_0.pb)") in stderr


def test_sample_of_the_wrong_shape(model_path, tmp_path, samples):
    calib = write_samples(tmp_path / "calib",
                          [samples[0], samples[1][:, :, :4, :].copy()])
    stderr = compile_error(model_path, tmp_path / "m.so", calib=calib)
    assert (f"calibration sample 'sample_001': "
            f"'{calib / 'sample_001' / 'x.npy'}' does not have the shape of "
            "the model's input x") in stderr


def test_sample_of_the_wrong_dtype(model_path, tmp_path, samples):
    calib = write_samples(tmp_path / "calib", [samples[0].astype(np.float64)])
    stderr = compile_error(model_path, tmp_path / "m.so", calib=calib)
    assert (f"calibration sample 'sample_000': "
            f"'{calib / 'sample_000' / 'x.npy'}' holds <f8, the model's "
            "input x") in stderr


def test_pb_sample_of_the_wrong_dtype(model_path, tmp_path, samples):
    directory = tmp_path / "calib" / "test_data_set_0"
    directory.mkdir(parents=True)
    (directory / "input_0.pb").write_bytes(numpy_helper.from_array(
        samples[0].astype(np.float64), "x").SerializeToString())
    stderr = compile_error(model_path, tmp_path / "m.so",
                           calib=tmp_path / "calib")
    assert (f"calibration sample 'test_data_set_0': "
            f"'{directory / 'input_0.pb'}' holds double, the model's "
            "input x") in stderr


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_sample_with_nan_or_inf(model_path, tmp_path, samples, bad):
    x = samples[1].copy()
    x[0, 0, 3, 5] = bad
    calib = write_samples(tmp_path / "calib", [samples[0], x])
    stderr = compile_error(model_path, tmp_path / "m.so", calib=calib)
    assert ("calibration sample 'sample_001': the value 'input:x' holds NaN "
            "or infinite numbers (check the sample's input values)") in stderr


def test_recipe_without_calibration(model_path, tmp_path):
    stderr = compile_error(model_path, tmp_path / "m.so")
    assert ("the w8a8 recipe needs calibration: --calib DIR (samples) or "
            "--calib-stats FILE (statistics of an earlier run)") in stderr


@pytest.mark.parametrize("option", ["calib", "calib_stats"])
def test_calibration_without_a_recipe(model_path, tmp_path, calibrated,
                                      option):
    _, stats_path, _ = calibrated
    value = tmp_path if option == "calib" else stats_path
    stderr = compile_error(model_path, tmp_path / "m.so", recipe=None,
                           **{option: value})
    assert ("calibration data needs a quantization recipe (--recipe w8a8)"
            in stderr)


@pytest.mark.parametrize("recipe", ["w4a4", "w1a8", "w9a8", "wa8", "int8"])
def test_unknown_recipe(model_path, tmp_path, calibrated, recipe):
    _, stats_path, _ = calibrated
    stderr = compile_error(model_path, tmp_path / "m.so", recipe=recipe,
                           calib_stats=stats_path)
    assert (f"unknown recipe '{recipe}' (expected none, or w<N>a8 with 2 to "
            "8 weight bits: w8a8, w6a8, w4a8...)") in stderr


def test_unknown_observer(model_path, tmp_path, calibrated):
    _, stats_path, _ = calibrated
    stderr = compile_error(model_path, tmp_path / "m.so",
                           calib_stats=stats_path, observer="minimax")
    assert ("unknown observer 'minimax' (expected minmax, moving_average, "
            "percentile, mse or kl)") in stderr


def test_unknown_observer_is_rejected_before_calibrating(model_path, tmp_path,
                                                         samples):
    calib = write_samples(tmp_path / "calib", samples[:1])
    stderr = compile_error(model_path, tmp_path / "m.so", calib=calib,
                           observer="minimax")
    assert "calibration ranges" not in stderr          # no samples were run
    assert "minimax" in stderr
    assert all(name in stderr for name in OBSERVERS)   # the accepted names


def test_missing_statistics_file(model_path, tmp_path):
    stats_path = tmp_path / "none.json"
    stderr = compile_error(model_path, tmp_path / "m.so",
                           calib_stats=stats_path)
    assert (f"qc-calibrate: cannot open input file '{stats_path}': No such "
            "file or directory") in stderr


def test_statistics_of_another_model(model_path, tmp_path, calibrated):
    _, stats_path, stats = calibrated
    other = json.loads(json.dumps(stats))
    del other["values"]["relu"]
    other_path = tmp_path / "other.json"
    other_path.write_text(json.dumps(other))
    stderr = compile_error(model_path, tmp_path / "m.so",
                           calib_stats=other_path)
    assert (f"qc-calibrate: no statistics for tap 'relu' in '{other_path}' "
            "(calibrated on another model?)") in stderr


def test_statistics_of_version_1_are_rejected(model_path, tmp_path,
                                             calibrated):
    # What calibration wrote before per-channel min and max: absmax only.
    _, stats_path, stats = calibrated
    old = json.loads(json.dumps(stats))
    old["version"] = 1
    for entry in old["values"].values():
        if "channel_min" in entry:
            entry["channel_absmax"] = [
                max(-lo, hi) for lo, hi in zip(entry.pop("channel_min"),
                                               entry.pop("channel_max"))]
    old_path = tmp_path / "old.json"
    old_path.write_text(json.dumps(old))
    assert qc.tools.stats_file_is_current(stats_path)
    assert not qc.tools.stats_file_is_current(old_path)
    assert not qc.tools.stats_file_is_current(tmp_path / "none.json")
    stderr = compile_error(model_path, tmp_path / "m.so", calib_stats=old_path)
    assert (f"qc-calibrate: '{old_path}' is a statistics file of version 1, "
            "which has no per-channel min and max; this compiler reads "
            "version 2: calibrate again (quant-compile --calib DIR "
            "--calib-stats FILE) to rewrite it") in stderr


def test_tags_stay_unique_with_hash_names(tmp_path):
    nodes = [helper.make_node("Tanh", ["x"], ["a"], name="act"),
             helper.make_node("Tanh", ["a"], ["b"], name="act"),
             helper.make_node("Sigmoid", ["b"], ["c"], name="act#1"),
             helper.make_node("Relu", ["c"], ["y"], name="out")]
    graph = helper.make_graph(
        nodes, "names",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16])])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, tmp_path / "names.onnx")
    x = np.linspace(-3.0, 3.0, 16, dtype=np.float32).reshape(1, 16)
    (tmp_path / "calib").mkdir()
    np.save(tmp_path / "calib" / "0.npy", x)
    stats_path = tmp_path / "stats.json"
    library = quantize(tmp_path / "names.onnx", tmp_path / "names.so",
                       calib=tmp_path / "calib", calib_stats=stats_path)
    (got,) = qc.load(library)(x)
    t = np.tanh(np.tanh(x.astype(np.float64)))
    expected = np.maximum(1 / (1 + np.exp(-t)), 0)
    step = expected.max() / 255
    # Taps: input:x, both Tanh, the Sigmoid and the Relu.
    assert len(json.loads(stats_path.read_text())["values"]) == 5
    assert np.abs(got - expected).max() <= 3 * step

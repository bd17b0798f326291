"""The quantization report (quant-compile --recipe w8a8 --report FILE.json).

Two small float models are quantized with a report: a single convolution
(well conditioned: Gaussian input and weights) and test_calibration.py's
Conv + Relu + Flatten + Gemm model. The tests check the JSON layout, each
row against numpy (scales and zero points recomputed from the statistics
file and the weights, weight SQNR from numpy's own rounding, activation SQNR
from the float model in numpy and the compiled quantized library's output),
the scales against the emitted QDQ MLIR, the text table, the ops kept in
float, the report without samples and the option errors (exact substrings
of lib/Compiler/Quantization.cpp).

The libraries are single-threaded (parallel=False), as in
test_calibration.py.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import qc  # noqa: E402
from test_calibration import (  # noqa: E402
    FC_W, SHAPE, reference, sample_inputs, tiny_model, write_samples)

pytestmark = pytest.mark.skipif(not qc.tools_available(),
                                reason="QC's tools are not built")

# The single convolution: 8 output channels, 3x3, no padding.
_rng = np.random.default_rng(20240817)
CONV_W = _rng.normal(0.0, 0.3, (8, 1, 3, 3)).astype(np.float32)
CONV_SHAPE = (1, 8, 6, 6)

ROW_KEYS = {"name", "node", "op", "what", "scheme", "granularity", "axis",
            "scale", "zero_point", "bits", "storage", "narrow_range",
            "storage_min", "storage_max", "observer", "sqnr_db", "bitwidth"}


def conv_model():
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv")
    graph = helper.make_graph(
        [node], "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(SHAPE))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       list(CONV_SHAPE))],
        [numpy_helper.from_array(CONV_W, "w")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    return model


def conv_reference(x):
    """The single convolution in numpy (float64)."""
    y = np.zeros(CONV_SHAPE)
    for i in range(3):
        for j in range(3):
            y[0] += (CONV_W[:, 0, i, j].astype(np.float64)[:, None, None]
                     * x[0, 0, i:i + 6, j:j + 6])
    return y


def quantize(model, output, **options):
    options.setdefault("recipe", "w8a8")
    options.setdefault("parallel", False)
    return qc.compile(model, output, **options)


def sqnr(reference_values, approximations):
    signal = sum(float(np.sum(np.square(r.astype(np.float64))))
                 for r in reference_values)
    noise = sum(float(np.sum(np.square(r.astype(np.float64)
                                       - a.astype(np.float64))))
                for r, a in zip(reference_values, approximations))
    return 10.0 * np.log10(signal / noise)


def fake_quantize(x, scale, zero_point, qmin, qmax):
    """ONNX QuantizeLinear then DequantizeLinear in float32 (ties to even)."""
    scale = np.float32(scale)
    q = np.clip(np.round(x.astype(np.float32) / scale) + zero_point,
                qmin, qmax)
    return ((q - zero_point) * scale).astype(np.float32)


def weight_fake_quantize(w, axis, qmax=127):
    """QC's weights: symmetric in [-qmax, qmax] (int8: 127), one scale per
    index along `axis`, s = max|w| / qmax. Returns (dequantized weights,
    scales)."""
    moved = np.moveaxis(w, axis, 0)
    channels = moved.reshape(w.shape[axis], -1)
    scales = np.abs(channels).max(axis=1).astype(np.float64) / qmax
    scales = scales.astype(np.float32)
    q = np.clip(np.round(channels / scales[:, None]), -qmax, qmax)
    dequantized = (q * scales[:, None]).astype(np.float32)
    return np.moveaxis(dequantized.reshape(moved.shape), 0, axis), scales


def rows_by(report, what):
    return [row for row in report["layers"] if row["what"] == what]


def row_named(report, name, what):
    (row,) = [row for row in rows_by(report, what) if row["name"] == name]
    return row


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("report")


@pytest.fixture(scope="module")
def samples():
    return sample_inputs()


@pytest.fixture(scope="module")
def conv(work, samples):
    """The single convolution quantized with a report: (library, report,
    statistics, model path)."""
    path = work / "conv.onnx"
    onnx.save(conv_model(), path)
    calib = write_samples(work / "calib_conv", samples)
    stats = work / "conv_stats.json"
    report = work / "conv_report.json"
    library = quantize(path, work / "conv_q.so", calib=calib,
                       calib_stats=stats, report=report)
    return (library, json.loads(report.read_text()),
            json.loads(stats.read_text()), path)


@pytest.fixture(scope="module")
def tiny(work, samples):
    """test_calibration's model quantized with a report: (library, report
    path, report, statistics path, model path)."""
    path = work / "tiny.onnx"
    onnx.save(tiny_model(), path)
    calib = write_samples(work / "calib_tiny", samples)
    stats = work / "tiny_stats.json"
    report = work / "tiny_report.json"
    library = quantize(path, work / "tiny_q.so", calib=calib,
                       calib_stats=stats, report=report)
    return library, report, json.loads(report.read_text()), stats, path


#===----------------------------------------------------------------------===#
# JSON
#===----------------------------------------------------------------------===#

def test_json_layout(tiny, samples):
    _, _, report, _, path = tiny
    assert report["version"] == 1
    assert report["model"] == str(path)
    assert report["recipe"] == "w8a8"
    assert report["observer"] == "minmax"
    assert report["sqnr_samples"] == len(samples)
    assert report["float_ops"] == []
    assert report["bitwidth_budget"] is None
    # Program order: the input, each weight before the layer output it
    # feeds. The convolution's output only reaches the ReLU, so the pair
    # (and the row) is after the ReLU; "fc#1" is the Gemm's bias add.
    assert [(row["name"], row["what"]) for row in report["layers"]] == [
        ("input:x", "activation"), ("conv", "weight"),
        ("relu", "activation"), ("fc", "weight"), ("fc#1", "activation")]
    for row in report["layers"]:
        assert set(row) == ROW_KEYS, row["name"]
        assert row["bits"] == 8 and row["storage"] == "i8"
        assert row["bitwidth"] is None


def test_activation_rows_match_the_statistics(tiny):
    _, _, report, stats_path, _ = tiny
    values = json.loads(stats_path.read_text())["values"]
    nodes = {"input:x": None, "relu": "relu", "fc#1": "fc"}
    ops = {"input:x": "input", "relu": "tosa.clamp", "fc#1": "tosa.add"}
    for row in rows_by(report, "activation"):
        lo, hi = values[row["name"]]["ranges"]["minmax"]
        scale = float(np.float32((hi - lo) / 255))
        assert row["node"] == nodes[row["name"]]
        assert row["op"] in (ops[row["name"]], "linalg.generic")
        assert row["scheme"] == "affine"
        assert row["granularity"] == "per_tensor" and row["axis"] is None
        assert row["scale"] == pytest.approx(scale, rel=1e-6)
        assert row["zero_point"] == round(-128 - lo / scale)
        assert (row["storage_min"], row["storage_max"]) == (-128, 127)
        assert row["narrow_range"] is False
        assert row["observer"] == "minmax"


def test_weight_rows_match_numpy(conv, tiny):
    _, report, _, _ = conv
    (row,) = rows_by(report, "weight")
    assert (row["name"], row["node"], row["op"]) == ("conv", "conv",
                                                    "tosa.conv2d")
    assert row["scheme"] == "symmetric"
    assert row["granularity"] == "per_channel" and row["axis"] == 0
    assert (row["storage_min"], row["storage_max"]) == (-127, 127)
    assert row["narrow_range"] is True
    assert row["observer"] is None
    assert row["zero_point"] == {"min": 0, "max": 0}
    dequantized, scales = weight_fake_quantize(CONV_W, 0)
    assert row["scale"]["count"] == 8
    assert row["scale"]["min"] == pytest.approx(float(scales.min()), rel=1e-6)
    assert row["scale"]["max"] == pytest.approx(float(scales.max()), rel=1e-6)
    assert row["sqnr_db"] == pytest.approx(sqnr([CONV_W], [dequantized]),
                                           abs=1e-6)

    # The Gemm's weight: one scale per output column (the matmul's axis 2).
    _, _, report, _, _ = tiny
    row = row_named(report, "fc", "weight")
    assert (row["op"], row["axis"]) == ("tosa.matmul", 2)
    dequantized, scales = weight_fake_quantize(FC_W, 1)
    assert row["scale"]["count"] == 10
    assert row["scale"]["max"] == pytest.approx(float(scales.max()), rel=1e-6)
    assert row["sqnr_db"] == pytest.approx(
        sqnr([FC_W], [dequantized]), abs=1e-6)


@pytest.mark.parametrize("bits", [6, 4, 2])
def test_low_bit_weight_recipes(conv, work, samples, bits):
    """--recipe w<N>a8: weights in [-(2^(N-1) - 1), 2^(N-1) - 1] (held in
    int8), reported as N-bit; the model's output SQNR is what numpy
    measures on its outputs, and below w8a8's."""
    _, eight_bit, _, path = conv
    report_path = work / f"conv_w{bits}.json"
    library = quantize(path, work / f"conv_w{bits}.so", recipe=f"w{bits}a8",
                       calib=work / "calib_conv", report=report_path)
    report = json.loads(report_path.read_text())
    qmax = (1 << (bits - 1)) - 1
    (row,) = rows_by(report, "weight")
    assert (row["bits"], row["storage"]) == (bits, f"i{bits}")
    assert (row["storage_min"], row["storage_max"]) == (-qmax, qmax)
    assert row["narrow_range"] is True
    dequantized, scales = weight_fake_quantize(CONV_W, 0, qmax)
    assert row["scale"]["max"] == pytest.approx(float(scales.max()), rel=1e-6)
    assert row["sqnr_db"] == pytest.approx(sqnr([CONV_W], [dequantized]),
                                           abs=1e-6)
    model = qc.load(library)
    floats = [conv_reference(x) for x in samples]
    quantized = [model(x)[0] for x in samples]
    output = rows_by(report, "activation")[-1]
    assert output["sqnr_db"] == pytest.approx(sqnr(floats, quantized),
                                              abs=1e-3)
    assert output["sqnr_db"] < rows_by(eight_bit, "activation")[-1]["sqnr_db"]


def test_single_layer_sqnr_against_numpy(conv, samples):
    library, report, _, _ = conv
    output = rows_by(report, "activation")[-1]
    # qc-insert-observers names the convolution's output first; its input
    # (the importer's transpose, tapped for its channels) is "conv#1".
    assert output["name"] == "conv"
    assert np.isfinite(output["sqnr_db"])
    assert output["sqnr_db"] > 30.0
    model = qc.load(library)
    floats = [conv_reference(x) for x in samples]
    quantized = [model(x)[0] for x in samples]
    assert output["sqnr_db"] == pytest.approx(sqnr(floats, quantized),
                                              abs=1e-3)

    # The input row: the samples against their own quantization with the
    # reported scale and zero point.
    first = rows_by(report, "activation")[0]
    assert first["name"] == "input:x"
    fake = [fake_quantize(x, first["scale"], first["zero_point"], -128, 127)
            for x in samples]
    assert first["sqnr_db"] == pytest.approx(sqnr(samples, fake), abs=1e-6)


def test_accumulated_sqnr_of_the_model_output(tiny, samples):
    # The last row is the model's output: its SQNR is the whole model's
    # error, which numpy recomputes from the float reference and the
    # compiled quantized library; the error grows along the layers.
    library, _, report, _, _ = tiny
    model = qc.load(library)
    floats = [reference(x)[1] for x in samples]
    quantized = [model(x)[0] for x in samples]
    activations = rows_by(report, "activation")
    assert activations[-1]["sqnr_db"] == pytest.approx(
        sqnr(floats, quantized), abs=1e-3)
    assert (activations[0]["sqnr_db"] > activations[1]["sqnr_db"]
            > activations[2]["sqnr_db"] > 20.0)


#===----------------------------------------------------------------------===#
# The emitted IR
#===----------------------------------------------------------------------===#

def test_scales_are_those_of_the_emitted_ir(tiny, work):
    _, _, report, stats_path, path = tiny
    mlir = Path(quantize(path, work / "tiny_q.mlir", calib_stats=stats_path,
                         emit="mlir")).read_text()
    per_tensor = {(float(scale), int(zero_point)) for scale, zero_point in
                  re.findall(r"!quant\.uniform<i8:f32, ([-+0-9.eE]+):(-?\d+)>",
                             mlir)}
    assert per_tensor == {(row["scale"], row["zero_point"])
                          for row in rows_by(report, "activation")}
    # Each weight type is printed twice (the storage cast, the dequantize).
    per_channel = set()
    for axis, text in re.findall(
            r"!quant\.uniform<i8<-127:127>:f32:(\d), \{([^}]*)\}>", mlir):
        scales = [float(scale) for scale in text.split(",")]
        per_channel.add((int(axis), min(scales), max(scales), len(scales)))
    assert per_channel == {
        (row["axis"], row["scale"]["min"], row["scale"]["max"],
         row["scale"]["count"]) for row in rows_by(report, "weight")}


#===----------------------------------------------------------------------===#
# The table
#===----------------------------------------------------------------------===#

def test_table_names_every_layer(tiny, samples):
    _, report_path, report, _, _ = tiny
    table = report_path.with_suffix(".txt").read_text()
    lines = table.splitlines()
    assert "recipe w8a8, observer minmax" in lines[0]
    assert f"on {len(samples)} calibration samples" in lines[1]
    header = next(line for line in lines if line.startswith("layer"))
    for column in ("op", "what", "scheme", "scale", "zero point", "storage",
                   "observer", "SQNR dB"):
        assert column in header
    body = lines[lines.index(header) + 1:]
    for row, line in zip(report["layers"], body):
        assert line.split()[:3] == [row["name"], row["op"], row["what"]]
        assert f"{row['sqnr_db']:.1f}" in line
    assert "Kept in float (--keep-float): none" in table


#===----------------------------------------------------------------------===#
# Without samples, keep-float, errors
#===----------------------------------------------------------------------===#

def test_no_activation_sqnr_without_samples(tiny, work):
    _, _, calibrated, stats_path, path = tiny
    report_path = work / "stats_only.json"
    quantize(path, work / "stats_only.so", calib_stats=stats_path,
             report=report_path)
    report = json.loads(report_path.read_text())
    assert report["sqnr_samples"] is None
    for row in rows_by(report, "activation"):
        assert row["sqnr_db"] is None, row["name"]
    # Weights need no samples; the decisions are those of the calibrated run.
    for row, before in zip(report["layers"], calibrated["layers"]):
        if row["what"] == "weight":
            assert row["sqnr_db"] == before["sqnr_db"]
        assert row["scale"] == before["scale"]
    table = report_path.with_suffix(".txt").read_text()
    assert ("SQNR: weights only; activations need calibration samples "
            "(--calib), a statistics file alone has none") in table


def test_unsigned_activations(tiny, work):
    # uint8 storage holds the same grid 128 higher, so the integer model
    # computes the same values: the SQNRs are those of int8.
    _, _, signed, _, path = tiny
    report_path = work / "u8.json"
    subprocess.run([qc.find_tool("quant-compile"), str(path), "-o",
                    str(work / "u8.so"), "--recipe=w8a8", "--parallel=false",
                    f"--calib={work / 'calib_tiny'}", "--activation-type=u8",
                    f"--report={report_path}"],
                   check=True, capture_output=True)
    report = json.loads(report_path.read_text())
    for row, before in zip(report["layers"], signed["layers"]):
        if row["what"] == "weight":
            assert row == before
            continue
        assert row["storage"] == "u8"
        assert (row["storage_min"], row["storage_max"]) == (0, 255)
        assert row["zero_point"] == before["zero_point"] + 128
        assert row["scale"] == before["scale"]
        assert row["sqnr_db"] == pytest.approx(before["sqnr_db"], abs=1e-6)


def test_keep_float_ops_are_listed(tiny, work):
    _, _, _, stats_path, path = tiny
    report_path = work / "keep_float.json"
    quantize(path, work / "keep_float.so", calib_stats=stats_path,
             keep_float=["fc"], integer_only=False, report=report_path)
    report = json.loads(report_path.read_text())
    (kept,) = report["float_ops"]
    assert kept["node"] == "fc" and kept["reason"] == "keep_float"
    assert "tosa.matmul" in kept["ops"]
    assert [row["name"] for row in rows_by(report, "weight")] == ["conv"]
    table = report_path.with_suffix(".txt").read_text()
    assert re.search(r"Kept in float \(--keep-float\):\n  fc \(.*tosa\.matmul",
                     table)


def test_report_without_a_recipe(tiny, tmp_path):
    _, _, _, _, path = tiny
    with pytest.raises(qc.QCToolError) as error:
        qc.compile(path, tmp_path / "m.so", report=tmp_path / "r.json")
    assert ("--report describes the decisions of a quantization recipe; "
            "there is none (add --recipe w8a8 with --calib DIR or "
            "--calib-stats FILE)") in error.value.stderr
    assert not (tmp_path / "r.json").exists()


def test_report_named_like_its_table(tiny, tmp_path):
    _, _, _, stats_path, path = tiny
    with pytest.raises(qc.QCToolError) as error:
        quantize(path, tmp_path / "m.so", calib_stats=stats_path,
                 report=tmp_path / "r.txt")
    assert (f"the report file '{tmp_path / 'r.txt'}' ends in .txt, where "
            "its table goes; name the JSON file, e.g. report.json"
            in error.value.stderr)

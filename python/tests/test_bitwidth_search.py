"""Bit-width search through quant-compile (--search-bitwidth).

test_calibration.py's Conv + Relu + Flatten + Gemm model is compiled with
qc-search-bitwidth on its calibration. numpy recomputes every layer's
sensitivity at every candidate width from the weights and the statistics
file (HAWQ-V3: Omega = 2 P E[x^2] ||Q_b(W) - W||^2, divided by the
output's energy P C E[y^2] under sensitivity=relative, the default;
MixQuant: the round-off error and its rule) and finds the best assignment by enumeration; the
report's widths, sensitivities and budget must agree, and the weights of
the compiled model must be on the chosen grids.
"""

import itertools
import json
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import qc  # noqa: E402
from test_calibration import (  # noqa: E402
    CONV_W, FC_W, SHAPE, sample_inputs, tiny_model, write_samples)
from test_report import rows_by, weight_fake_quantize  # noqa: E402

pytestmark = pytest.mark.skipif(not qc.tools_available(),
                                reason="QC's tools are not built")

CANDIDATES = (2, 4, 8)
# Per layer (report name): the ONNX weight, its output-channel axis, the
# output positions each weight is applied at (the convolution's 8 x 8 output,
# the Gemm's one row), the calibration tap of its input and the first tap
# after it (the convolution's through the Relu, a clamp).
LAYERS = {
    "conv": (CONV_W, 0, SHAPE[2] * SHAPE[3], "conv", "relu"),
    "fc": (FC_W, 1, 1, "fc", "fc#1"),
}


# weight_fake_quantize rounds the dequantized weights to float32; QC sums the
# error in double.
SENSITIVITY_TOLERANCE = 1e-5


def rounding_error(weight, axis, bits):
    qmax = (1 << (bits - 1)) - 1
    dequantized, _ = weight_fake_quantize(weight, axis, qmax)
    return float(np.sum(np.square(dequantized.astype(np.float64)
                                  - weight.astype(np.float64))))


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    work = tmp_path_factory.mktemp("bitwidth")
    path = work / "tiny.onnx"
    onnx.save(tiny_model(), path)
    calib = write_samples(work / "calib", sample_inputs())
    return work, path, calib


def search(model, name, options):
    """Compiles with the search; returns (report, statistics)."""
    work, path, calib = model
    report = work / f"{name}.json"
    stats = work / f"{name}_stats.json"
    qc.compile(path, work / f"{name}.so", recipe="w8a8", calib=calib,
               calib_stats=stats, report=report, parallel=False,
               search_bitwidth=options)
    return (json.loads(report.read_text()),
            json.loads(stats.read_text())["values"])


def hawq_sensitivity(values, name, bits, sensitivity):
    weight, axis, positions, tap, output_tap = LAYERS[name]
    mean_square = values[tap]["mean_square"]
    omega = 2.0 * positions * mean_square * rounding_error(weight, axis, bits)
    if sensitivity == "absolute":
        return omega
    channels = weight.shape[axis]
    return omega / (positions * channels * values[output_tap]["mean_square"])


def weight_rows(report):
    return {row["name"]: row for row in rows_by(report, "weight")}


@pytest.mark.parametrize("sensitivity", ["relative", "absolute"])
@pytest.mark.parametrize("average", [3.0, 4.0, 6.0])
def test_hawq_matches_enumeration(model, average, sensitivity):
    report, values = search(
        model, f"hawq_{average}_{sensitivity}",
        f"budget=avg-bits:{average} candidates=2,4,8 pin-first-last=false "
        f"sensitivity={sensitivity}")
    sizes = {name: layer[0].size for name, layer in LAYERS.items()}
    total = sum(sizes.values())
    best = None
    for widths in itertools.product(CANDIDATES, repeat=len(LAYERS)):
        chosen = dict(zip(LAYERS, widths))
        used = sum(sizes[n] * b for n, b in chosen.items()) / total
        if used > average:
            continue
        objective = sum(hawq_sensitivity(values, n, b, sensitivity)
                        for n, b in chosen.items())
        if best is None or objective < best[0]:
            best = (objective, chosen, used)
    assert best is not None
    _, chosen, used = best
    rows = weight_rows(report)
    for name, bits in chosen.items():
        row = rows[name]
        qmax = (1 << (bits - 1)) - 1
        assert (row["bits"], row["storage_max"]) == (bits, qmax), name
        assert row["bitwidth"]["method"] == "hawq"
        assert row["bitwidth"]["pinned"] is False
        assert row["bitwidth"]["sensitivity"] == pytest.approx(
            hawq_sensitivity(values, name, bits, sensitivity),
            rel=SENSITIVITY_TOLERANCE)
        weight, axis = LAYERS[name][:2]
        _, scales = weight_fake_quantize(weight, axis, qmax)
        assert row["scale"]["max"] == pytest.approx(float(scales.max()),
                                                    rel=1e-6)
    assert report["bitwidth_budget"] == {
        "kind": "avg_bits", "limit": average,
        "used": pytest.approx(used, rel=1e-12)}


def test_first_and_last_layers_stay_at_eight_bits(model):
    report, _ = search(model, "pinned", "budget=avg-bits:8")
    for row in weight_rows(report).values():
        assert row["bits"] == 8
        assert row["bitwidth"]["pinned"] is True


def test_mixquant_rule(model):
    qem = 30.0
    report, _ = search(model, "mixquant",
                       f"method=mixquant qem={qem} candidates=2,4,8 "
                       "pin-first-last=false")
    assert report["bitwidth_budget"] is None
    rows = weight_rows(report)
    for name, (weight, axis, *_) in LAYERS.items():
        reference = rounding_error(weight, axis, 8)
        expected = next((b for b in CANDIDATES
                         if rounding_error(weight, axis, b)
                         <= qem * reference), CANDIDATES[-1])
        assert rows[name]["bits"] == expected, name
        assert rows[name]["bitwidth"]["method"] == "mixquant"
        assert rows[name]["bitwidth"]["sensitivity"] == pytest.approx(
            rounding_error(weight, axis, expected), rel=SENSITIVITY_TOLERANCE)


def test_infeasible_budget_names_the_smallest(model):
    work, path, calib = model
    with pytest.raises(qc.QCToolError) as error:
        qc.compile(path, work / "infeasible.so", recipe="w8a8", calib=calib,
                   parallel=False, search_bitwidth="budget=avg-bits:7")
    assert ("no choice of widths fits the budget avg-bits:7; the smallest "
            "that fits (with the pins and ties) is avg-bits:8") in str(
                error.value)


def test_bad_options_are_reported(model):
    work, path, calib = model
    with pytest.raises(qc.QCToolError) as error:
        qc.compile(path, work / "bad.so", recipe="w8a8", calib=calib,
                   parallel=False, search_bitwidth="budget=avg-bits:4 foo=1")
    assert "--search-bitwidth:" in str(error.value)

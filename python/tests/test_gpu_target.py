"""Models compiled for an NVIDIA GPU (qc.compile target="cuda:...") as the
C ABI sees them on a machine without one, and device buffers on a CPU model.
Running on a GPU is test/gpu's suite (outside CI)."""

import ctypes
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import qc  # noqa: E402

MODEL = """
func.func @main(%x: tensor<4x16xi8>, %w: tensor<16x8xi8>) -> tensor<4x8xi32> {
  %zero = arith.constant dense<0> : tensor<4x8xi32>
  %y = linalg.matmul ins(%x, %w : tensor<4x16xi8>, tensor<16x8xi8>)
                     outs(%zero : tensor<4x8xi32>) -> tensor<4x8xi32>
  return %y : tensor<4x8xi32>
}
"""


def has_cuda_driver():
    try:
        ctypes.CDLL("libcuda.so.1")
        return True
    except OSError:
        return False


def has_ptxas():
    return bool(shutil.which("ptxas") or Path("/usr/local/cuda/bin/ptxas")
                .exists())


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("gpu") / "matmul.mlir"
    path.write_text(MODEL)
    return path


def inputs():
    rng = np.random.default_rng(3)
    return (rng.integers(-128, 128, (4, 16), dtype=np.int8),
            rng.integers(-128, 128, (16, 8), dtype=np.int8))


def test_cpu_model_rejects_device_buffers(model_file, tmp_path):
    model = qc.load(qc.compile(model_file, tmp_path / "cpu.so",
                               parallel=False))
    x, w = inputs()
    (y,) = model(x, w)
    assert np.array_equal(y, x.astype(np.int32) @ w.astype(np.int32))
    with pytest.raises(RuntimeError, match="compiled for the CPU; device "
                       "buffers need --target=cuda:<chip>"):
        model.run_device([0x1000, 0x2000], [0x3000])


def test_ptx_of_gpu_model(model_file, tmp_path):
    ptx = Path(qc.compile(model_file, tmp_path / "model.ptx",
                          target="cuda:sm_89")).read_text()
    assert ".target sm_89" in ptx
    assert ".visible .entry" in ptx


@pytest.mark.skipif(not has_ptxas(), reason="CUDA's ptxas is not installed")
@pytest.mark.skipif(has_cuda_driver(),
                    reason="a CUDA driver is present: test/gpu runs models")
def test_gpu_model_without_driver(model_file, tmp_path):
    model = qc.load(qc.compile(model_file, tmp_path / "gpu.so",
                               target="cuda:sm_90a"))
    assert [s.shape for s in model.inputs] == [(4, 16), (16, 8)]
    x, w = inputs()
    message = "this model runs on an NVIDIA GPU, but the CUDA driver " \
              r"\(libcuda.so.1\) cannot be loaded"
    with pytest.raises(RuntimeError, match=message):
        model(x, w)
    # Any addresses: without a driver nothing reads them.
    with pytest.raises(RuntimeError, match=message):
        model.run_device([0x1000, 0x2000], [0x3000])


@pytest.mark.skipif(not has_ptxas(), reason="CUDA's ptxas is not installed")
def test_gpu_model_calibrates_on_the_cpu(tmp_path):
    """--calib runs the float model here, on the CPU, whatever the target:
    the GPU build calibrates without a GPU and quantizes as the CPU build
    does (the same statistics)."""
    onnx = pytest.importorskip("onnx")
    from test_calibration import sample_inputs, tiny_model, write_samples

    path = tmp_path / "tiny.onnx"
    onnx.save(tiny_model(), path)
    calib = write_samples(tmp_path / "calib", sample_inputs())
    statistics = {}
    for name, target in (("cpu", None), ("gpu", "cuda:sm_90a")):
        stats = tmp_path / f"{name}.json"
        qc.compile(path, tmp_path / f"{name}.so", recipe="w8a8", calib=calib,
                   calib_stats=stats, parallel=False, target=target)
        statistics[name] = stats.read_text()
    assert statistics["gpu"] == statistics["cpu"]


# What a GPU library holds besides its kernels' data: host code, the
# runtime and the kernels' code (about 74 KiB for the model below).
LIBRARY_OVERHEAD_BYTES = 96 * 1024


@pytest.mark.skipif(not has_ptxas(), reason="CUDA's ptxas is not installed")
def test_arch_specific_chip_stores_weights_once(tmp_path):
    """sm_90a code runs on sm_90a only, so its library holds the chip's
    code alone: the packed weights once. sm_89's fatbin also carries PTX,
    which holds them again, for the driver to compile for newer GPUs."""
    rng = np.random.default_rng(5)
    packed = rng.integers(0, 256, (512, 256), dtype=np.uint8)
    source = tmp_path / "packed.mlir"
    source.write_text(f"""
func.func @main(%a: tensor<1x512xi8>) -> tensor<1x512xi32> {{
  %w = arith.constant dense<"0x{packed.tobytes().hex().upper()}"> : tensor<512x256xi8>
  %c = qc.packed_matmul %a, %w bits(4) : tensor<1x512xi8>, tensor<512x256xi8> -> tensor<1x512xi32>
  return %c : tensor<1x512xi32>
}}""")
    sizes = {chip: Path(qc.compile(source, tmp_path / f"{chip}.so",
                                   target=f"cuda:{chip}")).stat().st_size
             for chip in ("sm_90a", "sm_89")}
    assert sizes["sm_90a"] < packed.nbytes + LIBRARY_OVERHEAD_BYTES
    assert sizes["sm_89"] > sizes["sm_90a"] + packed.nbytes // 2

"""qc.datasets: Fashion-MNIST from Debian's dataset-fashion-mnist (skipped when
the package is not installed)."""

import gzip
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from qc import datasets  # noqa: E402

needs_fashion_mnist = pytest.mark.skipif(
    not (datasets.FASHION_MNIST_ROOT / "t10k-images-idx3-ubyte.gz").is_file(),
    reason="dataset-fashion-mnist is not installed")


@needs_fashion_mnist
def test_test_split():
    images, labels = datasets.fashion_mnist("test")
    assert images.shape == (10000, 1, 28, 28) and images.dtype == np.float32
    assert labels.shape == (10000,) and labels.dtype == np.int64
    assert labels.min() == 0 and labels.max() == 9
    # The test split is balanced: 1,000 images of each class.
    assert np.bincount(labels, minlength=10).tolist() == [1000] * 10
    # Normalized pixels: 0 and 255 map to the ends of the range.
    low = -datasets.FASHION_MNIST_MEAN / datasets.FASHION_MNIST_STD
    high = (1 - datasets.FASHION_MNIST_MEAN) / datasets.FASHION_MNIST_STD
    assert images.min() == pytest.approx(low, abs=1e-6)
    assert images.max() == pytest.approx(high, abs=1e-6)


@needs_fashion_mnist
def test_train_split_is_normalized():
    images, labels = datasets.fashion_mnist("train")
    assert images.shape == (60000, 1, 28, 28) and labels.shape == (60000,)
    assert np.bincount(labels, minlength=10).tolist() == [6000] * 10
    # MEAN and STD are the training pixels' statistics.
    assert abs(float(images.mean())) < 1e-3
    assert float(images.std()) == pytest.approx(1.0, abs=1e-3)


def test_reads_plain_and_gzip_idx(tmp_path):
    pixels = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    header = bytes([0, 0, 8, 3]) + np.array([2, 28, 28], ">u4").tobytes()
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(header + pixels.tobytes())
    with gzip.open(tmp_path / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + np.array([2], ">u4").tobytes()
                + bytes([3, 9]))
    images, labels = datasets.fashion_mnist("test", root=tmp_path)
    assert labels.tolist() == [3, 9]
    expected = (pixels[:, None] / 255 - datasets.FASHION_MNIST_MEAN) / (
        datasets.FASHION_MNIST_STD)
    np.testing.assert_allclose(images, expected, rtol=1e-6, atol=1e-6)


def test_missing_files_name_the_package(tmp_path):
    with pytest.raises(FileNotFoundError, match="dataset-fashion-mnist"):
        datasets.fashion_mnist("test", root=tmp_path)


def test_rejects_unknown_split():
    with pytest.raises(ValueError, match="split"):
        datasets.fashion_mnist("validation")

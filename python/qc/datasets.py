"""Small image data sets for accuracy measurements, read with numpy only.

``fashion_mnist`` reads Fashion-MNIST (Zalando, MIT licence) from the IDX
files Debian's ``dataset-fashion-mnist`` package installs in
/usr/share/datasets/fashion-mnist, and returns the images normalized as the
fixture models/fashion-mnist/fashion_mnist_cnn.onnx expects. numpy only, so
that benchmarks and tests can use it without torch.
"""

import gzip
from pathlib import Path

import numpy as np

FASHION_MNIST_ROOT = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_PACKAGE = "dataset-fashion-mnist"
# Mean and standard deviation of the training images' pixels scaled to [0, 1]
# (0.2860 and 0.3530 to 4 places); models/fashion-mnist/train.py trains with
# this normalization, so the ONNX fixture expects it: (pixel / 255 - MEAN) / STD.
FASHION_MNIST_MEAN = 0.2860
FASHION_MNIST_STD = 0.3530
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
# IDX element type codes (the third byte of the magic number).
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4",
               0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """The array in an IDX file (plain or gzip-compressed)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path}: not an IDX file")
    dtype = _IDX_DTYPES.get(data[2])
    if dtype is None:
        raise ValueError(f"{path}: unknown IDX element type 0x{data[2]:02x}")
    rank = data[3]
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", rank, 4))
    array = np.frombuffer(data, dtype, offset=4 + 4 * rank)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{path}: {array.size} elements, shape {shape}")
    return array.reshape(shape)


def _find(root, name):
    for candidate in (root / (name + ".gz"), root / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"Fashion-MNIST file {name}(.gz) not found in {root}: install Debian's "
        f"{FASHION_MNIST_PACKAGE} package (sudo apt-get install "
        f"{FASHION_MNIST_PACKAGE}) or pass root= a directory holding the "
        f"IDX files")


def fashion_mnist(split="train", root=None):
    """Fashion-MNIST's ``split`` ("train": 60,000 images, "test": 10,000).

    Returns ``(images, labels)``: images float32 of shape N x 1 x 28 x 28,
    ``(pixel / 255 - FASHION_MNIST_MEAN) / FASHION_MNIST_STD``, and labels
    int64 of shape N, class indices 0-9 (names in FASHION_MNIST_CLASSES).
    ``root`` is a directory with the IDX files, gzip-compressed or not
    (default: where dataset-fashion-mnist installs them); raises
    FileNotFoundError naming the package when they are missing.
    """
    if split not in _FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    root = Path(root) if root is not None else FASHION_MNIST_ROOT
    image_name, label_name = _FILES[split]
    pixels = read_idx(_find(root, image_name))
    labels = read_idx(_find(root, label_name))
    if pixels.ndim != 3 or pixels.shape[1:] != (28, 28) or (
            labels.shape != pixels.shape[:1]):
        raise ValueError(f"{root}: images {pixels.shape}, labels "
                         f"{labels.shape}")
    images = pixels.astype(np.float32)[:, None] / np.float32(255)
    images = (images - np.float32(FASHION_MNIST_MEAN)) / np.float32(
        FASHION_MNIST_STD)
    return images.astype(np.float32), labels.astype(np.int64)

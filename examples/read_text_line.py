#!/usr/bin/python3
"""QC's main job on a bundled default: compile PaddleOCR's PP-OCRv4 text
recognizer (ONNX) into a native library with quant-compile, render a line of
text, read it with the compiled model and report the latency.

/usr/bin/python3 examples/read_text_line.py ["text to render"] [--runs 20]
Needs a build (scripts/build.sh) and scripts/fetch-models.sh.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
import qc  # noqa: E402
from qc import ocr  # noqa: E402

SHAPE = (1, 3, 48, 320)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("text", nargs="?", default="Call me Ishmael.")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    external = Path(subprocess.run([ROOT / "scripts/fetch-models.sh"],
                                   check=True, capture_output=True,
                                   text=True).stdout.strip())
    assets = external / "ocr-models/assets"
    library = ROOT / "build/examples/ch_PP-OCRv4_rec.so"
    library.parent.mkdir(parents=True, exist_ok=True)

    print(f"== quant-compile {assets / 'ch_PP-OCRv4_rec_infer.onnx'} "
          f"--input-shape=x={'x'.join(map(str, SHAPE))} -o {library}")
    start = time.monotonic()
    qc.compile(assets / "ch_PP-OCRv4_rec_infer.onnx", library,
               input_shapes={"x": SHAPE})
    print(f"   compiled in {time.monotonic() - start:.1f} s")

    model = qc.load(library)
    print(f"== {model}")
    x = ocr.preprocess(ocr.render_line(args.text), SHAPE[3])
    (probabilities,) = model(x)
    text = ocr.ctc_decode(probabilities[0],
                          ocr.load_dictionary(assets / "ppocr_keys_v1.txt"))
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        model(x)
        times.append(1e3 * (time.perf_counter() - start))
    print(f"== rendered: {args.text!r}")
    print(f"   read:     {text!r}")
    print(f"   latency:  median {np.median(times):.2f} ms over {args.runs} runs "
          f"({model.num_threads} threads)")
    return 0 if text == args.text else 1


if __name__ == "__main__":
    sys.exit(main())

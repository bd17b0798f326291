#!/usr/bin/python3
"""Top-1 of the Fashion-MNIST CNN fixture on the 10,000 test images.

Runs models/fashion-mnist/fashion_mnist_cnn.onnx (input "image" 1x1x28x28,
normalized by qc.datasets.fashion_mnist) with onnxruntime-node
(`onnxruntime/ort_run.js`, one thread) and, with --qc, compiled by QC
(qc.compile, qc.load); prints a markdown table of top-1 and, with --qc, how
QC's predictions and logits differ from onnxruntime's.

/usr/bin/python3 bench/fashion_mnist_accuracy.py [--qc] [--images 10000]
                                                 [--model PATH]
Needs dataset-fashion-mnist and scripts/fetch-models.sh (onnxruntime-node);
--qc needs a build (scripts/build.sh).
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
from qc.datasets import fashion_mnist  # noqa: E402
from ocr_vs_onnxruntime import run_onnxruntime  # noqa: E402

MODEL = ROOT / "models/fashion-mnist/fashion_mnist_cnn.onnx"
SHAPE = (1, 1, 28, 28)


def onnxruntime_logits(external, model, images, tmp):
    """onnxruntime-node's logits, one row of 10 per image."""
    images.astype(np.float32).tofile(tmp / "images.bin")
    run_onnxruntime(external, model, tmp / "images.bin", SHAPE,
                    tmp / "logits.bin")
    return np.fromfile(tmp / "logits.bin", np.float32).reshape(len(images), -1)


def qc_logits(model, images, tmp):
    """Logits of the model compiled by QC, one row of 10 per image."""
    import qc

    compiled = qc.load(qc.compile(model, tmp / "fashion_mnist_cnn.so",
                                  input_shapes={"image": SHAPE}))
    return np.stack([compiled(image[None])[0][0] for image in images])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qc", action="store_true",
                        help="also run the model compiled by QC")
    parser.add_argument("--images", type=int, default=10000,
                        help="the first N test images (default all 10,000)")
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args()
    images, labels = fashion_mnist("test")
    images, labels = images[:args.images], labels[:args.images]
    external = Path(subprocess.run([ROOT / "scripts/fetch-models.sh"],
                                   check=True, capture_output=True,
                                   text=True).stdout.strip())
    with tempfile.TemporaryDirectory() as tmp:
        results = [("onnxruntime", onnxruntime_logits(external, args.model,
                                                      images, Path(tmp)))]
        if args.qc:
            results.append(("QC (float)", qc_logits(args.model, images,
                                                    Path(tmp))))

    print(f"{args.model.name}, {len(images)} Fashion-MNIST test images")
    print("| runtime | top-1 | correct |")
    print("|---|--:|--:|")
    for name, logits in results:
        correct = int((logits.argmax(1) == labels).sum())
        print(f"| {name} | {100 * correct / len(labels):.2f}% | "
              f"{correct}/{len(labels)} |")
    if args.qc:
        ort, qc_out = results[0][1], results[1][1]
        differing = int((ort.argmax(1) != qc_out.argmax(1)).sum())
        print(f"\nimages classified differently by QC and onnxruntime: "
              f"{differing}; largest logit difference "
              f"{np.abs(qc_out - ort).max():.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

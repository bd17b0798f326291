#!/usr/bin/python3
"""Top-1 of the Fashion-MNIST CNN fixture on the 10,000 test images.

Runs models/fashion-mnist/fashion_mnist_cnn.onnx (input "image" 1x1x28x28,
normalized by qc.datasets.fashion_mnist) with onnxruntime-node
(`onnxruntime/ort_run.js`, one thread) and, with --qc, compiled by QC
(qc.compile, qc.load); prints a markdown table of top-1 and, with --qc, how
QC's predictions and logits differ from onnxruntime's.

With --qc-int8, QC also compiles it with its w8a8 recipe (quant-compile
--recipe w8a8 --calib), calibrated on the first --calibration-images
training images (never test images), with --observer choosing the range.

/usr/bin/python3 bench/fashion_mnist_accuracy.py [--qc] [--images 10000]
                                                 [--model PATH]
                                                 [--qc-int8 [--observer minmax]
                                                  [--calibration-images 64]]
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


def qc_logits(model, images, tmp, **quantization):
    """Logits of the model compiled by QC (with `quantization`: qc.compile's
    recipe options), one row of 10 per image."""
    import qc

    library = tmp / ("fashion_mnist_cnn" + ("_int8" if quantization else "")
                     + ".so")
    compiled = qc.load(qc.compile(model, library,
                                  input_shapes={"image": SHAPE},
                                  **quantization))
    return np.stack([compiled(image[None])[0][0] for image in images])


def write_calibration_set(directory, count):
    """The first `count` training images as .npy files (the one-input
    layout quant-compile --calib reads)."""
    images, _ = fashion_mnist("train")
    directory.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        np.save(directory / f"sample_{index:05d}.npy", images[index:index + 1])
    return directory


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qc", action="store_true",
                        help="also run the model compiled by QC")
    parser.add_argument("--images", type=int, default=10000,
                        help="the first N test images (default all 10,000)")
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--qc-int8", action="store_true",
                        help="also run the model quantized by QC (w8a8)")
    parser.add_argument("--observer", default="minmax")
    parser.add_argument("--calibration-images", type=int, default=64)
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
        if args.qc_int8:
            calibration = write_calibration_set(Path(tmp) / "calibration",
                                                args.calibration_images)
            results.append((f"QC int8 (w8a8, {args.observer})",
                            qc_logits(args.model, images, Path(tmp),
                                      recipe="w8a8", calib=calibration,
                                      observer=args.observer)))

    print(f"{args.model.name}, {len(images)} Fashion-MNIST test images")
    print("| runtime | top-1 | correct |")
    print("|---|--:|--:|")
    for name, logits in results:
        correct = int((logits.argmax(1) == labels).sum())
        print(f"| {name} | {100 * correct / len(labels):.2f}% | "
              f"{correct}/{len(labels)} |")
    ort = results[0][1]
    for name, logits in results[1:]:
        differing = int((ort.argmax(1) != logits.argmax(1)).sum())
        print(f"\nimages classified differently by {name} and onnxruntime: "
              f"{differing}; largest logit difference "
              f"{np.abs(logits - ort).max():.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

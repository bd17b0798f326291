#!/usr/bin/env bash
# README command 1: installs what is missing, builds QC, fetches the
# PaddleOCR models and runs the main job: PP-OCRv4 rec compiled by
# quant-compile reads a rendered line of text (examples/read_text_line.py).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh"
bash "$root/scripts/fetch-models.sh" >/dev/null
/usr/bin/python3 "$root/examples/read_text_line.py"

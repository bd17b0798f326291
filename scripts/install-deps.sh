#!/usr/bin/env bash
# Installs every Debian package QC needs to build and test. Idempotent: when everything is
# already installed it changes nothing and does not touch the network.
set -euo pipefail

packages=(
  # Toolchain and build
  cmake ninja-build ccache g++ git
  # LLVM/MLIR 22 (shared libMLIR.so / libLLVM.so, mlir-tblgen, lit, FileCheck)
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22
  # Unit tests
  googletest libgtest-dev
  # ONNX import (C++ protobuf API, checker, shape inference) and test data
  libonnx-dev libprotobuf-dev libonnx-testdata python3-onnx
  # Mixed-precision bit-width search: HAWQ-V3's integer program (GLPK's MIP solver)
  libglpk-dev
  # Threads in compiled models (LLVM's OpenMP runtime)
  libomp-22-dev
  # Python package and its tests
  python3 python3-numpy python3-pytest
  # Rendering text lines for OCR examples and accuracy (PIL, DejaVu fonts)
  python3-pil fonts-dejavu-core
  # Fashion-MNIST test images for the CNN fixture's accuracy (python/qc/datasets.py);
  # retraining the fixture (models/fashion-mnist/train.py) also needs python3-torch,
  # which nothing else needs and is left out here
  dataset-fashion-mnist
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

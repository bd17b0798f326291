#!/usr/bin/env bash
# Configures (once) and builds QC in build/ with CMake + Ninja. Extra
# arguments are build targets (default: everything).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${QC_BUILD_DIR:-$root/build}"

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build" -- -j"$(nproc)" "$@"

#!/usr/bin/env bash
# QC's main job for now: the bundled int8 linear layer (examples/) compiled by
# a quant-opt pipeline and run on the CPU next to its float original.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${QC_BUILD_DIR:-$root/build}"
example="$root/examples/int8-linear.mlir"
llvm_lib=/usr/lib/llvm-22/lib

echo "== qc ops in $example"
grep -E 'qc\.(quantize|requant|dequantize)' -A1 "$example" | grep -v '^--'

echo
echo "== qc.requant after --qc-lower-quant-ops --canonicalize: integer-only i64 arithmetic"
lowered=$("$build/bin/quant-opt" "$example" --qc-lower-quant-ops --canonicalize)
awk '/tensor<3xi64>, tensor<3xi64>/ {show = 1} show {print} show && /linalg.yield/ {exit}' \
  <<<"$lowered"

echo
echo "== quant-opt --qc-lower-to-llvm | mlir-runner: float layer, then int8 layer"
"$build/bin/quant-opt" "$example" --qc-lower-to-llvm |
  /usr/lib/llvm-22/bin/mlir-runner -e main -entry-point-result=void \
    -shared-libs="$llvm_lib/libmlir_runner_utils.so,$llvm_lib/libmlir_c_runner_utils.so" |
  grep -v '^Unranked Memref'

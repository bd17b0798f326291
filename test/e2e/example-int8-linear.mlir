// The README's bundled example: the float layer and its int8 integer-only
// version, run on the CPU.
//
// RUN: quant-opt %S/../../examples/int8-linear.mlir --qc-lower-to-llvm | %{run_main} | FileCheck %s

// Float: x W + b = [[0.752, -0.252, 0.175], [0.9535, -0.857, 1.41]], ReLU.
// CHECK:      [0.752, 0, 0.175]
// CHECK-NEXT: [0.9535, 0, 1.41]
// Integer: x_q = [[10, -5, 20, 2], [40, 6, -12, 1]]; x_q W_q + b_q =
// [[1504, -504, 700], [1907, -857, 5640]]; times [0.005, 0.01, 0.0025]:
// [[7.52, -5.04, 1.75], [9.535, -8.57, 14.1]] -> round, clamp [0, 127]:
// [[8, 0, 2], [10, 0, 14]] -> times 0.1.
// CHECK:      [0.8, 0, 0.2]
// CHECK-NEXT: [1, 0, 1.4]

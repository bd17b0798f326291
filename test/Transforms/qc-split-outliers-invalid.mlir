// Errors of qc-split-outliers: activation splitting without statistics, and
// bad options.
//
// RUN: quant-opt %s --split-input-file --qc-split-outliers="ratio=0.5 target=activations" -verify-diagnostics
// RUN: not quant-opt %s --qc-split-outliers=target=inputs 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not quant-opt %s --qc-split-outliers=ratio=1.5 2>&1 | FileCheck %s --check-prefix=RATIO
// RUN: not quant-opt %s --qc-split-outliers=ratio=-0.1 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not quant-opt %s --qc-split-outliers=weight-bits=9 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not quant-opt %s --qc-split-outliers="grid-aware target=activations" 2>&1 | FileCheck %s --check-prefix=GRID

// TARGET: qc-split-outliers: unknown target 'inputs' (expected weights or activations)
// RATIO: qc-split-outliers: ratio must be in [0, 1], got 1.5
// NEGATIVE: qc-split-outliers: ratio must be in [0, 1], got -1.000000e-01
// BITS: qc-split-outliers: weight-bits must be in [2, 8], got 9
// GRID: qc-split-outliers: grid-aware splits weights; it needs target=weights

// Activation splitting reads the calibrated channel ranges; the consumer's
// input was never calibrated.
func.func @no_statistics(%x: tensor<1x3x2xf32>) -> tensor<1x3x1xf32> {
  %gamma = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[[[0.25], [4.0]]]> : tensor<1x2x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %y, %mean, %inv = qc.layer_norm %x, %gamma axis(2) epsilon(1.0e-05)
      : (tensor<1x3x2xf32>, tensor<2xf32>) -> (tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>)
  // expected-error@+1 {{'tosa.matmul' op input has no per-channel statistics along axis 2 (#qc.stats with channels); calibrate before qc-split-outliers}}
  %m = tosa.matmul %y, %b, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  return %m : tensor<1x3x1xf32>
}

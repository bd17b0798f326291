// Errors of qc-smooth: missing statistics, factors that do not fit their
// group, and bad options.
//
// RUN: quant-opt %s --split-input-file --qc-smooth -verify-diagnostics
// RUN: not quant-opt %s --qc-smooth=method=awq 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not quant-opt %s --qc-smooth=method=manual 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not quant-opt %s --qc-smooth=alpha=1.5 2>&1 | FileCheck %s --check-prefix=ALPHA
// RUN: not quant-opt %s --qc-smooth=weight-bits=9 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not quant-opt %s --qc-smooth=weight-bits=1 2>&1 | FileCheck %s --check-prefix=BITS1

// METHOD: qc-smooth: unknown method '{{awq|manual}}' (expected smoothquant or os_plus)
// ALPHA: qc-smooth: alpha must be in [0, 1], got 1.5
// BITS: qc-smooth: weight-bits must be in [2, 8], got 9
// BITS1: qc-smooth: weight-bits must be in [2, 8], got 1

// The consumer's input was never calibrated.
func.func @no_statistics(%x: tensor<1x3x2xf32>) -> tensor<1x3x1xf32> {
  %gamma = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[[[0.25], [4.0]]]> : tensor<1x2x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %y, %mean, %inv = qc.layer_norm %x, %gamma axis(2) epsilon(1.0e-05)
      : (tensor<1x3x2xf32>, tensor<2xf32>) -> (tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>)
  // expected-error@+1 {{'tosa.matmul' op input has no per-channel statistics along axis 2 (#qc.stats with channels); calibrate before qc-smooth}}
  %m = tosa.matmul %y, %b, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  return %m : tensor<1x3x1xf32>
}

// -----

// Per-tensor statistics only (calibrated without the channel tap).
func.func @per_tensor_statistics(%x: tensor<1x3x2xf32>) -> tensor<1x3x1xf32> {
  %gamma = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[[[0.25], [4.0]]]> : tensor<1x2x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %y, %mean, %inv = qc.layer_norm %x, %gamma axis(2) epsilon(1.0e-05)
      {qc.stats = [#qc.stats<min = -4.0, max = 4.0>, unit, unit]}
      : (tensor<1x3x2xf32>, tensor<2xf32>) -> (tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>)
  // expected-error@+1 {{input has no per-channel statistics along axis 2}}
  %m = tosa.matmul %y, %b, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  return %m : tensor<1x3x1xf32>
}

// -----

// Imposed factors for three channels on a two-channel activation.
func.func @imposed_scale_count(%x: tensor<1x3x2xf32>) -> tensor<1x3x1xf32> {
  %gamma = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[[[0.25], [4.0]]]> : tensor<1x2x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  // expected-error@+1 {{'qc.layer_norm' op has 3 smoothing scales for 2 channels}}
  %y, %mean, %inv = qc.layer_norm %x, %gamma axis(2) epsilon(1.0e-05)
      {qc.smoothing = #qc.smoothing<manual, scales = [1.0, 2.0, 3.0]>}
      : (tensor<1x3x2xf32>, tensor<2xf32>) -> (tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>)
  %m = tosa.matmul %y, %b, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  return %m : tensor<1x3x1xf32>
}

// -----

// Imposed shifts into a padded convolution, which pads X~ with zeros where
// the shifted input would be -z.
func.func @imposed_shift_padded(%x: tensor<1x2x2x1xf32>) -> tensor<1x4x2x1xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b1 = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[1.0, 1.0]]]]> : tensor<1x1x1x2xf32>
  %b2 = arith.constant dense<[0.0]> : tensor<1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  // expected-error@+1 {{'tosa.conv2d' op has smoothing shifts, but a consumer is a padded convolution}}
  %c = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.smoothing = #qc.smoothing<manual, scales = [1.0, 1.0], shifts = [0.5, 0.0]>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %d = tosa.conv2d %c, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x2x1xf32>
  return %d : tensor<1x4x2x1xf32>
}

// RUN: quant-opt %s --split-input-file --qc-quantize=bias-correction=true | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-quantize | FileCheck %s --check-prefix=OFF

// qc-quantize's bias-correction: b_o - sum (w_q - w)[o, taps, c] * E[x_c]
// with the input's calibrated channel means. Expected biases computed in
// numpy for this test: float32 scales max|w_c| / 127, q = rint(w / s), the
// shift in double, the bias rounded to float32.
//
// OHWI weights of qc-quantize.mlir's @conv_weights, means [2, -4]:
// channel 0 rounds 0.0390625 to 2/64 (-1/128 * -4 = 1/32 more: 0.46875),
// channel 1 rounds 0.109375 to 4/32 (+1/64 * -4: -0.9375), channel 2 is
// all zero, channel 3 rounds 0.25 to 32/127 (+0.0019685 * -4) and 1.0 to
// 127 * float32(1/127).
// CHECK-LABEL: func @conv_bias_correction
// CHECK:         %[[B:.+]] = arith.constant dense<[4.687500e-01, -9.375000e-01, 2.000000e+00, 0.00787401944]> : tensor<4xf32>
// CHECK:         tosa.conv2d %{{.+}}, %{{.+}}, %[[B]],
// OFF-LABEL:   func @conv_bias_correction
// OFF:           %[[B:.+]] = arith.constant dense<[5.000000e-01, -1.000000e+00, 2.000000e+00, 0.000000e+00]> : tensor<4xf32>
// OFF:           tosa.conv2d %{{.+}}, %{{.+}}, %[[B]],
func.func @conv_bias_correction(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -5.0, max = 3.0, channels(axis = 3) = [-1.0 : 3.0, -5.0 : 1.0], means = [2.0, -4.0]>}) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<[[[[1.984375, 0.0390625]]], [[[-3.96875, 0.109375]]], [[[0.0, 0.0]]], [[[1.0, 0.25]]]]> : tensor<4x1x1x2xf32>
  %b = arith.constant dense<[0.5, -1.0, 2.0, 0.0]> : tensor<4xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}

// -----

// Depthwise HWCM weights (2x1 taps): channel 0 rounds 0.3 to 38/127
// (-0.0007874 * mean 1), channel 1 rounds -0.25 to -64 * 0.5/127
// (-0.0019685 * mean 2); the one bias value of both channels becomes one
// per channel.
// CHECK-LABEL: func @depthwise_bias_correction
// CHECK:         %[[B:.+]] = arith.constant dense<[0.250787407, 2.539370e-01]> : tensor<2xf32>
// CHECK:         tosa.depthwise_conv2d %{{.+}}, %{{.+}}, %[[B]],
func.func @depthwise_bias_correction(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0, channels(axis = 3) = [-1.0 : 3.0, 0.0 : 3.0], means = [1.0, 2.0]>}) -> tensor<1x3x4x2xf32> {
  %w = arith.constant dense<[[[[1.0], [0.5]]], [[[0.3], [-0.25]]]]> : tensor<2x1x2x1xf32>
  %b = arith.constant dense<0.25> : tensor<1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<2x1x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x4x2xf32>
  return %c : tensor<1x3x4x2xf32>
}

// -----

// Without channel means (statistics files from before them) the bias stays.
// CHECK-LABEL: func @no_means
// CHECK:         %[[B:.+]] = arith.constant dense<[5.000000e-01, -1.000000e+00, 2.000000e+00, 0.000000e+00]> : tensor<4xf32>
// CHECK:         tosa.conv2d %{{.+}}, %{{.+}}, %[[B]],
func.func @no_means(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -5.0, max = 3.0, channels(axis = 3) = [-1.0 : 3.0, -5.0 : 1.0]>}) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<[[[[1.984375, 0.0390625]]], [[[-3.96875, 0.109375]]], [[[0.0, 0.0]]], [[[1.0, 0.25]]]]> : tensor<4x1x1x2xf32>
  %b = arith.constant dense<[0.5, -1.0, 2.0, 0.0]> : tensor<4xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}

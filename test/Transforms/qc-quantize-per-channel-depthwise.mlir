// RUN: quant-opt %s --split-input-file --qc-quantize=per-channel-depthwise-inputs=true | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-quantize | FileCheck %s --check-prefix=OFF
// RUN: quant-opt %s --split-input-file --qc-quantize="per-channel-depthwise-inputs=true activation-type=u8" | FileCheck %s --check-prefix=U8
// RUN: quant-opt %s --split-input-file --qc-quantize=per-channel-depthwise-inputs=true --qc-lower-to-integer --canonicalize | FileCheck %s --check-prefix=INT

// qc-quantize's per-channel-depthwise-inputs: values only depthwise
// convolutions read get one scale per channel and one zero point. Expected
// parameters were computed by a brute-force search written for this test
// (Python): for every z in [-128, 127], s_c = max(hi_c / (127 - z),
// -lo_c / (z + 128)) over the channel ranges widened to contain 0, keeping
// the z with the least sum of s_c^2; scales rounded to float32.
//
// Channels [-1, 3], [-0.5, 0.5], [0, 6]: z = -65, scales 3/192, 0.5/63 and
// 6/192 (0.01587301678955555, 0.007936508394777775, 0.03125).

// CHECK-LABEL: func @sum_into_depthwise
// CHECK:         %[[S:.+]] = tosa.add
// CHECK-NEXT:    %[[Q:.+]] = qc.quantize %[[S]] : tensor<1x4x4x3xf32> -> tensor<1x4x4x3x!quant.uniform<i8:f32:3, {0.01587301678955555:-65,0.0079365083947777748:-65,3.125000e-02:-65}>>
// CHECK-NEXT:    %[[D:.+]] = qc.dequantize %[[Q]]
// CHECK:         tosa.depthwise_conv2d %[[D]]
// OFF-LABEL:   func @sum_into_depthwise
// OFF:           qc.quantize %{{.+}} : tensor<1x4x4x3xf32> -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.027450980618596077:-92>>
// U8-LABEL:    func @sum_into_depthwise
// U8:            qc.quantize %{{.+}} : tensor<1x4x4x3xf32> -> tensor<1x4x4x3x!quant.uniform<u8:f32, 0.027450980618596077:36>>

// The sum's two requantizations into i32 take one multiplier per channel;
// the depthwise convolution's accumulator has scales s_in[c] * s_w[c]
// (0.25 / 127 each), e.g. 3/192 * 0.25/127 / (10/255) = 1752127673 * 2^-41
// for channel 0, and its bias holds 65 * sum(w) per channel for the zero
// point (0.5 / (s_in s_w) + 65 * 9 * 127 = 90297).
// INT-LABEL:   func @sum_into_depthwise
// INT:           %[[BIAS:.+]] = arith.constant dense<[90297, 138303, 98679]> : tensor<3xi32>
// INT:           qc.requant %{{.+}} by(#qc.dyadic<per_axis = 3, [{{.+}}]>) {{.*}}: tensor<1x4x4x3xi8> -> tensor<1x4x4x3xi32>
// INT:           qc.requant %{{.+}} by(#qc.dyadic<per_axis = 3, [{{.+}}]>) {{.*}}: tensor<1x4x4x3xi8> -> tensor<1x4x4x3xi32>
// INT:           %[[SUM:.+]] = qc.requant %{{.+}} by(#qc.dyadic<1073741824 * 2**-30>) output_zp(-65) : tensor<1x4x4x3xi32> -> tensor<1x4x4x3xi8>
// INT:           tosa.depthwise_conv2d %{{.+}}, %{{.+}}, %[[BIAS]], {{.*}} : (tensor<1x6x6x3xi8>, tensor<3x3x3x1xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi32>
// INT-NEXT:      qc.requant %{{.+}} by(#qc.dyadic<per_axis = 3, [1752127673 * 2**-41, 1752127673 * 2**-42, 1724750579 * 2**-40]>) : tensor<1x4x4x3xi32> -> tensor<1x4x4x3xi8>
func.func @sum_into_depthwise(%a: tensor<1x4x4x3xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>},
                              %b: tensor<1x4x4x3xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x4x4x3xf32> {
  %s = tosa.add %a, %b {qc.stats = #qc.stats<min = -1.0, max = 6.0, channels(axis = 3) = [-1.0 : 3.0, -0.5 : 0.5, 0.0 : 6.0]>} : (tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %w = arith.constant dense<0.25> : tensor<3x3x3x1xf32>
  %bias = arith.constant dense<[0.5, 1.0, 1.5]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %s, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x3xf32>, tensor<3x3x3x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %c : tensor<1x4x4x3xf32>
}

// -----

// An NCHW value read through the transpose into NHWC: its axis 1 is the
// convolution's channel axis, and the channel ranges are the transpose's
// (calibration observes the convolution's input). Channels [-2, 2] and
// [0.25, 1]: z = -1, scales 2/127 and 1/128.
// CHECK-LABEL: func @through_transpose
// CHECK:         qc.quantize %{{.+}} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.015748031437397003:-1,7.812500e-03:-1}>>
// CHECK:         tosa.transpose
// CHECK:         tosa.depthwise_conv2d
// INT-LABEL:   func @through_transpose
// INT:           tosa.transpose {{.*}}(tensor<1x2x4x4xi8>) -> tensor<1x4x4x2xi8>
// INT:           tosa.depthwise_conv2d {{.*}} -> tensor<1x4x4x2xi32>
func.func @through_transpose(%a: tensor<1x2x4x4xf32> {qc.stats = #qc.stats<min = -1.0, max = 1.0>},
                             %b: tensor<1x2x4x4xf32> {qc.stats = #qc.stats<min = -1.0, max = 1.0>}) -> tensor<1x4x4x2xf32> {
  %s = tosa.add %a, %b {qc.stats = #qc.stats<min = -2.0, max = 2.0>} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %t = tosa.transpose %s {perms = array<i32: 0, 2, 3, 1>, qc.stats = #qc.stats<min = -2.0, max = 2.0, channels(axis = 3) = [-2.0 : 2.0, 0.25 : 1.0]>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %w = arith.constant dense<0.5> : tensor<1x1x2x1xf32>
  %bias = arith.constant dense<0.0> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %t, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -1.0, max = 1.0>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %c : tensor<1x4x4x2xf32>
}

// -----

// Read by another op too (the return): one scale.
// CHECK-LABEL: func @also_returned
// CHECK:         qc.quantize %{{.+}} : tensor<1x4x4x2xf32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, {{[^,]+}}>>
func.func @also_returned(%a: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 1.0>},
                         %b: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 1.0>}) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) {
  %s = tosa.add %a, %b {qc.stats = #qc.stats<min = -2.0, max = 2.0, channels(axis = 3) = [-2.0 : 2.0, 0.25 : 1.0]>} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %w = arith.constant dense<0.5> : tensor<1x1x2x1xf32>
  %bias = arith.constant dense<0.0> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %s, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -1.0, max = 1.0>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %c, %s : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>
}

// -----

// A sigmoid's output is a table, which writes one scale.
// CHECK-LABEL: func @table_into_depthwise
// CHECK:         %[[G:.+]] = tosa.sigmoid
// CHECK-NEXT:    qc.quantize %[[G]] : tensor<1x4x4x2xf32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, {{[^,]+}}>>
func.func @table_into_depthwise(%a: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 1.0>}) -> tensor<1x4x4x2xf32> {
  %g = tosa.sigmoid %a {qc.stats = #qc.stats<min = 0.25, max = 0.75, channels(axis = 3) = [0.25 : 0.75, 0.5 : 0.5]>} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %w = arith.constant dense<0.5> : tensor<1x1x2x1xf32>
  %bias = arith.constant dense<0.0> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %g, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -1.0, max = 1.0>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %c : tensor<1x4x4x2xf32>
}

// -----

// A scheme the user gave, and a value without channel statistics, keep one
// scale.
// CHECK-LABEL: func @scheme_and_no_channels
// CHECK:         qc.quantize %{{.+}} : tensor<1x4x4x2xf32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015748031437397003>>
// CHECK:         qc.quantize %{{.+}} : tensor<1x4x4x2xf32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, {{[^,]+}}>>
func.func @scheme_and_no_channels(%a: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 1.0>},
                                  %b: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 1.0>}) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) {
  %s = tosa.add %a, %b {qc.scheme = #qc.scheme<i8, symmetric>, qc.stats = #qc.stats<min = -2.0, max = 2.0, channels(axis = 3) = [-2.0 : 2.0, 0.25 : 1.0]>} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %u = tosa.add %a, %b {qc.stats = #qc.stats<min = -2.0, max = 2.0>} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %w = arith.constant dense<0.5> : tensor<1x1x2x1xf32>
  %bias = arith.constant dense<0.0> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %s, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -1.0, max = 1.0>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %d = tosa.depthwise_conv2d %u, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -1.0, max = 1.0>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %c, %d : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>
}

// qc-quantize's weight-group-size and qc-lower-to-integer's packed weights:
// weights narrower than 8 bits or with one scale per group of input channels
// become qc.packed_matmul. Expected numbers are derived by hand next to each
// function: s = max|w| / qmax in float32 over a channel (or group),
// q = round_half_even(w / s); 3 bits pack as blocks of 8 values, a 16-bit
// word of the low two bits (value j at bits 2j) and a byte of the high bits.
//
// RUN: quant-opt %s --split-input-file --qc-quantize="weight-bits=4 weight-group-size=8" | FileCheck %s --check-prefix=G8
// RUN: quant-opt %s --split-input-file --qc-quantize="weight-bits=4 weight-group-size=8" --qc-lower-to-integer --canonicalize | FileCheck %s --check-prefix=G8-INT
// RUN: quant-opt %s --split-input-file --qc-quantize=weight-bits=3 --qc-lower-to-integer --canonicalize | FileCheck %s --check-prefix=W3
// RUN: quant-opt %s --split-input-file --qc-quantize --qc-lower-to-integer --canonicalize | FileCheck %s --check-prefix=W8
// RUN: not quant-opt %s --split-input-file --qc-quantize=weight-group-size=12 2>&1 | FileCheck %s --check-prefix=BAD-GROUP

// BAD-GROUP: error: qc-quantize: weight-group-size must be 0 or a positive multiple of 8 (the weight packing block), got 12

// K = 16 in two groups of 8. Column 0: group 0 max 1 -> s = 1/7, group 1
// max 0.5 -> s = 0.5/7; column 1: 0.5/7 and 0.125/7. The sub-channel
// scales are [1, groups, columns]. Multipliers s_g / max_g s_g in Q30:
// column 0: 1, 0.5; column 1: 1, 0.25. Column 0's 4-bit values
// [7, 3, -7, 2, 0, 0, 0, 0 | 7, 3, 0, 0, 0, 0, 0, -7] pack two per byte, the
// first in the low nibble: 0x37 = 55, 0x29 = 41, ..., 0x90 = -112. The
// accumulator's scale is s_in * max_g s_g: 1/127.5 * 1/7 / (2/127.5) =
// 1/14 = 1227133568 * 2^-34 for column 0, half that for column 1.
// G8-LABEL: func @matmul_groups
// G8: quant.scast {{.*}} to tensor<1x16x2x!quant.uniform<i8<-7:7>:f32:{2:1, 1:8}, {{\{\{\{}}0.142857149, 0.0714285746}, {0.0714285746, 0.0178571437}}}>>
// G8-INT-LABEL: func @matmul_groups
// G8-INT: %[[W:.+]] = arith.constant dense<{{\[}}[55, 41, 0, 0, 55, 0, 0, -112], [57, 7, 0, 0, 7, 0, 0, 0]]> : tensor<2x8xi8>
// G8-INT: %[[X:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<1x2x16xi8> into tensor<2x16xi8>
// G8-INT: %[[P:.+]] = qc.packed_matmul %[[X]], %[[W]] bits(4) groups(8, [1073741824, 536870912, 1073741824, 268435456], shift 30) : tensor<2x16xi8>, tensor<2x8xi8> -> tensor<2x2xi32>
// G8-INT: %[[E:.+]] = tensor.expand_shape %[[P]] {{\[}}[0, 1], [2]] output_shape [1, 2, 2]
// G8-INT: qc.requant %[[E]] by(#qc.dyadic<per_axis = 2, [1227133568 * 2**-34, 1227133568 * 2**-35]>)
// Without groups, 4 bits per channel: packed too.
// W3-LABEL: func @matmul_groups
// W3: qc.packed_matmul {{.*}} bits(3) : tensor<2x16xi8>, tensor<2x6xi8> -> tensor<2x2xi32>
// Eight bits per channel stay an int8 matmul.
// W8-LABEL: func @matmul_groups
// W8-NOT: qc.packed_matmul
// W8: tosa.matmul {{.*}} -> tensor<1x2x2xi32>
func.func @matmul_groups(%x: tensor<1x2x16xf32> {qc.stats = #qc.stats<min = -1.0, max = 1.0>}) -> tensor<1x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[1.0, -0.5], [0.5, 0.25], [-1.0, 0.5], [0.25, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.5, 0.125], [0.25, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [-0.5, 0.0]]]> : tensor<1x16x2xf32>} : () -> tensor<1x16x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qc.stats = #qc.stats<min = -2.0, max = 2.0>} : (tensor<1x2x16xf32>, tensor<1x16x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32>
  return %y : tensor<1x2x2xf32>
}

// -----

// A 1x1 convolution is a packed matmul over the pixels; the bias is added to
// the accumulator after it. 3 bits, row 0: s = 1/3,
// q = [3, -2, 1, 0, 2, -3, 2, 0] (-1.5 and 1.5 round to even): low bits
// 11 10 01 00 | 10 01 10 00 -> 27, 38; high bits of -2 and -3 -> 34. Bias
// 0.5 / (1/127.5 * 1/3) = 191.25 -> 191. With G = 8 = C_in, one group would
// be the whole channel: per channel, 4 bits: s = 1/7 and 0.5/7.
// G8-LABEL: func @conv_pointwise
// G8: to tensor<2x1x1x8x!quant.uniform<i8<-7:7>:f32:0, {0.14285714924{{[0-9]+}},0.07142857462{{[0-9]+}}}>>
// W3-LABEL: func @conv_pointwise
// W3-DAG: %[[B:.+]] = arith.constant dense<{{\[\[\[\[}}191, -191]]]]> : tensor<1x1x1x2xi32>
// W3-DAG: %[[W:.+]] = arith.constant dense<{{\[}}[27, 38, 34], [-97, -128, -124]]> : tensor<2x3xi8>
// W3: %[[X:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1, 2], [3]] : tensor<1x2x2x8xi8> into tensor<4x8xi8>
// W3: %[[P:.+]] = qc.packed_matmul %[[X]], %[[W]] bits(3) : tensor<4x8xi8>, tensor<2x3xi8> -> tensor<4x2xi32>
// W3: %[[E:.+]] = tensor.expand_shape %[[P]] {{\[}}[0, 1, 2], [3]] output_shape [1, 2, 2, 2]
// W3: tosa.add %[[E]], %[[B]]
func.func @conv_pointwise(%x: tensor<1x2x2x8xf32> {qc.stats = #qc.stats<min = -1.0, max = 1.0>}) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0, -0.5, 0.25, 0.0, 0.75, -1.0, 0.5, 0.125]]], [[[0.5, 0.5, -0.5, 0.25, 0.0, 0.0, 0.0, -0.25]]]]> : tensor<2x1x1x8xf32>} : () -> tensor<2x1x1x8xf32>
  %b = "tosa.const"() {values = dense<[0.5, -0.25]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -4.0, max = 4.0>} : (tensor<1x2x2x8xf32>, tensor<2x1x1x8xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A 3x3 convolution with padding 1 and stride 2 reads patches: the input
// padded with its zero point (-64), one strided slice per tap, concatenated
// along the channels (taps outer, as in OHWI): K = 72. All weights are
// 0.25 = 3 * s at 3 bits: 0b011 -> low word 0xFFFF, high byte 0.
// W3-LABEL: func @conv_3x3
// W3: %[[W:.+]] = arith.constant dense<{{\[}}[-1, -1, 0, -1, -1, 0,
// W3: %[[PAD:.+]] = tosa.pad {{.*}} -> tensor<1x7x7x8xi8>
// W3: %[[T0:.+]] = tensor.extract_slice %[[PAD]][0, 0, 0, 0] [1, 3, 3, 8] [1, 2, 2, 1]
// W3: tensor.extract_slice %[[PAD]][0, 1, 1, 0] [1, 3, 3, 8] [1, 2, 2, 1]
// W3: %[[T8:.+]] = tensor.extract_slice %[[PAD]][0, 2, 2, 0] [1, 3, 3, 8] [1, 2, 2, 1]
// W3: %[[C:.+]] = tensor.concat dim(3) %[[T0]], {{.*}}, %[[T8]] : {{.*}} -> tensor<1x3x3x72xi8>
// W3: %[[X:.+]] = tensor.collapse_shape %[[C]] {{\[}}[0, 1, 2], [3]] : tensor<1x3x3x72xi8> into tensor<9x72xi8>
// W3: qc.packed_matmul %[[X]], %[[W]] bits(3) input_zp(-64) : tensor<9x72xi8>, tensor<1x27xi8> -> tensor<9x1xi32>
func.func @conv_3x3(%x: tensor<1x5x5x8xf32> {qc.stats = #qc.stats<min = -0.5, max = 1.5>}) -> tensor<1x3x3x1xf32> {
  %w = "tosa.const"() {values = dense<0.25> : tensor<1x3x3x8xf32>} : () -> tensor<1x3x3x8xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>, qc.stats = #qc.stats<min = -4.0, max = 4.0>} : (tensor<1x5x5x8xf32>, tensor<1x3x3x8xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x1xf32>
  return %y : tensor<1x3x3x1xf32>
}

// -----

// K = 12 is not a whole number of packing blocks (8): the 3-bit values stay
// in an int8 matmul; G = 8 does not divide 12: per channel.
// G8-LABEL: func @matmul_k12
// G8: to tensor<1x12x1x!quant.uniform<i8<-7:7>:f32:2, {0.07142857462{{[0-9]+}}}>>
// W3-LABEL: func @matmul_k12
// W3-NOT: qc.packed_matmul
// W3: tosa.matmul {{.*}} : (tensor<1x2x12xi8>, tensor<1x12x1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x1xi32>
func.func @matmul_k12(%x: tensor<1x2x12xf32> {qc.stats = #qc.stats<min = -1.0, max = 1.0>}) -> tensor<1x2x1xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<1x12x1xf32>} : () -> tensor<1x12x1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qc.stats = #qc.stats<min = -2.0, max = 2.0>} : (tensor<1x2x12xf32>, tensor<1x12x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x1xf32>
  return %y : tensor<1x2x1xf32>
}

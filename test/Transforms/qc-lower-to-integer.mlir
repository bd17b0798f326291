// RUN: quant-opt %s --split-input-file --qc-lower-to-integer --mlir-print-elementsattrs-with-hex-if-larger=1024 | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-lower-to-integer --canonicalize | FileCheck %s --check-prefix=CANON
// RUN: quant-opt %s --split-input-file --qc-lower-to-integer=rounding=half_to_even | FileCheck %s --check-prefix=EVEN
// RUN: not quant-opt %s --split-input-file --qc-lower-to-integer=rounding=nearest 2>&1 | FileCheck %s --check-prefix=BAD-ROUNDING
// RUN: quant-opt %s --split-input-file --qc-lower-to-integer | FileCheck %s --check-prefix=REGRESSION

// Hand-written QDQ graphs: qc.dequantize of quant.scast of integer tensors,
// float TOSA/linalg ops, qc.quantize + quant.scast back to integers.
// Dyadic multipliers are TFLite's QuantizeMultiplier of s_in / s_out:
// (f, e) = frexp(m), q = round(f * 2^31), shift = 31 - e. Biases, table
// entries and clamp bounds were computed independently in numpy (float32
// arithmetic, ONNX rounding: half to even, saturating).
//
// The functions at the end of the file named @bug_* reproduce bugs these
// tests found; their REGRESSION expectations check the fixed behaviour.

// BAD-ROUNDING: error: qc-lower-to-integer: unknown rounding 'nearest' (expected gemmlowp, single_round, double_round, inexact_round or half_to_even)

//===----------------------------------------------------------------------===//
// uint8 -> int8
//===----------------------------------------------------------------------===//

// A uint8 value becomes int8 by flipping its top bit (xor -128); its zero
// point moves by -128 (130 -> 2), its scale stays.
// CHECK-LABEL: func @uint8_dequantize
// CHECK-SAME:    (%[[X:.+]]: tensor<4xi8>)
// CHECK:         %[[SIGN:.+]] = arith.constant dense<-128> : tensor<4xi8>
// CHECK:         %[[FLIP:.+]] = tosa.bitwise_xor %[[X]], %[[SIGN]] : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK-NEXT:    %[[Q:.+]] = quant.scast %[[FLIP]] : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 5.000000e-01:2>>
// CHECK-NEXT:    %[[D:.+]] = qc.dequantize %[[Q]] : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:2>> -> tensor<4xf32>
// CHECK-NEXT:    return %[[D]]
func.func @uint8_dequantize(%x: tensor<4xi8>) -> tensor<4xf32> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<u8:f32, 0.5:130>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.5:130>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Per axis: every zero point moves by -128 (130 -> 2, 0 -> -128).
// CHECK-LABEL: func @uint8_dequantize_per_axis
// CHECK:         tosa.bitwise_xor
// CHECK-NEXT:    quant.scast %{{.+}} : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:1, {5.000000e-01:2,2.500000e-01:-128}>>
func.func @uint8_dequantize_per_axis(%x: tensor<3x2xi8>) -> tensor<3x2xf32> {
  %q = quant.scast %x : tensor<3x2xi8> to tensor<3x2x!quant.uniform<u8:f32:1, {0.5:130, 0.25}>>
  %d = qc.dequantize %q : tensor<3x2x!quant.uniform<u8:f32:1, {0.5:130, 0.25}>> -> tensor<3x2xf32>
  return %d : tensor<3x2xf32>
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

// -----

// The transpose runs on the storage; the per-axis parameters follow the
// permutation (input axis 1 is result axis 2 for perms [2, 0, 1]).
// CHECK-LABEL: func @transpose_per_axis
// CHECK-SAME:    (%[[X:.+]]: tensor<2x3x4xi8>)
// CHECK:         %[[T:.+]] = tosa.transpose %[[X]] {perms = array<i32: 2, 0, 1>} : (tensor<2x3x4xi8>) -> tensor<4x2x3xi8>
// CHECK-NEXT:    %[[Q:.+]] = quant.scast %[[T]] : tensor<4x2x3xi8> to tensor<4x2x3x!quant.uniform<i8:f32:2, {5.000000e-01,2.500000e-01,1.250000e-01}>>
// CHECK-NEXT:    %[[D:.+]] = qc.dequantize %[[Q]]
// CHECK-NEXT:    return %[[D]]
func.func @transpose_per_axis(%x: tensor<2x3x4xi8>) -> tensor<4x2x3xf32> {
  %q = quant.scast %x : tensor<2x3x4xi8> to tensor<2x3x4x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
  %d = qc.dequantize %q : tensor<2x3x4x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> -> tensor<2x3x4xf32>
  %t = tosa.transpose %d {perms = array<i32: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %t : tensor<4x2x3xf32>
}

// -----

// A reshape that keeps the quantized axis whole keeps the parameters on it.
// CHECK-LABEL: func @reshape_keeps_axis
// CHECK-SAME:    (%[[X:.+]]: tensor<2x3x4xi8>)
// CHECK:         %[[R:.+]] = tosa.reshape %[[X]], %{{.+}} : (tensor<2x3x4xi8>, !tosa.shape<4>) -> tensor<2x3x2x2xi8>
// CHECK-NEXT:    quant.scast %[[R]] : tensor<2x3x2x2xi8> to tensor<2x3x2x2x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01,1.250000e-01}>>
func.func @reshape_keeps_axis(%x: tensor<2x3x4xi8>) -> tensor<2x3x2x2xf32> {
  %q = quant.scast %x : tensor<2x3x4xi8> to tensor<2x3x4x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
  %d = qc.dequantize %q : tensor<2x3x4x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> -> tensor<2x3x4xf32>
  %s = tosa.const_shape {values = dense<[2, 3, 2, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.reshape %d, %s : (tensor<2x3x4xf32>, !tosa.shape<4>) -> tensor<2x3x2x2xf32>
  return %r : tensor<2x3x2x2xf32>
}

// -----

// Merging the dimensions before the axis moves it (2 -> 1).
// CHECK-LABEL: func @reshape_moves_axis
// CHECK:         tosa.reshape %{{.+}} : (tensor<2x3x4xi8>, !tosa.shape<2>) -> tensor<6x4xi8>
// CHECK-NEXT:    quant.scast %{{.+}} : tensor<6x4xi8> to tensor<6x4x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01,1.250000e-01,6.250000e-02}>>
func.func @reshape_moves_axis(%x: tensor<2x3x4xi8>) -> tensor<6x4xf32> {
  %q = quant.scast %x : tensor<2x3x4xi8> to tensor<2x3x4x!quant.uniform<i8:f32:2, {0.5, 0.25, 0.125, 0.0625}>>
  %d = qc.dequantize %q : tensor<2x3x4x!quant.uniform<i8:f32:2, {0.5, 0.25, 0.125, 0.0625}>> -> tensor<2x3x4xf32>
  %s = tosa.const_shape {values = dense<[6, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %d, %s : (tensor<2x3x4xf32>, !tosa.shape<2>) -> tensor<6x4xf32>
  return %r : tensor<6x4xf32>
}

// -----

// A reshape that merges the quantized axis with another is not commuted.
// CHECK-LABEL: func @reshape_loses_axis
// CHECK:         %[[D:.+]] = qc.dequantize %{{.+}} : tensor<2x3x4x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01,1.250000e-01}>> -> tensor<2x3x4xf32>
// CHECK-NEXT:    %[[R:.+]] = tosa.reshape %[[D]], %{{.+}} : (tensor<2x3x4xf32>, !tosa.shape<2>) -> tensor<6x4xf32>
// CHECK-NEXT:    return %[[R]]
func.func @reshape_loses_axis(%x: tensor<2x3x4xi8>) -> tensor<6x4xf32> {
  %q = quant.scast %x : tensor<2x3x4xi8> to tensor<2x3x4x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
  %d = qc.dequantize %q : tensor<2x3x4x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> -> tensor<2x3x4xf32>
  %s = tosa.const_shape {values = dense<[6, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %d, %s : (tensor<2x3x4xf32>, !tosa.shape<2>) -> tensor<6x4xf32>
  return %r : tensor<6x4xf32>
}

// -----

// CHECK-LABEL: func @slice
// CHECK-SAME:    (%[[X:.+]]: tensor<4x4xi8>)
// CHECK:         %[[S:.+]] = tosa.slice %[[X]], %{{.+}}, %{{.+}} : (tensor<4x4xi8>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<2x3xi8>
// CHECK-NEXT:    quant.scast %[[S]] : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01:-3>>
func.func @slice(%x: tensor<4x4xi8>) -> tensor<2x3xf32> {
  %q = quant.scast %x : tensor<4x4xi8> to tensor<4x4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4x4xf32>
  %start = tosa.const_shape {values = dense<[1, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s = tosa.slice %d, %start, %size : (tensor<4x4xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

// -----

// Per-axis parameters do not follow a slice: it stays in float.
// CHECK-LABEL: func @slice_per_axis
// CHECK:         %[[D:.+]] = qc.dequantize
// CHECK-NEXT:    tosa.slice %[[D]], %{{.+}}, %{{.+}} : (tensor<4x3xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<2x3xf32>
func.func @slice_per_axis(%x: tensor<4x3xi8>) -> tensor<2x3xf32> {
  %q = quant.scast %x : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
  %d = qc.dequantize %q : tensor<4x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> -> tensor<4x3xf32>
  %start = tosa.const_shape {values = dense<[1, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s = tosa.slice %d, %start, %size : (tensor<4x3xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

// -----

// Operands of one quantized type: concatenated as integers.
// CHECK-LABEL: func @concat_same_type
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4xi8>, %[[Y:.+]]: tensor<2x4xi8>)
// CHECK:         %[[C:.+]] = tosa.concat %[[X]], %[[Y]] {axis = 0 : i32} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<3x4xi8>
// CHECK-NEXT:    quant.scast %[[C]] : tensor<3x4xi8> to tensor<3x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
func.func @concat_same_type(%x: tensor<1x4xi8>, %y: tensor<2x4xi8>) -> tensor<3x4xf32> {
  %qx = quant.scast %x : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4xf32>
  %qy = quant.scast %y : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>>
  %dy = qc.dequantize %qy : tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x4xf32>
  %c = tosa.concat %dx, %dy {axis = 0 : i32} : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %c : tensor<3x4xf32>
}

// -----

// Operands of different scales: the concat stays in float.
// CHECK-LABEL: func @concat_different_types
// CHECK:         %[[DX:.+]] = qc.dequantize %{{.+}} : tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK:         %[[DY:.+]] = qc.dequantize %{{.+}} : tensor<2x4x!quant.uniform<i8:f32, 2.500000e-01:-3>>
// CHECK-NEXT:    tosa.concat %[[DX]], %[[DY]] {axis = 0 : i32} : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
func.func @concat_different_types(%x: tensor<1x4xi8>, %y: tensor<2x4xi8>) -> tensor<3x4xf32> {
  %qx = quant.scast %x : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4xf32>
  %qy = quant.scast %y : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 0.25:-3>>
  %dy = qc.dequantize %qy : tensor<2x4x!quant.uniform<i8:f32, 0.25:-3>> -> tensor<2x4xf32>
  %c = tosa.concat %dx, %dy {axis = 0 : i32} : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %c : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func @max_pool2d
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4x4x2xi8>)
// CHECK:         %[[P:.+]] = tosa.max_pool2d %[[X]] {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8>
// CHECK-NEXT:    quant.scast %[[P]] : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!quant.uniform<i8:f32, 5.000000e-01:-3>>
func.func @max_pool2d(%x: tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xf32> {
  %q = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x4x2xf32>
  %p = tosa.max_pool2d %d {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32>
  return %p : tensor<1x2x2x2xf32>
}

// -----

// CHECK-LABEL: func @tile
// CHECK-SAME:    (%[[X:.+]]: tensor<2x3xi8>)
// CHECK:         %[[T:.+]] = tosa.tile %[[X]], %{{.+}} : (tensor<2x3xi8>, !tosa.shape<2>) -> tensor<4x3xi8>
// CHECK-NEXT:    quant.scast %[[T]] : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8:f32, 5.000000e-01:-3>>
func.func @tile(%x: tensor<2x3xi8>) -> tensor<4x3xf32> {
  %q = quant.scast %x : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x3xf32>
  %m = tosa.const_shape {values = dense<[2, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %t = tosa.tile %d, %m : (tensor<2x3xf32>, !tosa.shape<2>) -> tensor<4x3xf32>
  return %t : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func @reverse
// CHECK-SAME:    (%[[X:.+]]: tensor<4x3xi8>)
// CHECK:         %[[R:.+]] = tosa.reverse %[[X]] {axis = 0 : i32} : (tensor<4x3xi8>) -> tensor<4x3xi8>
// CHECK-NEXT:    quant.scast %[[R]] : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8:f32, 5.000000e-01:-3>>
func.func @reverse(%x: tensor<4x3xi8>) -> tensor<4x3xf32> {
  %q = quant.scast %x : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x3x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4x3xf32>
  %r = tosa.reverse %d {axis = 0 : i32} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

//===----------------------------------------------------------------------===//
// Convolutions and matmuls
//===----------------------------------------------------------------------===//

// -----

// Per-tensor weights: i8 x i8 -> i32 at scale 0.5 * 0.25 = 0.125, zero
// points on the op. The float bias is rounded to that scale half to even:
// [0.3125, -0.0625, 0.1875] / 0.125 = [2.5, -0.5, 1.5] -> [2, 0, 2].
// CHECK-LABEL: func @conv2d_per_tensor_weights
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4x4x2xi8>, %[[W:.+]]: tensor<3x1x1x2xi8>)
// CHECK-DAG:     %[[BIAS:.+]] = arith.constant dense<[2, 0, 2]> : tensor<3xi32>
// CHECK-DAG:     %[[XZP:.+]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
// CHECK-DAG:     %[[WZP:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
// CHECK:         %[[C:.+]] = tosa.conv2d %[[X]], %[[W]], %[[BIAS]], %[[XZP]], %[[WZP]] {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi32>
// CHECK-NEXT:    %[[Q:.+]] = quant.scast %[[C]] : tensor<1x4x4x3xi32> to tensor<1x4x4x3x!quant.uniform<i32:f32, 1.250000e-01>>
// CHECK-NEXT:    %[[D:.+]] = qc.dequantize %[[Q]] : tensor<1x4x4x3x!quant.uniform<i32:f32, 1.250000e-01>> -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    return %[[D]]
func.func @conv2d_per_tensor_weights(%x: tensor<1x4x4x2xi8>, %w: tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xf32> {
  %qx = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x4x2xf32>
  %qw = quant.scast %w : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8:f32, 0.25>>
  %dw = qc.dequantize %qw : tensor<3x1x1x2x!quant.uniform<i8:f32, 0.25>> -> tensor<3x1x1x2xf32>
  %b = arith.constant dense<[0.3125, -0.0625, 0.1875]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %c : tensor<1x4x4x3xf32>
}

// -----

// Constant weights: the input zero point -3 moves into the bias,
// b - z * sum(w) per output channel: bias [0.5 / 0.05, -0.4 / 0.1] =
// [10, -4], weight sums [3, -1] -> [10 + 3 * 3, -4 - 3] = [19, -7]; the
// padding (1 row on top, 1 column on the right) becomes an explicit pad
// with -3, and the convolution has no zero points left.
// CHECK-LABEL: func @conv2d_zero_point_into_bias
// CHECK-SAME:    (%[[X:.+]]: tensor<1x3x3x2xi8>)
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[\[\[\[}}1, 2]]], {{\[\[\[}}3, -4]]]]> : tensor<2x1x1x2xi8>
// CHECK-DAG:     %[[BIAS:.+]] = arith.constant dense<[19, -7]> : tensor<2xi32>
// CHECK-DAG:     %[[PADDING:.+]] = tosa.const_shape {values = dense<[0, 0, 1, 0, 0, 1, 0, 0]> : tensor<8xindex>}
// CHECK-DAG:     %[[PADVALUE:.+]] = arith.constant dense<-3> : tensor<1xi8>
// CHECK-DAG:     %[[ZERO:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK:         %[[PADDED:.+]] = tosa.pad %[[X]], %[[PADDING]], %[[PADVALUE]] : (tensor<1x3x3x2xi8>, !tosa.shape<8>, tensor<1xi8>) -> tensor<1x4x4x2xi8>
// CHECK:         tosa.conv2d %[[PADDED]], %[[W]], %[[BIAS]], %[[ZERO]], %[[ZERO]] {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<2x1x1x2xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x2xi32>
func.func @conv2d_zero_point_into_bias(%x: tensor<1x3x3x2xi8>) -> tensor<1x4x4x2xf32> {
  %qx = quant.scast %x : tensor<1x3x3x2xi8> to tensor<1x3x3x2x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x3x3x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x3x3x2xf32>
  %w = arith.constant dense<[[[[1, 2]]], [[[3, -4]]]]> : tensor<2x1x1x2xi8>
  %qw = quant.scast %w : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>>
  %dw = qc.dequantize %qw : tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 0.2}>> -> tensor<2x1x1x2xf32>
  %b = arith.constant dense<[0.5, -0.4]> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 0, 1>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %c : tensor<1x4x4x2xf32>
}

// -----

// A bias too large for its accumulator scale: channel 1's scale is
// 0.5 * 1e-9, so its bias 2.0 would be 4e9 units, past int32. The channel
// gets the scale 2.0 / 2^30 = 1.8626451e-9 (bias 2^30 units), its weights
// [100, -50] at 5e-10 become round([26.84, -13.42]) = [27, -13] at it;
// channel 0 (bias 0.5 / 0.05 = 10) keeps its weights and scale.
// CHECK-LABEL: func @conv2d_bias_widens_scale
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[\[\[\[}}3, -4]]], {{\[\[\[}}27, -13]]]]> : tensor<2x1x1x2xi8>
// CHECK-DAG:     %[[BIAS:.+]] = arith.constant dense<[10, 1073741824]> : tensor<2xi32>
// CHECK:         %[[C:.+]] = tosa.conv2d %{{.+}}, %[[W]], %[[BIAS]], {{.*}} -> tensor<1x2x2x2xi32>
// CHECK:         %[[Q:.+]] = quant.scast %[[C]] : tensor<1x2x2x2xi32> to tensor<1x2x2x2x!quant.uniform<i32:f32:3, {5.000000e-02,1.8626451{{[0-9]*}}E-9}>>
func.func @conv2d_bias_widens_scale(%x: tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xf32> {
  %qx = quant.scast %x : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5>>
  %dx = qc.dequantize %qx : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2x2x2xf32>
  %w = arith.constant dense<[[[[3, -4]]], [[[100, -50]]]]> : tensor<2x1x1x2xi8>
  %qw = quant.scast %w : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 1.0e-9}>>
  %dw = qc.dequantize %qw : tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.1, 1.0e-9}>> -> tensor<2x1x1x2xf32>
  %b = arith.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}

// -----

// Depthwise (HWCM, M = 2): one weight sum per output channel c * 2 + m.
// Weights [[1, 2], [3, 4]] at (0, 0) and [[5, 6], [7, 8]] at (0, 1): sums
// [6, 8, 10, 12]; bias 0 -> 2 * [6, 8, 10, 12] for zero point -2.
// CHECK-LABEL: func @depthwise_zero_point_into_bias
// CHECK-DAG:     %[[BIAS:.+]] = arith.constant dense<[12, 16, 20, 24]> : tensor<4xi32>
// CHECK:         tosa.depthwise_conv2d %{{.+}}, %{{.+}}, %[[BIAS]], {{.*}} -> tensor<1x2x1x4xi32>
func.func @depthwise_zero_point_into_bias(%x: tensor<1x2x2x2xi8>) -> tensor<1x2x1x4xf32> {
  %qx = quant.scast %x : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:-2>>
  %dx = qc.dequantize %qx : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:-2>> -> tensor<1x2x2x2xf32>
  %w = arith.constant dense<[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]> : tensor<1x2x2x2xi8>
  %qw = quant.scast %w : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!quant.uniform<i8<-127:127>:f32, 0.1>>
  %dw = qc.dequantize %qw : tensor<1x2x2x2x!quant.uniform<i8<-127:127>:f32, 0.1>> -> tensor<1x2x2x2xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x1x4xf32>
  return %c : tensor<1x2x1x4xf32>
}

// -----

// Per-channel weights (axis 0 of OHWI): the accumulator is per axis 3 with
// scales 0.5 * {0.25, 0.125, 0.0625}; the bias is rounded per channel:
// [1.0 / 0.125, -0.3 / 0.0625, 2.5 / 0.03125] = [8, -4.8, 80] -> [8, -5, 80].
// CHECK-LABEL: func @conv2d_per_channel_weights
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4x4x2xi8>, %[[W:.+]]: tensor<3x1x1x2xi8>)
// CHECK-DAG:     %[[BIAS:.+]] = arith.constant dense<[8, -5, 80]> : tensor<3xi32>
// CHECK-DAG:     %[[XZP:.+]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK-DAG:     %[[WZP:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK:         %[[C:.+]] = tosa.conv2d %[[X]], %[[W]], %[[BIAS]], %[[XZP]], %[[WZP]] {acc_type = i32, {{.*}}} : {{.*}} -> tensor<1x4x4x3xi32>
// CHECK-NEXT:    quant.scast %[[C]] : tensor<1x4x4x3xi32> to tensor<1x4x4x3x!quant.uniform<i32:f32:3, {1.250000e-01,6.250000e-02,3.125000e-02}>>
func.func @conv2d_per_channel_weights(%x: tensor<1x4x4x2xi8>, %w: tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xf32> {
  %qx = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x4x2xf32>
  %qw = quant.scast %w : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.0625}>>
  %dw = qc.dequantize %qw : tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.0625}>> -> tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, -0.3, 2.5]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %c : tensor<1x4x4x3xf32>
}

// -----

// An i32 bias dequantized with exactly the accumulator's scales is used as is.
// CHECK-LABEL: func @conv2d_int32_bias
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4x4x2xi8>, %[[W:.+]]: tensor<3x1x1x2xi8>, %[[B:.+]]: tensor<3xi32>)
// CHECK:         tosa.conv2d %[[X]], %[[W]], %[[B]], %{{.+}}, %{{.+}} {acc_type = i32, {{.*}}} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi32>
// CHECK-NOT:     qc.dequantize %{{.+}} : tensor<3x
func.func @conv2d_int32_bias(%x: tensor<1x4x4x2xi8>, %w: tensor<3x1x1x2xi8>, %b: tensor<3xi32>) -> tensor<1x4x4x3xf32> {
  %qx = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x4x2xf32>
  %qw = quant.scast %w : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.0625}>>
  %dw = qc.dequantize %qw : tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.0625}>> -> tensor<3x1x1x2xf32>
  %qb = quant.scast %b : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {0.125, 0.0625, 0.03125}>>
  %db = qc.dequantize %qb : tensor<3x!quant.uniform<i32:f32:0, {0.125, 0.0625, 0.03125}>> -> tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %dx, %dw, %db, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %c : tensor<1x4x4x3xf32>
}

// -----

// An i32 bias of another scale (0.125 for every channel, where channels 1
// and 2 accumulate at 0.0625 and 0.03125): the convolution stays in float.
// CHECK-LABEL: func @conv2d_int32_bias_of_other_scale
// CHECK:         tosa.conv2d %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} {acc_type = f32, {{.*}}} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
func.func @conv2d_int32_bias_of_other_scale(%x: tensor<1x4x4x2xi8>, %w: tensor<3x1x1x2xi8>, %b: tensor<3xi32>) -> tensor<1x4x4x3xf32> {
  %qx = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x4x2xf32>
  %qw = quant.scast %w : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.0625}>>
  %dw = qc.dequantize %qw : tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.0625}>> -> tensor<3x1x1x2xf32>
  %qb = quant.scast %b : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32, 0.125>>
  %db = qc.dequantize %qb : tensor<3x!quant.uniform<i32:f32, 0.125>> -> tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %dx, %dw, %db, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %c : tensor<1x4x4x3xf32>
}

// -----

// Per-tensor weights with a zero point: it goes to the op's weight_zp. A bias
// beyond the i32 range saturates (1e12 / 0.125 -> 2147483647).
// CHECK-LABEL: func @conv2d_weight_zero_point
// CHECK-DAG:     %[[BIAS:.+]] = arith.constant dense<2147483647> : tensor<3xi32>
// CHECK-DAG:     %[[XZP:.+]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK-DAG:     %[[WZP:.+]] = "tosa.const"() <{values = dense<7> : tensor<1xi8>}>
// CHECK:         tosa.conv2d %{{.+}}, %{{.+}}, %[[BIAS]], %[[XZP]], %[[WZP]] {acc_type = i32, {{.*}}} : {{.*}} -> tensor<1x4x4x3xi32>
// CHECK-NEXT:    quant.scast %{{.+}} : tensor<1x4x4x3xi32> to tensor<1x4x4x3x!quant.uniform<i32:f32, 1.250000e-01>>
func.func @conv2d_weight_zero_point(%x: tensor<1x4x4x2xi8>, %w: tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xf32> {
  %qx = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x4x2xf32>
  %qw = quant.scast %w : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8:f32, 0.25:7>>
  %dw = qc.dequantize %qw : tensor<3x1x1x2x!quant.uniform<i8:f32, 0.25:7>> -> tensor<3x1x1x2xf32>
  %b = arith.constant dense<1.0e12> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %c : tensor<1x4x4x3xf32>
}

// -----

// Per-channel weights must be symmetric: with a non-zero zero point on one
// channel the convolution stays in float.
// CHECK-LABEL: func @conv2d_per_channel_weight_zero_points
// CHECK:         tosa.conv2d {{.*}} -> tensor<1x4x4x3xf32>
// CHECK-NOT:     acc_type = i32
func.func @conv2d_per_channel_weight_zero_points(%x: tensor<1x4x4x2xi8>, %w: tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xf32> {
  %qx = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x4x2xf32>
  %qw = quant.scast %w : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25:1, 0.125, 0.0625}>>
  %dw = qc.dequantize %qw : tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25:1, 0.125, 0.0625}>> -> tensor<3x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %c : tensor<1x4x4x3xf32>
}

// -----

// Depthwise with per-channel weights on axis 2 of HWCM (M = 1); the bias
// [0.1, 0.2, 0.3] / {0.125, 0.0625, 0.03125} = [0.8, 3.2, 9.6] -> [1, 3, 10].
// CHECK-LABEL: func @depthwise_conv2d
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4x4x3xi8>, %[[W:.+]]: tensor<2x2x3x1xi8>)
// CHECK-DAG:     %[[BIAS:.+]] = arith.constant dense<[1, 3, 10]> : tensor<3xi32>
// CHECK-DAG:     %[[XZP:.+]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK-DAG:     %[[WZP:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK:         %[[C:.+]] = tosa.depthwise_conv2d %[[X]], %[[W]], %[[BIAS]], %[[XZP]], %[[WZP]] {acc_type = i32, {{.*}}} : (tensor<1x4x4x3xi8>, tensor<2x2x3x1xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x3xi32>
// CHECK-NEXT:    quant.scast %[[C]] : tensor<1x3x3x3xi32> to tensor<1x3x3x3x!quant.uniform<i32:f32:3, {1.250000e-01,6.250000e-02,3.125000e-02}>>
func.func @depthwise_conv2d(%x: tensor<1x4x4x3xi8>, %w: tensor<2x2x3x1xi8>) -> tensor<1x3x3x3xf32> {
  %qx = quant.scast %x : tensor<1x4x4x3xi8> to tensor<1x4x4x3x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x4x3x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x4x3xf32>
  %qw = quant.scast %w : tensor<2x2x3x1xi8> to tensor<2x2x3x1x!quant.uniform<i8:f32:2, {0.25, 0.125, 0.0625}>>
  %dw = qc.dequantize %qw : tensor<2x2x3x1x!quant.uniform<i8:f32:2, {0.25, 0.125, 0.0625}>> -> tensor<2x2x3x1xf32>
  %b = arith.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<2x2x3x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x3xf32>
  return %c : tensor<1x3x3x3xf32>
}

// -----

// Per-channel depthwise weights with a channel multiplier of 2 stay in float.
// CHECK-LABEL: func @depthwise_conv2d_multiplier
// CHECK:         tosa.depthwise_conv2d {{.*}} -> tensor<1x3x3x4xf32>
func.func @depthwise_conv2d_multiplier(%x: tensor<1x4x4x2xi8>, %w: tensor<2x2x2x2xi8>) -> tensor<1x3x3x4xf32> {
  %qx = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x4x2xf32>
  %qw = quant.scast %w : tensor<2x2x2x2xi8> to tensor<2x2x2x2x!quant.uniform<i8:f32:2, {0.25, 0.125}>>
  %dw = qc.dequantize %qw : tensor<2x2x2x2x!quant.uniform<i8:f32:2, {0.25, 0.125}>> -> tensor<2x2x2x2xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x2x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32>
  return %c : tensor<1x3x3x4xf32>
}

// -----

// CHECK-LABEL: func @matmul_per_tensor
// CHECK-SAME:    (%[[A:.+]]: tensor<1x2x4xi8>, %[[B:.+]]: tensor<1x4x3xi8>)
// CHECK-DAG:     %[[AZP:.+]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK-DAG:     %[[BZP:.+]] = "tosa.const"() <{values = dense<5> : tensor<1xi8>}>
// CHECK:         %[[M:.+]] = tosa.matmul %[[A]], %[[B]], %[[AZP]], %[[BZP]] : (tensor<1x2x4xi8>, tensor<1x4x3xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x3xi32>
// CHECK-NEXT:    quant.scast %[[M]] : tensor<1x2x3xi32> to tensor<1x2x3x!quant.uniform<i32:f32, 1.250000e-01>>
func.func @matmul_per_tensor(%a: tensor<1x2x4xi8>, %b: tensor<1x4x3xi8>) -> tensor<1x2x3xf32> {
  %qa = quant.scast %a : tensor<1x2x4xi8> to tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>>
  %da = qc.dequantize %qa : tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x2x4xf32>
  %qb = quant.scast %b : tensor<1x4x3xi8> to tensor<1x4x3x!quant.uniform<i8:f32, 0.25:5>>
  %db = qc.dequantize %qb : tensor<1x4x3x!quant.uniform<i8:f32, 0.25:5>> -> tensor<1x4x3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %m = tosa.matmul %da, %db, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %m : tensor<1x2x3xf32>
}

// -----

// A constant right operand: the left zero point -3 becomes the constant
// correction -z * colsum(b) = 3 * [1 + 3, 2 + 4] = [12, 18] added to a
// matmul without zero points.
// CHECK-LABEL: func @matmul_zero_point_into_correction
// CHECK-SAME:    (%[[A:.+]]: tensor<1x3x2xi8>)
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<{{\[\[\[}}1, 2], [3, 4]]]> : tensor<1x2x2xi8>
// CHECK-DAG:     %[[CORRECTION:.+]] = arith.constant dense<{{\[\[\[}}12, 18]]]> : tensor<1x1x2xi32>
// CHECK-DAG:     %[[ZERO:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK:         %[[P:.+]] = tosa.matmul %[[A]], %[[B]], %[[ZERO]], %[[ZERO]] : (tensor<1x3x2xi8>, tensor<1x2x2xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x2xi32>
// CHECK-NEXT:    %[[SUM:.+]] = tosa.add %[[P]], %[[CORRECTION]] : (tensor<1x3x2xi32>, tensor<1x1x2xi32>) -> tensor<1x3x2xi32>
// CHECK-NEXT:    quant.scast %[[SUM]]
func.func @matmul_zero_point_into_correction(%a: tensor<1x3x2xi8>) -> tensor<1x3x2xf32> {
  %qa = quant.scast %a : tensor<1x3x2xi8> to tensor<1x3x2x!quant.uniform<i8:f32, 0.5:-3>>
  %da = qc.dequantize %qa : tensor<1x3x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x3x2xf32>
  %b = arith.constant dense<[[[1, 2], [3, 4]]]> : tensor<1x2x2xi8>
  %qb = quant.scast %b : tensor<1x2x2xi8> to tensor<1x2x2x!quant.uniform<i8<-127:127>:f32, 0.25>>
  %db = qc.dequantize %qb : tensor<1x2x2x!quant.uniform<i8<-127:127>:f32, 0.25>> -> tensor<1x2x2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %p = tosa.matmul %da, %db, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  return %p : tensor<1x3x2xf32>
}

// -----

// Per-column right operand (axis 2): the accumulator is per axis 2.
// CHECK-LABEL: func @matmul_per_column
// CHECK:         %[[M:.+]] = tosa.matmul {{.*}} -> tensor<1x2x3xi32>
// CHECK-NEXT:    quant.scast %[[M]] : tensor<1x2x3xi32> to tensor<1x2x3x!quant.uniform<i32:f32:2, {1.250000e-01,6.250000e-02,3.125000e-02}>>
func.func @matmul_per_column(%a: tensor<1x2x4xi8>, %b: tensor<1x4x3xi8>) -> tensor<1x2x3xf32> {
  %qa = quant.scast %a : tensor<1x2x4xi8> to tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>>
  %da = qc.dequantize %qa : tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x2x4xf32>
  %qb = quant.scast %b : tensor<1x4x3xi8> to tensor<1x4x3x!quant.uniform<i8:f32:2, {0.25, 0.125, 0.0625}>>
  %db = qc.dequantize %qb : tensor<1x4x3x!quant.uniform<i8:f32:2, {0.25, 0.125, 0.0625}>> -> tensor<1x4x3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %m = tosa.matmul %da, %db, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %m : tensor<1x2x3xf32>
}

// -----

// A right operand quantized per row (axis 1, the reduction) stays in float.
// CHECK-LABEL: func @matmul_per_row
// CHECK:         tosa.matmul {{.*}} : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
func.func @matmul_per_row(%a: tensor<1x2x4xi8>, %b: tensor<1x4x3xi8>) -> tensor<1x2x3xf32> {
  %qa = quant.scast %a : tensor<1x2x4xi8> to tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>>
  %da = qc.dequantize %qa : tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x2x4xf32>
  %qb = quant.scast %b : tensor<1x4x3xi8> to tensor<1x4x3x!quant.uniform<i8:f32:1, {0.25, 0.125, 0.0625, 0.5}>>
  %db = qc.dequantize %qb : tensor<1x4x3x!quant.uniform<i8:f32:1, {0.25, 0.125, 0.0625, 0.5}>> -> tensor<1x4x3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %m = tosa.matmul %da, %db, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %m : tensor<1x2x3xf32>
}

//===----------------------------------------------------------------------===//
// Additions to accumulators
//===----------------------------------------------------------------------===//

// -----

// A float constant broadcast along the channels is quantized per channel:
// [1.0 / 0.125, 1.0 / 0.0625, 0.5 / 0.03125] = [8, 16, 16].
// CHECK-LABEL: func @add_accumulator_constant
// CHECK-SAME:    (%[[ACC:.+]]: tensor<1x2x2x3xi32>)
// CHECK:         %[[C:.+]] = arith.constant dense<{{\[\[\[\[}}8, 16, 16]]]]> : tensor<1x1x1x3xi32>
// CHECK:         %[[S:.+]] = tosa.add %[[ACC]], %[[C]] : (tensor<1x2x2x3xi32>, tensor<1x1x1x3xi32>) -> tensor<1x2x2x3xi32>
// CHECK-NEXT:    %[[Q:.+]] = quant.scast %[[S]] : tensor<1x2x2x3xi32> to tensor<1x2x2x3x!quant.uniform<i32:f32:3, {1.250000e-01,6.250000e-02,3.125000e-02}>>
// CHECK-NEXT:    qc.dequantize %[[Q]]
func.func @add_accumulator_constant(%acc: tensor<1x2x2x3xi32>) -> tensor<1x2x2x3xf32> {
  %q = quant.scast %acc : tensor<1x2x2x3xi32> to tensor<1x2x2x3x!quant.uniform<i32:f32:3, {0.125, 0.0625, 0.03125}>>
  %d = qc.dequantize %q : tensor<1x2x2x3x!quant.uniform<i32:f32:3, {0.125, 0.0625, 0.03125}>> -> tensor<1x2x2x3xf32>
  %c = arith.constant dense<[[[[1.0, 1.0, 0.5]]]]> : tensor<1x1x1x3xf32>
  %s = tosa.add %d, %c : (tensor<1x2x2x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x2x2x3xf32>
  return %s : tensor<1x2x2x3xf32>
}

// -----

// A single-element constant (on the left) is expanded along the quantized
// axis, one value per scale: 0.25 / {0.125, 0.0625, 0.03125} = [2, 4, 8].
// CHECK-LABEL: func @add_scalar_constant_per_axis
// CHECK-SAME:    (%[[ACC:.+]]: tensor<1x2x2x3xi32>)
// CHECK:         %[[C:.+]] = arith.constant dense<{{\[\[\[\[}}2, 4, 8]]]]> : tensor<1x1x1x3xi32>
// CHECK:         tosa.add %[[ACC]], %[[C]] : (tensor<1x2x2x3xi32>, tensor<1x1x1x3xi32>) -> tensor<1x2x2x3xi32>
func.func @add_scalar_constant_per_axis(%acc: tensor<1x2x2x3xi32>) -> tensor<1x2x2x3xf32> {
  %q = quant.scast %acc : tensor<1x2x2x3xi32> to tensor<1x2x2x3x!quant.uniform<i32:f32:3, {0.125, 0.0625, 0.03125}>>
  %d = qc.dequantize %q : tensor<1x2x2x3x!quant.uniform<i32:f32:3, {0.125, 0.0625, 0.03125}>> -> tensor<1x2x2x3xf32>
  %c = arith.constant dense<0.25> : tensor<1x1x1x1xf32>
  %s = tosa.add %c, %d : (tensor<1x1x1x1xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  return %s : tensor<1x2x2x3xf32>
}

// -----

// The constant's row is repeated for each row's scale (axis 0):
// [1, 2, 3] / 0.5 and [1, 2, 3] / 0.25.
// CHECK-LABEL: func @add_constant_across_axis
// CHECK:         %[[C:.+]] = arith.constant dense<{{\[\[}}2, 4, 6], [4, 8, 12]]> : tensor<2x3xi32>
// CHECK:         tosa.add %{{.+}}, %[[C]] : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
func.func @add_constant_across_axis(%acc: tensor<2x3xi32>) -> tensor<2x3xf32> {
  %q = quant.scast %acc : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32:0, {0.5, 0.25}>>
  %d = qc.dequantize %q : tensor<2x3x!quant.uniform<i32:f32:0, {0.5, 0.25}>> -> tensor<2x3xf32>
  %c = arith.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %s = tosa.add %d, %c : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @add_accumulators
// CHECK-SAME:    (%[[A:.+]]: tensor<2x3xi32>, %[[B:.+]]: tensor<2x3xi32>)
// CHECK:         %[[S:.+]] = tosa.add %[[A]], %[[B]] : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
// CHECK-NEXT:    quant.scast %[[S]] : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32, 1.250000e-01>>
func.func @add_accumulators(%a: tensor<2x3xi32>, %b: tensor<2x3xi32>) -> tensor<2x3xf32> {
  %qa = quant.scast %a : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32, 0.125>>
  %da = qc.dequantize %qa : tensor<2x3x!quant.uniform<i32:f32, 0.125>> -> tensor<2x3xf32>
  %qb = quant.scast %b : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32, 0.125>>
  %db = qc.dequantize %qb : tensor<2x3x!quant.uniform<i32:f32, 0.125>> -> tensor<2x3xf32>
  %s = tosa.add %da, %db : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

// -----

// Accumulators of different scales are not added as integers.
// CHECK-LABEL: func @add_accumulators_of_different_scales
// CHECK:         tosa.add %{{.+}}, %{{.+}} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @add_accumulators_of_different_scales(%a: tensor<2x3xi32>, %b: tensor<2x3xi32>) -> tensor<2x3xf32> {
  %qa = quant.scast %a : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32, 0.125>>
  %da = qc.dequantize %qa : tensor<2x3x!quant.uniform<i32:f32, 0.125>> -> tensor<2x3xf32>
  %qb = quant.scast %b : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32, 0.25>>
  %db = qc.dequantize %qb : tensor<2x3x!quant.uniform<i32:f32, 0.25>> -> tensor<2x3xf32>
  %s = tosa.add %da, %db : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

//===----------------------------------------------------------------------===//
// Multiplications
//===----------------------------------------------------------------------===//

// -----

// x * 3.0 is x at scale 0.5 * 3 = 1.5; the requantization to 0.75 then
// multiplies by 2 = 1073741824 * 2^-29.
// CHECK-LABEL: func @mul_positive_constant
// CHECK-SAME:    (%[[X:.+]]: tensor<4xi8>)
// CHECK-NOT:     tosa.mul
// CHECK:         qc.requant %[[X]] by(#qc.dyadic<1073741824 * 2**-29>) input_zp(-3) output_zp(1) : tensor<4xi8> -> tensor<4xi8>
// CANON-LABEL: func @mul_positive_constant
// CANON-SAME:    (%[[X:.+]]: tensor<4xi8>)
// CANON-NEXT:    %[[R:.+]] = qc.requant %[[X]] by(#qc.dyadic<1073741824 * 2**-29>) input_zp(-3) output_zp(1) : tensor<4xi8> -> tensor<4xi8>
// CANON-NEXT:    return %[[R]]
func.func @mul_positive_constant(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %c = arith.constant dense<3.0> : tensor<4xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %m = tosa.mul %d, %c, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %o = qc.quantize %m : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.75:1>>
  %s = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.75:1>> to tensor<4xi8>
  return %s : tensor<4xi8>
}

// -----

// The constant may be the left operand and broadcast.
// CHECK-LABEL: func @mul_positive_constant_on_the_left
// CHECK-NOT:     tosa.mul
// CHECK:         quant.scast %{{.+}} : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 1.500000e+00:-3>>
// CHECK-NOT:     tosa.mul
func.func @mul_positive_constant_on_the_left(%x: tensor<4xi8>) -> tensor<4xf32> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %c = arith.constant dense<3.0> : tensor<1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %m = tosa.mul %c, %d, %shift : (tensor<1xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %m : tensor<4xf32>
}

// -----

// A negative factor would flip the order of the values: not folded.
// CHECK-LABEL: func @mul_negative_constant
// CHECK:         %[[D:.+]] = qc.dequantize %{{.+}} : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-NEXT:    tosa.mul %[[D]], %{{.+}}, %{{.+}} : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
func.func @mul_negative_constant(%x: tensor<4xi8>) -> tensor<4xf32> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %c = arith.constant dense<-3.0> : tensor<1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %m = tosa.mul %d, %c, %shift : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %m : tensor<4xf32>
}

// -----

// A linalg.generic whose body is one arith.mulf by a positive constant:
// scale 0.5 * 0.25 = 0.125.
// CHECK-LABEL: func @generic_mul_positive_constant
// CHECK-NOT:     linalg.generic
// CHECK:         quant.scast %{{.+}} : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 1.250000e-01:-3>>
// CHECK-NOT:     linalg.generic
#map = affine_map<(d0) -> (d0)>
func.func @generic_mul_positive_constant(%x: tensor<4xi8>) -> tensor<4xf32> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %init = tensor.empty() : tensor<4xf32>
  %m = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%d : tensor<4xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.constant 0.25 : f32
    %p = arith.mulf %c, %in : f32
    linalg.yield %p : f32
  } -> tensor<4xf32>
  return %m : tensor<4xf32>
}

// -----

// Per-channel factors (qc-smooth's explicit multiply) make an accumulator's
// scales per channel: 0.25 * [1, 2, 4], requantized to 0.5 by [0.5, 1, 2]
// (1073741824 * 2^-31, 2^-30, 2^-29), one multiplier per column.
// CHECK-LABEL: func @mul_per_channel_constant
// CHECK-SAME:    (%[[ACC:.+]]: tensor<2x3xi32>)
// CHECK-NOT:     tosa.mul
// CHECK:         qc.requant %[[ACC]] by(#qc.dyadic<per_axis = 1, [1073741824 * 2**-31, 1073741824 * 2**-30, 1073741824 * 2**-29]>) : tensor<2x3xi32> -> tensor<2x3xi8>
func.func @mul_per_channel_constant(%acc: tensor<2x3xi32>) -> tensor<2x3xi8> {
  %q = quant.scast %acc : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32, 0.25>>
  %d = qc.dequantize %q : tensor<2x3x!quant.uniform<i32:f32, 0.25>> -> tensor<2x3xf32>
  %c = arith.constant dense<[[1.0, 2.0, 4.0]]> : tensor<1x3xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %m = tosa.mul %d, %c, %shift : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  %o = qc.quantize %m : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.5>>
  %s = quant.scast %o : tensor<2x3x!quant.uniform<i8:f32, 0.5>> to tensor<2x3xi8>
  return %s : tensor<2x3xi8>
}

// -----

// A narrow value is widened to an i32 accumulator (x - z) first, so the
// zero point stays one: scales 0.5 * [1, 2] requantized to 1.0.
// CHECK-LABEL: func @mul_per_channel_constant_narrow
// CHECK-SAME:    (%[[X:.+]]: tensor<2x2xi8>)
// CHECK-DAG:     %[[ZP:.+]] = arith.constant dense<-3> : tensor<1x1xi32>
// CHECK-DAG:     %[[WIDE:.+]] = tosa.cast %[[X]] : (tensor<2x2xi8>) -> tensor<2x2xi32>
// CHECK:         %[[ACC:.+]] = tosa.sub %[[WIDE]], %[[ZP]] : (tensor<2x2xi32>, tensor<1x1xi32>) -> tensor<2x2xi32>
// CHECK-NOT:     tosa.mul
// CHECK:         qc.requant %[[ACC]] by(#qc.dyadic<per_axis = 1, [1073741824 * 2**-31, 1073741824 * 2**-30]>) output_zp(2) : tensor<2x2xi32> -> tensor<2x2xi8>
func.func @mul_per_channel_constant_narrow(%x: tensor<2x2xi8>) -> tensor<2x2xi8> {
  %q = quant.scast %x : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<2x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x2xf32>
  %c = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %m = tosa.mul %c, %d, %shift : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<1xi8>) -> tensor<2x2xf32>
  %o = qc.quantize %m : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32, 1.0:2>>
  %s = quant.scast %o : tensor<2x2x!quant.uniform<i8:f32, 1.0:2>> to tensor<2x2xi8>
  return %s : tensor<2x2xi8>
}

// -----

// Scales per row times factors per column, or factors varying along two
// axes, have no per-axis form: the multiplications stay float.
// CHECK-LABEL: func @mul_per_channel_constant_other_axis
// CHECK:         tosa.mul %{{.+}}, %{{.+}}, %{{.+}} : (tensor<2x2xf32>, tensor<1x2xf32>, tensor<1xi8>) -> tensor<2x2xf32>
// CHECK:         tosa.mul %{{.+}}, %{{.+}}, %{{.+}} : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<1xi8>) -> tensor<2x2xf32>
func.func @mul_per_channel_constant_other_axis(%acc: tensor<2x2xi32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %q = quant.scast %acc : tensor<2x2xi32> to tensor<2x2x!quant.uniform<i32:f32:0, {0.25, 0.5}>>
  %d = qc.dequantize %q : tensor<2x2x!quant.uniform<i32:f32:0, {0.25, 0.5}>> -> tensor<2x2xf32>
  %columns = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %both = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %m = tosa.mul %d, %columns, %shift : (tensor<2x2xf32>, tensor<1x2xf32>, tensor<1xi8>) -> tensor<2x2xf32>
  %n = tosa.mul %d, %both, %shift : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<1xi8>) -> tensor<2x2xf32>
  return %m, %n : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// The product of two quantized values: both widened to i32, zero points
// subtracted (none for the second), multiplied at scale 0.5 * 0.25.
// CHECK-LABEL: func @mul_quantized_values
// CHECK-SAME:    (%[[X:.+]]: tensor<4xi8>, %[[Y:.+]]: tensor<4xi8>)
// CHECK-DAG:     %[[XZP:.+]] = arith.constant dense<-3> : tensor<1xi32>
// CHECK-DAG:     %[[SHIFT:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK-DAG:     %[[WY:.+]] = tosa.cast %[[Y]] : (tensor<4xi8>) -> tensor<4xi32>
// CHECK-DAG:     %[[WX:.+]] = tosa.cast %[[X]] : (tensor<4xi8>) -> tensor<4xi32>
// CHECK:         %[[SX:.+]] = tosa.sub %[[WX]], %[[XZP]] : (tensor<4xi32>, tensor<1xi32>) -> tensor<4xi32>
// CHECK-NEXT:    %[[P:.+]] = tosa.mul %[[SX]], %[[WY]], %[[SHIFT]] : (tensor<4xi32>, tensor<4xi32>, tensor<1xi8>) -> tensor<4xi32>
// CHECK-NEXT:    quant.scast %[[P]] : tensor<4xi32> to tensor<4x!quant.uniform<i32:f32, 1.250000e-01>>
func.func @mul_quantized_values(%x: tensor<4xi8>, %y: tensor<4xi8>) -> tensor<4xf32> {
  %qx = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %qy = quant.scast %y : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.25>>
  %dy = qc.dequantize %qy : tensor<4x!quant.uniform<i8:f32, 0.25>> -> tensor<4xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %m = tosa.mul %dx, %dy, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %m : tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Requantization
//===----------------------------------------------------------------------===//

// -----

// 0.5 / 0.3 = 1.6667 = 0.8333 * 2^1: 1789569707 * 2^-30.
// CHECK-LABEL: func @requantize
// CHECK-SAME:    (%[[X:.+]]: tensor<2x3xi8>)
// CHECK:         %[[R:.+]] = qc.requant %[[X]] by(#qc.dyadic<1789569707 * 2**-30>) input_zp(-3) output_zp(5) : tensor<2x3xi8> -> tensor<2x3xi8>
// CHECK-NEXT:    return %[[R]]
// EVEN-LABEL: func @requantize
// EVEN:         qc.requant %{{.+}} by(#qc.dyadic<1789569707 * 2**-30>) input_zp(-3) output_zp(5) rounding half_to_even : tensor<2x3xi8> -> tensor<2x3xi8>
func.func @requantize(%x: tensor<2x3xi8>) -> tensor<2x3xi8> {
  %q = quant.scast %x : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x3xf32>
  %o = qc.quantize %d : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.3:5>>
  %s = quant.scast %o : tensor<2x3x!quant.uniform<i8:f32, 0.3:5>> to tensor<2x3xi8>
  return %s : tensor<2x3xi8>
}

// -----

// An accumulator to uint8: 0.00123 / 0.3 = 0.0041 = 0.5248 * 2^-7.
// CHECK-LABEL: func @requantize_accumulator_to_uint8
// CHECK:         qc.requant %{{.+}} by(#qc.dyadic<1126999418 * 2**-38>) output_zp(128) {output_unsigned} : tensor<2x3xi32> -> tensor<2x3xi8>
func.func @requantize_accumulator_to_uint8(%x: tensor<2x3xi32>) -> tensor<2x3xi8> {
  %q = quant.scast %x : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32, 0.00123>>
  %d = qc.dequantize %q : tensor<2x3x!quant.uniform<i32:f32, 0.00123>> -> tensor<2x3xf32>
  %o = qc.quantize %d : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32, 0.3:128>>
  %s = quant.scast %o : tensor<2x3x!quant.uniform<u8:f32, 0.3:128>> to tensor<2x3xi8>
  return %s : tensor<2x3xi8>
}

// -----

// uint8 to uint8 (0.5 / 0.25 = 2): both sides unsigned.
// CHECK-LABEL: func @requantize_uint8
// CHECK:         qc.requant %{{.+}} by(#qc.dyadic<1073741824 * 2**-29>) input_zp(130) output_zp(120) {input_unsigned, output_unsigned} : tensor<4xi8> -> tensor<4xi8>
func.func @requantize_uint8(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<u8:f32, 0.5:130>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.5:130>> -> tensor<4xf32>
  %o = qc.quantize %d : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.25:120>>
  %s = quant.scast %o : tensor<4x!quant.uniform<u8:f32, 0.25:120>> to tensor<4xi8>
  return %s : tensor<4xi8>
}

// -----

// Identical parameters: no requant, the storage passes through.
// CHECK-LABEL: func @requantize_same_parameters
// CHECK-NOT:     qc.requant
// CHECK-NOT:     qc.quantize
// CANON-LABEL: func @requantize_same_parameters
// CANON-SAME:    (%[[X:.+]]: tensor<2x3xi8>)
// CANON-NEXT:    return %[[X]]
func.func @requantize_same_parameters(%x: tensor<2x3xi8>) -> tensor<2x3xi8> {
  %q = quant.scast %x : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x3xf32>
  %o = qc.quantize %d : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>>
  %s = quant.scast %o : tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>> to tensor<2x3xi8>
  return %s : tensor<2x3xi8>
}

// -----

// A fused ReLU (linalg.generic max(x, 0.0)) on an accumulator: its bound is
// the output zero point, clamp [5, 127].
// CHECK-LABEL: func @relu_on_accumulator
// CHECK-SAME:    (%[[ACC:.+]]: tensor<2x3xi32>)
// CHECK:         %[[R:.+]] = qc.requant %[[ACC]] by(#qc.dyadic<1126999418 * 2**-38>) output_zp(5) clamp [5, 127] : tensor<2x3xi32> -> tensor<2x3xi8>
// CHECK-NEXT:    return %[[R]]
#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @relu_on_accumulator(%acc: tensor<2x3xi32>) -> tensor<2x3xi8> {
  %q = quant.scast %acc : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32, 0.00123>>
  %d = qc.dequantize %q : tensor<2x3x!quant.uniform<i32:f32, 0.00123>> -> tensor<2x3xf32>
  %init = tensor.empty() : tensor<2x3xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%d : tensor<2x3xf32>) outs(%init : tensor<2x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  %o = qc.quantize %r : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.3:5>>
  %s = quant.scast %o : tensor<2x3x!quant.uniform<i8:f32, 0.3:5>> to tensor<2x3xi8>
  return %s : tensor<2x3xi8>
}

// -----

// Clip(0, 6) as tosa.clamp on a per-channel accumulator: one multiplier per
// channel (0.00123 / 0.3, 0.0045 / 0.3 = 0.015 = 0.96 * 2^-6), bounds
// round(0 / 0.3) + 5 = 5 and round(6 / 0.3) + 5 = 25.
// CHECK-LABEL: func @clip_per_channel_accumulator
// CHECK:         qc.requant %{{.+}} by(#qc.dyadic<per_axis = 1, [1126999418 * 2**-38, 2061584302 * 2**-37]>) output_zp(5) clamp [5, 25] : tensor<2x2xi32> -> tensor<2x2xi8>
// CHECK-NOT:     tosa.clamp
func.func @clip_per_channel_accumulator(%acc: tensor<2x2xi32>) -> tensor<2x2xi8> {
  %q = quant.scast %acc : tensor<2x2xi32> to tensor<2x2x!quant.uniform<i32:f32:1, {0.00123, 0.0045}>>
  %d = qc.dequantize %q : tensor<2x2x!quant.uniform<i32:f32:1, {0.00123, 0.0045}>> -> tensor<2x2xf32>
  %c = tosa.clamp %d {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %o = qc.quantize %c : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32, 0.3:5>>
  %s = quant.scast %o : tensor<2x2x!quant.uniform<i8:f32, 0.3:5>> to tensor<2x2xi8>
  return %s : tensor<2x2xi8>
}

// -----

// Clip(-1, 6) as a generic max + min: bounds round(-1 / 0.3) + 5 = 2, 25.
// CHECK-LABEL: func @clip_generic
// CHECK:         qc.requant %{{.+}} by(#qc.dyadic<1126999418 * 2**-38>) output_zp(5) clamp [2, 25] : tensor<2x3xi32> -> tensor<2x3xi8>
// CHECK-NOT:     linalg.generic
#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @clip_generic(%acc: tensor<2x3xi32>) -> tensor<2x3xi8> {
  %q = quant.scast %acc : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32, 0.00123>>
  %d = qc.dequantize %q : tensor<2x3x!quant.uniform<i32:f32, 0.00123>> -> tensor<2x3xf32>
  %init = tensor.empty() : tensor<2x3xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%d : tensor<2x3xf32>) outs(%init : tensor<2x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %lo = arith.constant -1.0 : f32
    %hi = arith.constant 6.0 : f32
    %m = arith.maximumf %in, %lo : f32
    %n = arith.minimumf %m, %hi : f32
    linalg.yield %n : f32
  } -> tensor<2x3xf32>
  %o = qc.quantize %r : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.3:5>>
  %s = quant.scast %o : tensor<2x3x!quant.uniform<i8:f32, 0.3:5>> to tensor<2x3xi8>
  return %s : tensor<2x3xi8>
}

// -----

// tosa.clamp on int8 input (tosa.clamp is not tabulated): requant with the
// input zero point and the clamp.
// CHECK-LABEL: func @clamp_int8
// CHECK:         qc.requant %{{.+}} by(#qc.dyadic<1789569707 * 2**-30>) input_zp(-3) output_zp(5) clamp [5, 25] : tensor<2x3xi8> -> tensor<2x3xi8>
func.func @clamp_int8(%x: tensor<2x3xi8>) -> tensor<2x3xi8> {
  %q = quant.scast %x : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x3xf32>
  %c = tosa.clamp %d {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %o = qc.quantize %c : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.3:5>>
  %s = quant.scast %o : tensor<2x3x!quant.uniform<i8:f32, 0.3:5>> to tensor<2x3xi8>
  return %s : tensor<2x3xi8>
}

// -----

// Same parameters but a ReLU: the identity multiplier 1 = 2^30 * 2^-30
// with the clamp [zero point, 127].
// CHECK-LABEL: func @relu_same_parameters
// CHECK:         qc.requant %{{.+}} by(#qc.dyadic<1073741824 * 2**-30>) input_zp(-3) output_zp(-3) clamp [-3, 127] : tensor<2x3xi8> -> tensor<2x3xi8>
func.func @relu_same_parameters(%x: tensor<2x3xi8>) -> tensor<2x3xi8> {
  %q = quant.scast %x : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x3xf32>
  %c = tosa.clamp %d {min_val = 0.0 : f32, max_val = 3.4028235e+38 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %o = qc.quantize %c : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>>
  %s = quant.scast %o : tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>> to tensor<2x3xi8>
  return %s : tensor<2x3xi8>
}

// -----

// A ReLU whose lower bound is the bottom of the uint8 output range needs no
// clamp. The whole block: uint8 input flipped to int8, per-channel int8
// convolution into i32 (bias [0.3125, -0.0625, 0.1875] / {0.125, 0.0625,
// 0.03125} = [2.5, -1, 6] -> [2, -1, 6]), then one requant by
// 0.5 * {0.25, 0.125, 0.0625} / 0.1 = {1.25, 0.625, 0.3125}.
// CANON-LABEL: func @conv_relu_block
// CANON-SAME:    (%[[X:.+]]: tensor<1x4x4x2xi8>, %[[W:.+]]: tensor<3x1x1x2xi8>)
// CANON-DAG:     %[[WZP:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CANON-DAG:     %[[XZP:.+]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CANON-DAG:     %[[BIAS:.+]] = arith.constant dense<[2, -1, 6]> : tensor<3xi32>
// CANON-DAG:     %[[SIGN:.+]] = arith.constant dense<-128> : tensor<1x4x4x2xi8>
// CANON:         %[[FLIP:.+]] = tosa.bitwise_xor %[[X]], %[[SIGN]]
// CANON-NEXT:    %[[C:.+]] = tosa.conv2d %[[FLIP]], %[[W]], %[[BIAS]], %[[XZP]], %[[WZP]] {acc_type = i32, {{.*}}} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi32>
// CANON-NEXT:    %[[R:.+]] = qc.requant %[[C]] by(#qc.dyadic<per_axis = 3, [1342177280 * 2**-30, 1342177280 * 2**-31, 1342177280 * 2**-32]>) {output_unsigned} : tensor<1x4x4x3xi32> -> tensor<1x4x4x3xi8>
// CANON-NEXT:    return %[[R]]
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_relu_block(%x: tensor<1x4x4x2xi8>, %w: tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xi8> {
  %qx = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<u8:f32, 0.5:125>>
  %dx = qc.dequantize %qx : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.5:125>> -> tensor<1x4x4x2xf32>
  %qw = quant.scast %w : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.0625}>>
  %dw = qc.dequantize %qw : tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.0625}>> -> tensor<3x1x1x2xf32>
  %b = arith.constant dense<[0.3125, -0.0625, 0.1875]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %init = tensor.empty() : tensor<1x4x4x3xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<1x4x4x3xf32>) outs(%init : tensor<1x4x4x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x3xf32>
  %o = qc.quantize %r : tensor<1x4x4x3xf32> -> tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1>>
  %s = quant.scast %o : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1>> to tensor<1x4x4x3xi8>
  return %s : tensor<1x4x4x3xi8>
}

// -----

// A scale ratio no dyadic multiplier represents (0.5 / 1e-10 >= 2^31): the
// requantization stays in float (qc-verify-integer-only reports it).
// CHECK-LABEL: func @multiplier_out_of_range
// CHECK:         %[[D:.+]] = qc.dequantize
// CHECK-NEXT:    qc.quantize %[[D]] : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 1.000000e-10>>
// CHECK-NOT:     qc.requant
func.func @multiplier_out_of_range(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %o = qc.quantize %d : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 1.0e-10>>
  %s = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 1.0e-10>> to tensor<4xi8>
  return %s : tensor<4xi8>
}

//===----------------------------------------------------------------------===//
// Residual adds
//===----------------------------------------------------------------------===//

// -----

// HAWQ-V3: each operand into i32 at the output scale (0.5 / 0.75 =
// 0.6667 * 2^0, 0.25 / 0.75 = 0.6667 * 2^-1), an i32 add, then the identity
// multiplier with the output zero point.
// CHECK-LABEL: func @residual_add
// CHECK-SAME:    (%[[A:.+]]: tensor<4xi8>, %[[B:.+]]: tensor<4xi8>)
// CHECK:         %[[RA:.+]] = qc.requant %[[A]] by(#qc.dyadic<1431655765 * 2**-31>) input_zp(-3) : tensor<4xi8> -> tensor<4xi32>
// CHECK-NEXT:    %[[RB:.+]] = qc.requant %[[B]] by(#qc.dyadic<1431655765 * 2**-32>) input_zp(2) : tensor<4xi8> -> tensor<4xi32>
// CHECK-NEXT:    %[[S:.+]] = tosa.add %[[RA]], %[[RB]] : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
// CHECK-NEXT:    %[[R:.+]] = qc.requant %[[S]] by(#qc.dyadic<1073741824 * 2**-30>) output_zp(-1) : tensor<4xi32> -> tensor<4xi8>
// CHECK-NEXT:    return %[[R]]
// EVEN-LABEL: func @residual_add
// EVEN:         qc.requant %{{.+}} by(#qc.dyadic<1431655765 * 2**-31>) input_zp(-3) rounding half_to_even : tensor<4xi8> -> tensor<4xi32>
// EVEN-NEXT:    qc.requant %{{.+}} by(#qc.dyadic<1431655765 * 2**-32>) input_zp(2) rounding half_to_even : tensor<4xi8> -> tensor<4xi32>
// EVEN-NEXT:    tosa.add
// EVEN-NEXT:    qc.requant %{{.+}} by(#qc.dyadic<1073741824 * 2**-30>) output_zp(-1) rounding half_to_even : tensor<4xi32> -> tensor<4xi8>
func.func @residual_add(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %qa = quant.scast %a : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %da = qc.dequantize %qa : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %qb = quant.scast %b : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.25:2>>
  %db = qc.dequantize %qb : tensor<4x!quant.uniform<i8:f32, 0.25:2>> -> tensor<4xf32>
  %s = tosa.add %da, %db : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %s : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.75:-1>>
  %r = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.75:-1>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// CHECK-LABEL: func @residual_add_uint8_output
// CHECK:         tosa.add %{{.+}}, %{{.+}} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
// CHECK-NEXT:    qc.requant %{{.+}} by(#qc.dyadic<1073741824 * 2**-30>) output_zp(127) {output_unsigned} : tensor<4xi32> -> tensor<4xi8>
func.func @residual_add_uint8_output(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %qa = quant.scast %a : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %da = qc.dequantize %qa : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %qb = quant.scast %b : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.25:2>>
  %db = qc.dequantize %qb : tensor<4x!quant.uniform<i8:f32, 0.25:2>> -> tensor<4xf32>
  %s = tosa.add %da, %db : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %s : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.75:127>>
  %r = quant.scast %o : tensor<4x!quant.uniform<u8:f32, 0.75:127>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

//===----------------------------------------------------------------------===//
// Tables
//===----------------------------------------------------------------------===//

// -----

// Entry i is quantize(sigmoid(dequantize(i - 128))). Around q = -3 (x = 0,
// entry 125) sigmoid's slope is 1/4: 0.0625 / 4 / (1/256) = 4 per step,
// centred on 0.5 / (1/256) - 128 = 0.
// CHECK-LABEL: func @sigmoid_table
// CHECK-SAME:    (%[[X:.+]]: tensor<4xi8>)
// CHECK:         %[[T:.+]] = "tosa.const"() <{values = dense<[-128, -128, -128, -128, {{(-?[0-9]+, ){116}-20, -16, -12, -8, -4, 0, 4, 8, 12, 16, 20, 24, 28, 31, 35, 39, }}{{(-?[0-9]+, ){114}127, }}127, 127, 127, 127, 127]> : tensor<256xi8>}> : () -> tensor<256xi8>
// CHECK-NEXT:    %[[R:.+]] = tosa.table %[[X]], %[[T]] : (tensor<4xi8>, tensor<256xi8>) -> tensor<4xi8>
// CHECK-NEXT:    return %[[R]]
func.func @sigmoid_table(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.0625:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.0625:-3>> -> tensor<4xf32>
  %s = tosa.sigmoid %d : (tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %s : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.00390625:-128>>
  %r = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.00390625:-128>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// Ties round half to even in the table: |q| * 0.5 at scale 1 gives
// 63.5 -> 64, 62.5 -> 62 (entries 1, 3) and 0.5 -> 0, 1.5 -> 2, 2.5 -> 2,
// 3.5 -> 4 (q = -1, 3, 5, 7: entries 127, 131, 133, 135).
// CHECK-LABEL: func @abs_table_ties
// CHECK:         "tosa.const"() <{values = dense<[64, 64, 63, 62, {{(-?[0-9]+, ){122}1, }}0, 0, 0, 1, 2, 2, 2, 3, 4, {{(-?[0-9]+, ){119}64}}]> : tensor<256xi8>}>
// CHECK-NEXT:    tosa.table
func.func @abs_table_ties(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf32>
  %a = tosa.abs %d : (tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %a : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  %r = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 1.0>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// HardSwish x * min(max(x + 3, 0), 6) / 6 as a linalg.generic, evaluated by
// MLIR's folders: 0 below x = -3 (q <= -50: entries 0-78 are the output
// zero point -20), the minimum -0.375 at x = -1.5 (q = -20, entry 108) is
// -12.5 steps: a tie, to even -12 -> -32; x = 0 (q = 10, entry 138) -> -20;
// saturated from entry 226 on.
// CHECK-LABEL: func @hardswish_table
// CHECK:         "tosa.const"() <{values = dense<[{{(-20, ){79}-21, }}-22, {{(-?[0-9]+, ){27}-32, }}{{(-?[0-9]+, ){28}-21, }}-20, -19, {{(-?[0-9]+, ){86}(127, ){29}127}}]> : tensor<256xi8>}>
// CHECK-NEXT:    tosa.table
#map = affine_map<(d0) -> (d0)>
func.func @hardswish_table(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.05:10>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.05:10>> -> tensor<4xf32>
  %init = tensor.empty() : tensor<4xf32>
  %h = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%d : tensor<4xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c3 = arith.constant 3.0 : f32
    %c0 = arith.constant 0.0 : f32
    %c6 = arith.constant 6.0 : f32
    %a = arith.addf %in, %c3 : f32
    %b = arith.maximumf %a, %c0 : f32
    %m = arith.minimumf %b, %c6 : f32
    %p = arith.mulf %in, %m : f32
    %r = arith.divf %p, %c6 : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %o = qc.quantize %h : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.03:-20>>
  %r = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.03:-20>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// The same HardSwish as TOSA ops and a generic dividing by 6: one function
// of x (ScalarFunction.h), tabulated as a whole into the table above (here
// evaluated in double: entries may differ in a tie, none do in the checked
// ones). The function's ops are gone.
// CHECK-LABEL: func @hardswish_function_table
// CHECK-SAME:    (%[[X:.+]]: tensor<4xi8>)
// CHECK-NEXT:    %[[T:.+]] = "tosa.const"() <{values = dense<[{{(-20, ){79}-21, }}-22, {{(-?[0-9]+, ){27}-32, }}{{(-?[0-9]+, ){28}-21, }}-20, -19, {{(-?[0-9]+, ){86}(127, ){29}127}}]> : tensor<256xi8>}>
// CHECK-NEXT:    %[[R:.+]] = tosa.table %[[X]], %[[T]]
// CHECK-NEXT:    return %[[R]]
#map = affine_map<(d0) -> (d0)>
func.func @hardswish_function_table(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.05:10>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.05:10>> -> tensor<4xf32>
  %three = arith.constant dense<3.0> : tensor<1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %a = tosa.add %d, %three : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %p = tosa.mul %d, %c, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %init = tensor.empty() : tensor<4xf32>
  %h = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%p : tensor<4xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c6 = arith.constant 6.0 : f32
    %r = arith.divf %in, %c6 : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %o = qc.quantize %h : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.03:-20>>
  %r = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.03:-20>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// A uint8 source: tosa.table reads the storage bits as a signed index, so
// entry 0 (bits 0x80) is q = 128, x = 0, sigmoid 1/2 -> 0; entries then
// rise 4 per step (slope 1/4: 0.0625 / 4 * 256), and entry 128 (bits 0) is
// q = 0, x = -8 -> -128; the last (bits 0x7f) q = 127, x = -0.0625 -> -4.
// CHECK-LABEL: func @sigmoid_table_uint8
// CHECK:         "tosa.const"() <{values = dense<[0, 4, 8, 12, {{(-?[0-9]+, ){124}-128, (-?[0-9]+, ){126}-4}}]> : tensor<256xi8>}>
// CHECK-NEXT:    tosa.table
func.func @sigmoid_table_uint8(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<u8:f32, 0.0625:128>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.0625:128>> -> tensor<4xf32>
  %s = tosa.sigmoid %d : (tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %s : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.00390625:-128>>
  %r = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.00390625:-128>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// x * sigmoid(y) reads two tensors: no table. The sigmoid stays in float
// (qc-quantize would have given it a pair) and qc-verify-integer-only
// would report it.
// CHECK-LABEL: func @two_tensor_function
// CHECK-NOT:     tosa.table
// CHECK:         tosa.sigmoid
func.func @two_tensor_function(%x: tensor<4xi8>, %y: tensor<4xi8>) -> tensor<4xi8> {
  %qx = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.0625>>
  %dx = qc.dequantize %qx : tensor<4x!quant.uniform<i8:f32, 0.0625>> -> tensor<4xf32>
  %qy = quant.scast %y : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.0625>>
  %dy = qc.dequantize %qy : tensor<4x!quant.uniform<i8:f32, 0.0625>> -> tensor<4xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %s = tosa.sigmoid %dy : (tensor<4xf32>) -> tensor<4xf32>
  %p = tosa.mul %dx, %s, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %o = qc.quantize %p : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.0625>>
  %r = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.0625>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// A function of clamps, constant shifts and positive scalings only is a
// requantization, not a table: (x + 0.5) * 2 clamped is one qc.requant of
// the widened sum.
// CHECK-LABEL: func @affine_function_requantizes
// CHECK-NOT:     tosa.table
// CHECK:         qc.requant
func.func @affine_function_requantizes(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.25>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.25>> -> tensor<4xf32>
  %half = arith.constant dense<0.5> : tensor<1xf32>
  %two = arith.constant dense<2.0> : tensor<1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %a = tosa.add %d, %half : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  %m = tosa.mul %a, %two, %shift : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  %c = tosa.clamp %m {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %c : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.05:-128>>
  %r = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.05:-128>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// A ReLU generic on int8 is tabulated too: the table patterns are tried
// before the requantize pattern. Entries: q <= -3 -> zp 5; then
// (q + 3) * 0.5 / 0.3 + 5 (q = -2: 6.67 -> 7, q = -1: 8.33 -> 8).
// CHECK-LABEL: func @relu_int8_table
// CHECK:         "tosa.const"() <{values = dense<[{{(5, ){126}7, }}8, 10, 12,
// CHECK-NEXT:    tosa.table
// CHECK-NOT:     qc.requant
#map = affine_map<(d0) -> (d0)>
func.func @relu_int8_table(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %init = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%d : tensor<4xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %o = qc.quantize %r : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.3:5>>
  %s = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.3:5>> to tensor<4xi8>
  return %s : tensor<4xi8>
}

// -----

// exp of an i32 accumulator has no table (tables take int8): it stays in
// float, between its dequantize and quantize.
// CHECK-LABEL: func @exp_on_accumulator
// CHECK:         %[[D:.+]] = qc.dequantize %{{.+}} : tensor<4x!quant.uniform<i32:f32, 1.000000e-02>> -> tensor<4xf32>
// CHECK-NEXT:    %[[E:.+]] = tosa.exp %[[D]] : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT:    qc.quantize %[[E]]
func.func @exp_on_accumulator(%x: tensor<4xi32>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi32> to tensor<4x!quant.uniform<i32:f32, 0.01>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4xf32>
  %e = tosa.exp %d : (tensor<4xf32>) -> tensor<4xf32>
  %o = qc.quantize %e : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.75:-1>>
  %r = quant.scast %o : tensor<4x!quant.uniform<i8:f32, 0.75:-1>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

//===----------------------------------------------------------------------===//
// Slices, concats of different scales, average pooling
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func @extract_slice
// CHECK-SAME:    (%[[X:.+]]: tensor<3x4xi8>)
// CHECK:         %[[S:.+]] = tensor.extract_slice %[[X]][1, 0] [1, 4] [1, 1] : tensor<3x4xi8> to tensor<1x4xi8>
// CHECK-NEXT:    quant.scast %[[S]] : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
func.func @extract_slice(%x: tensor<3x4xi8>) -> tensor<1x4xf32> {
  %q = quant.scast %x : tensor<3x4xi8> to tensor<3x4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<3x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<3x4xf32>
  %s = tensor.extract_slice %d[1, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}

// -----

// A quantized concat of operands of other scales: each is requantized to
// the output (0.5 / 0.25 = 2 = 0.5 * 2^2: 2^30 * 2^-29; the operand of the
// output's type is taken as it is).
// CHECK-LABEL: func @concat_requantized
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4xi8>, %[[Y:.+]]: tensor<2x4xi8>)
// CHECK:         %[[RX:.+]] = qc.requant %[[X]] by(#qc.dyadic<1073741824 * 2**-29>) input_zp(-3) output_zp(1) : tensor<1x4xi8> -> tensor<1x4xi8>
// CHECK:         %[[C:.+]] = tosa.concat %[[RX]], %[[Y]] {axis = 0 : i32} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<3x4xi8>
// CHECK-NEXT:    return %[[C]]
func.func @concat_requantized(%x: tensor<1x4xi8>, %y: tensor<2x4xi8>) -> tensor<3x4xi8> {
  %qx = quant.scast %x : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4xf32>
  %qy = quant.scast %y : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 0.25:1>>
  %dy = qc.dequantize %qy : tensor<2x4x!quant.uniform<i8:f32, 0.25:1>> -> tensor<2x4xf32>
  %c = tosa.concat %dx, %dy {axis = 0 : i32} : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
  %o = qc.quantize %c : tensor<3x4xf32> -> tensor<3x4x!quant.uniform<i8:f32, 0.25:1>>
  %s = quant.scast %o : tensor<3x4x!quant.uniform<i8:f32, 0.25:1>> to tensor<3x4xi8>
  return %s : tensor<3x4xi8>
}

// -----

// Sums of x - z over each 3x2 window in i32, at scale 0.5 / 6, requantized
// to 0.25 (1/3 = 0.6667 * 2^-1: 1431655765 * 2^-32).
// CHECK-LABEL: func @avg_pool2d
// CHECK-SAME:    (%[[X:.+]]: tensor<1x3x4x2xi8>)
// CHECK:         %[[W:.+]] = tosa.cast %[[X]] : (tensor<1x3x4x2xi8>) -> tensor<1x3x4x2xi32>
// CHECK:         %[[XZ:.+]] = tosa.sub %[[W]], %{{.+}} : (tensor<1x3x4x2xi32>, tensor<1x1x1x1xi32>) -> tensor<1x3x4x2xi32>
// CHECK:         %[[ZERO:.+]] = linalg.fill
// CHECK:         %[[WINDOW:.+]] = tensor.empty() : tensor<3x2xi32>
// CHECK:         %[[SUM:.+]] = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<[3, 2]> : tensor<2xi64>} ins(%[[XZ]], %[[WINDOW]] : tensor<1x3x4x2xi32>, tensor<3x2xi32>) outs(%[[ZERO]] : tensor<1x1x2x2xi32>)
// CHECK:         qc.requant %[[SUM]] by(#qc.dyadic<1431655765 * 2**-32>) output_zp(4) : tensor<1x1x2x2xi32> -> tensor<1x1x2x2xi8>
func.func @avg_pool2d(%x: tensor<1x3x4x2xi8>) -> tensor<1x1x2x2xi8> {
  %q = quant.scast %x : tensor<1x3x4x2xi8> to tensor<1x3x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<1x3x4x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x3x4x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %p = tosa.avg_pool2d %d, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 3, 2>} : (tensor<1x3x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %o = qc.quantize %p : tensor<1x1x2x2xf32> -> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.25:4>>
  %s = quant.scast %o : tensor<1x1x2x2x!quant.uniform<i8:f32, 0.25:4>> to tensor<1x1x2x2xi8>
  return %s : tensor<1x1x2x2xi8>
}

// -----

// With padding, TOSA divides by the count of the window's elements inside
// the input, which varies: the pooling stays in float.
// CHECK-LABEL: func @avg_pool2d_padded
// CHECK:         tosa.avg_pool2d %{{.+}} : (tensor<1x3x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
func.func @avg_pool2d_padded(%x: tensor<1x3x4x2xi8>) -> tensor<1x2x2x2xi8> {
  %q = quant.scast %x : tensor<1x3x4x2xi8> to tensor<1x3x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<1x3x4x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x3x4x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %p = tosa.avg_pool2d %d, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 2>, pad = array<i64: 1, 2, 0, 0>, stride = array<i64: 3, 2>} : (tensor<1x3x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %o = qc.quantize %p : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25:4>>
  %s = quant.scast %o : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25:4>> to tensor<1x2x2x2xi8>
  return %s : tensor<1x2x2x2xi8>
}

//===----------------------------------------------------------------------===//
// Softmax and layer normalization
//===----------------------------------------------------------------------===//

// -----

// Rows of 4: 20 fraction bits; exp(-0.5 k) * 2^20 for k = 0, 1, ...
// 1 / s_out = 256 = 2^30 * 2^-22.
// CHECK-LABEL: func @softmax
// CHECK-SAME:    (%[[X:.+]]: tensor<2x4xi8>)
// CHECK-DAG:     %[[TABLE:.+]] = arith.constant dense<[1048576, 635993, 385750, 233969, {{.*}}]> : tensor<256xi32>
// CHECK-DAG:     %[[M:.+]] = arith.constant 1073741824 : i64
// CHECK-DAG:     %[[SHIFT:.+]] = arith.constant 22 : i64
// CHECK:         %[[MAX:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<2x4xi8>)
// CHECK:           arith.maxsi
// CHECK:         %[[E:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[MAX]] : tensor<2x4xi8>, tensor<2xi8>) outs(%{{.+}} : tensor<2x4xi32>)
// CHECK:           %[[DIST:.+]] = arith.subi
// CHECK:           %[[INDEX:.+]] = arith.index_cast %[[DIST]] : i32 to index
// CHECK:           tensor.extract %[[TABLE]][%[[INDEX]]] : tensor<256xi32>
// CHECK:         %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[E]] : tensor<2x4xi32>)
// CHECK:           arith.addi
// CHECK:         %[[P:.+]] = linalg.generic {{.*}} ins(%[[E]], %[[SUM]] : tensor<2x4xi32>, tensor<2xi32>) outs(%{{.+}} : tensor<2x4xi8>)
// CHECK:           arith.muli %{{.+}}, %[[M]] : i64
// CHECK:           arith.shli %{{.+}}, %[[SHIFT]] : i64
// CHECK:           arith.divsi
// CHECK:           arith.trunci %{{.+}} : i64 to i8
// CHECK:         return %[[P]]
func.func @softmax(%x: tensor<2x4xi8>) -> tensor<2x4xi8> {
  %q = quant.scast %x : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x4xf32>
  %p = qc.softmax %d axis(1) : tensor<2x4xf32>
  %o = qc.quantize %p : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32, 0.00390625:-128>>
  %s = quant.scast %o : tensor<2x4x!quant.uniform<i8:f32, 0.00390625:-128>> to tensor<2x4xi8>
  return %s : tensor<2x4xi8>
}

// -----

// Along a middle axis, into uint8 (zero point 0, range [0, 255]).
// CHECK-LABEL: func @softmax_middle_axis_uint8
// CHECK-DAG:     %[[HI:.+]] = arith.constant 255 : i64
// CHECK-DAG:     %[[LO:.+]] = arith.constant 0 : i64
// CHECK:         linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]} ins(%{{.+}} : tensor<2x3x5xi8>) outs(%{{.+}} : tensor<2x5xi8>)
// CHECK:         arith.maxsi %{{.+}}, %[[LO]] : i64
// CHECK-NEXT:    arith.minsi %{{.+}}, %[[HI]] : i64
// CHECK-NOT:     qc.softmax
func.func @softmax_middle_axis_uint8(%x: tensor<2x3x5xi8>) -> tensor<2x3x5xi8> {
  %q = quant.scast %x : tensor<2x3x5xi8> to tensor<2x3x5x!quant.uniform<i8:f32, 0.1:0>>
  %d = qc.dequantize %q : tensor<2x3x5x!quant.uniform<i8:f32, 0.1:0>> -> tensor<2x3x5xf32>
  %p = qc.softmax %d axis(1) : tensor<2x3x5xf32>
  %o = qc.quantize %p : tensor<2x3x5xf32> -> tensor<2x3x5x!quant.uniform<u8:f32, 0.00390625>>
  %s = quant.scast %o : tensor<2x3x5x!quant.uniform<u8:f32, 0.00390625>> to tensor<2x3x5xi8>
  return %s : tensor<2x3x5xi8>
}

// -----

// A mask (broadcast along the rows: its map reads column d1 of row 0)
// leaves masked positions out of the max and gives them exponential 0; the
// divisor is at least 1, for rows with nothing kept.
// CHECK-DAG:   #[[FULL:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[BROADCAST:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func @masked_softmax
// CHECK-SAME:    (%[[X:.+]]: tensor<2x4xi8>, %[[M:.+]]: tensor<1x4xi1>)
// CHECK-DAG:     %[[ONE:.+]] = arith.constant 1 : i64
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant 0 : i32
// CHECK:         %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[FULL]], #[[BROADCAST]], {{.+}}], iterator_types = ["parallel", "reduction"]} ins(%[[X]], %[[M]] : tensor<2x4xi8>, tensor<1x4xi1>)
// CHECK-NEXT:    ^bb0(%[[XI:.+]]: i8, %[[MI:.+]]: i1, %[[ACC:.+]]: i8):
// CHECK-NEXT:      %[[CANDIDATE:.+]] = arith.select %[[MI]], %[[XI]], %[[ACC]] : i8
// CHECK-NEXT:      arith.maxsi %[[CANDIDATE]], %[[ACC]] : i8
// CHECK:         %[[E:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[M]], %[[MAX]] : tensor<2x4xi8>, tensor<1x4xi1>, tensor<2xi8>)
// CHECK:           %[[ENTRY:.+]] = tensor.extract
// CHECK-NEXT:      arith.select %{{.+}}, %[[ENTRY]], %[[ZERO]] : i32
// CHECK:         %[[SUM:.+]] = linalg.generic {{.*}} ins(%[[E]] : tensor<2x4xi32>)
// CHECK:         linalg.generic {{.*}} ins(%[[E]], %[[SUM]] : tensor<2x4xi32>, tensor<2xi32>)
// CHECK-NEXT:    ^bb0(%{{.+}}: i32, %[[SI:.+]]: i32, %{{.+}}: i8):
// CHECK:           %[[S:.+]] = arith.extsi %[[SI]] : i32 to i64
// CHECK-NEXT:      arith.maxsi %[[S]], %[[ONE]] : i64
func.func @masked_softmax(%x: tensor<2x4xi8>, %m: tensor<1x4xi1>) -> tensor<2x4xi8> {
  %q = quant.scast %x : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x4xf32>
  %p = qc.softmax %d mask(%m : tensor<1x4xi1>) axis(1) : tensor<2x4xf32>
  %o = qc.quantize %p : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32, 0.00390625:-128>>
  %s = quant.scast %o : tensor<2x4x!quant.uniform<i8:f32, 0.00390625:-128>> to tensor<2x4xi8>
  return %s : tensor<2x4xi8>
}

// -----

// Not quantized afterwards: the softmax stays in float.
// CHECK-LABEL: func @softmax_float_result
// CHECK:         qc.softmax
func.func @softmax_float_result(%x: tensor<2x4xi8>) -> tensor<2x4xf32> {
  %q = quant.scast %x : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x4xf32>
  %p = qc.softmax %d axis(1) : tensor<2x4xf32>
  return %p : tensor<2x4xf32>
}

// -----

// Rows of N = 4 at input scale 0.5, epsilon 1e-5: eps N^3 / s^2 rounds to
// 0; sum(d^2) < 4 * 1020^2 < 2^22, so the root's shift k = 20 (2k = 40);
// c = 16 fraction bits: C = gamma * sqrt(4) / 0.25 * 2^16 and
// B = beta / 0.25 * 2^16.
// CHECK-LABEL: func @layer_norm
// CHECK-SAME:    (%[[X:.+]]: tensor<3x4xi8>)
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[65536, 0, -131072, 262144]> : tensor<4xi64>
// CHECK-DAG:     %[[C:.+]] = arith.constant dense<[524288, 1048576, 262144, -524288]> : tensor<4xi64>
// CHECK-DAG:     %[[N:.+]] = arith.constant 4 : i64
// CHECK-DAG:     %[[TWO_K:.+]] = arith.constant 40 : i64
// CHECK-DAG:     %[[K:.+]] = arith.constant 20 : i64
// CHECK-DAG:     %[[FRACTION:.+]] = arith.constant 16 : i64
// CHECK:         %[[SUM:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<3x4xi8>) outs(%{{.+}} : tensor<3xi32>)
// CHECK:         %[[SQUARES:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]], %[[SUM]] : tensor<3x4xi8>, tensor<3xi32>) outs(%{{.+}} : tensor<3xi64>)
// CHECK:           arith.muli %{{.+}}, %[[N]] : i64
// CHECK:         %[[ROOT:.+]] = linalg.generic {{.*}} ins(%[[SQUARES]] : tensor<3xi64>) outs(%{{.+}} : tensor<3xi64>)
// CHECK:           arith.shli %{{.+}}, %[[TWO_K]] : i64
// CHECK:         %[[Y:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[SUM]], %[[ROOT]], %[[C]], %[[B]] : tensor<3x4xi8>, tensor<3xi32>, tensor<3xi64>, tensor<4xi64>, tensor<4xi64>) outs(%{{.+}} : tensor<3x4xi8>)
// CHECK:           arith.shli %{{.+}}, %[[K]] : i64
// CHECK:           arith.shli %{{.+}}, %[[FRACTION]] : i64
// CHECK:           arith.divsi
// CHECK:         return %[[Y]]
func.func @layer_norm(%x: tensor<3x4xi8>) -> tensor<3x4xi8> {
  %g = arith.constant dense<[1.0, 2.0, 0.5, -1.0]> : tensor<4xf32>
  %b = arith.constant dense<[0.25, 0.0, -0.5, 1.0]> : tensor<4xf32>
  %q = quant.scast %x : tensor<3x4xi8> to tensor<3x4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<3x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<3x4xf32>
  %y, %m, %i = qc.layer_norm %d, %g, %b axis(1) epsilon(1.0e-05) : (tensor<3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<3x4xf32>, tensor<3x1xf32>, tensor<3x1xf32>)
  %o = qc.quantize %y : tensor<3x4xf32> -> tensor<3x4x!quant.uniform<i8:f32, 0.25:2>>
  %s = quant.scast %o : tensor<3x4x!quant.uniform<i8:f32, 0.25:2>> to tensor<3x4xi8>
  return %s : tensor<3x4xi8>
}

// -----

// Its mean is used, or its scale is not a constant: it stays in float.
// CHECK-LABEL: func @layer_norm_not_lowered
// CHECK-COUNT-2: qc.layer_norm
func.func @layer_norm_not_lowered(%x: tensor<3x4xi8>, %g2: tensor<4xf32>) -> (tensor<3x4xi8>, tensor<3x1xf32>, tensor<3x4xi8>) {
  %g = arith.constant dense<[1.0, 2.0, 0.5, -1.0]> : tensor<4xf32>
  %q = quant.scast %x : tensor<3x4xi8> to tensor<3x4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<3x4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<3x4xf32>
  %y, %m, %i = qc.layer_norm %d, %g axis(1) epsilon(1.0e-05) : (tensor<3x4xf32>, tensor<4xf32>) -> (tensor<3x4xf32>, tensor<3x1xf32>, tensor<3x1xf32>)
  %o = qc.quantize %y : tensor<3x4xf32> -> tensor<3x4x!quant.uniform<i8:f32, 0.25:2>>
  %s = quant.scast %o : tensor<3x4x!quant.uniform<i8:f32, 0.25:2>> to tensor<3x4xi8>
  %y2, %m2, %i2 = qc.layer_norm %d, %g2 axis(1) epsilon(1.0e-05) : (tensor<3x4xf32>, tensor<4xf32>) -> (tensor<3x4xf32>, tensor<3x1xf32>, tensor<3x1xf32>)
  %o2 = qc.quantize %y2 : tensor<3x4xf32> -> tensor<3x4x!quant.uniform<i8:f32, 0.25:2>>
  %s2 = quant.scast %o2 : tensor<3x4x!quant.uniform<i8:f32, 0.25:2>> to tensor<3x4xi8>
  return %s, %m, %s2 : tensor<3x4xi8>, tensor<3x1xf32>, tensor<3x4xi8>
}

//===----------------------------------------------------------------------===//
// Per-channel outputs and depthwise inputs (qc-quantize's
// per-channel-depthwise-inputs)
//===----------------------------------------------------------------------===//

// An i32 accumulator at scale 0.5 into scales {0.25, 1.0} along axis 1 with
// one zero point: multipliers 2 = 2^30 * 2^-29 and 0.5 = 2^30 * 2^-31. A
// ReLU's lower bound is the zero point in every channel.
// CHECK-LABEL: func @requant_per_channel_output
// CHECK:         qc.requant %{{.+}} by(#qc.dyadic<per_axis = 1, [1073741824 * 2**-29, 1073741824 * 2**-31]>) output_zp(3) clamp [3, 127] : tensor<2x2x3xi32> -> tensor<2x2x3xi8>
func.func @requant_per_channel_output(%x: tensor<2x2x3xi32>) -> tensor<2x2x3xi8> {
  %q = quant.scast %x : tensor<2x2x3xi32> to tensor<2x2x3x!quant.uniform<i32:f32, 0.5>>
  %d = qc.dequantize %q : tensor<2x2x3x!quant.uniform<i32:f32, 0.5>> -> tensor<2x2x3xf32>
  %r = tosa.clamp %d {min_val = 0.0 : f32, max_val = 3.4028235e+38 : f32} : (tensor<2x2x3xf32>) -> tensor<2x2x3xf32>
  %o = qc.quantize %r : tensor<2x2x3xf32> -> tensor<2x2x3x!quant.uniform<i8:f32:1, {0.25:3, 1.0:3}>>
  %s = quant.scast %o : tensor<2x2x3x!quant.uniform<i8:f32:1, {0.25:3, 1.0:3}>> to tensor<2x2x3xi8>
  return %s : tensor<2x2x3xi8>
}

// -----

// A clamp at 6 is storage 27 in channel 0 and 9 in channel 1: qc.requant
// clamps all channels alike, so the quantize stays.
// CHECK-LABEL: func @clamp_differs_by_channel
// CHECK-NOT:     qc.requant
// CHECK:         qc.quantize
func.func @clamp_differs_by_channel(%x: tensor<2x2x3xi32>) -> tensor<2x2x3xi8> {
  %q = quant.scast %x : tensor<2x2x3xi32> to tensor<2x2x3x!quant.uniform<i32:f32, 0.5>>
  %d = qc.dequantize %q : tensor<2x2x3x!quant.uniform<i32:f32, 0.5>> -> tensor<2x2x3xf32>
  %r = tosa.clamp %d {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<2x2x3xf32>) -> tensor<2x2x3xf32>
  %o = qc.quantize %r : tensor<2x2x3xf32> -> tensor<2x2x3x!quant.uniform<i8:f32:1, {0.25:3, 1.0:3}>>
  %s = quant.scast %o : tensor<2x2x3x!quant.uniform<i8:f32:1, {0.25:3, 1.0:3}>> to tensor<2x2x3xi8>
  return %s : tensor<2x2x3xi8>
}

// -----

// Per-channel input and output along different axes, and an output with a
// zero point per channel: no single qc.requant computes either.
// CHECK-LABEL: func @per_channel_mismatch
// CHECK-NOT:     qc.requant
// CHECK:         qc.quantize
// CHECK:         qc.quantize
func.func @per_channel_mismatch(%x: tensor<2x2xi32>) -> (tensor<2x2xi8>, tensor<2x2xi8>) {
  %q = quant.scast %x : tensor<2x2xi32> to tensor<2x2x!quant.uniform<i32:f32:0, {0.5, 0.25}>>
  %d = qc.dequantize %q : tensor<2x2x!quant.uniform<i32:f32:0, {0.5, 0.25}>> -> tensor<2x2xf32>
  %o = qc.quantize %d : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32:1, {0.25, 1.0}>>
  %p = qc.quantize %d : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.25:1, 1.0:2}>>
  %s = quant.scast %o : tensor<2x2x!quant.uniform<i8:f32:1, {0.25, 1.0}>> to tensor<2x2xi8>
  %t = quant.scast %p : tensor<2x2x!quant.uniform<i8:f32:0, {0.25:1, 1.0:2}>> to tensor<2x2xi8>
  return %s, %t : tensor<2x2xi8>, tensor<2x2xi8>
}

// -----

// A depthwise convolution takes a per-channel input with one zero point
// (folded into the bias: -(-3) * w per channel), its accumulator scales
// s_in[c] * s_w[c] = {0.1 * 0.5, 0.2 * 0.25}; with zero points that differ
// by channel, or a per-channel input to a full convolution, nothing
// changes.
// CHECK-LABEL: func @depthwise_per_channel_input
// CHECK:         %[[BIAS:.+]] = arith.constant dense<[6, 12]> : tensor<2xi32>
// CHECK:         tosa.depthwise_conv2d %{{.+}}, %{{.+}}, %[[BIAS]], {{.*}} -> tensor<1x2x2x2xi32>
// CHECK:         qc.dequantize %{{.+}} : tensor<1x2x2x2x!quant.uniform<i32:f32:3, {5.000000e-02,5.000000e-02}>>
// CHECK:         tosa.depthwise_conv2d {{.*}} -> tensor<1x2x2x2xf32>
// CHECK:         tosa.conv2d {{.*}} -> tensor<1x2x2x2xf32>
func.func @depthwise_per_channel_input(%x: tensor<1x2x2x2xi8>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %qx = quant.scast %x : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!quant.uniform<i8:f32:3, {0.1:-3, 0.2:-3}>>
  %dx = qc.dequantize %qx : tensor<1x2x2x2x!quant.uniform<i8:f32:3, {0.1:-3, 0.2:-3}>> -> tensor<1x2x2x2xf32>
  %qy = quant.scast %x : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!quant.uniform<i8:f32:3, {0.1:-3, 0.2:4}>>
  %dy = qc.dequantize %qy : tensor<1x2x2x2x!quant.uniform<i8:f32:3, {0.1:-3, 0.2:4}>> -> tensor<1x2x2x2xf32>
  %w = arith.constant dense<[[[[2], [4]]]]> : tensor<1x1x2x1xi8>
  %qw = quant.scast %w : tensor<1x1x2x1xi8> to tensor<1x1x2x1x!quant.uniform<i8<-127:127>:f32:2, {0.5, 0.25}>>
  %dw = qc.dequantize %qw : tensor<1x1x2x1x!quant.uniform<i8<-127:127>:f32:2, {0.5, 0.25}>> -> tensor<1x1x2x1xf32>
  %fw = arith.constant dense<[[[[2, 4]]], [[[1, 3]]]]> : tensor<2x1x1x2xi8>
  %qf = quant.scast %fw : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25}>>
  %df = qc.dequantize %qf : tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25}>> -> tensor<2x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %e = tosa.depthwise_conv2d %dy, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %f = tosa.conv2d %dx, %df, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %c, %e, %f : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Regressions: bugs these tests found, fixed (checked on the raw output)
//===----------------------------------------------------------------------===//

// -----

// BUG 1: tosa.max_pool2d on uint8 storage. CommuteDataMovement moves the
// uint8 dequantize through the pooling before SignUnsignedDequantize flips it
// to int8, so TOSA's signed max compares the raw bytes as int8: 200 (-56)
// loses to 100. Expected: the xor first, then the pooling.
// CHECK-LABEL: func @bug_max_pool2d_uint8
// REGRESSION-LABEL: func @bug_max_pool2d_uint8
// REGRESSION:         %[[FLIP:.+]] = tosa.bitwise_xor
// REGRESSION-NEXT:    tosa.max_pool2d %[[FLIP]]
func.func @bug_max_pool2d_uint8(%x: tensor<1x2x1x1xi8>) -> tensor<1x1x1x1xf32> {
  %q = quant.scast %x : tensor<1x2x1x1xi8> to tensor<1x2x1x1x!quant.uniform<u8:f32, 0.5:130>>
  %d = qc.dequantize %q : tensor<1x2x1x1x!quant.uniform<u8:f32, 0.5:130>> -> tensor<1x2x1x1xf32>
  %p = tosa.max_pool2d %d {kernel = array<i64: 2, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32>
  return %p : tensor<1x1x1x1xf32>
}

// -----

// BUG 2: a bias of one element (TOSA broadcasts it over the output
// channels) with per-channel weights is quantized with channel 0's scale
// only (dense<8> : tensor<1xi32>), which is wrong for channels 1 and 2.
// Expected: one value per channel, 1.0 / {0.125, 0.0625, 0.03125}.
// CHECK-LABEL: func @bug_conv2d_single_bias_per_channel
// REGRESSION-LABEL: func @bug_conv2d_single_bias_per_channel
// REGRESSION:         arith.constant dense<[8, 16, 32]> : tensor<3xi32>
func.func @bug_conv2d_single_bias_per_channel(%x: tensor<1x4x4x2xi8>, %w: tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xf32> {
  %qx = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %dx = qc.dequantize %qx : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x4x2xf32>
  %qw = quant.scast %w : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.0625}>>
  %dw = qc.dequantize %qw : tensor<3x1x1x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.0625}>> -> tensor<3x1x1x2xf32>
  %b = arith.constant dense<1.0> : tensor<1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %dx, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %c : tensor<1x4x4x3xf32>
}

// -----

// BUG 3: matchScalingGeneric checks neither that the arith.mulf reads the
// input (here it scales the init operand %out) nor that its product is
// yielded, yet both generics are folded into "input at scale 0.125".
// Expected: both generics stay.
// CHECK-LABEL: func @bug_generic_mul_of_init
// REGRESSION-LABEL: func @bug_generic_mul_of_init
// REGRESSION:         linalg.generic
#map = affine_map<(d0) -> (d0)>
func.func @bug_generic_mul_of_init(%x: tensor<4xi8>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %c = arith.constant 0.25 : f32
  %m = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%d : tensor<4xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %p = arith.mulf %c, %out : f32
    linalg.yield %p : f32
  } -> tensor<4xf32>
  return %m : tensor<4xf32>
}
// CHECK-LABEL: func @bug_generic_mul_not_yielded
// REGRESSION-LABEL: func @bug_generic_mul_not_yielded
// REGRESSION:         linalg.generic
func.func @bug_generic_mul_not_yielded(%x: tensor<4xi8>) -> tensor<4xf32> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %c = arith.constant 0.25 : f32
  %init = tensor.empty() : tensor<4xf32>
  %m = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%d : tensor<4xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %p = arith.mulf %c, %in : f32
    linalg.yield %in : f32
  } -> tensor<4xf32>
  return %m : tensor<4xf32>
}

// -----

// BUG 4: the greedy driver folds qc.dequantize of a constant into a float
// constant. With an int8 input the matmul is converted before that happens;
// with a uint8 input it is not (the input must first be flipped), the
// weights' dequantize folds meanwhile, and the matmul stays in float with
// float constant weights. Expected: tosa.matmul on i8 into i32.
// CHECK-LABEL: func @bug_constant_weights_fold_first
// REGRESSION-LABEL: func @bug_constant_weights_fold_first
// REGRESSION:         tosa.matmul {{.*}} : (tensor<1x2x4xi8>, tensor<1x4x3xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x3xi32>
func.func @bug_constant_weights_fold_first(%a: tensor<1x2x4xi8>) -> tensor<1x2x3xf32> {
  %qa = quant.scast %a : tensor<1x2x4xi8> to tensor<1x2x4x!quant.uniform<u8:f32, 0.5:125>>
  %da = qc.dequantize %qa : tensor<1x2x4x!quant.uniform<u8:f32, 0.5:125>> -> tensor<1x2x4xf32>
  %b = arith.constant dense<[[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]]> : tensor<1x4x3xi8>
  %qb = quant.scast %b : tensor<1x4x3xi8> to tensor<1x4x3x!quant.uniform<i8:f32, 0.25>>
  %db = qc.dequantize %qb : tensor<1x4x3x!quant.uniform<i8:f32, 0.25>> -> tensor<1x4x3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %m = tosa.matmul %da, %db, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %m : tensor<1x2x3xf32>
}

// -----

// BUG 5: an i32 bias whose scale is the float32 product of the input and
// weight scales, as QDQ quantizers store it, is rejected by quantizeBias's
// exact comparison with the double product, so the convolution stays in
// float. Here the scales are the float32 values of 0.1 and 0.3 (as ONNX
// stores them); their product is 0.03000000163912775 in double and
// 0.030000001192092896 in float32. Expected: the bias used as is.
// CHECK-LABEL: func @bug_int32_bias_float32_scale
// REGRESSION-LABEL: func @bug_int32_bias_float32_scale
// REGRESSION-SAME:    %[[B:[^:]+]]: tensor<3xi32>
// REGRESSION:         tosa.conv2d %{{.+}}, %{{.+}}, %[[B]], {{.*}} -> tensor<1x4x4x3xi32>
func.func @bug_int32_bias_float32_scale(%x: tensor<1x4x4x2xi8>, %w: tensor<3x1x1x2xi8>, %b: tensor<3xi32>) -> tensor<1x4x4x3xf32> {
  %qx = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.10000000149011612>>
  %dx = qc.dequantize %qx : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.10000000149011612>> -> tensor<1x4x4x2xf32>
  %qw = quant.scast %w : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8:f32, 0.30000001192092896>>
  %dw = qc.dequantize %qw : tensor<3x1x1x2x!quant.uniform<i8:f32, 0.30000001192092896>> -> tensor<3x1x1x2xf32>
  %qb = quant.scast %b : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32, 0.030000001192092896>>
  %db = qc.dequantize %qb : tensor<3x!quant.uniform<i32:f32, 0.030000001192092896>> -> tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %dx, %dw, %db, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %c : tensor<1x4x4x3xf32>
}

// BUG 6: a per-tensor i32 input with a non-zero zero point: qc.requant
// takes input zero points of at most 16-bit inputs, so the quantize stays in
// float (it used to build a qc.requant its verifier rejects).
// CHECK-LABEL: func @bug_int32_zero_point
// REGRESSION-LABEL: func @bug_int32_zero_point
// REGRESSION-NOT:     qc.requant
// REGRESSION:         qc.quantize
func.func @bug_int32_zero_point(%x: tensor<2x3xi32>) -> tensor<2x3xi8> {
  %q = quant.scast %x : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32, 0.5:7>>
  %d = qc.dequantize %q : tensor<2x3x!quant.uniform<i32:f32, 0.5:7>> -> tensor<2x3xf32>
  %o = qc.quantize %d : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.3:5>>
  %s = quant.scast %o : tensor<2x3x!quant.uniform<i8:f32, 0.3:5>> to tensor<2x3xi8>
  return %s : tensor<2x3xi8>
}

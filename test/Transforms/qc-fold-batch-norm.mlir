// RUN: quant-opt %s --split-input-file --qc-fold-batch-norm | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-fold-batch-norm | FileCheck %s --check-prefix=REGRESSION

// Batch normalization after a convolution, as the ONNX importer emits it:
// tosa.conv2d / tosa.depthwise_conv2d (NHWC result), a tosa.transpose to
// NCHW, then tosa.mul and tosa.add by [1, C, 1, 1] constants. Folded weights
// are w[o] * a[o] (OHWI: o is dimension 0; HWCM: o = c * M + m), folded
// biases b[o] * a[o] + s[o]; every expected value below was computed by hand
// (all are exact in float32).
//
// The functions at the end of the file named @bug_* reproduce bugs these
// tests found; their REGRESSION lines check the fixed output.

//===----------------------------------------------------------------------===//
// Folds
//===----------------------------------------------------------------------===//

// Weights [[1, 2], [3, 4], [5, 6]] (3x1x1x2 OHWI), bias [1, 2, 3], a = [2,
// 0.5, -1] and s = [10, 20, 30] along NCHW axis 1:
// weights [[2, 4], [1.5, 2], [-5, -6]], bias [1*2+10, 2*0.5+20, 3*-1+30].
// Both ops fold; the transpose is rebuilt on the new convolution.
// CHECK-LABEL: func @conv_transpose_mul_add
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4x4x2xf32>)
// CHECK-DAG:     %[[ZP:.+]] = arith.constant dense<0.000000e+00> : tensor<1xf32>
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[}}[{{\[}}[2.000000e+00, 4.000000e+00]]], [{{\[}}[1.500000e+00, 2.000000e+00]]], [{{\[}}[-5.000000e+00, -6.000000e+00]]]]> : tensor<3x1x1x2xf32>
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[1.200000e+01, 2.100000e+01, 2.700000e+01]> : tensor<3xf32>
// CHECK-NOT:     tosa.mul
// CHECK:         %[[C:.+]] = tosa.conv2d %[[X]], %[[W]], %[[B]], %[[ZP]], %[[ZP]] {{.*}} -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[T:.+]] = tosa.transpose %[[C]] {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
// CHECK-NEXT:    return %[[T]]
func.func @conv_transpose_mul_add(%x: tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %a = "tosa.const"() <{values = dense<[[[[2.0]], [[0.5]], [[-1.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %t, %a, %shift : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>, tensor<1xi8>) -> tensor<1x3x4x4xf32>
  %s = "tosa.const"() <{values = dense<[[[[10.0]], [[20.0]], [[30.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %y = tosa.add %m, %s : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}

// -----

// The constants as the first operands, and no transpose: the channel axis is
// NHWC's 3. Same numbers as above.
// CHECK-LABEL: func @constant_first_no_transpose
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4x4x2xf32>)
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[}}[{{\[}}[2.000000e+00, 4.000000e+00]]], [{{\[}}[1.500000e+00, 2.000000e+00]]], [{{\[}}[-5.000000e+00, -6.000000e+00]]]]> : tensor<3x1x1x2xf32>
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[1.200000e+01, 2.100000e+01, 2.700000e+01]> : tensor<3xf32>
// CHECK:         %[[C:.+]] = tosa.conv2d %[[X]], %[[W]], %[[B]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    return %[[C]]
func.func @constant_first_no_transpose(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %a = "tosa.const"() <{values = dense<[[[[2.0, 0.5, -1.0]]]]> : tensor<1x1x1x3xf32>}> : () -> tensor<1x1x1x3xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %a, %c, %shift : (tensor<1x1x1x3xf32>, tensor<1x4x4x3xf32>, tensor<1xi8>) -> tensor<1x4x4x3xf32>
  %s = "tosa.const"() <{values = dense<[[[[10.0, 20.0, 30.0]]]]> : tensor<1x1x1x3xf32>}> : () -> tensor<1x1x1x3xf32>
  %y = tosa.add %s, %m : (tensor<1x1x1x3xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}

// -----

// An add alone changes the bias only ([1, 2, 3] + [10, 20, 30]); the
// weights stay the same constant.
// CHECK-LABEL: func @add_only
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4x4x2xf32>)
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[}}[{{\[}}[1.000000e+00, 2.000000e+00]]], [{{\[}}[3.000000e+00, 4.000000e+00]]], [{{\[}}[5.000000e+00, 6.000000e+00]]]]> : tensor<3x1x1x2xf32>
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[1.100000e+01, 2.200000e+01, 3.300000e+01]> : tensor<3xf32>
// CHECK:         %[[C:.+]] = tosa.conv2d %[[X]], %[[W]], %[[B]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[T:.+]] = tosa.transpose %[[C]]
// CHECK-NEXT:    return %[[T]]
func.func @add_only(%x: tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %s = "tosa.const"() <{values = dense<[[[[10.0]], [[20.0]], [[30.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %y = tosa.add %s, %t : (tensor<1x3x1x1xf32>, tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}

// -----

// Depthwise HWCM weights (2x1x3x1, M = 1): output channel c. Weights
// [h0: 1, 2, 3; h1: 4, 5, 6] * [2, 0.5, -1] = [h0: 2, 1, -3; h1: 8, 2.5, -6];
// bias [0.5, 1, 1.5] * a = [1, 0.5, -1.5], plus the scalar shift 0.25:
// [1.25, 0.75, -1.25].
// CHECK-LABEL: func @depthwise
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4x4x3xf32>)
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[}}[{{\[}}[2.000000e+00], [1.000000e+00], [-3.000000e+00]]], [{{\[}}[8.000000e+00], [2.500000e+00], [-6.000000e+00]]]]> : tensor<2x1x3x1xf32>
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[1.250000e+00, 7.500000e-01, -1.250000e+00]> : tensor<3xf32>
// CHECK:         %[[C:.+]] = tosa.depthwise_conv2d %[[X]], %[[W]], %[[B]], {{.*}} -> tensor<1x3x4x3xf32>
// CHECK-NEXT:    %[[T:.+]] = tosa.transpose %[[C]] {perms = array<i32: 0, 3, 1, 2>}
// CHECK-NEXT:    return %[[T]]
func.func @depthwise(%x: tensor<1x4x4x3xf32>) -> tensor<1x3x3x4xf32> {
  %w = arith.constant dense<[[[[1.0], [2.0], [3.0]]], [[[4.0], [5.0], [6.0]]]]> : tensor<2x1x3x1xf32>
  %b = arith.constant dense<[0.5, 1.0, 1.5]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<2x1x3x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x4x3xf32>) -> tensor<1x3x3x4xf32>
  %a = "tosa.const"() <{values = dense<[[[[2.0]], [[0.5]], [[-1.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %t, %a, %shift : (tensor<1x3x3x4xf32>, tensor<1x3x1x1xf32>, tensor<1xi8>) -> tensor<1x3x3x4xf32>
  %s = "tosa.const"() <{values = dense<0.25> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %y = tosa.add %m, %s : (tensor<1x3x3x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x3x3x4xf32>
  return %y : tensor<1x3x3x4xf32>
}

// -----

// Depthwise with a channel multiplier (C = 2, M = 2): element [h][w][c][m]
// belongs to output channel c * 2 + m, so a = [1, 10, 100, -1] scales
// [[1, 2], [3, 4]] and [[5, 6], [7, 8]] into [[1, 20], [300, -4]] and
// [[5, 60], [700, -8]]; bias [1, 2, 3, 4] -> [1, 20, 300, -4].
// CHECK-LABEL: func @depthwise_multiplier
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[}}[{{\[}}[1.000000e+00, 2.000000e+01], [3.000000e+02, -4.000000e+00]]], [{{\[}}[5.000000e+00, 6.000000e+01], [7.000000e+02, -8.000000e+00]]]]> : tensor<2x1x2x2xf32>
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+01, 3.000000e+02, -4.000000e+00]> : tensor<4xf32>
// CHECK:         %[[C:.+]] = tosa.depthwise_conv2d %{{.+}}, %[[W]], %[[B]], {{.*}} -> tensor<1x3x4x4xf32>
// CHECK-NEXT:    return %[[C]]
func.func @depthwise_multiplier(%x: tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0], [7.0, 8.0]]]]> : tensor<2x1x2x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x4x4xf32>
  %a = "tosa.const"() <{values = dense<[[[[1.0, 10.0, 100.0, -1.0]]]]> : tensor<1x1x1x4xf32>}> : () -> tensor<1x1x1x4xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %c, %a, %shift : (tensor<1x3x4x4xf32>, tensor<1x1x1x4xf32>, tensor<1xi8>) -> tensor<1x3x4x4xf32>
  return %m : tensor<1x3x4x4xf32>
}

// -----

// A one-element multiplier scales every channel: weights * 3, bias * 3.
// CHECK-LABEL: func @scalar_multiplier
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[}}[{{\[}}[3.000000e+00, 6.000000e+00]]], [{{\[}}[9.000000e+00, 1.200000e+01]]], [{{\[}}[1.500000e+01, 1.800000e+01]]]]> : tensor<3x1x1x2xf32>
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[3.000000e+00, 6.000000e+00, 9.000000e+00]> : tensor<3xf32>
// CHECK:         %[[C:.+]] = tosa.conv2d %{{.+}}, %[[W]], %[[B]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[T:.+]] = tosa.transpose %[[C]]
// CHECK-NEXT:    return %[[T]]
func.func @scalar_multiplier(%x: tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %a = "tosa.const"() <{values = dense<3.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %t, %a, %shift : (tensor<1x3x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x3x4x4xf32>
  return %m : tensor<1x3x4x4xf32>
}

// -----

// The importer's weights: an OIHW constant behind a transpose to OHWI
// (perms [0, 2, 3, 1]); the bias and the multiplier behind reshapes. OIHW
// [o0: i0 [1, 2], i1 [3, 4]; o1: i0 [5, 6], i1 [7, 8]] (H = 1, W = 2) is
// OHWI [o0: [1, 3], [2, 4]; o1: [5, 7], [6, 8]]; times a = [2, -1]:
// [o0: [2, 6], [4, 8]; o1: [-5, -7], [-6, -8]]. Bias [1, 2] * a = [2, -2].
// CHECK-LABEL: func @importer_weights
// CHECK-SAME:    (%[[X:.+]]: tensor<1x4x4x2xf32>)
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[}}[{{\[}}[2.000000e+00, 6.000000e+00], [4.000000e+00, 8.000000e+00]]], [{{\[}}[-5.000000e+00, -7.000000e+00], [-6.000000e+00, -8.000000e+00]]]]> : tensor<2x1x2x2xf32>
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[2.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK:         %[[C:.+]] = tosa.conv2d %[[X]], %[[W]], %[[B]], {{.*}} -> tensor<1x4x3x2xf32>
// CHECK-NEXT:    %[[T:.+]] = tosa.transpose %[[C]]
// CHECK-NEXT:    return %[[T]]
func.func @importer_weights(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x4x3xf32> {
  %w0 = "tosa.const"() <{values = dense<[[[[1.0, 2.0]], [[3.0, 4.0]]], [[[5.0, 6.0]], [[7.0, 8.0]]]]> : tensor<2x2x1x2xf32>}> : () -> tensor<2x2x1x2xf32>
  %w = tosa.transpose %w0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x2x1x2xf32>) -> tensor<2x1x2x2xf32>
  %b0 = "tosa.const"() <{values = dense<[[1.0, 2.0]]> : tensor<1x2xf32>}> : () -> tensor<1x2xf32>
  %bs = tosa.const_shape {values = dense<[2]> : tensor<1xindex>} : () -> !tosa.shape<1>
  %b = tosa.reshape %b0, %bs : (tensor<1x2xf32>, !tosa.shape<1>) -> tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3x2xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x3x2xf32>) -> tensor<1x2x4x3xf32>
  %a0 = "tosa.const"() <{values = dense<[2.0, -1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %as = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %a = tosa.reshape %a0, %as : (tensor<2xf32>, !tosa.shape<4>) -> tensor<1x2x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %a, %t, %shift : (tensor<1x2x1x1xf32>, tensor<1x2x4x3xf32>, tensor<1xi8>) -> tensor<1x2x4x3xf32>
  return %m : tensor<1x2x4x3xf32>
}

// -----

// Two multiplications in a row both fold: [2, 0.5, -1] then [0.5, 4, 3].
// Weights [[1, 2], [3, 4], [5, 6]] * [1, 2, -3] = [[1, 2], [6, 8], [-15, -18]];
// bias [1, 2, 3] * [1, 2, -3] = [1, 4, -9].
// CHECK-LABEL: func @two_multiplications
// CHECK-DAG:     %[[W:.+]] = arith.constant dense<{{\[}}[{{\[}}[1.000000e+00, 2.000000e+00]]], [{{\[}}[6.000000e+00, 8.000000e+00]]], [{{\[}}[-1.500000e+01, -1.800000e+01]]]]> : tensor<3x1x1x2xf32>
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[1.000000e+00, 4.000000e+00, -9.000000e+00]> : tensor<3xf32>
// CHECK:         %[[C:.+]] = tosa.conv2d %{{.+}}, %[[W]], %[[B]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[T:.+]] = tosa.transpose %[[C]]
// CHECK-NEXT:    return %[[T]]
func.func @two_multiplications(%x: tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %a = "tosa.const"() <{values = dense<[[[[2.0]], [[0.5]], [[-1.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %t, %a, %shift : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>, tensor<1xi8>) -> tensor<1x3x4x4xf32>
  %a2 = "tosa.const"() <{values = dense<[[[[0.5]], [[4.0]], [[3.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %m2 = tosa.mul %m, %a2, %shift : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>, tensor<1xi8>) -> tensor<1x3x4x4xf32>
  return %m2 : tensor<1x3x4x4xf32>
}

//===----------------------------------------------------------------------===//
// No fold
//===----------------------------------------------------------------------===//

// -----

// The convolution has a second use: folding would change it, so nothing
// folds.
// CHECK-LABEL: func @conv_second_use
// CHECK:         %[[W:.+]] = arith.constant dense<{{\[}}[{{\[}}[1.000000e+00, 2.000000e+00]]], [{{\[}}[3.000000e+00, 4.000000e+00]]], [{{\[}}[5.000000e+00, 6.000000e+00]]]]> : tensor<3x1x1x2xf32>
// CHECK:         %[[C:.+]] = tosa.conv2d %{{.+}}, %[[W]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK:         %[[T:.+]] = tosa.transpose %[[C]]
// CHECK:         %[[M:.+]] = tosa.mul %[[T]], %{{.+}}, %{{.+}} :
// CHECK:         return %[[M]], %[[C]]
func.func @conv_second_use(%x: tensor<1x4x4x2xf32>) -> (tensor<1x3x4x4xf32>, tensor<1x4x4x3xf32>) {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %a = "tosa.const"() <{values = dense<[[[[2.0]], [[0.5]], [[-1.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %t, %a, %shift : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>, tensor<1xi8>) -> tensor<1x3x4x4xf32>
  return %m, %c : tensor<1x3x4x4xf32>, tensor<1x4x4x3xf32>
}

// -----

// The transpose has a second use.
// CHECK-LABEL: func @transpose_second_use
// CHECK:         %[[W:.+]] = arith.constant dense<{{\[}}[{{\[}}[1.000000e+00, 2.000000e+00]]], [{{\[}}[3.000000e+00, 4.000000e+00]]], [{{\[}}[5.000000e+00, 6.000000e+00]]]]> : tensor<3x1x1x2xf32>
// CHECK:         %[[C:.+]] = tosa.conv2d %{{.+}}, %[[W]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK:         %[[T:.+]] = tosa.transpose %[[C]]
// CHECK:         %[[A:.+]] = tosa.add %[[T]], %{{.+}} :
// CHECK:         return %[[A]], %[[T]]
func.func @transpose_second_use(%x: tensor<1x4x4x2xf32>) -> (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %s = "tosa.const"() <{values = dense<[[[[10.0]], [[20.0]], [[30.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %y = tosa.add %t, %s : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x4x4xf32>
  return %y, %t : tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>
}

// -----

// The multiplier and the shift are not constants.
// CHECK-LABEL: func @non_constant_operand
// CHECK-SAME:    (%{{.+}}: tensor<1x4x4x2xf32>, %[[A:[^:]+]]: tensor<1x3x1x1xf32>, %[[S:[^:]+]]: tensor<1x3x1x1xf32>)
// CHECK:         %[[C:.+]] = tosa.conv2d
// CHECK:         %[[T:.+]] = tosa.transpose %[[C]]
// CHECK:         %[[M:.+]] = tosa.mul %[[T]], %[[A]], %{{.+}} :
// CHECK:         %[[Y:.+]] = tosa.add %[[M]], %[[S]] :
// CHECK:         return %[[Y]]
func.func @non_constant_operand(%x: tensor<1x4x4x2xf32>, %a: tensor<1x3x1x1xf32>, %s: tensor<1x3x1x1xf32>) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %t, %a, %shift : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>, tensor<1xi8>) -> tensor<1x3x4x4xf32>
  %y = tosa.add %m, %s : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}

// -----

// Constants that vary along a spatial axis are not per channel: [1, 1, 4, 1]
// (NCHW H) after the transpose, and [1, 1, 1, 3] after it on a 3x3 output,
// where W has as many elements as there are channels but is not axis 1.
// CHECK-LABEL: func @non_channel_axis
// CHECK:         tosa.conv2d
// CHECK:         tosa.transpose
// CHECK:         tosa.mul
// CHECK-LABEL: func @non_channel_axis_same_size
// CHECK:         tosa.conv2d
// CHECK:         tosa.transpose
// CHECK:         tosa.add
func.func @non_channel_axis(%x: tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %a = "tosa.const"() <{values = dense<[[[[1.0], [2.0], [3.0], [4.0]]]]> : tensor<1x1x4x1xf32>}> : () -> tensor<1x1x4x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %t, %a, %shift : (tensor<1x3x4x4xf32>, tensor<1x1x4x1xf32>, tensor<1xi8>) -> tensor<1x3x4x4xf32>
  return %m : tensor<1x3x4x4xf32>
}
func.func @non_channel_axis_same_size(%x: tensor<1x3x3x2xf32>) -> tensor<1x3x3x3xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  %s = "tosa.const"() <{values = dense<[[[[10.0, 20.0, 30.0]]]]> : tensor<1x1x1x3xf32>}> : () -> tensor<1x1x1x3xf32>
  %y = tosa.add %t, %s : (tensor<1x3x3x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x3x3x3xf32>
  return %y : tensor<1x3x3x3xf32>
}

// -----

// The multiplied value is not a convolution's (directly or through one
// transpose): a clamp between them, a function argument, and an add of two
// convolutions (neither operand is a constant).
// CHECK-LABEL: func @not_convolution
// CHECK:         %[[C:.+]] = tosa.conv2d
// CHECK:         %[[R:.+]] = tosa.clamp %[[C]]
// CHECK:         tosa.mul %[[R]], %{{.+}}, %{{.+}} :
// CHECK-LABEL: func @argument
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<1x4x4x3xf32>)
// CHECK:         tosa.mul %[[X]], %{{.+}}, %{{.+}} :
// CHECK-LABEL: func @add_of_convolutions
// CHECK:         %[[C1:.+]] = tosa.conv2d
// CHECK:         %[[C2:.+]] = tosa.conv2d
// CHECK:         tosa.add %[[C1]], %[[C2]] :
func.func @not_convolution(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %a = "tosa.const"() <{values = dense<[[[[2.0, 0.5, -1.0]]]]> : tensor<1x1x1x3xf32>}> : () -> tensor<1x1x1x3xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %r, %a, %shift : (tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>, tensor<1xi8>) -> tensor<1x4x4x3xf32>
  return %m : tensor<1x4x4x3xf32>
}
func.func @argument(%x: tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> {
  %a = "tosa.const"() <{values = dense<[[[[2.0, 0.5, -1.0]]]]> : tensor<1x1x1x3xf32>}> : () -> tensor<1x1x1x3xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %x, %a, %shift : (tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>, tensor<1xi8>) -> tensor<1x4x4x3xf32>
  return %m : tensor<1x4x4x3xf32>
}
func.func @add_of_convolutions(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c1 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %c2 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %y = tosa.add %c1, %c2 : (tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}

// -----

// Weights that are not constants (a function argument) cannot be folded
// into.
// CHECK-LABEL: func @non_constant_weights
// CHECK-SAME:    (%{{.+}}: tensor<1x4x4x2xf32>, %[[W:[^:]+]]: tensor<3x1x1x2xf32>)
// CHECK:         %[[C:.+]] = tosa.conv2d %{{.+}}, %[[W]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK:         tosa.mul %[[C]], %{{.+}}, %{{.+}} :
func.func @non_constant_weights(%x: tensor<1x4x4x2xf32>, %w: tensor<3x1x1x2xf32>) -> tensor<1x4x4x3xf32> {
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %a = "tosa.const"() <{values = dense<[[[[2.0, 0.5, -1.0]]]]> : tensor<1x1x1x3xf32>}> : () -> tensor<1x1x1x3xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %c, %a, %shift : (tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>, tensor<1xi8>) -> tensor<1x4x4x3xf32>
  return %m : tensor<1x4x4x3xf32>
}

//===----------------------------------------------------------------------===//
// Regressions: bugs these tests found, fixed
//===----------------------------------------------------------------------===//

// -----

// BUG 1: a one-element bias (TOSA broadcasts it over the output channels)
// with a per-channel multiplier or shift. FoldChannelAffine expands the bias
// to one value per channel but builds the new constant with the old bias
// type, tensor<1xf32>; DenseElementsAttr::get then keeps the first value
// only, so every channel gets channel 0's bias: dense<2.0> : tensor<1xf32>
// for the multiplication, dense<11.0> : tensor<1xf32> for the addition
// (silently wrong for channels 1 and 2). Expected: a tensor<3xf32> bias,
// 1 * [2, 0.5, -1] and 1 + [10, 20, 30].
// CHECK-LABEL: func @bug_one_element_bias_mul
// REGRESSION-LABEL:   func @bug_one_element_bias_mul
// REGRESSION:           %[[B:.+]] = arith.constant dense<[2.000000e+00, 5.000000e-01, -1.000000e+00]> : tensor<3xf32>
// REGRESSION:           tosa.conv2d %{{.+}}, %{{.+}}, %[[B]], {{.*}} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
func.func @bug_one_element_bias_mul(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<1.0> : tensor<1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %a = "tosa.const"() <{values = dense<[[[[2.0, 0.5, -1.0]]]]> : tensor<1x1x1x3xf32>}> : () -> tensor<1x1x1x3xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %c, %a, %shift : (tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>, tensor<1xi8>) -> tensor<1x4x4x3xf32>
  return %m : tensor<1x4x4x3xf32>
}
// CHECK-LABEL: func @bug_one_element_bias_add
// REGRESSION-LABEL:   func @bug_one_element_bias_add
// REGRESSION:           %[[B:.+]] = arith.constant dense<[1.100000e+01, 2.100000e+01, 3.100000e+01]> : tensor<3xf32>
// REGRESSION:           tosa.conv2d %{{.+}}, %{{.+}}, %[[B]], {{.*}} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
func.func @bug_one_element_bias_add(%x: tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<1.0> : tensor<1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %s = "tosa.const"() <{values = dense<[[[[10.0]], [[20.0]], [[30.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %y = tosa.add %t, %s : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}

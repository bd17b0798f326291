// Tests qc-convert-conv-layouts: FHWC convolutions become HWCF ones with the
// filter transposed (folded when constant: the transposed data is checked),
// depthwise HWCM ones with multiplier 1 become HWC ones; buffers are left alone.
// RUN: quant-opt %s --split-input-file --qc-convert-conv-layouts | FileCheck %s

// A dense constant filter is transposed at compile time into a resource blob.
// Filter [f][0][0][c] = [[1, 2, 3], [4, 5, 6]], so HWCF [0][0][c][f] holds
// 1, 4, 2, 5, 3, 6: little-endian f32 0x3F800000, 0x40800000, 0x40000000,
// 0x40A00000, 0x40400000, 0x40C00000 (after the blob's 4-byte alignment).
// CHECK-LABEL: func @fhwc_constant_filter
// CHECK-SAME:    (%[[IN:.+]]: tensor<1x4x4x3xf32>, %[[OUT:.+]]: tensor<1x4x4x2xf32>)
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[F:.+]] = arith.constant dense_resource<[[BLOB:transposed[_0-9]*]]> : tensor<1x1x3x2xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[R:.+]] = linalg.conv_2d_nhwc_hwcf
// CHECK-SAME:      ins(%[[IN]], %[[F]] : tensor<1x4x4x3xf32>, tensor<1x1x3x2xf32>)
// CHECK-SAME:      outs(%[[OUT]] : tensor<1x4x4x2xf32>)
// CHECK:         return %[[R]]
// CHECK:       dialect_resources
// CHECK:         [[BLOB]]: "0x{{([0-9A-F]{8})}}0000803F00008040000000400000A040000040400000C040"
func.func @fhwc_constant_filter(%in: tensor<1x4x4x3xf32>, %out: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %f = arith.constant dense<[[[[1.0, 2.0, 3.0]]], [[[4.0, 5.0, 6.0]]]]> : tensor<2x1x1x3xf32>
  %0 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %f : tensor<1x4x4x3xf32>, tensor<2x1x1x3xf32>) outs(%out : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %0 : tensor<1x4x4x2xf32>
}

// -----

// An i8 filter with two filter rows, strides and dilations kept:
// [f][h][0][c] with f0 = [[1, 2, 3], [7, 8, 9]], f1 = [[4, 5, 6], [10, 11, 12]]
// becomes [h][0][c][f] = 1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12.
// CHECK-LABEL: func @fhwc_constant_filter_i8
// CHECK:         %[[F:.+]] = arith.constant dense_resource<[[BLOB:transposed[_0-9]*]]> : tensor<2x1x3x2xi8>
// CHECK:         linalg.conv_2d_nhwc_hwcf
// CHECK-SAME:      dilations = dense<[2, 1]> : tensor<2xi64>
// CHECK-SAME:      strides = dense<[1, 2]> : tensor<2xi64>
// CHECK-SAME:      ins(%{{.+}}, %[[F]] : tensor<1x5x7x3xi8>, tensor<2x1x3x2xi8>)
// CHECK-SAME:      -> tensor<1x3x4x2xi32>
// CHECK:       dialect_resources
// CHECK:         [[BLOB]]: "0x{{([0-9A-F]{8})}}010402050306070A080B090C"
func.func @fhwc_constant_filter_i8(%in: tensor<1x5x7x3xi8>, %out: tensor<1x3x4x2xi32>) -> tensor<1x3x4x2xi32> {
  %f = arith.constant dense<[[[[1, 2, 3]], [[7, 8, 9]]], [[[4, 5, 6]], [[10, 11, 12]]]]> : tensor<2x2x1x3xi8>
  %0 = linalg.conv_2d_nhwc_fhwc {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>}
    ins(%in, %f : tensor<1x5x7x3xi8>, tensor<2x2x1x3xi8>) outs(%out : tensor<1x3x4x2xi32>) -> tensor<1x3x4x2xi32>
  return %0 : tensor<1x3x4x2xi32>
}

// -----

// A filter that is not a constant is transposed at run time.
// CHECK-LABEL: func @fhwc_argument_filter
// CHECK-SAME:    (%[[IN:.+]]: tensor<1x4x4x3xf32>, %[[F:.+]]: tensor<2x1x1x3xf32>, %[[OUT:.+]]: tensor<1x4x4x2xf32>)
// CHECK:         %[[E:.+]] = tensor.empty() : tensor<1x1x3x2xf32>
// CHECK:         %[[T:.+]] = linalg.transpose ins(%[[F]] : tensor<2x1x1x3xf32>) outs(%[[E]] : tensor<1x1x3x2xf32>) permutation = [1, 2, 3, 0]
// CHECK:         %[[R:.+]] = linalg.conv_2d_nhwc_hwcf
// CHECK-SAME:      ins(%[[IN]], %[[T]] : tensor<1x4x4x3xf32>, tensor<1x1x3x2xf32>)
// CHECK-SAME:      outs(%[[OUT]] : tensor<1x4x4x2xf32>)
// CHECK-NOT:     linalg.conv_2d_nhwc_fhwc
// CHECK:         return %[[R]]
func.func @fhwc_argument_filter(%in: tensor<1x4x4x3xf32>, %f: tensor<2x1x1x3xf32>, %out: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %0 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %f : tensor<1x4x4x3xf32>, tensor<2x1x1x3xf32>) outs(%out : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %0 : tensor<1x4x4x2xf32>
}

// -----

// A splat filter stays an inline splat of the new shape.
// CHECK-LABEL: func @fhwc_splat_filter
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[F:.+]] = arith.constant dense<5.000000e-01> : tensor<1x1x3x2xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.conv_2d_nhwc_hwcf
// CHECK-SAME:      ins(%{{.+}}, %[[F]] : tensor<1x4x4x3xf32>, tensor<1x1x3x2xf32>)
func.func @fhwc_splat_filter(%in: tensor<1x4x4x3xf32>, %out: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %f = arith.constant dense<0.5> : tensor<2x1x1x3xf32>
  %0 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %f : tensor<1x4x4x3xf32>, tensor<2x1x1x3xf32>) outs(%out : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %0 : tensor<1x4x4x2xf32>
}

// -----

// Channel multiplier 1: the multiplier dimension is collapsed out of the
// filter and the output, and expanded back into the result.
// CHECK-LABEL: func @depthwise_multiplier_1
// CHECK-SAME:    (%[[IN:.+]]: tensor<1x7x7x4xf32>, %[[F:.+]]: tensor<3x3x4x1xf32>, %[[OUT:.+]]: tensor<1x3x3x4x1xf32>)
// CHECK-DAG:     %[[CF:.+]] = tensor.collapse_shape %[[F]] {{\[}}[0], [1], [2, 3]] : tensor<3x3x4x1xf32> into tensor<3x3x4xf32>
// CHECK-DAG:     %[[CO:.+]] = tensor.collapse_shape %[[OUT]] {{\[}}[0], [1], [2], [3, 4]] : tensor<1x3x3x4x1xf32> into tensor<1x3x3x4xf32>
// CHECK:         %[[DW:.+]] = linalg.depthwise_conv_2d_nhwc_hwc {
// CHECK-SAME:      dilations = dense<[1, 2]> : tensor<2xi64>
// CHECK-SAME:      strides = dense<[2, 1]> : tensor<2xi64>
// CHECK-SAME:      ins(%[[IN]], %[[CF]] : tensor<1x7x7x4xf32>, tensor<3x3x4xf32>)
// CHECK-SAME:      outs(%[[CO]] : tensor<1x3x3x4xf32>)
// CHECK:         %[[R:.+]] = tensor.expand_shape %[[DW]] {{\[}}[0], [1], [2], [3, 4]]
// CHECK-SAME:      : tensor<1x3x3x4xf32> into tensor<1x3x3x4x1xf32>
// CHECK-NOT:     linalg.depthwise_conv_2d_nhwc_hwcm
// CHECK:         return %[[R]]
func.func @depthwise_multiplier_1(%in: tensor<1x7x7x4xf32>, %f: tensor<3x3x4x1xf32>, %out: tensor<1x3x3x4x1xf32>) -> tensor<1x3x3x4x1xf32> {
  %0 = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<[2, 1]> : tensor<2xi64>}
    ins(%in, %f : tensor<1x7x7x4xf32>, tensor<3x3x4x1xf32>) outs(%out : tensor<1x3x3x4x1xf32>) -> tensor<1x3x3x4x1xf32>
  return %0 : tensor<1x3x3x4x1xf32>
}

// -----

// Channel multiplier 2 has no multiplier-free form: unchanged.
// CHECK-LABEL: func @depthwise_multiplier_2
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         linalg.depthwise_conv_2d_nhwc_hwcm
// CHECK-SAME:      ins(%{{.+}}, %{{.+}} : tensor<1x5x5x4xf32>, tensor<3x3x4x2xf32>)
// CHECK-SAME:      outs(%{{.+}} : tensor<1x3x3x4x2xf32>)
// CHECK-NOT:     linalg.depthwise_conv_2d_nhwc_hwc {
// CHECK-NOT:     tensor.expand_shape
func.func @depthwise_multiplier_2(%in: tensor<1x5x5x4xf32>, %f: tensor<3x3x4x2xf32>, %out: tensor<1x3x3x4x2xf32>) -> tensor<1x3x3x4x2xf32> {
  %0 = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %f : tensor<1x5x5x4xf32>, tensor<3x3x4x2xf32>) outs(%out : tensor<1x3x3x4x2xf32>) -> tensor<1x3x3x4x2xf32>
  return %0 : tensor<1x3x3x4x2xf32>
}

// -----

// Two transposes of a constant fold one after the other (the second reads
// the first's resource blob). src[i][j][k] = 12i + 4j + k (2x3x4); [2, 0, 1]
// twice gives r[j][k][i] = src[i][j][k] (3x4x2): 0, 12, 1, 13, 2, 14, ...
// CHECK-LABEL: func @chained_transposes
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[C:.+]] = arith.constant dense_resource<[[BLOB:transposed[_0-9]*]]> : tensor<3x4x2xi8>
// CHECK-NOT:     linalg.transpose
// CHECK:         return %[[C]]
// CHECK:       dialect_resources
// CHECK:         [[BLOB]]: "0x{{([0-9A-F]{8})}}000C010D020E030F0410051106120713081409150A160B17"
func.func @chained_transposes(%init0: tensor<4x2x3xi8>, %init1: tensor<3x4x2xi8>) -> tensor<3x4x2xi8> {
  %c = arith.constant dense<[[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]],
                             [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]]> : tensor<2x3x4xi8>
  %t0 = linalg.transpose ins(%c : tensor<2x3x4xi8>) outs(%init0 : tensor<4x2x3xi8>) permutation = [2, 0, 1]
  %t1 = linalg.transpose ins(%t0 : tensor<4x2x3xi8>) outs(%init1 : tensor<3x4x2xi8>) permutation = [2, 0, 1]
  return %t1 : tensor<3x4x2xi8>
}

// -----

// A constant already in a resource blob (as imported weights are) folds too:
// [[1, 2, 3], [4, 5, 6]] transposed is [[1, 4], [2, 5], [3, 6]].
// CHECK-LABEL: func @resource_transpose
// CHECK-NOT:     linalg.transpose
// CHECK:         arith.constant dense_resource<[[BLOB:transposed[_0-9]*]]> : tensor<3x2xf32>
// CHECK:       dialect_resources
// CHECK:         [[BLOB]]: "0x{{([0-9A-F]{8})}}0000803F00008040000000400000A040000040400000C040"
func.func @resource_transpose(%init: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %c = arith.constant dense_resource<weights> : tensor<2x3xf32>
  %t = linalg.transpose ins(%c : tensor<2x3xf32>) outs(%init : tensor<3x2xf32>) permutation = [1, 0]
  return %t : tensor<3x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// Ops on buffers are not rewritten.
// CHECK-LABEL: func @buffers
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.conv_2d_nhwc_fhwc
// CHECK-SAME:      ins(%{{.+}}, %{{.+}} : memref<1x4x4x3xf32>, memref<2x1x1x3xf32>)
// CHECK:         linalg.depthwise_conv_2d_nhwc_hwcm
// CHECK-SAME:      ins(%{{.+}}, %{{.+}} : memref<1x5x5x4xf32>, memref<3x3x4x1xf32>)
// CHECK-NOT:     linalg.conv_2d_nhwc_hwcf
// CHECK-NOT:     tensor.collapse_shape
func.func @buffers(%in: memref<1x4x4x3xf32>, %f: memref<2x1x1x3xf32>, %out: memref<1x4x4x2xf32>,
                   %din: memref<1x5x5x4xf32>, %df: memref<3x3x4x1xf32>, %dout: memref<1x3x3x4x1xf32>) {
  linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %f : memref<1x4x4x3xf32>, memref<2x1x1x3xf32>) outs(%out : memref<1x4x4x2xf32>)
  linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%din, %df : memref<1x5x5x4xf32>, memref<3x3x4x1xf32>) outs(%dout : memref<1x3x3x4x1xf32>)
  return
}

// -----

// A filter of dynamic shape keeps the FHWC convolution.
// CHECK-LABEL: func @fhwc_dynamic_filter
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.conv_2d_nhwc_fhwc
func.func @fhwc_dynamic_filter(%in: tensor<?x?x?x?xf32>, %filter: tensor<?x?x?x?xf32>, %out: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %0 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %filter : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) outs(%out : tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

// Constants of index elements have no byte layout to permute: the transpose
// stays.
// CHECK-LABEL: func @index_constant_transpose
// CHECK:         linalg.transpose
func.func @index_constant_transpose() -> tensor<3x2xindex> {
  %c = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xindex>
  %init = tensor.empty() : tensor<3x2xindex>
  %t = linalg.transpose ins(%c : tensor<2x3xindex>) outs(%init : tensor<3x2xindex>) permutation = [1, 0]
  return %t : tensor<3x2xindex>
}

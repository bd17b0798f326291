// RUN: split-file %s %t
// RUN: %onnx_from_text %t/conv.onnxtxt %t/conv.onnx
// RUN: quant-translate --import-onnx %t/conv.onnx | FileCheck %s --check-prefix=CONV
// RUN: %onnx_from_text %t/pool.onnxtxt %t/pool.onnx
// RUN: quant-translate --import-onnx %t/pool.onnx | FileCheck %s --check-prefix=POOL
// RUN: %onnx_from_text %t/bn.onnxtxt %t/bn.onnx
// RUN: quant-translate --import-onnx %t/bn.onnx | FileCheck %s --check-prefix=BN
// RUN: %onnx_from_text %t/bn-const.onnxtxt %t/bn-const.onnx
// RUN: quant-translate --import-onnx %t/bn-const.onnx | FileCheck %s --check-prefix=BN-CONST

// Conv: NCHW -> NHWC, OIHW -> OHWI, TOSA pads [top, bottom, left, right]
// from ONNX [top, left, bottom, right], and back to NCHW. Without a bias
// input the bias is zeros. Stride 2 over 7 rows with pads 1/1 and kernel 3
// gives (7 + 2 - 3) / 2 + 1 = 4 rows whose last window ends exactly at the
// padded edge, so the pads stay as given.
// CONV-LABEL: func.func @main
// CONV:         %[[X:.+]] = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x7x7xf32>) -> tensor<1x7x7x2xf32>
// CONV:         %[[W:.+]] = tosa.transpose %{{.+}} {perms = array<i32: 0, 2, 3, 1>} : (tensor<4x2x3x3xf32>) -> tensor<4x3x3x2xf32>
// CONV:         %[[C:.+]] = tosa.conv2d %[[X]], %[[W]], %{{.+}}, %{{.+}}, %{{.+}} {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>}
// CONV-SAME:      -> tensor<1x4x4x4xf32>
// CONV:         tosa.transpose %[[C]] {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
// Depthwise (group = channels = 2, multiplier 2): weights [4,1,3,3] ->
// [2,2,3,3] -> HWCM [3,3,2,2]; SAME_UPPER padding.
// CONV:         tosa.reshape %{{.+}} : (tensor<4x1x3x3xf32>, !tosa.shape<4>) -> tensor<2x2x3x3xf32>
// CONV:         tosa.transpose %{{.+}} {perms = array<i32: 2, 3, 0, 1>} : (tensor<2x2x3x3xf32>) -> tensor<3x3x2x2xf32>
// CONV:         tosa.depthwise_conv2d {{.*}} pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} {{.*}} -> tensor<1x7x7x4xf32>
// General groups (2 groups of 2 input and 2 output channels): a convolution
// per group on slices, concatenated on channels.
// CONV:         tosa.slice
// CONV:         tosa.conv2d {{.*}} -> tensor<1x5x5x2xf32>
// CONV:         tosa.slice
// CONV:         tosa.conv2d {{.*}} -> tensor<1x5x5x2xf32>
// CONV:         tosa.concat {{.*}} {axis = 3 : i32} : (tensor<1x5x5x2xf32>, tensor<1x5x5x2xf32>) -> tensor<1x5x5x4xf32>

//--- conv.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
conv (float[1,2,7,7] x, float[4,2,3,3] w, float[4,1,3,3] dw, float[1,4,5,5] x4, float[4,2,1,1] gw) => (float[1,4,4,4] y, float[1,4,7,7] z, float[1,4,5,5] g) {
  y = Conv <strides = [2, 2], pads = [1, 1, 1, 1]> (x, w)
  z = Conv <group = 2, auto_pad = "SAME_UPPER"> (x, dw)
  g = Conv <group = 2> (x4, gw)
}

// MaxPool with ceil_mode: ceil((6 - 3) / 2) + 1 = 3 outputs per axis; the
// last window needs one row and column of end padding (ignored by max).
// AveragePool counting padding pads with zeros first, then pools without
// padding.
// POOL-LABEL: func.func @main
// POOL:         tosa.max_pool2d %{{.+}} {kernel = array<i64: 3, 3>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x6x6x1xf32>) -> tensor<1x3x3x1xf32>
// POOL:         tosa.pad {{.*}} -> tensor<1x8x8x1xf32>
// POOL:         tosa.avg_pool2d {{.*}} {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x1xf32>
// Global average pooling: sums over H and W, times 1/36.
// POOL:         tosa.reduce_sum %{{.+}} {axis = 2 : i32}
// POOL:         tosa.reduce_sum %{{.+}} {axis = 3 : i32}
// POOL:         arith.constant 0.027777778 : f32

//--- pool.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
pool (float[1,1,6,6] x) => (float[1,1,3,3] m, float[1,1,6,6] a, float[1,1,1,1] g) {
  m = MaxPool <kernel_shape = [3, 3], strides = [2, 2], ceil_mode = 1> (x)
  a = AveragePool <kernel_shape = [3, 3], pads = [1, 1, 1, 1], count_include_pad = 1> (x)
  g = GlobalAveragePool(x)
}

// BatchNormalization: per-channel parameters reshaped to [1, C, 1, 1] and
// scale * (x - mean) / sqrt(var + epsilon) + bias.
// BN-LABEL: func.func @main
// BN-COUNT-4:   tosa.reshape %{{.+}} : (tensor<3xf32>, !tosa.shape<4>) -> tensor<1x3x1x1xf32>
// BN:           linalg.generic
// BN:             arith.constant 1.000000e-03 : f32
// BN:             math.sqrt
// BN:             arith.subf
// BN:             arith.divf
// BN:             arith.mulf
// BN:             arith.addf

//--- bn.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
bn (float[2,3,4,4] x, float[3] s, float[3] b, float[3] m, float[3] v) => (float[2,3,4,4] y) {
  y = BatchNormalization <epsilon = 0.001> (x, s, b, m, v)
}

// With constant parameters: y = a * x + b per channel, a = s / sqrt(v + eps)
// = [1, 3, 2] and b = bias - m * a = [-1, 1, 4] (eps = 2^-10, so every value
// is exact), as a tosa.mul and a tosa.add.
// BN-CONST-LABEL: func.func @main
// BN-CONST:       %[[A:.+]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}3.000000e+00]], {{\[\[}}2.000000e+00]]]]> : tensor<1x3x1x1xf32>
// BN-CONST:       %[[MUL:.+]] = tosa.mul %{{.+}}, %[[A]], %{{.+}} : (tensor<2x3x4x4xf32>, tensor<1x3x1x1xf32>, tensor<1xi8>) -> tensor<2x3x4x4xf32>
// BN-CONST:       %[[B:.+]] = arith.constant dense<{{\[\[\[\[}}-1.000000e+00]], {{\[\[}}1.000000e+00]], {{\[\[}}4.000000e+00]]]]> : tensor<1x3x1x1xf32>
// BN-CONST:       tosa.add %[[MUL]], %[[B]]
// BN-CONST-NOT:   linalg.generic

//--- bn-const.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
bn_const (float[2,3,4,4] x) => (float[2,3,4,4] y) {
  s = Constant <value = float[3] {2.0, 3.0, 1.0}> ()
  b = Constant <value = float[3] {0.0, 1.0, 2.0}> ()
  m = Constant <value = float[3] {1.0, 0.0, -1.0}> ()
  v = Constant <value = float[3] {3.9990234375, 0.9990234375, 0.2490234375}> ()
  y = BatchNormalization <epsilon = 0.0009765625> (x, s, b, m, v)
}

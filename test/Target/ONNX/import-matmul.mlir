// RUN: split-file %s %t
// RUN: %onnx_from_text %t/matmul.onnxtxt %t/matmul.onnx
// RUN: quant-translate --import-onnx %t/matmul.onnx | FileCheck %s --check-prefix=MATMUL
// RUN: %onnx_from_text %t/gemm.onnxtxt %t/gemm.onnx
// RUN: quant-translate --import-onnx %t/gemm.onnx | FileCheck %s --check-prefix=GEMM

// A 3-D activation times a 2-D weight folds the batch into the rows; batched
// operands broadcast with tosa.tile; 1-D operands gain a unit dimension.
// MATMUL-LABEL: func.func @main
// MATMUL:         tosa.reshape %{{.+}} : (tensor<2x3x4xf32>, !tosa.shape<3>) -> tensor<1x6x4xf32>
// MATMUL:         tosa.reshape %{{.+}} : (tensor<4x5xf32>, !tosa.shape<3>) -> tensor<1x4x5xf32>
// MATMUL:         tosa.matmul %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : (tensor<1x6x4xf32>, tensor<1x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x5xf32>
// MATMUL:         tosa.reshape %{{.+}} : (tensor<1x6x5xf32>, !tosa.shape<3>) -> tensor<2x3x5xf32>
// Batched with broadcasting: [1, 5, 2] is tiled to [2, 5, 2].
// MATMUL:         tosa.tile %{{.+}} : (tensor<1x5x2xf32>, !tosa.shape<3>) -> tensor<2x5x2xf32>
// MATMUL:         tosa.matmul {{.*}} -> tensor<2x3x2xf32>
// Vector times matrix: [5] x [5, 2] -> [2].
// MATMUL:         tosa.reshape %{{.+}} : (tensor<5xf32>, !tosa.shape<2>) -> tensor<1x5xf32>
// MATMUL:         tosa.matmul {{.*}} -> tensor<1x1x2xf32>
// MATMUL:         tosa.reshape %{{.+}} : (tensor<1x1x2xf32>, !tosa.shape<1>) -> tensor<2xf32>

//--- matmul.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
matmul (float[2,3,4] a, float[4,5] w, float[1,5,2] b, float[5] v) => (float[2,3,2] y, float[2] z) {
  h = MatMul(a, w)
  y = MatMul(h, b)
  axes = Constant <value = int64[1] {0}> ()
  b2 = Squeeze(b, axes)
  z = MatMul(v, b2)
}

// Gemm: transposes, alpha scaling, and beta * C broadcast over the rows.
// GEMM-LABEL: func.func @main
// GEMM:         tosa.transpose %{{.+}} {perms = array<i32: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
// GEMM:         tosa.transpose %{{.+}} {perms = array<i32: 1, 0>} : (tensor<4x3xf32>) -> tensor<3x4xf32>
// GEMM:         tosa.matmul {{.*}} -> tensor<1x2x4xf32>
// GEMM:         arith.constant dense<5.000000e-01> : tensor<1x1xf32>
// GEMM:         tosa.mul
// GEMM:         arith.constant dense<2.000000e+00> : tensor<1xf32>
// GEMM:         tosa.mul
// GEMM:         tosa.add {{.*}} : (tensor<2x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>

//--- gemm.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
gemm (float[3,2] a, float[4,3] b, float[4] c) => (float[2,4] y) {
  y = Gemm <transA = 1, transB = 1, alpha = 0.5, beta = 2.0> (a, b, c)
}

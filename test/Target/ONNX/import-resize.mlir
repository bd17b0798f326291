// RUN: split-file %s %t
// RUN: %onnx_from_text %t/resize.onnxtxt %t/resize.onnx
// RUN: quant-translate --import-onnx %t/resize.onnx | FileCheck %s
// RUN: %onnx_from_text %t/cubic.onnxtxt %t/cubic.onnx
// RUN: not quant-translate --import-onnx %t/cubic.onnx 2>&1 | FileCheck %s --check-prefix=CUBIC
// RUN: %onnx_from_text %t/convtranspose.onnxtxt %t/convtranspose.onnx
// RUN: quant-translate --import-onnx %t/convtranspose.onnx | FileCheck %s --check-prefix=CONVT

// Nearest, asymmetric, floor: index = floor(x / 2) per resized axis.
// CHECK-LABEL: func.func @main
// CHECK:         %[[N:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<1x1x4x4xf32>)
// CHECK:           linalg.index 2
// CHECK:           arith.constant 2.000000e+00 : f32
// CHECK:           arith.divf
// CHECK:           math.floor
// CHECK:           tensor.extract %arg0
// Linear, half_pixel: ((x + 0.5) / 2 - 0.5), 4 corners for two resized axes.
// CHECK:         linalg.generic {{.*}} outs(%{{.+}} : tensor<1x1x4x4xf32>)
// CHECK-COUNT-4:   tensor.extract %arg0

//--- resize.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
resize (float[1,1,2,2] x) => (float[1,1,4,4] n, float[1,1,4,4] l) {
  roi = Constant <value = float[0] {}> ()
  scales = Constant <value = float[4] {1.0, 1.0, 2.0, 2.0}> ()
  n = Resize <mode = "nearest", coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"> (x, roi, scales)
  l = Resize <mode = "linear"> (x, roi, scales)
}

// CUBIC: error: node producing 'y' (Resize, opset 13): mode 'cubic' is not supported; expected nearest or linear

//--- cubic.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
cubic (float[1,1,2,2] x) => (float[1,1,4,4] y) {
  roi = Constant <value = float[0] {}> ()
  scales = Constant <value = float[4] {1.0, 1.0, 2.0, 2.0}> ()
  y = Resize <mode = "cubic"> (x, roi, scales)
}

// ConvTranspose: [C_in, C_out, kH, kW] weights become [C_out, kH, kW, C_in];
// pads 1 crop one row and column at each edge (out_pad -1), so the output is
// (3 - 1) * 2 + 3 - 2 = 5.
// CONVT-LABEL: func.func @main
// CONVT:         tosa.transpose %{{.+}} {perms = array<i32: 1, 2, 3, 0>} : (tensor<1x2x3x3xf32>) -> tensor<2x3x3x1xf32>
// CONVT:         tosa.transpose_conv2d {{.*}} {acc_type = f32, out_pad = array<i64: -1, -1, -1, -1>, stride = array<i64: 2, 2>} {{.*}} -> tensor<1x5x5x2xf32>

//--- convtranspose.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
convt (float[1,1,3,3] x, float[1,2,3,3] w) => (float[1,2,5,5] y) {
  y = ConvTranspose <strides = [2, 2], pads = [1, 1, 1, 1]> (x, w)
}

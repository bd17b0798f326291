// RUN: split-file %s %t
// RUN: %onnx_from_text %t/reduce.onnxtxt %t/reduce.onnx
// RUN: quant-translate --import-onnx %t/reduce.onnx | FileCheck %s --check-prefix=REDUCE
// RUN: %onnx_from_text %t/softmax11.onnxtxt %t/softmax11.onnx
// RUN: quant-translate --import-onnx %t/softmax11.onnx | FileCheck %s --check-prefix=SOFTMAX11
// RUN: %onnx_from_text %t/softmax13.onnxtxt %t/softmax13.onnx
// RUN: quant-translate --import-onnx %t/softmax13.onnx | FileCheck %s --check-prefix=SOFTMAX13
// RUN: %onnx_from_text %t/layernorm.onnxtxt %t/layernorm.onnx
// RUN: quant-translate --import-onnx %t/layernorm.onnx | FileCheck %s --check-prefix=LAYERNORM
// RUN: %onnx_from_text %t/layernorm2.onnxtxt %t/layernorm2.onnx
// RUN: quant-translate --import-onnx %t/layernorm2.onnx | FileCheck %s --check-prefix=LAYERNORM2

// ReduceSum with constant axes (an input since opset 13) and keepdims = 0;
// ReduceMean with axes as an attribute (opset 13) and keepdims: a sum times
// 1 / count; ReduceMax over all axes when none are given.
// REDUCE-LABEL: func.func @main
// REDUCE:         tosa.reduce_sum %arg0 {axis = 1 : i32} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
// REDUCE:         tosa.reshape {{.*}} -> tensor<2x4xf32>
// REDUCE:         tosa.reduce_sum %arg0 {axis = 0 : i32}
// REDUCE:         tosa.reduce_sum %{{.+}} {axis = 2 : i32} : (tensor<1x3x4xf32>) -> tensor<1x3x1xf32>
// REDUCE:         arith.constant 1.250000e-01 : f32
// REDUCE:         tosa.reduce_max %arg0 {axis = 0 : i32}
// REDUCE:         tosa.reduce_max %{{.+}} {axis = 1 : i32}
// REDUCE:         tosa.reduce_max %{{.+}} {axis = 2 : i32}
// REDUCE:         tosa.reshape {{.*}} -> tensor<f32>

//--- reduce.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
reduce (float[2,3,4] x) => (float[2,4] s, float[1,3,1] m, float mx) {
  axes = Constant <value = int64[1] {1}> ()
  s = ReduceSum <keepdims = 0> (x, axes)
  m = ReduceMean <axes = [0, -1]> (x)
  mx = ReduceMax <keepdims = 0> (x)
}

// Softmax before opset 13 normalizes over all dimensions from `axis` on:
// the input flattened to rows at `axis`, qc.softmax along them.
// SOFTMAX11-LABEL: func.func @main
// SOFTMAX11:       %[[ROWS:.+]] = tosa.reshape %arg0, %{{.+}} : (tensor<2x3x4xf32>, !tosa.shape<2>) -> tensor<2x12xf32>
// SOFTMAX11:       %[[P:.+]] = qc.softmax %[[ROWS]] axis(1) : tensor<2x12xf32>
// SOFTMAX11:       tosa.reshape %[[P]], %{{.+}} : (tensor<2x12xf32>, !tosa.shape<3>) -> tensor<2x3x4xf32>

//--- softmax11.onnxtxt
<ir_version: 6, opset_import: ["" : 11]>
softmax11 (float[2,3,4] x) => (float[2,3,4] y) {
  y = Softmax(x)
}

// Since opset 13 over the single axis (default -1).
// SOFTMAX13-LABEL: func.func @main
// SOFTMAX13:       %[[P:.+]] = qc.softmax %arg0 axis(2) : tensor<2x3x4xf32>
// SOFTMAX13:       return %[[P]]

//--- softmax13.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
softmax13 (float[2,3,4] x) => (float[2,3,4] y) {
  y = Softmax(x)
}

// LayerNormalization over the last axis, with the optional Mean and
// InvStdDev outputs (reduced dimensions kept): all three from qc.layer_norm.
// LAYERNORM-LABEL: func.func @main
// LAYERNORM-SAME:    -> (tensor<2x4xf32> {onnx.name = "y"}, tensor<2x1xf32> {onnx.name = "mean"}, tensor<2x1xf32> {onnx.name = "inv"})
// LAYERNORM:         %[[Y:.+]], %[[MEAN:.+]], %[[INV:.+]] = qc.layer_norm %arg0, %{{.+}}, %{{.+}} axis(1) epsilon(9.9999997473787516E-6) : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
// LAYERNORM:         return %[[Y]], %[[MEAN]], %[[INV]] :

//--- layernorm.onnxtxt
<ir_version: 8, opset_import: ["" : 17]>
layernorm (float[2,4] x, float[4] scale, float[4] bias) => (float[2,4] y, float[2,1] mean, float[2,1] inv) {
  y, mean, inv = LayerNormalization(x, scale, bias)
}

// Scale and bias given in another shape of the normalized elements are
// reshaped; B is optional.
// LAYERNORM2-LABEL: func.func @main
// LAYERNORM2:         %[[SCALE:.+]] = tosa.reshape %arg1, %{{.+}} : (tensor<1x3x4xf32>, !tosa.shape<2>) -> tensor<3x4xf32>
// LAYERNORM2:         qc.layer_norm %arg0, %[[SCALE]] axis(1) epsilon(0.0010000000474974513) : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)

//--- layernorm2.onnxtxt
<ir_version: 8, opset_import: ["" : 17]>
layernorm2 (float[2,3,4] x, float[1,3,4] scale) => (float[2,3,4] y) {
  y = LayerNormalization <axis = 1, epsilon = 0.001> (x, scale)
}

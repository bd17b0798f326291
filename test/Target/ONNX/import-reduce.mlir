// RUN: split-file %s %t
// RUN: %onnx_from_text %t/reduce.onnxtxt %t/reduce.onnx
// RUN: quant-translate --import-onnx %t/reduce.onnx | FileCheck %s --check-prefix=REDUCE
// RUN: %onnx_from_text %t/softmax11.onnxtxt %t/softmax11.onnx
// RUN: quant-translate --import-onnx %t/softmax11.onnx | FileCheck %s --check-prefix=SOFTMAX11
// RUN: %onnx_from_text %t/softmax13.onnxtxt %t/softmax13.onnx
// RUN: quant-translate --import-onnx %t/softmax13.onnx | FileCheck %s --check-prefix=SOFTMAX13
// RUN: %onnx_from_text %t/layernorm.onnxtxt %t/layernorm.onnx
// RUN: quant-translate --import-onnx %t/layernorm.onnx | FileCheck %s --check-prefix=LAYERNORM

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

// Softmax before opset 13 normalizes over all dimensions from `axis` on.
// SOFTMAX11-LABEL: func.func @main
// SOFTMAX11:       tosa.reduce_max %arg0 {axis = 1 : i32}
// SOFTMAX11:       tosa.reduce_max %{{.+}} {axis = 2 : i32}
// SOFTMAX11:       math.exp
// SOFTMAX11:       tosa.reduce_sum %{{.+}} {axis = 1 : i32}
// SOFTMAX11:       tosa.reduce_sum %{{.+}} {axis = 2 : i32}
// SOFTMAX11:       arith.divf

//--- softmax11.onnxtxt
<ir_version: 6, opset_import: ["" : 11]>
softmax11 (float[2,3,4] x) => (float[2,3,4] y) {
  y = Softmax(x)
}

// Since opset 13 over the single axis (default -1).
// SOFTMAX13-LABEL: func.func @main
// SOFTMAX13:       tosa.reduce_max %arg0 {axis = 2 : i32}
// SOFTMAX13-NOT:   tosa.reduce_max
// SOFTMAX13:       tosa.reduce_sum %{{.+}} {axis = 2 : i32}
// SOFTMAX13-NOT:   tosa.reduce_sum

//--- softmax13.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
softmax13 (float[2,3,4] x) => (float[2,3,4] y) {
  y = Softmax(x)
}

// LayerNormalization over the last axis, with the optional Mean and
// InvStdDev outputs (reduced dimensions kept).
// LAYERNORM-LABEL: func.func @main
// LAYERNORM-SAME:    -> (tensor<2x4xf32> {onnx.name = "y"}, tensor<2x1xf32> {onnx.name = "mean"}, tensor<2x1xf32> {onnx.name = "inv"})
// LAYERNORM:         tosa.reduce_sum %arg0 {axis = 1 : i32}
// LAYERNORM:         arith.constant 2.500000e-01 : f32
// LAYERNORM:         arith.constant 9.99999974E-6 : f32
// LAYERNORM:         math.rsqrt
// LAYERNORM:         %[[Y:.+]] = linalg.generic
// LAYERNORM:         return %[[Y]], %{{.+}}, %{{.+}} :

//--- layernorm.onnxtxt
<ir_version: 8, opset_import: ["" : 17]>
layernorm (float[2,4] x, float[4] scale, float[4] bias) => (float[2,4] y, float[2,1] mean, float[2,1] inv) {
  y, mean, inv = LayerNormalization(x, scale, bias)
}

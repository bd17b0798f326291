// RUN: split-file %s %t
// RUN: %onnx_from_text %t/tensor.onnxtxt %t/tensor.onnx
// RUN: quant-translate --import-onnx %t/tensor.onnx | FileCheck %s
// RUN: %onnx_from_text %t/pad.onnxtxt %t/pad.onnx
// RUN: quant-translate --import-onnx %t/pad.onnx | FileCheck %s --check-prefix=PAD
// RUN: %onnx_from_text %t/edge.onnxtxt %t/edge.onnx
// RUN: not quant-translate --import-onnx %t/edge.onnx 2>&1 | FileCheck %s --check-prefix=EDGE

// CHECK-LABEL: func.func @main
// Concat on axis -1.
// CHECK:         tosa.concat %arg0, %arg0 {axis = 1 : i32} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
// Split [1, 2] along axis 1: slices at offsets 0 and 1.
// CHECK:         tosa.const_shape {values = dense<0> : tensor<2xindex>}
// CHECK:         tosa.slice {{.*}} -> tensor<2x1xf32>
// CHECK:         tosa.const_shape {values = dense<[0, 1]> : tensor<2xindex>}
// CHECK:         tosa.slice {{.*}} -> tensor<2x2xf32>
// Slice with steps: starts [0, 1], steps [1, 2] -> an extract_slice with strides.
// CHECK:         tensor.extract_slice %arg0[0, 1] [2, 1] [1, 2] : tensor<2x3xf32> to tensor<2x1xf32>
// Gather along axis 0 with i64 indices (negative ones wrap).
// CHECK:         linalg.generic
// CHECK:           arith.index_cast
// CHECK:           arith.cmpi slt
// CHECK:           tensor.extract %arg0
// Shape as a constant.
// CHECK:         arith.constant dense<[2, 3]> : tensor<2xi64>
// Cast float -> int32 (truncating), uint8 -> float (unsigned).
// CHECK:         arith.fptosi %{{.+}} : f32 to i32
// CHECK:         arith.uitofp %{{.+}} : i8 to f32
// ConstantOfShape with a value.
// CHECK:         arith.constant dense<7> : tensor<2x3xi32>

//--- tensor.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
tensor (float[2,3] x, int64[4] idx, uint8[2] u) => (float[2,6] c, float[2,1] s0, float[2,2] s1, float[2,1] sl, float[4,3] g, int64[2] shp, int32[2,3] ci, float[2] cf, int32[2,3] k) {
  c = Concat <axis = -1> (x, x)
  split = Constant <value = int64[2] {1, 2}> ()
  s0, s1 = Split <axis = 1> (x, split)
  starts = Constant <value = int64[2] {0, 1}> ()
  ends = Constant <value = int64[2] {2, 3}> ()
  axes = Constant <value = int64[2] {0, 1}> ()
  steps = Constant <value = int64[2] {1, 2}> ()
  sl = Slice(x, starts, ends, axes, steps)
  g = Gather <axis = 0> (x, idx)
  shp = Shape(x)
  ci = Cast <to = 6> (x)
  cf = Cast <to = 1> (u)
  k = ConstantOfShape <value = int32[1] {7}> (shp)
}

// Constant-mode Pad: ONNX pads [begin..., end...] interleave per axis for
// TOSA; the constant value becomes pad_const.
// PAD-LABEL: func.func @main
// PAD-DAG:     tosa.const_shape {values = dense<[1, 0, 0, 2]> : tensor<4xindex>}
// PAD-DAG:     %[[V:.+]] = arith.constant dense<5.000000e-01> : tensor<1xf32>
// PAD:         tosa.pad %arg0, %{{.+}}, %[[V]] : (tensor<2x3xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<3x5xf32>

//--- pad.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
pad (float[2,3] x) => (float[3,5] y) {
  pads = Constant <value = int64[4] {1, 0, 0, 2}> ()
  value = Constant <value = float {0.5}> ()
  y = Pad(x, pads, value)
}

// Other pad modes are reported.
// EDGE: error: node producing 'y' (Pad, opset 13): pad mode 'edge' is not supported; expected 'constant'

//--- edge.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
edge (float[2,3] x) => (float[2,5] y) {
  pads = Constant <value = int64[4] {0, 1, 0, 1}> ()
  y = Pad <mode = "edge"> (x, pads)
}

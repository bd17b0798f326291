// Shape arithmetic that ONNX's data propagation does not follow (through
// Cast) is evaluated at import, so Reshape and everything after it have
// static shapes; a graph output declared [?, 4] gets its inferred shape.
//
// RUN: split-file %s %t
// RUN: %onnx_from_text %t/chain.onnxtxt %t/chain.onnx
// RUN: quant-translate --import-onnx %t/chain.onnx --input-shape x=2x3x4 | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME:    %arg0: tensor<2x3x4xf32> {onnx.name = "x"}) -> (tensor<6x4xf32> {onnx.name = "y"})
// CHECK-NOT:     tosa.const_shape {values = dense<[2, 3, 4]>
// CHECK:         tosa.reshape %arg0, %{{.+}} : (tensor<2x3x4xf32>, !tosa.shape<2>) -> tensor<6x4xf32>
// CHECK-NEXT:    return

//--- chain.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
chain (float[N,3,4] x) => (float[M,4] y) {
  s = Shape(x)
  c = Cast <to = 6> (s)
  starts = Constant <value = int32[1] {2}> ()
  ends = Constant <value = int32[1] {3}> ()
  last = Slice(c, starts, ends)
  minus_one = Constant <value = int32[1] {-1}> ()
  shape32 = Concat <axis = 0> (minus_one, last)
  shape = Cast <to = 7> (shape32)
  y = Reshape(x, shape)
}

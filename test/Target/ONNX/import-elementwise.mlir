// RUN: split-file %s %t
// RUN: %onnx_from_text %t/binary.onnxtxt %t/binary.onnx
// RUN: quant-translate --import-onnx %t/binary.onnx | FileCheck %s --check-prefix=BINARY
// RUN: %onnx_from_text %t/formulas.onnxtxt %t/formulas.onnx
// RUN: quant-translate --import-onnx %t/formulas.onnx | FileCheck %s --check-prefix=FORMULAS
// RUN: %onnx_from_text %t/clip10.onnxtxt %t/clip10.onnx
// RUN: quant-translate --import-onnx %t/clip10.onnx | FileCheck %s --check-prefix=CLIP10

// Broadcasting binary ops: the lower-rank operand is reshaped to rank 2;
// tosa.mul takes a zero shift. Graph input and output names are kept.
// BINARY-LABEL: func.func @main(
// BINARY-SAME:    %[[X:.+]]: tensor<2x3xf32> {onnx.name = "x"}, %[[Y:.+]]: tensor<3xf32> {onnx.name = "y"})
// BINARY-SAME:    -> (tensor<2x3xf32> {onnx.name = "z"})
// BINARY:         %[[Y2:.+]] = tosa.reshape %[[Y]], %{{.+}} : (tensor<3xf32>, !tosa.shape<2>) -> tensor<1x3xf32>
// BINARY:         %[[A:.+]] = tosa.add %[[X]], %[[Y2]] : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
// BINARY:         %[[S:.+]] = tosa.sub %[[A]], %[[X]]
// BINARY:         %[[M:.+]] = tosa.mul %[[S]], %{{.+}}, %{{.+}} : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
// BINARY:         %[[MAX:.+]] = tosa.maximum %[[M]], %[[X]]
// BINARY:         %[[MIN:.+]] = tosa.minimum %[[MAX]], %[[X]]
// Pow takes a float or integer exponent of another type: a generic.
// BINARY:         %[[P:.+]] = linalg.generic {{.*}} ins(%[[MIN]], %[[X]] :
// BINARY:           math.powf
// BINARY:         %[[D:.+]] = linalg.generic
// BINARY-SAME:      ins(%[[P]], %[[Y]] : tensor<2x3xf32>, tensor<3xf32>)
// BINARY:           arith.divf
// BINARY:         %[[E:.+]] = tosa.equal %[[D]], %[[X]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
// BINARY:         %[[W:.+]] = tosa.select %[[E]], %[[D]], %[[X]]
// BINARY:         return %[[W]]

//--- binary.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
binary (float[2,3] x, float[3] y) => (float[2,3] z) {
  a = Add(x, y)
  s = Sub(a, x)
  m = Mul(s, y)
  mx = Max(m, x)
  mn = Min(mx, x)
  p = Pow(mn, x)
  d = Div(p, y)
  e = Equal(d, x)
  z = Where(e, d, x)
}

// TOSA unary ops, and the formulas TOSA has no op for as linalg.generic.
// FORMULAS-LABEL: func.func @main
// FORMULAS:       tosa.sigmoid
// FORMULAS:       tosa.tanh
// FORMULAS:       tosa.exp
// FORMULAS:       tosa.log
// FORMULAS:       tosa.abs
// FORMULAS:       tosa.reciprocal
// FORMULAS:       tosa.erf
// Sqrt
// FORMULAS:       linalg.generic
// FORMULAS:         math.sqrt
// Neg
// FORMULAS:       linalg.generic
// FORMULAS:         arith.negf
// Relu
// FORMULAS:       linalg.generic
// FORMULAS:         arith.maximumf
// LeakyRelu with alpha 0.25
// FORMULAS:       linalg.generic
// FORMULAS:         arith.constant 2.500000e-01 : f32
// FORMULAS:         arith.cmpf olt
// FORMULAS:         arith.select
// HardSigmoid with the defaults 0.2, 0.5
// FORMULAS:       linalg.generic
// FORMULAS:         arith.constant 2.000000e-01 : f32
// FORMULAS:         arith.constant 5.000000e-01 : f32
// HardSwish: x * hardsigmoid(x; 1/6, 0.5)
// FORMULAS:       linalg.generic
// FORMULAS:         arith.constant 0.166666672 : f32
// FORMULAS:         arith.mulf
// Clip (opset 14) with inputs for both bounds
// FORMULAS:       linalg.generic
// FORMULAS-SAME:    ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<4xf32>, tensor<f32>, tensor<f32>)
// FORMULAS:         arith.maximumf
// FORMULAS:         arith.minimumf

//--- formulas.onnxtxt
<ir_version: 8, opset_import: ["" : 14]>
formulas (float[4] x, float lo, float hi) => (float[4] y) {
  a = Sigmoid(x)
  b = Tanh(a)
  c = Exp(b)
  d = Log(c)
  e = Abs(d)
  f = Reciprocal(e)
  g = Erf(f)
  h = Sqrt(g)
  i = Neg(h)
  j = Relu(i)
  k = LeakyRelu <alpha = 0.25> (j)
  l = HardSigmoid(k)
  m = HardSwish(l)
  y = Clip(m, lo, hi)
}

// Clip before opset 11 takes its bounds as attributes; constant bounds are
// written into the formula (one input), so the clip reads as a clamp.
// CLIP10-LABEL: func.func @main
// CLIP10:         linalg.generic {{.*}} ins(%{{[^,]+}} : tensor<4xf32>)
// CLIP10:           %[[LO:.+]] = arith.constant -1.000000e+00 : f32
// CLIP10:           %[[MAX:.+]] = arith.maximumf %{{.+}}, %[[LO]] : f32
// CLIP10:           %[[HI:.+]] = arith.constant 6.000000e+00 : f32
// CLIP10:           arith.minimumf %[[MAX]], %[[HI]] : f32

//--- clip10.onnxtxt
<ir_version: 5, opset_import: ["" : 10]>
clip10 (float[4] x) => (float[4] y) {
  y = Clip <min = -1.0, max = 6.0> (x)
}

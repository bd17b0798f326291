// ONNX quantization ops (lib/Target/ONNX/ConvertQuantization.cpp).
// QuantizeLinear/DequantizeLinear with constant parameters become
// qc.quantize/qc.dequantize on !quant.uniform types with quant.scast to and
// from the storage tensor; with run-time parameters, ONNX's elementwise
// formula. QLinearMatMul/QLinearConv become QDQ around the float op;
// MatMulInteger/ConvInteger become int8 TOSA with zero points.
//
// Debian's ONNX (1.12) checks the models: its schemas stop at opset 17, so an
// opset 19/21 model is checked against the opset-13 QuantizeLinear and
// DequantizeLinear (int8, uint8 and, for DequantizeLinear, int32 only: int16,
// uint16 and float8 storage cannot reach the importer, and the textual syntax
// has no float8 types) and the opset-10 QLinear and Integer ops.
//
// RUN: split-file %s %t
// RUN: %onnx_from_text %t/quantize.onnxtxt %t/quantize.onnx
// RUN: quant-translate --import-onnx %t/quantize.onnx | FileCheck %s --check-prefix=QUANTIZE
// RUN: %onnx_from_text %t/dequantize.onnxtxt %t/dequantize.onnx
// RUN: quant-translate --import-onnx %t/dequantize.onnx | FileCheck %s --check-prefix=DEQUANTIZE
// RUN: %onnx_from_text %t/runtime.onnxtxt %t/runtime.onnx
// RUN: quant-translate --import-onnx %t/runtime.onnx | FileCheck %s --check-prefix=PARAMS
// RUN: quant-translate --import-onnx %t/runtime.onnx | FileCheck %s --check-prefix=PARAMS-NO-QDQ
// RUN: %onnx_from_text %t/qlinear-matmul.onnxtxt %t/qlinear-matmul.onnx
// RUN: quant-translate --import-onnx %t/qlinear-matmul.onnx | FileCheck %s --check-prefix=QMATMUL
// RUN: %onnx_from_text %t/qlinear-conv.onnxtxt %t/qlinear-conv.onnx
// RUN: quant-translate --import-onnx %t/qlinear-conv.onnx | FileCheck %s --check-prefix=QCONV
// RUN: %onnx_from_text %t/matmul-integer.onnxtxt %t/matmul-integer.onnx
// RUN: quant-translate --import-onnx %t/matmul-integer.onnx | FileCheck %s --check-prefix=MATMUL-INTEGER
// RUN: %onnx_from_text %t/conv-integer.onnxtxt %t/conv-integer.onnx
// RUN: quant-translate --import-onnx %t/conv-integer.onnx | FileCheck %s --check-prefix=CONV-INTEGER
// RUN: %onnx_from_text %t/dynamic.onnxtxt %t/dynamic.onnx
// RUN: quant-translate --import-onnx %t/dynamic.onnx | FileCheck %s --check-prefix=DYNAMIC
//
// Errors: each model is rejected with exit code 1 and one diagnostic.
// RUN: %onnx_from_text %t/err-scale-not-constant.onnxtxt %t/err-scale-not-constant.onnx
// RUN: not quant-translate --import-onnx %t/err-scale-not-constant.onnx 2>&1 | FileCheck %s --check-prefix=ERR-SCALE-NOT-CONSTANT
// RUN: %onnx_from_text %t/err-zero-scale.onnxtxt %t/err-zero-scale.onnx
// RUN: not quant-translate --import-onnx %t/err-zero-scale.onnx 2>&1 | FileCheck %s --check-prefix=ERR-ZERO-SCALE
// RUN: %onnx_from_text %t/err-negative-scale.onnxtxt %t/err-negative-scale.onnx
// RUN: not quant-translate --import-onnx %t/err-negative-scale.onnx 2>&1 | FileCheck %s --check-prefix=ERR-NEGATIVE-SCALE
// RUN: %onnx_from_text %t/err-axis-scales.onnxtxt %t/err-axis-scales.onnx
// RUN: not quant-translate --import-onnx %t/err-axis-scales.onnx 2>&1 | FileCheck %s --check-prefix=ERR-AXIS-SCALES
// RUN: %onnx_from_text %t/err-int32-zero-point.onnxtxt %t/err-int32-zero-point.onnx
// RUN: not quant-translate --import-onnx %t/err-int32-zero-point.onnx 2>&1 | FileCheck %s --check-prefix=ERR-INT32-ZERO-POINT
// RUN: %onnx_from_text %t/err-block-size.onnxtxt %t/err-block-size.onnx
// RUN: not quant-translate --import-onnx %t/err-block-size.onnx 2>&1 | FileCheck %s --check-prefix=ERR-BLOCK-SIZE
// RUN: %onnx_from_text %t/err-row-zero-point.onnxtxt %t/err-row-zero-point.onnx
// RUN: not quant-translate --import-onnx %t/err-row-zero-point.onnx 2>&1 | FileCheck %s --check-prefix=ERR-ROW-ZERO-POINT
// RUN: %onnx_from_text %t/err-int-input.onnxtxt %t/err-int-input.onnx
// RUN: not quant-translate --import-onnx %t/err-int-input.onnx 2>&1 | FileCheck %s --check-prefix=ERR-INT-INPUT
// RUN: %onnx_from_text %t/err-row-scales.onnxtxt %t/err-row-scales.onnx
// RUN: not quant-translate --import-onnx %t/err-row-scales.onnx 2>&1 | FileCheck %s --check-prefix=ERR-ROW-SCALES

// QuantizeLinear with constant parameters: uint8 per tensor when the zero
// point is omitted, int8 with a zero point, per axis along axis 1 and along
// axis -1 (normalized to 2).
// QUANTIZE-LABEL: func.func @main(
// QUANTIZE-SAME:    %[[X:[^:]+]]: tensor<2x3x4xf32> {onnx.name = "x"}
// QUANTIZE-SAME:    -> (tensor<2x3x4xi8> {onnx.name = "y_u8", onnx.unsigned}, tensor<2x3x4xi8> {onnx.name = "y_i8"}, tensor<2x3x4xi8> {onnx.name = "y_axis1"}, tensor<2x3x4xi8> {onnx.name = "y_axis_last", onnx.unsigned})
// QUANTIZE:         %[[Q0:.+]] = qc.quantize %[[X]] : tensor<2x3x4xf32> -> tensor<2x3x4x!quant.uniform<u8:f32, 5.000000e-01>>
// QUANTIZE-NEXT:    %[[Y0:.+]] = quant.scast %[[Q0]] : tensor<2x3x4x!quant.uniform<u8:f32, 5.000000e-01>> to tensor<2x3x4xi8>
// QUANTIZE:         %[[Q1:.+]] = qc.quantize %[[X]] : tensor<2x3x4xf32> -> tensor<2x3x4x!quant.uniform<i8:f32, 2.500000e-01:-3>>
// QUANTIZE-NEXT:    %[[Y1:.+]] = quant.scast %[[Q1]] : tensor<2x3x4x!quant.uniform<i8:f32, 2.500000e-01:-3>> to tensor<2x3x4xi8>
// QUANTIZE:         %[[Q2:.+]] = qc.quantize %[[X]] : tensor<2x3x4xf32> -> tensor<2x3x4x!quant.uniform<i8:f32:1, {5.000000e-01:1,2.500000e-01:-2,1.250000e-01:3}>>
// QUANTIZE-NEXT:    %[[Y2:.+]] = quant.scast %[[Q2]] : tensor<2x3x4x!quant.uniform<i8:f32:1, {5.000000e-01:1,2.500000e-01:-2,1.250000e-01:3}>> to tensor<2x3x4xi8>
// Per axis uint8 zero points are read unsigned: 128 and 255, not -128 and -1.
// QUANTIZE:         %[[Q3:.+]] = qc.quantize %[[X]] : tensor<2x3x4xf32> -> tensor<2x3x4x!quant.uniform<u8:f32:2, {5.000000e-01,2.500000e-01:10,1.250000e-01:128,2.000000e+00:255}>>
// QUANTIZE-NEXT:    %[[Y3:.+]] = quant.scast %[[Q3]] : tensor<2x3x4x!quant.uniform<u8:f32:2, {5.000000e-01,2.500000e-01:10,1.250000e-01:128,2.000000e+00:255}>> to tensor<2x3x4xi8>
// QUANTIZE:         return %[[Y0]], %[[Y1]], %[[Y2]], %[[Y3]]

//--- quantize.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
quantize (float[2,3,4] x) => (uint8[2,3,4] y_u8, int8[2,3,4] y_i8, int8[2,3,4] y_axis1, uint8[2,3,4] y_axis_last) {
  s0 = Constant <value = float {0.5}> ()
  y_u8 = QuantizeLinear(x, s0)
  s1 = Constant <value = float {0.25}> ()
  z1 = Constant <value = int8 {-3}> ()
  y_i8 = QuantizeLinear(x, s1, z1)
  s2 = Constant <value = float[3] {0.5, 0.25, 0.125}> ()
  z2 = Constant <value = int8[3] {1, -2, 3}> ()
  y_axis1 = QuantizeLinear <axis = 1> (x, s2, z2)
  s3 = Constant <value = float[4] {0.5, 0.25, 0.125, 2.0}> ()
  z3 = Constant <value = uint8[4] {0, 10, 128, 255}> ()
  y_axis_last = QuantizeLinear <axis = -1> (x, s3, z3)
}

// DequantizeLinear with constant parameters: uint8 per tensor, int8 per axis
// 0, int32 with the zero point omitted.
// DEQUANTIZE-LABEL: func.func @main(
// DEQUANTIZE-SAME:    %[[A:[^:]+]]: tensor<2x3xi8> {onnx.name = "a", onnx.unsigned}, %[[B:[^:]+]]: tensor<4x3xi8> {onnx.name = "b"}, %[[C:[^:]+]]: tensor<5xi32> {onnx.name = "c"}
// DEQUANTIZE:         %[[QA:.+]] = quant.scast %[[A]] : tensor<2x3xi8> to tensor<2x3x!quant.uniform<u8:f32, 5.000000e-01:128>>
// DEQUANTIZE-NEXT:    %[[DA:.+]] = qc.dequantize %[[QA]] : tensor<2x3x!quant.uniform<u8:f32, 5.000000e-01:128>> -> tensor<2x3xf32>
// DEQUANTIZE:         %[[QB:.+]] = quant.scast %[[B]] : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01:-1,1.250000e-01:2,1.500000e+00:-3}>>
// DEQUANTIZE-NEXT:    %[[DB:.+]] = qc.dequantize %[[QB]] : tensor<4x3x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01:-1,1.250000e-01:2,1.500000e+00:-3}>> -> tensor<4x3xf32>
// DEQUANTIZE:         %[[QC:.+]] = quant.scast %[[C]] : tensor<5xi32> to tensor<5x!quant.uniform<i32:f32, 3.125000e-02>>
// DEQUANTIZE-NEXT:    %[[DC:.+]] = qc.dequantize %[[QC]] : tensor<5x!quant.uniform<i32:f32, 3.125000e-02>> -> tensor<5xf32>
// DEQUANTIZE:         return %[[DA]], %[[DB]], %[[DC]]

//--- dequantize.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
dequantize (uint8[2,3] a, int8[4,3] b, int32[5] c) => (float[2,3] x, float[4,3] y, float[5] z) {
  sa = Constant <value = float {0.5}> ()
  za = Constant <value = uint8 {128}> ()
  x = DequantizeLinear(a, sa, za)
  sb = Constant <value = float[4] {0.5, 0.25, 0.125, 1.5}> ()
  zb = Constant <value = int8[4] {0, -1, 2, -3}> ()
  y = DequantizeLinear <axis = 0> (b, sb, zb)
  sc = Constant <value = float {0.03125}> ()
  z = DequantizeLinear(c, sc)
}

// Scales and zero points that are graph inputs: ONNX's formulas,
// elementwise, with the parameters reshaped to broadcast (one per tensor:
// 1x1; per axis -1: 1x3).
// PARAMS-LABEL: func.func @main(
// PARAMS-SAME:    %[[X:[^:]+]]: tensor<2x3xf32> {onnx.name = "x"}, %[[S:[^:]+]]: tensor<f32> {onnx.name = "s"}, %[[Z:[^:]+]]: tensor<i8> {onnx.name = "z"}, %[[Q:[^:]+]]: tensor<2x3xi8> {onnx.name = "q", onnx.unsigned}, %[[DS:[^:]+]]: tensor<3xf32> {onnx.name = "ds"}, %[[QS:[^:]+]]: tensor<2x3xi8> {onnx.name = "qs"}
//
// int8 with a run-time zero point: saturate(round(x / s) + z) into [-128, 127].
// PARAMS:         %[[S1:.+]] = tosa.reshape %[[S]], %{{.+}} : (tensor<f32>, !tosa.shape<2>) -> tensor<1x1xf32>
// PARAMS:         %[[Z1:.+]] = tosa.reshape %[[Z]], %{{.+}} : (tensor<i8>, !tosa.shape<2>) -> tensor<1x1xi8>
// PARAMS:         %[[Y:.+]] = linalg.generic
// PARAMS-SAME:      ins(%[[X]], %[[S1]], %[[Z1]] : tensor<2x3xf32>, tensor<1x1xf32>, tensor<1x1xi8>)
// PARAMS-NEXT:    ^bb0(%[[IN:[^:]+]]: f32, %[[INS:[^:]+]]: f32, %[[INZ:[^:]+]]: i8, %{{.+}}: i8):
// PARAMS-NEXT:      %[[DIV:.+]] = arith.divf %[[IN]], %[[INS]] : f32
// PARAMS-NEXT:      %[[ROUND:.+]] = math.roundeven %[[DIV]] : f32
// PARAMS-NEXT:      %[[ZF:.+]] = arith.sitofp %[[INZ]] : i8 to f32
// PARAMS-NEXT:      %[[ADD:.+]] = arith.addf %[[ROUND]], %[[ZF]] : f32
// PARAMS-DAG:       %[[HI:.+]] = arith.constant 1.270000e+02 : f32
// PARAMS-DAG:       %[[LO:.+]] = arith.constant -1.280000e+02 : f32
// PARAMS:           %[[MAX:.+]] = arith.maximumf %[[ADD]], %[[LO]] : f32
// PARAMS-NEXT:      %[[MIN:.+]] = arith.minimumf %[[MAX]], %[[HI]] : f32
// PARAMS-NEXT:      %[[INT:.+]] = arith.fptosi %[[MIN]] : f32 to i8
// PARAMS-NEXT:      linalg.yield %[[INT]] : i8
// PARAMS-NEXT:    } -> tensor<2x3xi8>
//
// uint8 by default (zero point omitted: a 0 splat, which the formula reads
// as a scalar constant): [0, 255] and fptoui.
// PARAMS:         %[[S2:.+]] = tosa.reshape %[[S]], %{{.+}} : (tensor<f32>, !tosa.shape<2>) -> tensor<1x1xf32>
// PARAMS:         %[[Y2:.+]] = linalg.generic
// PARAMS-SAME:      ins(%[[X]], %[[S2]] : tensor<2x3xf32>, tensor<1x1xf32>)
// PARAMS:           arith.constant 0 : i8
// PARAMS:           math.roundeven
// PARAMS:           arith.uitofp %{{.+}} : i8 to f32
// PARAMS:           arith.constant 2.550000e+02 : f32
// PARAMS:           arith.constant 0.000000e+00 : f32
// PARAMS:           arith.maximumf
// PARAMS-NEXT:      arith.minimumf
// PARAMS-NEXT:      arith.fptoui %{{.+}} : f32 to i8
// PARAMS:         } -> tensor<2x3xi8>
//
// uint8 per axis -1 with a run-time scale: (q - zp) formed in i64, then
// sitofp and mulf.
// PARAMS:         %[[ZP:.+]] = arith.constant dense<[1, 2, 3]> : tensor<3xi8>
// PARAMS:         %[[DS1:.+]] = tosa.reshape %[[DS]], %{{.+}} : (tensor<3xf32>, !tosa.shape<2>) -> tensor<1x3xf32>
// PARAMS:         %[[ZP1:.+]] = tosa.reshape %[[ZP]], %{{.+}} : (tensor<3xi8>, !tosa.shape<2>) -> tensor<1x3xi8>
// PARAMS:         %[[D:.+]] = linalg.generic
// PARAMS-SAME:      ins(%[[Q]], %[[DS1]], %[[ZP1]] : tensor<2x3xi8>, tensor<1x3xf32>, tensor<1x3xi8>) outs(%{{.+}} : tensor<2x3xf32>)
// PARAMS-NEXT:    ^bb0(%[[DIN:[^:]+]]: i8, %[[DINS:[^:]+]]: f32, %[[DINZ:[^:]+]]: i8, %{{.+}}: f32):
// PARAMS-DAG:       %[[QE:.+]] = arith.extui %[[DIN]] : i8 to i64
// PARAMS-DAG:       %[[ZE:.+]] = arith.extui %[[DINZ]] : i8 to i64
// PARAMS:           %[[SUB:.+]] = arith.subi %[[QE]], %[[ZE]] : i64
// PARAMS-NEXT:      %[[SF:.+]] = arith.sitofp %[[SUB]] : i64 to f32
// PARAMS-NEXT:      %[[MUL:.+]] = arith.mulf %[[SF]], %[[DINS]] : f32
// PARAMS-NEXT:      linalg.yield %[[MUL]] : f32
// PARAMS-NEXT:    } -> tensor<2x3xf32>
//
// int8 with the zero point omitted (a scalar 0 in the formula): extsi.
// PARAMS:         %[[D2:.+]] = linalg.generic
// PARAMS-SAME:      ins(%[[QS]], %{{.+}} : tensor<2x3xi8>, tensor<1x1xf32>)
// PARAMS:           arith.constant 0 : i8
// PARAMS-DAG:       arith.extsi %{{.+}} : i8 to i64
// PARAMS-DAG:       arith.extsi %{{.+}} : i8 to i64
// PARAMS:           arith.subi
// PARAMS-NEXT:      arith.sitofp
// PARAMS-NEXT:      arith.mulf
// PARAMS:         return %[[Y]], %[[Y2]], %[[D]], %[[D2]]
// No QDQ ops on this path:
// PARAMS-NO-QDQ-NOT: qc.quantize
// PARAMS-NO-QDQ-NOT: qc.dequantize

//--- runtime.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
runtime (float[2,3] x, float s, int8 z, uint8[2,3] q, float[3] ds, int8[2,3] qs) => (int8[2,3] y, uint8[2,3] y2, float[2,3] d, float[2,3] d2) {
  y = QuantizeLinear(x, s, z)
  y2 = QuantizeLinear(x, s)
  dz = Constant <value = uint8[3] {1, 2, 3}> ()
  d = DequantizeLinear <axis = -1> (q, ds, dz)
  d2 = DequantizeLinear(qs, s)
}

// QLinearMatMul at opset 21, b with one scale per column (axis -1): QDQ
// around a float tosa.matmul.
// QMATMUL-LABEL: func.func @main(
// QMATMUL-SAME:    %[[A:[^:]+]]: tensor<2x4xi8> {onnx.name = "a", onnx.unsigned}, %[[B:[^:]+]]: tensor<4x3xi8> {onnx.name = "b"}
// QMATMUL:         %[[QA:.+]] = quant.scast %[[A]] : tensor<2x4xi8> to tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:128>>
// QMATMUL-NEXT:    %[[DA:.+]] = qc.dequantize %[[QA]] : tensor<2x4x!quant.uniform<u8:f32, 5.000000e-01:128>> -> tensor<2x4xf32>
// QMATMUL-NEXT:    %[[QB:.+]] = quant.scast %[[B]] : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8:f32:1, {2.500000e-01,1.250000e-01:-1,6.250000e-02:2}>>
// QMATMUL-NEXT:    %[[DB:.+]] = qc.dequantize %[[QB]] : tensor<4x3x!quant.uniform<i8:f32:1, {2.500000e-01,1.250000e-01:-1,6.250000e-02:2}>> -> tensor<4x3xf32>
// QMATMUL:         %[[RA:.+]] = tosa.reshape %[[DA]], %{{.+}} : (tensor<2x4xf32>, !tosa.shape<3>) -> tensor<1x2x4xf32>
// QMATMUL:         %[[RB:.+]] = tosa.reshape %[[DB]], %{{.+}} : (tensor<4x3xf32>, !tosa.shape<3>) -> tensor<1x4x3xf32>
// QMATMUL:         %[[MM:.+]] = tosa.matmul %[[RA]], %[[RB]], %{{.+}}, %{{.+}} : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
// QMATMUL-NEXT:    tosa.const_shape
// QMATMUL-NEXT:    %[[R:.+]] = tosa.reshape %[[MM]], %{{.+}} : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
// QMATMUL-NEXT:    %[[QY:.+]] = qc.quantize %[[R]] : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32, 2.000000e+00:10>>
// QMATMUL-NEXT:    %[[Y:.+]] = quant.scast %[[QY]] : tensor<2x3x!quant.uniform<u8:f32, 2.000000e+00:10>> to tensor<2x3xi8>
// QMATMUL-NEXT:    return %[[Y]]

//--- qlinear-matmul.onnxtxt
<ir_version: 8, opset_import: ["" : 21]>
qlinear_matmul (uint8[2,4] a, int8[4,3] b) => (uint8[2,3] y) {
  sa = Constant <value = float {0.5}> ()
  za = Constant <value = uint8 {128}> ()
  sb = Constant <value = float[3] {0.25, 0.125, 0.0625}> ()
  zb = Constant <value = int8[3] {0, -1, 2}> ()
  sy = Constant <value = float {2.0}> ()
  zy = Constant <value = uint8 {10}> ()
  y = QLinearMatMul(a, sa, za, b, sb, zb, sy, zy)
}

// QLinearConv with per output channel weight scales and an int32 bias: the
// bias is dequantized per axis 0 with scale x_scale * w_scale[c]
// (0.5 * {0.25, 0.125, 0.0625}) and zero point 0; tosa.conv2d runs on f32
// (NHWC, hence the transposes).
// QCONV-LABEL: func.func @main(
// QCONV-SAME:    %[[X:[^:]+]]: tensor<1x2x5x5xi8> {onnx.name = "x", onnx.unsigned}, %[[W:[^:]+]]: tensor<3x2x3x3xi8> {onnx.name = "w"}, %[[BIAS:[^:]+]]: tensor<3xi32> {onnx.name = "bias"}
// QCONV:         %[[QX:.+]] = quant.scast %[[X]] : tensor<1x2x5x5xi8> to tensor<1x2x5x5x!quant.uniform<u8:f32, 5.000000e-01:128>>
// QCONV-NEXT:    %[[DX:.+]] = qc.dequantize %[[QX]] : tensor<1x2x5x5x!quant.uniform<u8:f32, 5.000000e-01:128>> -> tensor<1x2x5x5xf32>
// QCONV-NEXT:    %[[QW:.+]] = quant.scast %[[W]] : tensor<3x2x3x3xi8> to tensor<3x2x3x3x!quant.uniform<i8:f32:0, {2.500000e-01,1.250000e-01,6.250000e-02}>>
// QCONV-NEXT:    %[[DW:.+]] = qc.dequantize %[[QW]] : tensor<3x2x3x3x!quant.uniform<i8:f32:0, {2.500000e-01,1.250000e-01,6.250000e-02}>> -> tensor<3x2x3x3xf32>
// QCONV-NEXT:    %[[QB:.+]] = quant.scast %[[BIAS]] : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {1.250000e-01,6.250000e-02,3.125000e-02}>>
// QCONV-NEXT:    %[[DB:.+]] = qc.dequantize %[[QB]] : tensor<3x!quant.uniform<i32:f32:0, {1.250000e-01,6.250000e-02,3.125000e-02}>> -> tensor<3xf32>
// QCONV:         %[[TX:.+]] = tosa.transpose %[[DX]] {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x5x5xf32>) -> tensor<1x5x5x2xf32>
// QCONV:         %[[TW:.+]] = tosa.transpose %[[DW]] {perms = array<i32: 0, 2, 3, 1>} : (tensor<3x2x3x3xf32>) -> tensor<3x3x3x2xf32>
// QCONV-NEXT:    %[[CONV:.+]] = tosa.conv2d %[[TX]], %[[TW]], %[[DB]], %{{.+}}, %{{.+}} {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x5x5x2xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x3xf32>
// QCONV-NEXT:    %[[T:.+]] = tosa.transpose %[[CONV]] {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x5x5x3xf32>) -> tensor<1x3x5x5xf32>
// QCONV-NEXT:    %[[QY:.+]] = qc.quantize %[[T]] : tensor<1x3x5x5xf32> -> tensor<1x3x5x5x!quant.uniform<u8:f32, 2.000000e+00:10>>
// QCONV-NEXT:    %[[Y:.+]] = quant.scast %[[QY]] : tensor<1x3x5x5x!quant.uniform<u8:f32, 2.000000e+00:10>> to tensor<1x3x5x5xi8>
// QCONV-NEXT:    return %[[Y]]

//--- qlinear-conv.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
qlinear_conv (uint8[1,2,5,5] x, int8[3,2,3,3] w, int32[3] bias) => (uint8[1,3,5,5] y) {
  sx = Constant <value = float {0.5}> ()
  zx = Constant <value = uint8 {128}> ()
  sw = Constant <value = float[3] {0.25, 0.125, 0.0625}> ()
  zw = Constant <value = int8[3] {0, 0, 0}> ()
  sy = Constant <value = float {2.0}> ()
  zy = Constant <value = uint8 {10}> ()
  y = QLinearConv <pads = [1, 1, 1, 1]> (x, sx, zx, w, sw, zw, sy, zy, bias)
}

// MatMulInteger on uint8: both operands flip their top bit (xor -128) to
// become int8, and the zero points move down by 128 (12 -> -116,
// 200 -> 72); tosa.matmul i8 x i8 -> i32.
// MATMUL-INTEGER-LABEL: func.func @main(
// MATMUL-INTEGER-SAME:    %[[A:[^:]+]]: tensor<2x4xi8> {onnx.name = "a", onnx.unsigned}, %[[B:[^:]+]]: tensor<4x3xi8> {onnx.name = "b", onnx.unsigned}
// MATMUL-INTEGER-SAME:    -> (tensor<2x3xi32> {onnx.name = "y"})
// MATMUL-INTEGER:         %[[SIGNA:.+]] = arith.constant dense<-128> : tensor<2x4xi8>
// MATMUL-INTEGER-NEXT:    %[[XA:.+]] = tosa.bitwise_xor %[[A]], %[[SIGNA]] : (tensor<2x4xi8>, tensor<2x4xi8>) -> tensor<2x4xi8>
// MATMUL-INTEGER-NEXT:    %[[SIGNB:.+]] = arith.constant dense<-128> : tensor<4x3xi8>
// MATMUL-INTEGER-NEXT:    %[[XB:.+]] = tosa.bitwise_xor %[[B]], %[[SIGNB]] : (tensor<4x3xi8>, tensor<4x3xi8>) -> tensor<4x3xi8>
// MATMUL-INTEGER:         %[[RA:.+]] = tosa.reshape %[[XA]], %{{.+}} : (tensor<2x4xi8>, !tosa.shape<3>) -> tensor<1x2x4xi8>
// MATMUL-INTEGER:         %[[RB:.+]] = tosa.reshape %[[XB]], %{{.+}} : (tensor<4x3xi8>, !tosa.shape<3>) -> tensor<1x4x3xi8>
// MATMUL-INTEGER-NEXT:    %[[ZA:.+]] = "tosa.const"() <{values = dense<-116> : tensor<1xi8>}> : () -> tensor<1xi8>
// MATMUL-INTEGER-NEXT:    %[[ZB:.+]] = "tosa.const"() <{values = dense<72> : tensor<1xi8>}> : () -> tensor<1xi8>
// MATMUL-INTEGER-NEXT:    %[[MM:.+]] = tosa.matmul %[[RA]], %[[RB]], %[[ZA]], %[[ZB]] : (tensor<1x2x4xi8>, tensor<1x4x3xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x3xi32>
// MATMUL-INTEGER:         %[[Y:.+]] = tosa.reshape %[[MM]], %{{.+}} : (tensor<1x2x3xi32>, !tosa.shape<2>) -> tensor<2x3xi32>
// MATMUL-INTEGER-NEXT:    return %[[Y]]

//--- matmul-integer.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
matmul_integer (uint8[2,4] a, uint8[4,3] b) => (int32[2,3] y) {
  za = Constant <value = uint8 {12}> ()
  zb = Constant <value = uint8 {200}> ()
  y = MatMulInteger(a, b, za, zb)
}

// ConvInteger with int8 x (kept, zero point -5) and uint8 w (flipped, zero
// point 130 -> 2): tosa.conv2d i8 -> i32 with a zero i32 bias.
// CONV-INTEGER-LABEL: func.func @main(
// CONV-INTEGER-SAME:    %[[X:[^:]+]]: tensor<1x2x5x5xi8> {onnx.name = "x"}, %[[W:[^:]+]]: tensor<3x2x3x3xi8> {onnx.name = "w", onnx.unsigned}
// CONV-INTEGER-NOT:     tosa.bitwise_xor %[[X]]
// CONV-INTEGER:         %[[SIGN:.+]] = arith.constant dense<-128> : tensor<3x2x3x3xi8>
// CONV-INTEGER-NEXT:    %[[XW:.+]] = tosa.bitwise_xor %[[W]], %[[SIGN]] : (tensor<3x2x3x3xi8>, tensor<3x2x3x3xi8>) -> tensor<3x2x3x3xi8>
// CONV-INTEGER-NEXT:    %[[BIAS:.+]] = arith.constant dense<0> : tensor<3xi32>
// CONV-INTEGER-NEXT:    %[[TX:.+]] = tosa.transpose %[[X]] {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x5x5xi8>) -> tensor<1x5x5x2xi8>
// CONV-INTEGER-NEXT:    %[[ZX:.+]] = "tosa.const"() <{values = dense<-5> : tensor<1xi8>}> : () -> tensor<1xi8>
// CONV-INTEGER-NEXT:    %[[ZW:.+]] = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
// CONV-INTEGER-NEXT:    %[[TW:.+]] = tosa.transpose %[[XW]] {perms = array<i32: 0, 2, 3, 1>} : (tensor<3x2x3x3xi8>) -> tensor<3x3x3x2xi8>
// CONV-INTEGER-NEXT:    %[[CONV:.+]] = tosa.conv2d %[[TX]], %[[TW]], %[[BIAS]], %[[ZX]], %[[ZW]] {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x2xi8>, tensor<3x3x3x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x3xi32>
// CONV-INTEGER-NEXT:    %[[Y:.+]] = tosa.transpose %[[CONV]] {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x3xi32>) -> tensor<1x3x3x3xi32>
// CONV-INTEGER-NEXT:    return %[[Y]]

//--- conv-integer.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
conv_integer (int8[1,2,5,5] x, uint8[3,2,3,3] w) => (int32[1,3,3,3] y) {
  zx = Constant <value = int8 {-5}> ()
  zw = Constant <value = uint8 {130}> ()
  y = ConvInteger(x, w, zx, zw)
}

// DynamicQuantizeLinear: the range from tosa.reduce_min/reduce_max over the
// flattened input, scale = (max(0, hi) - min(0, lo)) / 255, zero point =
// saturate(round(-min(0, lo) / scale)), then y as QuantizeLinear's formula;
// results uint8 [2, 3], a float scalar and a uint8 scalar.
// DYNAMIC-LABEL: func.func @main(
// DYNAMIC-SAME:    %[[X:[^:]+]]: tensor<2x3xf32> {onnx.name = "x"}
// DYNAMIC-SAME:    -> (tensor<2x3xi8> {onnx.name = "y", onnx.unsigned}, tensor<f32> {onnx.name = "y_scale"}, tensor<i8> {onnx.name = "y_zero_point", onnx.unsigned})
// DYNAMIC:         %[[FLAT1:.+]] = tosa.reshape %[[X]], %{{.+}} : (tensor<2x3xf32>, !tosa.shape<1>) -> tensor<6xf32>
// DYNAMIC-NEXT:    %[[LO:.+]] = tosa.reduce_min %[[FLAT1]] {axis = 0 : i32} : (tensor<6xf32>) -> tensor<1xf32>
// DYNAMIC:         %[[FLAT2:.+]] = tosa.reshape %[[X]], %{{.+}} : (tensor<2x3xf32>, !tosa.shape<1>) -> tensor<6xf32>
// DYNAMIC-NEXT:    %[[HI:.+]] = tosa.reduce_max %[[FLAT2]] {axis = 0 : i32} : (tensor<6xf32>) -> tensor<1xf32>
// DYNAMIC:         %[[SCALE:.+]] = linalg.generic
// DYNAMIC-SAME:      ins(%[[LO]], %[[HI]] : tensor<1xf32>, tensor<1xf32>) outs(%{{.+}} : tensor<1xf32>)
// DYNAMIC:           arith.minimumf
// DYNAMIC:           arith.maximumf
// DYNAMIC:           arith.subf
// DYNAMIC:           arith.constant 2.550000e+02 : f32
// DYNAMIC:           arith.divf
// DYNAMIC:         } -> tensor<1xf32>
// DYNAMIC:         %[[ZP:.+]] = linalg.generic
// DYNAMIC-SAME:      ins(%[[LO]], %[[SCALE]] : tensor<1xf32>, tensor<1xf32>) outs(%{{.+}} : tensor<1xi8>)
// DYNAMIC:           arith.negf
// DYNAMIC:           math.roundeven
// DYNAMIC:           arith.fptoui %{{.+}} : f32 to i8
// DYNAMIC:         } -> tensor<1xi8>
// DYNAMIC:         %[[BSCALE:.+]] = tosa.reshape %[[SCALE]], %{{.+}} : (tensor<1xf32>, !tosa.shape<2>) -> tensor<1x1xf32>
// DYNAMIC:         %[[BZP:.+]] = tosa.reshape %[[ZP]], %{{.+}} : (tensor<1xi8>, !tosa.shape<2>) -> tensor<1x1xi8>
// DYNAMIC:         %[[Y:.+]] = linalg.generic
// DYNAMIC-SAME:      ins(%[[X]], %[[BSCALE]], %[[BZP]] : tensor<2x3xf32>, tensor<1x1xf32>, tensor<1x1xi8>) outs(%{{.+}} : tensor<2x3xi8>)
// DYNAMIC:           arith.divf
// DYNAMIC:           math.roundeven
// DYNAMIC:           arith.uitofp %{{.+}} : i8 to f32
// DYNAMIC:           arith.addf
// DYNAMIC:           arith.fptoui %{{.+}} : f32 to i8
// DYNAMIC:         } -> tensor<2x3xi8>
// DYNAMIC:         %[[S:.+]] = tosa.reshape %[[SCALE]], %{{.+}} : (tensor<1xf32>, !tosa.shape<0>) -> tensor<f32>
// DYNAMIC:         %[[Z:.+]] = tosa.reshape %[[ZP]], %{{.+}} : (tensor<1xi8>, !tosa.shape<0>) -> tensor<i8>
// DYNAMIC-NEXT:    return %[[Y]], %[[S]], %[[Z]] : tensor<2x3xi8>, tensor<f32>, tensor<i8>

//--- dynamic.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
dynamic (float[2,3] x) => (uint8[2,3] y, float y_scale, uint8 y_zero_point) {
  y, y_scale, y_zero_point = DynamicQuantizeLinear(x)
}

// A scale that is a graph input where the importer needs constants.
// ERR-SCALE-NOT-CONSTANT: error: node producing 'y' (QLinearMatMul, opset 13): expected input 1 (scale) to be a float constant: QC compiles quantization parameters into the code

//--- err-scale-not-constant.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
err_scale_not_constant (uint8[2,4] a, float sa, int8[4,3] b) => (uint8[2,3] y) {
  za = Constant <value = uint8 {128}> ()
  sb = Constant <value = float {0.25}> ()
  zb = Constant <value = int8 {0}> ()
  sy = Constant <value = float {2.0}> ()
  zy = Constant <value = uint8 {10}> ()
  y = QLinearMatMul(a, sa, za, b, sb, zb, sy, zy)
}

// ERR-ZERO-SCALE: error: node producing 'y' (DequantizeLinear, opset 13): expected positive finite scales, got 0.000000e+00

//--- err-zero-scale.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
err_zero_scale (uint8[2,3] x) => (float[2,3] y) {
  s = Constant <value = float {0.0}> ()
  y = DequantizeLinear(x, s)
}

// ERR-NEGATIVE-SCALE: error: node producing 'y' (QuantizeLinear, opset 13): expected positive finite scales, got -5.000000e-01

//--- err-negative-scale.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
err_negative_scale (float[2,3] x) => (uint8[2,3] y) {
  s = Constant <value = float {-0.5}> ()
  y = QuantizeLinear(x, s)
}

// Two scales along an axis of size 3.
// ERR-AXIS-SCALES: error: node producing 'y' (QuantizeLinear, opset 13): expected one scale per index of axis 1 (size 3), got 2

//--- err-axis-scales.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
err_axis_scales (float[2,3,4] x) => (int8[2,3,4] y) {
  s = Constant <value = float[2] {0.5, 0.25}> ()
  z = Constant <value = int8[2] {0, 0}> ()
  y = QuantizeLinear <axis = 1> (x, s, z)
}

// ERR-INT32-ZERO-POINT: error: node producing 'y' (DequantizeLinear, opset 13): expected int32 zero points to be 0

//--- err-int32-zero-point.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
err_int32_zero_point (int32[4] x) => (float[4] y) {
  s = Constant <value = float {0.5}> ()
  z = Constant <value = int32 {5}> ()
  y = DequantizeLinear(x, s, z)
}

// Blocked quantization (opset 21): Debian's ONNX 1.12 checker knows only the
// opset-13 QuantizeLinear and rejects the attribute before the importer's own
// "blocked quantization (block_size) is not supported" can be reached.
// ERR-BLOCK-SIZE: error: Unrecognized attribute: block_size for operator QuantizeLinear

//--- err-block-size.onnxtxt
<ir_version: 8, opset_import: ["" : 21]>
err_block_size (float[2,4] x) => (int8[2,4] y) {
  s = Constant <value = float[2,2] {0.5, 0.25, 0.125, 1.0}> ()
  y = QuantizeLinear <axis = 1, block_size = 2> (x, s)
}

// MatMulInteger with a per-row zero point for A (one per row, M = 2): only
// a single zero point per operand is supported.
// ERR-ROW-ZERO-POINT: error: node producing 'y' (MatMulInteger, opset 13): per-row, per-column or per-channel zero points are not supported (input 2 has 2 elements)

//--- err-row-zero-point.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
err_row_zero_point (uint8[2,4] a, uint8[4,3] b) => (int32[2,3] y) {
  za = Constant <value = uint8[2] {1, 2}> ()
  y = MatMulInteger(a, b, za)
}

// QuantizeLinear of int32 values (ONNX allows them): QC quantizes floats.
// ERR-INT-INPUT: error: node producing 'y' (QuantizeLinear, opset 13): expected float values, got 'i32'
// ERR-INT-INPUT-NOT: Segmentation

//--- err-int-input.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
err_int_input (int32[4] x) => (int8[4] y) {
  s = Constant <value = float {0.5}> ()
  z = Constant <value = int8 {0}> ()
  y = QuantizeLinear(x, s, z)
}

// QLinearMatMul with one scale per row of a (square, so the per-column
// reading would also fit): rejected, not misread.
// ERR-ROW-SCALES: error: node producing 'y' (QLinearMatMul, opset 10): per-row scales of a are not supported (3 scales): QC quantizes activations per tensor

//--- err-row-scales.onnxtxt
<ir_version: 8, opset_import: ["" : 10]>
err_row_scales (uint8[3,3] a, uint8[3,3] b) => (uint8[3,3] y) {
  sa = Constant <value = float[3] {0.5, 0.25, 0.125}> ()
  za = Constant <value = uint8[3] {0, 0, 0}> ()
  sb = Constant <value = float {0.5}> ()
  zb = Constant <value = uint8 {0}> ()
  sy = Constant <value = float {0.5}> ()
  zy = Constant <value = uint8 {0}> ()
  y = QLinearMatMul(a, sa, za, b, sb, zb, sy, zy)
}

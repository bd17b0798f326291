// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-quantize | FileCheck %s
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-quantize=activation-type=u8 | FileCheck %s --check-prefix=U8
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-quantize=activation-symmetric=true | FileCheck %s --check-prefix=SYM
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-quantize="activation-type=u8 activation-symmetric=true" | FileCheck %s --check-prefix=REGRESSION-U8SYM
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-quantize=weight-bits=4 | FileCheck %s --check-prefix=W4
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-quantize=keep-float=conv_a | FileCheck %s --check-prefix=KEEP
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-quantize --qc-lower-to-integer --canonicalize | FileCheck %s --check-prefix=INT
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-quantize=tabulate-functions=true | FileCheck %s --check-prefix=TAB
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-quantize=tabulate-functions=true --qc-lower-to-integer --canonicalize | FileCheck %s --check-prefix=TAB-INT
// RUN: not quant-opt %s --split-input-file --qc-quantize=activation-type=i4 2>&1 | FileCheck %s --check-prefix=BAD-TYPE
// RUN: not quant-opt %s --split-input-file --qc-quantize=weight-bits=9 2>&1 | FileCheck %s --check-prefixes=BAD-BITS,REGRESSION-BITS
// RUN: not quant-opt %s --split-input-file --qc-quantize=weight-bits=1 2>&1 | FileCheck %s --check-prefix=BAD-BITS

// Float graphs with #qc.stats on function arguments and on the ops that
// produce values. Expected scales and zero points were computed by hand
// (Python, float32 rounding through struct): i8 affine
// s = (max - min) / 255 and z = round(-128 - min / s) over the range widened
// to contain 0, rounded half to even (std::nearbyint); the scale is rounded
// to float32 and printed as a double. Weights: s_c = max|w_c| / qmax in
// float32, q = round_half_even(w / s_c).
//
// The bugs these tests found are at the end, with REGRESSION-* checks of
// the fixed behaviour.

// BAD-TYPE: error: qc-quantize: activation-type must be i8 or u8, got 'i4'
// BAD-BITS: error: qc-quantize: weight-bits must be in [2, 8], got

//===----------------------------------------------------------------------===//
// Activations: scales and zero points
//===----------------------------------------------------------------------===//

// [-1, 3]: s = 4 / 255, z = round(-128 + 63.75) = -64.
// u8: z = round(0 + 63.75) = 64. Symmetric i8: s = 3 / 127, z = 0.
// CHECK-LABEL: func @argument
// CHECK-SAME:    (%[[X:.+]]: tensor<4xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>})
// CHECK-NEXT:    %[[Q:.+]] = qc.quantize %[[X]] : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.015686275437474251:-64>>
// CHECK-NEXT:    %[[D:.+]] = qc.dequantize %[[Q]] : tensor<4x!quant.uniform<i8:f32, 0.015686275437474251:-64>> -> tensor<4xf32>
// CHECK-NEXT:    return %[[D]]
// U8-LABEL:    func @argument
// U8:            qc.quantize %{{.+}} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.015686275437474251:64>>
// SYM-LABEL:   func @argument
// SYM:           qc.quantize %{{.+}} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.023622047156095505>>
func.func @argument(%x: tensor<4xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// Ranges that do not contain 0 are widened to it; an empty range gets
// scale 1; a tie goes to the even zero point.
// %a [0.5, 2] -> [0, 2]: s = 2 / 255, z = -128 (u8: 0; symmetric: 2 / 127).
// %b [-2, -0.5] -> [-2, 0]: s = 2 / 255, z = round(-128 + 255) = 127 (u8: 255).
// %c [0, 0]: s = 1, z = 0.
// %d [-75.5, 179.5]: s = 1, z = round(-128 + 75.5) = round(-52.5) = -52
// (u8: round(75.5) = 76; symmetric: 179.5 / 127).
// CHECK-LABEL: func @argument_ranges
// CHECK-DAG:     qc.quantize %arg0 : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 0.0078431377187371254:-128>>
// CHECK-DAG:     qc.quantize %arg1 : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 0.0078431377187371254:127>>
// CHECK-DAG:     qc.quantize %arg2 : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 1.000000e+00>>
// CHECK-DAG:     qc.quantize %arg3 : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 1.000000e+00:-52>>
// U8-LABEL:    func @argument_ranges
// U8-DAG:        qc.quantize %arg0 : tensor<2xf32> -> tensor<2x!quant.uniform<u8:f32, 0.0078431377187371254>>
// U8-DAG:        qc.quantize %arg1 : tensor<2xf32> -> tensor<2x!quant.uniform<u8:f32, 0.0078431377187371254:255>>
// U8-DAG:        qc.quantize %arg2 : tensor<2xf32> -> tensor<2x!quant.uniform<u8:f32, 1.000000e+00>>
// U8-DAG:        qc.quantize %arg3 : tensor<2xf32> -> tensor<2x!quant.uniform<u8:f32, 1.000000e+00:76>>
// SYM-LABEL:   func @argument_ranges
// SYM-DAG:       qc.quantize %arg0 : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 0.015748031437397003>>
// SYM-DAG:       qc.quantize %arg1 : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 0.015748031437397003>>
// SYM-DAG:       qc.quantize %arg2 : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 1.000000e+00>>
// SYM-DAG:       qc.quantize %arg3 : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 1.4133858680725098>>
func.func @argument_ranges(%a: tensor<2xf32> {qc.stats = #qc.stats<min = 0.5, max = 2.0>},
                           %b: tensor<2xf32> {qc.stats = #qc.stats<min = -2.0, max = -0.5>},
                           %c: tensor<2xf32> {qc.stats = #qc.stats<min = 0.0, max = 0.0>},
                           %d: tensor<2xf32> {qc.stats = #qc.stats<min = -75.5, max = 179.5>})
    -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  return %a, %b, %c, %d : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// A per-value qc.scheme on the producer overrides the options: u8 affine
// for [0, 1] (s = 1 / 255, z = 0), i8 symmetric narrow for [-0.5, 0.75]
// (s = 0.75 / 127, storage [-127, 127]), i16 symmetric (s = 0.75 / 32767).
// The argument, without a scheme, follows the options. (The final clamp
// keeps the chain out of the float tail that ends a model.)
// CHECK-LABEL: func @scheme
// CHECK:         qc.quantize %arg0 : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.015686275437474251:-64>>
// CHECK:         %[[S:.+]] = tosa.sigmoid
// CHECK-NEXT:    qc.quantize %[[S]] : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.0039215688593685627>>
// CHECK:         %[[T:.+]] = tosa.tanh
// CHECK-NEXT:    qc.quantize %[[T]] : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.0059055117890238762>>
// CHECK:         %[[U:.+]] = tosa.tanh
// CHECK-NEXT:    qc.quantize %[[U]] : tensor<4xf32> -> tensor<4x!quant.uniform<i16:f32, 2.2888882085680962E-5>>
// U8-LABEL:    func @scheme
// U8:            qc.quantize %arg0 : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.015686275437474251:64>>
// U8:            qc.quantize %{{.+}} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.0039215688593685627>>
// U8:            qc.quantize %{{.+}} : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.0059055117890238762>>
// U8:            qc.quantize %{{.+}} : tensor<4xf32> -> tensor<4x!quant.uniform<i16:f32, 2.2888882085680962E-5>>
func.func @scheme(%x: tensor<4xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<4xf32> {
  %s = tosa.sigmoid %x {qc.stats = #qc.stats<min = 0.0, max = 1.0>, qc.scheme = #qc.scheme<u8, affine>} : (tensor<4xf32>) -> tensor<4xf32>
  %t = tosa.tanh %s {qc.stats = #qc.stats<min = -0.5, max = 0.75>, qc.scheme = #qc.scheme<i8, symmetric, narrow>} : (tensor<4xf32>) -> tensor<4xf32>
  %u = tosa.tanh %t {qc.stats = #qc.stats<min = -0.5, max = 0.75>, qc.scheme = #qc.scheme<i16, symmetric>} : (tensor<4xf32>) -> tensor<4xf32>
  %r = tosa.clamp %u {min_val = 0.0 : f32, max_val = 6.0 : f32, qc.stats = #qc.stats<min = 0.0, max = 0.75>} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Activations: where the pairs go
//===----------------------------------------------------------------------===//

// -----

// A convolution feeding a ReLU keeps its accumulator: no pair on the
// convolution's result (it needs no stats), one after the ReLU
// ([0, 5]: s = 5 / 255, z = -128). The weights become int8 per channel
// (scales 2 / 127 and 0.5 / 127, 1 for the all-zero channel), the bias
// stays the float constant it was. The ReLU's init (the importer's
// tensor.empty) computes nothing and gets no pair.
// CHECK-LABEL: func @conv_relu
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<1x4x4x2xf32>
// CHECK-NEXT:    %[[QX:.+]] = qc.quantize %[[X]] : tensor<1x4x4x2xf32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.015686275437474251:-64>>
// CHECK-NEXT:    %[[DX:.+]] = qc.dequantize %[[QX]]
// CHECK-DAG:     %[[B:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK-DAG:     %[[WI:.+]] = arith.constant dense<{{\[}}[{{\[}}[64, -127]]], [{{\[}}[127, 64]]], [{{\[}}[0, 0]]]]> : tensor<3x1x1x2xi8>
// CHECK:         %[[WQ:.+]] = quant.scast %[[WI]] : tensor<3x1x1x2xi8> to tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.015748031437397003,0.0039370078593492508,1.000000e+00}>>
// CHECK-NEXT:    %[[W:.+]] = qc.dequantize %[[WQ]] : tensor<3x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.015748031437397003,0.0039370078593492508,1.000000e+00}>> -> tensor<3x1x1x2xf32>
// CHECK-NEXT:    %[[C:.+]] = tosa.conv2d %[[DX]], %[[W]], %[[B]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK:         %[[E:.+]] = tensor.empty() : tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[R:.+]] = linalg.generic {{.*}} ins(%[[C]] : tensor<1x4x4x3xf32>) outs(%[[E]] : tensor<1x4x4x3xf32>)
// CHECK:         } -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[QR:.+]] = qc.quantize %[[R]] : tensor<1x4x4x3xf32> -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.019607843831181526:-128>>
// CHECK-NEXT:    %[[DR:.+]] = qc.dequantize %[[QR]]
// CHECK-NEXT:    return %[[DR]]
// Lowered: an int8 convolution into i32 and one requantization, the bias
// rounded to s_x * s_w[c] ([1, 2, 3] / [2.4703e-4, 6.1757e-5, 0.015686] =
// [4048.12, 32385.00, 191.25]) with the input zero point -64 folded in:
// - (-64) * (weight sums [-63, 191, 0]) = [-4032, 12224, 0].
// INT-LABEL:   func @conv_relu
// INT-DAG:       arith.constant dense<[16, 44609, 191]> : tensor<3xi32>
// INT-DAG:       "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// INT:           %[[Q:.+]] = qc.quantize %arg0
// INT-NEXT:      %[[S:.+]] = quant.scast %[[Q]] : {{.*}} to tensor<1x4x4x2xi8>
// INT-NEXT:      %[[C:.+]] = tosa.conv2d %[[S]], {{.*}} {acc_type = i32, {{.*}}} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi32>
// INT-NEXT:      %[[R:.+]] = qc.requant %[[C]] {{.*}} : tensor<1x4x4x3xi32> -> tensor<1x4x4x3xi8>
// INT-NEXT:      %[[RS:.+]] = quant.scast %[[R]]
// INT-NEXT:      %[[D:.+]] = qc.dequantize %[[RS]]
// INT-NEXT:      return %[[D]]
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_relu(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 0.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x4x4x3xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<1x4x4x3xf32>) outs(%init : tensor<1x4x4x3xf32>) attrs = {qc.stats = #qc.stats<min = 0.0, max = 5.0>} {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x3xf32>
  return %r : tensor<1x4x4x3xf32>
}

// -----

// The convolution's result reaches, through a transpose, an add with
// another activation (a residual add, not an absorber): it gets a pair
// ([-6, 2]: s = 8 / 255, z = round(-128 + 191.25) = 63), the transpose none;
// %y [-2, 3]: s = 5 / 255, z = -26. The add feeds a ReLU (an absorber), so
// its pair goes after the ReLU ([0, 6]: s = 6 / 255, z = -128).
// CHECK-LABEL: func @conv_transpose_add
// CHECK-SAME:    (%[[X:[^:]+]]: {{.*}}, %[[Y:[^:]+]]: tensor<1x3x4x4xf32>
// CHECK-DAG:     %[[QY:.+]] = qc.quantize %[[Y]] : tensor<1x3x4x4xf32> -> tensor<1x3x4x4x!quant.uniform<i8:f32, 0.019607843831181526:-26>>
// CHECK-DAG:     %[[DY:.+]] = qc.dequantize %[[QY]]
// CHECK:         %[[C:.+]] = tosa.conv2d
// CHECK-NEXT:    %[[QC:.+]] = qc.quantize %[[C]] : tensor<1x4x4x3xf32> -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.031372550874948502:63>>
// CHECK-NEXT:    %[[DC:.+]] = qc.dequantize %[[QC]]
// CHECK-NEXT:    %[[T:.+]] = tosa.transpose %[[DC]]
// CHECK-NEXT:    %[[A:.+]] = tosa.add %[[T]], %[[DY]]
// CHECK-NEXT:    %[[R:.+]] = tosa.clamp %[[A]]
// CHECK-NEXT:    %[[QR:.+]] = qc.quantize %[[R]] : tensor<1x3x4x4xf32> -> tensor<1x3x4x4x!quant.uniform<i8:f32, 0.023529412224888802:-128>>
// CHECK-NEXT:    %[[DR:.+]] = qc.dequantize %[[QR]]
// CHECK-NEXT:    return %[[DR]]
// Lowered: the transpose runs on int8, the add is HAWQ-V3's residual add.
// INT-LABEL:   func @conv_transpose_add
// INT:           tosa.conv2d {{.*}} -> tensor<1x4x4x3xi32>
// INT-NEXT:      qc.requant {{.*}} : tensor<1x4x4x3xi32> -> tensor<1x4x4x3xi8>
// INT-NEXT:      tosa.transpose {{.*}} : (tensor<1x4x4x3xi8>) -> tensor<1x3x4x4xi8>
// INT-NOT:       tosa.add {{.*}}f32
// INT:           tosa.add {{.*}} -> tensor<1x3x4x4xi32>
// INT-NEXT:      qc.requant {{.*}} : tensor<1x3x4x4xi32> -> tensor<1x3x4x4xi8>
func.func @conv_transpose_add(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>},
                              %y: tensor<1x3x4x4xf32> {qc.stats = #qc.stats<min = -2.0, max = 3.0>}) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 0.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -6.0, max = 2.0>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>, qc.stats = #qc.stats<min = -6.0, max = 2.0>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %a = tosa.add %t, %y {qc.stats = #qc.stats<min = -7.0, max = 9.0>} : (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32, qc.stats = #qc.stats<min = 0.0, max = 6.0>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return %r : tensor<1x3x4x4xf32>
}

// -----

// The absorbers: a bias add then a clamp, through a transpose; a
// multiplication by a positive splat (tosa.mul and a one-mulf generic). Only
// the last op of each chain gets a pair. A multiplication by a negative
// constant absorbs nothing: the convolution gets a pair
// ([-5, 5]: s = 10 / 255, z = round(-0.5) = 0).
// CHECK-LABEL: func @absorbers
// CHECK:         qc.quantize %arg0
// CHECK-NEXT:    qc.dequantize
// CHECK-NOT:     qc.quantize
// CHECK:         %[[R:.+]] = tosa.clamp
// CHECK-NEXT:    %[[Q:.+]] = qc.quantize %[[R]] : tensor<1x3x4x4xf32> -> tensor<1x3x4x4x!quant.uniform<i8:f32, 0.023529412224888802:-128>>
// CHECK-NEXT:    %[[D:.+]] = qc.dequantize %[[Q]]
// CHECK-NEXT:    return %[[D]]
// Lowered: the bias add and the transpose run on the i32 accumulator, the
// clamp folds into the requantization.
// INT-LABEL:   func @absorbers
// INT:           tosa.conv2d {{.*}} -> tensor<1x4x4x3xi32>
// INT-NEXT:      tosa.transpose {{.*}} : (tensor<1x4x4x3xi32>) -> tensor<1x3x4x4xi32>
// INT-NEXT:      tosa.add {{.*}} : (tensor<1x3x4x4xi32>, tensor<1x3x1x1xi32>) -> tensor<1x3x4x4xi32>
// INT-NEXT:      qc.requant {{.*}} : tensor<1x3x4x4xi32> -> tensor<1x3x4x4xi8>
// INT-LABEL:   func @positive_scale
// INT:           tosa.conv2d {{.*}} -> tensor<1x4x4x3xi32>
// INT-NEXT:      qc.requant {{.*}} : tensor<1x4x4x3xi32> -> tensor<1x4x4x3xi8>
// INT-NEXT:      quant.scast
// INT-NEXT:      qc.dequantize
// INT-NEXT:      return
// CHECK-LABEL: func @positive_scale
// CHECK:         qc.quantize %arg0
// CHECK-NEXT:    qc.dequantize
// CHECK-NOT:     qc.quantize
// CHECK:         %[[M:.+]] = tosa.mul
// CHECK-NOT:     qc.quantize
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK:         } -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[Q:.+]] = qc.quantize %[[G]] : tensor<1x4x4x3xf32> -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.019607843831181526:-128>>
// CHECK-LABEL: func @negative_scale
// CHECK:         %[[C:.+]] = tosa.conv2d
// CHECK-NEXT:    qc.quantize %[[C]] : tensor<1x4x4x3xf32> -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.039215687662363052>>
// CHECK-NEXT:    %[[D:.+]] = qc.dequantize
// CHECK:         tosa.mul %[[D]]
func.func @absorbers(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 0.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  %s = "tosa.const"() <{values = dense<[[[[0.5]], [[-0.5]], [[1.0]]]]> : tensor<1x3x1x1xf32>}> : () -> tensor<1x3x1x1xf32>
  %a = tosa.add %t, %s {qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x3x4x4xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32, qc.stats = #qc.stats<min = 0.0, max = 6.0>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return %r : tensor<1x3x4x4xf32>
}
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @positive_scale(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 0.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %c, %half, %shift {qc.stats = #qc.stats<min = -2.5, max = 2.5>} : (tensor<1x4x4x3xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x4x4x3xf32>
  %k = arith.constant 2.0 : f32
  %init = arith.constant dense<0.0> : tensor<1x4x4x3xf32>
  %g = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%m : tensor<1x4x4x3xf32>) outs(%init : tensor<1x4x4x3xf32>) attrs = {qc.stats = #qc.stats<min = 0.0, max = 5.0>} {
  ^bb0(%in: f32, %out: f32):
    %p = arith.mulf %in, %k : f32
    linalg.yield %p : f32
  } -> tensor<1x4x4x3xf32>
  return %g : tensor<1x4x4x3xf32>
}
func.func @negative_scale(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 0.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %neg = "tosa.const"() <{values = dense<-0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %c, %neg, %shift {qc.stats = #qc.stats<min = 0.0, max = 5.0>} : (tensor<1x4x4x3xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x4x4x3xf32>
  return %m : tensor<1x4x4x3xf32>
}

// -----

// A convolution with a second user that is no absorber (the return) gets
// a pair; the ReLU reads the dequantized value.
// CHECK-LABEL: func @conv_two_users
// CHECK:         %[[C:.+]] = tosa.conv2d
// CHECK-NEXT:    %[[QC:.+]] = qc.quantize %[[C]] : tensor<1x4x4x3xf32> -> tensor<1x4x4x3x!quant.uniform<i8:f32, 0.039215687662363052>>
// CHECK-NEXT:    %[[DC:.+]] = qc.dequantize %[[QC]]
// CHECK:         %[[R:.+]] = tosa.clamp %[[DC]]
// CHECK-NEXT:    %[[QR:.+]] = qc.quantize %[[R]]
// CHECK-NEXT:    %[[DR:.+]] = qc.dequantize %[[QR]]
// CHECK-NEXT:    return %[[DR]], %[[DC]]
func.func @conv_two_users(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> (tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>) {
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 0.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32, qc.stats = #qc.stats<min = 0.0, max = 5.0>} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  return %r, %c : tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>
}

// -----

// Data movement keeps its input's quantization: only the argument gets a
// pair, and the ops after it need no stats.
// CHECK-LABEL: func @data_movement
// CHECK:         %[[Q:.+]] = qc.quantize %arg0
// CHECK-NEXT:    %[[D:.+]] = qc.dequantize %[[Q]]
// CHECK-NOT:     qc.quantize
// CHECK:         %[[P:.+]] = tosa.max_pool2d %[[D]]
// CHECK-NEXT:    %[[T:.+]] = tosa.transpose %[[P]]
// CHECK:         %[[R:.+]] = tosa.reshape %[[T]]
// CHECK:         %[[S:.+]] = tosa.slice %[[R]]
// CHECK:         %[[L:.+]] = tosa.tile %[[S]]
// CHECK-NEXT:    return %[[L]]
// INT-LABEL:   func @data_movement
// INT:           tosa.max_pool2d {{.*}} -> tensor<1x2x2x2xi8>
// INT-NEXT:      tosa.transpose {{.*}} -> tensor<1x2x2x2xi8>
// INT-NEXT:      tosa.reshape {{.*}} -> tensor<1x8xi8>
// INT-NEXT:      tosa.slice {{.*}} -> tensor<1x4xi8>
// INT-NEXT:      tosa.tile {{.*}} -> tensor<2x4xi8>
// INT-NEXT:      quant.scast {{.*}} : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 0.015686275437474251:-64>>
func.func @data_movement(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<2x4xf32> {
  %p = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32>
  %t = tosa.transpose %p {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %shape = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %t, %shape : (tensor<1x2x2x2xf32>, !tosa.shape<2>) -> tensor<1x8xf32>
  %start = tosa.const_shape {values = dense<[0, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s = tosa.slice %r, %start, %size : (tensor<1x8xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x4xf32>
  %multiples = tosa.const_shape {values = dense<[2, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %l = tosa.tile %s, %multiples : (tensor<1x4xf32>, !tosa.shape<2>) -> tensor<2x4xf32>
  return %l : tensor<2x4xf32>
}

// -----

// An elementwise op that is no absorber: pairs on its input and result
// ([0, 1]: s = 1 / 255, z = -128). Lowered, it is a table.
// CHECK-LABEL: func @sigmoid
// CHECK:         %[[Q:.+]] = qc.quantize %arg0
// CHECK-NEXT:    %[[D:.+]] = qc.dequantize %[[Q]]
// CHECK-NEXT:    %[[S:.+]] = tosa.sigmoid %[[D]]
// CHECK-NEXT:    %[[QS:.+]] = qc.quantize %[[S]] : tensor<1x2x4xf32> -> tensor<1x2x4x!quant.uniform<i8:f32, 0.0039215688593685627:-128>>
// CHECK-NEXT:    %[[DS:.+]] = qc.dequantize %[[QS]]
// CHECK:         tosa.matmul %[[DS]]
// INT-LABEL:   func @sigmoid
// INT:           %[[T:.+]] = tosa.table %{{.+}}, %{{.+}} : (tensor<1x2x4xi8>, tensor<256xi8>) -> tensor<1x2x4xi8>
// INT-NEXT:      tosa.matmul %[[T]]
func.func @sigmoid(%x: tensor<1x2x4xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x2x3xf32> {
  %s = tosa.sigmoid %x {qc.stats = #qc.stats<min = 0.0, max = 1.0>} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %b = arith.constant dense<1.0> : tensor<1x4x3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %m = tosa.matmul %s, %b, %zp, %zp {qc.stats = #qc.stats<min = 0.0, max = 4.0>} : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %m : tensor<1x2x3xf32>
}

// -----

// HardSwish spelled out (x * clamp(x + 3, 0, 6) / 6, then a scale and a
// shift, as PaddleOCR's exports have it) is a function of x alone. By
// default the clamp and the product get pairs (each a non-absorber's
// input); with tabulate-functions only x and the function's output do, and
// lowered, the whole function is one table.
// CHECK-LABEL: func @hardswish_function
// CHECK:         %[[C:.+]] = tosa.clamp
// CHECK-NEXT:    qc.quantize %[[C]]
// INT-LABEL:   func @hardswish_function
// INT-NOT:       tosa.table
// INT:           tosa.matmul
// TAB-LABEL:   func @hardswish_function
// TAB:           qc.quantize %arg0
// TAB-NEXT:      %[[X:.+]] = qc.dequantize
// TAB-NOT:       qc.quantize
// TAB:           %[[S:.+]] = tosa.add %{{.+}}, %{{.+}} {qc.stats = #qc.stats<min = 0.0, max = 4.0>}
// TAB-NEXT:      qc.quantize %[[S]] : tensor<1x2x4xf32> -> tensor<1x2x4x!quant.uniform<i8:f32, 0.015686275437474251:-128>>
// TAB-NEXT:      %[[D:.+]] = qc.dequantize
// TAB:           tosa.matmul %[[D]]
// TAB-INT-LABEL: func @hardswish_function
// TAB-INT:       %[[T:.+]] = tosa.table %{{.+}}, %{{.+}} : (tensor<1x2x4xi8>, tensor<256xi8>) -> tensor<1x2x4xi8>
// TAB-INT-NOT:   tosa.table
// TAB-INT:       tosa.matmul %[[T]]
func.func @hardswish_function(%x: tensor<1x2x4xf32> {qc.stats = #qc.stats<min = -4.0, max = 4.0>}) -> tensor<1x2x3xf32> {
  %three = arith.constant dense<3.0> : tensor<1x1x1xf32>
  %sixth = arith.constant dense<0.16666667> : tensor<1x1x1xf32>
  %half = arith.constant dense<0.5> : tensor<1x1x1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %a = tosa.add %x, %three {qc.stats = #qc.stats<min = -1.0, max = 7.0>} : (tensor<1x2x4xf32>, tensor<1x1x1xf32>) -> tensor<1x2x4xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32, qc.stats = #qc.stats<min = 0.0, max = 6.0>} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %p = tosa.mul %x, %c, %shift {qc.stats = #qc.stats<min = -0.5, max = 16.0>} : (tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1xi8>) -> tensor<1x2x4xf32>
  %h = tosa.mul %p, %sixth, %shift {qc.stats = #qc.stats<min = -0.375, max = 4.0>} : (tensor<1x2x4xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4xf32>
  %m = tosa.mul %h, %half, %shift {qc.stats = #qc.stats<min = -0.1875, max = 2.0>} : (tensor<1x2x4xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4xf32>
  %s = tosa.add %m, %half {qc.stats = #qc.stats<min = 0.0, max = 4.0>} : (tensor<1x2x4xf32>, tensor<1x1x1xf32>) -> tensor<1x2x4xf32>
  %b = arith.constant dense<1.0> : tensor<1x4x3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %r = tosa.matmul %s, %b, %zp, %zp {qc.stats = #qc.stats<min = 0.0, max = 16.0>} : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %r : tensor<1x2x3xf32>
}

// -----

// The same function with the clamp also read by a matmul: the clamp is an
// output of the function and read inside it, so even with
// tabulate-functions every value keeps its pair (the function would read
// its own rounding otherwise).
// TAB-LABEL:   func @function_output_read_inside
// TAB:           %[[C:.+]] = tosa.clamp
// TAB-NEXT:      qc.quantize %[[C]]
// TAB:           %[[P:.+]] = tosa.mul
// TAB-NEXT:      qc.quantize %[[P]]
func.func @function_output_read_inside(%x: tensor<1x2x4xf32> {qc.stats = #qc.stats<min = -4.0, max = 4.0>}) -> (tensor<1x2x3xf32>, tensor<1x2x3xf32>) {
  %three = arith.constant dense<3.0> : tensor<1x1x1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %a = tosa.add %x, %three {qc.stats = #qc.stats<min = -1.0, max = 7.0>} : (tensor<1x2x4xf32>, tensor<1x1x1xf32>) -> tensor<1x2x4xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32, qc.stats = #qc.stats<min = 0.0, max = 6.0>} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %p = tosa.mul %x, %c, %shift {qc.stats = #qc.stats<min = -0.5, max = 16.0>} : (tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1xi8>) -> tensor<1x2x4xf32>
  %b = arith.constant dense<1.0> : tensor<1x4x3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %r = tosa.matmul %p, %b, %zp, %zp {qc.stats = #qc.stats<min = -2.0, max = 64.0>} : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %rc = tosa.matmul %c, %b, %zp, %zp {qc.stats = #qc.stats<min = 0.0, max = 24.0>} : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %r, %rc : tensor<1x2x3xf32>, tensor<1x2x3xf32>
}

// -----

// With tabulate-functions, a #qc.scheme on a value inside a function is
// the user's decision: the value keeps its pair, so the function (read
// inside at that value) keeps a pair per value. An i16 source has no
// table: its function keeps them too.
// TAB-LABEL:   func @function_with_schemes
// TAB:           %[[S:.+]] = tosa.sigmoid %{{.+}} {qc.scheme
// TAB-NEXT:      qc.quantize %[[S]] : tensor<1x2x4xf32> -> tensor<1x2x4x!quant.uniform<u8:f32, 0.0039215688593685627>>
// TAB:           %[[T:.+]] = tosa.tanh
// TAB-NEXT:      qc.quantize %[[T]]
// TAB:           %[[E:.+]] = tosa.exp
// TAB-NEXT:      qc.quantize %[[E]]
// TAB:           %[[N:.+]] = tosa.negate
// TAB-NEXT:      qc.quantize %[[N]]
func.func @function_with_schemes(%x: tensor<1x2x4xf32> {qc.stats = #qc.stats<min = -4.0, max = 4.0>}) -> (tensor<1x2x3xf32>, tensor<1x2x3xf32>) {
  %s = tosa.sigmoid %x {qc.scheme = #qc.scheme<u8, affine>, qc.stats = #qc.stats<min = 0.0, max = 1.0>} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %t = tosa.tanh %s {qc.stats = #qc.stats<min = 0.0, max = 0.77>} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %w = tosa.tanh %x {qc.scheme = #qc.scheme<i16, symmetric>, qc.stats = #qc.stats<min = -1.0, max = 1.0>} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %e = tosa.exp %w {qc.stats = #qc.stats<min = 0.36, max = 2.72>} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %n = tosa.negate %e, %zp, %zp {qc.stats = #qc.stats<min = -2.72, max = -0.36>} : (tensor<1x2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x4xf32>
  %c = tosa.clamp %n {min_val = -2.0 : f32, max_val = 0.0 : f32, qc.stats = #qc.stats<min = -2.0, max = -0.36>} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %b = arith.constant dense<1.0> : tensor<1x4x3xf32>
  %r = tosa.matmul %t, %b, %zp, %zp {qc.stats = #qc.stats<min = 0.0, max = 4.0>} : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %m = tosa.matmul %c, %b, %zp, %zp {qc.stats = #qc.stats<min = -8.0, max = 0.0>} : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %r, %m : tensor<1x2x3xf32>, tensor<1x2x3xf32>
}

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

// -----

// OHWI weights per output channel (axis 0). Channel 0: max 127/64, s = 1/64,
// 2.5/64 -> 2.5 -> 2 (half to even); channel 1: max 127/32, s = 1/32,
// 3.5/32 -> 4; channel 2 all zero: s = 1; channel 3: max 1, s = 1/127,
// 0.25 -> 31.75 -> 32. The bias (a reshape of a constant) becomes a plain
// constant.
// 4-bit weights (W4): [-7, 7], s = max / 7: [7, 0], [-7, 0], [0, 0], [7, 2].
// CHECK-LABEL: func @conv_weights
// CHECK:         %[[WI:.+]] = arith.constant dense<{{\[}}[{{\[}}[127, 2]]], [{{\[}}[-127, 4]]], [{{\[}}[0, 0]]], [{{\[}}[127, 32]]]]> : tensor<4x1x1x2xi8>
// CHECK-NEXT:    %[[WQ:.+]] = quant.scast %[[WI]] : tensor<4x1x1x2xi8> to tensor<4x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {1.562500e-02,3.125000e-02,1.000000e+00,0.0078740157186985015}>>
// CHECK-NEXT:    %[[W:.+]] = qc.dequantize %[[WQ]]
// CHECK:         %[[B:.+]] = arith.constant dense<[5.000000e-01, -1.000000e+00, 2.000000e+00, 0.000000e+00]> : tensor<4xf32>
// CHECK-NEXT:    tosa.conv2d %{{.+}}, %[[W]], %[[B]], {{.*}} -> tensor<1x4x4x4xf32>
// W4-LABEL:    func @conv_weights
// W4:            arith.constant dense<{{\[}}[{{\[}}[7, 0]]], [{{\[}}[-7, 0]]], [{{\[}}[0, 0]]], [{{\[}}[7, 2]]]]> : tensor<4x1x1x2xi8>
// W4:            quant.scast %{{.+}} : tensor<4x1x1x2xi8> to tensor<4x1x1x2x!quant.uniform<i8<-7:7>:f32:0, {0.2834821343421936,0.56696426868438721,1.000000e+00,0.1428571492433548}>>
func.func @conv_weights(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<[[[[1.984375, 0.0390625]]], [[[-3.96875, 0.109375]]], [[[0.0, 0.0]]], [[[1.0, 0.25]]]]> : tensor<4x1x1x2xf32>
  %b0 = "tosa.const"() <{values = dense<[[0.5, -1.0, 2.0, 0.0]]> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
  %bs = tosa.const_shape {values = dense<[4]> : tensor<1xindex>} : () -> !tosa.shape<1>
  %b = tosa.reshape %b0, %bs : (tensor<1x4xf32>, !tosa.shape<1>) -> tensor<4xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}

// -----

// A layer's #qc.bitwidth (a search's or the user's decision) overrides
// weight-bits: the same weights as @conv_weights at 4 bits under every
// option, W4 included.
// CHECK-LABEL: func @bitwidth_decision
// CHECK:         arith.constant dense<{{\[}}[{{\[}}[7, 0]]], [{{\[}}[-7, 0]]], [{{\[}}[0, 0]]], [{{\[}}[7, 2]]]]> : tensor<4x1x1x2xi8>
// CHECK:         quant.scast %{{.+}} : tensor<4x1x1x2xi8> to tensor<4x1x1x2x!quant.uniform<i8<-7:7>:f32:0, {0.2834821343421936,0.56696426868438721,1.000000e+00,0.1428571492433548}>>
// CHECK:         tosa.conv2d {{.*}}qc.bitwidth = #qc.bitwidth<weights = 4, method = hawq>
// W4-LABEL:    func @bitwidth_decision
// W4:            quant.scast %{{.+}} : tensor<4x1x1x2xi8> to tensor<4x1x1x2x!quant.uniform<i8<-7:7>:f32:0,
func.func @bitwidth_decision(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<[[[[1.984375, 0.0390625]]], [[[-3.96875, 0.109375]]], [[[0.0, 0.0]]], [[[1.0, 0.25]]]]> : tensor<4x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.bitwidth = #qc.bitwidth<weights = 4, method = hawq>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}

// -----

// Weights are held in int8: a decision of more bits is an error.
func.func @bitwidth_too_wide(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  // expected-error@+1 {{'tosa.conv2d' op qc-quantize: expected weight bits in [2, 8] (held in int8), got #qc.bitwidth<weights = 16, method = manual>}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.bitwidth = #qc.bitwidth<weights = 16, method = manual>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}

// -----

// The importer's weights: an OIHW constant behind a transpose to OHWI. The
// quantized constant is in OHWI order: OIHW [o0: i0 [127, 10], i1 [-20, 30];
// o1: i0 [1, 2], i1 [3, -127]] in units of 1/64 (o0) and 1/32 (o1) is OHWI
// [o0: [127, -20], [10, 30]; o1: [1, 3], [2, -127]].
// CHECK-LABEL: func @importer_weights
// CHECK:         %[[WI:.+]] = arith.constant dense<{{\[}}[{{\[}}[127, -20], [10, 30]]], [{{\[}}[1, 3], [2, -127]]]]> : tensor<2x1x2x2xi8>
// CHECK:         quant.scast %[[WI]] : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!quant.uniform<i8<-127:127>:f32:0, {1.562500e-02,3.125000e-02}>>
func.func @importer_weights(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x4x3x2xf32> {
  %w0 = "tosa.const"() <{values = dense<[[[[1.984375, 0.15625]], [[-0.3125, 0.46875]]], [[[0.03125, 0.0625]], [[0.09375, -3.96875]]]]> : tensor<2x2x1x2xf32>}> : () -> tensor<2x2x1x2xf32>
  %w = tosa.transpose %w0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x2x1x2xf32>) -> tensor<2x1x2x2xf32>
  %b = arith.constant dense<0.0> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3x2xf32>
  return %c : tensor<1x4x3x2xf32>
}

// -----

// Depthwise HWCM weights (M = 1) per channel C (axis 2): channel 0 max 0.5
// (0.125 -> 31.75 -> 32), channel 1 max 2 (0.5 -> 31.75 -> 32), channel 2
// all zero.
// CHECK-LABEL: func @depthwise_weights
// CHECK:         %[[WI:.+]] = arith.constant dense<{{\[}}[{{\[}}[127], [-127], [0]]], [{{\[}}[32], [32], [0]]]]> : tensor<2x1x3x1xi8>
// CHECK:         %[[WQ:.+]] = quant.scast %[[WI]] : tensor<2x1x3x1xi8> to tensor<2x1x3x1x!quant.uniform<i8<-127:127>:f32:2, {0.0039370078593492508,0.015748031437397003,1.000000e+00}>>
// CHECK-NEXT:    %[[W:.+]] = qc.dequantize %[[WQ]]
// CHECK-NEXT:    tosa.depthwise_conv2d %{{.+}}, %[[W]], {{.*}} -> tensor<1x3x4x3xf32>
func.func @depthwise_weights(%x: tensor<1x4x4x3xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x3x4x3xf32> {
  %w = arith.constant dense<[[[[0.5], [-2.0], [0.0]]], [[[0.125], [0.5], [0.0]]]]> : tensor<2x1x3x1xf32>
  %b = arith.constant dense<[0.5, 1.0, 1.5]> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x3xf32>, tensor<2x1x3x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x4x3xf32>
  return %c : tensor<1x3x4x3xf32>
}

// -----

func.func @depthwise_multiplier(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x3x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0], [7.0, 8.0]]]]> : tensor<2x1x2x2xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  // expected-error @+1 {{qc-quantize: depthwise convolutions with a channel multiplier are not supported}}
  %c = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<2x1x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x4x4xf32>
  return %c : tensor<1x3x4x4xf32>
}

// -----

func.func @bias_not_constant(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>},
                             %b: tensor<3xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 0.0]]]]> : tensor<3x1x1x2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  // expected-error @+1 {{qc-quantize: the bias is not a constant}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %c : tensor<1x4x4x3xf32>
}

// -----

// A constant right operand of a matmul: per column (axis 2). Column 0 max 4
// (1 -> 31.75 -> 32), column 1 max 2 (0.75 -> 47.625 -> 48), column 2 max
// 0.5 (0.2 -> 50.8 -> 51, -0.125 -> -31.75 -> -32).
// CHECK-LABEL: func @matmul_constant
// CHECK:         %[[BI:.+]] = arith.constant dense<{{\[}}[{{\[}}32, -127, 127], [127, 48, 51], [-32, 0, 0], [0, 0, -32]]]> : tensor<1x4x3xi8>
// CHECK:         %[[BQ:.+]] = quant.scast %[[BI]] : tensor<1x4x3xi8> to tensor<1x4x3x!quant.uniform<i8<-127:127>:f32:2, {0.031496062874794006,0.015748031437397003,0.0039370078593492508}>>
// CHECK-NEXT:    %[[B:.+]] = qc.dequantize %[[BQ]]
// CHECK-NEXT:    %[[M:.+]] = tosa.matmul %{{.+}}, %[[B]], {{.*}} -> tensor<1x2x3xf32>
// CHECK-NEXT:    qc.quantize %[[M]] : tensor<1x2x3xf32> -> tensor<1x2x3x!quant.uniform<i8:f32, 0.062745101749897003>>
// Lowered: the left zero point -64 becomes the correction 64 * colsum(b)
// = 64 * [127, -79, 146].
// INT-LABEL:   func @matmul_constant
// INT-DAG:       %[[CORRECTION:.+]] = arith.constant dense<{{\[\[\[}}8128, -5056, 9344]]]> : tensor<1x1x3xi32>
// INT:           %[[P:.+]] = tosa.matmul {{.*}} : (tensor<1x2x4xi8>, tensor<1x4x3xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x3xi32>
// INT-NEXT:      %[[S:.+]] = tosa.add %[[P]], %[[CORRECTION]] : (tensor<1x2x3xi32>, tensor<1x1x3xi32>) -> tensor<1x2x3xi32>
// INT-NEXT:      qc.requant %[[S]] {{.*}}per_axis = 2{{.*}} : tensor<1x2x3xi32> -> tensor<1x2x3xi8>
func.func @matmul_constant(%a: tensor<1x2x4xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x2x3xf32> {
  %b = arith.constant dense<[[[1.0, -2.0, 0.5], [4.0, 0.75, 0.2], [-1.0, 0.0, 0.0], [0.0, 0.0, -0.125]]]> : tensor<1x4x3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %m = tosa.matmul %a, %b, %zp, %zp {qc.stats = #qc.stats<min = -8.0, max = 8.0>} : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %m : tensor<1x2x3xf32>
}

// -----

// A matmul of two activations (attention): both operands are activations
// with pairs ([-2, 3]: s = 5 / 255, z = -26), no int8 constant.
// CHECK-LABEL: func @matmul_activations
// CHECK-DAG:     %[[QA:.+]] = qc.quantize %arg0 : tensor<1x2x4xf32> -> tensor<1x2x4x!quant.uniform<i8:f32, 0.015686275437474251:-64>>
// CHECK-DAG:     %[[QB:.+]] = qc.quantize %arg1 : tensor<1x4x3xf32> -> tensor<1x4x3x!quant.uniform<i8:f32, 0.019607843831181526:-26>>
// CHECK-DAG:     %[[DA:.+]] = qc.dequantize %[[QA]]
// CHECK-DAG:     %[[DB:.+]] = qc.dequantize %[[QB]]
// CHECK-NOT:     quant.scast
// CHECK:         %[[M:.+]] = tosa.matmul %[[DA]], %[[DB]], {{.*}} -> tensor<1x2x3xf32>
// CHECK-NEXT:    qc.quantize %[[M]]
// INT-LABEL:   func @matmul_activations
// INT:           tosa.matmul {{.*}} : (tensor<1x2x4xi8>, tensor<1x4x3xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x3xi32>
func.func @matmul_activations(%a: tensor<1x2x4xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>},
                              %b: tensor<1x4x3xf32> {qc.stats = #qc.stats<min = -2.0, max = 3.0>}) -> tensor<1x2x3xf32> {
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %m = tosa.matmul %a, %b, %zp, %zp {qc.stats = #qc.stats<min = -8.0, max = 8.0>} : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %m : tensor<1x2x3xf32>
}

// -----

// keep-float=conv_a: the op whose location is named conv_a gets
// qc.keep_float and keeps its float weights; conv_b is quantized. Without
// the option both are.
// CHECK-LABEL: func @keep_float
// CHECK-NOT:     qc.keep_float
// CHECK-COUNT-2: tosa.conv2d {{.*}} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, {{.*}}
// KEEP-LABEL:  func @keep_float
// KEEP:          %[[WA:.+]] = arith.constant dense<{{\[}}[{{\[}}[1.000000e+00, -2.000000e+00]]], [{{\[}}[5.000000e-01, 2.500000e-01]]]]> : tensor<2x1x1x2xf32>
// KEEP:          %[[A:.+]] = tosa.conv2d %{{.+}}, %[[WA]], {{.*}}qc.keep_float{{.*}} -> tensor<1x4x4x2xf32>
// KEEP:          %[[WB:.+]] = qc.dequantize %{{.+}} : tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.0078740157186985015,0.0078740157186985015}>> -> tensor<2x1x1x2xf32>
// KEEP-NEXT:     %[[B:.+]] = tosa.conv2d %{{.+}}, %[[WB]], {{.*}} -> tensor<1x4x4x2xf32>
// KEEP-NOT:      qc.keep_float
// KEEP:          return
func.func @keep_float(%x: tensor<1x4x4x2xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<1x4x4x2xf32> {
  %wa = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]]]> : tensor<2x1x1x2xf32>
  %wb = arith.constant dense<[[[[1.0, 0.0]]], [[[0.0, 1.0]]]]> : tensor<2x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %a = tosa.conv2d %x, %wa, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("conv_a")
  %c = tosa.conv2d %a, %wb, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -5.0, max = 5.0>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("conv_b")
  return %c : tensor<1x4x4x2xf32>
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{qc-quantize: this argument of type 'tensor<4xf32>' needs quantization but has no calibration statistics (#qc.stats); run calibration first}}
func.func @no_stats_argument(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// (The sigmoid feeds an add of two tensors: with tabulate-functions too it
// is no value inside a function.)
func.func @no_stats_result(%x: tensor<4xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}, %y: tensor<4xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<4xf32> {
  // expected-error @+1 {{qc-quantize: this result of type 'tensor<4xf32>' needs quantization but has no calibration statistics (#qc.stats); run calibration first}}
  %s = tosa.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  %a = tosa.add %s, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 0.5 : f32, qc.stats = #qc.stats<min = 0.0, max = 0.5>} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @per_axis_scheme(%x: tensor<2x4xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<2x4xf32> {
  // expected-error @+1 {{qc-quantize: activations are quantized per tensor, got #qc.scheme<i8, symmetric, per_axis = 1>}}
  %s = tosa.sigmoid %x {qc.stats = #qc.stats<min = 0.0, max = 1.0>, qc.scheme = #qc.scheme<i8, symmetric, per_axis = 1>} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %r = tosa.clamp %s {min_val = 0.0 : f32, max_val = 0.5 : f32, qc.stats = #qc.stats<min = 0.0, max = 0.5>} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

//===----------------------------------------------------------------------===//
// Regressions: bugs these tests found, fixed
//===----------------------------------------------------------------------===//

// -----

// BUG 1: activation-type=u8 with activation-symmetric=true. The zero point
// is 128 (the middle of [0, 255]), but the scale is max|x| / 255 as if the
// zero point were 0, so only half the range is representable: for [-1, 3]
// s = 3 / 255 and 3.0 quantizes to 128 + 255 -> 255, which dequantizes to
// 127 * 3 / 255 = 1.49. Expected: s = max|x| / 127 = 3 / 127 (so that
// u8 - 128 is exactly the i8 symmetric value).
// REGRESSION-U8SYM-LABEL: func @bug_u8_symmetric
// REGRESSION-U8SYM:       qc.quantize %arg0 : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.023622047156095505:128>>
func.func @bug_u8_symmetric(%x: tensor<4xf32> {qc.stats = #qc.stats<min = -1.0, max = 3.0>}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// BUG 2: the message for weight-bits out of [2, 8] streams the int64_t
// option into the diagnostic as a character: weight-bits=9 prints "got \t",
// weight-bits=1 "got \x01" (weight-bits=65 would print "got A"). Expected:
// REGRESSION-BITS: error: qc-quantize: weight-bits must be in [2, 8], got 9

// RUN: quant-opt %s --split-input-file --qc-lower-quant-ops | FileCheck %s

// Per-tensor requant: scalar multiplier and shift in the body, i64 arithmetic,
// output zero point added and the result clamped to the type's range.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @requant_per_tensor
// CHECK-SAME:    (%[[ACC:.+]]: tensor<4x8xi32>)
// CHECK:         %[[INIT:.+]] = tensor.empty() : tensor<4x8xi8>
// CHECK:         %[[R:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID]], #[[ID]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel"]
// CHECK-SAME:      ins(%[[ACC]] : tensor<4x8xi32>) outs(%[[INIT]] : tensor<4x8xi8>)
// CHECK:         ^bb0(%[[IN:.+]]: i32, %{{.+}}: i8):
// CHECK-DAG:       %[[M:.+]] = arith.constant 1518500250 : i64
// CHECK-DAG:       %[[S:.+]] = arith.constant 37 : i64
// CHECK:           %[[X:.+]] = arith.extsi %[[IN]] : i32 to i64
// CHECK:           arith.muli %{{.+}}, %[[M]] : i64
// CHECK:           arith.divsi
// CHECK:           arith.shrsi
// CHECK-DAG:       %[[ZP:.+]] = arith.constant -3 : i64
// CHECK:           arith.addi %{{.+}}, %[[ZP]] : i64
// CHECK:           arith.maxsi
// CHECK:           arith.minsi
// CHECK:           %[[T:.+]] = arith.trunci %{{.+}} : i64 to i8
// CHECK:           linalg.yield %[[T]] : i8
// CHECK-NOT:       arith.{{.*}}f
// CHECK:         return %[[R]]
func.func @requant_per_tensor(%acc: tensor<4x8xi32>) -> tensor<4x8xi8> {
  %0 = qc.requant %acc by(#qc.dyadic<1518500250 * 2**-37>) output_zp(-3)
      : tensor<4x8xi32> -> tensor<4x8xi8>
  return %0 : tensor<4x8xi8>
}

// -----

// Per-axis multipliers are i64 constant tensors read along the axis.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[AXIS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @requant_per_axis
// CHECK-DAG:     %[[MS:.+]] = arith.constant dense<[1073741824, 1288490189]> : tensor<2xi64>
// CHECK-DAG:     %[[SS:.+]] = arith.constant dense<[31, 32]> : tensor<2xi64>
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[ID]], #[[AXIS]], #[[AXIS]], #[[ID]]]
// CHECK-SAME:      ins(%{{.+}}, %[[MS]], %[[SS]] : tensor<3x2xi32>, tensor<2xi64>, tensor<2xi64>)
// CHECK:         ^bb0(%{{.+}}: i32, %[[M:.+]]: i64, %[[S:.+]]: i64, %{{.+}}: i8):
// CHECK:           arith.muli %{{.+}}, %[[M]] : i64
// CHECK:           arith.shrsi %{{.+}}, %[[S]] : i64
// The fused ReLU's clamp bounds.
// CHECK-DAG:       arith.constant 0 : i64
// CHECK-DAG:       arith.constant 127 : i64
func.func @requant_per_axis(%acc: tensor<3x2xi32>) -> tensor<3x2xi8> {
  %0 = qc.requant %acc by(#qc.dyadic<per_axis = 1, [1073741824 * 2**-31, 1288490189 * 2**-32]>)
      clamp [0, 127] rounding single_round : tensor<3x2xi32> -> tensor<3x2xi8>
  return %0 : tensor<3x2xi8>
}

// -----

// Per-group multipliers: the axis position divided by the group size.
// CHECK-DAG: #[[GROUP:.+]] = affine_map<(d0, d1) -> (d1 floordiv 64)>
// CHECK-LABEL: func @requant_per_group
// CHECK:         linalg.generic
// CHECK-SAME:      #[[GROUP]], #[[GROUP]]
// CHECK-SAME:      ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<2x128xi32>, tensor<2xi64>, tensor<2xi64>)
func.func @requant_per_group(%acc: tensor<2x128xi32>) -> tensor<2x128xi8> {
  %0 = qc.requant %acc by(#qc.dyadic<per_group = 1 : 64, [1073741824 * 2**-31, 1073741824 * 2**-32]>)
      rounding half_to_even : tensor<2x128xi32> -> tensor<2x128xi8>
  return %0 : tensor<2x128xi8>
}

// -----

// Unsigned input with a zero point: zero-extended, zero point subtracted.
// CHECK-LABEL: func @requant_unsigned_input
// CHECK:         ^bb0(%[[IN:.+]]: i8, %{{.+}}: i32):
// CHECK-DAG:       %[[IZP:.+]] = arith.constant 128 : i64
// CHECK-DAG:       %[[X:.+]] = arith.extui %[[IN]] : i8 to i64
// CHECK:           arith.subi %[[X]], %[[IZP]] : i64
func.func @requant_unsigned_input(%x: tensor<4xi8>) -> tensor<4xi32> {
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-0>) input_zp(128) rounding single_round
      {input_unsigned} : tensor<4xi8> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Dynamic shapes: the init tensor takes its sizes from the input.
// CHECK-LABEL: func @requant_dynamic
// CHECK-SAME:    (%[[ACC:.+]]: tensor<?x8xi32>)
// CHECK:         %[[C0:.+]] = arith.constant 0 : index
// CHECK:         %[[D0:.+]] = tensor.dim %[[ACC]], %[[C0]] : tensor<?x8xi32>
// CHECK:         tensor.empty(%[[D0]]) : tensor<?x8xi8>
func.func @requant_dynamic(%acc: tensor<?x8xi32>) -> tensor<?x8xi8> {
  %0 = qc.requant %acc by(#qc.dyadic<1073741824 * 2**-31>) : tensor<?x8xi32> -> tensor<?x8xi8>
  return %0 : tensor<?x8xi8>
}

// -----

// Per-tensor quantize: divide, round half to even, saturate, then meet the
// quantized type through quant.scast.
// CHECK-LABEL: func @quantize_per_tensor
// CHECK:         %[[Q:.+]] = linalg.generic
// CHECK:         ^bb0(%[[X:.+]]: f32, %{{.+}}: i8):
// CHECK-DAG:       %[[SCALE:.+]] = arith.constant 5.000000e-01 : f32
// CHECK:           %[[DIV:.+]] = arith.divf %[[X]], %[[SCALE]] : f32
// CHECK:           %[[RND:.+]] = math.roundeven %[[DIV]] : f32
// CHECK:           arith.cmpf uno, %[[RND]], %[[RND]] : f32
// CHECK:           arith.fptosi
// CHECK:           arith.trunci %{{.+}} : i64 to i8
// CHECK:         %[[C:.+]] = quant.scast %[[Q]] : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK:         return %[[C]]
func.func @quantize_per_tensor(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>> {
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

// Rounding half away from zero uses math.round.
// CHECK-LABEL: func @quantize_half_away
// CHECK:         math.round
// CHECK-NOT:     math.roundeven
func.func @quantize_half_away(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:128>> {
  %0 = qc.quantize %x rounding half_away_from_zero
      : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:128>>
  return %0 : tensor<4x!quant.uniform<u8:f32, 0.5:128>>
}

// -----

// f16 saturates to its largest finite value, not to an infinity that would
// make fptosi poison.
// CHECK-LABEL: func @quantize_f16
// CHECK-DAG:     arith.constant -6.550400e+04 : f16
// CHECK-DAG:     arith.constant 6.550400e+04 : f16
// CHECK:         arith.fptosi %{{.+}} : f16 to i64
func.func @quantize_f16(%x: tensor<4xf16>) -> tensor<4x!quant.uniform<i8:f16, 0.5>> {
  %0 = qc.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f16, 0.5>>
  return %0 : tensor<4x!quant.uniform<i8:f16, 0.5>>
}

// -----

// Per-axis quantize: scales and zero points as constant tensors on the axis.
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func @quantize_per_axis
// CHECK-DAG:     arith.constant dense<{{\[\[}}5.000000e-01], [2.000000e+00]]> : tensor<2x1xf32>
// CHECK-DAG:     arith.constant dense<{{\[\[}}0], [10]]> : tensor<2x1xi64>
// CHECK:         linalg.generic
// CHECK-SAME:      #[[ROW]], #[[ROW]]
func.func @quantize_per_axis(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<u8:f32:0, {0.5, 2.0:10}>> {
  %0 = qc.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32:0, {0.5, 2.0:10}>>
  return %0 : tensor<2x3x!quant.uniform<u8:f32:0, {0.5, 2.0:10}>>
}

// -----

// Sub-channel quantize: parameters indexed by block.
// CHECK-DAG: #[[BLOCK:.+]] = affine_map<(d0, d1) -> (0, d1 floordiv 2)>
// CHECK-LABEL: func @quantize_sub_channel
// CHECK:         linalg.generic
// CHECK-SAME:      #[[BLOCK]], #[[BLOCK]]
func.func @quantize_sub_channel(%x: tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32:{1:2}, {{0.25:1, 4.0:-1}}>> {
  %0 = qc.quantize %x : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32:{1:2}, {{0.25:1, 4.0:-1}}>>
  return %0 : tensor<1x4x!quant.uniform<i8:f32:{1:2}, {{0.25:1, 4.0:-1}}>>
}

// -----

// Dequantize: storage cast in, (q - zp) as float, times the scale.
// CHECK-LABEL: func @dequantize
// CHECK-SAME:    (%[[Q:.+]]: tensor<4x!quant.uniform<u8:f32, 2.500000e-01:4>>)
// CHECK:         %[[S:.+]] = quant.scast %[[Q]] : tensor<4x!quant.uniform<u8:f32, 2.500000e-01:4>> to tensor<4xi8>
// CHECK:         linalg.generic {{.*}} ins(%[[S]] : tensor<4xi8>)
// CHECK:         ^bb0(%[[IN:.+]]: i8, %{{.+}}: f32):
// CHECK:           arith.extui %[[IN]] : i8 to i64
// CHECK:           arith.subi
// CHECK:           arith.sitofp %{{.+}} : i64 to f32
// CHECK:           arith.mulf
func.func @dequantize(%q: tensor<4x!quant.uniform<u8:f32, 0.25:4>>) -> tensor<4xf32> {
  %0 = qc.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.25:4>> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Other ops are left alone.
// CHECK-LABEL: func @observe_untouched
// CHECK:         qc.observe
func.func @observe_untouched(%x: tensor<4xf32>) {
  qc.observe %x tag("x") : tensor<4xf32>
  return
}

// -----

// The annotations of float values are dropped; the ops stay.
// CHECK-LABEL: func @annotations_dropped
// CHECK:         %[[SUM:.+]] = tosa.add
// CHECK-NOT:       qc.stats
// CHECK-NOT:       qc.scheme
// CHECK:         return %[[SUM]]
func.func @annotations_dropped(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.add %x, %x {qc.stats = #qc.stats<min = -1.0, max = 1.0>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// Verifier errors of the qc ops and of the discardable qc attributes.
//
// RUN: quant-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// qc.quantize
//===----------------------------------------------------------------------===//

// The result must be a uniform quantized type, not just any quantized type.
func.func @quantize_any_type(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.quantize' op expected a uniform quantized element type, got '!quant.any<i8:f32>'}}
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.any<i8:f32>>
  return
}

// -----

// The expressed type must be the input's float type.
func.func @quantize_expressed_type(%x: tensor<4xf16>) {
  // expected-error@+1 {{'qc.quantize' op expected quantized type expressed in 'f16', got '!quant.uniform<i8:f32, 5.000000e-01>'}}
  %0 = qc.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

// The quantized axis must exist...
func.func @quantize_axis_out_of_range(%x: tensor<4x3xf32>) {
  // expected-error@+1 {{'qc.quantize' op quantized type '!quant.uniform<i8:f32:2, {5.000000e-01,2.500000e-01}>' does not fit the shape of 'tensor<4x3x!quant.uniform<i8:f32:2, {5.000000e-01,2.500000e-01}>>'}}
  %0 = qc.quantize %x : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<i8:f32:2, {0.5, 0.25}>>
  return
}

// -----

// ...and have one scale per index.
func.func @quantize_axis_size(%x: tensor<4x3xf32>) {
  // expected-error@+1 {{'qc.quantize' op quantized type '!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01}>' does not fit the shape of 'tensor<4x3x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01}>>'}}
  %0 = qc.quantize %x : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return
}

// -----

// Sub-channel blocks must tile the shape: 2 blocks of 3 are not 4.
func.func @quantize_sub_channel_blocks(%x: tensor<4x4xf32>) {
  // expected-error@+1 {{'qc.quantize' op quantized type '!quant.uniform<i8:f32:{1:3}, {{5.000000e-01, 2.500000e-01}}>' does not fit the shape of 'tensor<4x4x!quant.uniform<i8:f32:{1:3}, {{5.000000e-01, 2.500000e-01}}>>'}}
  %0 = qc.quantize %x : tensor<4x4xf32> -> tensor<4x4x!quant.uniform<i8:f32:{1:3}, {{0.5, 0.25}}>>
  return
}

// -----

// A dimension without a block size is one block: a 2x2 scale tensor does not
// fit 2x4 blocked {1:2} (that needs 1x2).
func.func @quantize_sub_channel_unblocked_dim(%x: tensor<2x4xf32>) {
  // expected-error@+1 {{does not fit the shape of}}
  %0 = qc.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}, {1.0:3, 2.0:4}}>>
  return
}

// -----

func.func @quantize_integer_input(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.quantize' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = qc.quantize %x : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @quantize_integer_result(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.quantize' op result #0 must be ranked tensor of quantized type values, but got 'tensor<4xi8>'}}
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @quantize_shape(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.quantize' op requires the same shape for all operands and results}}
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<3x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @quantize_unranked(%x: tensor<*xf32>) {
  // expected-error@+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %0 = qc.quantize %x : tensor<*xf32> -> tensor<*x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @quantize_bad_rounding(%x: tensor<4xf32>) {
  // expected-error@+2 {{expected ::mlir::qc::FloatRounding to be one of: half_to_even, half_away_from_zero}}
  // expected-error@+1 {{failed to parse QC_FloatRoundingAttr parameter 'value'}}
  %0 = qc.quantize %x rounding single_round : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

//===----------------------------------------------------------------------===//
// qc.dequantize
//===----------------------------------------------------------------------===//

func.func @dequantize_calibrated(%x: tensor<4x!quant.calibrated<f32<-1.0:1.0>>>) {
  // expected-error@+1 {{'qc.dequantize' op expected a uniform quantized element type, got '!quant.calibrated<f32<-1.000000e+00:1.000000e+00>>'}}
  %0 = qc.dequantize %x : tensor<4x!quant.calibrated<f32<-1.0:1.0>>> -> tensor<4xf32>
  return
}

// -----

func.func @dequantize_expressed_type(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error@+1 {{'qc.dequantize' op expected quantized type expressed in 'f16', got '!quant.uniform<i8:f32, 5.000000e-01>'}}
  %0 = qc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf16>
  return
}

// -----

// A per-axis type on a rank-1 tensor whose axis is 1.
func.func @dequantize_axis(%x: tensor<4x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) {
  // expected-error@+1 {{'qc.dequantize' op quantized type '!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01}>' does not fit the shape of 'tensor<4x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01}>>'}}
  %0 = qc.dequantize %x : tensor<4x!quant.uniform<i8:f32:1, {0.5, 0.25}>> -> tensor<4xf32>
  return
}

// -----

func.func @dequantize_integer_result(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error@+1 {{'qc.dequantize' op result #0 must be ranked tensor of floating-point values, but got 'tensor<4xi8>'}}
  %0 = qc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xi8>
  return
}

// -----

func.func @dequantize_shape(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error@+1 {{'qc.dequantize' op requires the same shape for all operands and results}}
  %0 = qc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<2x2xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// qc.requant
//===----------------------------------------------------------------------===//

func.func @requant_input_too_wide(%x: tensor<4xi64>) {
  // expected-error@+1 {{'qc.requant' op expected input and result of at most 32 bits, got i64 -> i8}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) : tensor<4xi64> -> tensor<4xi8>
  return
}

// -----

func.func @requant_result_too_wide(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op expected input and result of at most 32 bits, got i32 -> i64}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) : tensor<4xi32> -> tensor<4xi64>
  return
}

// -----

// A non-zero input_zp needs an input of at most 16 bits (TOSA's rule).
func.func @requant_input_zp_i32(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op a non-zero input_zp needs an input of at most 16 bits, got i32}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) input_zp(1) : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_input_unsigned_i32(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op input_unsigned needs an input of at most 16 bits, got i32}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) {input_unsigned} : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

// 128 is outside i8 read as signed ([-128, 127])...
func.func @requant_input_zp_range(%x: tensor<4xi8>) {
  // expected-error@+1 {{'qc.requant' op input_zp 128 is outside the input type's range}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) input_zp(128) : tensor<4xi8> -> tensor<4xi8>
  return
}

// -----

// ...and -1 outside i8 read as unsigned ([0, 255]).
func.func @requant_input_zp_unsigned_range(%x: tensor<4xi8>) {
  // expected-error@+1 {{'qc.requant' op input_zp -1 is outside the input type's range}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) input_zp(-1) {input_unsigned} : tensor<4xi8> -> tensor<4xi8>
  return
}

// -----

func.func @requant_output_zp_range(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op output_zp 128 is outside the result type's range [-128, 127]}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) output_zp(128) : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_output_zp_negative(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op output_zp -129 is outside the result type's range [-128, 127]}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) output_zp(-129) : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

// An unsigned result has the range [0, 255].
func.func @requant_output_zp_unsigned_range(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op output_zp 256 is outside the result type's range [0, 255]}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) output_zp(256) {output_unsigned} : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_clamp_one_value(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op expected clamp [min, max] with min <= max inside the result type's range [-128, 127]}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) clamp [1] : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_clamp_three_values(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op expected clamp [min, max] with min <= max inside the result type's range [-128, 127]}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) clamp [1, 2, 3] : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_clamp_empty(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op expected clamp [min, max] with min <= max inside the result type's range [-128, 127]}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) clamp [] : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_clamp_reversed(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op expected clamp [min, max] with min <= max inside the result type's range [-128, 127]}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) clamp [5, 2] : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_clamp_below_range(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op expected clamp [min, max] with min <= max inside the result type's range [-128, 127]}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) clamp [-129, 2] : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_clamp_above_range(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op expected clamp [min, max] with min <= max inside the result type's range [-128, 127]}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) clamp [0, 128] : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

// Inside [0, 255] only when the result is unsigned.
func.func @requant_clamp_unsigned(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op expected clamp [min, max] with min <= max inside the result type's range [0, 255]}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) clamp [-1, 255] {output_unsigned} : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_multiplier_axis(%x: tensor<4x3xi32>) {
  // expected-error@+1 {{'qc.requant' op multiplier axis 2 is out of range for an input of rank 2}}
  %0 = qc.requant %x by(#qc.dyadic<per_axis = 2, [1073741824 * 2**-31]>) : tensor<4x3xi32> -> tensor<4x3xi8>
  return
}

// -----

func.func @requant_per_axis_count(%x: tensor<4x3xi32>) {
  // expected-error@+1 {{'qc.requant' op expected 3 multipliers for dimension 1 of size 3, got 2}}
  %0 = qc.requant %x by(#qc.dyadic<per_axis = 1, [1073741824 * 2**-31, 1073741824 * 2**-31]>) : tensor<4x3xi32> -> tensor<4x3xi8>
  return
}

// -----

// Groups of 2 along a dimension of 3 need ceil(3 / 2) = 2 entries: 1 is too
// few...
func.func @requant_per_group_too_few(%x: tensor<4x3xi32>) {
  // expected-error@+1 {{'qc.requant' op expected 2 multipliers for dimension 1 of size 3, got 1}}
  %0 = qc.requant %x by(#qc.dyadic<per_group = 1 : 2, [1073741824 * 2**-31]>) : tensor<4x3xi32> -> tensor<4x3xi8>
  return
}

// -----

// ...and 3 too many.
func.func @requant_per_group_too_many(%x: tensor<4x3xi32>) {
  // expected-error@+1 {{'qc.requant' op expected 2 multipliers for dimension 1 of size 3, got 3}}
  %0 = qc.requant %x by(#qc.dyadic<per_group = 1 : 2, [1073741824 * 2**-31, 1073741824 * 2**-31, 1073741824 * 2**-31]>) : tensor<4x3xi32> -> tensor<4x3xi8>
  return
}

// -----

func.func @requant_shape(%x: tensor<4x3xi32>) {
  // expected-error@+1 {{'qc.requant' op requires the same shape for all operands and results}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) : tensor<4x3xi32> -> tensor<4x2xi8>
  return
}

// -----

func.func @requant_float_input(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.requant' op operand #0 must be ranked tensor of signless integer values, but got 'tensor<4xf32>'}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_float_result(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op result #0 must be ranked tensor of signless integer values, but got 'tensor<4xf32>'}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) : tensor<4xi32> -> tensor<4xf32>
  return
}

// -----

func.func @requant_not_dyadic(%x: tensor<4xi32>) {
  // expected-error@+1 {{invalid kind of attribute specified}}
  %0 = qc.requant %x by(#qc.scheme<i8, affine>) : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_bad_rounding(%x: tensor<4xi32>) {
  // expected-error@+2 {{expected ::mlir::qc::RequantRounding to be one of: gemmlowp, single_round, double_round, inexact_round, half_to_even}}
  // expected-error@+1 {{failed to parse QC_RequantRoundingAttr parameter 'value'}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) rounding half_away_from_zero : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

//===----------------------------------------------------------------------===//
// qc.observe
//===----------------------------------------------------------------------===//

func.func @observe_empty_tag(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.observe' op expected a non-empty tag}}
  qc.observe %x tag("") : tensor<4xf32>
  return
}

// -----

func.func @observe_axis_out_of_range(%x: tensor<4x3xf32>) {
  // expected-error@+1 {{'qc.observe' op channel_axis 2 is out of range for a value of rank 2}}
  qc.observe %x tag("t") channel_axis(2) : tensor<4x3xf32>
  return
}

// -----

func.func @observe_axis_of_scalar(%x: tensor<f32>) {
  // expected-error@+1 {{'qc.observe' op channel_axis 0 is out of range for a value of rank 0}}
  qc.observe %x tag("t") channel_axis(0) : tensor<f32>
  return
}

// -----

func.func @observe_negative_axis(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.observe' op attribute 'channel_axis' failed to satisfy constraint: 64-bit signless integer attribute whose value is non-negative}}
  qc.observe %x tag("t") channel_axis(-1) : tensor<4xf32>
  return
}

// -----

func.func @observe_integer(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.observe' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  qc.observe %x tag("t") : tensor<4xi32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Discardable attributes on ops
//===----------------------------------------------------------------------===//

func.func @bitwidth_wrong_kind(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.bitwidth' expects a #qc.bitwidth attribute, got 4 : i64}}
  %0 = arith.addf %x, %x {qc.bitwidth = 4 : i64} : tensor<4xf32>
  return
}

// -----

func.func @smoothing_wrong_kind(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.smoothing' expects a #qc.smoothing attribute, got #qc.stats<min = 0.0, max = 1.0>}}
  %0 = arith.addf %x, %x {qc.smoothing = #qc.stats<min = 0.0, max = 1.0>} : tensor<4xf32>
  return
}

// -----

func.func @outlier_split_wrong_kind(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.outlier_split' expects a #qc.outlier_split attribute, got array<i64: 1>}}
  %0 = arith.addf %x, %x {qc.outlier_split = array<i64: 1>} : tensor<4xf32>
  return
}

// -----

// qc.bitwidth is one decision per op, never per result.
func.func @bitwidth_array(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.bitwidth' expects a #qc.bitwidth attribute, got [#qc.bitwidth<weights = 4, method = manual>]}}
  %0 = arith.addf %x, %x {qc.bitwidth = [#qc.bitwidth<weights = 4, method = manual>]} : tensor<4xf32>
  return
}

// -----

func.func @unknown_qc_attribute(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op unknown qc attribute 'qc.foo'; expected qc.scheme, qc.stats, qc.bitwidth, qc.bitwidth_budget, qc.smoothing, qc.outlier_split or qc.keep_float}}
  %0 = arith.addf %x, %x {qc.foo = 4 : i64} : tensor<4xf32>
  return
}

// -----

func.func @scheme_wrong_kind(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.scheme' expects a #qc.scheme attribute, got #qc.stats<min = 0.0, max = 1.0>}}
  %0 = arith.addf %x, %x {qc.scheme = #qc.stats<min = 0.0, max = 1.0>} : tensor<4xf32>
  return
}

// -----

func.func @stats_wrong_kind(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.stats' expects a #qc.stats attribute, got #qc.scheme<i8, symmetric>}}
  %0 = arith.addf %x, %x {qc.stats = #qc.scheme<i8, symmetric>} : tensor<4xf32>
  return
}

// -----

// Each array entry is checked.
func.func @stats_array_wrong_kind(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.stats' expects a #qc.stats attribute, got #qc.scheme<i8, symmetric>}}
  %0 = arith.addf %x, %x {qc.stats = [#qc.scheme<i8, symmetric>]} : tensor<4xf32>
  return
}

// -----

func.func @scheme_array_integer(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.scheme' expects a #qc.scheme attribute, got 3 : i64}}
  %0 = arith.addf %x, %x {qc.scheme = [3]} : tensor<4xf32>
  return
}

// -----

func.func @scheme_array_size(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.scheme' has 2 entries for 1 results}}
  %0 = arith.addf %x, %x {qc.scheme = [#qc.scheme<i8, symmetric>, #qc.scheme<i8, symmetric>]} : tensor<4xf32>
  return
}

// -----

func.func @stats_array_size(%a: tensor<4xi32>) {
  // expected-error@+1 {{'arith.addui_extended' op 'qc.stats' has 1 entries for 2 results}}
  %0, %1 = arith.addui_extended %a, %a {qc.stats = [#qc.stats<min = 0.0, max = 1.0>]} : tensor<4xi32>, tensor<4xi1>
  return
}

// -----

// Two results need an array.
func.func @scheme_not_array_two_results(%a: tensor<4xi32>) {
  // expected-error@+1 {{'arith.addui_extended' op 'qc.scheme' on an op with 2 results must be an array with one entry each}}
  %0, %1 = arith.addui_extended %a, %a {qc.scheme = #qc.scheme<i8, symmetric>} : tensor<4xi32>, tensor<4xi1>
  return
}

// -----

// So do zero results.
func.func @stats_not_array_no_results(%x: tensor<4xf32>) {
  // expected-error@+1 {{'qc.observe' op 'qc.stats' on an op with 0 results must be an array with one entry each}}
  qc.observe %x tag("t") {qc.stats = #qc.stats<min = 0.0, max = 1.0>} : tensor<4xf32>
  return
}

// -----

func.func @scheme_axis_out_of_range(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.scheme' names axis 1 of a value of rank 1}}
  %0 = arith.addf %x, %x {qc.scheme = #qc.scheme<i8, symmetric, per_axis = 1>} : tensor<4xf32>
  return
}

// -----

// The axis of a per-group scheme is checked too.
func.func @scheme_group_axis_out_of_range(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.scheme' names axis 2 of a value of rank 2}}
  %0 = arith.addf %x, %x {qc.scheme = #qc.scheme<i4, symmetric, per_group = 2 : 4>} : tensor<4x8xf32>
  return
}

// -----

func.func @stats_axis_out_of_range(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.stats' names axis 3 of a value of rank 1}}
  %0 = arith.addf %x, %x {qc.stats = #qc.stats<min = 0.0, max = 1.0, channels(axis = 3) = [0.0 : 1.0]>} : tensor<4xf32>
  return
}

// -----

// In an array, each entry is checked against its own result: axis 1 exists
// in the first (rank 2) but not in the second (rank 1).
func.func @per_result_axis_out_of_range(%a: tensor<4x2xf32>, %b: tensor<4xf32>) {
  // expected-error@+1 {{'scf.execute_region' op 'qc.scheme' names axis 1 of a value of rank 1}}
  %0:2 = scf.execute_region -> (tensor<4x2xf32>, tensor<4xf32>) {
    scf.yield %a, %b : tensor<4x2xf32>, tensor<4xf32>
  } {qc.scheme = [#qc.scheme<i8, symmetric, per_axis = 1>, #qc.scheme<i8, symmetric, per_axis = 1>]}
  return
}

// -----

// The ops' own results are checked the same way.
func.func @scheme_on_requant(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op 'qc.scheme' names axis 1 of a value of rank 1}}
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-1>) {qc.scheme = #qc.scheme<i8, affine, per_axis = 1>} : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Discardable attributes on function arguments and results
//===----------------------------------------------------------------------===//

// qc.bitwidth annotates ops, not values.
// expected-error@+1 {{'func.func' op unknown qc value attribute 'qc.bitwidth'; expected qc.scheme or qc.stats}}
func.func @bitwidth_on_argument(%x: tensor<4xf32> {qc.bitwidth = #qc.bitwidth<weights = 4, method = manual>}) {
  return
}

// -----

// expected-error@+1 {{'func.func' op unknown qc value attribute 'qc.foo'; expected qc.scheme or qc.stats}}
func.func @unknown_on_result(%x: tensor<4xf32>) -> (tensor<4xf32> {qc.foo}) {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{'func.func' op 'qc.scheme' expects a #qc.scheme attribute, got 3 : i32}}
func.func @scheme_wrong_kind_on_argument(%x: tensor<4xf32> {qc.scheme = 3 : i32}) {
  return
}

// -----

// A value has a single annotation: arrays are only for op results.
// expected-error@+1 {{'func.func' op 'qc.stats' expects a #qc.stats attribute, got [#qc.stats<min = 0.0, max = 1.0>]}}
func.func @stats_array_on_result(%x: tensor<4xf32>) -> (tensor<4xf32> {qc.stats = [#qc.stats<min = 0.0, max = 1.0>]}) {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{'func.func' op 'qc.stats' names axis 1 of a value of rank 1}}
func.func @stats_axis_on_argument(%x: tensor<4xf32> {qc.stats = #qc.stats<min = 0.0, max = 1.0, channels(axis = 1) = [0.0 : 1.0]>}) {
  return
}

// -----

// expected-error@+1 {{'func.func' op 'qc.scheme' names axis 2 of a value of rank 1}}
func.func @scheme_axis_on_result(%x: tensor<4xf32>) -> (tensor<4xf32> {qc.scheme = #qc.scheme<u8, affine, per_group = 2 : 4>}) {
  return %x : tensor<4xf32>
}

// -----

// Only the annotated argument's own type counts (the first argument has rank
// 2, the second rank 1).
// expected-error@+1 {{'func.func' op 'qc.scheme' names axis 1 of a value of rank 1}}
func.func @scheme_axis_second_argument(%x: tensor<4x4xf32>, %y: tensor<4xf32> {qc.scheme = #qc.scheme<i8, symmetric, per_axis = 1>}) {
  return
}

// -----

// Declarations are checked too.
// expected-error@+1 {{'func.func' op 'qc.scheme' names axis 1 of a value of rank 1}}
func.func private @scheme_axis_on_declaration(tensor<4xf32> {qc.scheme = #qc.scheme<u8, affine, per_axis = 1>})

// -----

// On the function op itself, qc.scheme is an op annotation of an op with no
// results.
// expected-error@+1 {{'func.func' op 'qc.scheme' on an op with 0 results must be an array with one entry each}}
func.func @scheme_on_function() attributes {qc.scheme = #qc.scheme<u8, affine>} {
  return
}

// -----

// gemmlowp multipliers are Q0.31 fractions in [2^30, 2^31); smaller ones
// would saturate in its left shift.
func.func @requant_gemmlowp_unnormalized(%x: tensor<4xi32>) {
  // expected-error@+1 {{'qc.requant' op gemmlowp rounding expects multipliers in Q0.31 form (0 or in [2^30, 2^31)), got 3}}
  %0 = qc.requant %x by(#qc.dyadic<3 * 2**-1>) : tensor<4xi32> -> tensor<4xi8>
  return
}

// -----

func.func @requant_gemmlowp_unnormalized_per_axis(%x: tensor<4x2xi32>) {
  // expected-error@+1 {{got 1073741823}}
  %0 = qc.requant %x by(#qc.dyadic<per_axis = 1, [1073741824 * 2**-31, 1073741823 * 2**-31]>) : tensor<4x2xi32> -> tensor<4x2xi8>
  return
}

// -----

// Annotations with an axis need a shaped value.
// expected-error@+1 {{'func.func' op 'qc.scheme' names axis 5 of a value that is not shaped: 'f32'}}
func.func private @scheme_axis_on_scalar(%x: f32 {qc.scheme = #qc.scheme<u8, affine, per_axis = 5>})

// -----

// Per-channel statistics have one min : max pair per index of a static axis.
func.func @stats_channel_count(%x: tensor<2x3xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.stats' has 2 entries for axis 1 of size 3}}
  %0 = arith.addf %x, %x {qc.stats = #qc.stats<min = 0.0, max = 1.0, channels(axis = 1) = [0.0 : 1.0, 0.0 : 0.5]>} : tensor<2x3xf32>
  return
}

// -----

func.func @keep_float_not_unit(%x: tensor<4xf32>) {
  // expected-error@+1 {{'arith.addf' op 'qc.keep_float' is a unit attribute, got 1 : i64}}
  %0 = arith.addf %x, %x {qc.keep_float = 1 : i64} : tensor<4xf32>
  return
}

// -----

func.func @softmax_axis_out_of_range(%x: tensor<2x5xf32>) {
  // expected-error@+1 {{'qc.softmax' op axis 2 is out of range for a value of rank 2}}
  %p = qc.softmax %x axis(2) : tensor<2x5xf32>
  return
}

// -----

func.func @softmax_of_integers(%x: tensor<2x5xi8>) {
  // expected-error@+1 {{'qc.softmax' op operand #0 must be ranked tensor of floating-point values}}
  %p = qc.softmax %x axis(1) : tensor<2x5xi8>
  return
}

// -----

func.func @softmax_mask_rank(%x: tensor<2x5xf32>, %m: tensor<5xi1>) {
  // expected-error@+1 {{'qc.softmax' op mask of rank 1 for an input of rank 2 (expected equal ranks)}}
  %p = qc.softmax %x mask(%m : tensor<5xi1>) axis(1) : tensor<2x5xf32>
  return
}

// -----

func.func @softmax_mask_shape(%x: tensor<2x5xf32>, %m: tensor<2x4xi1>) {
  // expected-error@+1 {{'qc.softmax' op mask dimension 1 is 4; expected 1 or 5 (the input's)}}
  %p = qc.softmax %x mask(%m : tensor<2x4xi1>) axis(1) : tensor<2x5xf32>
  return
}

// -----

func.func @softmax_mask_not_boolean(%x: tensor<2x5xf32>, %m: tensor<2x5xi8>) {
  // expected-error@+1 {{'qc.softmax' op operand #1 must be ranked tensor of 1-bit signless integer values}}
  %p = qc.softmax %x mask(%m : tensor<2x5xi8>) axis(1) : tensor<2x5xf32>
  return
}

// -----

func.func @layer_norm_axis_out_of_range(%x: tensor<2x5xf32>, %g: tensor<5xf32>) {
  // expected-error@+1 {{'qc.layer_norm' op axis -1 is out of range for a value of rank 2}}
  %y, %m, %i = qc.layer_norm %x, %g axis(-1) epsilon(1.0e-05) : (tensor<2x5xf32>, tensor<5xf32>) -> (tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_negative_epsilon(%x: tensor<2x5xf32>, %g: tensor<5xf32>) {
  // expected-error@+1 {{'qc.layer_norm' op expected a non-negative epsilon}}
  %y, %m, %i = qc.layer_norm %x, %g axis(1) epsilon(-1.0) : (tensor<2x5xf32>, tensor<5xf32>) -> (tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_scale_shape(%x: tensor<2x5xf32>, %g: tensor<1x5xf32>) {
  // expected-error@+1 {{'qc.layer_norm' op expected scale and bias of the normalized shape [5] and element type 'f32', got 'tensor<1x5xf32>'}}
  %y, %m, %i = qc.layer_norm %x, %g axis(1) epsilon(1.0e-05) : (tensor<2x5xf32>, tensor<1x5xf32>) -> (tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_bias_type(%x: tensor<2x5xf32>, %g: tensor<5xf32>, %b: tensor<5xf16>) {
  // expected-error@+1 {{'qc.layer_norm' op expected scale and bias of the normalized shape [5] and element type 'f32', got 'tensor<5xf16>'}}
  %y, %m, %i = qc.layer_norm %x, %g, %b axis(1) epsilon(1.0e-05) : (tensor<2x5xf32>, tensor<5xf32>, tensor<5xf16>) -> (tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_result_type(%x: tensor<2x5xf32>, %g: tensor<5xf32>) {
  // expected-error@+1 {{'qc.layer_norm' op expected the result type 'tensor<2x5xf32>' of the input}}
  %y, %m, %i = qc.layer_norm %x, %g axis(1) epsilon(1.0e-05) : (tensor<2x5xf32>, tensor<5xf32>) -> (tensor<2x5xf16>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_statistics_type(%x: tensor<2x5xf32>, %g: tensor<5xf32>) {
  // expected-error@+1 {{'qc.layer_norm' op expected mean and inv_std_dev of type 'tensor<2x1xf32>', got 'tensor<2xf32>'}}
  %y, %m, %i = qc.layer_norm %x, %g axis(1) epsilon(1.0e-05) : (tensor<2x5xf32>, tensor<5xf32>) -> (tensor<2x5xf32>, tensor<2xf32>, tensor<2x1xf32>)
  return
}

// -----

//===----------------------------------------------------------------------===//
// qc.packed_matmul
//===----------------------------------------------------------------------===//

// K is not a whole number of packing blocks.
func.func @packed_matmul_0(%x: tensor<2x12xi8>, %w: tensor<3x6xi8>) {
  // expected-error@+1 {{'qc.packed_matmul' op expected K (input dimension 1) to be a multiple of 8, the packing block, got 12}}
  %0 = qc.packed_matmul %x, %w bits(4) : tensor<2x12xi8>, tensor<3x6xi8> -> tensor<2x3xi32>
  return
}

// -----

// The weight rows must be K * bits / 8 bytes.
func.func @packed_matmul_1(%x: tensor<2x16xi8>, %w: tensor<3x8xi8>) {
  // expected-error@+1 {{'qc.packed_matmul' op expected weight rows of K * bits / 8 = 6 bytes, got 8}}
  %0 = qc.packed_matmul %x, %w bits(3) : tensor<2x16xi8>, tensor<3x8xi8> -> tensor<2x3xi32>
  return
}

// -----

// The result is M x N.
func.func @packed_matmul_2(%x: tensor<2x16xi8>, %w: tensor<3x8xi8>) {
  // expected-error@+1 {{'qc.packed_matmul' op expected a result of shape [M, N] = [2, 3], got 'tensor<2x4xi32>'}}
  %0 = qc.packed_matmul %x, %w bits(4) : tensor<2x16xi8>, tensor<3x8xi8> -> tensor<2x4xi32>
  return
}

// -----

// The weight's shape must be static.
func.func @packed_matmul_3(%x: tensor<2x16xi8>, %w: tensor<?x8xi8>) {
  // expected-error@+1 {{'qc.packed_matmul' op expected a static K (input dimension 1) and a statically shaped weight, got 'tensor<2x16xi8>' and 'tensor<?x8xi8>'}}
  %0 = qc.packed_matmul %x, %w bits(4) : tensor<2x16xi8>, tensor<?x8xi8> -> tensor<2x3xi32>
  return
}

// -----

// bits is 1 to 8.
func.func @packed_matmul_4(%x: tensor<2x16xi8>, %w: tensor<3x18xi8>) {
  // expected-error@+1 {{'qc.packed_matmul' op attribute 'bits' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 1 whose maximum value is 8}}
  %0 = qc.packed_matmul %x, %w bits(9) : tensor<2x16xi8>, tensor<3x18xi8> -> tensor<2x3xi32>
  return
}

// -----

// The zero point is an i8.
func.func @packed_matmul_5(%x: tensor<2x16xi8>, %w: tensor<3x8xi8>) {
  // expected-error@+1 {{'qc.packed_matmul' op input_zp 200 is outside i8's range}}
  %0 = qc.packed_matmul %x, %w bits(4) input_zp(200) : tensor<2x16xi8>, tensor<3x8xi8> -> tensor<2x3xi32>
  return
}

// -----

// Partial sums must fit i32: 65856 * 255 * 128 > 2^31 - 1.
func.func @packed_matmul_6(%x: tensor<1x65856xi8>, %w: tensor<1x65856xi8>) {
  // expected-error@+1 {{'qc.packed_matmul' op partial sums over 65856 products of 8-bit weights may overflow i32}}
  %0 = qc.packed_matmul %x, %w bits(8) : tensor<1x65856xi8>, tensor<1x65856xi8> -> tensor<1x1xi32>
  return
}

// -----

// A group size that does not divide K.
func.func @packed_matmul_7(%x: tensor<2x48xi8>, %w: tensor<1x24xi8>) {
  // expected-error@+1 {{'qc.packed_matmul' op expected a group size dividing K = 48 and a multiple of 8, got 32}}
  %0 = qc.packed_matmul %x, %w bits(4) groups(32, [1, 1], shift 0) : tensor<2x48xi8>, tensor<1x24xi8> -> tensor<2x1xi32>
  return
}

// -----

// One multiplier per row and group.
func.func @packed_matmul_8(%x: tensor<2x64xi8>, %w: tensor<2x32xi8>) {
  // expected-error@+1 {{'qc.packed_matmul' op expected N * K / group_size = 4 group multipliers, got 3}}
  %0 = qc.packed_matmul %x, %w bits(4) groups(32, [1, 1, 1], shift 0) : tensor<2x64xi8>, tensor<2x32xi8> -> tensor<2x2xi32>
  return
}

// -----

// Multipliers are ratios of at most 1.
func.func @packed_matmul_9(%x: tensor<2x64xi8>, %w: tensor<1x32xi8>) {
  // expected-error@+1 {{'qc.packed_matmul' op expected group multipliers in [0, 2^2], got 5}}
  %0 = qc.packed_matmul %x, %w bits(4) groups(32, [4, 5], shift 2) : tensor<2x64xi8>, tensor<1x32xi8> -> tensor<2x1xi32>
  return
}

// -----

// The shift keeps the i64 sum in range.
func.func @packed_matmul_10(%x: tensor<2x64xi8>, %w: tensor<1x32xi8>) {
  // expected-error@+1 {{'qc.packed_matmul' op expected a group shift of at most 31, got 32}}
  %0 = qc.packed_matmul %x, %w bits(4) groups(32, [4, 4], shift 32) : tensor<2x64xi8>, tensor<1x32xi8> -> tensor<2x1xi32>
  return
}

// Folders and canonicalization patterns of the qc ops. Every expected number
// is derived by hand from the definitions in include/qc/Numerics/Numerics.h
// (see the comment next to each check), not copied from the tool's output.
//
// Notation: x is the input, m * 2^-s the multiplier, v = x * m / 2^s exact.
//   half_to_even  : v rounded to nearest, ties to even.
//   single_round  : floor(v + 1/2) (ties toward +inf); inexact_round is the
//                   same.
//   double_round  : floor((x * m + 2^(s-1) + (s > 31 ? +-2^30 : 0)) / 2^s),
//                   the sign of the extra term being the sign of x.
//   gemmlowp      : s >= 31: RDBPOT(SRDHM(x, m), s - 31); s < 31:
//                   SRDHM(sat32(x * 2^(31-s)), m), where
//                   SRDHM(a, b) = floor((a * b + 2^30) / 2^31) and RDBPOT
//                   divides by 2^e rounding ties away from zero.
// then + output_zp and clamp to the result range (or clamp).
//
// RUN: quant-opt %s -split-input-file --canonicalize | FileCheck %s

//===----------------------------------------------------------------------===//
// qc.requant constant folding: the five rounding modes on ties (s = 1)
//===----------------------------------------------------------------------===//

// v = 1.5x: 7 -> 10.5, -7 -> -10.5, 5 -> 7.5, -5 -> -7.5, 1 -> 1.5,
// -1 -> -1.5, 3 -> 4.5, 100 -> 150.
// half_to_even: 10.5 -> 10, -10.5 -> -10, 7.5 -> 8, -7.5 -> -8, 1.5 -> 2,
// -1.5 -> -2, 4.5 -> 4, 150 -> clamp 127.
// CHECK-LABEL: func @requant_half_to_even_ties(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[10, -10, 8, -8, 2, -2, 4, 127]> : tensor<8xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_half_to_even_ties() -> tensor<8xi8> {
  %c = arith.constant dense<[7, -7, 5, -5, 1, -1, 3, 100]> : tensor<8xi32>
  %0 = qc.requant %c by(#qc.dyadic<3 * 2**-1>) rounding half_to_even : tensor<8xi32> -> tensor<8xi8>
  return %0 : tensor<8xi8>
}

// -----

// single_round, floor(v + 1/2): 10.5 -> 11, -10.5 -> -10, 7.5 -> 8,
// -7.5 -> -7, 1.5 -> 2, -1.5 -> -1, 4.5 -> 5, 150 -> clamp 127.
// CHECK-LABEL: func @requant_single_round_ties(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[11, -10, 8, -7, 2, -1, 5, 127]> : tensor<8xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_single_round_ties() -> tensor<8xi8> {
  %c = arith.constant dense<[7, -7, 5, -5, 1, -1, 3, 100]> : tensor<8xi32>
  %0 = qc.requant %c by(#qc.dyadic<3 * 2**-1>) rounding single_round : tensor<8xi32> -> tensor<8xi8>
  return %0 : tensor<8xi8>
}

// -----

// inexact_round is computed as single_round: the same as above.
// CHECK-LABEL: func @requant_inexact_round_ties(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[11, -10, 8, -7, 2, -1, 5, 127]> : tensor<8xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_inexact_round_ties() -> tensor<8xi8> {
  %c = arith.constant dense<[7, -7, 5, -5, 1, -1, 3, 100]> : tensor<8xi32>
  %0 = qc.requant %c by(#qc.dyadic<3 * 2**-1>) rounding inexact_round : tensor<8xi32> -> tensor<8xi8>
  return %0 : tensor<8xi8>
}

// -----

// double_round adds its extra +-2^30 only for s > 31; with s = 1 it is
// single_round: the same as above.
// CHECK-LABEL: func @requant_double_round_small_shift(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[11, -10, 8, -7, 2, -1, 5, 127]> : tensor<8xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_double_round_small_shift() -> tensor<8xi8> {
  %c = arith.constant dense<[7, -7, 5, -5, 1, -1, 3, 100]> : tensor<8xi32>
  %0 = qc.requant %c by(#qc.dyadic<3 * 2**-1>) rounding double_round : tensor<8xi32> -> tensor<8xi8>
  return %0 : tensor<8xi8>
}

// -----

// gemmlowp with 1.5 as TFLite stores it, m = 3 * 2^29, s = 30 < 31: x * 2
// fits int32, SRDHM(2x, 3 * 2^29) = floor((3x * 2^30 + 2^30) / 2^31)
// = floor(1.5x + 1/2): single_round's results, the same as above.
// CHECK-LABEL: func @requant_gemmlowp_left_shift_ties(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[11, -10, 8, -7, 2, -1, 5, 127]> : tensor<8xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_gemmlowp_left_shift_ties() -> tensor<8xi8> {
  %c = arith.constant dense<[7, -7, 5, -5, 1, -1, 3, 100]> : tensor<8xi32>
  %0 = qc.requant %c by(#qc.dyadic<1610612736 * 2**-30>) : tensor<8xi32> -> tensor<8xi8>
  return %0 : tensor<8xi8>
}

// -----

//===----------------------------------------------------------------------===//
// qc.requant constant folding: s = 32, where double rounding differs
//===----------------------------------------------------------------------===//

// m * 2^-s = 2^30 * 2^-32 = 1/4; x = [1, -1, 2, -2, -3, 5, -5, 6, -6] gives
// v = [0.25, -0.25, 0.5, -0.5, -0.75, 1.25, -1.25, 1.5, -1.5].
// single_round, floor(v + 1/2): [0, 0, 1, 0, -1, 1, -1, 2, -1].
// CHECK-LABEL: func @requant_single_round_shift_32(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[0, 0, 1, 0, -1, 1, -1, 2, -1]> : tensor<9xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_single_round_shift_32() -> tensor<9xi8> {
  %c = arith.constant dense<[1, -1, 2, -2, -3, 5, -5, 6, -6]> : tensor<9xi32>
  %0 = qc.requant %c by(#qc.dyadic<1073741824 * 2**-32>) rounding single_round : tensor<9xi32> -> tensor<9xi8>
  return %0 : tensor<9xi8>
}

// -----

// inexact_round: as single_round.
// CHECK-LABEL: func @requant_inexact_round_shift_32(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[0, 0, 1, 0, -1, 1, -1, 2, -1]> : tensor<9xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_inexact_round_shift_32() -> tensor<9xi8> {
  %c = arith.constant dense<[1, -1, 2, -2, -3, 5, -5, 6, -6]> : tensor<9xi32>
  %0 = qc.requant %c by(#qc.dyadic<1073741824 * 2**-32>) rounding inexact_round : tensor<9xi32> -> tensor<9xi8>
  return %0 : tensor<9xi8>
}

// -----

// double_round, in units of 2^30 over 2^32 (i.e. quarters):
// x >= 0: floor((x + 2 + 1) / 4): 1 -> 1, 2 -> 1, 5 -> 2, 6 -> 2;
// x < 0:  floor((x + 2 - 1) / 4): -1 -> 0, -2 -> -1 (floor(-1/4)),
// -3 -> -1 (floor(-2/4)), -5 -> -1, -6 -> -2 (floor(-5/4)).
// CHECK-LABEL: func @requant_double_round_shift_32(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[1, 0, 1, -1, -1, 2, -1, 2, -2]> : tensor<9xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_double_round_shift_32() -> tensor<9xi8> {
  %c = arith.constant dense<[1, -1, 2, -2, -3, 5, -5, 6, -6]> : tensor<9xi32>
  %0 = qc.requant %c by(#qc.dyadic<1073741824 * 2**-32>) rounding double_round : tensor<9xi32> -> tensor<9xi8>
  return %0 : tensor<9xi8>
}

// -----

// gemmlowp, s = 32: SRDHM(x, 2^30) = floor((x + 1) / 2), then RDBPOT by 1
// (halves, ties away from zero):
// 1 -> 1 -> 0.5 -> 1;  -1 -> 0 -> 0;  2 -> 1 -> 1;  -2 -> floor(-1/2) = -1
// -> -0.5 -> -1;  -3 -> -1 -> -1;  5 -> 3 -> 1.5 -> 2;  -5 -> -2 -> -1;
// 6 -> floor(7/2) = 3 -> 2;  -6 -> floor(-5/2) = -3 -> -1.5 -> -2.
// (Equal to double_round, as Numerics.h says for m >= 0.)
// CHECK-LABEL: func @requant_gemmlowp_shift_32(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[1, 0, 1, -1, -1, 2, -1, 2, -2]> : tensor<9xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_gemmlowp_shift_32() -> tensor<9xi8> {
  %c = arith.constant dense<[1, -1, 2, -2, -3, 5, -5, 6, -6]> : tensor<9xi32>
  %0 = qc.requant %c by(#qc.dyadic<1073741824 * 2**-32>) : tensor<9xi32> -> tensor<9xi8>
  return %0 : tensor<9xi8>
}

// -----

// half_to_even: 0.25 -> 0, -0.25 -> 0, 0.5 -> 0, -0.5 -> 0, -0.75 -> -1,
// 1.25 -> 1, -1.25 -> -1, 1.5 -> 2, -1.5 -> -2.
// CHECK-LABEL: func @requant_half_to_even_shift_32(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[0, 0, 0, 0, -1, 1, -1, 2, -2]> : tensor<9xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_half_to_even_shift_32() -> tensor<9xi8> {
  %c = arith.constant dense<[1, -1, 2, -2, -3, 5, -5, 6, -6]> : tensor<9xi32>
  %0 = qc.requant %c by(#qc.dyadic<1073741824 * 2**-32>) rounding half_to_even : tensor<9xi32> -> tensor<9xi8>
  return %0 : tensor<9xi8>
}

// -----

// double_round at s = 31 has no extra term (it needs s > 31):
// floor((x * 2^30 + 2^30) / 2^31) = floor((x + 1) / 2): -1 -> 0, -3 -> -1,
// 1 -> 1, 3 -> 2. (With the extra -2^30, -1 would give floor(-1/2) = -1.)
// CHECK-LABEL: func @requant_double_round_shift_31(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[0, -1, 1, 2]> : tensor<4xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_double_round_shift_31() -> tensor<4xi8> {
  %c = arith.constant dense<[-1, -3, 1, 3]> : tensor<4xi32>
  %0 = qc.requant %c by(#qc.dyadic<1073741824 * 2**-31>) rounding double_round : tensor<4xi32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// A typical TFLite multiplier, 1518500250 * 2^-37 (about 0.0110485):
// 1000: SRDHM = floor((1518500250000 + 2^30) / 2^31) = floor(707.107 + 0.5)
// = 707; RDBPOT(707, 6): 707 = 11 * 64 + 3 -> 11.
// -1000: SRDHM = floor(-707.107 + 0.5) = -707; -707 = -12 * 64 + 61, 61 > 32
// -> -11. 0 -> 0. +-90000 -> about +-994 -> clamp 127 / -128.
// CHECK-LABEL: func @requant_gemmlowp_typical(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[11, -11, 0, 127, -128]> : tensor<5xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_gemmlowp_typical() -> tensor<5xi8> {
  %c = arith.constant dense<[1000, -1000, 0, 90000, -90000]> : tensor<5xi32>
  %0 = qc.requant %c by(#qc.dyadic<1518500250 * 2**-37>) : tensor<5xi32> -> tensor<5xi8>
  return %0 : tensor<5xi8>
}

// -----

// gemmlowp's left shift saturates (m = 3 * 2^29, s = 30, i32 -> i32):
// 2^30 * 2 = 2^31 -> 2^31 - 1; SRDHM(2^31 - 1, 3 * 2^29)
// = floor(3 * 2^29 - 3/4 + 1/2) = 1610612735 (the exact 1.5 * 2^30 is
// 1610612736). -2^30 * 2 = -2^31 fits: SRDHM = floor(-3 * 2^29 + 1/2)
// = -1610612736. (2^30 - 1) * 2 fits: floor(1610612734.5 + 1/2) = 1610612735.
// CHECK-LABEL: func @requant_gemmlowp_saturating_shift(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[1610612735, -1610612736, 1610612735]> : tensor<3xi32>
// CHECK-NEXT: return [[C]]
func.func @requant_gemmlowp_saturating_shift() -> tensor<3xi32> {
  %c = arith.constant dense<[1073741824, -1073741824, 1073741823]> : tensor<3xi32>
  %0 = qc.requant %c by(#qc.dyadic<1610612736 * 2**-30>) : tensor<3xi32> -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// A splat input with a per-tensor multiplier folds to a splat:
// 7 * 3 / 2 = 10.5 -> half_to_even 10.
// CHECK-LABEL: func @requant_splat(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<10> : tensor<4xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_splat() -> tensor<4xi8> {
  %c = arith.constant dense<7> : tensor<4xi32>
  %0 = qc.requant %c by(#qc.dyadic<3 * 2**-1>) rounding half_to_even : tensor<4xi32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

//===----------------------------------------------------------------------===//
// qc.requant constant folding: per-axis and per-group multipliers
//===----------------------------------------------------------------------===//

// Per axis 1 (columns x1, x1/2, x3/4), half_to_even:
// row 0: 1 * 1 = 1, 3 / 2 = 1.5 -> 2, 2 * 3/4 = 1.5 -> 2;
// row 1: -4, -5 / 2 = -2.5 -> -2, 6 * 3/4 = 4.5 -> 4.
// CHECK-LABEL: func @requant_per_axis_columns(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<{{\[\[}}1, 2, 2], [-4, -2, 4]]> : tensor<2x3xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_per_axis_columns() -> tensor<2x3xi8> {
  %c = arith.constant dense<[[1, 3, 2], [-4, -5, 6]]> : tensor<2x3xi32>
  %0 = qc.requant %c by(#qc.dyadic<per_axis = 1, [1 * 2**-0, 1 * 2**-1, 3 * 2**-2]>) rounding half_to_even : tensor<2x3xi32> -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

// Per axis 0 (rows x1/2, x5/4), single_round:
// row 0: 0.5 -> 1, 1 -> 1, 1.5 -> 2;
// row 1: -1.25 -> floor(-0.75) = -1, -2.5 -> floor(-2) = -2, 2.5 -> 3.
// CHECK-LABEL: func @requant_per_axis_rows(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<{{\[\[}}1, 1, 2], [-1, -2, 3]]> : tensor<2x3xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_per_axis_rows() -> tensor<2x3xi8> {
  %c = arith.constant dense<[[1, 2, 3], [-1, -2, 2]]> : tensor<2x3xi32>
  %0 = qc.requant %c by(#qc.dyadic<per_axis = 0, [1 * 2**-1, 5 * 2**-2]>) rounding single_round : tensor<2x3xi32> -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

// Per axis along the middle dimension of a 2x3x2 splat of 1 (x1, x2, x3):
// the position along axis 1 is (index / 2) % 3.
// CHECK-LABEL: func @requant_per_axis_middle(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<{{\[\[\[}}1, 1], [2, 2], [3, 3]], {{\[\[}}1, 1], [2, 2], [3, 3]]]> : tensor<2x3x2xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_per_axis_middle() -> tensor<2x3x2xi8> {
  %c = arith.constant dense<1> : tensor<2x3x2xi32>
  %0 = qc.requant %c by(#qc.dyadic<per_axis = 1, [1 * 2**-0, 2 * 2**-0, 3 * 2**-0]>) rounding half_to_even : tensor<2x3x2xi32> -> tensor<2x3x2xi8>
  return %0 : tensor<2x3x2xi8>
}

// -----

// Per group of 2 along axis 1 (columns 0-1 x1/2, columns 2-3 x3),
// half_to_even: row 0: 1.5 -> 2, 2.5 -> 2, 3, -6;
// row 1: -1.5 -> -2, -0.5 -> 0, 21, 0.
// CHECK-LABEL: func @requant_per_group(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<{{\[\[}}2, 2, 3, -6], [-2, 0, 21, 0]]> : tensor<2x4xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_per_group() -> tensor<2x4xi8> {
  %c = arith.constant dense<[[3, 5, 1, -2], [-3, -1, 7, 0]]> : tensor<2x4xi32>
  %0 = qc.requant %c by(#qc.dyadic<per_group = 1 : 2, [1 * 2**-1, 3 * 2**-0]>) rounding half_to_even : tensor<2x4xi32> -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

// Groups of 2 along a dimension of 5: the last group has one element.
// Splat 1 times [x1, x1 | x2, x2 | x3] = [1, 1, 2, 2, 3].
// CHECK-LABEL: func @requant_per_group_partial(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<{{\[\[}}1, 1, 2, 2, 3]]> : tensor<1x5xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_per_group_partial() -> tensor<1x5xi8> {
  %c = arith.constant dense<1> : tensor<1x5xi32>
  %0 = qc.requant %c by(#qc.dyadic<per_group = 1 : 2, [1 * 2**-0, 2 * 2**-0, 3 * 2**-0]>) rounding single_round : tensor<1x5xi32> -> tensor<1x5xi8>
  return %0 : tensor<1x5xi8>
}

// -----

//===----------------------------------------------------------------------===//
// qc.requant constant folding: zero points, clamp, unsigned
//===----------------------------------------------------------------------===//

// input_zp 3, output_zp -5, x1/2, half_to_even:
// x - 3 = [0, 1, 3, 5, -4, -32771] -> [0, 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2,
// -16385.5 -> -16386] -> -5 -> [-5, -5, -3, -3, -7, -16391 -> clamp -128].
// CHECK-LABEL: func @requant_zero_points(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[-5, -5, -3, -3, -7, -128]> : tensor<6xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_zero_points() -> tensor<6xi8> {
  %c = arith.constant dense<[3, 4, 6, 8, -1, -32768]> : tensor<6xi16>
  %0 = qc.requant %c by(#qc.dyadic<1 * 2**-1>) input_zp(3) output_zp(-5) rounding half_to_even : tensor<6xi16> -> tensor<6xi8>
  return %0 : tensor<6xi8>
}

// -----

// A fused ReLU6: x1, clamp [0, 6]: [-3, 0, 4, 6, 7, 300] -> [0, 0, 4, 6, 6, 6].
// CHECK-LABEL: func @requant_clamp(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[0, 0, 4, 6, 6, 6]> : tensor<6xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_clamp() -> tensor<6xi8> {
  %c = arith.constant dense<[-3, 0, 4, 6, 7, 300]> : tensor<6xi32>
  %0 = qc.requant %c by(#qc.dyadic<1 * 2**-0>) clamp [0, 6] rounding single_round : tensor<6xi32> -> tensor<6xi8>
  return %0 : tensor<6xi8>
}

// -----

// The clamp applies after the output zero point: x1/2 = [-15, 0, 15, 4, 3.5
// -> 4], + 10 = [-5, 10, 25, 14, 14], clamp [0, 20] -> [0, 10, 20, 14, 14].
// CHECK-LABEL: func @requant_clamp_after_zero_point(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[0, 10, 20, 14, 14]> : tensor<5xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_clamp_after_zero_point() -> tensor<5xi8> {
  %c = arith.constant dense<[-30, 0, 30, 8, 7]> : tensor<5xi32>
  %0 = qc.requant %c by(#qc.dyadic<1 * 2**-1>) output_zp(10) clamp [0, 20] rounding half_to_even : tensor<5xi32> -> tensor<5xi8>
  return %0 : tensor<5xi8>
}

// -----

// input_unsigned reads the i8 bits [-1, -56, 100, -128] as [255, 200, 100,
// 128]; x1/2 half_to_even: 127.5 -> 128, 100, 50, 64.
// CHECK-LABEL: func @requant_input_unsigned(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[128, 100, 50, 64]> : tensor<4xi16>
// CHECK-NEXT: return [[C]]
func.func @requant_input_unsigned() -> tensor<4xi16> {
  %c = arith.constant dense<[-1, -56, 100, -128]> : tensor<4xi8>
  %0 = qc.requant %c by(#qc.dyadic<1 * 2**-1>) rounding half_to_even {input_unsigned} : tensor<4xi8> -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

// output_unsigned clamps to [0, 255]: x1/2 single_round of [300, 510, -3,
// 600] = [150, 255, floor(-1) = -1 -> 0, 300 -> 255]; as i8 bits 150 is -106
// and 255 is -1.
// CHECK-LABEL: func @requant_output_unsigned(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[-106, -1, 0, -1]> : tensor<4xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_output_unsigned() -> tensor<4xi8> {
  %c = arith.constant dense<[300, 510, -3, 600]> : tensor<4xi16>
  %0 = qc.requant %c by(#qc.dyadic<1 * 2**-1>) rounding single_round {output_unsigned} : tensor<4xi16> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// u8 -> u8 with zero points 128: [255, 0, 128, 127] - 128 = [127, -128, 0,
// -1]; x1/2 half_to_even = [63.5 -> 64, -64, 0, -0.5 -> 0]; + 128 = [192,
// 64, 128, 128], i.e. i8 bits [-64, 64, -128, -128].
// CHECK-LABEL: func @requant_unsigned_zero_points(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[-64, 64, -128, -128]> : tensor<4xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_unsigned_zero_points() -> tensor<4xi8> {
  %c = arith.constant dense<[-1, 0, -128, 127]> : tensor<4xi8>
  %0 = qc.requant %c by(#qc.dyadic<1 * 2**-1>) input_zp(128) output_zp(128) rounding half_to_even {input_unsigned, output_unsigned} : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

//===----------------------------------------------------------------------===//
// qc.requant identity fold (non-constant input)
//===----------------------------------------------------------------------===//

// Multiplying by 1 (1 * 2^-0) with the same type, no zero points, no clamp.
// CHECK-LABEL: func @requant_identity(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4xi8>
// CHECK-NEXT: return [[X]]
func.func @requant_identity(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-0>) rounding single_round : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// 4 * 2^-2 is 1 too (exact for half_to_even on any i32).
// CHECK-LABEL: func @requant_identity_scaled(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4xi32>
// CHECK-NEXT: return [[X]]
func.func @requant_identity_scaled(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = qc.requant %x by(#qc.dyadic<4 * 2**-2>) rounding half_to_even : tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// double_round with s < 31 is exact for m = 2^s.
// CHECK-LABEL: func @requant_identity_double_round(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4xi16>
// CHECK-NEXT: return [[X]]
func.func @requant_identity_double_round(%x: tensor<4xi16>) -> tensor<4xi16> {
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-0>) rounding double_round : tensor<4xi16> -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

// gemmlowp with TFLite's 1.0 (2^30 * 2^-30) on i8: x * 2 never saturates and
// SRDHM(2x, 2^30) = floor(x + 1/2) = x.
// CHECK-LABEL: func @requant_identity_gemmlowp_i8(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4xi8>
// CHECK-NEXT: return [[X]]
func.func @requant_identity_gemmlowp_i8(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1073741824 * 2**-30>) : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// A clamp equal to the full range does not prevent the fold.
// CHECK-LABEL: func @requant_identity_full_clamp(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4xi8>
// CHECK-NEXT: return [[X]]
func.func @requant_identity_full_clamp(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-0>) clamp [-128, 127] rounding half_to_even : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Unsigned in and out: u8 -> u8 by 1.
// CHECK-LABEL: func @requant_identity_unsigned(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4xi8>
// CHECK-NEXT: return [[X]]
func.func @requant_identity_unsigned(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-0>) rounding half_to_even {input_unsigned, output_unsigned} : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Per axis, every entry 1.
// CHECK-LABEL: func @requant_identity_per_axis(
// CHECK-SAME: [[X:%[^:]+]]: tensor<2x2xi8>
// CHECK-NEXT: return [[X]]
func.func @requant_identity_per_axis(%x: tensor<2x2xi8>) -> tensor<2x2xi8> {
  %0 = qc.requant %x by(#qc.dyadic<per_axis = 1, [1 * 2**-0, 2 * 2**-1]>) rounding half_to_even : tensor<2x2xi8> -> tensor<2x2xi8>
  return %0 : tensor<2x2xi8>
}

// -----

// Not folded: a clamp narrower than the type.
// CHECK-LABEL: func @requant_no_identity_clamp(
// CHECK-NEXT: [[R:%.+]] = qc.requant
// CHECK-NEXT: return [[R]]
func.func @requant_no_identity_clamp(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-0>) clamp [0, 127] rounding half_to_even : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Not folded: a non-zero input zero point.
// CHECK-LABEL: func @requant_no_identity_input_zp(
// CHECK-NEXT: [[R:%.+]] = qc.requant
// CHECK-NEXT: return [[R]]
func.func @requant_no_identity_input_zp(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-0>) input_zp(1) rounding half_to_even : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Not folded: a non-zero output zero point.
// CHECK-LABEL: func @requant_no_identity_output_zp(
// CHECK-NEXT: [[R:%.+]] = qc.requant
// CHECK-NEXT: return [[R]]
func.func @requant_no_identity_output_zp(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-0>) output_zp(1) rounding half_to_even : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Not folded: different types (i8 -> i16).
// CHECK-LABEL: func @requant_no_identity_types(
// CHECK-NEXT: [[R:%.+]] = qc.requant
// CHECK-NEXT: return [[R]]
func.func @requant_no_identity_types(%x: tensor<4xi8>) -> tensor<4xi16> {
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-0>) rounding half_to_even : tensor<4xi8> -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

// Not folded: only the input is unsigned (255 would saturate to 127).
// CHECK-LABEL: func @requant_no_identity_input_unsigned(
// CHECK-NEXT: [[R:%.+]] = qc.requant
// CHECK-NEXT: return [[R]]
func.func @requant_no_identity_input_unsigned(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-0>) rounding half_to_even {input_unsigned} : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Not folded: only the output is unsigned (-1 would saturate to 0).
// CHECK-LABEL: func @requant_no_identity_output_unsigned(
// CHECK-NEXT: [[R:%.+]] = qc.requant
// CHECK-NEXT: return [[R]]
func.func @requant_no_identity_output_unsigned(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1 * 2**-0>) rounding half_to_even {output_unsigned} : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Not folded: multipliers other than 1 (x2, and a per-axis entry of 3/2).
// CHECK-LABEL: func @requant_no_identity_multiplier(
// CHECK-NEXT: [[R0:%.+]] = qc.requant
// CHECK-NEXT: [[R1:%.+]] = qc.requant
// CHECK-NEXT: return [[R0]], [[R1]]
func.func @requant_no_identity_multiplier(%x: tensor<4xi8>, %y: tensor<2x2xi8>) -> (tensor<4xi8>, tensor<2x2xi8>) {
  %0 = qc.requant %x by(#qc.dyadic<2 * 2**-0>) rounding half_to_even : tensor<4xi8> -> tensor<4xi8>
  %1 = qc.requant %y by(#qc.dyadic<per_axis = 1, [1 * 2**-0, 3 * 2**-1]>) rounding half_to_even : tensor<2x2xi8> -> tensor<2x2xi8>
  return %0, %1 : tensor<4xi8>, tensor<2x2xi8>
}

// -----

// gemmlowp's 1.0 is 2^30 * 2^-30: x is shifted left by 1 and saturated to
// int32 first, which never saturates for i8, so it is the identity there.
// Constants: SRDHM(2x, 2^30) = floor((2x * 2^30 + 2^30) / 2^31) =
// floor(x + 1/2) = x for [5, -5, 0, 127, -128].
// CHECK-LABEL: func @requant_gemmlowp_one_constant(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[5, -5, 0, 127, -128]> : tensor<5xi8>
// CHECK-NEXT: return [[C]]
func.func @requant_gemmlowp_one_constant() -> tensor<5xi8> {
  %c = arith.constant dense<[5, -5, 0, 127, -128]> : tensor<5xi8>
  %0 = qc.requant %c by(#qc.dyadic<1073741824 * 2**-30>) rounding gemmlowp : tensor<5xi8> -> tensor<5xi8>
  return %0 : tensor<5xi8>
}

// -----

// ...so the same op on a non-constant i8 input folds to its input.
// CHECK-LABEL: func @requant_identity_gemmlowp_one_i8(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4xi8>
// CHECK-NEXT: return [[X]]
func.func @requant_identity_gemmlowp_one_i8(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1073741824 * 2**-30>) rounding gemmlowp : tensor<4xi8> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Likewise TFLite's 1.0 (2^30 * 2^-30) on i32: x * 2 saturates for
// |x| >= 2^30. Constants: 2^30 + 1 and 2^31 - 1 -> 2^31 - 1,
// SRDHM(2^31 - 1, 2^30) = floor(2^30 - 1/2 + 1/2) = 2^30 = 1073741824;
// -2^31 -> -2^31, SRDHM(-2^31, 2^30) = floor(-2^30 + 1/2) = -1073741824;
// 5 -> 5.
// CHECK-LABEL: func @requant_gemmlowp_one_i32_constant(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[1073741824, 1073741824, -1073741824, 5]> : tensor<4xi32>
// CHECK-NEXT: return [[C]]
func.func @requant_gemmlowp_one_i32_constant() -> tensor<4xi32> {
  %c = arith.constant dense<[1073741825, 2147483647, -2147483648, 5]> : tensor<4xi32>
  %0 = qc.requant %c by(#qc.dyadic<1073741824 * 2**-30>) : tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// ...and must not fold on a non-constant i32 input.
// CHECK-LABEL: func @requant_no_identity_gemmlowp_i32(
// CHECK-NEXT: [[R:%.+]] = qc.requant
// CHECK-NEXT: return [[R]]
func.func @requant_no_identity_gemmlowp_i32(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = qc.requant %x by(#qc.dyadic<1073741824 * 2**-30>) : tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

//===----------------------------------------------------------------------===//
// qc.quantize(qc.dequantize(x))
//===----------------------------------------------------------------------===//

// Same type: folds to x.
// CHECK-LABEL: func @quantize_dequantize(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-NEXT: return [[X]]
func.func @quantize_dequantize(%x: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>> {
  %0 = qc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %1 = qc.quantize %0 : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  return %1 : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

// Per axis, with either rounding (the values are exact, so no tie occurs).
// CHECK-LABEL: func @quantize_dequantize_per_axis(
// CHECK-SAME: [[X:%[^:]+]]: tensor<2x3x!quant.uniform<u8:f32:1, {5.000000e-01:128,2.500000e-01:127,1.000000e+00}>>
// CHECK-NEXT: return [[X]]
func.func @quantize_dequantize_per_axis(%x: tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:127, 1.0}>>) -> tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:127, 1.0}>> {
  %0 = qc.dequantize %x : tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:127, 1.0}>> -> tensor<2x3xf32>
  %1 = qc.quantize %0 rounding half_away_from_zero : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:127, 1.0}>>
  return %1 : tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:127, 1.0}>>
}

// -----

// A different scale: a real requantization, kept.
// CHECK-LABEL: func @quantize_dequantize_other_scale(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-NEXT: [[D:%.+]] = qc.dequantize [[X]]
// CHECK-NEXT: [[Q:%.+]] = qc.quantize [[D]]
// CHECK-NEXT: return [[Q]]
func.func @quantize_dequantize_other_scale(%x: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<4x!quant.uniform<i8:f32, 0.25:-3>> {
  %0 = qc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %1 = qc.quantize %0 : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:-3>>
  return %1 : tensor<4x!quant.uniform<i8:f32, 0.25:-3>>
}

// -----

// A different storage type (i8 -> i16, same scale and zero point), kept.
// CHECK-LABEL: func @quantize_dequantize_other_storage(
// CHECK-NEXT: [[D:%.+]] = qc.dequantize
// CHECK-NEXT: [[Q:%.+]] = qc.quantize [[D]]
// CHECK-NEXT: return [[Q]]
func.func @quantize_dequantize_other_storage(%x: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<4x!quant.uniform<i16:f32, 0.5:-3>> {
  %0 = qc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %1 = qc.quantize %0 : tensor<4xf32> -> tensor<4x!quant.uniform<i16:f32, 0.5:-3>>
  return %1 : tensor<4x!quant.uniform<i16:f32, 0.5:-3>>
}

// -----

// The round trip is exact only while (q - Z) * S survives the float type.
// i32 storage in f32: q = 2^24 + 1 dequantizes to the f32 2^24 (ties to even)
// and quantizes back to 16777216, so the pair is not the identity and must
// be kept.
// CHECK-LABEL: func @quantize_dequantize_i32_storage(
// CHECK-NEXT: [[D:%.+]] = qc.dequantize
// CHECK-NEXT: [[Q:%.+]] = qc.quantize [[D]]
// CHECK-NEXT: return [[Q]]
func.func @quantize_dequantize_i32_storage(%x: tensor<4x!quant.uniform<i32:f32, 1.0>>) -> tensor<4x!quant.uniform<i32:f32, 1.0>> {
  %0 = qc.dequantize %x : tensor<4x!quant.uniform<i32:f32, 1.0>> -> tensor<4xf32>
  %1 = qc.quantize %0 : tensor<4xf32> -> tensor<4x!quant.uniform<i32:f32, 1.0>>
  return %1 : tensor<4x!quant.uniform<i32:f32, 1.0>>
}

// -----

// The same for i16 storage in f16: q = 2049 dequantizes to the f16 2048
// (spacing 2 above 2048, ties to even) and comes back as 2048.
// CHECK-LABEL: func @quantize_dequantize_i16_in_f16(
// CHECK-NEXT: [[D:%.+]] = qc.dequantize
// CHECK-NEXT: [[Q:%.+]] = qc.quantize [[D]]
// CHECK-NEXT: return [[Q]]
func.func @quantize_dequantize_i16_in_f16(%x: tensor<4x!quant.uniform<i16:f16, 1.0>>) -> tensor<4x!quant.uniform<i16:f16, 1.0>> {
  %0 = qc.dequantize %x : tensor<4x!quant.uniform<i16:f16, 1.0>> -> tensor<4xf16>
  %1 = qc.quantize %0 : tensor<4xf16> -> tensor<4x!quant.uniform<i16:f16, 1.0>>
  return %1 : tensor<4x!quant.uniform<i16:f16, 1.0>>
}

// -----

// The constant form of the i32 case computes it: 16777217 -> 1.6777216e7
// -> 16777216.
// CHECK-LABEL: func @quantize_dequantize_i32_constant(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<16777216> : tensor<1xi32>
// CHECK-NEXT: [[Q:%.+]] = quant.scast [[C]]
// CHECK-NEXT: return [[Q]]
func.func @quantize_dequantize_i32_constant() -> tensor<1x!quant.uniform<i32:f32, 1.0>> {
  %c = arith.constant dense<16777217> : tensor<1xi32>
  %q = quant.scast %c : tensor<1xi32> to tensor<1x!quant.uniform<i32:f32, 1.0>>
  %0 = qc.dequantize %q : tensor<1x!quant.uniform<i32:f32, 1.0>> -> tensor<1xf32>
  %1 = qc.quantize %0 : tensor<1xf32> -> tensor<1x!quant.uniform<i32:f32, 1.0>>
  return %1 : tensor<1x!quant.uniform<i32:f32, 1.0>>
}

// -----

//===----------------------------------------------------------------------===//
// qc.dequantize(quant.scast(arith.constant))
//===----------------------------------------------------------------------===//

// (q - (-3)) * 0.5: -3 -> 0, -2 -> 0.5, 0 -> 1.5, 127 -> 65, -128 -> -62.5.
// CHECK-LABEL: func @dequantize_constant(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[0.000000e+00, 5.000000e-01, 1.500000e+00, 6.500000e+01, -6.250000e+01]> : tensor<5xf32>
// CHECK-NEXT: return [[C]]
func.func @dequantize_constant() -> tensor<5xf32> {
  %c = arith.constant dense<[-3, -2, 0, 127, -128]> : tensor<5xi8>
  %q = quant.scast %c : tensor<5xi8> to tensor<5x!quant.uniform<i8:f32, 0.5:-3>>
  %0 = qc.dequantize %q : tensor<5x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// Per axis 1: column 0 (q - 1) * 0.5, column 1 (q + 1) * 2:
// [[0, 8], [-1, 2]].
// CHECK-LABEL: func @dequantize_constant_per_axis(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<{{\[\[}}0.000000e+00, 8.000000e+00], [-1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return [[C]]
func.func @dequantize_constant_per_axis() -> tensor<2x2xf32> {
  %c = arith.constant dense<[[1, 3], [-1, 0]]> : tensor<2x2xi8>
  %q = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32:1, {0.5:1, 2.0:-1}>>
  %0 = qc.dequantize %q : tensor<2x2x!quant.uniform<i8:f32:1, {0.5:1, 2.0:-1}>> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// u8 storage reads the i8 bits [-1, 0, -128] as [255, 0, 128]:
// (q - 128) * 0.25 = [31.75, -32, 0].
// CHECK-LABEL: func @dequantize_constant_unsigned(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[3.175000e+01, -3.200000e+01, 0.000000e+00]> : tensor<3xf32>
// CHECK-NEXT: return [[C]]
func.func @dequantize_constant_unsigned() -> tensor<3xf32> {
  %c = arith.constant dense<[-1, 0, -128]> : tensor<3xi8>
  %q = quant.scast %c : tensor<3xi8> to tensor<3x!quant.uniform<u8:f32, 0.25:128>>
  %0 = qc.dequantize %q : tensor<3x!quant.uniform<u8:f32, 0.25:128>> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Sub-channel, blocks of 2 along axis 1: columns 0-1 (q - 1) * 0.5, columns
// 2-3 (q - 2) * 0.25: [[0, 1, 0, 1], [-1, -0.5, -1, 2]].
// CHECK-LABEL: func @dequantize_constant_sub_channel(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 0.000000e+00, 1.000000e+00], [-1.000000e+00, -5.000000e-01, -1.000000e+00, 2.000000e+00]]> : tensor<2x4xf32>
// CHECK-NEXT: return [[C]]
func.func @dequantize_constant_sub_channel() -> tensor<2x4xf32> {
  %c = arith.constant dense<[[1, 3, 2, 6], [-1, 0, -2, 10]]> : tensor<2x4xi8>
  %q = quant.scast %c : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>>
  %0 = qc.dequantize %q : tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// u32 storage does not fold: the numerics library's quantize/dequantize work
// on int32 ranges, and u32 values do not fit them.
// CHECK-LABEL: func @dequantize_constant_u32(
// CHECK: qc.dequantize
func.func @dequantize_constant_u32() -> tensor<2xf32> {
  %c = arith.constant dense<[-1073741824, 1073741824]> : tensor<2xi32>
  %q = quant.scast %c : tensor<2xi32> to tensor<2x!quant.uniform<u32:f32, 9.31322574615478515625E-10>>
  %0 = qc.dequantize %q : tensor<2x!quant.uniform<u32:f32, 9.31322574615478515625E-10>> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Only f32 results fold: f16 is kept.
// CHECK-LABEL: func @dequantize_constant_f16(
// CHECK: [[D:%.+]] = qc.dequantize
// CHECK-NEXT: return [[D]]
func.func @dequantize_constant_f16() -> tensor<2xf16> {
  %c = arith.constant dense<[1, 2]> : tensor<2xi8>
  %q = quant.scast %c : tensor<2xi8> to tensor<2x!quant.uniform<i8:f16, 0.5>>
  %0 = qc.dequantize %q : tensor<2x!quant.uniform<i8:f16, 0.5>> -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

// A non-constant input is kept.
// CHECK-LABEL: func @dequantize_not_constant(
// CHECK-NEXT: [[S:%.+]] = quant.scast
// CHECK-NEXT: [[D:%.+]] = qc.dequantize [[S]]
// CHECK-NEXT: return [[D]]
func.func @dequantize_not_constant(%x: tensor<2xi8>) -> tensor<2xf32> {
  %q = quant.scast %x : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.5>>
  %0 = qc.dequantize %q : tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// qc.quantize(arith.constant) -> quant.scast(arith.constant)
//===----------------------------------------------------------------------===//

// Scale 0.5, zero point -3, half_to_even: x / 0.5 = [2.5 -> 2, -2.5 -> -2,
// 1.5 -> 2, 0, 200, -200]; - 3 = [-1, -5, -1, -3, 197 -> 127, -203 -> -128].
// CHECK-LABEL: func @quantize_constant(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[-1, -5, -1, -3, 127, -128]> : tensor<6xi8>
// CHECK-NEXT: [[Q:%.+]] = quant.scast [[C]] : tensor<6xi8> to tensor<6x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-NEXT: return [[Q]]
func.func @quantize_constant() -> tensor<6x!quant.uniform<i8:f32, 0.5:-3>> {
  %c = arith.constant dense<[1.25, -1.25, 0.75, 0.0, 100.0, -100.0]> : tensor<6xf32>
  %0 = qc.quantize %c : tensor<6xf32> -> tensor<6x!quant.uniform<i8:f32, 0.5:-3>>
  return %0 : tensor<6x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

// The same with half_away_from_zero: 2.5 -> 3, -2.5 -> -3, 1.5 -> 2;
// - 3 = [0, -6, -1, -3, 127, -128].
// CHECK-LABEL: func @quantize_constant_half_away(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[0, -6, -1, -3, 127, -128]> : tensor<6xi8>
// CHECK-NEXT: [[Q:%.+]] = quant.scast [[C]] : tensor<6xi8> to tensor<6x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-NEXT: return [[Q]]
func.func @quantize_constant_half_away() -> tensor<6x!quant.uniform<i8:f32, 0.5:-3>> {
  %c = arith.constant dense<[1.25, -1.25, 0.75, 0.0, 100.0, -100.0]> : tensor<6xf32>
  %0 = qc.quantize %c rounding half_away_from_zero : tensor<6xf32> -> tensor<6x!quant.uniform<i8:f32, 0.5:-3>>
  return %0 : tensor<6x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

// NaN -> the zero point (-3); +inf -> 127; -inf -> -128; -0.0 -> 0 - 3 = -3.
// CHECK-LABEL: func @quantize_constant_nan_inf(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[-3, 127, -128, -3]> : tensor<4xi8>
// CHECK-NEXT: [[Q:%.+]] = quant.scast [[C]] : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-NEXT: return [[Q]]
func.func @quantize_constant_nan_inf() -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>> {
  %c = arith.constant dense<[0x7FC00000, 0x7F800000, 0xFF800000, -0.0]> : tensor<4xf32>
  %0 = qc.quantize %c : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

// Per axis 0: row 0 x / 0.5 + 1 = [2 + 1, -1.5 -> -2, + 1] = [3, -1];
// row 1 x / 0.25 - 1 = [1.5 -> 2, - 1; -0.5 -> 0, - 1] = [1, -1].
// CHECK-LABEL: func @quantize_constant_per_axis(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<{{\[\[}}3, -1], [1, -1]]> : tensor<2x2xi8>
// CHECK-NEXT: [[Q:%.+]] = quant.scast [[C]] : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32:0, {5.000000e-01:1,2.500000e-01:-1}>>
// CHECK-NEXT: return [[Q]]
func.func @quantize_constant_per_axis() -> tensor<2x2x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-1}>> {
  %c = arith.constant dense<[[1.0, -0.75], [0.375, -0.125]]> : tensor<2x2xf32>
  %0 = qc.quantize %c : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-1}>>
  return %0 : tensor<2x2x!quant.uniform<i8:f32:0, {0.5:1, 0.25:-1}>>
}

// -----

// Per axis 1, half_away_from_zero: column 0 x / 0.5 + 1: 2.5 -> 3 -> 4,
// -0.5 -> -1 -> 0; column 1 x / 0.25 - 1: -1.5 -> -2 -> -3, 0.5 -> 1 -> 0.
// CHECK-LABEL: func @quantize_constant_per_axis_half_away(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<{{\[\[}}4, -3], [0, 0]]> : tensor<2x2xi8>
// CHECK-NEXT: [[Q:%.+]] = quant.scast [[C]]
// CHECK-NEXT: return [[Q]]
func.func @quantize_constant_per_axis_half_away() -> tensor<2x2x!quant.uniform<i8:f32:1, {0.5:1, 0.25:-1}>> {
  %c = arith.constant dense<[[1.25, -0.375], [-0.25, 0.125]]> : tensor<2x2xf32>
  %0 = qc.quantize %c rounding half_away_from_zero : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32:1, {0.5:1, 0.25:-1}>>
  return %0 : tensor<2x2x!quant.uniform<i8:f32:1, {0.5:1, 0.25:-1}>>
}

// -----

// Sub-channel, blocks of 2 along axis 1: columns 0-1 x / 0.5 + 1, columns 2-3
// x / 0.25 + 2. Row 0: 0.5 -> 0 -> 1, 1.5 -> 2 -> 3, 0.5 -> 0 -> 2,
// -1.5 -> -2 -> 0; row 1: 2 + 1 = 3, -2 + 1 = -1, 0 + 2 = 2, 2 + 2 = 4.
// CHECK-LABEL: func @quantize_constant_sub_channel(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<{{\[\[}}1, 3, 2, 0], [3, -1, 2, 4]]> : tensor<2x4xi8>
// CHECK-NEXT: [[Q:%.+]] = quant.scast [[C]]
// CHECK-NEXT: return [[Q]]
func.func @quantize_constant_sub_channel() -> tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>> {
  %c = arith.constant dense<[[0.25, 0.75, 0.125, -0.375], [1.0, -1.0, 0.0, 0.5]]> : tensor<2x4xf32>
  %0 = qc.quantize %c : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>>
}

// -----

// u8, scale 1, zero point 128: -200 + 128 -> 0; 0.5 -> 0 (even) -> 128;
// 127.5 -> 128 (even) -> 256 -> 255; 1000 -> 255; NaN -> 128. As i8 bits
// 128 is -128 and 255 is -1.
// CHECK-LABEL: func @quantize_constant_unsigned(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[0, -128, -1, -1, -128]> : tensor<5xi8>
// CHECK-NEXT: [[Q:%.+]] = quant.scast [[C]] : tensor<5xi8> to tensor<5x!quant.uniform<u8:f32, 1.000000e+00:128>>
// CHECK-NEXT: return [[Q]]
func.func @quantize_constant_unsigned() -> tensor<5x!quant.uniform<u8:f32, 1.0:128>> {
  %c = arith.constant dense<[-200.0, 0.5, 127.5, 1000.0, 0x7FC00000]> : tensor<5xf32>
  %0 = qc.quantize %c : tensor<5xf32> -> tensor<5x!quant.uniform<u8:f32, 1.0:128>>
  return %0 : tensor<5x!quant.uniform<u8:f32, 1.0:128>>
}

// -----

// A narrow storage range [-127, 127]: -200 -> -127; -127.5 -> -128 (even)
// -> -127; 127.5 -> 128 (even) -> 127; -126.5 -> -126 (even); -inf -> -127.
// CHECK-LABEL: func @quantize_constant_narrow(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[-127, -127, 127, -126, -127]> : tensor<5xi8>
// CHECK-NEXT: [[Q:%.+]] = quant.scast [[C]] : tensor<5xi8> to tensor<5x!quant.uniform<i8<-127:127>:f32, 1.000000e+00>>
// CHECK-NEXT: return [[Q]]
func.func @quantize_constant_narrow() -> tensor<5x!quant.uniform<i8<-127:127>:f32, 1.0>> {
  %c = arith.constant dense<[-200.0, -127.5, 127.5, -126.5, 0xFF800000]> : tensor<5xf32>
  %0 = qc.quantize %c : tensor<5xf32> -> tensor<5x!quant.uniform<i8<-127:127>:f32, 1.0>>
  return %0 : tensor<5x!quant.uniform<i8<-127:127>:f32, 1.0>>
}

// -----

// x / scale is computed in f32. With scale 0.1f = 0.100000001490116...:
// 0.35f = 0.349999994039535... / 0.1f = 3.4999998882..., whose nearest f32 is
// 3.5 (the f32 neighbours are 3.5 and 3.5 - 2^-22 = 3.49999976...), -> 4;
// 0.25 / 0.1f = 2.49999996274..., nearest f32 2.5, half_to_even -> 2.
// (In f64 these would be 3 and 2.)
// CHECK-LABEL: func @quantize_constant_f32_division(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[4, 2]> : tensor<2xi8>
// CHECK-NEXT: [[Q:%.+]] = quant.scast [[C]]
// CHECK-NEXT: return [[Q]]
func.func @quantize_constant_f32_division() -> tensor<2x!quant.uniform<i8:f32, 0.1>> {
  %c = arith.constant dense<[0.35, 0.25]> : tensor<2xf32>
  %0 = qc.quantize %c : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<2x!quant.uniform<i8:f32, 0.1>>
}

// -----

// The same with half_away_from_zero: 3.5 -> 4, 2.5 -> 3.
// CHECK-LABEL: func @quantize_constant_f32_division_half_away(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[4, 3]> : tensor<2xi8>
// CHECK-NEXT: [[Q:%.+]] = quant.scast [[C]]
// CHECK-NEXT: return [[Q]]
func.func @quantize_constant_f32_division_half_away() -> tensor<2x!quant.uniform<i8:f32, 0.1>> {
  %c = arith.constant dense<[0.35, 0.25]> : tensor<2xf32>
  %0 = qc.quantize %c rounding half_away_from_zero : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<2x!quant.uniform<i8:f32, 0.1>>
}

// -----

// u32 storage does not fold (see dequantize_constant_u32).
// CHECK-LABEL: func @quantize_constant_u32(
// CHECK: qc.quantize
func.func @quantize_constant_u32() -> tensor<2x!quant.uniform<u32:f32, 1.0>> {
  %c = arith.constant dense<[5.0, 3.0e9]> : tensor<2xf32>
  %0 = qc.quantize %c : tensor<2xf32> -> tensor<2x!quant.uniform<u32:f32, 1.0>>
  return %0 : tensor<2x!quant.uniform<u32:f32, 1.0>>
}

// -----

// Only f32 constants fold: f16 is kept.
// CHECK-LABEL: func @quantize_constant_f16(
// CHECK: [[Q:%.+]] = qc.quantize
// CHECK-NEXT: return [[Q]]
func.func @quantize_constant_f16() -> tensor<2x!quant.uniform<i8:f16, 0.5>> {
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf16>
  %0 = qc.quantize %c : tensor<2xf16> -> tensor<2x!quant.uniform<i8:f16, 0.5>>
  return %0 : tensor<2x!quant.uniform<i8:f16, 0.5>>
}

// -----

// Both folds compose: quantize 1.25 / 0.5 = 2.5 -> 2, - 3 = -1 and
// -1.3 / 0.5 = -2.6 -> -3, - 3 = -6; dequantize (-1 + 3) * 0.5 = 1.0 and
// (-6 + 3) * 0.5 = -1.5.
// CHECK-LABEL: func @dequantize_quantize_constant(
// CHECK-NEXT: [[C:%.+]] = arith.constant dense<[1.000000e+00, -1.500000e+00]> : tensor<2xf32>
// CHECK-NEXT: return [[C]]
func.func @dequantize_quantize_constant() -> tensor<2xf32> {
  %c = arith.constant dense<[1.25, -1.3]> : tensor<2xf32>
  %0 = qc.quantize %c : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 0.5:-3>>
  %1 = qc.dequantize %0 : tensor<2x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

// -----

// bf16 has 8 significand bits: (q - Z) * S rounds, so dequantize-quantize is
// exact only while |q - Z| < 2^6. i8 values reach 128: not folded.
// CHECK-LABEL: func @quantize_dequantize_bf16_i8(
// CHECK: qc.dequantize
// CHECK: qc.quantize
func.func @quantize_dequantize_bf16_i8(%q: tensor<4x!quant.uniform<i8:bf16, 0.1>>) -> tensor<4x!quant.uniform<i8:bf16, 0.1>> {
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:bf16, 0.1>> -> tensor<4xbf16>
  %0 = qc.quantize %d : tensor<4xbf16> -> tensor<4x!quant.uniform<i8:bf16, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:bf16, 0.1>>
}

// -----

// f16 has 11 significand bits: |q - Z| <= 255 < 2^9 for i8 with a zero
// point, so the pair folds.
// CHECK-LABEL: func @quantize_dequantize_f16_i8(
// CHECK-SAME: [[Q:%[^:]+]]: tensor<4x!quant.uniform<i8:f16, 1.000000e-01:100>>
// CHECK-NEXT: return [[Q]]
func.func @quantize_dequantize_f16_i8(%q: tensor<4x!quant.uniform<i8:f16, 0.1:100>>) -> tensor<4x!quant.uniform<i8:f16, 0.1:100>> {
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f16, 0.1:100>> -> tensor<4xf16>
  %0 = qc.quantize %d : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f16, 0.1:100>>
  return %0 : tensor<4x!quant.uniform<i8:f16, 0.1:100>>
}

// -----

// qc.packed_matmul folds with the numerics library's unpacking.
// 4 bits, input_zp 1: row 0 is [1, -1, 2, -2, 3, -3, 7, -8] (bytes 0xF1,
// 0xE2, 0xD3, 0x87: value 2i in the low nibble), row 1 all ones (0x11).
// x - 1 = [0, 1, 2, 3, 4, 5, 6, 7]: row 0 gives -1 + 4 - 6 + 12 - 15 + 42 -
// 56 = -20, row 1 gives 28; x - 1 = [-2, -1 x 6, 8]: -2 + 1 - 2 + 2 - 3 + 3
// - 7 - 64 = -72 and -2 - 6 + 8 = 0.
// CHECK-LABEL: func @packed_matmul_fold
// CHECK: arith.constant dense<{{\[}}[-20, 28], [-72, 0]]> : tensor<2x2xi32>
func.func @packed_matmul_fold() -> tensor<2x2xi32> {
  %x = arith.constant dense<[[1, 2, 3, 4, 5, 6, 7, 8], [-1, 0, 0, 0, 0, 0, 0, 9]]> : tensor<2x8xi8>
  %w = arith.constant dense<[[-15, -30, -45, -121], [17, 17, 17, 17]]> : tensor<2x4xi8>
  %0 = qc.packed_matmul %x, %w bits(4) input_zp(1) : tensor<2x8xi8>, tensor<2x4xi8> -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

// 3 bits in groups of 8 with multipliers 1 * 2^-2 (a quarter of the sum,
// rounded half up). In the plane layout a block of 8 is a 16-bit word of the
// low two bits and a byte of the high bits. Row 0: group 0 all 1 (0x5555,
// 0x00), group 1 [-1, -1, 0 x 6] (0x000F, 0x03); row 1: group 0 all -1
// (0xFFFF, 0xFF), group 1 [1, 1, 0 x 6] (0x0005, 0x00). With x all ones the
// sums are 8 - 2 = 6 -> 1.5 -> 2 and -8 + 2 = -6 -> -1.5 -> -1.
// CHECK-LABEL: func @packed_matmul_fold_groups
// CHECK: arith.constant dense<{{\[}}[2, -1]]> : tensor<1x2xi32>
func.func @packed_matmul_fold_groups() -> tensor<1x2xi32> {
  %x = arith.constant dense<1> : tensor<1x16xi8>
  %w = arith.constant dense<[[85, 85, 0, 15, 0, 3], [-1, -1, -1, 5, 0, 0]]> : tensor<2x6xi8>
  %0 = qc.packed_matmul %x, %w bits(3) groups(8, [1, 1, 1, 1], shift 2) : tensor<1x16xi8>, tensor<2x6xi8> -> tensor<1x2xi32>
  return %0 : tensor<1x2xi32>
}

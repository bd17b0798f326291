// Executes qc.requant two ways and checks both against hand-derived values:
// lowered by qc-lower-quant-ops and run on the CPU, and constant-folded by the
// op's folder (numerics library) after inlining. Both must print the same.
//
// RUN: quant-opt %s --qc-lower-to-llvm | %{run_main} | FileCheck %s
// RUN: quant-opt %s --inline --canonicalize --qc-lower-to-llvm | %{run_main} | FileCheck %s

// M = 0.09375 = 0.75 * 2^-3: m = round(0.75 * 2^31) = 1610612736, s = 34.
// x * M = [0.375, -0.375, 1.125, -1.125, 1.875, 9.375, 1.5, -1.5, 0.46875, 187.5]
#m0p09375 = #qc.dyadic<1610612736 * 2**-34>

func.func @gemmlowp(%x: tensor<10xi32>) -> tensor<10xi8> {
  // SRDHM = round(x * 0.75) = [3, -3, 9, -9, 15, 75, 12, -12, 4, 1500] (no
  // ties), then RoundingDivideByPOT(., 3), ties away from zero:
  // -1.5 -> -2; x = 5 rounds twice (3.75 -> 4 -> 0.5 -> 1).
  %r = qc.requant %x by(#m0p09375) : tensor<10xi32> -> tensor<10xi8>
  return %r : tensor<10xi8>
}
func.func @single_round(%x: tensor<10xi32>) -> tensor<10xi8> {
  // floor(x * M + 1/2)
  %r = qc.requant %x by(#m0p09375) rounding single_round : tensor<10xi32> -> tensor<10xi8>
  return %r : tensor<10xi8>
}
func.func @inexact_round(%x: tensor<10xi32>) -> tensor<10xi8> {
  %r = qc.requant %x by(#m0p09375) rounding inexact_round : tensor<10xi32> -> tensor<10xi8>
  return %r : tensor<10xi8>
}
func.func @double_round(%x: tensor<10xi32>) -> tensor<10xi8> {
  // s = 34 > 31: floor(x * M + 1/2 +- 1/16), + for x >= 0.
  %r = qc.requant %x by(#m0p09375) rounding double_round : tensor<10xi32> -> tensor<10xi8>
  return %r : tensor<10xi8>
}
func.func @half_to_even(%x: tensor<10xi32>) -> tensor<10xi8> {
  %r = qc.requant %x by(#m0p09375) rounding half_to_even : tensor<10xi32> -> tensor<10xi8>
  return %r : tensor<10xi8>
}

// M = 1.5 = 0.75 * 2^1: m = 1610612736, s = 30 (a saturating left shift by 1
// before SRDHM).
func.func @gemmlowp_left_shift(%x: tensor<5xi32>) -> tensor<5xi32> {
  %r = qc.requant %x by(#qc.dyadic<1610612736 * 2**-30>) : tensor<5xi32> -> tensor<5xi32>
  return %r : tensor<5xi32>
}

// Per-axis multipliers [1, 0.5, 0.75], output zero point 10, unsigned
// result clamped to [5, 200].
func.func @per_axis(%x: tensor<2x3xi32>) -> tensor<2x3xi8> {
  %r = qc.requant %x by(#qc.dyadic<per_axis = 1, [1 * 2**-0, 1 * 2**-1, 3 * 2**-2]>)
      output_zp(10) clamp [5, 200] rounding single_round {output_unsigned}
      : tensor<2x3xi32> -> tensor<2x3xi8>
  return %r : tensor<2x3xi8>
}

// Groups of 2 along axis 1 with multipliers [0.5, 0.25]; input zero point -2.
func.func @per_group(%x: tensor<1x4xi8>) -> tensor<1x4xi16> {
  %r = qc.requant %x by(#qc.dyadic<per_group = 1 : 2, [1 * 2**-1, 1 * 2**-2]>)
      input_zp(-2) rounding half_to_even : tensor<1x4xi8> -> tensor<1x4xi16>
  return %r : tensor<1x4xi16>
}

// Unsigned input with zero point 128 (i8 -1 reads as 255).
func.func @unsigned_input(%x: tensor<2xi8>) -> tensor<2xi32> {
  %r = qc.requant %x by(#qc.dyadic<1 * 2**-0>) input_zp(128) rounding single_round
      {input_unsigned}
      : tensor<2xi8> -> tensor<2xi32>
  return %r : tensor<2xi32>
}

func.func private @printMemrefI32(tensor<*xi32>)

func.func @print_i8(%v: tensor<10xi8>) {
  %w = arith.extsi %v : tensor<10xi8> to tensor<10xi32>
  %u = tensor.cast %w : tensor<10xi32> to tensor<*xi32>
  func.call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[4, -4, 12, -12, 20, 100, 16, -16, 5, 2000]> : tensor<10xi32>
  // CHECK: [0,  0,  1,  -1,  2,  9,  2,  -2,  1,  127]
  %g = func.call @gemmlowp(%x) : (tensor<10xi32>) -> tensor<10xi8>
  func.call @print_i8(%g) : (tensor<10xi8>) -> ()
  // CHECK: [0,  0,  1,  -1,  2,  9,  2,  -1,  0,  127]
  %s = func.call @single_round(%x) : (tensor<10xi32>) -> tensor<10xi8>
  func.call @print_i8(%s) : (tensor<10xi8>) -> ()
  // CHECK: [0,  0,  1,  -1,  2,  9,  2,  -1,  0,  127]
  %i = func.call @inexact_round(%x) : (tensor<10xi32>) -> tensor<10xi8>
  func.call @print_i8(%i) : (tensor<10xi8>) -> ()
  // CHECK: [0,  0,  1,  -1,  2,  9,  2,  -2,  1,  127]
  %d = func.call @double_round(%x) : (tensor<10xi32>) -> tensor<10xi8>
  func.call @print_i8(%d) : (tensor<10xi8>) -> ()
  // CHECK: [0,  0,  1,  -1,  2,  9,  2,  -2,  0,  127]
  %e = func.call @half_to_even(%x) : (tensor<10xi32>) -> tensor<10xi8>
  func.call @print_i8(%e) : (tensor<10xi8>) -> ()

  // SRDHM's nudge rounds ties up (toward +inf): 3 -> 6 * 0.75 = 4.5 -> 5;
  // -3 -> -4.5 -> -4; 1 -> 1.5 -> 2; 2^30 -> 2^31 saturates to 2^31 - 1,
  // * 0.75 = 1610612735.25 -> 1610612735; -5 -> -10 * 0.75 = -7.5 -> -7.
  // CHECK: [5,  -4,  2,  1610612735,  -7]
  %xl = arith.constant dense<[3, -3, 1, 1073741824, -5]> : tensor<5xi32>
  %l = func.call @gemmlowp_left_shift(%xl) : (tensor<5xi32>) -> tensor<5xi32>
  %lu = tensor.cast %l : tensor<5xi32> to tensor<*xi32>
  func.call @printMemrefI32(%lu) : (tensor<*xi32>) -> ()

  // Column 0: -20 + 10 -> clamp 5; 300 + 10 -> clamp 200.
  // Column 1: 7 * 0.5 = 3.5 -> 4 + 10 = 14; -3 * 0.5 = -1.5 -> -1 + 10 = 9.
  // Column 2: 5 * 0.75 = 3.75 -> 4 + 10 = 14; 0.75 -> 1 + 10 = 11.
  // CHECK:      [5,  14,  14]
  // CHECK-NEXT: [200,  9,  11]
  %xa = arith.constant dense<[[-20, 7, 5], [300, -3, 1]]> : tensor<2x3xi32>
  %a = func.call @per_axis(%xa) : (tensor<2x3xi32>) -> tensor<2x3xi8>
  %aw = arith.extui %a : tensor<2x3xi8> to tensor<2x3xi32>
  %au = tensor.cast %aw : tensor<2x3xi32> to tensor<*xi32>
  func.call @printMemrefI32(%au) : (tensor<*xi32>) -> ()

  // x + 2 = [7, 10, 12, -4]; * [0.5, 0.5, 0.25, 0.25] = [3.5, 5, 3, -1].
  // CHECK: {{\[}}[4,  5,  3,  -1]]
  %xg = arith.constant dense<[[5, 8, 10, -6]]> : tensor<1x4xi8>
  %gr = func.call @per_group(%xg) : (tensor<1x4xi8>) -> tensor<1x4xi16>
  %gw = arith.extsi %gr : tensor<1x4xi16> to tensor<1x4xi32>
  %gu = tensor.cast %gw : tensor<1x4xi32> to tensor<*xi32>
  func.call @printMemrefI32(%gu) : (tensor<*xi32>) -> ()

  // 255 - 128 = 127; 100 - 128 = -28.
  // CHECK: [127,  -28]
  %xu = arith.constant dense<[-1, 100]> : tensor<2xi8>
  %ur = func.call @unsigned_input(%xu) : (tensor<2xi8>) -> tensor<2xi32>
  %uu = tensor.cast %ur : tensor<2xi32> to tensor<*xi32>
  func.call @printMemrefI32(%uu) : (tensor<*xi32>) -> ()
  return
}

// Round trip of every form of the qc attributes. The attribute lines (ATTR)
// are checked on the custom output, on the custom output read back, on the
// generic output, and on the generic output read back.
//
// RUN: quant-opt %s | FileCheck %s --check-prefixes=CHECK,ATTR
// RUN: quant-opt %s | quant-opt | FileCheck %s --check-prefixes=CHECK,ATTR
// RUN: quant-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=ATTR
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s --check-prefixes=CHECK,ATTR

//===----------------------------------------------------------------------===//
// #qc.scheme
//===----------------------------------------------------------------------===//

// Signed storage, symmetric, per tensor: the smallest scheme.
// CHECK-LABEL: func @scheme_i8_symmetric()
// ATTR: {attr = #qc.scheme<i8, symmetric>}
func.func @scheme_i8_symmetric() attributes {attr = #qc.scheme<i8, symmetric>} {
  return
}

// Unsigned storage (uN), affine.
// CHECK-LABEL: func @scheme_u8_affine()
// ATTR: {attr = #qc.scheme<u8, affine>}
func.func @scheme_u8_affine() attributes {attr = #qc.scheme<u8, affine>} {
  return
}

// Signed affine and unsigned symmetric are both expressible.
// CHECK-LABEL: func @scheme_i8_affine_u8_symmetric()
// ATTR: {a = #qc.scheme<i8, affine>, b = #qc.scheme<u8, symmetric>}
func.func @scheme_i8_affine_u8_symmetric() attributes {
    a = #qc.scheme<i8, affine>, b = #qc.scheme<u8, symmetric>} {
  return
}

// Narrow range, signed and unsigned.
// CHECK-LABEL: func @scheme_narrow()
// ATTR: {a = #qc.scheme<i4, symmetric, narrow>, b = #qc.scheme<u16, affine, narrow>}
func.func @scheme_narrow() attributes {
    a = #qc.scheme<i4, symmetric, narrow>, b = #qc.scheme<u16, affine, narrow>} {
  return
}

// The bounds of the storage width: 1 and 16 bits, signed and unsigned.
// CHECK-LABEL: func @scheme_width_bounds()
// ATTR: {a = #qc.scheme<i1, symmetric>, b = #qc.scheme<u1, affine>, c = #qc.scheme<i16, affine>, d = #qc.scheme<u16, symmetric>}
func.func @scheme_width_bounds() attributes {
    a = #qc.scheme<i1, symmetric>, b = #qc.scheme<u1, affine>,
    c = #qc.scheme<i16, affine>, d = #qc.scheme<u16, symmetric>} {
  return
}

// Narrow range at its smallest width (2 bits).
// CHECK-LABEL: func @scheme_narrow_two_bits()
// ATTR: {attr = #qc.scheme<i2, symmetric, narrow>}
func.func @scheme_narrow_two_bits() attributes {
    attr = #qc.scheme<i2, symmetric, narrow>} {
  return
}

// Per axis, with and without narrow range.
// CHECK-LABEL: func @scheme_per_axis()
// ATTR: {a = #qc.scheme<i8, symmetric, narrow, per_axis = 0>, b = #qc.scheme<u8, affine, per_axis = 3>}
func.func @scheme_per_axis() attributes {
    a = #qc.scheme<i8, symmetric, narrow, per_axis = 0>,
    b = #qc.scheme<u8, affine, per_axis = 3>} {
  return
}

// Per group, with and without narrow range; a group of one element is valid.
// CHECK-LABEL: func @scheme_per_group()
// ATTR: {a = #qc.scheme<i4, symmetric, per_group = 1 : 128>, b = #qc.scheme<u4, affine, narrow, per_group = 0 : 1>}
func.func @scheme_per_group() attributes {
    a = #qc.scheme<i4, symmetric, per_group = 1 : 128>,
    b = #qc.scheme<u4, affine, narrow, per_group = 0 : 1>} {
  return
}

// Free spacing in the input is printed in the canonical form.
// CHECK-LABEL: func @scheme_spacing()
// ATTR: {attr = #qc.scheme<u8, affine, per_group = 2 : 32>}
func.func @scheme_spacing() attributes {
    attr = #qc.scheme< u8 ,affine,per_group=2:32 >} {
  return
}

//===----------------------------------------------------------------------===//
// #qc.dyadic
//===----------------------------------------------------------------------===//

// Per tensor: a single m * 2**-s.
// CHECK-LABEL: func @dyadic_per_tensor()
// ATTR: {attr = #qc.dyadic<1073741824 * 2**-31>}
func.func @dyadic_per_tensor() attributes {
    attr = #qc.dyadic<1073741824 * 2**-31>} {
  return
}

// A shift of 0, written 2**0 or 2**-0, prints as 2**0.
// CHECK-LABEL: func @dyadic_shift_zero()
// ATTR: {a = #qc.dyadic<5 * 2**0>, b = #qc.dyadic<7 * 2**0>}
func.func @dyadic_shift_zero() attributes {
    a = #qc.dyadic<5 * 2**0>, b = #qc.dyadic<7 * 2**-0>} {
  return
}

// The bounds: multiplier 0 and INT32_MAX, shift 62.
// CHECK-LABEL: func @dyadic_bounds()
// ATTR: {a = #qc.dyadic<0 * 2**-31>, b = #qc.dyadic<2147483647 * 2**-62>}
func.func @dyadic_bounds() attributes {
    a = #qc.dyadic<0 * 2**-31>, b = #qc.dyadic<2147483647 * 2**-62>} {
  return
}

// Per axis: one entry per index along the axis (one entry is allowed too).
// CHECK-LABEL: func @dyadic_per_axis()
// ATTR: {a = #qc.dyadic<per_axis = 1, [1518500250 * 2**-37, 1073741824 * 2**-30]>, b = #qc.dyadic<per_axis = 0, [5 * 2**-3]>}
func.func @dyadic_per_axis() attributes {
    a = #qc.dyadic<per_axis = 1, [1518500250 * 2**-37, 1073741824 * 2**-30]>,
    b = #qc.dyadic<per_axis = 0, [5 * 2**-3]>} {
  return
}

// Per group: one entry per group of N indices along the axis.
// CHECK-LABEL: func @dyadic_per_group()
// ATTR: {attr = #qc.dyadic<per_group = 1 : 64, [1073741824 * 2**-31, 1288490189 * 2**-32, 3 * 2**0]>}
func.func @dyadic_per_group() attributes {
    attr = #qc.dyadic<per_group = 1 : 64,
                      [1073741824 * 2**-31, 1288490189 * 2**-32, 3 * 2**0]>} {
  return
}

//===----------------------------------------------------------------------===//
// #qc.stats
//===----------------------------------------------------------------------===//

// Range only; min == max is allowed.
// CHECK-LABEL: func @stats_range()
// ATTR: {a = #qc.stats<min = -1.5, max = 3.25>, b = #qc.stats<min = 0.5, max = 0.5>}
func.func @stats_range() attributes {
    a = #qc.stats<min = -1.5, max = 3.25>, b = #qc.stats<min = 0.5, max = 0.5>} {
  return
}

// Per-channel min : max along an axis: a channel of one value (lo == hi, the
// 0 : 0 of a channel that saw nothing finite), one entirely negative.
// CHECK-LABEL: func @stats_channels()
// ATTR: {attr = #qc.stats<min = -1.5, max = 3.25, channels(axis = 1) = [-1.5 : 1.0, -0.25 : 3.25, 0.0 : 0.0, -1.0 : -0.5]>}
func.func @stats_channels() attributes {
    attr = #qc.stats<min = -1.5, max = 3.25,
                     channels(axis = 1) = [-1.5 : 1.0, -0.25 : 3.25, 0.0 : 0.0, -1.0 : -0.5]>} {
  return
}

// Percentiles: rank 100 is allowed and equal values are non-decreasing.
// CHECK-LABEL: func @stats_percentiles()
// ATTR: {attr = #qc.stats<min = -4.0, max = 3.0, percentiles = [50.5 : 0.25, 99.9 : 2.75, 99.99 : 2.75, 100.0 : 4.0]>}
func.func @stats_percentiles() attributes {
    attr = #qc.stats<min = -4.0, max = 3.0,
                     percentiles = [50.5 : 0.25, 99.9 : 2.75, 99.99 : 2.75, 100.0 : 4.0]>} {
  return
}

// Both optional parts; percentiles written first still print after channels.
// CHECK-LABEL: func @stats_channels_and_percentiles()
// ATTR: {a = #qc.stats<min = -1.5, max = 3.25, channels(axis = 1) = [-1.5 : 1.0, 0.0 : 3.25], percentiles = [99.9 : 2.75, 99.99 : 3.0]>, b = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0.25 : 1.0], percentiles = [95.0 : 0.5]>}
func.func @stats_channels_and_percentiles() attributes {
    a = #qc.stats<min = -1.5, max = 3.25, channels(axis = 1) = [-1.5 : 1.0, 0.0 : 3.25],
                  percentiles = [99.9 : 2.75, 99.99 : 3.0]>,
    b = #qc.stats<min = 0.0, max = 1.0, percentiles = [95.0 : 0.5],
                  channels(axis = 0) = [0.25 : 1.0]>} {
  return
}

// Channel means print after the channels whatever the order written.
// CHECK-LABEL: func @stats_channel_means()
// ATTR: {attr = #qc.stats<min = -1.5, max = 3.25, channels(axis = 1) = [-1.5 : 1.0, -0.25 : 3.25], means = [0.125, -0.25]>}
func.func @stats_channel_means() attributes {
    attr = #qc.stats<min = -1.5, max = 3.25, means = [0.125, -0.25],
                     channels(axis = 1) = [-1.5 : 1.0, -0.25 : 3.25]>} {
  return
}

// The mean square prints last.
// CHECK-LABEL: func @stats_mean_square()
// ATTR: {attr = #qc.stats<min = -1.5, max = 3.25, percentiles = [99.0 : 3.0], mean_square = 0.75>}
func.func @stats_mean_square() attributes {
    attr = #qc.stats<min = -1.5, max = 3.25, mean_square = 0.75,
                     percentiles = [99.0 : 3.0]>} {
  return
}

// Sampled rows: one column per channel.
// CHECK-LABEL: func @stats_rows()
// ATTR: {attr = #qc.stats<min = -1.5, max = 3.25, channels(axis = 2) = [-1.5 : 1.0, -0.25 : 3.25], rows = dense<{{\[}}[-1.500000e+00, 3.250000e+00], [1.000000e+00, -2.500000e-01], [0.000000e+00, 0.000000e+00]]> : tensor<3x2xf32>>}
func.func @stats_rows() attributes {
    attr = #qc.stats<min = -1.5, max = 3.25, rows = dense<[[-1.5, 3.25], [1.0, -0.25], [0.0, 0.0]]> : tensor<3x2xf32>,
                     channels(axis = 2) = [-1.5 : 1.0, -0.25 : 3.25]>} {
  return
}

// Floats print with the fewest significant digits that read back to the same
// double, always with a '.': 0.1 + 0.2 needs 17 digits, 1/3 needs 16.
// Decimal exponents in [-4, 15] print in fixed notation (100.0, 123456789.0,
// -2.5e-05 is exponent -5), others in scientific with ".0" before the
// exponent when the mantissa has one digit.
// CHECK-LABEL: func @stats_float_printing()
// ATTR: a = #qc.stats<min = 0.1, max = 0.30000000000000004>
// ATTR: b = #qc.stats<min = 0.3333333333333333, max = 123456789.0>
// ATTR: c = #qc.stats<min = -0.0, max = 100.0>
// ATTR: d = #qc.stats<min = 1.0e-07, max = 1.0e+16>
// ATTR: e = #qc.stats<min = 5.0e-324, max = 1.7976931348623157e+308>
// ATTR: f = #qc.stats<min = -2.5e-05, max = 1.0>
func.func @stats_float_printing() attributes {
    a = #qc.stats<min = 0.1, max = 0.30000000000000004>,
    b = #qc.stats<min = 0.333333333333333333333, max = 123456789.0>,
    c = #qc.stats<min = -0.0, max = 100.0>,
    d = #qc.stats<min = 1.0e-7, max = 1.0e16>,
    e = #qc.stats<min = 4.9406564584124654e-324, max = 1.7976931348623157e308>,
    f = #qc.stats<min = -0.000025, max = 1.0>} {
  return
}

// Hexadecimal float literals are read as the double they spell (0x3FF8... is
// 1.5, 0x4004... is 2.5).
// CHECK-LABEL: func @stats_hex_floats()
// ATTR: {attr = #qc.stats<min = 1.5, max = 2.5>}
func.func @stats_hex_floats() attributes {
    attr = #qc.stats<min = 0x3FF8000000000000, max = 0x4004000000000000>} {
  return
}

//===----------------------------------------------------------------------===//
// #qc.bitwidth
//===----------------------------------------------------------------------===//

// Weights only, with each method.
// CHECK-LABEL: func @bitwidth_methods()
// ATTR: {a = #qc.bitwidth<weights = 8, method = manual>, b = #qc.bitwidth<weights = 8, method = uniform>, c = #qc.bitwidth<weights = 3, method = mixquant>, d = #qc.bitwidth<weights = 4, method = hawq>}
func.func @bitwidth_methods() attributes {
    a = #qc.bitwidth<weights = 8, method = manual>,
    b = #qc.bitwidth<weights = 8, method = uniform>,
    c = #qc.bitwidth<weights = 3, method = mixquant>,
    d = #qc.bitwidth<weights = 4, method = hawq>} {
  return
}

// Weights and activations.
// CHECK-LABEL: func @bitwidth_activations()
// ATTR: {attr = #qc.bitwidth<weights = 4, activations = 8, method = hawq>}
func.func @bitwidth_activations() attributes {
    attr = #qc.bitwidth<weights = 4, activations = 8, method = hawq>} {
  return
}

// Pinned, with and without activations.
// CHECK-LABEL: func @bitwidth_pinned()
// ATTR: {a = #qc.bitwidth<weights = 8, method = manual, pinned>, b = #qc.bitwidth<weights = 8, activations = 8, method = uniform, pinned>}
func.func @bitwidth_pinned() attributes {
    a = #qc.bitwidth<weights = 8, method = manual, pinned>,
    b = #qc.bitwidth<weights = 8, activations = 8, method = uniform, pinned>} {
  return
}

// A search's sensitivity prints before the pin.
// CHECK-LABEL: func @bitwidth_sensitivity()
// ATTR: {a = #qc.bitwidth<weights = 4, method = hawq, sensitivity = 0.0125>, b = #qc.bitwidth<weights = 8, method = hawq, sensitivity = 0.0, pinned>}
func.func @bitwidth_sensitivity() attributes {
    a = #qc.bitwidth<weights = 4, method = hawq, sensitivity = 0.0125>,
    b = #qc.bitwidth<weights = 8, method = hawq, sensitivity = 0.0, pinned>} {
  return
}

// A search's budget, on the function.
// CHECK-LABEL: func @bitwidth_budget()
// ATTR: {a = #qc.bitwidth_budget<size, limit = 1.5, used = 1.375>, b = #qc.bitwidth_budget<avg_bits, limit = 5.0, used = 5.0>}
func.func @bitwidth_budget() attributes {
    a = #qc.bitwidth_budget<size, limit = 1.5, used = 1.375>,
    b = #qc.bitwidth_budget<avg_bits, limit = 5.0, used = 5.0>} {
  return
}

// The bounds of both widths: 1 and 16.
// CHECK-LABEL: func @bitwidth_bounds()
// ATTR: {a = #qc.bitwidth<weights = 1, activations = 16, method = mixquant>, b = #qc.bitwidth<weights = 16, activations = 1, method = manual>}
func.func @bitwidth_bounds() attributes {
    a = #qc.bitwidth<weights = 1, activations = 16, method = mixquant>,
    b = #qc.bitwidth<weights = 16, activations = 1, method = manual>} {
  return
}

//===----------------------------------------------------------------------===//
// Rounding enums and nesting
//===----------------------------------------------------------------------===//

// Every requant and float rounding, as standalone attributes.
// CHECK-LABEL: func @rounding_enums()
// ATTR: {a = #qc<requant_rounding gemmlowp>, b = #qc<requant_rounding single_round>, c = #qc<requant_rounding double_round>, d = #qc<requant_rounding inexact_round>, e = #qc<requant_rounding half_to_even>, f = #qc<float_rounding half_to_even>, g = #qc<float_rounding half_away_from_zero>}
func.func @rounding_enums() attributes {
    a = #qc<requant_rounding gemmlowp>, b = #qc<requant_rounding single_round>,
    c = #qc<requant_rounding double_round>,
    d = #qc<requant_rounding inexact_round>,
    e = #qc<requant_rounding half_to_even>,
    f = #qc<float_rounding half_to_even>,
    g = #qc<float_rounding half_away_from_zero>} {
  return
}

// qc attributes nest in arrays and dictionaries like any other attribute.
// CHECK-LABEL: func @nested()
// ATTR: {attr = [#qc.scheme<i8, symmetric>, {d = #qc.dyadic<3 * 2**-2>, s = #qc.stats<min = 0.0, max = 1.0>}]}
func.func @nested() attributes {
    attr = [#qc.scheme<i8, symmetric>,
            {s = #qc.stats<min = 0.0, max = 1.0>, d = #qc.dyadic<3 * 2**-2>}]} {
  return
}

//===----------------------------------------------------------------------===//
// #qc.smoothing
//===----------------------------------------------------------------------===//

// Each method with its parameter; shifts and folded are optional.
// CHECK-LABEL: func @smoothing_methods()
// ATTR: {a = #qc.smoothing<smoothquant, alpha = 0.5, scales = [2.0, 0.5], folded>, b = #qc.smoothing<os_plus, threshold = 4.0, scales = [1.0, 1.5], shifts = [0.0, -0.25], folded>, c = #qc.smoothing<manual, scales = [2.0, 1.0], shifts = [1.0, 0.0]>, d = #qc.smoothing<manual, scales = [3.0]>}
func.func @smoothing_methods() attributes {
    a = #qc.smoothing<smoothquant, alpha = 0.5, scales = [2.0, 0.5], folded>,
    b = #qc.smoothing<os_plus, threshold = 4.0, scales = [1.0, 1.5], shifts = [0.0, -0.25], folded>,
    c = #qc.smoothing<manual, scales = [2.0, 1.0], shifts = [1.0, 0.0]>,
    d = #qc.smoothing<manual, scales = [3.0]>} {
  return
}

//===----------------------------------------------------------------------===//
// #qc.outlier_split
//===----------------------------------------------------------------------===//

// Both targets; a channel may repeat.
// CHECK-LABEL: func @outlier_split_targets()
// ATTR: {a = #qc.outlier_split<weights, channels = [3, 3, 11]>, b = #qc.outlier_split<activations, channels = [0]>}
func.func @outlier_split_targets() attributes {
    a = #qc.outlier_split<weights, channels = [3, 3, 11]>,
    b = #qc.outlier_split<activations, channels = [0]>} {
  return
}

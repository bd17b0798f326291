// Parser and verifier errors of the qc attributes.
//
// RUN: quant-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// #qc.scheme: storage type
//===----------------------------------------------------------------------===//

// A 0-bit signed storage type is below the range.
// expected-error@+1 {{expected a storage bit width in [1, 16], got 0}}
func.func private @scheme_i0() attributes {attr = #qc.scheme<i0, symmetric>}

// -----

// 17 bits is above the range.
// expected-error@+1 {{expected a storage bit width in [1, 16], got 17}}
func.func private @scheme_i17() attributes {attr = #qc.scheme<i17, symmetric>}

// -----

// The unsigned spelling is range-checked the same way.
// expected-error@+1 {{expected a storage bit width in [1, 16], got 0}}
func.func private @scheme_u0() attributes {attr = #qc.scheme<u0, affine>}

// -----

// expected-error@+1 {{expected a storage bit width in [1, 16], got 32}}
func.func private @scheme_u32() attributes {attr = #qc.scheme<u32, affine>}

// -----

// 'u' without a width.
// expected-error@+1 {{expected storage type iN or uN}}
func.func private @scheme_u() attributes {attr = #qc.scheme<u, affine>}

// -----

// Trailing characters after the width of uN.
// expected-error@+1 {{expected storage type iN or uN}}
func.func private @scheme_u8x() attributes {attr = #qc.scheme<u8x, affine>}

// -----

// A width that does not fit an unsigned.
// expected-error@+1 {{expected storage type iN or uN}}
func.func private @scheme_u_huge() attributes {attr = #qc.scheme<u99999999999, affine>}

// -----

// Builtin signed (siN) and unsigned (uiN) integer types are not storage
// spellings.
// expected-error@+1 {{expected storage type iN or uN}}
func.func private @scheme_si8() attributes {attr = #qc.scheme<si8, affine>}

// -----

// expected-error@+1 {{expected storage type iN or uN}}
func.func private @scheme_ui8() attributes {attr = #qc.scheme<ui8, affine>}

// -----

// Non-integer types.
// expected-error@+1 {{expected storage type iN or uN}}
func.func private @scheme_f32() attributes {attr = #qc.scheme<f32, symmetric>}

// -----

// expected-error@+1 {{expected storage type iN or uN}}
func.func private @scheme_index() attributes {attr = #qc.scheme<index, symmetric>}

// -----

// A bare number is neither a type nor a keyword.
// expected-error@+2 {{expected valid keyword}}
// expected-error@+1 {{expected storage type iN or uN}}
func.func private @scheme_number() attributes {attr = #qc.scheme<8, symmetric>}

// -----

//===----------------------------------------------------------------------===//
// #qc.scheme: the rest of the syntax
//===----------------------------------------------------------------------===//

// The mode is required.
// expected-error@+1 {{expected ','}}
func.func private @scheme_no_mode() attributes {attr = #qc.scheme<i8>}

// -----

// expected-error@+1 {{expected 'symmetric' or 'affine'}}
func.func private @scheme_bad_mode() attributes {attr = #qc.scheme<i8, asymmetric>}

// -----

// Only 'narrow' or a granularity may follow the mode.
// expected-error@+1 {{expected 'narrow'}}
func.func private @scheme_bad_flag() attributes {attr = #qc.scheme<i8, symmetric, wide>}

// -----

// The granularity comes last.
// expected-error@+1 {{expected '>'}}
func.func private @scheme_narrow_after_axis() attributes {attr = #qc.scheme<i8, symmetric, per_axis = 0, narrow>}

// -----

// expected-error@+1 {{expected '='}}
func.func private @scheme_per_axis_no_equal() attributes {attr = #qc.scheme<i8, symmetric, per_axis 0>}

// -----

// per_group needs 'axis : size'.
// expected-error@+1 {{expected ':'}}
func.func private @scheme_per_group_no_size() attributes {attr = #qc.scheme<i8, symmetric, per_group = 1>}

// -----

// expected-error@+1 {{expected integer value}}
func.func private @scheme_per_group_empty_size() attributes {attr = #qc.scheme<i8, symmetric, per_group = 1 : >}

// -----

//===----------------------------------------------------------------------===//
// #qc.scheme: verifier
//===----------------------------------------------------------------------===//

// A narrow range of 1 bit would be empty (signed: [0, 0]) or a single value.
// expected-error@+1 {{a narrow range needs at least 2 bits}}
func.func private @scheme_narrow_i1() attributes {attr = #qc.scheme<i1, symmetric, narrow>}

// -----

// expected-error@+1 {{a narrow range needs at least 2 bits}}
func.func private @scheme_narrow_u1() attributes {attr = #qc.scheme<u1, affine, narrow>}

// -----

// expected-error@+1 {{expected a non-negative axis, got -1}}
func.func private @scheme_negative_axis() attributes {attr = #qc.scheme<i8, symmetric, per_axis = -1>}

// -----

// expected-error@+1 {{expected a non-negative axis, got -2}}
func.func private @scheme_negative_group_axis() attributes {attr = #qc.scheme<i8, symmetric, per_group = -2 : 4>}

// -----

// expected-error@+1 {{expected a positive group size, got 0}}
func.func private @scheme_zero_group() attributes {attr = #qc.scheme<i4, symmetric, per_group = 0 : 0>}

// -----

// expected-error@+1 {{expected a positive group size, got -4}}
func.func private @scheme_negative_group() attributes {attr = #qc.scheme<i4, symmetric, per_group = 0 : -4>}

// -----

//===----------------------------------------------------------------------===//
// #qc.dyadic: parser
//===----------------------------------------------------------------------===//

// The base must be 2.
// expected-error@+1 {{expected 'm * 2**-s'}}
func.func private @dyadic_base() attributes {attr = #qc.dyadic<3 * 4**-2>}

// -----

// A positive exponent (a left shift) is not a dyadic multiplier.
// expected-error@+1 {{expected an exponent in [-62, 0], got 2}}
func.func private @dyadic_positive_exponent() attributes {attr = #qc.dyadic<3 * 2**2>}

// -----

// An exponent below INT32_MIN is rejected by the parser.
// expected-error@+1 {{expected an exponent in [-62, 0], got -2147483649}}
func.func private @dyadic_exponent_below_int32() attributes {attr = #qc.dyadic<3 * 2**-2147483649>}

// -----

// The multiplier is an int32.
// expected-error@+1 {{integer value too large}}
func.func private @dyadic_multiplier_too_large() attributes {attr = #qc.dyadic<2147483648 * 2**-31>}

// -----

// expected-error@+1 {{expected '*'}}
func.func private @dyadic_caret() attributes {attr = #qc.dyadic<1 * 2^-1>}

// -----

// expected-error@+1 {{expected '*'}}
func.func private @dyadic_no_exponent() attributes {attr = #qc.dyadic<1 * 2>}

// -----

// Per tensor is a single entry, without brackets.
// expected-error@+1 {{expected integer value}}
func.func private @dyadic_brackets_without_axis() attributes {attr = #qc.dyadic<[1 * 2**-1]>}

// -----

// expected-error@+1 {{expected '>'}}
func.func private @dyadic_two_entries_per_tensor() attributes {attr = #qc.dyadic<1 * 2**-1, 2 * 2**-1>}

// -----

// A granularity is followed by ',' and a bracketed list.
// expected-error@+1 {{expected ','}}
func.func private @dyadic_per_axis_no_comma() attributes {attr = #qc.dyadic<per_axis = 0 [1 * 2**-1]>}

// -----

// expected-error@+1 {{expected '['}}
func.func private @dyadic_per_axis_no_list() attributes {attr = #qc.dyadic<per_axis = 0, 1 * 2**-1>}

// -----

//===----------------------------------------------------------------------===//
// #qc.dyadic: verifier
//===----------------------------------------------------------------------===//

// expected-error@+1 {{expected a non-negative multiplier, got -3}}
func.func private @dyadic_negative_multiplier() attributes {attr = #qc.dyadic<-3 * 2**-2>}

// -----

// The shift bound is 62 (TOSA's).
// expected-error@+1 {{expected an exponent in [-62, 0], got -63}}
func.func private @dyadic_shift_63() attributes {attr = #qc.dyadic<3 * 2**-63>}

// -----

// Each entry of a list is checked.
// expected-error@+1 {{expected a non-negative multiplier, got -1}}
func.func private @dyadic_negative_entry() attributes {attr = #qc.dyadic<per_axis = 0, [1 * 2**-1, -1 * 2**-1]>}

// -----

// expected-error@+1 {{expected an exponent in [-62, 0], got -70}}
func.func private @dyadic_shift_entry() attributes {attr = #qc.dyadic<per_group = 0 : 2, [1 * 2**-1, 1 * 2**-70]>}

// -----

// An empty list.
// expected-error@+1 {{expected as many shifts as multipliers, and at least one of each}}
func.func private @dyadic_empty() attributes {attr = #qc.dyadic<per_axis = 0, []>}

// -----

// expected-error@+1 {{expected a non-negative axis, got -1}}
func.func private @dyadic_negative_axis() attributes {attr = #qc.dyadic<per_axis = -1, [1 * 2**-1]>}

// -----

// expected-error@+1 {{expected a positive group size, got 0}}
func.func private @dyadic_zero_group() attributes {attr = #qc.dyadic<per_group = 0 : 0, [1 * 2**-1]>}

// -----

//===----------------------------------------------------------------------===//
// #qc.stats: parser
//===----------------------------------------------------------------------===//

// Floats need a '.' (MLIR float literal syntax).
// expected-error@+2 {{unexpected decimal integer literal for a floating point value}}
// expected-note@+1 {{add a trailing dot to make the literal a float}}
func.func private @stats_integer_literal() attributes {attr = #qc.stats<min = 1, max = 2.0>}

// -----

// There is no keyword for infinity.
// expected-error@+1 {{expected floating point literal}}
func.func private @stats_inf_keyword() attributes {attr = #qc.stats<min = -inf, max = 1.0>}

// -----

// max is required.
// expected-error@+1 {{expected ','}}
func.func private @stats_no_max() attributes {attr = #qc.stats<min = 1.0>}

// -----

// min comes first.
// expected-error@+1 {{expected 'min'}}
func.func private @stats_max_first() attributes {attr = #qc.stats<max = 1.0, min = 0.0>}

// -----

// expected-error@+1 {{expected 'axis'}}
func.func private @stats_channels_dim() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(dim = 0) = [0.0 : 1.0]>}

// -----

// Per-channel statistics are 'min : max' pairs.
// expected-error@+1 {{expected ':'}}
func.func private @stats_channels_no_colon() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0.0, 1.0]>}

// -----

// The old per-channel absmax clause is gone.
// expected-error@+1 {{expected 'percentiles'}}
func.func private @stats_absmax_clause() attributes {attr = #qc.stats<min = 0.0, max = 1.0, absmax(axis = 0) = [1.0]>}

// -----

// Percentiles are 'rank : value' pairs.
// expected-error@+1 {{expected ':'}}
func.func private @stats_percentile_no_colon() attributes {attr = #qc.stats<min = 0.0, max = 1.0, percentiles = [50.0, 1.0]>}

// -----

// Unknown clause.
// expected-error@+1 {{expected 'percentiles'}}
func.func private @stats_unknown_clause() attributes {attr = #qc.stats<min = 0.0, max = 1.0, histogram = [1.0]>}

// -----

// expected-error@+1 {{expected 'percentiles'}}
func.func private @stats_trailing_comma() attributes {attr = #qc.stats<min = 0.0, max = 1.0,>}

// -----

//===----------------------------------------------------------------------===//
// #qc.stats: verifier. Doubles in these messages are printed by raw_ostream
// (%e style).
//===----------------------------------------------------------------------===//

// expected-error@+1 {{expected finite min <= max, got min = 2.000000e+00, max = 1.000000e+00}}
func.func private @stats_min_above_max() attributes {attr = #qc.stats<min = 2.0, max = 1.0>}

// -----

// +inf (0x7FF0000000000000) as min.
// expected-error@+1 {{expected finite min <= max, got min = INF, max = 1.000000e+00}}
func.func private @stats_inf_min() attributes {attr = #qc.stats<min = 0x7FF0000000000000, max = 1.0>}

// -----

// -inf (0xFFF0000000000000) as min: ordered, but not finite.
// expected-error@+1 {{expected finite min <= max, got min = -INF, max = 1.000000e+00}}
func.func private @stats_neg_inf_min() attributes {attr = #qc.stats<min = 0xFFF0000000000000, max = 1.0>}

// -----

// NaN (0x7FF8000000000000) as max.
// expected-error@+1 {{expected finite min <= max, got min = 0.000000e+00, max = nan}}
func.func private @stats_nan_max() attributes {attr = #qc.stats<min = 0.0, max = 0x7FF8000000000000>}

// -----

// The parser reads a channels clause without its axis so that the verifier
// can say what is missing. (As many mins as maxes is what the pair syntax
// writes; unequal counts are tested from C++, AttrVerifierTest, and through
// a statistics file, test/Transforms/qc-calibrate.mlir.)
// expected-error@+1 {{per-channel min and max need a channel axis}}
func.func private @stats_channels_no_axis() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels = [0.0 : 1.0]>}

// -----

// expected-error@+1 {{expected a non-negative channel axis, got -1}}
func.func private @stats_negative_axis() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = -1) = [0.0 : 1.0]>}

// -----

// lo > hi; the message names the channel.
// expected-error@+1 {{expected finite per-channel min <= max, got 1.000000e+00 : -5.000000e-01 in channel 1}}
func.func private @stats_channel_min_above_max() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [-1.0 : 1.0, 1.0 : -0.5]>}

// -----

// expected-error@+1 {{expected finite per-channel min <= max, got -1.000000e+00 : INF in channel 0}}
func.func private @stats_inf_channel() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [-1.0 : 0x7FF0000000000000]>}

// -----

// expected-error@+1 {{expected finite per-channel min <= max, got -INF : 1.000000e+00 in channel 0}}
func.func private @stats_neg_inf_channel() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0xFFF0000000000000 : 1.0]>}

// -----

// expected-error@+1 {{expected finite per-channel min <= max, got nan : 1.000000e+00 in channel 1}}
func.func private @stats_nan_channel() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0.0 : 0.0, 0x7FF8000000000000 : 1.0]>}

// -----

// Rank 0 is outside (0, 100].
// expected-error@+1 {{expected ascending percentile ranks in (0, 1.000000e+02], got 0.000000e+00}}
func.func private @stats_rank_zero() attributes {attr = #qc.stats<min = 0.0, max = 1.0, percentiles = [0.0 : 1.0]>}

// -----

// expected-error@+1 {{expected ascending percentile ranks in (0, 1.000000e+02], got 1.005000e+02}}
func.func private @stats_rank_above_100() attributes {attr = #qc.stats<min = 0.0, max = 1.0, percentiles = [100.5 : 1.0]>}

// -----

// expected-error@+1 {{expected ascending percentile ranks in (0, 1.000000e+02], got nan}}
func.func private @stats_rank_nan() attributes {attr = #qc.stats<min = 0.0, max = 1.0, percentiles = [0x7FF8000000000000 : 1.0]>}

// -----

// Descending ranks; the message names the offending (second) rank.
// expected-error@+1 {{expected ascending percentile ranks in (0, 1.000000e+02], got 9.000000e+01}}
func.func private @stats_ranks_descending() attributes {attr = #qc.stats<min = 0.0, max = 1.0, percentiles = [99.0 : 1.0, 90.0 : 2.0]>}

// -----

// Equal ranks are not ascending.
// expected-error@+1 {{expected ascending percentile ranks in (0, 1.000000e+02], got 9.900000e+01}}
func.func private @stats_ranks_equal() attributes {attr = #qc.stats<min = 0.0, max = 1.0, percentiles = [99.0 : 1.0, 99.0 : 2.0]>}

// -----

// expected-error@+1 {{expected non-negative, non-decreasing percentile values, got -1.000000e+00 at rank 9.900000e+01}}
func.func private @stats_negative_percentile() attributes {attr = #qc.stats<min = 0.0, max = 1.0, percentiles = [99.0 : -1.0]>}

// -----

// expected-error@+1 {{expected non-negative, non-decreasing percentile values, got 1.500000e+00 at rank 9.900000e+01}}
func.func private @stats_percentiles_decreasing() attributes {attr = #qc.stats<min = 0.0, max = 1.0, percentiles = [90.0 : 2.0, 99.0 : 1.5]>}

// -----

// expected-error@+1 {{expected non-negative, non-decreasing percentile values, got INF at rank 9.000000e+01}}
func.func private @stats_percentile_inf() attributes {attr = #qc.stats<min = 0.0, max = 1.0, percentiles = [90.0 : 0x7FF0000000000000]>}

// -----

//===----------------------------------------------------------------------===//
// #qc.bitwidth
//===----------------------------------------------------------------------===//

// expected-error@+1 {{expected weight bits in [1, 16], got 0}}
func.func private @bitwidth_weights_zero() attributes {attr = #qc.bitwidth<weights = 0, method = manual>}

// -----

// expected-error@+1 {{expected weight bits in [1, 16], got 17}}
func.func private @bitwidth_weights_17() attributes {attr = #qc.bitwidth<weights = 17, method = manual>}

// -----

// expected-error@+1 {{expected activation bits in [1, 16], got 0}}
func.func private @bitwidth_activations_zero() attributes {attr = #qc.bitwidth<weights = 8, activations = 0, method = manual>}

// -----

// expected-error@+1 {{expected activation bits in [1, 16], got 17}}
func.func private @bitwidth_activations_17() attributes {attr = #qc.bitwidth<weights = 8, activations = 17, method = uniform>}

// -----

// expected-error@+1 {{expected a bit count, got 4294967297}}
func.func private @bitwidth_weights_huge() attributes {attr = #qc.bitwidth<weights = 4294967297, method = uniform>}

// -----

// expected-error@+1 {{expected a bit-width method (manual, uniform, mixquant or hawq), got 'foo'}}
func.func private @bitwidth_bad_method() attributes {attr = #qc.bitwidth<weights = 8, method = foo>}

// -----

// expected-error@+1 {{expected valid keyword}}
func.func private @bitwidth_numeric_method() attributes {attr = #qc.bitwidth<weights = 8, method = 3>}

// -----

// The method is required.
// expected-error@+1 {{expected ','}}
func.func private @bitwidth_no_method() attributes {attr = #qc.bitwidth<weights = 8>}

// -----

// weights comes first.
// expected-error@+1 {{expected 'weights'}}
func.func private @bitwidth_activations_first() attributes {attr = #qc.bitwidth<activations = 8, weights = 8, method = hawq>}

// -----

// Only a sensitivity and 'pinned' may follow the method.
// expected-error@+1 {{expected 'pinned'}}
func.func private @bitwidth_bad_flag() attributes {attr = #qc.bitwidth<weights = 8, method = hawq, fixed>}

// -----

// expected-error@+1 {{expected '>'}}
func.func private @bitwidth_pinned_twice() attributes {attr = #qc.bitwidth<weights = 8, method = hawq, pinned, pinned>}

// -----

//===----------------------------------------------------------------------===//
// Rounding enums
//===----------------------------------------------------------------------===//

// expected-error@+2 {{expected ::mlir::qc::RequantRounding to be one of: gemmlowp, single_round, double_round, inexact_round, half_to_even}}
// expected-error@+1 {{failed to parse QC_RequantRoundingAttr parameter 'value' which is to be a `::mlir::qc::RequantRounding`}}
func.func private @requant_rounding_unknown() attributes {attr = #qc<requant_rounding nearest>}

// -----

// expected-error@+2 {{expected ::mlir::qc::FloatRounding to be one of: half_to_even, half_away_from_zero}}
// expected-error@+1 {{failed to parse QC_FloatRoundingAttr parameter 'value' which is to be a `::mlir::qc::FloatRounding`}}
func.func private @float_rounding_unknown() attributes {attr = #qc<float_rounding gemmlowp>}

// -----

// expected-error@+1 {{'narrow' given twice}}
func.func private @scheme_narrow_twice() attributes {attr = #qc.scheme<i8, symmetric, narrow, narrow>}

// -----

// expected-error@+1 {{'channels' given twice}}
func.func private @stats_channels_twice() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0.0 : 1.0], channels(axis = 0) = [0.0 : 0.5]>}

// -----

// expected-error@+1 {{'means' given twice}}
func.func private @stats_means_twice() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0.0 : 1.0], means = [0.5], means = [0.5]>}

// -----

// expected-error@+1 {{channel means need per-channel statistics}}
func.func private @stats_means_without_channels() attributes {attr = #qc.stats<min = 0.0, max = 1.0, means = [0.5]>}

// -----

// expected-error@+1 {{expected one mean per channel, got 2 for 1 channels}}
func.func private @stats_means_count() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0.0 : 1.0], means = [0.5, 0.5]>}

// -----

// expected-error@+1 {{expected the mean of channel 0 within its range}}
func.func private @stats_mean_outside() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0.0 : 1.0], means = [1.5]>}

// -----

// expected-error@+1 {{'mean_square' given twice}}
func.func private @stats_mean_square_twice() attributes {attr = #qc.stats<min = 0.0, max = 1.0, mean_square = 0.5, mean_square = 0.5>}

// -----

// expected-error@+1 {{expected a finite, non-negative mean square, got -5.000000e-01}}
func.func private @stats_mean_square_negative() attributes {attr = #qc.stats<min = 0.0, max = 1.0, mean_square = -0.5>}

// -----

// expected-error@+1 {{'percentiles' given twice}}
func.func private @stats_percentiles_twice() attributes {attr = #qc.stats<min = 0.0, max = 1.0, percentiles = [50.0 : 0.5], percentiles = [90.0 : 0.9]>}

// -----

// expected-error@+1 {{expected at least one channel}}
func.func private @stats_channels_empty() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = []>}

// -----

// expected-error@+1 {{expected at least one percentile}}
func.func private @stats_percentiles_empty() attributes {attr = #qc.stats<min = 0.0, max = 1.0, percentiles = []>}

// -----

// expected-error@+1 {{expected a bit count, got -1}}
func.func private @bitwidth_weights_negative() attributes {attr = #qc.bitwidth<weights = -1, method = hawq>}

// -----

//===----------------------------------------------------------------------===//
// #qc.smoothing
//===----------------------------------------------------------------------===//

// expected-error@+1 {{expected a smoothing method (manual, smoothquant or os_plus), got 'awq'}}
func.func private @smoothing_bad_method() attributes {attr = #qc.smoothing<awq, scales = [1.0]>}

// -----

// expected-error@+1 {{'alpha' belongs to the smoothquant method}}
func.func private @smoothing_alpha_os_plus() attributes {attr = #qc.smoothing<os_plus, alpha = 0.5, scales = [1.0]>}

// -----

// expected-error@+1 {{'threshold' belongs to the os_plus method}}
func.func private @smoothing_threshold_manual() attributes {attr = #qc.smoothing<manual, threshold = 1.0, scales = [1.0]>}

// -----

// expected-error@+1 {{expected alpha in [0, 1], got 1.5}}
func.func private @smoothing_alpha_range() attributes {attr = #qc.smoothing<smoothquant, alpha = 1.5, scales = [1.0]>}

// -----

// expected-error@+1 {{expected a finite threshold > 0, got 0}}
func.func private @smoothing_threshold_zero() attributes {attr = #qc.smoothing<os_plus, threshold = 0.0, scales = [1.0]>}

// -----

// expected-error@+1 {{expected at least one scale}}
func.func private @smoothing_no_scales() attributes {attr = #qc.smoothing<manual, scales = []>}

// -----

// expected-error@+1 {{expected finite scales > 0, got -2.000000e+00 in channel 1}}
func.func private @smoothing_negative_scale() attributes {attr = #qc.smoothing<manual, scales = [1.0, -2.0]>}

// -----

// expected-error@+1 {{expected one shift per scale, got 1 shifts for 2 scales}}
func.func private @smoothing_shift_count() attributes {attr = #qc.smoothing<manual, scales = [1.0, 2.0], shifts = [0.5]>}

// -----

// expected-error@+1 {{expected finite shifts, got INF in channel 0}}
func.func private @smoothing_infinite_shift() attributes {attr = #qc.smoothing<manual, scales = [1.0], shifts = [0x7FF0000000000000]>}

// -----

// expected-error@+1 {{expected 'scales'}}
func.func private @smoothing_scales_missing() attributes {attr = #qc.smoothing<manual, shifts = [1.0]>}

// -----

//===----------------------------------------------------------------------===//
// #qc.outlier_split
//===----------------------------------------------------------------------===//

// expected-error@+2 {{expected integer value}}
// expected-error@+1 {{failed to parse QC_OutlierSplitAttr parameter 'channels'}}
func.func private @outlier_split_no_channels() attributes {attr = #qc.outlier_split<weights, channels = []>}

// -----

// expected-error@+1 {{expected channel numbers >= 0, got -1}}
func.func private @outlier_split_negative_channel() attributes {attr = #qc.outlier_split<activations, channels = [2, -1]>}

// -----

// expected-error@+2 {{expected ::mlir::qc::SplitTarget to be one of: weights, activations}}
// expected-error@+1 {{failed to parse QC_OutlierSplitAttr parameter 'target'}}
func.func private @outlier_split_bad_target() attributes {attr = #qc.outlier_split<inputs, channels = [0]>}

// -----

// expected-error@+1 {{sampled rows need per-channel statistics}}
func.func private @stats_rows_without_channels() attributes {attr = #qc.stats<min = 0.0, max = 1.0, rows = dense<0.5> : tensor<1x1xf32>>}

// -----

// expected-error@+1 {{expected sampled rows of type tensor<Rx2xf32> (R >= 1, one column per channel), got 'tensor<1x3xf32>'}}
func.func private @stats_rows_wrong_channels() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0.0 : 1.0, 0.0 : 1.0], rows = dense<0.5> : tensor<1x3xf32>>}

// -----

// expected-error@+1 {{expected sampled rows of type tensor<Rx1xf32> (R >= 1, one column per channel), got 'tensor<2x1xf64>'}}
func.func private @stats_rows_f64() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0.0 : 1.0], rows = dense<0.5> : tensor<2x1xf64>>}

// -----

// expected-error@+1 {{expected finite sampled rows}}
func.func private @stats_rows_nan() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0.0 : 1.0], rows = dense<0x7FC00000> : tensor<2x1xf32>>}

// -----

// expected-error@+1 {{'rows' given twice}}
func.func private @stats_rows_twice() attributes {attr = #qc.stats<min = 0.0, max = 1.0, channels(axis = 0) = [0.0 : 1.0], rows = dense<0.5> : tensor<1x1xf32>, rows = dense<0.5> : tensor<1x1xf32>>}

// -----

// expected-error@+1 {{expected a finite, non-negative sensitivity, got -1.000000e+00}}
func.func private @bitwidth_negative_sensitivity() attributes {attr = #qc.bitwidth<weights = 4, method = hawq, sensitivity = -1.0>}

// -----

// The pin comes last.
// expected-error@+1 {{expected '>'}}
func.func private @bitwidth_pinned_first() attributes {attr = #qc.bitwidth<weights = 4, method = hawq, pinned, sensitivity = 1.0>}

// -----

//===----------------------------------------------------------------------===//
// #qc.bitwidth_budget
//===----------------------------------------------------------------------===//

// expected-error@+1 {{expected a budget kind (size, bops, avg_bits or latency), got 'energy'}}
func.func private @budget_bad_kind() attributes {attr = #qc.bitwidth_budget<energy, limit = 1.0, used = 0.5>}

// -----

// expected-error@+1 {{expected a finite, non-negative limit and use, got limit = -1.000000e+00, used = 0.000000e+00}}
func.func private @budget_negative() attributes {attr = #qc.bitwidth_budget<size, limit = -1.0, used = 0.0>}

// -----

// expected-error@+1 {{'func.func' op 'qc.bitwidth_budget' expects a #qc.bitwidth_budget attribute, got 1.000000e+00 : f64}}
func.func private @budget_wrong_attr() attributes {qc.bitwidth_budget = 1.0}

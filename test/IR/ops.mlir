// Round trip of the qc ops and of the discardable qc attributes.
//
// RUN: quant-opt %s | FileCheck %s
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

//===----------------------------------------------------------------------===//
// qc.quantize
//===----------------------------------------------------------------------===//

// Per tensor, default rounding (half_to_even, not printed).
// CHECK-LABEL: func @quantize_per_tensor(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4xf32>
// CHECK: [[Q:%.+]] = qc.quantize [[X]] : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>{{$}}
// CHECK: return [[Q]]
func.func @quantize_per_tensor(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>> {
  %q = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
}

// The default rounding written out is elided when printed.
// CHECK-LABEL: func @quantize_explicit_default_rounding(
// CHECK: qc.quantize %{{[^ ]+}} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>{{$}}
func.func @quantize_explicit_default_rounding(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  %q = qc.quantize %x rounding half_to_even : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// Per axis with the other rounding.
// CHECK-LABEL: func @quantize_per_axis_half_away(
// CHECK-SAME: [[X:%[^:]+]]: tensor<2x3xf32>
// CHECK: qc.quantize [[X]] rounding half_away_from_zero : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>
func.func @quantize_per_axis_half_away(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>> {
  %q = qc.quantize %x rounding half_away_from_zero : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return %q : tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
}

// Per axis along the last dimension, unsigned storage with zero points, and a
// dynamic leading dimension.
// CHECK-LABEL: func @quantize_per_axis_dynamic(
// CHECK: qc.quantize %{{[^ ]+}} : tensor<?x3xf32> -> tensor<?x3x!quant.uniform<u8:f32:1, {5.000000e-01:128,2.500000e-01:127,1.000000e+00}>>
func.func @quantize_per_axis_dynamic(%x: tensor<?x3xf32>) -> tensor<?x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:127, 1.0}>> {
  %q = qc.quantize %x : tensor<?x3xf32> -> tensor<?x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:127, 1.0}>>
  return %q : tensor<?x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:127, 1.0}>>
}

// Sub-channel (blocks of 2 along dimension 1; dimension 0 is one block).
// CHECK-LABEL: func @quantize_sub_channel(
// CHECK: qc.quantize %{{[^ ]+}} : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{\{\{}}5.000000e-01:1, 2.500000e-01:2}}>>
func.func @quantize_sub_channel(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>> {
  %q = qc.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>>
  return %q : tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>>
}

// Sub-channel blocked along two dimensions, with the other rounding.
// CHECK-LABEL: func @quantize_sub_channel_2d(
// CHECK: qc.quantize %{{[^ ]+}} rounding half_away_from_zero : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{\{\{}}5.000000e-01:1, 2.500000e-01:2}, {1.000000e+00:3, 2.000000e+00:4}}>>
func.func @quantize_sub_channel_2d(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{0.5:1, 0.25:2}, {1.0:3, 2.0:4}}>> {
  %q = qc.quantize %x rounding half_away_from_zero : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{0.5:1, 0.25:2}, {1.0:3, 2.0:4}}>>
  return %q : tensor<2x4x!quant.uniform<i8:f32:{0:1, 1:2}, {{0.5:1, 0.25:2}, {1.0:3, 2.0:4}}>>
}

// Other expressed types and storage ranges: f16 with narrow i8, bf16 with i4.
// CHECK-LABEL: func @quantize_other_types(
// CHECK: qc.quantize %{{[^ ]+}} : tensor<4xf16> -> tensor<4x!quant.uniform<i8<-127:127>:f16, 2.500000e-01>>
// CHECK: qc.quantize %{{[^ ]+}} : tensor<4xbf16> -> tensor<4x!quant.uniform<i4:bf16, 1.000000e+00:-2>>
func.func @quantize_other_types(%x: tensor<4xf16>, %y: tensor<4xbf16>) {
  %0 = qc.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8<-127:127>:f16, 0.25>>
  %1 = qc.quantize %y : tensor<4xbf16> -> tensor<4x!quant.uniform<i4:bf16, 1.0:-2>>
  return
}

//===----------------------------------------------------------------------===//
// qc.dequantize
//===----------------------------------------------------------------------===//

// Per tensor, per axis and sub-channel.
// CHECK-LABEL: func @dequantize(
// CHECK-SAME: [[A:%[^:]+]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-SAME: [[B:%[^:]+]]: tensor<2x3x!quant.uniform<u8:f32:1, {5.000000e-01:128,2.500000e-01:127,1.000000e+00}>>
// CHECK-SAME: [[C:%[^:]+]]: tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{\{\{}}5.000000e-01:1, 2.500000e-01:2}}>>
// CHECK: [[DA:%.+]] = qc.dequantize [[A]] : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>> -> tensor<4xf32>
// CHECK: [[DB:%.+]] = qc.dequantize [[B]] : tensor<2x3x!quant.uniform<u8:f32:1, {5.000000e-01:128,2.500000e-01:127,1.000000e+00}>> -> tensor<2x3xf32>
// CHECK: [[DC:%.+]] = qc.dequantize [[C]] : tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{\{\{}}5.000000e-01:1, 2.500000e-01:2}}>> -> tensor<2x4xf32>
// CHECK: return [[DA]], [[DB]], [[DC]]
func.func @dequantize(%a: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>,
                      %b: tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:127, 1.0}>>,
                      %c: tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>>)
    -> (tensor<4xf32>, tensor<2x3xf32>, tensor<2x4xf32>) {
  %0 = qc.dequantize %a : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  %1 = qc.dequantize %b : tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:127, 1.0}>> -> tensor<2x3xf32>
  %2 = qc.dequantize %c : tensor<2x4x!quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>> -> tensor<2x4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<2x3xf32>, tensor<2x4xf32>
}

// A quantize/dequantize pair of different types is kept as written (no
// canonicalization without --canonicalize).
// CHECK-LABEL: func @quantize_dequantize_chain(
// CHECK: [[Q:%.+]] = qc.quantize
// CHECK: [[D:%.+]] = qc.dequantize [[Q]] : tensor<4x!quant.uniform<i8:f16, 1.000000e+00>> -> tensor<4xf16>
// CHECK: return [[D]]
func.func @quantize_dequantize_chain(%x: tensor<4xf16>) -> tensor<4xf16> {
  %q = qc.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f16, 1.0>>
  %d = qc.dequantize %q : tensor<4x!quant.uniform<i8:f16, 1.0>> -> tensor<4xf16>
  return %d : tensor<4xf16>
}

//===----------------------------------------------------------------------===//
// qc.requant
//===----------------------------------------------------------------------===//

// Only the multiplier: every optional clause at its default, none printed.
// CHECK-LABEL: func @requant_defaults(
// CHECK-SAME: [[X:%[^:]+]]: tensor<4x8xi32>
// CHECK: [[R:%.+]] = qc.requant [[X]] by(#qc.dyadic<1518500250 * 2**-37>) : tensor<4x8xi32> -> tensor<4x8xi8>{{$}}
// CHECK: return [[R]]
func.func @requant_defaults(%x: tensor<4x8xi32>) -> tensor<4x8xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1518500250 * 2**-37>) : tensor<4x8xi32> -> tensor<4x8xi8>
  return %0 : tensor<4x8xi8>
}

// Defaults written out explicitly (zero points 0, rounding gemmlowp) are
// elided.
// CHECK-LABEL: func @requant_explicit_defaults(
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1073741824 * 2**-31>) : tensor<4xi16> -> tensor<4xi8>{{$}}
func.func @requant_explicit_defaults(%x: tensor<4xi16>) -> tensor<4xi8> {
  %0 = qc.requant %x by(#qc.dyadic<1073741824 * 2**-31>) input_zp(0) output_zp(0) rounding gemmlowp : tensor<4xi16> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// Each zero point alone, then both (input_zp needs an input of <= 16 bits).
// CHECK-LABEL: func @requant_zero_points(
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1610612736 * 2**-31>) input_zp(-7) : tensor<4xi16> -> tensor<4xi8>{{$}}
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1610612736 * 2**-31>) output_zp(-3) : tensor<4xi32> -> tensor<4xi8>{{$}}
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1610612736 * 2**-31>) input_zp(32767) output_zp(127) : tensor<4xi16> -> tensor<4xi8>{{$}}
func.func @requant_zero_points(%a: tensor<4xi16>, %b: tensor<4xi32>) {
  %0 = qc.requant %a by(#qc.dyadic<1610612736 * 2**-31>) input_zp(-7) : tensor<4xi16> -> tensor<4xi8>
  %1 = qc.requant %b by(#qc.dyadic<1610612736 * 2**-31>) output_zp(-3) : tensor<4xi32> -> tensor<4xi8>
  %2 = qc.requant %a by(#qc.dyadic<1610612736 * 2**-31>) input_zp(32767) output_zp(127) : tensor<4xi16> -> tensor<4xi8>
  return
}

// A clamp (fused ReLU6), and a clamp equal to the full range.
// CHECK-LABEL: func @requant_clamp(
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1073741824 * 2**-36>) clamp [0, 6] : tensor<4xi32> -> tensor<4xi8>{{$}}
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1073741824 * 2**-36>) clamp [-128, 127] : tensor<4xi32> -> tensor<4xi8>{{$}}
func.func @requant_clamp(%x: tensor<4xi32>) {
  %0 = qc.requant %x by(#qc.dyadic<1073741824 * 2**-36>) clamp [0, 6] : tensor<4xi32> -> tensor<4xi8>
  %1 = qc.requant %x by(#qc.dyadic<1073741824 * 2**-36>) clamp [-128, 127] : tensor<4xi32> -> tensor<4xi8>
  return
}

// Every rounding convention; gemmlowp is the default and not printed.
// CHECK-LABEL: func @requant_roundings(
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1342177280 * 2**-31>) : tensor<4xi32> -> tensor<4xi8>{{$}}
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1342177280 * 2**-31>) rounding single_round : tensor<4xi32> -> tensor<4xi8>{{$}}
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1342177280 * 2**-31>) rounding double_round : tensor<4xi32> -> tensor<4xi8>{{$}}
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1342177280 * 2**-31>) rounding inexact_round : tensor<4xi32> -> tensor<4xi8>{{$}}
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1342177280 * 2**-31>) rounding half_to_even : tensor<4xi32> -> tensor<4xi8>{{$}}
func.func @requant_roundings(%x: tensor<4xi32>) {
  %0 = qc.requant %x by(#qc.dyadic<1342177280 * 2**-31>) rounding gemmlowp : tensor<4xi32> -> tensor<4xi8>
  %1 = qc.requant %x by(#qc.dyadic<1342177280 * 2**-31>) rounding single_round : tensor<4xi32> -> tensor<4xi8>
  %2 = qc.requant %x by(#qc.dyadic<1342177280 * 2**-31>) rounding double_round : tensor<4xi32> -> tensor<4xi8>
  %3 = qc.requant %x by(#qc.dyadic<1342177280 * 2**-31>) rounding inexact_round : tensor<4xi32> -> tensor<4xi8>
  %4 = qc.requant %x by(#qc.dyadic<1342177280 * 2**-31>) rounding half_to_even : tensor<4xi32> -> tensor<4xi8>
  return
}

// input_unsigned and output_unsigned are unit attributes in the attr-dict.
// CHECK-LABEL: func @requant_unsigned(
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1073741824 * 2**-31>) {input_unsigned} : tensor<4xi8> -> tensor<4xi8>{{$}}
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1073741824 * 2**-31>) {output_unsigned} : tensor<4xi32> -> tensor<4xi8>{{$}}
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1073741824 * 2**-31>) input_zp(255) output_zp(255) {input_unsigned, output_unsigned} : tensor<4xi8> -> tensor<4xi8>{{$}}
func.func @requant_unsigned(%a: tensor<4xi8>, %b: tensor<4xi32>) {
  %0 = qc.requant %a by(#qc.dyadic<1073741824 * 2**-31>) {input_unsigned} : tensor<4xi8> -> tensor<4xi8>
  %1 = qc.requant %b by(#qc.dyadic<1073741824 * 2**-31>) {output_unsigned} : tensor<4xi32> -> tensor<4xi8>
  %2 = qc.requant %a by(#qc.dyadic<1073741824 * 2**-31>) input_zp(255) output_zp(255) {input_unsigned, output_unsigned} : tensor<4xi8> -> tensor<4xi8>
  return
}

// Every clause at once, in the printed order.
// CHECK-LABEL: func @requant_everything(
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<per_group = 0 : 2, [1073741824 * 2**-31, 1073741824 * 2**-32]>) input_zp(5) output_zp(7) clamp [0, 200] rounding double_round {input_unsigned, output_unsigned} : tensor<4x2xi16> -> tensor<4x2xi8>{{$}}
func.func @requant_everything(%x: tensor<4x2xi16>) -> tensor<4x2xi8> {
  %0 = qc.requant %x by(#qc.dyadic<per_group = 0 : 2, [1073741824 * 2**-31, 1073741824 * 2**-32]>) input_zp(5) output_zp(7) clamp [0, 200] rounding double_round {input_unsigned, output_unsigned} : tensor<4x2xi16> -> tensor<4x2xi8>
  return %0 : tensor<4x2xi8>
}

// Per-axis multipliers (one per column), and per-group ones whose last group
// is partial (ceil(5 / 2) = 3 entries).
// CHECK-LABEL: func @requant_per_axis_and_group(
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<per_axis = 1, [1073741824 * 2**-31, 1073741824 * 2**-32]>) clamp [0, 127] rounding single_round : tensor<4x2xi32> -> tensor<4x2xi8>{{$}}
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<per_group = 1 : 2, [1073741824 * 2**-30, 1073741824 * 2**-31, 1073741824 * 2**-32]>) rounding half_to_even : tensor<3x5xi32> -> tensor<3x5xi16>{{$}}
func.func @requant_per_axis_and_group(%a: tensor<4x2xi32>, %b: tensor<3x5xi32>) {
  %0 = qc.requant %a by(#qc.dyadic<per_axis = 1, [1073741824 * 2**-31, 1073741824 * 2**-32]>) clamp [0, 127] rounding single_round : tensor<4x2xi32> -> tensor<4x2xi8>
  %1 = qc.requant %b by(#qc.dyadic<per_group = 1 : 2, [1073741824 * 2**-30, 1073741824 * 2**-31, 1073741824 * 2**-32]>) rounding half_to_even : tensor<3x5xi32> -> tensor<3x5xi16>
  return
}

// Dynamic dimensions: the number of per-axis entries is not checked along a
// dynamic axis.
// CHECK-LABEL: func @requant_dynamic(
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<per_axis = 0, [1073741824 * 2**-31, 1610612736 * 2**-31]>) : tensor<?x3xi32> -> tensor<?x3xi8>{{$}}
func.func @requant_dynamic(%x: tensor<?x3xi32>) -> tensor<?x3xi8> {
  %0 = qc.requant %x by(#qc.dyadic<per_axis = 0, [1073741824 * 2**-31, 1610612736 * 2**-31]>) : tensor<?x3xi32> -> tensor<?x3xi8>
  return %0 : tensor<?x3xi8>
}

// Widths other than i32 -> i8: the 32-bit bounds and sub-byte types.
// CHECK-LABEL: func @requant_widths(
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1073741824 * 2**-30>) : tensor<4xi32> -> tensor<4xi32>{{$}}
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1073741824 * 2**-34>) output_zp(-8) clamp [-8, 7] : tensor<4xi16> -> tensor<4xi4>{{$}}
func.func @requant_widths(%a: tensor<4xi32>, %b: tensor<4xi16>) {
  %0 = qc.requant %a by(#qc.dyadic<1073741824 * 2**-30>) : tensor<4xi32> -> tensor<4xi32>
  %1 = qc.requant %b by(#qc.dyadic<1073741824 * 2**-34>) output_zp(-8) clamp [-8, 7] : tensor<4xi16> -> tensor<4xi4>
  return
}

//===----------------------------------------------------------------------===//
// qc.packed_matmul
//===----------------------------------------------------------------------===//

// Per channel with an input zero point, and per group of 32 with one
// multiplier per row and group; the zero point 0 is not printed.
// CHECK-LABEL: func @packed_matmul
// CHECK: qc.packed_matmul %{{.+}}, %{{.+}} bits(4) input_zp(-3) : tensor<?x64xi8>, tensor<3x32xi8> -> tensor<?x3xi32>
// CHECK: qc.packed_matmul %{{.+}}, %{{.+}} bits(3) groups(32, [1073741824, 536870912, 1073741824, 805306368], shift 30) : tensor<2x64xi8>, tensor<2x24xi8> -> tensor<2x2xi32>
func.func @packed_matmul(%x: tensor<?x64xi8>, %w: tensor<3x32xi8>, %y: tensor<2x64xi8>, %w3: tensor<2x24xi8>) {
  %a = qc.packed_matmul %x, %w bits(4) input_zp(-3) : tensor<?x64xi8>, tensor<3x32xi8> -> tensor<?x3xi32>
  %b = qc.packed_matmul %y, %w3 bits(3) input_zp(0) groups(32, [1073741824, 536870912, 1073741824, 805306368], shift 30) : tensor<2x64xi8>, tensor<2x24xi8> -> tensor<2x2xi32>
  return
}

//===----------------------------------------------------------------------===//
// qc.observe
//===----------------------------------------------------------------------===//

// Without and with a channel axis; a rank-0 value is allowed without one.
// CHECK-LABEL: func @observe(
// CHECK-SAME: [[X:%[^:]+]]: tensor<1x16x8x8xf32>
// CHECK-SAME: [[H:%[^:]+]]: tensor<1x32x128xf32>
// CHECK-SAME: [[S:%[^:]+]]: tensor<f16>
// CHECK: qc.observe [[X]] tag("conv1.out") : tensor<1x16x8x8xf32>{{$}}
// CHECK: qc.observe [[H]] tag("ln1.out") channel_axis(2) : tensor<1x32x128xf32>{{$}}
// CHECK: qc.observe [[H]] tag("ln1.out/axis0") channel_axis(0) : tensor<1x32x128xf32>{{$}}
// CHECK: qc.observe [[S]] tag("scalar") : tensor<f16>{{$}}
func.func @observe(%x: tensor<1x16x8x8xf32>, %h: tensor<1x32x128xf32>, %s: tensor<f16>) {
  qc.observe %x tag("conv1.out") : tensor<1x16x8x8xf32>
  qc.observe %h tag("ln1.out") channel_axis(2) : tensor<1x32x128xf32>
  qc.observe %h tag("ln1.out/axis0") channel_axis(0) : tensor<1x32x128xf32>
  qc.observe %s tag("scalar") : tensor<f16>
  return
}

//===----------------------------------------------------------------------===//
// Discardable attributes qc.scheme, qc.stats, qc.bitwidth
//===----------------------------------------------------------------------===//

// One annotation of each kind on a single-result op; axes within the rank.
// CHECK-LABEL: func @annotations_on_op(
// CHECK: arith.addf %{{.*}} {qc.bitwidth = #qc.bitwidth<weights = 4, activations = 8, method = hawq>, qc.scheme = #qc.scheme<i8, symmetric, per_axis = 1>, qc.stats = #qc.stats<min = -1.0, max = 2.0, channels(axis = 1) = [-1.0 : 1.0, 0.0 : 2.0, -0.5 : -0.25]>} : tensor<4x3xf32>
func.func @annotations_on_op(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = arith.addf %x, %x {qc.scheme = #qc.scheme<i8, symmetric, per_axis = 1>,
                          qc.stats = #qc.stats<min = -1.0, max = 2.0, channels(axis = 1) = [-1.0 : 1.0, 0.0 : 2.0, -0.5 : -0.25]>,
                          qc.bitwidth = #qc.bitwidth<weights = 4, activations = 8, method = hawq>} : tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// A single-result op may also use a one-entry array.
// CHECK-LABEL: func @annotation_one_entry_array(
// CHECK: arith.addf %{{.*}} {qc.scheme = [#qc.scheme<u8, affine>]} : tensor<4xf32>
func.func @annotation_one_entry_array(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = arith.addf %x, %x {qc.scheme = [#qc.scheme<u8, affine>]} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// One entry per result on a two-result op; each axis is checked against its
// own result (axis 1 exists only in the first).
// CHECK-LABEL: func @annotations_per_result(
// CHECK: arith.addui_extended %{{.*}} {qc.scheme = [#qc.scheme<i16, symmetric, per_axis = 1>, #qc.scheme<u1, affine>], qc.stats = [#qc.stats<min = 0.0, max = 9.0>, #qc.stats<min = 0.0, max = 1.0>]} : tensor<2x4xi32>, tensor<2x4xi1>
func.func @annotations_per_result(%a: tensor<2x4xi32>) -> (tensor<2x4xi32>, tensor<2x4xi1>) {
  %sum, %overflow = arith.addui_extended %a, %a {
      qc.scheme = [#qc.scheme<i16, symmetric, per_axis = 1>, #qc.scheme<u1, affine>],
      qc.stats = [#qc.stats<min = 0.0, max = 9.0>, #qc.stats<min = 0.0, max = 1.0>]} : tensor<2x4xi32>, tensor<2x4xi1>
  return %sum, %overflow : tensor<2x4xi32>, tensor<2x4xi1>
}

// qc.bitwidth is not tied to a result: it may annotate an op without results
// (here the function), and a result-less op takes an empty array of schemes.
// CHECK-LABEL: func @bitwidth_on_function(
// CHECK-SAME: attributes {qc.bitwidth = #qc.bitwidth<weights = 8, method = manual, pinned>}
// CHECK: qc.observe %{{[^ ]+}} tag("t") {qc.scheme = []} : tensor<4xf32>
func.func @bitwidth_on_function(%x: tensor<4xf32>) attributes {qc.bitwidth = #qc.bitwidth<weights = 8, method = manual, pinned>} {
  qc.observe %x tag("t") {qc.scheme = []} : tensor<4xf32>
  return
}

// Annotations on qc ops' own results.
// CHECK-LABEL: func @annotations_on_qc_ops(
// CHECK: qc.dequantize %{{[^ ]+}} {qc.stats = #qc.stats<min = -64.0, max = 63.5, channels(axis = 0) = [-64.0 : 63.5, -1.0 : 0.5]>} : tensor<2x!quant.uniform<i8:f32, 5.000000e-01>> -> tensor<2xf32>
// CHECK: qc.requant %{{[^ ]+}} by(#qc.dyadic<1073741824 * 2**-31>) {qc.scheme = #qc.scheme<i8, affine, per_group = 0 : 2>} : tensor<2xi32> -> tensor<2xi8>
func.func @annotations_on_qc_ops(%q: tensor<2x!quant.uniform<i8:f32, 0.5>>, %i: tensor<2xi32>) {
  %0 = qc.dequantize %q {qc.stats = #qc.stats<min = -64.0, max = 63.5, channels(axis = 0) = [-64.0 : 63.5, -1.0 : 0.5]>} : tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2xf32>
  %1 = qc.requant %i by(#qc.dyadic<1073741824 * 2**-31>) {qc.scheme = #qc.scheme<i8, affine, per_group = 0 : 2>} : tensor<2xi32> -> tensor<2xi8>
  return
}

// Function arguments and results carry one scheme or stats each.
// CHECK-LABEL: func @annotations_on_function_values(
// CHECK-SAME: %{{[^:]+}}: tensor<1x16xf32> {qc.scheme = #qc.scheme<u8, affine, per_axis = 1>, qc.stats = #qc.stats<min = 0.0, max = 6.0, percentiles = [99.9 : 5.5]>}
// CHECK-SAME: %{{[^:]+}}: tensor<16x8xf32> {qc.scheme = #qc.scheme<i4, symmetric, narrow, per_group = 0 : 8>}
// CHECK-SAME: -> (tensor<1x8xf32> {qc.stats = #qc.stats<min = -3.0, max = 3.0, channels(axis = 1) = [-1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0, -3.0 : 3.0]>})
func.func @annotations_on_function_values(
    %x: tensor<1x16xf32> {qc.scheme = #qc.scheme<u8, affine, per_axis = 1>,
                          qc.stats = #qc.stats<min = 0.0, max = 6.0, percentiles = [99.9 : 5.5]>},
    %w: tensor<16x8xf32> {qc.scheme = #qc.scheme<i4, symmetric, narrow, per_group = 0 : 8>})
    -> (tensor<1x8xf32> {qc.stats = #qc.stats<min = -3.0, max = 3.0, channels(axis = 1) = [-1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0, -3.0 : 3.0]>}) {
  %0 = tensor.empty() : tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// Function declarations are checked the same way.
// CHECK-LABEL: func private @annotations_on_declaration(
// CHECK-SAME: tensor<4x4xf32> {qc.scheme = #qc.scheme<i8, symmetric, per_axis = 1>}
// CHECK-SAME: -> (tensor<4xf32> {qc.scheme = #qc.scheme<u8, affine>})
func.func private @annotations_on_declaration(tensor<4x4xf32> {qc.scheme = #qc.scheme<i8, symmetric, per_axis = 1>}) -> (tensor<4xf32> {qc.scheme = #qc.scheme<u8, affine>})

// The composite ops; the bias of qc.layer_norm is optional.
// CHECK-LABEL: func @composites
// CHECK:         qc.softmax %{{.+}} axis(1) : tensor<2x5xf32>
// CHECK:         qc.softmax %{{.+}} mask(%{{.+}} : tensor<1x5xi1>) axis(1) : tensor<2x5xf32>
// CHECK:         qc.layer_norm %{{.+}}, %{{.+}}, %{{.+}} axis(1) epsilon(1.000000e-05) : (tensor<2x5xf32>, tensor<5xf32>, tensor<5xf32>) -> (tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
// CHECK:         qc.layer_norm %{{.+}}, %{{.+}} axis(0) epsilon(0.000000e+00) : (tensor<2x5xf32>, tensor<2x5xf32>) -> (tensor<2x5xf32>, tensor<1x1xf32>, tensor<1x1xf32>)
func.func @composites(%x: tensor<2x5xf32>, %g: tensor<5xf32>, %b: tensor<5xf32>, %g2: tensor<2x5xf32>, %m: tensor<1x5xi1>) {
  %p = qc.softmax %x axis(1) : tensor<2x5xf32>
  %pm = qc.softmax %x mask(%m : tensor<1x5xi1>) axis(1) : tensor<2x5xf32>
  %y, %mean, %inv = qc.layer_norm %x, %g, %b axis(1) epsilon(1.0e-05) : (tensor<2x5xf32>, tensor<5xf32>, tensor<5xf32>) -> (tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  %z, %mean2, %inv2 = qc.layer_norm %x, %g2 axis(0) epsilon(0.0) : (tensor<2x5xf32>, tensor<2x5xf32>) -> (tensor<2x5xf32>, tensor<1x1xf32>, tensor<1x1xf32>)
  return
}

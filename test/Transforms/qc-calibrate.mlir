// RUN: rm -rf %t && split-file %s %t
// RUN: quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/stats.json" | FileCheck %s
// RUN: quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/stats.json observer=minmax" | FileCheck %s
// RUN: quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/stats.json observer=mse" | FileCheck %s --check-prefix=MSE
// RUN: quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/stats.json observer=kl" | FileCheck %s --check-prefix=KL
// RUN: not quant-opt %t/input.mlir --qc-calibrate 2>&1 | FileCheck %s --check-prefix=NO-FILE
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/missing.json" 2>&1 | FileCheck %s --check-prefix=NOT-FOUND
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/invalid.json" 2>&1 | FileCheck %s --check-prefix=INVALID
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/version1.json" 2>&1 | FileCheck %s --check-prefix=VERSION1
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/version3.json" 2>&1 | FileCheck %s --check-prefix=VERSION3
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/no-version.json" 2>&1 | FileCheck %s --check-prefix=NO-VERSION
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/array.json" 2>&1 | FileCheck %s --check-prefix=ARRAY
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/partial.json" 2>&1 | FileCheck %s --check-prefix=NO-ENTRY
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/stats.json observer=bogus" 2>&1 | FileCheck %s --check-prefix=BAD-OBSERVER
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/no-percentile.json observer=percentile" 2>&1 | FileCheck %s --check-prefix=NO-RANGE
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/bad-range.json" 2>&1 | FileCheck %s --check-prefix=BAD-RANGE
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/channels-no-axis.json" 2>&1 | FileCheck %s --check-prefix=NO-AXIS
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/channels-count.json" 2>&1 | FileCheck %s --check-prefix=CHANNEL-COUNT
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/channels-sizes.json" 2>&1 | FileCheck %s --check-prefix=CHANNEL-SIZES
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/channels-only-min.json" 2>&1 | FileCheck %s --check-prefix=ONLY-MIN
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/channels-order.json" 2>&1 | FileCheck %s --check-prefix=CHANNEL-ORDER
// RUN: quant-opt %t/one-tapped.mlir --qc-calibrate="stats-file=%t/one-tapped.json" 2>&1 | FileCheck %s --check-prefix=REGRESSION-UNIT
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/channels-strings.json" 2>&1 | FileCheck %s --check-prefix=REGRESSION-CHANNELS
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/channels-axis.json" 2>&1 | FileCheck %s --check-prefix=REGRESSION-AXIS
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/channels-missing.json" 2>&1 | FileCheck %s --check-prefix=REGRESSION-AXIS
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/rows-count.json" 2>&1 | FileCheck %s --check-prefix=ROWS-COUNT
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/means-count.json" 2>&1 | FileCheck %s --check-prefix=MEANS-COUNT
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/mean-square-string.json" 2>&1 | FileCheck %s --check-prefix=MEAN-SQUARE-STRING
// RUN: not quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/mean-square-negative.json" 2>&1 | FileCheck %s --check-prefix=MEAN-SQUARE-NEGATIVE

// qc-calibrate reads a statistics file (as `quant-compile --calib` writes
// it, here written by hand: the sections after `//---` are split into files
// by split-file), attaches each tap's range for the chosen observer as
// #qc.stats (to the producer, or as a function argument attribute) and
// removes the taps. The entries' "min"/"max" (the values seen) are not what
// it reads: the stats come from "ranges"; the files below give them values
// different from every range to show it.
//
// The lines of prefixes REGRESSION-* check bugs these tests found, fixed
// (see the end of the file).

// Module-level errors: the file cannot be used at all.
// NO-FILE:      error: qc-calibrate: stats-file is required
// NOT-FOUND:    error: qc-calibrate: cannot open input file '{{.*}}missing.json': No such file or directory
// INVALID:      error: qc-calibrate: '{{.*}}invalid.json' is not valid JSON: [3:{{[0-9]+}}, byte={{[0-9]+}}]: Expected , or } after object property
// A version 1 file (per-channel absmax only) asks for a new calibration.
// VERSION1:     error: qc-calibrate: '{{.*}}version1.json' is a statistics file of version 1, which has no per-channel min and max; this compiler reads version 2: calibrate again (quant-compile --calib DIR --calib-stats FILE) to rewrite it
// VERSION3:     error: qc-calibrate: '{{.*}}version3.json' is not a QC statistics file of version 2
// NO-VERSION:   error: qc-calibrate: '{{.*}}no-version.json' is not a QC statistics file of version 2
// ARRAY:        error: qc-calibrate: '{{.*}}array.json' is not a QC statistics file of version 2

// Tap errors name the tap (at its location) and, for a missing entry, the
// file; every tap in error is reported.
// NO-ENTRY-NOT:  no statistics for tap 'input:x'
// NO-ENTRY:      input.mlir:{{[0-9]+}}:{{[0-9]+}}: error: qc-calibrate: no statistics for tap 'relu' in '{{.*}}partial.json' (calibrated on another model?)
// NO-ENTRY-NEXT: qc.observe %r tag("relu")
// NO-ENTRY:      input.mlir:{{[0-9]+}}:{{[0-9]+}}: error: qc-calibrate: no statistics for tap 'split#1' in '{{.*}}partial.json' (calibrated on another model?)
// NO-ENTRY-NOT:  error:

// An unknown observer is rejected before any tap is read.
// BAD-OBSERVER:  error: qc-calibrate: unknown observer 'bogus' (expected minmax, moving_average, percentile, mse or kl)
// BAD-OBSERVER-NOT: error:

// A known observer whose range an entry lacks or malforms (one number, a
// string) is the same error.
// NO-RANGE:      error: qc-calibrate: no 'percentile' range for tap 'input:x' in the statistics file
// NO-RANGE:      error: qc-calibrate: no 'percentile' range for tap 'conv_in' in the statistics file
// NO-RANGE-NOT:  for tap 'relu'
// NO-RANGE:      error: qc-calibrate: no 'percentile' range for tap 'split' in the statistics file
// NO-RANGE-NOT:  error:

// A range with min > max is rejected by #qc.stats, at the tap.
// BAD-RANGE:     input.mlir:{{[0-9]+}}:{{[0-9]+}}: error: expected finite min <= max, got min = 2.000000e+00, max = 1.000000e+00
// BAD-RANGE-NEXT: qc.observe %r tag("relu")

// Per-channel min and max without a channel axis (checked against the
// tap), and ones whose count does not match the tapped value's channel
// dimension (found by the verifier after the pass, on the op it annotates).
// NO-AXIS:       input.mlir:{{[0-9]+}}:{{[0-9]+}}: error: qc-calibrate: the per-channel statistics of tap 'conv_in' do not match its channel axis
// NO-AXIS-NEXT:  qc.observe %t tag("conv_in") channel_axis(3)
// CHANNEL-COUNT: input.mlir:{{[0-9]+}}:{{[0-9]+}}: error: 'tosa.transpose' op 'qc.stats' has 3 entries for axis 3 of size 2

// Per-channel arrays #qc.stats rejects (of different sizes, only one of
// them, lo > hi in a channel): its verifier's message, at the tap.
// CHANNEL-SIZES:      input.mlir:{{[0-9]+}}:{{[0-9]+}}: error: expected as many per-channel max as min values, got 2 min and 3 max
// CHANNEL-SIZES-NEXT: qc.observe %t tag("conv_in") channel_axis(3)
// ONLY-MIN:           input.mlir:{{[0-9]+}}:{{[0-9]+}}: error: expected both per-channel min and max, got only min
// ONLY-MIN-NEXT:      qc.observe %t tag("conv_in") channel_axis(3)
// CHANNEL-ORDER:      input.mlir:{{[0-9]+}}:{{[0-9]+}}: error: expected finite per-channel min <= max, got 3.000000e+00 : 2.000000e+00 in channel 1
// CHANNEL-ORDER-NEXT: qc.observe %t tag("conv_in") channel_axis(3)

//===----------------------------------------------------------------------===//
// Regressions: bugs these tests found, fixed (prefixes REGRESSION-*; each names the command that
// reproduces it, with %t the split-file directory)
//===----------------------------------------------------------------------===//

// BUG 1: an op with several results of which only some are tapped (here a
// linalg.generic with an i1 second result, which qc.observe cannot tap)
// gets `qc.stats = [#qc.stats<...>, unit]`: attachStats fills the other
// entries with UnitAttr, which the qc dialect's attribute verifier rejects,
// so the pass produces invalid IR and quant-opt fails after it.
//   quant-opt %t/one-tapped.mlir --qc-calibrate="stats-file=%t/one-tapped.json"
// prints "error: 'linalg.generic' op 'qc.stats' expects a #qc.stats
// attribute, got unit". Expected: valid IR with the first result's stats.
// REGRESSION-UNIT-NOT:  error:
// REGRESSION-UNIT-LABEL: func @one_of_two_tapped
// REGRESSION-UNIT:      linalg.generic
// REGRESSION-UNIT-SAME:   qc.stats = [#qc.stats<min = -4.0, max = 0.0>,

// BUG 2: non-numeric per-channel entries are read as 0 instead of being an
// error naming the tap (Passes.td: "a malformed file is an error naming the
// tap or the file"). Found on version 1's channel_absmax; the check covers
// channel_min and channel_max:
//   quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/channels-strings.json"
// succeeds with `channels(axis = 3) = [0.0 : 1.0, 0.0 : 2.0]` on the
// transpose.
// REGRESSION-CHANNELS:  error: qc-calibrate: channel_min of tap 'conv_in' holds a value that is not a number

// BUG 3 (a missing check, milder): the file's per-channel entries are not
// checked against the tap. A tap with channel_axis(3) accepts an entry with
// "channel_axis": 2 (channel statistics attached along axis 2,
// channels-axis.json), or an entry without channel statistics (the stats
// then have none, channels-missing.json), silently.
//   quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/channels-axis.json"
//   quant-opt %t/input.mlir --qc-calibrate="stats-file=%t/channels-missing.json"
// REGRESSION-AXIS:      error: {{.*}}'conv_in'
// Three floats for two rows of two channels.
// ROWS-COUNT: error: qc-calibrate: the sampled rows of tap 'conv_in' are not 2 rows of 2 float32 values in base64

// A channel mean per channel, or the #qc.stats verifier says what is wrong.
// MEANS-COUNT: error: expected one mean per channel, got 1 for 2 channels

// A mean square that is not a number names the tap; a negative one is
// rejected by #qc.stats.
// MEAN-SQUARE-STRING:   error: qc-calibrate: mean_square of tap 'relu' is not a number
// MEAN-SQUARE-NEGATIVE: error: expected a finite, non-negative mean square, got -2.500000e+00

//--- one-tapped.mlir
#map = affine_map<(d0) -> (d0)>
func.func @one_of_two_tapped(%y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi1>) {
  %i = tensor.empty() : tensor<4xf32>
  %j = tensor.empty() : tensor<4xi1>
  %zero = arith.constant 0.0 : f32
  %r:2 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
      ins(%y : tensor<4xf32>) outs(%i, %j : tensor<4xf32>, tensor<4xi1>) {
  ^bb0(%in: f32, %o0: f32, %o1: i1):
    %n = arith.negf %in : f32
    %p = arith.cmpf ogt, %in, %zero : f32
    linalg.yield %n, %p : f32, i1
  } -> (tensor<4xf32>, tensor<4xi1>)
  qc.observe %r#0 tag("neg") : tensor<4xf32>
  return %r#0, %r#1 : tensor<4xf32>, tensor<4xi1>
}

//--- one-tapped.json
{"version": 2, "samples": 1,
 "values": {"neg": {"min": -4.0, "max": 0.0, "ranges": {"minmax": [-4.0, 0.0]}}}}

//--- mean-square-string.json
{
  "version": 2, "samples": 1,
  "values": {
    "relu": {"min": 0.0, "max": 4.0, "mean_square": "2.5", "ranges": {"minmax": [0.0, 4.0]}}
  }
}

//--- mean-square-negative.json
{
  "version": 2, "samples": 1,
  "values": {
    "relu": {"min": 0.0, "max": 4.0, "mean_square": -2.5, "ranges": {"minmax": [0.0, 4.0]}}
  }
}

//--- means-count.json
{
  "version": 2, "samples": 1,
  "values": {
    "conv_in": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]},
                "channel_axis": 3, "channel_min": [-1.0, 0.0],
                "channel_max": [1.0, 3.0], "channel_mean": [0.5]}
  }
}

//--- channels-strings.json
{
  "version": 2,
  "samples": 1,
  "values": {
    "input:x": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "conv_in": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]},
                "channel_axis": 3, "channel_min": ["big", null],
                "channel_max": [1.0, 2.0]},
    "relu": {"min": 0.0, "max": 5.0, "ranges": {"minmax": [0.0, 5.0]}},
    "split": {"min": -4.0, "max": 0.0, "ranges": {"minmax": [-4.0, 0.0]}},
    "split#1": {"min": 0.0, "max": 8.0, "ranges": {"minmax": [0.0, 8.0]}}
  }
}

//--- channels-axis.json
{
  "version": 2,
  "samples": 1,
  "values": {
    "input:x": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "conv_in": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]},
                "channel_axis": 2, "channel_min": [-1.0, -2.0, -3.0, -3.0],
                "channel_max": [1.0, 2.0, 3.0, 3.0]},
    "relu": {"min": 0.0, "max": 5.0, "ranges": {"minmax": [0.0, 5.0]}},
    "split": {"min": -4.0, "max": 0.0, "ranges": {"minmax": [-4.0, 0.0]}},
    "split#1": {"min": 0.0, "max": 8.0, "ranges": {"minmax": [0.0, 8.0]}}
  }
}

//--- channels-missing.json
{
  "version": 2,
  "samples": 1,
  "values": {
    "input:x": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "conv_in": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "relu": {"min": 0.0, "max": 5.0, "ranges": {"minmax": [0.0, 5.0]}},
    "split": {"min": -4.0, "max": 0.0, "ranges": {"minmax": [-4.0, 0.0]}},
    "split#1": {"min": 0.0, "max": 8.0, "ranges": {"minmax": [0.0, 8.0]}}
  }
}

//--- input.mlir
// The argument: a function argument attribute. The tap on the transpose (a
// convolution input, per channel) gives the transpose qc.stats with
// channels(axis = 3), as the file has them (channel 0 only negative), and
// the two sampled rows (base64 of little-endian float32); the ReLU's tap
// gives it qc.stats.
// CHECK-LABEL: func @main
// CHECK-SAME:    (%[[X:.+]]: tensor<1x2x4x4xf32> {onnx.name = "x", qc.stats = #qc.stats<min = -1.0, max = 3.0>})
// CHECK-NOT:     qc.observe
// CHECK:         tosa.transpose %[[X]] {perms = array<i32: 0, 2, 3, 1>, qc.stats = #qc.stats<min = -1.0, max = 3.0, channels(axis = 3) = [-1.5 : -0.5, -0.25 : 3.0], means = [-1.0, 0.5], rows = dense<{{\[}}[-1.500000e+00, 3.000000e+00], [-5.000000e-01, -2.500000e-01]]> : tensor<2x2xf32>>}
// CHECK:         tosa.conv2d
// CHECK-NOT:     qc.stats
// CHECK:         linalg.generic
// CHECK-SAME:      qc.stats = #qc.stats<min = 0.0, max = 5.0, mean_square = 2.5>
// CHECK-NOT:     qc.observe
// CHECK:         return
// The MSE and KL ranges of the same file.
// MSE-LABEL:   func @main
// MSE-SAME:      qc.stats = #qc.stats<min = -0.75, max = 2.5>
// MSE:           tosa.transpose {{.*}}qc.stats = #qc.stats<min = -0.75, max = 2.5, channels(axis = 3) = [-1.5 : -0.5, -0.25 : 3.0], means = [-1.0, 0.5], rows = 
// MSE:           qc.stats = #qc.stats<min = 0.0, max = 4.25, mean_square = 2.5>
// KL-LABEL:    func @main
// KL-SAME:       qc.stats = #qc.stats<min = -3.0, max = 3.0>
// KL:            tosa.transpose {{.*}}qc.stats = #qc.stats<min = -3.0, max = 3.0, channels(axis = 3) = [-1.5 : -0.5, -0.25 : 3.0], means = [-1.0, 0.5], rows = 
// KL:            qc.stats = #qc.stats<min = 0.0, max = 3.5, mean_square = 2.5>
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @main(%x: tensor<1x2x4x4xf32> {onnx.name = "x"}) -> tensor<1x4x4x3xf32> {
  qc.observe %x tag("input:x") : tensor<1x2x4x4xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  qc.observe %t tag("conv_in") channel_axis(3) : tensor<1x4x4x2xf32>
  %w = arith.constant dense<[[[[1.0, -2.0]]], [[[0.5, 0.25]]], [[[0.0, 1.0]]]]> : tensor<3x1x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<1x4x4x3xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<1x4x4x3xf32>) outs(%init : tensor<1x4x4x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x3xf32>
  qc.observe %r tag("relu") : tensor<1x4x4x3xf32>
  return %r : tensor<1x4x4x3xf32>
}

// An op with two results, both tapped: qc.stats is an array, one entry per
// result, in result order.
// CHECK-LABEL: func @two_results
// CHECK:         linalg.generic
// CHECK-SAME:      qc.stats = [#qc.stats<min = -4.0, max = 0.0>, #qc.stats<min = 0.0, max = 8.0>]
// CHECK-NOT:     qc.observe
// CHECK:         return
// MSE-LABEL:   func @two_results
// MSE:           qc.stats = [#qc.stats<min = -2.0, max = 0.0>, #qc.stats<min = 0.0, max = 6.0>]
#map1 = affine_map<(d0) -> (d0)>
func.func @two_results(%y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %i = tensor.empty() : tensor<4xf32>
  %r:2 = linalg.generic {indexing_maps = [#map1, #map1, #map1], iterator_types = ["parallel"]}
      ins(%y : tensor<4xf32>) outs(%i, %i : tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%in: f32, %o0: f32, %o1: f32):
    %n = arith.negf %in : f32
    %e = math.exp %in : f32
    linalg.yield %n, %e : f32, f32
  } -> (tensor<4xf32>, tensor<4xf32>)
  qc.observe %r#1 tag("split#1") : tensor<4xf32>
  qc.observe %r#0 tag("split") : tensor<4xf32>
  return %r#0, %r#1 : tensor<4xf32>, tensor<4xf32>
}

//--- stats.json
{
  "version": 2,
  "samples": 2,
  "values": {
    "input:x": {"min": -0.5, "max": 2.0,
                "ranges": {"minmax": [-1.0, 3.0], "moving_average": [-0.5, 2.0],
                           "percentile": [-1.0, 2.75], "mse": [-0.75, 2.5],
                           "kl": [-3.0, 3.0]}},
    "conv_in": {"min": -0.5, "max": 2.0,
                "ranges": {"minmax": [-1.0, 3.0], "moving_average": [-0.5, 2.0],
                           "percentile": [-1.0, 2.75], "mse": [-0.75, 2.5],
                           "kl": [-3.0, 3.0]},
                "channel_axis": 3, "channel_min": [-1.5, -0.25],
                "channel_max": [-0.5, 3.0], "channel_mean": [-1.0, 0.5],
                "row_count": 2, "rows": "AADAvwAAQEAAAAC/AACAvg=="},
    "relu": {"min": 0.25, "max": 4.0, "mean_square": 2.5,
             "ranges": {"minmax": [0.0, 5.0], "moving_average": [0.0, 4.0],
                        "percentile": [0.0, 4.5], "mse": [0.0, 4.25],
                        "kl": [0.0, 3.5]}},
    "split": {"min": -3.0, "max": -1.0,
              "ranges": {"minmax": [-4.0, 0.0], "moving_average": [-3.0, 0.0],
                         "percentile": [-3.5, 0.0], "mse": [-2.0, 0.0],
                         "kl": [-4.0, 4.0]}},
    "split#1": {"min": 1.0, "max": 7.0,
                "ranges": {"minmax": [0.0, 8.0], "moving_average": [0.0, 7.0],
                           "percentile": [0.0, 7.5], "mse": [0.0, 6.0],
                           "kl": [0.0, 5.0]}}
  }
}

//--- invalid.json
{
  "version": 2
  "values": {}
}

//--- version1.json
{"version": 1, "samples": 1, "values": {}}

//--- version3.json
{"version": 3, "samples": 1, "values": {}}

//--- no-version.json
{"samples": 1, "values": {}}

//--- array.json
[{"version": 2}]

//--- partial.json
{
  "version": 2,
  "samples": 1,
  "values": {
    "input:x": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "conv_in": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]},
                "channel_axis": 3, "channel_min": [-1.5, -0.25],
                "channel_max": [-0.5, 3.0]},
    "split": {"min": -4.0, "max": 0.0, "ranges": {"minmax": [-4.0, 0.0]}}
  }
}

//--- no-percentile.json
{
  "version": 2,
  "samples": 1,
  "values": {
    "input:x": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "conv_in": {"min": -1.0, "max": 3.0,
                "ranges": {"minmax": [-1.0, 3.0], "percentile": [-1.0]},
                "channel_axis": 3, "channel_min": [-1.5, -0.25],
                "channel_max": [-0.5, 3.0]},
    "relu": {"min": 0.0, "max": 5.0, "ranges": {"percentile": [0.0, 4.5]}},
    "split": {"min": -4.0, "max": 0.0, "ranges": {"percentile": ["lo", "hi"]}},
    "split#1": {"min": 0.0, "max": 8.0, "ranges": {"percentile": [0.0, 7.5]}}
  }
}

//--- bad-range.json
{
  "version": 2,
  "samples": 1,
  "values": {
    "input:x": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "conv_in": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]},
                "channel_axis": 3, "channel_min": [-1.5, -0.25],
                "channel_max": [-0.5, 3.0]},
    "relu": {"min": 2.0, "max": 1.0, "ranges": {"minmax": [2.0, 1.0]}},
    "split": {"min": -4.0, "max": 0.0, "ranges": {"minmax": [-4.0, 0.0]}},
    "split#1": {"min": 0.0, "max": 8.0, "ranges": {"minmax": [0.0, 8.0]}}
  }
}

//--- channels-no-axis.json
{
  "version": 2,
  "samples": 1,
  "values": {
    "input:x": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "conv_in": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]},
                "channel_min": [-1.5, -0.25], "channel_max": [-0.5, 3.0]},
    "relu": {"min": 0.0, "max": 5.0, "ranges": {"minmax": [0.0, 5.0]}},
    "split": {"min": -4.0, "max": 0.0, "ranges": {"minmax": [-4.0, 0.0]}},
    "split#1": {"min": 0.0, "max": 8.0, "ranges": {"minmax": [0.0, 8.0]}}
  }
}

//--- channels-count.json
{
  "version": 2,
  "samples": 1,
  "values": {
    "input:x": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "conv_in": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]},
                "channel_axis": 3, "channel_min": [-1.5, -0.25, 0.0],
                "channel_max": [-0.5, 3.0, 2.0]},
    "relu": {"min": 0.0, "max": 5.0, "ranges": {"minmax": [0.0, 5.0]}},
    "split": {"min": -4.0, "max": 0.0, "ranges": {"minmax": [-4.0, 0.0]}},
    "split#1": {"min": 0.0, "max": 8.0, "ranges": {"minmax": [0.0, 8.0]}}
  }
}

//--- channels-sizes.json
{
  "version": 2,
  "samples": 1,
  "values": {
    "input:x": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "conv_in": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]},
                "channel_axis": 3, "channel_min": [-1.5, -0.25],
                "channel_max": [-0.5, 3.0, 2.0]},
    "relu": {"min": 0.0, "max": 5.0, "ranges": {"minmax": [0.0, 5.0]}},
    "split": {"min": -4.0, "max": 0.0, "ranges": {"minmax": [-4.0, 0.0]}},
    "split#1": {"min": 0.0, "max": 8.0, "ranges": {"minmax": [0.0, 8.0]}}
  }
}

//--- channels-only-min.json
{
  "version": 2,
  "samples": 1,
  "values": {
    "input:x": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "conv_in": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]},
                "channel_axis": 3, "channel_min": [-1.5, -0.25]},
    "relu": {"min": 0.0, "max": 5.0, "ranges": {"minmax": [0.0, 5.0]}},
    "split": {"min": -4.0, "max": 0.0, "ranges": {"minmax": [-4.0, 0.0]}},
    "split#1": {"min": 0.0, "max": 8.0, "ranges": {"minmax": [0.0, 8.0]}}
  }
}

//--- channels-order.json
{
  "version": 2,
  "samples": 1,
  "values": {
    "input:x": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]}},
    "conv_in": {"min": -1.0, "max": 3.0, "ranges": {"minmax": [-1.0, 3.0]},
                "channel_axis": 3, "channel_min": [-1.5, 3.0],
                "channel_max": [-0.5, 2.0]},
    "relu": {"min": 0.0, "max": 5.0, "ranges": {"minmax": [0.0, 5.0]}},
    "split": {"min": -4.0, "max": 0.0, "ranges": {"minmax": [-4.0, 0.0]}},
    "split#1": {"min": 0.0, "max": 8.0, "ranges": {"minmax": [0.0, 8.0]}}
  }
}

//--- rows-count.json
{
  "version": 2,
  "samples": 2,
  "values": {
    "input:x": {"min": -0.5, "max": 2.0,
                "ranges": {"minmax": [-1.0, 3.0], "moving_average": [-0.5, 2.0],
                           "percentile": [-1.0, 2.75], "mse": [-0.75, 2.5],
                           "kl": [-3.0, 3.0]}},
    "conv_in": {"min": -0.5, "max": 2.0,
                "ranges": {"minmax": [-1.0, 3.0], "moving_average": [-0.5, 2.0],
                           "percentile": [-1.0, 2.75], "mse": [-0.75, 2.5],
                           "kl": [-3.0, 3.0]},
                "channel_axis": 3, "channel_min": [-1.5, -0.25],
                "channel_max": [-0.5, 3.0], "row_count": 2,
                "rows": "AACAPwAAAEAAAEBA"},
    "relu": {"min": 0.25, "max": 4.0,
             "ranges": {"minmax": [0.0, 5.0], "moving_average": [0.0, 4.0],
                        "percentile": [0.0, 4.5], "mse": [0.0, 4.25],
                        "kl": [0.0, 3.5]}},
    "split": {"min": -3.0, "max": -1.0,
              "ranges": {"minmax": [-4.0, 0.0], "moving_average": [-3.0, 0.0],
                         "percentile": [-3.5, 0.0], "mse": [-2.0, 0.0],
                         "kl": [-4.0, 4.0]}},
    "split#1": {"min": 1.0, "max": 7.0,
                "ranges": {"minmax": [0.0, 8.0], "moving_average": [0.0, 7.0],
                           "percentile": [0.0, 7.5], "mse": [0.0, 6.0],
                           "kl": [0.0, 5.0]}}
  }
}

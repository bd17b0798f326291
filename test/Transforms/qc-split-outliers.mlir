// RUN: quant-opt %s --split-input-file --qc-split-outliers=ratio=0.5 | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-split-outliers=ratio=0.5 --qc-split-outliers=ratio=0.5 | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-split-outliers | FileCheck %s --check-prefix=DEFAULT
// RUN: quant-opt %s --split-input-file --qc-split-outliers="ratio=0.5 grid-aware weight-bits=2" | FileCheck %s --check-prefix=GRID
// RUN: quant-opt %s --split-input-file --qc-split-outliers=ratio=0 | FileCheck %s --check-prefix=NONE
// RUN: quant-opt %s --split-input-file --qc-split-outliers="ratio=0.5 target=activations" | FileCheck %s --check-prefix=ACT
// RUN: quant-opt %s --split-input-file --qc-split-outliers="ratio=0.5 target=activations explicit-multiply=false" | FileCheck %s --check-prefix=NOMUL

// target=weights (the default). Every expected constant was computed by
// hand from the pass description and is exact in float32. The second RUN
// line applies the pass twice: the recorded decision makes the second
// application a no-op.

//===----------------------------------------------------------------------===//
// Matmul: the largest row is split twice (copies included)
//===----------------------------------------------------------------------===//

// Rows of B (one per input channel): [1, 2], [-8, 1], [0.5, 0.5], [3, -4].
// ratio 0.5 of 4 channels: 2 splits. Row 1 (8) halves to [-4, 0.5] and is
// appended; then rows 1, 3 and 4 tie at 4 and the first, row 1, halves
// again. The input reads channel 1 twice more (one slice, used twice), and
// its statistics get channel 1's range twice more.
// The default ratio 0.02 adds ceil(0.08) = 1 channel.
// grid-aware with 2-bit weights (one step each side): the plainly split
// weights' output channel maxima are [4, 4], so d = 4 and the halves move
// d / 4 = 1 apart: [-8, 1] -> [-5, -0.5] + [-3, 1.5], then [-5, -0.5] ->
// [-3.5, -1.25] + [-1.5, 0.75] (the copies of channel 1 still sum to
// [-8, 1]).
// CHECK-LABEL: func @matmul
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<1x2x4xf32>
// CHECK:         %[[B:.+]] = arith.constant dense<{{\[}}{{\[}}[1.000000e+00, 2.000000e+00], [-2.000000e+00, 2.500000e-01], [5.000000e-01, 5.000000e-01], [3.000000e+00, -4.000000e+00], [-4.000000e+00, 5.000000e-01], [-2.000000e+00, 2.500000e-01]]]> : tensor<1x6x2xf32>
// CHECK:         %[[SLICE:.+]] = tosa.slice %[[X]], %{{.+}}, %{{.+}} : (tensor<1x2x4xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<1x2x1xf32>
// CHECK:         %[[WIDE:.+]] = tosa.concat %[[X]], %[[SLICE]], %[[SLICE]] {axis = 2 : i32, qc.stats = #qc.stats<min = -2.0, max = 4.0, channels(axis = 2) = [-1.0 : 1.0, -2.0 : 4.0, 0.0 : 1.0, -1.0 : 0.0, -2.0 : 4.0, -2.0 : 4.0]>} : (tensor<1x2x4xf32>, tensor<1x2x1xf32>, tensor<1x2x1xf32>) -> tensor<1x2x6xf32>
// CHECK:         tosa.matmul %[[WIDE]], %[[B]], %{{.+}}, %{{.+}} {qc.outlier_split = #qc.outlier_split<weights, channels = [1, 1]>} : (tensor<1x2x6xf32>, tensor<1x6x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32>
// DEFAULT-LABEL: func @matmul
// DEFAULT:         arith.constant dense<{{\[}}{{\[}}[1.000000e+00, 2.000000e+00], [-4.000000e+00, 5.000000e-01], [5.000000e-01, 5.000000e-01], [3.000000e+00, -4.000000e+00], [-4.000000e+00, 5.000000e-01]]]> : tensor<1x5x2xf32>
// DEFAULT:         qc.outlier_split = #qc.outlier_split<weights, channels = [1]>
// GRID-LABEL: func @matmul
// GRID:         arith.constant dense<{{\[}}{{\[}}[1.000000e+00, 2.000000e+00], [-3.500000e+00, -1.250000e+00], [5.000000e-01, 5.000000e-01], [3.000000e+00, -4.000000e+00], [-3.000000e+00, 1.500000e+00], [-1.500000e+00, 7.500000e-01]]]> : tensor<1x6x2xf32>
// GRID:         qc.outlier_split = #qc.outlier_split<weights, channels = [1, 1]>
// NONE-LABEL: func @matmul
// NONE-NOT:     tosa.concat
// NONE-NOT:     qc.outlier_split
func.func @matmul(%x: tensor<1x2x4xf32> {qc.stats = #qc.stats<min = -2.0, max = 4.0, channels(axis = 2) = [-1.0 : 1.0, -2.0 : 4.0, 0.0 : 1.0, -1.0 : 0.0]>}) -> tensor<1x2x2xf32> {
  %b = arith.constant dense<[[[1.0, 2.0], [-8.0, 1.0], [0.5, 0.5], [3.0, -4.0]]]> : tensor<1x4x2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %y = tosa.matmul %x, %b, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32>
  return %y : tensor<1x2x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

// OHWI weights [2, 1, 1, 3]: input channel rows (over both outputs)
// [1, 0.5], [-6, 1], [2, -1]. ratio 0.5 of 3: 2 splits: row 1 (6) halves
// to [-3, 0.5] and is appended; then rows 1 and 3 tie at 3 and row 1 halves
// again to [-1.5, 0.25].
// The sampled rows of the input's statistics get column 1 twice more.
// NONE-LABEL: func @convolution
// CHECK-LABEL: func @convolution
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<1x2x2x3xf32>
// CHECK:         %[[W:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[1.000000e+00, -1.500000e+00, 2.000000e+00, -3.000000e+00, -1.500000e+00]]], {{\[}}{{\[}}[5.000000e-01, 2.500000e-01, -1.000000e+00, 5.000000e-01, 2.500000e-01]]]]> : tensor<2x1x1x5xf32>
// CHECK:         %[[SLICE:.+]] = tosa.slice %[[X]], %{{.+}}, %{{.+}} : (tensor<1x2x2x3xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2x1xf32>
// CHECK:         %[[WIDE:.+]] = tosa.concat %[[X]], %[[SLICE]], %[[SLICE]] {axis = 3 : i32, qc.stats = #qc.stats<{{.*}}rows = dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00, 2.000000e+00, 2.000000e+00]]> : tensor<1x5xf32>>}
// CHECK:         tosa.conv2d %[[WIDE]], %[[W]], {{.*}}qc.outlier_split = #qc.outlier_split<weights, channels = [1, 1]>
func.func @convolution(%x: tensor<1x2x2x3xf32> {qc.stats = #qc.stats<min = 0.0, max = 3.0, channels(axis = 3) = [0.0 : 1.0, 0.0 : 2.0, 0.0 : 3.0], rows = dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>>}) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[1.0, -6.0, 2.0]]], [[[0.5, 1.0, -1.0]]]]> : tensor<2x1x1x3xf32>
  %bias = arith.constant dense<0.0> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %y = tosa.conv2d %x, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Ops that are not split
//===----------------------------------------------------------------------===//

// A depthwise convolution (its outputs follow its input channels), a matmul
// whose right operand is not constant, and an op split before.
// CHECK-LABEL: func @not_split
// CHECK-NOT:     tosa.concat
// CHECK:         tosa.depthwise_conv2d %arg0,
// CHECK:         tosa.matmul %arg1, %arg2,
// CHECK:         tosa.matmul %arg1, %{{.+}}, %{{.+}}, %{{.+}} {qc.outlier_split = #qc.outlier_split<weights, channels = [0]>} : (tensor<1x2x2xf32>
func.func @not_split(%x: tensor<1x2x2x2xf32>, %a: tensor<1x2x2xf32>, %b: tensor<1x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>) {
  %w = arith.constant dense<[[[[8.0], [1.0]]]]> : tensor<1x1x2x1xf32>
  %bias = arith.constant dense<0.0> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %d = tosa.depthwise_conv2d %x, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %m = tosa.matmul %a, %b, %zp, %zp : (tensor<1x2x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32>
  %c = arith.constant dense<[[[8.0, 1.0], [1.0, 1.0]]]> : tensor<1x2x2xf32>
  %s = tosa.matmul %a, %c, %zp, %zp {qc.outlier_split = #qc.outlier_split<weights, channels = [0]>} : (tensor<1x2x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32>
  return %d, %m, %s : tensor<1x2x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// target=activations: layer norm -> two matmuls sharing one input
//===----------------------------------------------------------------------===//

// max|X| per channel [1, 10, 3, 4]; ratio 0.5: 2 copies. Channel 1 (10)
// gets a copy (5 per copy), then again (5 is still the largest): k_1 = 3.
// gamma_1 3 / 3 = 1, beta_1 6 / 3 = 2; both consumers read channel 1 twice
// more, with weight row 1 copied whole. X's statistics are dropped.
// ACT-LABEL: func @layer_norm_shared
// ACT-DAG:     %[[GAMMA:.+]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// ACT-DAG:     %[[BETA:.+]] = arith.constant dense<[0.000000e+00, 2.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<4xf32>
// ACT:         %[[Y:.+]], %{{.+}}, %{{.+}} = qc.layer_norm %{{.+}}, %[[GAMMA]], %[[BETA]] axis(2) epsilon({{.+}}) :
// ACT:         %[[B1:.+]] = arith.constant dense<{{\[}}{{\[}}[1.000000e+00], [2.000000e+00], [3.000000e+00], [4.000000e+00], [2.000000e+00], [2.000000e+00]]]> : tensor<1x6x1xf32>
// ACT:         %[[SLICE:.+]] = tosa.slice %[[Y]]
// ACT:         %[[WIDE:.+]] = tosa.concat %[[Y]], %[[SLICE]], %[[SLICE]] {axis = 2 : i32} : {{.*}} -> tensor<1x3x6xf32>
// ACT:         tosa.matmul %[[WIDE]], %[[B1]], {{.*}}qc.outlier_split = #qc.outlier_split<activations, channels = [1, 1]>
// ACT:         %[[SLICE2:.+]] = tosa.slice %[[Y]]
// ACT:         %[[WIDE2:.+]] = tosa.concat %[[Y]], %[[SLICE2]], %[[SLICE2]]
// ACT:         tosa.matmul %[[WIDE2]], {{.*}}qc.outlier_split = #qc.outlier_split<activations, channels = [1, 1]>
// ACT-NOT:     qc.stats
func.func @layer_norm_shared(%x: tensor<1x3x4xf32>) -> (tensor<1x3x1xf32>, tensor<1x3x2xf32>) {
  %gamma = arith.constant dense<[1.0, 3.0, 1.0, 1.0]> : tensor<4xf32>
  %beta = arith.constant dense<[0.0, 6.0, 0.0, 0.0]> : tensor<4xf32>
  %b1 = arith.constant dense<[[[1.0], [2.0], [3.0], [4.0]]]> : tensor<1x4x1xf32>
  %b2 = arith.constant dense<[[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]]> : tensor<1x4x2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %y, %mean, %inv = qc.layer_norm %x, %gamma, %beta axis(2) epsilon(1.0e-05)
      {qc.stats = [#qc.stats<min = -10.0, max = 4.0, channels(axis = 2) = [-1.0 : 1.0, -10.0 : 2.0, 0.0 : 3.0, -4.0 : 4.0]>, unit, unit]}
      : (tensor<1x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<1x3x4xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>)
  %m1 = tosa.matmul %y, %b1, %zp, %zp : (tensor<1x3x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  %m2 = tosa.matmul %y, %b2, %zp, %zp : (tensor<1x3x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  return %m1, %m2 : tensor<1x3x1xf32>, tensor<1x3x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// target=activations: convolution -> convolution
//===----------------------------------------------------------------------===//

// Producer output channel ranges [-1, 1] and [-8, 8]: ratio 0.5 of 2 gives
// channel 1 one copy: the producer's output channel 1 (weights [2, 4],
// bias 6) is halved, the consumer's weight row 1 copied.
// ACT-LABEL: func @convolution_producer
// ACT-DAG:     %[[PW:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[1.000000e+00, 1.000000e+00]]], {{\[}}{{\[}}[1.000000e+00, 2.000000e+00]]]]> : tensor<2x1x1x2xf32>
// ACT-DAG:     %[[PB:.+]] = arith.constant dense<[0.000000e+00, 3.000000e+00]> : tensor<2xf32>
// ACT:         %[[P:.+]] = tosa.conv2d %{{.+}}, %[[PW]], %[[PB]],
// ACT:         %[[CW:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[1.000000e+00, -1.000000e+00, -1.000000e+00]]]]> : tensor<1x1x1x3xf32>
// ACT:         %[[SLICE:.+]] = tosa.slice %[[P]]
// ACT:         %[[WIDE:.+]] = tosa.concat %[[P]], %[[SLICE]] {axis = 3 : i32}
// ACT:         tosa.conv2d %[[WIDE]], %[[CW]], {{.*}}qc.outlier_split = #qc.outlier_split<activations, channels = [1]>
// In the weights RUN lines: the consumer's rows [1], [-1]: ratio 0.5 of 2
// splits row 0 (the first of equals); the producer (input rows [1, 2],
// [1, 4]) splits row 1.
// CHECK-LABEL: func @convolution_producer
// CHECK:         qc.outlier_split = #qc.outlier_split<weights, channels = [1]>
// CHECK:         qc.outlier_split = #qc.outlier_split<weights, channels = [0]>
func.func @convolution_producer(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x1xf32> {
  %pw = arith.constant dense<[[[[1.0, 1.0]]], [[[2.0, 4.0]]]]> : tensor<2x1x1x2xf32>
  %pb = arith.constant dense<[0.0, 6.0]> : tensor<2xf32>
  %cw = arith.constant dense<[[[[1.0, -1.0]]]]> : tensor<1x1x1x2xf32>
  %cb = arith.constant dense<0.0> : tensor<1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %p = tosa.conv2d %x, %pw, %pb, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -8.0, max = 8.0, channels(axis = 3) = [-1.0 : 1.0, -8.0 : 8.0]>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %y = tosa.conv2d %p, %cw, %cb, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// -----

// target=activations leaves a group alone when a consumer cannot be split
// (a depthwise convolution).
// ACT-LABEL: func @depthwise_consumer
// ACT-NOT:     tosa.concat
// ACT-NOT:     qc.outlier_split
func.func @depthwise_consumer(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %pw = arith.constant dense<[[[[1.0, 1.0]]], [[[2.0, 4.0]]]]> : tensor<2x1x1x2xf32>
  %pb = arith.constant dense<[0.0, 6.0]> : tensor<2xf32>
  %dw = arith.constant dense<[[[[8.0], [1.0]]]]> : tensor<1x1x2x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %p = tosa.conv2d %x, %pw, %pb, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -8.0, max = 8.0, channels(axis = 3) = [-1.0 : 1.0, -8.0 : 8.0]>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %d = tosa.depthwise_conv2d %p, %dw, %pb, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %d : tensor<1x2x2x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// target=activations: no producer to fold into (explicit-multiply)
//===----------------------------------------------------------------------===//

// X is a matmul of two activations: ranges [-1, 1] and [-8, 8], ratio 0.5
// of 2 gives channel 1 one copy, divided by 2 in an explicit multiply (the
// requantization of the accumulator absorbs it); the consumer's weight row
// 1 is copied. explicit-multiply=false leaves the group alone.
// ACT-LABEL: func @accumulator_producer
// ACT-SAME:    (%[[P:[^:]+]]: tensor<1x3x2xf32>, %[[V:[^:]+]]: tensor<1x2x2xf32>)
// ACT:         %[[PV:.+]] = tosa.matmul %[[P]], %[[V]],
// ACT:         %[[HALF:.+]] = arith.constant dense<{{\[}}{{\[}}[1.000000e+00, 5.000000e-01]]]> : tensor<1x1x2xf32>
// ACT:         %[[X:.+]] = tosa.mul %[[PV]], %[[HALF]], %{{.+}} : (tensor<1x3x2xf32>, tensor<1x1x2xf32>, tensor<1xi8>) -> tensor<1x3x2xf32>
// ACT:         %[[W:.+]] = arith.constant dense<{{\[}}{{\[}}[1.000000e+00], [4.000000e+00], [4.000000e+00]]]> : tensor<1x3x1xf32>
// ACT:         %[[SLICE:.+]] = tosa.slice %[[X]]
// ACT:         %[[WIDE:.+]] = tosa.concat %[[X]], %[[SLICE]] {axis = 2 : i32}
// ACT:         tosa.matmul %[[WIDE]], %[[W]], {{.*}}qc.outlier_split = #qc.outlier_split<activations, channels = [1]>
// NOMUL-LABEL: func @accumulator_producer
// NOMUL-NOT:     tosa.mul
// NOMUL-NOT:     qc.outlier_split
func.func @accumulator_producer(%p: tensor<1x3x2xf32>, %v: tensor<1x2x2xf32>) -> tensor<1x3x1xf32> {
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %pv = tosa.matmul %p, %v, %zp, %zp {qc.stats = #qc.stats<min = -8.0, max = 8.0, channels(axis = 2) = [-1.0 : 1.0, -8.0 : 8.0]>} : (tensor<1x3x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  %w = arith.constant dense<[[[1.0], [4.0]]]> : tensor<1x2x1xf32>
  %y = tosa.matmul %pv, %w, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  return %y : tensor<1x3x1xf32>
}

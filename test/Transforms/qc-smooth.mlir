// RUN: quant-opt %s --split-input-file --qc-smooth | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-smooth --qc-smooth | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-smooth=alpha=1.0 | FileCheck %s --check-prefix=ALPHA1
// RUN: quant-opt %s --split-input-file --qc-smooth=method=os_plus | FileCheck %s --check-prefix=OSPLUS
// RUN: quant-opt %s --split-input-file --qc-smooth=depthwise | FileCheck %s --check-prefix=DEPTHWISE
// RUN: quant-opt %s --split-input-file --qc-smooth=explicit-multiply=false | FileCheck %s --check-prefix=NOMUL

// Smoothing groups of every producer kind. The per-channel ranges are the
// consumers' input statistics (#qc.stats channels); every expected constant
// below was computed by hand from the definitions in the pass description
// and is exact in float32. The second RUN line applies the pass twice: the
// folded decision makes the second application a no-op.

//===----------------------------------------------------------------------===//
// Layer norm -> two matmuls sharing one input
//===----------------------------------------------------------------------===//

// Channel ranges [-4, 4] and [-1, 0.5]: max|X| = [4, 1]. Weight row maxima
// over both consumers: row 0 max(1, 0.25) = 1, row 1 max(2, 4) = 4.
// alpha 0.5: s = [sqrt(4) / sqrt(1), sqrt(1) / sqrt(4)] = [2, 0.5].
// gamma [1, 1] / s = [0.5, 2]; beta [2, 3] / s = [1, 6];
// rows of B1 [[1, 0.5, -1], [2, 1, 0]] * s = [[2, 1, -2], [1, 0.5, 0]];
// B2 [[0.25], [4]] * s = [[0.5], [2]].
// alpha 1: s = max|X| = [4, 1]: gamma [0.25, 1], beta [0.5, 3].
// os_plus: z = [0, -0.25], half-ranges [4, 0.75]. The noise estimate for
// t = 4 (s = [1, 1]): activation step 8/255 over the weights' energy 23.3125
// gives 0.02294, weight steps (2, 1, 1, 4)/127 over X's energy 5.5208 give
// 0.00753: 0.0305. For t = 0.75 (s = [16/3, 1]): step 1.5/255 over 87.03
// gives 0.00301, weight steps (16/3, 8/3, 16/3, 4)/127 over 0.375 give
// 0.00186: 0.0049, so t = 0.75. gamma / s = [0.1875, 1], (beta - z) / s =
// [0.375, 3.25]; B1 row 0 * 16/3, B2 row 0 * 16/3; the shift is compensated
// by bias adds of z W (original weights): B1: [-0.5, -0.25, 0], B2: [-1].
// CHECK-LABEL: func @layer_norm_shared
// CHECK-DAG:     %[[GAMMA:.+]] = arith.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG:     %[[BETA:.+]] = arith.constant dense<[1.000000e+00, 6.000000e+00]> : tensor<2xf32>
// CHECK:         %[[Y:.+]], %{{.+}}, %{{.+}} = qc.layer_norm %{{.+}}, %[[GAMMA]], %[[BETA]] axis(2) epsilon({{.+}}) {qc.smoothing = #qc.smoothing<smoothquant, alpha = 0.5, scales = [2.0, 0.5], folded>}
// CHECK-NOT:     qc.stats
// CHECK:         %[[B1:.+]] = arith.constant dense<{{\[}}{{\[}}[2.000000e+00, 1.000000e+00, -2.000000e+00], [1.000000e+00, 5.000000e-01, 0.000000e+00]]]> : tensor<1x2x3xf32>
// CHECK-NEXT:    tosa.matmul %[[Y]], %[[B1]]
// CHECK-NEXT:    %[[B2:.+]] = arith.constant dense<{{\[}}{{\[}}[5.000000e-01], [2.000000e+00]]]> : tensor<1x2x1xf32>
// CHECK-NEXT:    tosa.matmul %[[Y]], %[[B2]]
// ALPHA1-LABEL: func @layer_norm_shared
// ALPHA1-DAG:     arith.constant dense<[2.500000e-01, 1.000000e+00]> : tensor<2xf32>
// ALPHA1-DAG:     arith.constant dense<[5.000000e-01, 3.000000e+00]> : tensor<2xf32>
// ALPHA1:         qc.smoothing = #qc.smoothing<smoothquant, alpha = 1.0, scales = [4.0, 1.0], folded>
// OSPLUS-LABEL: func @layer_norm_shared
// OSPLUS-DAG:     %[[GAMMA:.+]] = arith.constant dense<[1.875000e-01, 1.000000e+00]> : tensor<2xf32>
// OSPLUS-DAG:     %[[BETA:.+]] = arith.constant dense<[3.750000e-01, 3.250000e+00]> : tensor<2xf32>
// OSPLUS:         %[[Y:.+]], %{{.+}}, %{{.+}} = qc.layer_norm %{{.+}}, %[[GAMMA]], %[[BETA]] {{.*}}qc.smoothing = #qc.smoothing<os_plus, threshold = 0.75, scales = [5.333333333333333, 1.0], shifts = [0.0, -0.25], folded>
// OSPLUS-NEXT:    %[[B1:.+]] = arith.constant dense<{{\[}}{{\[}}[5.33333349, 2.66666675, -5.33333349], [2.000000e+00, 1.000000e+00, 0.000000e+00]]]> : tensor<1x2x3xf32>
// OSPLUS-NEXT:    %[[M1:.+]] = tosa.matmul %[[Y]], %[[B1]]
// OSPLUS-NEXT:    %[[C1:.+]] = arith.constant dense<{{\[}}{{\[}}[-5.000000e-01, -2.500000e-01, 0.000000e+00]]]> : tensor<1x1x3xf32>
// OSPLUS-NEXT:    tosa.add %[[M1]], %[[C1]]
// OSPLUS-NEXT:    %[[B2:.+]] = arith.constant dense<{{\[}}{{\[}}[1.33333337], [4.000000e+00]]]> : tensor<1x2x1xf32>
// OSPLUS-NEXT:    %[[M2:.+]] = tosa.matmul %[[Y]], %[[B2]]
// OSPLUS-NEXT:    %[[C2:.+]] = arith.constant dense<-1.000000e+00> : tensor<1x1x1xf32>
// OSPLUS-NEXT:    tosa.add %[[M2]], %[[C2]]
func.func @layer_norm_shared(%x: tensor<1x3x2xf32>) -> (tensor<1x3x3xf32>, tensor<1x3x1xf32>) {
  %gamma = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %beta = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %b1 = arith.constant dense<[[[1.0, 0.5, -1.0], [2.0, 1.0, 0.0]]]> : tensor<1x2x3xf32>
  %b2 = arith.constant dense<[[[0.25], [4.0]]]> : tensor<1x2x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %y, %mean, %inv = qc.layer_norm %x, %gamma, %beta axis(2) epsilon(1.0e-05)
      {qc.stats = [#qc.stats<min = -4.0, max = 4.0, channels(axis = 2) = [-4.0 : 4.0, -1.0 : 0.5]>, unit, unit]}
      : (tensor<1x3x2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>)
  %m1 = tosa.matmul %y, %b1, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3xf32>
  %m2 = tosa.matmul %y, %b2, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  return %m1, %m2 : tensor<1x3x3xf32>, tensor<1x3x1xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Convolution -> views -> convolution
//===----------------------------------------------------------------------===//

// The importer's NHWC -> NCHW -> NHWC transposes between two 1x1
// convolutions keep the channels whole. Ranges [-4, 4] and [-0.5, 0.5],
// weight rows of the consumer [1, 1]: alpha 0.5: s = [2, sqrt(0.5)];
// checked here with alpha 1 (s = [4, 0.5], exact): producer weights
// [1, 2] / s = [0.25, 4], bias [1, 2] / s = [0.25, 4]; consumer weights
// [1, 1] * s = [4, 0.5]. os_plus would shift, but the consumer pads: z = 0.
// CHECK-LABEL: func @convolution_views
// CHECK:         qc.smoothing = #qc.smoothing<smoothquant, alpha = 0.5, scales = [2.0, 0.7071067811865476], folded>
// ALPHA1-LABEL: func @convolution_views
// ALPHA1-DAG:     %[[W1:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[2.500000e-01]]], {{\[}}{{\[}}[4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// ALPHA1-DAG:     %[[B1:.+]] = arith.constant dense<[2.500000e-01, 4.000000e+00]> : tensor<2xf32>
// ALPHA1:         tosa.conv2d %{{.+}}, %[[W1]], %[[B1]], {{.*}}qc.smoothing = #qc.smoothing<smoothquant, alpha = 1.0, scales = [4.0, 0.5], folded>
// ALPHA1-NOT:     qc.stats
// ALPHA1:         %[[W2:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[4.000000e+00, 5.000000e-01]]]]> : tensor<1x1x1x2xf32>
// ALPHA1-NEXT:    tosa.conv2d %{{.+}}, %[[W2]]
// OSPLUS-LABEL: func @convolution_views
// OSPLUS:         shifts = [0.0, 0.0]
func.func @convolution_views(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b1 = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[1.0, 1.0]]]]> : tensor<1x1x1x2xf32>
  %b2 = arith.constant dense<[0.0]> : tensor<1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %c = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %nchw = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %nhwc = tosa.transpose %nchw {perms = array<i32: 0, 2, 3, 1>, qc.stats = #qc.stats<min = -4.0, max = 4.0, channels(axis = 3) = [-4.0 : 4.0, -0.5 : 0.5]>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %d = tosa.conv2d %nhwc, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2x1xf32>
  %s = tensor.extract_slice %d[0, 0, 0, 0] [1, 2, 2, 1] [1, 1, 1, 1] : tensor<1x3x2x1xf32> to tensor<1x2x2x1xf32>
  return %s : tensor<1x2x2x1xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Matmul with a bias add -> matmul with a bias add; imposed factors
//===----------------------------------------------------------------------===//

// Factors written by hand (method manual) are applied whatever the pass
// options: s = [2, 1], z = [1, 0]. Producer: columns of B [[1, 0], [0, 1]]
// / s = [[0.5, 0], [0, 1]], bias ([4, 5] - z) / s = [1.5, 5]. Consumer: rows
// of [[1], [3]] * s = [[2], [3]], its bias 5 + z W = 5 + 1 = 6.
// CHECK-LABEL: func @imposed_factors
// CHECK:         %[[BP:.+]] = arith.constant dense<{{\[}}{{\[}}[5.000000e-01, 0.000000e+00], [0.000000e+00, 1.000000e+00]]]> : tensor<1x2x2xf32>
// CHECK-NEXT:    %[[P:.+]] = tosa.matmul %{{.+}}, %[[BP]], {{.*}}qc.smoothing = #qc.smoothing<manual, scales = [2.0, 1.0], shifts = [1.0, 0.0], folded>
// CHECK-NEXT:    %[[BIASP:.+]] = arith.constant dense<{{\[}}{{\[}}[1.500000e+00, 5.000000e+00]]]> : tensor<1x1x2xf32>
// CHECK-NEXT:    %[[X:.+]] = tosa.add %[[P]], %[[BIASP]]
// CHECK-NEXT:    %[[BC:.+]] = arith.constant dense<{{\[}}{{\[}}[2.000000e+00], [3.000000e+00]]]> : tensor<1x2x1xf32>
// CHECK-NEXT:    %[[C:.+]] = tosa.matmul %[[X]], %[[BC]]
// CHECK-NEXT:    %[[BIASC:.+]] = arith.constant dense<6.000000e+00> : tensor<1x1x1xf32>
// CHECK-NEXT:    tosa.add %[[C]], %[[BIASC]]
func.func @imposed_factors(%a: tensor<1x1x2xf32>) -> tensor<1x1x1xf32> {
  %bp = arith.constant dense<[[[1.0, 0.0], [0.0, 1.0]]]> : tensor<1x2x2xf32>
  %biasp = arith.constant dense<[[[4.0, 5.0]]]> : tensor<1x1x2xf32>
  %bc = arith.constant dense<[[[1.0], [3.0]]]> : tensor<1x2x1xf32>
  %biasc = arith.constant dense<5.0> : tensor<1x1x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %p = tosa.matmul %a, %bp, %zp, %zp {qc.smoothing = #qc.smoothing<manual, scales = [2.0, 1.0], shifts = [1.0, 0.0]>} : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %x = tosa.add %p, %biasp : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %c = tosa.matmul %x, %bc, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  %y = tosa.add %c, %biasc : (tensor<1x1x1xf32>, tensor<1x1x1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}

// -----

//===----------------------------------------------------------------------===//
// No producer to fold into: an explicit multiply
//===----------------------------------------------------------------------===//

// Attention's output: P V (a matmul of two activations) with the heads
// merged by a transpose and a reshape, read by the output projection.
// Nothing folds, but the accumulator only feeds the views: the division is
// a multiply by 1 / s at the projection's input (where the channels are
// whole). Ranges max|X| = [4, 1, 1, 1], weight row maxima [1, 4, 1, 1]:
// s = [2, 0.5, 1, 1]; 1 / s = [0.5, 2, 1, 1]; B rows * s.
// CHECK-LABEL: func @attention_output
// CHECK:         %[[X:.+]] = tosa.reshape
// CHECK:         %[[F:.+]] = arith.constant dense<{{\[}}{{\[}}[5.000000e-01, 2.000000e+00, 1.000000e+00, 1.000000e+00]]]> : tensor<1x1x4xf32>
// CHECK:         %[[S:.+]] = tosa.mul %[[X]], %[[F]], %{{.+}} {qc.smoothing = #qc.smoothing<smoothquant, alpha = 0.5, scales = [2.0, 0.5, 1.0, 1.0], folded>}
// CHECK:         %[[B:.+]] = arith.constant dense<{{\[}}{{\[}}[2.000000e+00, 0.000000e+00], [5.000000e-01, 2.000000e+00], [0.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00]]]> : tensor<1x4x2xf32>
// CHECK:         tosa.matmul %[[S]], %[[B]],
// OSPLUS-LABEL: func @attention_output
// OSPLUS:         tosa.mul {{.*}}qc.smoothing = #qc.smoothing<os_plus,
// NOMUL-LABEL: func @attention_output
// NOMUL-NOT:     tosa.mul
// NOMUL-NOT:     qc.smoothing
func.func @attention_output(%p: tensor<2x3x4xf32>, %v: tensor<2x4x2xf32>) -> tensor<1x3x2xf32> {
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %pv = tosa.matmul %p, %v, %zp, %zp : (tensor<2x3x4xf32>, tensor<2x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x2xf32>
  %t = tosa.transpose %pv {perms = array<i32: 1, 0, 2>} : (tensor<2x3x2xf32>) -> tensor<3x2x2xf32>
  %shape = tosa.const_shape {values = dense<[1, 3, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x = tosa.reshape %t, %shape {qc.stats = #qc.stats<min = -4.0, max = 4.0, channels(axis = 2) = [-4.0 : 4.0, -1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0]>} : (tensor<3x2x2xf32>, !tosa.shape<3>) -> tensor<1x3x4xf32>
  %b = arith.constant dense<[[[1.0, 0.0], [1.0, 4.0], [0.0, 1.0], [1.0, 1.0]]]> : tensor<1x4x2xf32>
  %o = tosa.matmul %x, %b, %zp, %zp : (tensor<1x3x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  return %o : tensor<1x3x2xf32>
}

// -----

// A product of two activations times 0.5 (a spelled-out GELU's last op) is
// a producer: the factors fold into its constant, with or without
// explicit-multiply. max|X| = [4, 1], weight rows [1, 4]: s = [2, 0.5];
// 0.5 / s = [0.25, 1]; W * s = [[2], [2]].
// CHECK-LABEL: func @product_times_constant
// CHECK:         %[[H:.+]] = tosa.mul %arg0, %arg1,
// CHECK:         %[[F:.+]] = arith.constant dense<{{\[}}{{\[}}[2.500000e-01, 1.000000e+00]]]> : tensor<1x1x2xf32>
// CHECK:         %[[X:.+]] = tosa.mul %[[H]], %[[F]], %{{.+}} {qc.smoothing = #qc.smoothing<smoothquant, alpha = 0.5, scales = [2.0, 0.5], folded>}
// CHECK:         %[[W:.+]] = arith.constant dense<2.000000e+00> : tensor<1x2x1xf32>
// CHECK:         tosa.matmul %[[X]], %[[W]],
// NOMUL-LABEL: func @product_times_constant
// NOMUL:         qc.smoothing = #qc.smoothing<smoothquant, alpha = 0.5, scales = [2.0, 0.5], folded>
func.func @product_times_constant(%a: tensor<1x3x2xf32>, %b: tensor<1x3x2xf32>) -> tensor<1x3x1xf32> {
  %shift = arith.constant dense<0> : tensor<1xi8>
  %half = arith.constant dense<0.5> : tensor<1x1x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %h = tosa.mul %a, %b, %shift : (tensor<1x3x2xf32>, tensor<1x3x2xf32>, tensor<1xi8>) -> tensor<1x3x2xf32>
  %x = tosa.mul %h, %half, %shift {qc.stats = #qc.stats<min = -4.0, max = 4.0, channels(axis = 2) = [-4.0 : 4.0, -1.0 : 1.0]>} : (tensor<1x3x2xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<1x3x2xf32>
  %w = arith.constant dense<[[[1.0], [4.0]]]> : tensor<1x2x1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  return %y : tensor<1x3x1xf32>
}

// -----

// A spelled-out RMSNorm ends in a multiply by gamma of x * rsqrt(...), a
// product: the factors fold into gamma. max|X| = [4, 1], weight rows
// [1, 4]: s = [2, 0.5]; gamma [1.5, 2] / s = [0.75, 4].
// CHECK-LABEL: func @rms_norm_gamma
// CHECK:         %[[N:.+]] = tosa.mul %arg0, %{{.+}}, %{{.+}} : (tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1xi8>) -> tensor<1x3x2xf32>
// CHECK:         %[[GAMMA:.+]] = arith.constant dense<{{\[}}{{\[}}[7.500000e-01, 4.000000e+00]]]> : tensor<1x1x2xf32>
// CHECK:         tosa.mul %[[N]], %[[GAMMA]], %{{.+}} {qc.smoothing = #qc.smoothing<smoothquant, alpha = 0.5, scales = [2.0, 0.5], folded>}
func.func @rms_norm_gamma(%x: tensor<1x3x2xf32>) -> tensor<1x3x1xf32> {
  %shift = arith.constant dense<0> : tensor<1xi8>
  %epsilon = arith.constant dense<1.0e-05> : tensor<1x1x1xf32>
  %gamma = arith.constant dense<[[[1.5, 2.0]]]> : tensor<1x1x2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %square = tosa.mul %x, %x, %shift : (tensor<1x3x2xf32>, tensor<1x3x2xf32>, tensor<1xi8>) -> tensor<1x3x2xf32>
  %sum = tosa.reduce_sum %square {axis = 2 : i32} : (tensor<1x3x2xf32>) -> tensor<1x3x1xf32>
  %shifted = tosa.add %sum, %epsilon : (tensor<1x3x1xf32>, tensor<1x1x1xf32>) -> tensor<1x3x1xf32>
  %inverse = tosa.rsqrt %shifted : (tensor<1x3x1xf32>) -> tensor<1x3x1xf32>
  %normalized = tosa.mul %x, %inverse, %shift : (tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1xi8>) -> tensor<1x3x2xf32>
  %y = tosa.mul %normalized, %gamma, %shift {qc.stats = #qc.stats<min = -4.0, max = 4.0, channels(axis = 2) = [-4.0 : 4.0, -1.0 : 1.0]>} : (tensor<1x3x2xf32>, tensor<1x1x2xf32>, tensor<1xi8>) -> tensor<1x3x2xf32>
  %w = arith.constant dense<[[[1.0], [4.0]]]> : tensor<1x2x1xf32>
  %o = tosa.matmul %y, %w, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  return %o : tensor<1x3x1xf32>
}

// -----

// Factors imposed where nothing folds: a multiply by ones carries the
// decision. 1 / s = [0.5, 1]; the shift adds (0 - z) / s = [-0.5, 0] after
// it; W rows * s = [[2], [4]], and z W = [1] is added after the consumer.
// CHECK-LABEL: func @imposed_explicit_multiply
// CHECK:         %[[PV:.+]] = tosa.matmul %arg0, %arg1,
// CHECK:         %[[F:.+]] = arith.constant dense<{{\[}}{{\[}}[5.000000e-01, 1.000000e+00]]]> : tensor<1x1x2xf32>
// CHECK:         %[[S:.+]] = tosa.mul %[[PV]], %[[F]], %{{.+}} {qc.smoothing = #qc.smoothing<manual, scales = [2.0, 1.0], shifts = [1.0, 0.0], folded>}
// CHECK:         %[[Z:.+]] = arith.constant dense<{{\[}}{{\[}}[-5.000000e-01, 0.000000e+00]]]> : tensor<1x1x2xf32>
// CHECK:         %[[X:.+]] = tosa.add %[[S]], %[[Z]]
// CHECK:         %[[W:.+]] = arith.constant dense<{{\[}}{{\[}}[2.000000e+00], [4.000000e+00]]]> : tensor<1x2x1xf32>
// CHECK:         %[[Y:.+]] = tosa.matmul %[[X]], %[[W]],
// CHECK:         %[[C:.+]] = arith.constant dense<1.000000e+00> : tensor<1x1x1xf32>
// CHECK:         tosa.add %[[Y]], %[[C]]
func.func @imposed_explicit_multiply(%p: tensor<1x3x2xf32>, %v: tensor<1x2x2xf32>) -> tensor<1x3x1xf32> {
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %ones = arith.constant dense<1.0> : tensor<1x1x2xf32>
  %pv = tosa.matmul %p, %v, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  %x = tosa.mul %pv, %ones, %shift {qc.smoothing = #qc.smoothing<manual, scales = [2.0, 1.0], shifts = [1.0, 0.0]>} : (tensor<1x3x2xf32>, tensor<1x1x2xf32>, tensor<1xi8>) -> tensor<1x3x2xf32>
  %w = arith.constant dense<[[[1.0], [4.0]]]> : tensor<1x2x1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  return %y : tensor<1x3x1xf32>
}

// -----

// The accumulator is also read elsewhere (the transposed heads are
// returned): it is quantized on its own, so a multiply after it could only
// add a rounding. Left alone.
// CHECK-LABEL: func @accumulator_read_elsewhere
// CHECK-NOT:     tosa.mul
// CHECK-NOT:     qc.smoothing
// CHECK:         return
func.func @accumulator_read_elsewhere(%p: tensor<2x3x4xf32>, %v: tensor<2x4x2xf32>) -> (tensor<1x3x2xf32>, tensor<3x2x2xf32>) {
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %pv = tosa.matmul %p, %v, %zp, %zp : (tensor<2x3x4xf32>, tensor<2x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x2xf32>
  %t = tosa.transpose %pv {perms = array<i32: 1, 0, 2>} : (tensor<2x3x2xf32>) -> tensor<3x2x2xf32>
  %shape = tosa.const_shape {values = dense<[1, 3, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x = tosa.reshape %t, %shape {qc.stats = #qc.stats<min = -4.0, max = 4.0, channels(axis = 2) = [-4.0 : 4.0, -1.0 : 1.0, -1.0 : 1.0, -1.0 : 1.0]>} : (tensor<3x2x2xf32>, !tosa.shape<3>) -> tensor<1x3x4xf32>
  %b = arith.constant dense<[[[1.0, 0.0], [1.0, 4.0], [0.0, 1.0], [1.0, 1.0]]]> : tensor<1x4x2xf32>
  %o = tosa.matmul %x, %b, %zp, %zp : (tensor<1x3x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  return %o, %t : tensor<1x3x2xf32>, tensor<3x2x2xf32>
}

// -----

// A negative factor is no producer (it would not merely change scales), and
// a multiply by a constant is no accumulator to put an explicit one after.
// CHECK-LABEL: func @negative_factor
// CHECK-NOT:     qc.smoothing
// CHECK:         return
func.func @negative_factor(%a: tensor<1x3x2xf32>, %b: tensor<1x3x2xf32>) -> tensor<1x3x1xf32> {
  %shift = arith.constant dense<0> : tensor<1xi8>
  %factor = arith.constant dense<-0.5> : tensor<1x1x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %h = tosa.mul %a, %b, %shift : (tensor<1x3x2xf32>, tensor<1x3x2xf32>, tensor<1xi8>) -> tensor<1x3x2xf32>
  %x = tosa.mul %h, %factor, %shift {qc.stats = #qc.stats<min = -4.0, max = 4.0, channels(axis = 2) = [-4.0 : 4.0, -1.0 : 1.0]>} : (tensor<1x3x2xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<1x3x2xf32>
  %w = arith.constant dense<[[[1.0], [4.0]]]> : tensor<1x2x1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  return %y : tensor<1x3x1xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Groups left alone
//===----------------------------------------------------------------------===//

// No producer to fold into and no accumulator for an explicit multiply to
// fuse with (a function argument; an activation function between the
// linear ops), and another use of X (a residual add).
// CHECK-LABEL: func @no_foldable_producer
// CHECK-NOT:     qc.smoothing
// CHECK:         return
func.func @no_foldable_producer(%x: tensor<1x3x2xf32> {qc.stats = #qc.stats<min = -4.0, max = 4.0, channels(axis = 2) = [-4.0 : 4.0, -1.0 : 0.5]>}) -> tensor<1x3x1xf32> {
  %b = arith.constant dense<[[[0.25], [4.0]]]> : tensor<1x2x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %m = tosa.matmul %x, %b, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  return %m : tensor<1x3x1xf32>
}

// CHECK-LABEL: func @other_use
// CHECK-NOT:     qc.smoothing
// CHECK:         return
func.func @other_use(%x: tensor<1x3x2xf32>) -> (tensor<1x3x1xf32>, tensor<1x3x2xf32>) {
  %gamma = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[[[0.25], [4.0]]]> : tensor<1x2x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %y, %mean, %inv = qc.layer_norm %x, %gamma axis(2) epsilon(1.0e-05)
      {qc.stats = [#qc.stats<min = -4.0, max = 4.0, channels(axis = 2) = [-4.0 : 4.0, -1.0 : 0.5]>, unit, unit]}
      : (tensor<1x3x2xf32>, tensor<2xf32>) -> (tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>)
  %m = tosa.matmul %y, %b, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x1xf32>
  %r = tosa.add %x, %y : (tensor<1x3x2xf32>, tensor<1x3x2xf32>) -> tensor<1x3x2xf32>
  return %m, %r : tensor<1x3x1xf32>, tensor<1x3x2xf32>
}

// CHECK-LABEL: func @activation_between
// CHECK-NOT:     qc.smoothing
// CHECK:         return
func.func @activation_between(%a: tensor<1x1x2xf32>) -> tensor<1x1x1xf32> {
  %bp = arith.constant dense<[[[1.0, 0.0], [0.0, 1.0]]]> : tensor<1x2x2xf32>
  %bc = arith.constant dense<[[[1.0], [3.0]]]> : tensor<1x2x1xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %p = tosa.matmul %a, %bp, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %x = tosa.clamp %p {max_val = 6.0 : f32, min_val = 0.0 : f32, qc.stats = #qc.stats<min = 0.0, max = 4.0, channels(axis = 2) = [0.0 : 4.0, 0.0 : 0.5]>} : (tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %c = tosa.matmul %x, %bc, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %c : tensor<1x1x1xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Convolution -> depthwise convolution (only with `depthwise`)
//===----------------------------------------------------------------------===//

// Left alone by default: the depthwise weights are quantized per channel.
// With `depthwise`: ranges [-4, 4] and [-1, 1], depthwise weights [1, 4]:
// s = [sqrt(4) / sqrt(1), sqrt(1) / sqrt(4)] = [2, 0.5]; producer weights
// [1, 2] / s = [0.5, 4], bias [2, 1] / s = [1, 2]; depthwise weights * s =
// [2, 2].
// CHECK-LABEL: func @depthwise_consumer
// CHECK-NOT:     qc.smoothing
// CHECK:         return
// DEPTHWISE-LABEL: func @depthwise_consumer
// DEPTHWISE-DAG:     %[[PW:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}[5.000000e-01]]], {{\[}}{{\[}}[4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// DEPTHWISE-DAG:     %[[PB:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// DEPTHWISE:         %[[P:.+]] = tosa.conv2d %{{.+}}, %[[PW]], %[[PB]], {{.*}}qc.smoothing = #qc.smoothing<smoothquant, alpha = 0.5, scales = [2.0, 0.5], folded>
// DEPTHWISE:         %[[DW:.+]] = arith.constant dense<2.000000e+00> : tensor<1x1x2x1xf32>
// DEPTHWISE:         tosa.depthwise_conv2d %[[P]], %[[DW]],
func.func @depthwise_consumer(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %pw = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %pb = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %dw = arith.constant dense<[[[[1.0], [4.0]]]]> : tensor<1x1x2x1xf32>
  %db = arith.constant dense<0.0> : tensor<2xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %p = tosa.conv2d %x, %pw, %pb, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qc.stats = #qc.stats<min = -4.0, max = 4.0, channels(axis = 3) = [-4.0 : 4.0, -1.0 : 1.0]>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %d = tosa.depthwise_conv2d %p, %dw, %db, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %d : tensor<1x2x2x2xf32>
}

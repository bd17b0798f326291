// RUN: quant-opt %s --qc-smooth=alpha-search -verify-diagnostics

// Channel ranges but no sampled rows (statistics from a file without them):
// the search has nothing to measure on.
func.func @no_rows(%x: tensor<1x4x2xf32>) -> tensor<1x4x3xf32> {
  %gamma = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[[[0.25, -0.5, 1.0], [2.0, 1.0, -0.5]]]> : tensor<1x2x3xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %y, %mean, %inv = qc.layer_norm %x, %gamma axis(2) epsilon(1.0e-05)
      {qc.stats = [#qc.stats<min = -3.0, max = 12.0, channels(axis = 2) = [-3.0 : 12.0, -1.0 : 1.0]>, unit, unit]}
      : (tensor<1x4x2xf32>, tensor<2xf32>) -> (tensor<1x4x2xf32>, tensor<1x4x1xf32>, tensor<1x4x1xf32>)
  // expected-error@+1 {{'tosa.matmul' op input has no sampled rows (#qc.stats with rows), which qc-smooth's alpha-search measures error on; calibrate with this compiler (its statistics files hold them)}}
  %m = tosa.matmul %y, %b, %zp, %zp : (tensor<1x4x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3xf32>
  return %m : tensor<1x4x3xf32>
}

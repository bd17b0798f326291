// A linear layer with ReLU, y = relu(x W + b), computed two ways:
//   * in float, as the model was trained;
//   * integer-only: x quantized to int8 (scale 0.05), int8 x int8 -> int32
//     matmul against per-channel int8 weights (scales 0.01, 0.02, 0.005),
//     int32 bias at S_x * S_w, dyadic requantization to int8 (scale 0.1) with
//     the ReLU fused as a clamp, and a final dequantize.
//
// The requantization multipliers are M_c = S_x * S_w[c] / S_y =
// [0.005, 0.01, 0.0025] = 0.64 * 2^[-7, -6, -8], stored in gemmlowp form as
// round(0.64 * 2^31) = 1374389535 with right shifts 31 + [7, 6, 8].
//
// Run it with: quant-opt int8-linear.mlir --qc-lower-to-llvm | mlir-runner ...
// (scripts/run-example.sh does this).

!x_q = !quant.uniform<i8:f32, 0.05>

func.func @linear_float(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[0.5, -0.4, 0.5], [-0.3, 0.8, 0.3],
                             [0.2, 0.2, -0.2], [1.27, -2.54, 0.0]]> : tensor<4x3xf32>
  %b = arith.constant dense<[0.1, -0.05, 0.2]> : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x3xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>)
                      outs(%fill : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>,
                       affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%init : tensor<2x3xf32>) {
  ^bb0(%acc: f32, %bias: f32, %out: f32):
    %sum = arith.addf %acc, %bias : f32
    %relu = arith.maximumf %sum, %zero : f32
    linalg.yield %relu : f32
  } -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

func.func @linear_int8(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  // Weights W / S_w[c], int8, symmetric; bias b / (S_x * S_w[c]), int32.
  %w = arith.constant dense<[[50, -20, 100], [-30, 40, 60],
                             [20, 10, -40], [127, -127, 0]]> : tensor<4x3xi8>
  %b = arith.constant dense<[200, -50, 800]> : tensor<3xi32>
  %xq = qc.quantize %x : tensor<2x4xf32> -> tensor<2x4x!x_q>
  %xi = quant.scast %xq : tensor<2x4x!x_q> to tensor<2x4xi8>
  %c0 = arith.constant 0 : i32
  %init = tensor.empty() : tensor<2x3xi32>
  %fill = linalg.fill ins(%c0 : i32) outs(%init : tensor<2x3xi32>) -> tensor<2x3xi32>
  %acc = linalg.matmul ins(%xi, %w : tensor<2x4xi8>, tensor<4x3xi8>)
                       outs(%fill : tensor<2x3xi32>) -> tensor<2x3xi32>
  %biased = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>,
                       affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%acc, %b : tensor<2x3xi32>, tensor<3xi32>) outs(%init : tensor<2x3xi32>) {
  ^bb0(%a: i32, %bias: i32, %out: i32):
    %sum = arith.addi %a, %bias : i32
    linalg.yield %sum : i32
  } -> tensor<2x3xi32>
  %yi = qc.requant %biased
      by(#qc.dyadic<per_axis = 1, [1374389535 * 2**-38, 1374389535 * 2**-37, 1374389535 * 2**-39]>)
      clamp [0, 127] : tensor<2x3xi32> -> tensor<2x3xi8>
  %yq = quant.scast %yi : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.1>>
  %y = qc.dequantize %yq : tensor<2x3x!quant.uniform<i8:f32, 0.1>> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[0.5, -0.25, 1.0, 0.1], [2.0, 0.3, -0.6, 0.05]]> : tensor<2x4xf32>
  %f = func.call @linear_float(%x) : (tensor<2x4xf32>) -> tensor<2x3xf32>
  %fu = tensor.cast %f : tensor<2x3xf32> to tensor<*xf32>
  func.call @printMemrefF32(%fu) : (tensor<*xf32>) -> ()
  %q = func.call @linear_int8(%x) : (tensor<2x4xf32>) -> tensor<2x3xf32>
  %qu = tensor.cast %q : tensor<2x3xf32> to tensor<*xf32>
  func.call @printMemrefF32(%qu) : (tensor<*xf32>) -> ()
  return
}

// RUN: quant-opt %s --split-input-file --qc-raise-layer-norm | FileCheck %s

// Layer normalization as the ONNX importer spells ReduceMean, Sub, Pow,
// ReduceMean, Add, Sqrt, Div, Mul and Add (opset < 17) becomes one
// qc.layer_norm; scale and bias are reshaped to the normalized shape
// (constant reshapes fold).

#map = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0, 0)>

// CHECK-LABEL: func @importer_spelling
// CHECK-SAME:    (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-DAG:     %[[BN:.+]] = "tosa.const"() <{values = dense<[1.000000e-01, -2.000000e-01, 3.000000e-01]> : tensor<3xf32>}>
// CHECK-DAG:     %[[GN:.+]] = "tosa.const"() <{values = dense<[1.000000e+00, 2.000000e+00, 5.000000e-01]> : tensor<3xf32>}>
// CHECK:         %[[Y:.+]], %{{.+}}, %{{.+}} = qc.layer_norm %[[X]], %[[GN]], %[[BN]] axis(1) epsilon(9.9999997473787516E-6)
// CHECK-NEXT:    return %[[Y]]
func.func @importer_spelling(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %g = arith.constant dense<[1.0, 2.0, 0.5]> : tensor<3xf32>
  %b = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  %sum = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<2x1xf32>
  %mean = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%sum : tensor<2x1xf32>) outs(%e0 : tensor<2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.constant 0.333333343 : f32
    %r = arith.mulf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x1xf32>
  %centered = tosa.sub %x, %mean : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %e1 = tensor.empty() : tensor<2x3xf32>
  %squares = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%centered : tensor<2x3xf32>) outs(%e1 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %two = arith.constant 2.000000e+00 : f32
    %r = math.powf %in, %two : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %sqsum = tosa.reduce_sum %squares {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %e2 = tensor.empty() : tensor<2x1xf32>
  %variance = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%sqsum : tensor<2x1xf32>) outs(%e2 : tensor<2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.constant 0.333333343 : f32
    %r = arith.mulf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x1xf32>
  %s1 = tosa.const_shape {values = dense<1> : tensor<2xindex>} : () -> !tosa.shape<2>
  %epsr = tosa.reshape %eps, %s1 : (tensor<f32>, !tosa.shape<2>) -> tensor<1x1xf32>
  %shifted = tosa.add %variance, %epsr : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %e3 = tensor.empty() : tensor<2x1xf32>
  %std = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%shifted : tensor<2x1xf32>) outs(%e3 : tensor<2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<2x1xf32>
  %e4 = tensor.empty() : tensor<2x3xf32>
  %normalized = linalg.generic {indexing_maps = [#map, #row, #map], iterator_types = ["parallel", "parallel"]} ins(%centered, %std : tensor<2x3xf32>, tensor<2x1xf32>) outs(%e4 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.divf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %s2 = tosa.const_shape {values = dense<[1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %gr = tosa.reshape %g, %s2 : (tensor<3xf32>, !tosa.shape<2>) -> tensor<1x3xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %scaled = tosa.mul %normalized, %gr, %shift : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  %br = tosa.reshape %b, %s2 : (tensor<3xf32>, !tosa.shape<2>) -> tensor<1x3xf32>
  %y = tosa.add %scaled, %br : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Over the two trailing dimensions, with the means as tosa.mul by a splat,
// the squares as a product with itself, epsilon added in a linalg.generic
// and no bias. (The reshapes of constants fold.)

#map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row = affine_map<(d0, d1, d2) -> (d0, 0, 0)>

// CHECK-LABEL: func @two_axes_no_bias
// CHECK-SAME:    (%[[X:.+]]: tensor<2x2x3xf32>)
// CHECK:         %[[Y:.+]], %{{.+}}, %{{.+}} = qc.layer_norm %[[X]], %{{.+}} axis(1) epsilon(0.0010000000474974513) : (tensor<2x2x3xf32>, tensor<2x3xf32>) -> (tensor<2x2x3xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
// CHECK-NEXT:    return %[[Y]]
func.func @two_axes_no_bias(%x: tensor<2x2x3xf32>) -> tensor<2x2x3xf32> {
  %g = arith.constant dense<[[[1.0, 2.0, 0.5], [1.5, 1.0, 0.25]]]> : tensor<1x2x3xf32>
  %sixth = arith.constant dense<0.166666672> : tensor<1x1x1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %sum1 = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x2x3xf32>) -> tensor<2x1x3xf32>
  %sum = tosa.reduce_sum %sum1 {axis = 2 : i32} : (tensor<2x1x3xf32>) -> tensor<2x1x1xf32>
  %mean = tosa.mul %sum, %sixth, %shift : (tensor<2x1x1xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<2x1x1xf32>
  %centered = tosa.sub %x, %mean : (tensor<2x2x3xf32>, tensor<2x1x1xf32>) -> tensor<2x2x3xf32>
  %squares = tosa.mul %centered, %centered, %shift : (tensor<2x2x3xf32>, tensor<2x2x3xf32>, tensor<1xi8>) -> tensor<2x2x3xf32>
  %sq1 = tosa.reduce_sum %squares {axis = 2 : i32} : (tensor<2x2x3xf32>) -> tensor<2x2x1xf32>
  %sqsum = tosa.reduce_sum %sq1 {axis = 1 : i32} : (tensor<2x2x1xf32>) -> tensor<2x1x1xf32>
  %variance = tosa.mul %sixth, %sqsum, %shift : (tensor<1x1x1xf32>, tensor<2x1x1xf32>, tensor<1xi8>) -> tensor<2x1x1xf32>
  %e0 = tensor.empty() : tensor<2x1x1xf32>
  %shifted = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%variance : tensor<2x1x1xf32>) outs(%e0 : tensor<2x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %eps = arith.constant 1.000000e-03 : f32
    %r = arith.addf %eps, %in : f32
    linalg.yield %r : f32
  } -> tensor<2x1x1xf32>
  %e1 = tensor.empty() : tensor<2x1x1xf32>
  %std = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%shifted : tensor<2x1x1xf32>) outs(%e1 : tensor<2x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<2x1x1xf32>
  %e2 = tensor.empty() : tensor<2x2x3xf32>
  %normalized = linalg.generic {indexing_maps = [#map, #row, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%centered, %std : tensor<2x2x3xf32>, tensor<2x1x1xf32>) outs(%e2 : tensor<2x2x3xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.divf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<2x2x3xf32>
  %y = tosa.mul %g, %normalized, %shift : (tensor<1x2x3xf32>, tensor<2x2x3xf32>, tensor<1xi8>) -> tensor<2x2x3xf32>
  return %y : tensor<2x2x3xf32>
}

// -----

// Not layer normalizations: the centered values are used elsewhere too,
// the means' factor is not 1/N, the scale is not a constant, the scale
// varies along a dimension that is not normalized. The control case
// (@spelled_with_tosa_ops) is one.

#map = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0, 0)>

// CHECK-LABEL: func @spelled_with_tosa_ops
// CHECK:         qc.layer_norm
func.func @spelled_with_tosa_ops(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  %g = arith.constant dense<[[1.0, 2.0, 0.5]]> : tensor<1x3xf32>
  %factor = arith.constant dense<0.333333343> : tensor<1x1xf32>
  %eps = arith.constant dense<1.0e-05> : tensor<1x1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %sum = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %mean = tosa.mul %sum, %factor, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %centered = tosa.sub %x, %mean : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %squares = tosa.mul %centered, %centered, %shift : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  %sqsum = tosa.reduce_sum %squares {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %variance = tosa.mul %sqsum, %factor, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %shifted = tosa.add %variance, %eps : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<2x1xf32>
  %std = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%shifted : tensor<2x1xf32>) outs(%e0 : tensor<2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<2x1xf32>
  %e1 = tensor.empty() : tensor<2x3xf32>
  %normalized = linalg.generic {indexing_maps = [#map, #row, #map], iterator_types = ["parallel", "parallel"]} ins(%centered, %std : tensor<2x3xf32>, tensor<2x1xf32>) outs(%e1 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.divf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %y = tosa.mul %normalized, %g, %shift : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func @centered_used_twice
// CHECK-NOT:     qc.layer_norm
// CHECK:         return
func.func @centered_used_twice(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %g = arith.constant dense<[[1.0, 2.0, 0.5]]> : tensor<1x3xf32>
  %factor = arith.constant dense<0.333333343> : tensor<1x1xf32>
  %eps = arith.constant dense<1.0e-05> : tensor<1x1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %sum = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %mean = tosa.mul %sum, %factor, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %centered = tosa.sub %x, %mean : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %squares = tosa.mul %centered, %centered, %shift : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  %sqsum = tosa.reduce_sum %squares {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %variance = tosa.mul %sqsum, %factor, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %shifted = tosa.add %variance, %eps : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<2x1xf32>
  %std = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%shifted : tensor<2x1xf32>) outs(%e0 : tensor<2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<2x1xf32>
  %e1 = tensor.empty() : tensor<2x3xf32>
  %normalized = linalg.generic {indexing_maps = [#map, #row, #map], iterator_types = ["parallel", "parallel"]} ins(%centered, %std : tensor<2x3xf32>, tensor<2x1xf32>) outs(%e1 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.divf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %y = tosa.mul %normalized, %g, %shift : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  return %y, %centered : tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func @mean_factor_not_one_over_n
// CHECK-NOT:     qc.layer_norm
// CHECK:         return
func.func @mean_factor_not_one_over_n(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  %g = arith.constant dense<[[1.0, 2.0, 0.5]]> : tensor<1x3xf32>
  %factor = arith.constant dense<0.5> : tensor<1x1xf32>
  %eps = arith.constant dense<1.0e-05> : tensor<1x1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %sum = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %mean = tosa.mul %sum, %factor, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %centered = tosa.sub %x, %mean : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %squares = tosa.mul %centered, %centered, %shift : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  %sqsum = tosa.reduce_sum %squares {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %variance = tosa.mul %sqsum, %factor, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %shifted = tosa.add %variance, %eps : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<2x1xf32>
  %std = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%shifted : tensor<2x1xf32>) outs(%e0 : tensor<2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<2x1xf32>
  %e1 = tensor.empty() : tensor<2x3xf32>
  %normalized = linalg.generic {indexing_maps = [#map, #row, #map], iterator_types = ["parallel", "parallel"]} ins(%centered, %std : tensor<2x3xf32>, tensor<2x1xf32>) outs(%e1 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.divf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %y = tosa.mul %normalized, %g, %shift : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func @scale_not_constant
// CHECK-NOT:     qc.layer_norm
// CHECK:         return
func.func @scale_not_constant(%x: tensor<2x3xf32>, %g: tensor<1x3xf32>) -> (tensor<2x3xf32>) {
  %factor = arith.constant dense<0.333333343> : tensor<1x1xf32>
  %eps = arith.constant dense<1.0e-05> : tensor<1x1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %sum = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %mean = tosa.mul %sum, %factor, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %centered = tosa.sub %x, %mean : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %squares = tosa.mul %centered, %centered, %shift : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  %sqsum = tosa.reduce_sum %squares {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %variance = tosa.mul %sqsum, %factor, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %shifted = tosa.add %variance, %eps : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<2x1xf32>
  %std = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%shifted : tensor<2x1xf32>) outs(%e0 : tensor<2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<2x1xf32>
  %e1 = tensor.empty() : tensor<2x3xf32>
  %normalized = linalg.generic {indexing_maps = [#map, #row, #map], iterator_types = ["parallel", "parallel"]} ins(%centered, %std : tensor<2x3xf32>, tensor<2x1xf32>) outs(%e1 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.divf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %y = tosa.mul %normalized, %g, %shift : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func @scale_varies_along_rows
// CHECK-NOT:     qc.layer_norm
// CHECK:         return
func.func @scale_varies_along_rows(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  %g = arith.constant dense<[[1.0, 2.0, 0.5], [1.0, 2.0, 0.5]]> : tensor<2x3xf32>
  %factor = arith.constant dense<0.333333343> : tensor<1x1xf32>
  %eps = arith.constant dense<1.0e-05> : tensor<1x1xf32>
  %shift = arith.constant dense<0> : tensor<1xi8>
  %sum = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %mean = tosa.mul %sum, %factor, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %centered = tosa.sub %x, %mean : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %squares = tosa.mul %centered, %centered, %shift : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  %sqsum = tosa.reduce_sum %squares {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  %variance = tosa.mul %sqsum, %factor, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %shifted = tosa.add %variance, %eps : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<2x1xf32>
  %std = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%shifted : tensor<2x1xf32>) outs(%e0 : tensor<2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<2x1xf32>
  %e1 = tensor.empty() : tensor<2x3xf32>
  %normalized = linalg.generic {indexing_maps = [#map, #row, #map], iterator_types = ["parallel", "parallel"]} ins(%centered, %std : tensor<2x3xf32>, tensor<2x1xf32>) outs(%e1 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.divf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  %y = tosa.mul %normalized, %g, %shift : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

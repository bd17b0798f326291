// Tests qc-fuse-elementwise: elementwise chains, transposes, broadcasts and
// maps fuse into one linalg.generic; producers with several consumers,
// convolutions, contractions and fills are not fused; producers of reductions.
// RUN: quant-opt %s --split-input-file --qc-fuse-elementwise --mlir-print-local-scope | FileCheck %s

// add -> relu: one generic reading both inputs, its body the add then the max.
// CHECK-LABEL: func @chain
// CHECK-SAME:    (%[[A:.+]]: tensor<4x8xf32>, %[[B:.+]]: tensor<4x8xf32>)
// CHECK:         %[[R:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK:           %[[S:.+]] = arith.addf
// CHECK-NEXT:      %[[M:.+]] = arith.maximumf %[[S]],
// CHECK-NEXT:      linalg.yield %[[M]]
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[R]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @chain(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %x, %z : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

// linalg.map ops are generalized and fuse like generics.
// CHECK-LABEL: func @map_chain
// CHECK-SAME:    (%[[A:.+]]: tensor<4x8xf32>, %[[B:.+]]: tensor<4x8xf32>)
// CHECK-NOT:     linalg.map
// CHECK:         %[[R:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK:           %[[ABS:.+]] = math.absf
// CHECK-NEXT:      %[[S:.+]] = arith.addf %[[ABS]],
// CHECK-NEXT:      linalg.yield %[[S]]
// CHECK-NOT:     linalg.generic
// CHECK-NOT:     linalg.map
// CHECK:         return %[[R]]
func.func @map_chain(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %n = linalg.map { math.absf } ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>)
  %m = linalg.map { arith.addf } ins(%n, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>)
  return %m : tensor<4x8xf32>
}

// -----

// A layout transpose becomes the indexing map of the operand it feeds: with
// permutation [1, 2, 0], result (d0, d1, d2) reads input (d2, d0, d1).
// CHECK-LABEL: func @transpose
// CHECK-SAME:    (%[[A:.+]]: tensor<2x3x4xf32>, %[[B:.+]]: tensor<3x4x2xf32>)
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[R:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME:      ins(%[[A]], %[[B]] : tensor<2x3x4xf32>, tensor<3x4x2xf32>)
// CHECK:           arith.mulf
// CHECK-NOT:     linalg.generic
// CHECK-NOT:     linalg.transpose
// CHECK:         return %[[R]]
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @transpose(%a: tensor<2x3x4xf32>, %b: tensor<3x4x2xf32>) -> tensor<3x4x2xf32> {
  %e = tensor.empty() : tensor<3x4x2xf32>
  %t = linalg.transpose ins(%a : tensor<2x3x4xf32>) outs(%e : tensor<3x4x2xf32>) permutation = [1, 2, 0]
  %0 = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%t, %b : tensor<3x4x2xf32>, tensor<3x4x2xf32>) outs(%e : tensor<3x4x2xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    linalg.yield %m : f32
  } -> tensor<3x4x2xf32>
  return %0 : tensor<3x4x2xf32>
}

// -----

// A broadcast along dimension 0 becomes a (d0, d1) -> (d1) read of the
// unbroadcast vector.
// CHECK-LABEL: func @broadcast
// CHECK-SAME:    (%[[V:.+]]: tensor<8xf32>, %[[B:.+]]: tensor<4x8xf32>)
// CHECK-NOT:     linalg.broadcast
// CHECK:         %[[R:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-SAME:      ins(%[[B]], %[[V]] : tensor<4x8xf32>, tensor<8xf32>)
// CHECK:           arith.subf
// CHECK-NOT:     linalg.generic
// CHECK-NOT:     linalg.broadcast
// CHECK:         return %[[R]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @broadcast(%v: tensor<8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %t = linalg.broadcast ins(%v : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b, %t : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.subf %x, %y : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// exp has two consumers: it stays a generic of its own that both read, and
// neither consumer recomputes it.
// CHECK-LABEL: func @two_consumers
// CHECK-SAME:    (%[[A:.+]]: tensor<4x8xf32>)
// CHECK:         %[[P:.+]] = linalg.generic {{.*}} ins(%[[A]] : tensor<4x8xf32>)
// CHECK:           math.exp
// CHECK:         %[[N:.+]] = linalg.generic {{.*}} ins(%[[P]] : tensor<4x8xf32>)
// CHECK-NOT:       math.exp
// CHECK:           arith.negf
// CHECK:         %[[Q:.+]] = linalg.generic {{.*}} ins(%[[P]] : tensor<4x8xf32>)
// CHECK-NOT:       math.exp
// CHECK:           math.sqrt
// CHECK:         return %[[N]], %[[Q]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @two_consumers(%a: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = math.exp %x : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.negf %x : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = math.sqrt %x : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %1, %2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Convolutions, matmuls and their zero fills keep their named forms; an
// elementwise producer of the matmul's operand is not fused into it, and the
// bias add and ReLU after it fuse with each other but not with the matmul.
// CHECK-LABEL: func @named
// CHECK-SAME:    (%[[I:.+]]: tensor<1x8x8x4xf32>, %[[F:.+]]: tensor<3x3x4x16xf32>, %[[A:.+]]: tensor<4x8xf32>, %[[B:.+]]: tensor<8x16xf32>, %[[BIAS:.+]]: tensor<4x16xf32>)
// CHECK:         %[[F0:.+]] = linalg.fill {{.*}} -> tensor<1x6x6x16xf32>
// CHECK:         %[[C:.+]] = linalg.conv_2d_nhwc_hwcf
// CHECK-SAME:      ins(%[[I]], %[[F]] : tensor<1x8x8x4xf32>, tensor<3x3x4x16xf32>) outs(%[[F0]] : tensor<1x6x6x16xf32>)
// CHECK:         %[[NEG:.+]] = linalg.generic {{.*}} ins(%[[A]] : tensor<4x8xf32>)
// CHECK:           arith.negf
// CHECK:         %[[F1:.+]] = linalg.fill {{.*}} -> tensor<4x16xf32>
// CHECK:         %[[MM:.+]] = linalg.matmul ins(%[[NEG]], %[[B]] : tensor<4x8xf32>, tensor<8x16xf32>) outs(%[[F1]] : tensor<4x16xf32>)
// CHECK:         %[[R:.+]] = linalg.generic {{.*}} ins(%[[MM]], %[[BIAS]] : tensor<4x16xf32>, tensor<4x16xf32>)
// CHECK:           %[[S:.+]] = arith.addf
// CHECK-NEXT:      %[[M:.+]] = arith.maximumf %[[S]],
// CHECK-NEXT:      linalg.yield %[[M]]
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[C]], %[[R]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @named(%i: tensor<1x8x8x4xf32>, %f: tensor<3x3x4x16xf32>, %a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %bias: tensor<4x16xf32>) -> (tensor<1x6x6x16xf32>, tensor<4x16xf32>) {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x6x6x16xf32>
  %fi = linalg.fill ins(%z : f32) outs(%e : tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%i, %f : tensor<1x8x8x4xf32>, tensor<3x3x4x16xf32>) outs(%fi : tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  %ea = tensor.empty() : tensor<4x8xf32>
  %na = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%ea : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x8xf32>
  %e2 = tensor.empty() : tensor<4x16xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = linalg.matmul ins(%na, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f2 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %bias : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e2 : tensor<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%sum : tensor<4x16xf32>) outs(%e2 : tensor<4x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m0 = arith.maximumf %x, %z : f32
    linalg.yield %m0 : f32
  } -> tensor<4x16xf32>
  return %c, %relu : tensor<1x6x6x16xf32>, tensor<4x16xf32>
}

// -----

// An elementwise producer fuses into the reduction it feeds (exp, then the
// accumulation, over the reduction's iteration space); the reduction's result
// does not fuse into its elementwise consumer.
// CHECK-LABEL: func @reduction
// CHECK-SAME:    (%[[A:.+]]: tensor<4x8xf32>, %[[INIT:.+]]: tensor<4xf32>)
// CHECK:         %[[RED:.+]] = linalg.generic
// CHECK-SAME:      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>]
// CHECK-SAME:      iterator_types = ["parallel", "reduction"]
// CHECK-SAME:      ins(%[[A]] : tensor<4x8xf32>) outs(%[[INIT]] : tensor<4xf32>)
// CHECK:           %[[X:.+]] = math.exp
// CHECK-NEXT:      %[[S:.+]] = arith.addf %[[X]],
// CHECK-NEXT:      linalg.yield %[[S]]
// CHECK:         %[[R:.+]] = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel"]
// CHECK-SAME:      ins(%[[RED]] : tensor<4xf32>)
// CHECK:           math.sqrt
// CHECK:         return %[[R]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @reduction(%a: tensor<4x8xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = math.exp %x : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %1 = linalg.generic {indexing_maps = [#id, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%0 : tensor<4x8xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %x, %o : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %e1 = tensor.empty() : tensor<4xf32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%1 : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = math.sqrt %x : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %2 : tensor<4xf32>
}

// RUN: quant-opt %s --split-input-file --qc-gpu-parallel-dims-first | FileCheck %s

// qc-lower-packed-matmul's partial sums, loops (m, g, block, lane, n):
// n moves before the reductions, the maps and linalg.index follow.
// CHECK-DAG: #[[X:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d2)>
// CHECK-DAG: #[[SUMS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-LABEL: func @partial_sums
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[SUMS]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK:   linalg.index 4 : index
#x = affine_map<(m, g, block, lane, n) -> (m, g, block, lane)>
#w = affine_map<(m, g, block, lane, n) -> (g, block, n)>
#sums = affine_map<(m, g, block, lane, n) -> (m, g, n)>
func.func @partial_sums(%x: tensor<2x4x2x8xi8>, %w: tensor<4x2x16xi32>, %init: tensor<2x4x16xi32>) -> tensor<2x4x16xi32> {
  %0 = linalg.generic {indexing_maps = [#x, #w, #sums], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%x, %w : tensor<2x4x2x8xi8>, tensor<4x2x16xi32>) outs(%init : tensor<2x4x16xi32>) {
  ^bb0(%a: i8, %b: i32, %acc: i32):
    %lane = linalg.index 3 : index
    %shift = arith.index_cast %lane : index to i32
    %field = arith.shrui %b, %shift : i32
    %wide = arith.extsi %a : i8 to i32
    %product = arith.muli %wide, %field : i32
    %sum = arith.addi %acc, %product : i32
    linalg.yield %sum : i32
  } -> tensor<2x4x16xi32>
  return %0 : tensor<2x4x16xi32>
}

// -----

// Parallel dimensions already first (a row sum): unchanged.
// CHECK-LABEL: func @row_sums
// CHECK: iterator_types = ["parallel", "reduction"]
#in = affine_map<(i, j) -> (i, j)>
#out = affine_map<(i, j) -> (i)>
func.func @row_sums(%x: tensor<4x8xi32>, %init: tensor<4xi32>) -> tensor<4xi32> {
  %0 = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xi32>) outs(%init : tensor<4xi32>) {
  ^bb0(%a: i32, %acc: i32):
    %sum = arith.addi %acc, %a : i32
    linalg.yield %sum : i32
  } -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// A linalg.reduce over a middle dimension (a sum over height, as rec's
// pooling spells it) becomes a generic with the reduction last.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func @reduce_middle
// CHECK-NOT: linalg.reduce
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK:   arith.addi
func.func @reduce_middle(%x: tensor<1x4x6x8xi32>, %init: tensor<1x4x8xi32>) -> tensor<1x4x8xi32> {
  %0 = linalg.reduce ins(%x : tensor<1x4x6x8xi32>) outs(%init : tensor<1x4x8xi32>) dimensions = [2]
    (%a: i32, %acc: i32) {
      %sum = arith.addi %acc, %a : i32
      linalg.yield %sum : i32
    }
  return %0 : tensor<1x4x8xi32>
}

// -----

// A reduction over everything (no parallel dimension): unchanged.
// CHECK-LABEL: func @total
// CHECK: linalg.reduce
func.func @total(%x: tensor<8xi32>, %init: tensor<i32>) -> tensor<i32> {
  %0 = linalg.reduce ins(%x : tensor<8xi32>) outs(%init : tensor<i32>) dimensions = [0]
    (%a: i32, %acc: i32) {
      %sum = arith.addi %acc, %a : i32
      linalg.yield %sum : i32
    }
  return %0 : tensor<i32>
}

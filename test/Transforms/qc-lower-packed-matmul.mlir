// qc-lower-packed-matmul: the weights' bit planes become word constants
// [K / G, G / 8, N], the generic unpacks each lane from them, and groups
// combine in i64. The arithmetic is checked by running it
// (test/e2e/packed-matmul-exec.mlir); here the structure.
//
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-lower-packed-matmul | FileCheck %s
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-lower-packed-matmul=partial-sum-length=8 | FileCheck %s --check-prefix=PARTIAL
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-lower-packed-matmul=partial-sum-length=12 | FileCheck %s --check-prefix=WHOLE
// RUN: not quant-opt %s --qc-lower-packed-matmul=partial-sum-length=-8 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-lower-packed-matmul=unpack-min-rows=4 | FileCheck %s --check-prefix=UNPACK
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qc-lower-packed-matmul=unpack-min-rows=5 | FileCheck %s --check-prefix=WHOLE
// RUN: not quant-opt %s --qc-lower-packed-matmul=unpack-min-rows=-1 2>&1 | FileCheck %s --check-prefix=NEGATIVE-ROWS

// 3 bits in groups of 8 (the weights of test/IR/canonicalize.mlir): the
// 2-bit plane's words are row 0's 0x5555 (group 0) and 0x000F (group 1),
// row 1's 0xFFFF and 0x0005; the 1-bit plane's 0x00, 0x03 and 0xFF, 0x00.
// With input_zp 2 the partial sums start at -2 * (sum of the group's
// weights): row 0: -2 * 8, -2 * -2; row 1: -2 * -8, -2 * 2.
// CHECK-DAG: #[[INPUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[PLANE:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d4)>
// CHECK-DAG: #[[SUMS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4)>
// CHECK-LABEL: func @groups
// CHECK-DAG: %[[LOW:.+]] = arith.constant dense<{{\[\[\[}}21845, -1]], {{\[\[}}15, 5]]]> : tensor<2x1x2xi16>
// CHECK-DAG: %[[HIGH:.+]] = arith.constant dense<{{\[\[\[}}0, -1]], {{\[\[}}3, 0]]]> : tensor<2x1x2xi8>
// CHECK: %[[X:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2, 3]] output_shape [%{{.+}}, 2, 1, 8] : tensor<?x16xi8> into tensor<?x2x1x8xi8>
// CHECK: %[[ZP:.+]] = arith.constant dense<{{\[}}[-16, 16], [4, -4]]> : tensor<2x2xi32>
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[ZP]] : tensor<2x2xi32>)
// CHECK: %[[P:.+]] = linalg.generic {indexing_maps = [#[[INPUT]], #[[PLANE]], #[[PLANE]], #[[SUMS]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%[[X]], %[[LOW]], %[[HIGH]] : {{.*}}) outs(%[[INIT]] : tensor<?x2x2xi32>)
// CHECK:   linalg.index 3
// CHECK:   arith.shrui
// CHECK:   arith.andi
// CHECK:   arith.ori
// CHECK:   arith.shli {{.*}} : i32
// CHECK:   arith.shrsi {{.*}} : i32
// CHECK:   arith.muli {{.*}} : i32
// CHECK:   arith.addi {{.*}} : i32
// The group sums in i64 from 2^(S-1) = 2, then >> 2.
// CHECK: %[[ROUND:.+]] = linalg.fill ins(%{{.+}} : i64) outs(%{{.+}} : tensor<?x2xi64>)
// CHECK: %[[C:.+]] = linalg.generic {{.*}} ins(%[[P]], %{{.+}} : tensor<?x2x2xi32>, tensor<2x2xi32>) outs(%[[ROUND]] : tensor<?x2xi64>)
// CHECK:   arith.muli {{.*}} : i64
// CHECK: linalg.generic {{.*}} ins(%[[C]] : tensor<?x2xi64>) outs(%{{.+}} : tensor<?x2xi32>)
// CHECK:   arith.shrsi
// CHECK:   arith.trunci
func.func @groups(%x: tensor<?x16xi8>) -> tensor<?x2xi32> {
  %w = arith.constant dense<[[85, 85, 0, 15, 0, 3], [-1, -1, -1, 5, 0, 0]]> : tensor<2x6xi8>
  %0 = qc.packed_matmul %x, %w bits(3) input_zp(2) groups(8, [1, 1, 1, 1], shift 2) : tensor<?x16xi8>, tensor<2x6xi8> -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

// Without groups: 8 bits are one plane of 64-bit words, no zero point
// starts from zero, and the [M, 1, N] sums are the result.
// CHECK-LABEL: func @per_channel
// CHECK: arith.constant dense<{{.*}}> : tensor<1x2x3xi64>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : i32) outs(%{{.+}} : tensor<4x1x3xi32>)
// CHECK: %[[P:.+]] = linalg.generic {{.*}} outs(%[[INIT]] : tensor<4x1x3xi32>)
// CHECK: tensor.collapse_shape %[[P]] {{\[}}[0, 1], [2]] : tensor<4x1x3xi32> into tensor<4x3xi32>

// partial-sum-length=8 splits K = 16 into two sums of 8 (a GPU's threads),
// laid out like groups, and adds them in i32; 12 divides K into no whole
// words, so there is one sum as without the option. Groups keep their own.
// PARTIAL-LABEL: func @groups
// PARTIAL:       tensor<2x1x2xi16>
// PARTIAL-LABEL: func @per_channel
// PARTIAL:       arith.constant dense<{{.*}}> : tensor<2x1x3xi64>
// PARTIAL:       %[[INIT:.+]] = linalg.fill ins(%{{.+}} : i32) outs(%{{.+}} : tensor<4x2x3xi32>)
// PARTIAL:       %[[P:.+]] = linalg.generic {{.*}} outs(%[[INIT]] : tensor<4x2x3xi32>)
// PARTIAL:       %[[ZERO:.+]] = linalg.fill ins(%{{.+}} : i32) outs(%{{.+}} : tensor<4x3xi32>)
// PARTIAL:       linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[P]] : tensor<4x2x3xi32>) outs(%[[ZERO]] : tensor<4x3xi32>)
// PARTIAL-NEXT:  ^bb0(%[[SUM:.+]]: i32, %[[ACC:.+]]: i32):
// PARTIAL-NEXT:    arith.addi %[[ACC]], %[[SUM]] : i32
// WHOLE-LABEL:   func @per_channel
// WHOLE:         tensor.collapse_shape {{.*}} : tensor<4x1x3xi32> into tensor<4x3xi32>
// NEGATIVE:      error: qc-lower-packed-matmul: partial-sum-length must be 0 or positive, got -8

// unpack-min-rows=4: @per_channel's 4 static rows unpack the weights to
// int8 [N, K] (a generic over (n, block, lane) on the [1, K / 8, N] planes,
// collapsed) for a transposed-B int8 matmul; 5 rows would be needed with
// unpack-min-rows=5 (one sum, as WHOLE checks). @groups (dynamic rows,
// groups) keeps its partial sums.
// UNPACK-LABEL:  func @groups
// UNPACK:        linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]
// UNPACK:        affine_map<(d0, d1, d2) -> (0, d1, d0)>
// UNPACK-LABEL:  func @per_channel
// UNPACK:        %[[W:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]} ins(%{{.+}} : tensor<1x2x3xi64>) outs(%{{.+}} : tensor<3x2x8xi8>)
// UNPACK:          linalg.index 2
// UNPACK:          arith.trunci {{.*}} : i32 to i8
// UNPACK:        %[[WK:.+]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2]] : tensor<3x2x8xi8> into tensor<3x16xi8>
// UNPACK:        %[[INIT:.+]] = linalg.fill ins(%{{.+}} : i32) outs(%{{.+}} : tensor<4x3xi32>)
// UNPACK:        linalg.matmul indexing_maps = {{.*}} ins(%{{.+}}, %[[WK]] : tensor<4x16xi8>, tensor<3x16xi8>) outs(%[[INIT]] : tensor<4x3xi32>)
// NEGATIVE-ROWS: error: qc-lower-packed-matmul: unpack-min-rows must be 0 or positive, got -1
func.func @per_channel(%x: tensor<4x16xi8>) -> tensor<4x3xi32> {
  %w = arith.constant dense<7> : tensor<3x16xi8>
  %0 = qc.packed_matmul %x, %w bits(8) : tensor<4x16xi8>, tensor<3x16xi8> -> tensor<4x3xi32>
  return %0 : tensor<4x3xi32>
}

// -----

// The planes are laid out at compile time: the weight must be a constant.
func.func @weight_argument(%x: tensor<4x16xi8>, %w: tensor<3x8xi8>) -> tensor<4x3xi32> {
  // expected-error@+1 {{'qc.packed_matmul' op qc-lower-packed-matmul: expected a constant weight, whose bit planes are laid out at compile time}}
  %0 = qc.packed_matmul %x, %w bits(4) : tensor<4x16xi8>, tensor<3x8xi8> -> tensor<4x3xi32>
  return %0 : tensor<4x3xi32>
}

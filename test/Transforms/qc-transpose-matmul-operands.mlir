// RUN: quant-opt %s --split-input-file --qc-transpose-matmul-operands | FileCheck %s

// A constant right operand is transposed at compile time: row n of the new
// constant is column n of the old one ([n + 1, n + 9, 0 x 13, -(n + 1)]).
// CHECK-LABEL: func.func @constant_weights(
// CHECK-SAME:    %[[X:.+]]: tensor<4x16xi8>, %[[ACC:.+]]: tensor<4x8xi32>)
// CHECK:         %[[WT:.+]] = arith.constant dense_resource<transposed_weight> : tensor<8x16xi8>
// CHECK:         %[[Y:.+]] = linalg.matmul indexing_maps = [#{{.+}}, #[[NK:.+]], #{{.+}}] ins(%[[X]], %[[WT]] : tensor<4x16xi8>, tensor<8x16xi8>) outs(%[[ACC]] : tensor<4x8xi32>)
// CHECK:         return %[[Y]]
// CHECK:       transposed_weight: "0x01000000010900000000000000000000000000FF020A00000000000000000000000000FE030B00000000000000000000000000FD040C00000000000000000000000000FC050D00000000000000000000000000FB060E00000000000000000000000000FA070F00000000000000000000000000F9081000000000000000000000000000F8"
func.func @constant_weights(%x: tensor<4x16xi8>, %acc: tensor<4x8xi32>) -> tensor<4x8xi32> {
  %w = arith.constant dense<[[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [-1, -2, -3, -4, -5, -6, -7, -8]]> : tensor<16x8xi8>
  %0 = linalg.matmul ins(%x, %w : tensor<4x16xi8>, tensor<16x8xi8>) outs(%acc : tensor<4x8xi32>) -> tensor<4x8xi32>
  return %0 : tensor<4x8xi32>
}

// -----

// Any other right operand goes through a linalg.transpose; batches keep
// their place.
// CHECK-DAG:   #[[B_NK:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-LABEL: func.func @activations(
// CHECK-SAME:    %[[X:.+]]: tensor<2x4x16xi8>, %[[Y:.+]]: tensor<2x16x8xi8>, %[[ACC:.+]]: tensor<2x4x8xi32>)
// CHECK:         %[[EMPTY:.+]] = tensor.empty() : tensor<2x8x16xi8>
// CHECK:         %[[YT:.+]] = linalg.transpose ins(%[[Y]] : tensor<2x16x8xi8>) outs(%[[EMPTY]] : tensor<2x8x16xi8>) permutation = [0, 2, 1]
// CHECK:         linalg.batch_matmul indexing_maps = [#{{.+}}, #[[B_NK]], #{{.+}}] ins(%[[X]], %[[YT]] : tensor<2x4x16xi8>, tensor<2x8x16xi8>) outs(%[[ACC]] : tensor<2x4x8xi32>)
func.func @activations(%x: tensor<2x4x16xi8>, %y: tensor<2x16x8xi8>, %acc: tensor<2x4x8xi32>) -> tensor<2x4x8xi32> {
  %0 = linalg.batch_matmul ins(%x, %y : tensor<2x4x16xi8>, tensor<2x16x8xi8>) outs(%acc : tensor<2x4x8xi32>) -> tensor<2x4x8xi32>
  return %0 : tensor<2x4x8xi32>
}

// -----

// Float matmuls and matmuls already transposed are left alone.
// CHECK-LABEL: func.func @untouched(
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x16xf32>, tensor<16x8xf32>)
// CHECK:         linalg.matmul indexing_maps
// CHECK-NOT:     linalg.transpose
// CHECK:         return
#map_a = affine_map<(m, n, k) -> (m, k)>
#map_b = affine_map<(m, n, k) -> (n, k)>
#map_c = affine_map<(m, n, k) -> (m, n)>
func.func @untouched(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %acc: tensor<4x8xf32>, %a: tensor<4x16xi8>, %b: tensor<8x16xi8>, %c: tensor<4x8xi32>) -> (tensor<4x8xf32>, tensor<4x8xi32>) {
  %0 = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a, %b : tensor<4x16xi8>, tensor<8x16xi8>) outs(%c : tensor<4x8xi32>) -> tensor<4x8xi32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x8xi32>
}

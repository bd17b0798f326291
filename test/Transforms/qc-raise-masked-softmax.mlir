// RUN: quant-opt %s --split-input-file --qc-raise-masked-softmax | FileCheck %s

// A causal mask of 0 and -10000 added to the logits becomes the softmax's
// boolean mask (true where the entry was 0); the add goes away.
// CHECK-LABEL: func @causal
// CHECK-SAME:    (%[[X:.+]]: tensor<2x3x3xf32>)
// CHECK:         %[[MASK:.+]] = arith.constant dense<{{\[\[\[}}true, false, false], [true, true, false], [true, true, true]]]> : tensor<1x3x3xi1>
// CHECK-NEXT:    %[[P:.+]] = qc.softmax %[[X]] mask(%[[MASK]] : tensor<1x3x3xi1>) axis(2) : tensor<2x3x3xf32>
// CHECK-NEXT:    return %[[P]]
func.func @causal(%x: tensor<2x3x3xf32>) -> tensor<2x3x3xf32> {
  %m = "tosa.const"() <{values = dense<[[[0.0, -1.0e4, -1.0e4], [0.0, 0.0, -1.0e4], [0.0, 0.0, 0.0]]]> : tensor<1x3x3xf32>}> : () -> tensor<1x3x3xf32>
  %s = tosa.add %x, %m : (tensor<2x3x3xf32>, tensor<1x3x3xf32>) -> tensor<2x3x3xf32>
  %p = qc.softmax %s axis(2) : tensor<2x3x3xf32>
  return %p : tensor<2x3x3xf32>
}

// -----

// -inf entries, the mask as the add's first operand, and behind the
// reshape an exporter puts on it (the mask keeps the reshaped shape).
// CHECK-LABEL: func @negative_infinity_first_operand_reshaped
// CHECK-SAME:    (%[[X:.+]]: tensor<1x2x2x2xf32>)
// CHECK:         %[[MASK:.+]] = arith.constant dense<{{\[\[\[}}[true, false], [true, true]]]]> : tensor<1x1x2x2xi1>
// CHECK-NEXT:    qc.softmax %[[X]] mask(%[[MASK]] : tensor<1x1x2x2xi1>) axis(3)
func.func @negative_infinity_first_operand_reshaped(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %m = arith.constant dense<[[0.0, 0xFF800000], [0.0, 0.0]]> : tensor<2x2xf32>
  %shape = tosa.const_shape {values = dense<[1, 1, 2, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.reshape %m, %shape : (tensor<2x2xf32>, !tosa.shape<4>) -> tensor<1x1x2x2xf32>
  %s = tosa.add %r, %x : (tensor<1x1x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %p = qc.softmax %s axis(3) : tensor<1x2x2x2xf32>
  return %p : tensor<1x2x2x2xf32>
}

// -----

// The masked sum has another user: it stays for that user.
// CHECK-LABEL: func @add_with_other_user
// CHECK:         %[[S:.+]] = tosa.add
// CHECK:         %[[P:.+]] = qc.softmax %{{.+}} mask(%{{.+}} : tensor<1x2xi1>) axis(1)
// CHECK:         return %[[P]], %[[S]]
func.func @add_with_other_user(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %m = "tosa.const"() <{values = dense<[[0.0, -3.0e38]]> : tensor<1x2xf32>}> : () -> tensor<1x2xf32>
  %s = tosa.add %x, %m : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %p = qc.softmax %s axis(1) : tensor<1x2xf32>
  return %p, %s : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// Left alone: entries that are neither 0 nor a mask (a position bias).
// CHECK-LABEL: func @position_bias
// CHECK:         %[[S:.+]] = tosa.add
// CHECK-NEXT:    qc.softmax %[[S]] axis(1)
func.func @position_bias(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  %m = "tosa.const"() <{values = dense<[[0.0, -0.5, -1.0e4]]> : tensor<1x3xf32>}> : () -> tensor<1x3xf32>
  %s = tosa.add %x, %m : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
  %p = qc.softmax %s axis(1) : tensor<1x3xf32>
  return %p : tensor<1x3xf32>
}

// -----

// Left alone: -9999 is not far enough below the logits to be a mask.
// CHECK-LABEL: func @not_low_enough
// CHECK:         %[[S:.+]] = tosa.add
// CHECK-NEXT:    qc.softmax %[[S]] axis(1)
func.func @not_low_enough(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %m = "tosa.const"() <{values = dense<[[0.0, -9999.0]]> : tensor<1x2xf32>}> : () -> tensor<1x2xf32>
  %s = tosa.add %x, %m : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %p = qc.softmax %s axis(1) : tensor<1x2xf32>
  return %p : tensor<1x2xf32>
}

// -----

// Left alone: the second row is masked throughout (the constant varies
// across rows, not along the axis), which changes no probability of that
// row in float; a boolean mask would zero it.
// CHECK-LABEL: func @whole_row_masked
// CHECK:         %[[S:.+]] = tosa.add
// CHECK-NEXT:    qc.softmax %[[S]] axis(1)
func.func @whole_row_masked(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %m = "tosa.const"() <{values = dense<[[0.0], [-1.0e4]]> : tensor<2x1xf32>}> : () -> tensor<2x1xf32>
  %s = tosa.add %x, %m : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  %p = qc.softmax %s axis(1) : tensor<2x2xf32>
  return %p : tensor<2x2xf32>
}

// -----

// Left alone: all zeros (nothing masked) and an add of two variables; the
// pass folds nothing.
// CHECK-LABEL: func @nothing_to_mask
// CHECK-SAME:    (%[[X:.+]]: tensor<1x2xf32>, %[[Y:.+]]: tensor<1x2xf32>)
// CHECK:         %[[S:.+]] = tosa.add %[[X]], %{{.+}}
// CHECK-NEXT:    qc.softmax %[[S]] axis(1)
// CHECK-NEXT:    %[[T:.+]] = tosa.add %[[X]], %[[Y]]
// CHECK-NEXT:    qc.softmax %[[T]] axis(1)
func.func @nothing_to_mask(%x: tensor<1x2xf32>, %y: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %m = "tosa.const"() <{values = dense<0.0> : tensor<1x2xf32>}> : () -> tensor<1x2xf32>
  %s = tosa.add %x, %m : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %p = qc.softmax %s axis(1) : tensor<1x2xf32>
  %t = tosa.add %x, %y : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %q = qc.softmax %t axis(1) : tensor<1x2xf32>
  return %p, %q : tensor<1x2xf32>, tensor<1x2xf32>
}

// RUN: quant-opt %s --split-input-file --qc-expand-composites | FileCheck %s

// exp(x - max) times the reciprocal of its sum, along the axis.
// CHECK-LABEL: func @softmax
// CHECK-SAME:    (%[[X:.+]]: tensor<2x4xf32>)
// CHECK:         %[[MAX:.+]] = tosa.reduce_max %[[X]] {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
// CHECK-NEXT:    %[[SHIFTED:.+]] = tosa.sub %[[X]], %[[MAX]] : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %[[EXP:.+]] = tosa.exp %[[SHIFTED]]
// CHECK-NEXT:    %[[SUM:.+]] = tosa.reduce_sum %[[EXP]] {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
// CHECK-NEXT:    %[[RECIPROCAL:.+]] = tosa.reciprocal %[[SUM]]
// CHECK-NEXT:    %[[P:.+]] = tosa.mul %[[EXP]], %[[RECIPROCAL]], %{{.+}} : (tensor<2x4xf32>, tensor<2x1xf32>, tensor<1xi8>) -> tensor<2x4xf32>
// CHECK-NEXT:    return %[[P]]
func.func @softmax(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %p = qc.softmax %x axis(1) : tensor<2x4xf32>
  return %p : tensor<2x4xf32>
}

// -----

// Masked positions: the lowest float in the max, 0 in the sum (raised to
// the smallest normal float, so a row with nothing kept gives zeros).
// CHECK-LABEL: func @masked_softmax
// CHECK-SAME:    (%[[X:.+]]: tensor<2x4xf32>, %[[M:.+]]: tensor<1x4xi1>)
// CHECK-DAG:     %[[TINY:.+]] = "tosa.const"() <{values = dense<1.17549435E-38> : tensor<1x1xf32>}>
// CHECK-DAG:     %[[ZERO:.+]] = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1x1xf32>}>
// CHECK-DAG:     %[[LOWEST:.+]] = "tosa.const"() <{values = dense<-3.40282347E+38> : tensor<1x1xf32>}>
// CHECK:         %[[KEPT:.+]] = tosa.select %[[M]], %[[X]], %[[LOWEST]] : (tensor<1x4xi1>, tensor<2x4xf32>, tensor<1x1xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %[[MAX:.+]] = tosa.reduce_max %[[KEPT]] {axis = 1 : i32}
// CHECK-NEXT:    %[[SHIFTED:.+]] = tosa.sub %[[KEPT]], %[[MAX]]
// CHECK-NEXT:    %[[EXP:.+]] = tosa.exp %[[SHIFTED]]
// CHECK-NEXT:    %[[KEPTEXP:.+]] = tosa.select %[[M]], %[[EXP]], %[[ZERO]]
// CHECK-NEXT:    %[[SUM:.+]] = tosa.reduce_sum %[[KEPTEXP]] {axis = 1 : i32}
// CHECK-NEXT:    %[[POSITIVE:.+]] = tosa.maximum %[[SUM]], %[[TINY]]
// CHECK-NEXT:    %[[RECIPROCAL:.+]] = tosa.reciprocal %[[POSITIVE]]
// CHECK-NEXT:    %[[P:.+]] = tosa.mul %[[KEPTEXP]], %[[RECIPROCAL]], %{{.+}}
// CHECK-NEXT:    return %[[P]]
func.func @masked_softmax(%x: tensor<2x4xf32>, %m: tensor<1x4xi1>) -> tensor<2x4xf32> {
  %p = qc.softmax %x mask(%m : tensor<1x4xi1>) axis(1) : tensor<2x4xf32>
  return %p : tensor<2x4xf32>
}

// -----

// Over the two trailing dimensions (12 elements): the mean and inverse
// standard deviation are results too; scale and bias broadcast from the
// normalized shape.
// CHECK-LABEL: func @layer_norm
// CHECK-SAME:    (%[[X:.+]]: tensor<2x3x4xf32>, %[[G:.+]]: tensor<3x4xf32>, %[[B:.+]]: tensor<3x4xf32>)
// CHECK-DAG:     %[[EPS:.+]] = "tosa.const"() <{values = dense<9.99999974E-6> : tensor<1x1x1xf32>}>
// CHECK-DAG:     %[[TWELFTH:.+]] = "tosa.const"() <{values = dense<0.0833333358> : tensor<1x1x1xf32>}>
// CHECK:         %[[S1:.+]] = tosa.reduce_sum %[[X]] {axis = 1 : i32}
// CHECK-NEXT:    %[[S2:.+]] = tosa.reduce_sum %[[S1]] {axis = 2 : i32} : (tensor<2x1x4xf32>) -> tensor<2x1x1xf32>
// CHECK-NEXT:    %[[MEAN:.+]] = tosa.mul %[[S2]], %[[TWELFTH]]
// CHECK-NEXT:    %[[CENTERED:.+]] = tosa.sub %[[X]], %[[MEAN]]
// CHECK-NEXT:    %[[SQUARES:.+]] = tosa.mul %[[CENTERED]], %[[CENTERED]]
// CHECK-NEXT:    %[[Q1:.+]] = tosa.reduce_sum %[[SQUARES]] {axis = 1 : i32}
// CHECK-NEXT:    %[[Q2:.+]] = tosa.reduce_sum %[[Q1]] {axis = 2 : i32}
// CHECK-NEXT:    %[[VARIANCE:.+]] = tosa.mul %[[Q2]], %[[TWELFTH]]
// CHECK-NEXT:    %[[SHIFTED:.+]] = tosa.add %[[VARIANCE]], %[[EPS]]
// CHECK-NEXT:    %[[INV:.+]] = tosa.rsqrt %[[SHIFTED]] : (tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
// CHECK-NEXT:    %[[GR:.+]] = tosa.reshape %[[G]], %{{.+}} : (tensor<3x4xf32>, !tosa.shape<3>) -> tensor<1x3x4xf32>
// CHECK-NEXT:    %[[NORMALIZED:.+]] = tosa.mul %[[CENTERED]], %[[INV]]
// CHECK-NEXT:    %[[SCALED:.+]] = tosa.mul %[[NORMALIZED]], %[[GR]]
// CHECK-NEXT:    %[[BR:.+]] = tosa.reshape %[[B]]
// CHECK-NEXT:    %[[Y:.+]] = tosa.add %[[SCALED]], %[[BR]] : (tensor<2x3x4xf32>, tensor<1x3x4xf32>) -> tensor<2x3x4xf32>
// CHECK-NEXT:    return %[[Y]], %[[MEAN]], %[[INV]]
func.func @layer_norm(%x: tensor<2x3x4xf32>, %g: tensor<3x4xf32>, %b: tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>) {
  %y, %m, %i = qc.layer_norm %x, %g, %b axis(1) epsilon(1.0e-05) : (tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  return %y, %m, %i : tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>
}

// -----

// Without a bias: no addition after the scale.
// CHECK-LABEL: func @layer_norm_without_bias
// CHECK:         %[[SCALED:.+]] = tosa.mul %{{.+}}, %{{.+}}, %{{.+}} : (tensor<2x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<2x4xf32>
// CHECK-NEXT:    return %[[SCALED]]
func.func @layer_norm_without_bias(%x: tensor<2x4xf32>, %g: tensor<4xf32>) -> tensor<2x4xf32> {
  %y, %m, %i = qc.layer_norm %x, %g axis(1) epsilon(1.0e-05) : (tensor<2x4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return %y : tensor<2x4xf32>
}

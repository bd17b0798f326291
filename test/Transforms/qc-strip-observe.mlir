// RUN: quant-opt %s --qc-strip-observe | FileCheck %s
// RUN: quant-opt %s --qc-strip-observe=keep-tags=b | FileCheck %s --check-prefix=KEEP-B
// RUN: quant-opt %s --qc-strip-observe="keep-tags=a,c" | FileCheck %s --check-prefix=KEEP-AC

// CHECK-LABEL: func @taps
// CHECK-NOT:     qc.observe
// CHECK:         return

// KEEP-B-LABEL: func @taps
// KEEP-B-NOT:     qc.observe {{.*}}tag("a")
// KEEP-B:         qc.observe %{{.*}} tag("b")
// KEEP-B-NOT:     qc.observe

// KEEP-AC-LABEL: func @taps
// KEEP-AC:         qc.observe %{{.*}} tag("a")
// KEEP-AC-NOT:     tag("b")
// KEEP-AC:         qc.observe %{{.*}} tag("c") channel_axis(1)
func.func @taps(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  qc.observe %x tag("a") : tensor<2x3xf32>
  %y = arith.addf %x, %x : tensor<2x3xf32>
  qc.observe %y tag("b") : tensor<2x3xf32>
  qc.observe %y tag("c") channel_axis(1) : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Taps in nested regions are found too.
// CHECK-LABEL: func @nested
// CHECK-NOT:     qc.observe
// KEEP-B-LABEL: func @nested
// KEEP-B-NOT:     qc.observe
func.func @nested(%x: tensor<4xf32>, %c: i1) {
  scf.if %c {
    qc.observe %x tag("nested") : tensor<4xf32>
  }
  return
}

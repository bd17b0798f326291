// Tests qc-outline-kernels: each top-level loop nest or linalg op of a
// function with several becomes a private noinline function taking the
// values it uses; constants and globals are recreated inside.
// RUN: quant-opt %s --split-input-file --qc-outline-kernels | FileCheck %s

memref.global "private" constant @bias : memref<8xf32> = dense<1.0>

// CHECK-LABEL: func.func private @two_nests_kernel0(
// CHECK-SAME:      %[[X:.+]]: memref<8xf32>, %[[T:.+]]: memref<8xf32>)
// CHECK-SAME:      attributes {passthrough = ["noinline"]}
// CHECK-DAG:     %[[BIAS:.+]] = memref.get_global @bias
// CHECK-DAG:     arith.constant 8 : index
// CHECK:         scf.for
// CHECK:           memref.load %[[X]]
// CHECK:           memref.load %[[BIAS]]
// CHECK:           memref.store %{{.+}}, %[[T]]
// CHECK:         return
// CHECK-LABEL: func.func private @two_nests_kernel1(
// CHECK-SAME:      %[[T1:.+]]: memref<8xf32>, %[[Y:.+]]: memref<8xf32>)
// CHECK:         linalg.copy ins(%[[T1]] : memref<8xf32>) outs(%[[Y]] : memref<8xf32>)
// CHECK-LABEL: func.func @two_nests(
// CHECK-SAME:      %[[A:.+]]: memref<8xf32>, %[[B:.+]]: memref<8xf32>)
// CHECK:         %[[TMP:.+]] = memref.alloc()
// CHECK-NEXT:    call @two_nests_kernel0(%[[A]], %[[TMP]])
// CHECK-NEXT:    call @two_nests_kernel1(%[[TMP]], %[[B]])
// CHECK-NEXT:    memref.dealloc %[[TMP]]
// CHECK-NOT:     scf.for
func.func @two_nests(%x: memref<8xf32>, %y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %bias = memref.get_global @bias : memref<8xf32>
  %t = memref.alloc() : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %x[%i] : memref<8xf32>
    %b = memref.load %bias[%i] : memref<8xf32>
    %s = arith.addf %v, %b : f32
    memref.store %s, %t[%i] : memref<8xf32>
  }
  linalg.copy ins(%t : memref<8xf32>) outs(%y : memref<8xf32>)
  memref.dealloc %t : memref<8xf32>
  return
}

// -----

// A loop nest with results returns them from its function.
// CHECK-LABEL: func.func private @sum_kernel0(
// CHECK-SAME:      -> f32
// CHECK:         %[[R:.+]] = scf.for
// CHECK:         return %[[R]] : f32
// CHECK-LABEL: func.func @sum(
// CHECK:         %[[S:.+]] = call @sum_kernel0(
// CHECK:         call @sum_kernel1(
// CHECK:         return %[[S]]
func.func @sum(%x: memref<8xf32>, %y: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %s = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %x[%i] : memref<8xf32>
    %n = arith.addf %acc, %v : f32
    scf.yield %n : f32
  }
  linalg.fill ins(%s : f32) outs(%y : memref<8xf32>)
  return %s : f32
}

// -----

// A single loop nest stays where it is; declarations are skipped.
// CHECK-LABEL: func.func private @external(memref<8xf32>)
// CHECK-LABEL: func.func @one_nest(
// CHECK:         linalg.fill
// CHECK-NOT:     func.func
func.func private @external(memref<8xf32>)
func.func @one_nest(%y: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<8xf32>)
  return
}

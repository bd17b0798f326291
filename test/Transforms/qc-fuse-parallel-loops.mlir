// RUN: quant-opt %s --split-input-file --qc-fuse-parallel-loops | FileCheck %s

// A fill and the reduction into the filled buffer (a fresh allocation, so
// the input cannot alias it), whose body reads weights from a constant
// global: one loop, the fill first.
// CHECK-LABEL: func @fill_then_reduce
// CHECK:       scf.parallel (%[[M:.+]], %[[N:.+]]) =
// CHECK-NEXT:    memref.store %{{.+}}, %[[OUT:.+]][%[[M]], %[[N]]]
// CHECK-NEXT:    memref.load %[[OUT]][%[[M]], %[[N]]]
// CHECK:         scf.for
// CHECK:           memref.load %{{.+}}[%[[N]], %{{.+}}] : memref<4x8xi8>
// CHECK-NOT:   scf.parallel
memref.global "private" constant @weights : memref<4x8xi8> = dense<1>
func.func @fill_then_reduce(%x: memref<2x8xi8>) -> memref<2x4xi32> {
  %out = memref.alloc() : memref<2x4xi32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0 : i32
  %w = memref.get_global @weights : memref<4x8xi8>
  scf.parallel (%m, %n) = (%c0, %c0) to (%c2, %c4) step (%c1, %c1) {
    memref.store %zero, %out[%m, %n] : memref<2x4xi32>
    scf.reduce
  }
  scf.parallel (%m, %n) = (%c0, %c0) to (%c2, %c4) step (%c1, %c1) {
    %init = memref.load %out[%m, %n] : memref<2x4xi32>
    %sum = scf.for %k = %c0 to %c8 step %c1 iter_args(%acc = %init) -> (i32) {
      %a = memref.load %x[%m, %k] : memref<2x8xi8>
      %b = memref.load %w[%n, %k] : memref<4x8xi8>
      %a32 = arith.extsi %a : i8 to i32
      %b32 = arith.extsi %b : i8 to i32
      %p = arith.muli %a32, %b32 : i32
      %next = arith.addi %acc, %p : i32
      scf.yield %next : i32
    }
    memref.store %sum, %out[%m, %n] : memref<2x4xi32>
    scf.reduce
  }
  return %out : memref<2x4xi32>
}

// -----

// A global that is not constant may be the buffer the first loop writes:
// the loops stay apart.
// CHECK-LABEL: func @mutable_global
// CHECK:       scf.parallel
// CHECK:       scf.parallel
memref.global "private" @state : memref<4xi32> = dense<0>
func.func @mutable_global(%out: memref<4xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0 : i32
  %s = memref.get_global @state : memref<4xi32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %zero, %out[%i] : memref<4xi32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %v = memref.load %s[%c3] : memref<4xi32>
    memref.store %v, %out[%i] : memref<4xi32>
    scf.reduce
  }
  return
}

// -----

// The second loop reads what another iteration of the first wrote: apart.
// CHECK-LABEL: func @other_index
// CHECK:       scf.parallel
// CHECK:       scf.parallel
func.func @other_index(%buffer: memref<4x4xi32>, %out: memref<4x4xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0 : i32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    memref.store %zero, %buffer[%i, %j] : memref<4x4xi32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %v = memref.load %buffer[%j, %i] : memref<4x4xi32>
    memref.store %v, %out[%i, %j] : memref<4x4xi32>
    scf.reduce
  }
  return
}

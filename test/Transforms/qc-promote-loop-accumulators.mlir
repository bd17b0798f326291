// RUN: quant-opt %s --split-input-file --qc-promote-loop-accumulators | FileCheck %s

// A reduction as convert-linalg-to-parallel-loops leaves it: the element
// out[i] leaves both loops, loaded once before them and stored once after.
// CHECK-LABEL: func @row_sums
// CHECK:       scf.parallel (%[[I:.+]]) =
// CHECK:         %[[INIT:.+]] = memref.load %[[OUT:.+]][%[[I]]] : memref<4xi32>
// CHECK:         %[[OUTER:.+]] = scf.for {{.*}} iter_args(%[[A:.+]] = %[[INIT]]) -> (i32) {
// CHECK:           %[[INNER:.+]] = scf.for {{.*}} iter_args(%[[B:.+]] = %[[A]]) -> (i32) {
// CHECK-NOT:         memref.load %[[OUT]]
// CHECK:             %[[SUM:.+]] = arith.addi %[[B]], %{{.+}} : i32
// CHECK-NOT:         memref.store
// CHECK:             scf.yield %[[SUM]] : i32
// CHECK:           scf.yield %[[INNER]] : i32
// CHECK:         memref.store %[[OUTER]], %[[OUT]][%[[I]]] : memref<4xi32>
func.func @row_sums(%x: memref<4x2x8xi32>, %out: memref<4xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    scf.for %j = %c0 to %c2 step %c1 {
      scf.for %k = %c0 to %c8 step %c1 {
        %v = memref.load %x[%i, %j, %k] : memref<4x2x8xi32>
        %acc = memref.load %out[%i] : memref<4xi32>
        %sum = arith.addi %acc, %v : i32
        memref.store %sum, %out[%i] : memref<4xi32>
      }
    }
    scf.reduce
  }
  return
}

// -----

// Indices that change with the loop: each iteration writes another
// element, nothing is carried.
// CHECK-LABEL: func @prefix
// CHECK:       scf.for
// CHECK-NOT:   iter_args
// CHECK:         memref.load %{{.+}}[%{{.+}}] : memref<8xi32>
// CHECK:         memref.store
func.func @prefix(%out: memref<8xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %k = %c1 to %c8 step %c1 {
    %previous = arith.subi %k, %c1 : index
    %a = memref.load %out[%previous] : memref<8xi32>
    %b = memref.load %out[%k] : memref<8xi32>
    %sum = arith.addi %a, %b : i32
    memref.store %sum, %out[%k] : memref<8xi32>
  }
  return
}

// -----

// The loop also reads the buffer through a view: the element is not the
// only place of it the loop touches, so it stays in memory.
// CHECK-LABEL: func @aliased
// CHECK-NOT:   iter_args
func.func @aliased(%out: memref<8xi32>, %i: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %view = memref.subview %out[4] [4] [1] : memref<8xi32> to memref<4xi32, strided<[1], offset: 4>>
  scf.for %k = %c0 to %c4 step %c1 {
    %v = memref.load %view[%k] : memref<4xi32, strided<[1], offset: 4>>
    %acc = memref.load %out[%i] : memref<8xi32>
    %sum = arith.addi %acc, %v : i32
    memref.store %sum, %out[%i] : memref<8xi32>
  }
  return
}

// -----

// A call may touch any memory: nothing is promoted.
// CHECK-LABEL: func @opaque_call
// CHECK-NOT:   iter_args
func.func private @touch(memref<4xi32>)
func.func @opaque_call(%out: memref<4xi32>, %other: memref<4xi32>, %i: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %k = %c0 to %c4 step %c1 {
    %acc = memref.load %out[%i] : memref<4xi32>
    func.call @touch(%other) : (memref<4xi32>) -> ()
    %sum = arith.addi %acc, %acc : i32
    memref.store %sum, %out[%i] : memref<4xi32>
  }
  return
}

// RUN: quant-opt %s --split-input-file --qc-gpu-map-loops | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-gpu-map-loops=block-size=16 | FileCheck %s --check-prefix=B16
// RUN: quant-opt %s --split-input-file --qc-gpu-map-loops=block-size=16 --convert-parallel-loops-to-gpu --gpu-kernel-outlining | FileCheck %s --check-prefix=LAUNCH
// RUN: not quant-opt %s --qc-gpu-map-loops=block-size=0 2>&1 | FileCheck %s --check-prefix=ERR

// ERR: error: qc-gpu-map-loops: block-size must be positive, got 0

// A 4x8 nest collapses into 32 iterations: one block of 256 threads, the
// 224 past the end skipped; with blocks of 16, two full blocks and no
// guard. The global is referenced inside the thread loop.
// CHECK-LABEL: func.func @elementwise(
// CHECK-DAG:     %[[C32:.+]] = arith.constant 32 : index
// CHECK-DAG:     %[[C256:.+]] = arith.constant 256 : index
// CHECK:         scf.parallel (%[[B:.+]]) = (%{{.+}}) to (%[[C32]]) step (%[[C256]]) {
// CHECK:           scf.parallel (%[[T:.+]]) = (%{{.+}}) to (%[[C256]]) step (%{{.+}}) {
// CHECK:             %[[BIAS:.+]] = memref.get_global @bias
// CHECK:             %[[I:.+]] = arith.addi %[[B]], %[[T]] : index
// CHECK:             %[[IN:.+]] = arith.cmpi ult, %[[I]], %[[C32]] : index
// CHECK:             scf.if %[[IN]] {
// CHECK:               memref.load %[[BIAS]]
// CHECK:               memref.store
// CHECK:           } {mapping = [#gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}

// B16-LABEL: func.func @elementwise(
// B16-DAG:     %[[C16:.+]] = arith.constant 16 : index
// B16-DAG:     %[[C32:.+]] = arith.constant 32 : index
// B16:         scf.parallel (%{{.+}}) = (%{{.+}}) to (%[[C32]]) step (%[[C16]]) {
// B16:           scf.parallel (%{{.+}}) = (%{{.+}}) to (%[[C16]]) step
// B16-NOT:         scf.if
// B16:             memref.store

// LAUNCH-LABEL: func.func @elementwise(
// LAUNCH:         gpu.launch_func @elementwise_kernel::@elementwise_kernel blocks in (%{{.+}}, %{{.+}}, %{{.+}}) threads in
// LAUNCH:       gpu.module @elementwise_kernel {
// LAUNCH:         gpu.func @elementwise_kernel
// LAUNCH:           memref.get_global @bias
// LAUNCH:         memref.global "private" constant @bias
memref.global "private" constant @bias : memref<8xi32> = dense<1>
func.func @elementwise(%a: memref<4x8xi32>, %b: memref<4x8xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %bias = memref.get_global @bias : memref<8xi32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %x = memref.load %a[%i, %j] : memref<4x8xi32>
    %y = memref.load %bias[%j] : memref<8xi32>
    %z = arith.addi %x, %y : i32
    memref.store %z, %b[%i, %j] : memref<4x8xi32>
    scf.reduce
  }
  return
}

// -----

// A dynamic trip count keeps the guard; the reduction stays a loop in the
// thread.
// B16-LABEL: func.func @dynamic(
// B16:         scf.parallel (%[[B:.+]]) = (%{{.+}}) to (%[[TRIPS:.+]]) step (%{{.+}}) {
// B16:           scf.parallel (%[[T:.+]]) =
// B16:             %[[I:.+]] = arith.addi %[[B]], %[[T]]
// B16:             %[[IN:.+]] = arith.cmpi ult, %[[I]], %[[TRIPS]]
// B16:             scf.if %[[IN]] {
// B16:               scf.for
func.func @dynamic(%a: memref<?x8xi32>, %n: index, %out: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    scf.for %k = %c0 to %c8 step %c1 {
      %x = memref.load %a[%i, %k] : memref<?x8xi32>
      %acc = memref.load %out[%i] : memref<?xi32>
      %s = arith.addi %acc, %x : i32
      memref.store %s, %out[%i] : memref<?xi32>
    }
    scf.reduce
  }
  return
}

// -----

// Memory ops outside any parallel loop run on one thread, each with the ops
// that use its results; host-side ops stay.
// CHECK-LABEL: func.func @scalar(
// CHECK-SAME:    %[[A:.+]]: memref<4xi32>, %[[S:.+]]: memref<i32>)
// CHECK:         %[[D:.+]] = gpu.alloc
// CHECK:         scf.parallel (%{{.+}}) = (%{{.+}}) to (%{{.+}}) step (%{{.+}}) {
// CHECK-NEXT:      scf.for
// CHECK:           scf.reduce
// CHECK-NEXT:    } {mapping = [#gpu.loop_dim_map<processor = block_x,
// CHECK:         scf.parallel (%{{.+}}) = (%{{.+}}) to (%{{.+}}) step (%{{.+}}) {
// CHECK-NEXT:      %[[X:.+]] = memref.load %[[A]]
// CHECK-NEXT:      %[[Y:.+]] = arith.addi %[[X]], %[[X]]
// CHECK-NEXT:      memref.store %[[Y]], %[[S]][]
// CHECK-NEXT:      scf.reduce
// CHECK-NEXT:    } {mapping = [#gpu.loop_dim_map<processor = block_x,
// CHECK:         gpu.dealloc %[[D]]
// CHECK-NEXT:    return
// LAUNCH-LABEL: func.func @scalar(
// LAUNCH-COUNT-2: gpu.launch_func
func.func @scalar(%a: memref<4xi32>, %s: memref<i32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %d = gpu.alloc () : memref<4xi32>
  scf.for %i = %c0 to %c4 step %c1 {
    %x = memref.load %a[%i] : memref<4xi32>
    memref.store %x, %s[] : memref<i32>
  }
  %x = memref.load %a[%c0] : memref<4xi32>
  %c2 = arith.constant 2 : index
  %y = arith.addi %x, %x : i32
  memref.store %y, %s[] : memref<i32>
  gpu.dealloc %d : memref<4xi32>
  return
}

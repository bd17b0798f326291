// RUN: quant-opt %s --split-input-file --qc-gpu-map-loops | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-gpu-map-loops=reassociate-floats=false | FileCheck %s --check-prefix=EXACT
// RUN: quant-opt %s --split-input-file --qc-gpu-map-loops=row-reduction-length=0 | FileCheck %s --check-prefix=OFF
// RUN: quant-opt %s --split-input-file --qc-gpu-map-loops=row-reduction-length=64 | FileCheck %s --check-prefix=SHORT
// RUN: quant-opt %s --split-input-file --qc-gpu-map-loops --convert-parallel-loops-to-gpu | FileCheck %s --check-prefix=LAUNCH
// RUN: not quant-opt %s --qc-gpu-map-loops=row-reduction-length=-1 2>&1 | FileCheck %s --check-prefix=ERR

// ERR: error: qc-gpu-map-loops: row-reduction-length must be 0 or positive, got -1

// A softmax's sum: 40 rows of 6625. One block of 256 threads per row: thread
// t sums elements t, t + 256, ... from 0.0, the block adds the threads'
// sums, and thread 0 adds the loop's initial value and stores. The fill
// before the loop runs in every thread. Without float reassociation the
// row stays in one thread.
// CHECK-LABEL: func.func @float_sum(
// CHECK-SAME:    %[[X:.+]]: memref<40x6625xf32>, %[[ACC:.+]]: memref<40xf32>)
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[C256:.+]] = arith.constant 256 : index
// CHECK:         scf.parallel (%[[ROW:.+]]) = (%{{.+}}) to (%{{.+}}) step (%{{.+}}) {
// CHECK:           scf.parallel (%[[T:.+]]) = (%{{.+}}) to (%[[C256]]) step (%{{.+}}) {
// CHECK:             memref.store %[[ZERO]], %[[ACC]][%[[ROW]]]
// CHECK:             %[[INIT:.+]] = memref.load %[[ACC]][%[[ROW]]]
// CHECK:             %[[OFFSET:.+]] = arith.muli %[[T]], %{{.+}} : index
// CHECK:             %[[START:.+]] = arith.addi %{{.+}}, %[[OFFSET]] : index
// CHECK:             %[[STRIDE:.+]] = arith.muli %{{.+}}, %{{.+}} : index
// CHECK:             %[[IDENTITY:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:             %[[PART:.+]] = scf.for %[[K:.+]] = %[[START]] to %{{.+}} step %[[STRIDE]] iter_args(%[[P:.+]] = %[[IDENTITY]]) -> (f32) {
// CHECK:               %[[V:.+]] = memref.load %[[X]][%[[ROW]], %[[K]]]
// CHECK:               arith.addf %[[V]], %[[P]]
// CHECK:             %[[TOTAL:.+]] = gpu.all_reduce add %[[PART]] uniform
// CHECK:             %[[FIRST:.+]] = arith.cmpi eq, %[[T]], %{{.+}}
// CHECK:             scf.if %[[FIRST]] {
// CHECK:               %[[SUM:.+]] = arith.addf %[[TOTAL]], %[[INIT]]
// CHECK:               memref.store %[[SUM]], %[[ACC]][%[[ROW]]]
// CHECK:           } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_x
// EXACT-LABEL: func.func @float_sum(
// EXACT-NOT:     gpu.all_reduce
// EXACT:         scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// EXACT-NOT:     gpu.all_reduce
// OFF-LABEL:   func.func @float_sum(
// OFF-NOT:       gpu.all_reduce
// LAUNCH-LABEL: func.func @float_sum(
// LAUNCH:         gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}})
// LAUNCH:           gpu.all_reduce add
func.func @float_sum(%x: memref<40x6625xf32>, %acc: memref<40xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c40 = arith.constant 40 : index
  %c6625 = arith.constant 6625 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c40) step (%c1) {
    memref.store %zero, %acc[%i] : memref<40xf32>
    %init = memref.load %acc[%i] : memref<40xf32>
    %r = scf.for %k = %c0 to %c6625 step %c1 iter_args(%a = %init) -> (f32) {
      %v = memref.load %x[%i, %k] : memref<40x6625xf32>
      %s = arith.addf %v, %a : f32
      scf.yield %s : f32
    }
    memref.store %r, %acc[%i] : memref<40xf32>
    scf.reduce
  }
  return
}

// -----

// An integer maximum over 2 x 3 rows of 2048 (exact in any order, shared
// without float reassociation too), from INT32_MIN; the combiner's operands
// in the other order.
// CHECK-LABEL: func.func @int_max(
// CHECK:         %[[MIN:.+]] = arith.constant -2147483648 : i32
// CHECK:         %[[PART:.+]] = scf.for {{.+}} iter_args(%{{.+}} = %[[MIN]]) -> (i32)
// CHECK:         %[[TOTAL:.+]] = gpu.all_reduce maxsi %[[PART]] uniform
// CHECK:         arith.maxsi %{{.+}}, %[[TOTAL]] : i32
// EXACT-LABEL: func.func @int_max(
// EXACT:         gpu.all_reduce maxsi
func.func @int_max(%x: memref<2x3x2048xi32>, %acc: memref<2x3xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c2048 = arith.constant 2048 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2, %c3) step (%c1, %c1) {
    %init = memref.load %acc[%i, %j] : memref<2x3xi32>
    %r = scf.for %k = %c0 to %c2048 step %c1 iter_args(%a = %init) -> (i32) {
      %v = memref.load %x[%i, %j, %k] : memref<2x3x2048xi32>
      %m = arith.maxsi %a, %v : i32
      scf.yield %m : i32
    }
    memref.store %r, %acc[%i, %j] : memref<2x3xi32>
    scf.reduce
  }
  return
}

// -----

// Left with a thread per row: rows of 100 (unless row-reduction-length
// allows them), a carried value used besides its combiner, a loop that
// stores, 64-bit values, and a nest of more than 8192 rows.
// CHECK-LABEL: func.func @untouched(
// CHECK-NOT:     gpu.all_reduce
// SHORT-LABEL: func.func @untouched(
// SHORT-COUNT-1: gpu.all_reduce
// SHORT-NOT:     gpu.all_reduce
func.func @untouched(%x: memref<4x100xi32>, %acc: memref<4xi32>, %y: memref<4x2048xi32>,
                     %z: memref<4x2048xi64>, %acc64: memref<4xi64>,
                     %w: memref<9000x2048xi32>, %accw: memref<9000xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c100 = arith.constant 100 : index
  %c2048 = arith.constant 2048 : index
  %c9000 = arith.constant 9000 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %init = memref.load %acc[%i] : memref<4xi32>
    %r = scf.for %k = %c0 to %c100 step %c1 iter_args(%a = %init) -> (i32) {
      %v = memref.load %x[%i, %k] : memref<4x100xi32>
      %s = arith.addi %v, %a : i32
      scf.yield %s : i32
    }
    memref.store %r, %acc[%i] : memref<4xi32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %init = memref.load %acc[%i] : memref<4xi32>
    %r = scf.for %k = %c0 to %c2048 step %c1 iter_args(%a = %init) -> (i32) {
      %v = memref.load %y[%i, %k] : memref<4x2048xi32>
      %s = arith.addi %v, %a : i32
      %t = arith.muli %s, %a : i32
      scf.yield %t : i32
    }
    memref.store %r, %acc[%i] : memref<4xi32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %init = memref.load %acc[%i] : memref<4xi32>
    %r = scf.for %k = %c0 to %c2048 step %c1 iter_args(%a = %init) -> (i32) {
      %v = memref.load %y[%i, %k] : memref<4x2048xi32>
      %s = arith.addi %v, %a : i32
      memref.store %s, %y[%i, %k] : memref<4x2048xi32>
      scf.yield %s : i32
    }
    memref.store %r, %acc[%i] : memref<4xi32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %init = memref.load %acc64[%i] : memref<4xi64>
    %r = scf.for %k = %c0 to %c2048 step %c1 iter_args(%a = %init) -> (i64) {
      %v = memref.load %z[%i, %k] : memref<4x2048xi64>
      %s = arith.addi %v, %a : i64
      scf.yield %s : i64
    }
    memref.store %r, %acc64[%i] : memref<4xi64>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c9000) step (%c1) {
    %init = memref.load %accw[%i] : memref<9000xi32>
    %r = scf.for %k = %c0 to %c2048 step %c1 iter_args(%a = %init) -> (i32) {
      %v = memref.load %w[%i, %k] : memref<9000x2048xi32>
      %s = arith.addi %v, %a : i32
      scf.yield %s : i32
    }
    memref.store %r, %accw[%i] : memref<9000xi32>
    scf.reduce
  }
  return
}

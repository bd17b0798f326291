// RUN: quant-opt %s --split-input-file --qc-gpu-buffers --verify-diagnostics | FileCheck %s

// An input that is only read is copied in, an output that is only written
// (through views) is copied out, an unused argument is left alone; the
// function's own buffer is device memory, its copy a linalg op; the global
// stays (qc-gpu-map-loops moves it into the kernels).
// CHECK-LABEL: func.func @stage(
// CHECK-SAME:    %[[IN:[a-zA-Z0-9_]+]]: memref<4xi32>, %[[OUT:[a-zA-Z0-9_]+]]: memref<4xi32>, %[[UNUSED:[a-zA-Z0-9_]+]]: memref<4xi32>)
// CHECK-DAG:     %[[DOUT:.+]] = gpu.alloc () : memref<4xi32>
// CHECK-DAG:     %[[DIN:.+]] = gpu.alloc () : memref<4xi32>
// CHECK-DAG:     gpu.memcpy %[[DIN]], %[[IN]]
// CHECK-NOT:     gpu.memcpy %[[DOUT]], %[[OUT]]
// CHECK:         %[[W:.+]] = memref.get_global @weights
// CHECK:         %[[TMP:.+]] = gpu.alloc () : memref<4xi32>
// CHECK:         linalg.add ins(%[[DIN]], %[[W]] : {{.*}}) outs(%[[TMP]] :
// CHECK:         %[[EXPANDED:.+]] = memref.expand_shape %[[DOUT]]
// CHECK:         %[[FLAT:.+]] = memref.collapse_shape %[[EXPANDED]]
// CHECK:         linalg.copy ins(%[[TMP]] : memref<4xi32>) outs(%[[FLAT]] : memref<4xi32>)
// CHECK:         gpu.dealloc %[[TMP]]
// CHECK-DAG:     gpu.dealloc %[[DIN]]
// CHECK-DAG:     gpu.memcpy %[[OUT]], %[[DOUT]]
// CHECK-NOT:     gpu.memcpy %[[IN]]
// CHECK:         gpu.dealloc %[[DOUT]]
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     %[[UNUSED]]
// CHECK:         return
memref.global "private" constant @weights : memref<4xi32> = dense<[1, 2, 3, 4]>
func.func @stage(%in: memref<4xi32>, %out: memref<4xi32>, %unused: memref<4xi32>) {
  %w = memref.get_global @weights : memref<4xi32>
  %tmp = memref.alloc() : memref<4xi32>
  linalg.add ins(%in, %w : memref<4xi32>, memref<4xi32>) outs(%tmp : memref<4xi32>)
  %view = memref.expand_shape %out [[0, 1]] output_shape [2, 2] : memref<4xi32> into memref<2x2xi32>
  %flat = memref.collapse_shape %view [[0, 1]] : memref<2x2xi32> into memref<4xi32>
  memref.copy %tmp, %flat : memref<4xi32> to memref<4xi32>
  memref.dealloc %tmp : memref<4xi32>
  return
}

// -----

// An accumulator argument is read and written: copied both ways. A dynamic
// size is read from the host buffer. A stack buffer is device memory freed
// where its block ends.
// CHECK-LABEL: func.func @accumulate(
// CHECK-SAME:    %[[ACC:[a-zA-Z0-9_]+]]: memref<?xi32>)
// CHECK:         %[[C0:.+]] = arith.constant 0 : index
// CHECK:         %[[SIZE:.+]] = memref.dim %[[ACC]], %[[C0]]
// CHECK:         %[[DACC:.+]] = gpu.alloc (%[[SIZE]]) : memref<?xi32>
// CHECK:         gpu.memcpy %[[DACC]], %[[ACC]]
// CHECK:         %[[STACK:.+]] = gpu.alloc () : memref<16xi32>
// CHECK:         linalg.add ins(%[[DACC]], %[[DACC]] : {{.*}}) outs(%[[DACC]] :
// CHECK:         gpu.dealloc %[[STACK]]
// CHECK:         gpu.memcpy %[[ACC]], %[[DACC]]
// CHECK:         gpu.dealloc %[[DACC]]
// CHECK:         return
func.func @accumulate(%acc: memref<?xi32>) {
  %stack = memref.alloca() : memref<16xi32>
  linalg.add ins(%acc, %acc : memref<?xi32>, memref<?xi32>) outs(%acc : memref<?xi32>)
  return
}

// -----

// expected-error @below {{qc-gpu-buffers: @returns_buffer returns a buffer; expected results as out-parameters (buffer-results-to-out-params)}}
func.func @returns_buffer(%in: memref<4xi32>) -> memref<4xi32> {
  return %in : memref<4xi32>
}

// -----

// expected-error @below {{qc-gpu-buffers: argument #0 of @strided has a strided layout; expected a dense buffer (bufferize with an identity layout at function boundaries)}}
func.func @strided(%in: memref<4xi32, strided<[2]>>, %out: memref<4xi32>) {
  memref.copy %in, %out : memref<4xi32, strided<[2]>> to memref<4xi32>
  return
}

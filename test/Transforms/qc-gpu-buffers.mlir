// RUN: quant-opt %s --split-input-file --qc-gpu-buffers --verify-diagnostics | FileCheck %s

// The body moves into @stage_device, which takes device buffers; @stage
// copies in the input it only reads, gives the output it only writes (through
// views) a device buffer copied back afterwards, and passes the unused
// argument through. The body's own buffer is device memory, its copy a
// linalg op; the global stays (qc-gpu-map-loops moves it into the kernels).
// CHECK-LABEL: func.func @stage(
// CHECK-SAME:    %[[IN:[a-zA-Z0-9_]+]]: memref<4xi32>, %[[OUT:[a-zA-Z0-9_]+]]: memref<4xi32>, %[[UNUSED:[a-zA-Z0-9_]+]]: memref<4xi32>)
// CHECK-NEXT:    %[[DIN:.+]] = gpu.alloc () : memref<4xi32>
// CHECK-NEXT:    gpu.memcpy %[[DIN]], %[[IN]]
// CHECK-NEXT:    %[[DOUT:.+]] = gpu.alloc () : memref<4xi32>
// CHECK-NEXT:    call @stage_device(%[[DIN]], %[[DOUT]], %[[UNUSED]])
// CHECK-NEXT:    gpu.memcpy %[[OUT]], %[[DOUT]]
// CHECK-NEXT:    gpu.dealloc %[[DIN]]
// CHECK-NEXT:    gpu.dealloc %[[DOUT]]
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @stage_device(
// CHECK-SAME:    %[[IN:[a-zA-Z0-9_]+]]: memref<4xi32>, %[[OUT:[a-zA-Z0-9_]+]]: memref<4xi32>, %{{.+}}: memref<4xi32>)
// CHECK-NEXT:    %[[W:.+]] = memref.get_global @weights
// CHECK-NEXT:    %[[TMP:.+]] = gpu.alloc () : memref<4xi32>
// CHECK-NEXT:    linalg.add ins(%[[IN]], %[[W]] : {{.*}}) outs(%[[TMP]] :
// CHECK-NEXT:    %[[EXPANDED:.+]] = memref.expand_shape %[[OUT]]
// CHECK-NEXT:    %[[FLAT:.+]] = memref.collapse_shape %[[EXPANDED]]
// CHECK-NEXT:    linalg.copy ins(%[[TMP]] : memref<4xi32>) outs(%[[FLAT]] : memref<4xi32>)
// CHECK-NEXT:    gpu.dealloc %[[TMP]]
// CHECK-NEXT:    return
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

// An accumulator argument is read and written: copied both ways, its
// dynamic size read from the host buffer's descriptor. A stack buffer is
// device memory freed where its block ends. A private function takes device
// buffers from its callers and is not split.
// CHECK-LABEL: func.func @accumulate(
// CHECK-SAME:    %[[ACC:[a-zA-Z0-9_]+]]: memref<?xi32>)
// CHECK-NEXT:    %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:    %[[SIZE:.+]] = memref.dim %[[ACC]], %[[C0]]
// CHECK-NEXT:    %[[DACC:.+]] = gpu.alloc (%[[SIZE]]) : memref<?xi32>
// CHECK-NEXT:    gpu.memcpy %[[DACC]], %[[ACC]]
// CHECK-NEXT:    call @accumulate_device(%[[DACC]])
// CHECK-NEXT:    gpu.memcpy %[[ACC]], %[[DACC]]
// CHECK-NEXT:    gpu.dealloc %[[DACC]]
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @accumulate_device(
// CHECK-SAME:    %[[ACC:[a-zA-Z0-9_]+]]: memref<?xi32>)
// CHECK-NEXT:    %[[STACK:.+]] = gpu.alloc () : memref<16xi32>
// CHECK-NEXT:    call @double(%[[ACC]])
// CHECK-NEXT:    gpu.dealloc %[[STACK]]
// CHECK-NEXT:    return
// CHECK-LABEL: func.func private @double(
// CHECK-SAME:    %[[X:[a-zA-Z0-9_]+]]: memref<?xi32>)
// CHECK-NEXT:    linalg.add ins(%[[X]], %[[X]] : {{.*}}) outs(%[[X]] :
// CHECK-NEXT:    return
// CHECK-NOT:   func.func
func.func @accumulate(%acc: memref<?xi32>) {
  %stack = memref.alloca() : memref<16xi32>
  call @double(%acc) : (memref<?xi32>) -> ()
  return
}
func.func private @double(%x: memref<?xi32>) {
  linalg.add ins(%x, %x : memref<?xi32>, memref<?xi32>) outs(%x : memref<?xi32>)
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

// -----

// expected-error @below {{qc-gpu-buffers: cannot add @taken_device for the device-buffer entry of @taken: the name is taken}}
func.func @taken(%x: memref<4xi32>) {
  return
}
func.func private @taken_device()

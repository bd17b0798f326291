// RUN: quant-opt %s --split-input-file --qc-gpu-arena | FileCheck %s

// Three freed static buffers become views of one allocation at offsets
// aligned to 256 bytes (600 bytes take 768), freed where the last one was.
// CHECK-LABEL: func.func @buffers
// CHECK:         %[[ARENA:.+]] = gpu.alloc () : memref<1280xi8>
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK:         %[[A:.+]] = memref.view %[[ARENA]][%[[C0]]][] : memref<1280xi8> to memref<10x15xi32>
// CHECK:         call @use(%[[A]])
// CHECK:         %[[C768:.+]] = arith.constant 768 : index
// CHECK:         %[[B:.+]] = memref.view %[[ARENA]][%[[C768]]][] : memref<1280xi8> to memref<3xi8>
// CHECK:         %[[C1024:.+]] = arith.constant 1024 : index
// CHECK:         %[[C:.+]] = memref.view %[[ARENA]][%[[C1024]]][] : memref<1280xi8> to memref<2x2xi64>
// CHECK-NOT:     gpu.dealloc
// CHECK:         call @use_all
// CHECK-NEXT:    gpu.dealloc %[[ARENA]] : memref<1280xi8>
// CHECK-NEXT:    return
func.func private @use(memref<10x15xi32>)
func.func private @use_all(memref<10x15xi32>, memref<3xi8>, memref<2x2xi64>)
func.func @buffers() {
  %a = gpu.alloc () : memref<10x15xi32>
  call @use(%a) : (memref<10x15xi32>) -> ()
  %b = gpu.alloc () : memref<3xi8>
  %c = gpu.alloc () : memref<2x2xi64>
  call @use_all(%a, %b, %c) : (memref<10x15xi32>, memref<3xi8>, memref<2x2xi64>) -> ()
  gpu.dealloc %a : memref<10x15xi32>
  gpu.dealloc %b : memref<3xi8>
  gpu.dealloc %c : memref<2x2xi64>
  return
}

// -----

// Left alone: a dynamic size, a strided layout, a host-shared buffer, an
// asynchronous one, one never freed (it may outlive the function), and one
// freed inside a region; the single buffer left is not worth an arena.
// CHECK-LABEL: func.func @kept
// CHECK-NOT:     memref.view
// CHECK-COUNT-7: gpu.alloc
// CHECK-NOT:     memref.view
func.func private @use(memref<?xi8>, memref<4x4xi8, strided<[8, 1]>>, memref<4xi8>, memref<4xi8>, memref<4xi8>, memref<4xi8>, memref<4xi8>)
func.func @kept(%n: index, %flag: i1) -> memref<4xi8> {
  %dynamic = gpu.alloc (%n) : memref<?xi8>
  %strided = gpu.alloc () : memref<4x4xi8, strided<[8, 1]>>
  %shared = gpu.alloc host_shared () : memref<4xi8>
  %token = gpu.wait async
  %async, %t2 = gpu.alloc async [%token] () : memref<4xi8>
  %escaping = gpu.alloc () : memref<4xi8>
  %nested = gpu.alloc () : memref<4xi8>
  %plain = gpu.alloc () : memref<4xi8>
  call @use(%dynamic, %strided, %shared, %async, %escaping, %nested, %plain) : (memref<?xi8>, memref<4x4xi8, strided<[8, 1]>>, memref<4xi8>, memref<4xi8>, memref<4xi8>, memref<4xi8>, memref<4xi8>) -> ()
  scf.if %flag {
    gpu.dealloc %nested : memref<4xi8>
  }
  gpu.dealloc %dynamic : memref<?xi8>
  gpu.dealloc %strided : memref<4x4xi8, strided<[8, 1]>>
  gpu.dealloc %plain : memref<4xi8>
  return %escaping : memref<4xi8>
}

// RUN: quant-opt %s --split-input-file --qc-gpu-mma-matmul --canonicalize --cse | FileCheck %s

// 200 x 300 by K = 128: a 3 x 2 grid of 128 x 128 tiles, 256 threads, two
// shared tiles of 2 stages x 128 rows x (64 + 16 padding) bytes, each thread
// copying 2 x 16 bytes per operand and stage. The first stage is copied
// ahead (zero-filled past the edges); each of the 2 steps waits for its
// copies, starts the next ones and multiplies (2 mma steps of 4 x 4 tiles);
// the epilogue adds the accumulators to C.
// CHECK-LABEL: func.func @mma(
// CHECK-SAME:    %[[A:.+]]: memref<200x128xi8>, %[[B:.+]]: memref<300x128xi8>, %[[C:.+]]: memref<200x300xi32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG:     %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG:     %[[C256:.+]] = arith.constant 256 : index
// CHECK:         gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C3]], %{{.+}} = %[[C2]], %{{.+}} = %[[C1]]) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C256]], %{{.+}} = %[[C1]], %{{.+}} = %[[C1]]) workgroup(%[[AS:.+]] : memref<2x128x80xi8, #gpu.address_space<workgroup>>, %[[BS:.+]] : memref<2x128x80xi8, #gpu.address_space<workgroup>>)
// CHECK-COUNT-2:   nvgpu.device_async_copy %[[A]][%{{.+}}, %{{.+}}], %[[AS]][%[[C0]], %{{.+}}, %{{.+}}], 16, %{{.+}} {bypassL1}
// CHECK-COUNT-2:   nvgpu.device_async_copy %[[B]][%{{.+}}, %{{.+}}], %[[BS]][%[[C0]], %{{.+}}, %{{.+}}], 16, %{{.+}} {bypassL1}
// CHECK:           %[[GROUP:.+]] = nvgpu.device_async_create_group
// CHECK:           %[[LOOP:.+]]:17 = scf.for %{{.+}} = %[[C0]] to %[[C2]] step %[[C1]] iter_args({{.*}}%[[TOKEN:.+]] = %[[GROUP]]) -> ({{.*}}vector<2x2xi32>, !nvgpu.device.async.token) {
// CHECK:             nvgpu.device_async_wait %[[TOKEN]] {numGroups = 0 : i32}
// CHECK-NEXT:        gpu.barrier
// CHECK-COUNT-2:     nvgpu.device_async_copy %[[A]]
// CHECK-COUNT-2:     nvgpu.device_async_copy %[[B]]
// CHECK:             nvgpu.device_async_create_group
// CHECK-COUNT-4:     nvgpu.ldmatrix %[[AS]]{{.*}} {numTiles = 4 : i32, transpose = false} : memref<2x128x80xi8, #gpu.address_space<workgroup>> -> vector<4x4xi8>
// CHECK-COUNT-2:     nvgpu.ldmatrix %[[BS]]{{.*}} {numTiles = 4 : i32, transpose = false} : memref<2x128x80xi8, #gpu.address_space<workgroup>> -> vector<4x4xi8>
// CHECK-COUNT-16:    nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 32]} : (vector<4x4xi8>, vector<2x4xi8>, vector<2x2xi32>) -> vector<2x2xi32>
// CHECK-COUNT-4:     nvgpu.ldmatrix %[[AS]]
// CHECK-COUNT-2:     nvgpu.ldmatrix %[[BS]]
// CHECK-COUNT-16:    nvgpu.mma.sync
// CHECK:             scf.yield
// CHECK:           nvgpu.device_async_wait %[[LOOP]]#16 {numGroups = 0 : i32}
// CHECK:           scf.if
// CHECK:             %[[PART:.+]] = vector.extract %[[LOOP]]#0[0, 0]
// CHECK:             %[[OLD:.+]] = memref.load %[[C]]
// CHECK:             %[[SUM:.+]] = arith.addi %[[OLD]], %[[PART]]
// CHECK:             memref.store %[[SUM]], %[[C]]
// CHECK-NOT:     linalg.matmul
#map_a = affine_map<(m, n, k) -> (m, k)>
#map_b = affine_map<(m, n, k) -> (n, k)>
#map_c = affine_map<(m, n, k) -> (m, n)>
func.func @mma(%a: memref<200x128xi8>, %b: memref<300x128xi8>, %c: memref<200x300xi32>) {
  linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a, %b : memref<200x128xi8>, memref<300x128xi8>) outs(%c : memref<200x300xi32>)
  return
}

// -----

// C filled with zeros right before: the fill goes, the sums are stored.
// CHECK-LABEL: func.func @zero_init(
// CHECK-SAME:    %{{.+}}: memref<16x32xi8>, %{{.+}}: memref<8x32xi8>, %[[C:.+]]: memref<16x8xi32>)
// CHECK-NOT:     linalg.fill
// CHECK:         gpu.launch
// CHECK-NOT:       memref.load %[[C]]
// CHECK:           memref.store %{{.+}}, %[[C]]
#map_a = affine_map<(m, n, k) -> (m, k)>
#map_b = affine_map<(m, n, k) -> (n, k)>
#map_c = affine_map<(m, n, k) -> (m, n)>
func.func @zero_init(%a: memref<16x32xi8>, %b: memref<8x32xi8>, %c: memref<16x8xi32>) {
  %zero = arith.constant 0 : i32
  linalg.fill ins(%zero : i32) outs(%c : memref<16x8xi32>)
  linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a, %b : memref<16x32xi8>, memref<8x32xi8>) outs(%c : memref<16x8xi32>)
  return
}

// -----

// One 128 x 128 tile, K = 2048 (32 stages of 64): far fewer blocks than the
// GPU runs at once, so 8 blocks (grid z) share the tile, each walking 4
// stages from 4 z, and add their sums into C atomically; the zero fill
// stays, C must hold it.
// CHECK-LABEL: func.func @split_k(
// CHECK-SAME:    %[[A:.+]]: memref<8x2048xi8>, %{{.+}}: memref<64x2048xi8>, %[[C:.+]]: memref<8x64xi32>)
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG:     %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG:     %[[C32:.+]] = arith.constant 32 : index
// CHECK:         linalg.fill
// CHECK:         gpu.launch blocks(%{{.+}}, %{{.+}}, %[[Z:.+]]) in (%{{.+}} = %[[C1]], %{{.+}} = %[[C1]], %{{.+}} = %[[C8]])
// CHECK:           %[[SPLIT:.+]] = arith.remui %[[Z]], %[[C8]] : index
// CHECK:           %[[FIRST:.+]] = arith.muli %[[SPLIT]], %[[C4]] : index
// CHECK:           %[[AFTER:.+]] = arith.addi %[[FIRST]], %[[C4]] : index
// CHECK:           %[[END:.+]] = arith.minui %[[AFTER]], %[[C32]] : index
// CHECK:           %[[STEPS:.+]] = arith.subi %[[END]], %[[FIRST]] : index
// CHECK:           scf.for %{{.+}} = %{{.+}} to %[[STEPS]] step %[[C1]]
// CHECK:           memref.atomic_rmw addi %{{.+}}, %[[C]][%{{.+}}, %{{.+}}] : (i32, memref<8x64xi32>) -> i32
// CHECK-NOT:       memref.store %{{.+}}, %[[C]]
#map_a = affine_map<(m, n, k) -> (m, k)>
#map_b = affine_map<(m, n, k) -> (n, k)>
#map_c = affine_map<(m, n, k) -> (m, n)>
func.func @split_k(%a: memref<8x2048xi8>, %b: memref<64x2048xi8>, %c: memref<8x64xi32>) {
  %zero = arith.constant 0 : i32
  linalg.fill ins(%zero : i32) outs(%c : memref<8x64xi32>)
  linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a, %b : memref<8x2048xi8>, memref<64x2048xi8>) outs(%c : memref<8x64xi32>)
  return
}

// -----

// K = 4160, 65 stages: 16 splits of at least 4 would leave the last blocks
// without stages; runs of 5 stages make 13 splits, the last one of 5.
// CHECK-LABEL: func.func @split_k_uneven(
// CHECK-DAG:     %[[C13:.+]] = arith.constant 13 : index
// CHECK-DAG:     %[[C65:.+]] = arith.constant 65 : index
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}}, %{{.+}} = %[[C13]])
// CHECK:           arith.minui %{{.+}}, %[[C65]] : index
#map_a = affine_map<(m, n, k) -> (m, k)>
#map_b = affine_map<(m, n, k) -> (n, k)>
#map_c = affine_map<(m, n, k) -> (m, n)>
func.func @split_k_uneven(%a: memref<8x4160xi8>, %b: memref<64x4160xi8>, %c: memref<8x64xi32>) {
  linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a, %b : memref<8x4160xi8>, memref<64x4160xi8>) outs(%c : memref<8x64xi32>)
  return
}

// -----

// Constant weights are globals referenced inside the kernel (outlining then
// copies them into its module, as device data), not host addresses.
// CHECK-LABEL: func.func @global_weights(
// CHECK:         gpu.launch
// CHECK-NEXT:      %[[W:.+]] = memref.get_global @weights : memref<8x32xi8>
// CHECK:           nvgpu.device_async_copy %[[W]]
memref.global "private" constant @weights : memref<8x32xi8> = dense<1>
#map_a = affine_map<(m, n, k) -> (m, k)>
#map_b = affine_map<(m, n, k) -> (n, k)>
#map_c = affine_map<(m, n, k) -> (m, n)>
func.func @global_weights(%a: memref<16x32xi8>, %c: memref<16x8xi32>) {
  %w = memref.get_global @weights : memref<8x32xi8>
  linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a, %w : memref<16x32xi8>, memref<8x32xi8>) outs(%c : memref<16x8xi32>)
  return
}

// -----

// A batch is the grid's third dimension and the first index of every
// access.
// CHECK-LABEL: func.func @batched(
// CHECK-SAME:    %[[A:.+]]: memref<5x16x32xi8>, %[[B:.+]]: memref<5x8x32xi8>, %[[C:.+]]: memref<5x16x8xi32>)
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C5:.+]] = arith.constant 5 : index
// CHECK:         gpu.launch blocks(%{{.+}}, %{{.+}}, %[[Z:.+]]) in (%{{.+}} = %[[C1]], %{{.+}} = %[[C1]], %{{.+}} = %[[C5]])
// CHECK:           nvgpu.device_async_copy %[[A]][%[[Z]], %{{.+}}, %{{.+}}]
// CHECK:           memref.load %[[C]][%[[Z]], %{{.+}}, %{{.+}}]
#map_a = affine_map<(b, m, n, k) -> (b, m, k)>
#map_b = affine_map<(b, m, n, k) -> (b, n, k)>
#map_c = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @batched(%a: memref<5x16x32xi8>, %b: memref<5x8x32xi8>, %c: memref<5x16x8xi32>) {
  linalg.batch_matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a, %b : memref<5x16x32xi8>, memref<5x8x32xi8>) outs(%c : memref<5x16x8xi32>)
  return
}

// -----

// Weights unpacked by a generic right before (qc-lower-packed-matmul's
// unpack-min-rows form: loops (n, block, lane) over the [1, K / 8, N] plane
// words): the kernel evaluates the generic for each word of B it stages,
// 8 lanes stored as one vector, and reads the planes, not the buffer,
// which is gone with the generic.
// CHECK-LABEL: func.func @unpacked_weights(
// CHECK-NOT:     linalg.generic
// CHECK-NOT:     gpu.alloc
// CHECK:         gpu.launch
// CHECK:           %[[PLANES:.+]] = memref.get_global @planes : memref<1x4x8xi32>
// CHECK:           memref.load %[[PLANES]]
// CHECK:           arith.shrui
// CHECK:           vector.from_elements {{.*}} : vector<8xi8>
// CHECK:           vector.store %{{.+}}, %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}] : memref<2x128x80xi8, #gpu.address_space<workgroup>>, vector<8xi8>
// CHECK-NOT:     linalg.generic
memref.global "private" constant @planes : memref<1x4x8xi32> = dense<305419896>
#map_a = affine_map<(m, n, k) -> (m, k)>
#map_b = affine_map<(m, n, k) -> (n, k)>
#map_c = affine_map<(m, n, k) -> (m, n)>
#plane = affine_map<(n, block, lane) -> (0, block, n)>
#word = affine_map<(n, block, lane) -> (n, block, lane)>
func.func @unpacked_weights(%a: memref<16x32xi8>, %c: memref<16x8xi32>) {
  %planes = memref.get_global @planes : memref<1x4x8xi32>
  %blocked = gpu.alloc () : memref<8x4x8xi8>
  linalg.generic {indexing_maps = [#plane, #word], iterator_types = ["parallel", "parallel", "parallel"]} ins(%planes : memref<1x4x8xi32>) outs(%blocked : memref<8x4x8xi8>) {
  ^bb0(%w: i32, %out: i8):
    %lane = linalg.index 2 : index
    %lane32 = arith.index_castui %lane : index to i32
    %c4 = arith.constant 4 : i32
    %shift = arith.muli %lane32, %c4 : i32
    %field = arith.shrui %w, %shift : i32
    %value = arith.trunci %field : i32 to i8
    linalg.yield %value : i8
  }
  %b = memref.collapse_shape %blocked [[0], [1, 2]] : memref<8x4x8xi8> into memref<8x32xi8>
  linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a, %b : memref<16x32xi8>, memref<8x32xi8>) outs(%c : memref<16x8xi32>)
  gpu.dealloc %blocked : memref<8x4x8xi8>
  return
}

// -----

// The unpacked buffer is read elsewhere too: the generic stays, the kernel
// copies B from the buffer.
// CHECK-LABEL: func.func @unpacked_weights_kept(
// CHECK:         linalg.generic
// CHECK:         gpu.launch
// CHECK:           nvgpu.device_async_copy {{.*}} : memref<8x32xi8> to
// CHECK:         memref.copy
memref.global "private" constant @planes : memref<1x4x8xi32> = dense<305419896>
#map_a = affine_map<(m, n, k) -> (m, k)>
#map_b = affine_map<(m, n, k) -> (n, k)>
#map_c = affine_map<(m, n, k) -> (m, n)>
#plane = affine_map<(n, block, lane) -> (0, block, n)>
#word = affine_map<(n, block, lane) -> (n, block, lane)>
func.func @unpacked_weights_kept(%a: memref<16x32xi8>, %c: memref<16x8xi32>, %copy: memref<8x32xi8>) {
  %planes = memref.get_global @planes : memref<1x4x8xi32>
  %blocked = gpu.alloc () : memref<8x4x8xi8>
  linalg.generic {indexing_maps = [#plane, #word], iterator_types = ["parallel", "parallel", "parallel"]} ins(%planes : memref<1x4x8xi32>) outs(%blocked : memref<8x4x8xi8>) {
  ^bb0(%w: i32, %out: i8):
    %value = arith.trunci %w : i32 to i8
    linalg.yield %value : i8
  }
  %b = memref.collapse_shape %blocked [[0], [1, 2]] : memref<8x4x8xi8> into memref<8x32xi8>
  linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a, %b : memref<16x32xi8>, memref<8x32xi8>) outs(%c : memref<16x8xi32>)
  memref.copy %b, %copy : memref<8x32xi8> to memref<8x32xi8>
  gpu.dealloc %blocked : memref<8x4x8xi8>
  return
}

// -----

// K = 48, not whole stages: 16-byte copies, the chunks past K zero-filled.
// K = 24: 8-byte copies, 4 per thread and operand, through L1 (only 16-byte
// copies bypass it).
// CHECK-LABEL: func.func @ragged_depth(
// CHECK-SAME:    %[[A:.+]]: memref<16x48xi8>, %{{.+}}: memref<8x48xi8>, %{{.+}}: memref<16x8xi32>, %[[A24:.+]]: memref<16x24xi8>
// CHECK:         gpu.launch
// CHECK-COUNT-2:   nvgpu.device_async_copy %[[A]][%{{.+}}, %{{.+}}], %{{.+}}, 16, %{{.+}} {bypassL1}
// CHECK:         gpu.launch
// CHECK-COUNT-4:   nvgpu.device_async_copy %[[A24]][%{{.+}}, %{{.+}}], %{{.+}}, 8, %{{.+}} :
#map_a = affine_map<(m, n, k) -> (m, k)>
#map_b = affine_map<(m, n, k) -> (n, k)>
#map_c = affine_map<(m, n, k) -> (m, n)>
func.func @ragged_depth(%a: memref<16x48xi8>, %b: memref<8x48xi8>, %c: memref<16x8xi32>,
                        %a24: memref<16x24xi8>, %b24: memref<8x24xi8>) {
  linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a, %b : memref<16x48xi8>, memref<8x48xi8>) outs(%c : memref<16x8xi32>)
  linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a24, %b24 : memref<16x24xi8>, memref<8x24xi8>) outs(%c : memref<16x8xi32>)
  return
}

// -----

// A convolution as an implicit GEMM: M = 2 images x 4 x 5 output pixels =
// 40, N = 24 filters, K = 3 x 3 taps x 8 channels = 72 (8-byte copies: a
// chunk is one pixel's channels). The filter is read as [24, 72] and the
// result written as [40, 24]; a copy of A at (row m, column k) reads input
// pixel (m / 20, (m / 5) % 4 * 2 + k / 24 * 3, m % 5 * 3 + (k / 8) % 3 * 2)
// (strides 2, 3; dilations 3, 2) from channel k % 8.
// CHECK-LABEL: func.func @convolution(
// CHECK-SAME:    %[[X:.+]]: memref<2x13x18x8xi8>, %[[F:.+]]: memref<24x3x3x8xi8>, %[[Y:.+]]: memref<2x4x5x24xi32>)
// CHECK-DAG:     %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG:     %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG:     %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG:     %[[C5:.+]] = arith.constant 5 : index
// CHECK-DAG:     %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG:     %[[C20:.+]] = arith.constant 20 : index
// CHECK:         gpu.launch
// CHECK-DAG:       %[[FILTER:.+]] = memref.collapse_shape %[[F]] {{\[}}[0], [1, 2, 3]] : memref<24x3x3x8xi8> into memref<24x72xi8>
// CHECK-DAG:       %[[RESULT:.+]] = memref.collapse_shape %[[Y]] {{\[}}[0, 1, 2], [3]] : memref<2x4x5x24xi32> into memref<40x24xi32>
// CHECK:           %[[ROW:.+]] = arith.minui %{{.+}}, %{{.+}} : index
// CHECK:           %[[COL:.+]] = arith.minui %{{.+}}, %{{.+}} : index
// CHECK:           %[[IMAGE:.+]] = arith.divui %[[ROW]], %[[C20]]
// CHECK:           %[[ROWS:.+]] = arith.divui %[[ROW]], %[[C5]]
// CHECK:           %[[OY:.+]] = arith.remui %[[ROWS]], %[[C4]]
// CHECK:           %[[OX:.+]] = arith.remui %[[ROW]], %[[C5]]
// CHECK:           %[[TAP:.+]] = arith.divui %[[COL]], %[[C8]]
// CHECK:           %[[I:.+]] = arith.divui %[[TAP]], %[[C3]]
// CHECK:           %[[J:.+]] = arith.remui %[[TAP]], %[[C3]]
// CHECK-DAG:       %[[SY:.+]] = arith.muli %[[OY]], %[[C2]]
// CHECK-DAG:       %[[DY:.+]] = arith.muli %[[I]], %[[C3]]
// CHECK-DAG:       %[[Y0:.+]] = arith.addi %[[SY]], %[[DY]]
// CHECK-DAG:       %[[SX:.+]] = arith.muli %[[OX]], %[[C3]]
// CHECK-DAG:       %[[DX:.+]] = arith.muli %[[J]], %[[C2]]
// CHECK-DAG:       %[[X0:.+]] = arith.addi %[[SX]], %[[DX]]
// CHECK-DAG:       %[[CHANNEL:.+]] = arith.remui %[[COL]], %[[C8]]
// CHECK:           nvgpu.device_async_copy %[[X]][%[[IMAGE]], %[[Y0]], %[[X0]], %[[CHANNEL]]], %{{.+}}, 8,
// CHECK-COUNT-3:   nvgpu.device_async_copy %[[X]]
// CHECK-COUNT-4:   nvgpu.device_async_copy %[[FILTER]]
// CHECK:           nvgpu.mma.sync
// CHECK:           memref.store %{{.+}}, %[[RESULT]]
// CHECK-NOT:     linalg.conv_2d_nhwc_fhwc
func.func @convolution(%x: memref<2x13x18x8xi8>, %f: memref<24x3x3x8xi8>, %y: memref<2x4x5x24xi32>) {
  linalg.conv_2d_nhwc_fhwc {dilations = dense<[3, 2]> : tensor<2xi64>, strides = dense<[2, 3]> : tensor<2xi64>}
    ins(%x, %f : memref<2x13x18x8xi8>, memref<24x3x3x8xi8>) outs(%y : memref<2x4x5x24xi32>)
  return
}

// -----

// Left to the generic kernels: K not a multiple of 4, B as [K, N], float,
// tensors; a convolution of 3 channels (a pixel is not whole 4-byte
// copies), a depthwise one.
// CHECK-LABEL: func.func @untouched(
// CHECK-NOT:     gpu.launch
// CHECK-COUNT-4: linalg.matmul
// CHECK:         linalg.conv_2d_nhwc_fhwc
// CHECK:         linalg.depthwise_conv_2d_nhwc_hwc
// CHECK-NOT:     gpu.launch
#map_a = affine_map<(m, n, k) -> (m, k)>
#map_b = affine_map<(m, n, k) -> (n, k)>
#map_c = affine_map<(m, n, k) -> (m, n)>
func.func @untouched(%a: memref<16x18xi8>, %b: memref<8x18xi8>, %c: memref<16x8xi32>,
                     %bkn: memref<18x8xi8>, %fa: memref<16x32xf32>, %fb: memref<8x32xf32>, %fc: memref<16x8xf32>,
                     %ta: tensor<16x32xi8>, %tb: tensor<8x32xi8>, %tc: tensor<16x8xi32>,
                     %x: memref<1x9x9x3xi8>, %f: memref<16x3x3x3xi8>, %y: memref<1x7x7x16xi32>,
                     %dw: memref<3x3x3xi8>, %dy: memref<1x7x7x3xi32>) -> tensor<16x8xi32> {
  linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%a, %b : memref<16x18xi8>, memref<8x18xi8>) outs(%c : memref<16x8xi32>)
  linalg.matmul ins(%a, %bkn : memref<16x18xi8>, memref<18x8xi8>) outs(%c : memref<16x8xi32>)
  linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%fa, %fb : memref<16x32xf32>, memref<8x32xf32>) outs(%fc : memref<16x8xf32>)
  %0 = linalg.matmul indexing_maps = [#map_a, #map_b, #map_c] ins(%ta, %tb : tensor<16x32xi8>, tensor<8x32xi8>) outs(%tc : tensor<16x8xi32>) -> tensor<16x8xi32>
  linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %f : memref<1x9x9x3xi8>, memref<16x3x3x3xi8>) outs(%y : memref<1x7x7x16xi32>)
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %dw : memref<1x9x9x3xi8>, memref<3x3x3xi8>) outs(%dy : memref<1x7x7x3xi32>)
  return %0 : tensor<16x8xi32>
}

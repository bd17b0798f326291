// Tests qc-tile-and-vectorize: register tile sizes (loop steps) and vector
// shapes of contractions, convolutions, elementwise ops and reductions, the
// ops left alone, the vector-width and parallel options, and a bad width.
// RUN: quant-opt %s --split-input-file --qc-tile-and-vectorize | FileCheck %s
// RUN: quant-opt %s --split-input-file --qc-tile-and-vectorize=vector-width=8 | FileCheck %s --check-prefix=W8
// RUN: quant-opt %s --split-input-file --qc-tile-and-vectorize=parallel=true | FileCheck %s --check-prefix=PAR
// Convolution tiles write their accumulators straight into the output, so
// loop-invariant subset hoisting carries them through the reduction loops.
// RUN: quant-opt %s --split-input-file --qc-tile-and-vectorize --loop-invariant-subset-hoisting | FileCheck %s --check-prefix=HOIST

// The width is checked before anything else; the error is on the (implicit)
// module, whose location is line 0 of the file, so -verify-diagnostics cannot
// anchor it.
// RUN: not quant-opt %s --qc-tile-and-vectorize=vector-width=0 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: not quant-opt %s --qc-tile-and-vectorize=vector-width=-3 2>&1 | FileCheck %s --check-prefix=ERR-NEG
// ERR: :0:0: error: qc-tile-and-vectorize: vector-width must be positive, got 0{{$}}
// ERR-NEG: :0:0: error: qc-tile-and-vectorize: vector-width must be positive, got -3{{$}}

// Matmul: 8 rows by two 16-lane vectors of C per tile, K one step at a time:
// an 8x1 column of A times a 1x32 row of B into 8x32 accumulators.
// CHECK-LABEL: func @matmul(
// CHECK-SAME:    %[[A:.+]]: tensor<16x24xf32>, %[[B:.+]]: tensor<24x64xf32>, %[[C:.+]]: tensor<16x64xf32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG:     %[[C16:.+]] = arith.constant 16 : index
// CHECK-DAG:     %[[C24:.+]] = arith.constant 24 : index
// CHECK-DAG:     %[[C32:.+]] = arith.constant 32 : index
// CHECK-DAG:     %[[C64:.+]] = arith.constant 64 : index
// CHECK:         %[[R:.+]] = scf.for %[[I:[a-zA-Z0-9_]+]] = %[[C0]] to %[[C16]] step %[[C8]] iter_args(%[[ACC0:[a-zA-Z0-9_]+]] = %[[C]])
// CHECK:           scf.for %[[J:[a-zA-Z0-9_]+]] = %[[C0]] to %[[C64]] step %[[C32]] iter_args(%[[ACC1:[a-zA-Z0-9_]+]] = %[[ACC0]])
// CHECK:             scf.for %[[K:[a-zA-Z0-9_]+]] = %[[C0]] to %[[C24]] step %[[C1]] iter_args(%[[ACC2:[a-zA-Z0-9_]+]] = %[[ACC1]])
// CHECK:               %[[VA:.+]] = vector.transfer_read %[[A]][%[[I]], %[[K]]]{{.*}} : tensor<16x24xf32>, vector<8x1xf32>
// CHECK:               %[[VB:.+]] = vector.transfer_read %[[B]][%[[K]], %[[J]]]{{.*}} : tensor<24x64xf32>, vector<1x32xf32>
// CHECK:               %[[VC:.+]] = vector.transfer_read %[[ACC2]][%[[I]], %[[J]]]{{.*}} : tensor<16x64xf32>, vector<8x32xf32>
// CHECK:               %[[P:.+]] = vector.contract {{.*}}kind = #vector.kind<add>} %[[VA]], %[[VB]], %[[VC]] : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK:               vector.transfer_write %[[P]], %[[ACC2]][%[[I]], %[[J]]]{{.*}} : vector<8x32xf32>, tensor<16x64xf32>
// CHECK-NOT:     linalg.matmul
// CHECK:         return %[[R]]

// Eight lanes: two 8-lane vectors per accumulator row.
// W8-LABEL: func @matmul(
// W8-DAG:      %[[C8:.+]] = arith.constant 8 : index
// W8-DAG:      %[[C16:.+]] = arith.constant 16 : index
// W8-DAG:      %[[C64:.+]] = arith.constant 64 : index
// W8:          scf.for %{{.+}} = %{{.+}} to %[[C16]] step %[[C8]]
// W8:            scf.for %{{.+}} = %{{.+}} to %[[C64]] step %[[C16]]
// W8:              vector.contract {{.*}} : vector<8x1xf32>, vector<1x16xf32> into vector<8x16xf32>

// 16 * 24 * 64 iterations are too few for threads.
// PAR-LABEL: func @matmul(
// PAR-NOT:     scf.forall
// PAR:         vector.contract
// PAR-NOT:     scf.forall
// PAR:         return
func.func @matmul(%a: tensor<16x24xf32>, %b: tensor<24x64xf32>, %c: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<16x24xf32>, tensor<24x64xf32>) outs(%c : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %0 : tensor<16x64xf32>
}

// -----

// A large matmul: scf.for register tiles, no threads unless asked for; with
// parallel=true the M loop is split into one scf.forall iteration per 8 rows.
// CHECK-LABEL: func @matmul_large
// CHECK-NOT:     scf.forall
// CHECK:         scf.for
// CHECK:           vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>

// PAR-LABEL: func @matmul_large
// PAR-SAME:    (%[[A:.+]]: tensor<256x64xf32>, %{{.+}}: tensor<64x256xf32>, %[[C:.+]]: tensor<256x256xf32>)
// PAR:         %[[R:.+]] = scf.forall (%[[T:[a-zA-Z0-9_]+]]) = (0) to (256) step (8) shared_outs(%[[OUT:[a-zA-Z0-9_]+]] = %[[C]])
// PAR:           %[[SLICE:.+]] = tensor.extract_slice %[[OUT]][%[[T]], 0] [8, 256] [1, 1]
// PAR:           %[[TILE:.+]] = scf.for %{{.+}} iter_args(%{{.+}} = %[[SLICE]]) -> (tensor<8x256xf32>)
// PAR:             vector.transfer_read %[[A]]{{.*}} : tensor<256x64xf32>, vector<8x1xf32>
// PAR:             vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// PAR:           scf.forall.in_parallel
// PAR-NEXT:        tensor.parallel_insert_slice %[[TILE]] into %[[OUT]][%[[T]], 0] [8, 256] [1, 1]
// PAR:         return %[[R]]
func.func @matmul_large(%a: tensor<256x64xf32>, %b: tensor<64x256xf32>, %c: tensor<256x256xf32>) -> tensor<256x256xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<256x64xf32>, tensor<64x256xf32>) outs(%c : tensor<256x256xf32>) -> tensor<256x256xf32>
  return %0 : tensor<256x256xf32>
}

// -----

// A blocked contraction (qc-lower-packed-matmul's form: rows m, block b, lane
// l, columns n, each 4-bit lane shifted out of a word of 8): 8 rows by two
// vectors per tile, block and lane one step at a time, so each step unpacks
// one lane of a 32-word vector and multiplies it into all 8 rows.
// CHECK-LABEL: func @blocked_contraction(
// CHECK-SAME:    %[[X:.+]]: tensor<16x4x8xi32>, %[[W:.+]]: tensor<4x64xi32>, %[[C:.+]]: tensor<16x64xi32>)
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG:     %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG:     %[[C16:.+]] = arith.constant 16 : index
// CHECK-DAG:     %[[C32:.+]] = arith.constant 32 : index
// CHECK-DAG:     %[[C64:.+]] = arith.constant 64 : index
// CHECK:         scf.for %[[M:[a-zA-Z0-9_]+]] = %{{.+}} to %[[C16]] step %[[C8]]
// CHECK:           scf.for %[[N:[a-zA-Z0-9_]+]] = %{{.+}} to %[[C64]] step %[[C32]]
// CHECK:             scf.for %[[B:[a-zA-Z0-9_]+]] = %{{.+}} to %[[C4]] step %[[C1]]
// CHECK:               scf.for %[[L:[a-zA-Z0-9_]+]] = %{{.+}} to %[[C8]] step %[[C1]]
// CHECK:                 vector.transfer_read %[[X]][%[[M]], %[[B]], %[[L]]]{{.*}} : tensor<16x4x8xi32>, vector<8x1x1xi32>
// CHECK:                 vector.transfer_read %[[W]][%[[B]], %[[N]]]{{.*}} : tensor<4x64xi32>, vector<1x32xi32>
// CHECK:                 arith.shrsi {{.*}} : vector<8x1x1x32xi32>
// CHECK:                 vector.contract {{.*}} : vector<8x1x1xi32>, vector<8x1x1x32xi32> into vector<8x32xi32>
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @blocked_contraction(%x: tensor<16x4x8xi32>, %w: tensor<4x64xi32>, %c: tensor<16x64xi32>) -> tensor<16x64xi32> {
  %c4 = arith.constant 4 : i32
  %c28 = arith.constant 28 : i32
  %0 = linalg.generic {
      indexing_maps = [affine_map<(m, b, l, n) -> (m, b, l)>,
                       affine_map<(m, b, l, n) -> (b, n)>,
                       affine_map<(m, b, l, n) -> (m, n)>],
      iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %w : tensor<16x4x8xi32>, tensor<4x64xi32>) outs(%c : tensor<16x64xi32>) {
  ^bb0(%xi: i32, %word: i32, %acc: i32):
    %lane = linalg.index 2 : index
    %lane_i32 = arith.index_cast %lane : index to i32
    %offset = arith.muli %lane_i32, %c4 : i32
    %field = arith.shrui %word, %offset : i32
    %high = arith.shli %field, %c28 : i32
    %value = arith.shrsi %high, %c28 : i32
    %product = arith.muli %xi, %value : i32
    %sum = arith.addi %acc, %product : i32
    linalg.yield %sum : i32
  } -> tensor<16x64xi32>
  return %0 : tensor<16x64xi32>
}

// -----

// Convolution: a tile is 8 output pixels of one row by 32 output channels,
// one filter row, the whole filter width and 8 input channels. Decomposed to
// a 1-D convolution and vectorized, it reads 8 + 3 - 1 = 10 input pixels and
// is unrolled over the 3 filter taps into contractions.
// CHECK-LABEL: func @conv_hwcf
// CHECK-SAME:    (%[[IN:.+]]: tensor<1x10x18x24xf32>, %[[F:.+]]: tensor<3x3x24x64xf32>, %[[OUT:.+]]: tensor<1x8x16x64xf32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG:     %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG:     %[[C16:.+]] = arith.constant 16 : index
// CHECK-DAG:     %[[C24:.+]] = arith.constant 24 : index
// CHECK-DAG:     %[[C32:.+]] = arith.constant 32 : index
// CHECK-DAG:     %[[C64:.+]] = arith.constant 64 : index
// CHECK-NOT:     linalg.conv
// CHECK:         scf.for %{{.+}} = %[[C0]] to %[[C16]] step %[[C8]]
// CHECK:           scf.for %{{.+}} = %[[C0]] to %[[C64]] step %[[C32]]
// CHECK:             scf.for %{{.+}} = %[[C0]] to %[[C3]] step %[[C1]]
// CHECK:               scf.for %{{.+}} = %[[C0]] to %[[C24]] step %[[C8]]
// CHECK-NOT:             linalg.conv
// CHECK:                 vector.transfer_read %[[IN]]{{.*}} : tensor<1x10x18x24xf32>, vector<1x10x8xf32>
// CHECK:                 vector.transfer_read %[[F]]{{.*}} : tensor<3x3x24x64xf32>, vector<3x8x32xf32>
// CHECK:                 vector.transfer_read {{.*}} : tensor<1x8x16x64xf32>, vector<1x8x32xf32>
// CHECK-COUNT-3:         vector.contract {{.*}} : vector<1x8x8xf32>, vector<8x32xf32> into vector<1x8x32xf32>
// CHECK-NOT:             vector.contract
// CHECK:                 vector.transfer_write {{.*}} : vector<1x8x32xf32>
// CHECK-NOT:     linalg.conv
// CHECK:         return

// HOIST-LABEL: func @conv_hwcf
// HOIST:         %[[ACC:.+]] = vector.transfer_read {{.*}} : tensor<1x8x16x64xf32>, vector<1x8x32xf32>
// HOIST-NEXT:    %[[LOOP:.+]]:2 = scf.for {{.*}} iter_args(%{{.+}} = %{{.+}}, %{{.+}} = %[[ACC]]) -> (tensor<1x8x16x64xf32>, vector<1x8x32xf32>)
// HOIST:           vector.contract
// HOIST-NOT:       vector.transfer_write
// HOIST:         vector.transfer_write %[[LOOP]]#1, %[[LOOP]]#0
// W8-LABEL: func @conv_hwcf
// W8-DAG:       %[[C16:.+]] = arith.constant 16 : index
// W8-DAG:       %[[C64:.+]] = arith.constant 64 : index
// W8:           scf.for %{{.+}} = %{{.+}} to %[[C64]] step %[[C16]]
// W8:           vector.transfer_read {{.*}} : tensor<3x3x24x64xf32>, vector<3x8x16xf32>
// W8-COUNT-3:   vector.contract {{.*}} : vector<1x8x8xf32>, vector<8x16xf32> into vector<1x8x16xf32>
func.func @conv_hwcf(%in: tensor<1x10x18x24xf32>, %f: tensor<3x3x24x64xf32>, %out: tensor<1x8x16x64xf32>) -> tensor<1x8x16x64xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %f : tensor<1x10x18x24xf32>, tensor<3x3x24x64xf32>) outs(%out : tensor<1x8x16x64xf32>) -> tensor<1x8x16x64xf32>
  return %0 : tensor<1x8x16x64xf32>
}

// -----

// Depthwise convolution: 8 output pixels by 32 channels per tile, one FMA
// per filter tap.
// CHECK-LABEL: func @depthwise_hwc
// CHECK-SAME:    (%[[IN:.+]]: tensor<1x10x18x64xf32>, %[[F:.+]]: tensor<3x3x64xf32>, %{{.+}}: tensor<1x8x16x64xf32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG:     %[[C16:.+]] = arith.constant 16 : index
// CHECK-DAG:     %[[C32:.+]] = arith.constant 32 : index
// CHECK-DAG:     %[[C64:.+]] = arith.constant 64 : index
// CHECK-NOT:     linalg.depthwise
// CHECK:         scf.for %{{.+}} = %[[C0]] to %[[C16]] step %[[C8]]
// CHECK:           scf.for %{{.+}} = %[[C0]] to %[[C64]] step %[[C32]]
// CHECK:             vector.transfer_read %[[IN]]{{.*}} : tensor<1x10x18x64xf32>, vector<1x10x32xf32>
// CHECK:             vector.transfer_read %[[F]]{{.*}} : tensor<3x3x64xf32>, vector<3x32xf32>
// CHECK-COUNT-3:     vector.fma {{.*}} : vector<1x8x32xf32>
// CHECK-NOT:     linalg.depthwise
// CHECK:         return

// W8-LABEL: func @depthwise_hwc
// W8:           vector.transfer_read {{.*}} : tensor<3x3x64xf32>, vector<3x16xf32>
// W8-COUNT-3:   vector.fma {{.*}} : vector<1x8x16xf32>
func.func @depthwise_hwc(%in: tensor<1x10x18x64xf32>, %f: tensor<3x3x64xf32>, %out: tensor<1x8x16x64xf32>) -> tensor<1x8x16x64xf32> {
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %f : tensor<1x10x18x64xf32>, tensor<3x3x64xf32>) outs(%out : tensor<1x8x16x64xf32>) -> tensor<1x8x16x64xf32>
  return %0 : tensor<1x8x16x64xf32>
}

// -----

// Elementwise: four 16-lane vectors along the innermost dimension, one row
// at a time; when 64 does not divide it, its largest divisor below 64.
#id = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func @add_128
// CHECK-SAME:    (%[[X:.+]]: tensor<4x128xf32>, %[[Y:.+]]: tensor<4x128xf32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG:     %[[C64:.+]] = arith.constant 64 : index
// CHECK-DAG:     %[[C128:.+]] = arith.constant 128 : index
// CHECK:         scf.for %[[I:[a-zA-Z0-9_]+]] = %[[C0]] to %[[C4]] step %[[C1]]
// CHECK:           scf.for %[[J:[a-zA-Z0-9_]+]] = %[[C0]] to %[[C128]] step %[[C64]] iter_args(%[[ACC:[a-zA-Z0-9_]+]] =
// CHECK:             %[[VX:.+]] = vector.transfer_read %[[X]][%[[I]], %[[J]]]{{.*}} : tensor<4x128xf32>, vector<1x64xf32>
// CHECK:             %[[VY:.+]] = vector.transfer_read %[[Y]][%[[I]], %[[J]]]{{.*}} : tensor<4x128xf32>, vector<1x64xf32>
// CHECK:             %[[S:.+]] = arith.addf %[[VX]], %[[VY]] : vector<1x64xf32>
// CHECK:             vector.transfer_write %[[S]], %[[ACC]][%[[I]], %[[J]]]{{.*}} : vector<1x64xf32>, tensor<4x128xf32>
// CHECK-NOT:     linalg.generic

// W8-LABEL: func @add_128
// W8:           arith.addf {{.*}} : vector<1x32xf32>

// PAR-LABEL: func @add_128
// PAR-NOT:     scf.forall
// PAR:         return
func.func @add_128(%x: tensor<4x128xf32>, %y: tensor<4x128xf32>) -> tensor<4x128xf32> {
  %e = tensor.empty() : tensor<4x128xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<4x128xf32>, tensor<4x128xf32>) outs(%e : tensor<4x128xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x128xf32>
  return %0 : tensor<4x128xf32>
}

// CHECK-LABEL: func @add_48
// CHECK:         arith.addf %{{.+}}, %{{.+}} : vector<1x48xf32>
// CHECK-NOT:     linalg.generic
// W8-LABEL: func @add_48
// W8:           arith.addf %{{.+}}, %{{.+}} : vector<1x32xf32>
// W8:           arith.addf %{{.+}}, %{{.+}} : vector<1x16xf32>
func.func @add_48(%x: tensor<4x48xf32>, %y: tensor<4x48xf32>) -> tensor<4x48xf32> {
  %e = tensor.empty() : tensor<4x48xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<4x48xf32>, tensor<4x48xf32>) outs(%e : tensor<4x48xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x48xf32>
  return %0 : tensor<4x48xf32>
}

// A vector loop that whole tiles do not cover is split where they end: 64
// columns in whole tiles, then the 36 left in one narrower tile.
// CHECK-LABEL: func @add_100
// CHECK:         arith.addf %{{.+}}, %{{.+}} : vector<1x64xf32>
// CHECK:         tensor.insert_slice %{{.+}} into %{{.+}}[0, 0] [4, 64] [1, 1]
// CHECK:         arith.addf %{{.+}}, %{{.+}} : vector<1x36xf32>
// CHECK:         tensor.insert_slice %{{.+}} into %{{.+}}[0, 64] [4, 36] [1, 1]
func.func @add_100(%x: tensor<4x100xf32>, %y: tensor<4x100xf32>) -> tensor<4x100xf32> {
  %e = tensor.empty() : tensor<4x100xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<4x100xf32>, tensor<4x100xf32>) outs(%e : tensor<4x100xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x100xf32>
  return %0 : tensor<4x100xf32>
}

// -----

// Reductions: whole up to 1024 elements (one vector op for the whole
// 8x256 sum), longer ones in chunks of 1024 accumulated in the output.
// CHECK-LABEL: func @sum_rows
// CHECK-NOT:     scf.for
// CHECK:         %[[V:.+]] = vector.transfer_read {{.*}} : tensor<8x256xf32>, vector<8x256xf32>
// CHECK:         %[[ACC:.+]] = vector.transfer_read {{.*}} : tensor<8xf32>, vector<8xf32>
// CHECK:         vector.multi_reduction <add>, %[[V]], %[[ACC]] [1] : vector<8x256xf32> to vector<8xf32>
// CHECK-NOT:     linalg.reduce
func.func @sum_rows(%x: tensor<8x256xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  %0 = linalg.reduce ins(%x : tensor<8x256xf32>) outs(%init : tensor<8xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %0 : tensor<8xf32>
}

// CHECK-LABEL: func @sum_long_rows
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1024:.+]] = arith.constant 1024 : index
// CHECK-DAG:     %[[C4096:.+]] = arith.constant 4096 : index
// CHECK:         scf.for %{{.+}} = %[[C0]] to %[[C4096]] step %[[C1024]]
// CHECK:           vector.multi_reduction <add>, %{{.+}}, %{{.+}} [1] : vector<4x1024xf32> to vector<4xf32>
// CHECK-NOT:     linalg.reduce
func.func @sum_long_rows(%x: tensor<4x4096xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %0 = linalg.reduce ins(%x : tensor<4x4096xf32>) outs(%init : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %0 : tensor<4xf32>
}

// -----

// Many long rows: the row tile shrinks so that one tile (16 rows of 1024)
// stays within what is vectorized.
// CHECK-LABEL: func @sum_many_rows
// CHECK-DAG:     %[[C16:.+]] = arith.constant 16 : index
// CHECK:         scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[C16]]
// CHECK:           vector.multi_reduction <add>, %{{.+}}, %{{.+}} [1] : vector<16x1024xf32> to vector<16xf32>
// CHECK-NOT:     linalg.reduce
func.func @sum_many_rows(%x: tensor<64x1024xf32>, %init: tensor<64xf32>) -> tensor<64xf32> {
  %0 = linalg.reduce ins(%x : tensor<64x1024xf32>) outs(%init : tensor<64xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %0 : tensor<64xf32>
}

// -----

// Dynamic shapes: neither tiled nor vectorized.
// CHECK-LABEL: func @dynamic
// CHECK-NOT:     scf.for
// CHECK-NOT:     vector.
// CHECK:         %[[R:.+]] = linalg.generic
// CHECK-SAME:      outs(%{{.+}} : tensor<?x64xf32>)
// CHECK:           arith.addf %{{.+}}, %{{.+}} : f32
// CHECK-NOT:     vector.
// CHECK:         return %[[R]]
#dyn_id = affine_map<(d0, d1) -> (d0, d1)>
func.func @dynamic(%x: tensor<?x64xf32>, %y: tensor<?x64xf32>, %init: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %0 = linalg.generic {indexing_maps = [#dyn_id, #dyn_id, #dyn_id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<?x64xf32>, tensor<?x64xf32>) outs(%init : tensor<?x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

// Booleans stay scalar (vectors of i1 are packed bits in LLVM but memory
// holds a byte each): the tiles are still linalg ops.
// CHECK-LABEL: func @boolean
// CHECK-NOT:     vector.
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.+}}, %{{.+}} : tensor<{{.+}}xi1>, tensor<{{.+}}xi1>)
// CHECK:           arith.andi %{{.+}}, %{{.+}} : i1
// CHECK-NOT:     vector.
// CHECK:         return
#bool_id = affine_map<(d0, d1) -> (d0, d1)>
func.func @boolean(%x: tensor<4x64xi1>, %y: tensor<4x64xi1>) -> tensor<4x64xi1> {
  %e = tensor.empty() : tensor<4x64xi1>
  %0 = linalg.generic {indexing_maps = [#bool_id, #bool_id, #bool_id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<4x64xi1>, tensor<4x64xi1>) outs(%e : tensor<4x64xi1>) {
  ^bb0(%a: i1, %b: i1, %o: i1):
    %s = arith.andi %a, %b : i1
    linalg.yield %s : i1
  } -> tensor<4x64xi1>
  return %0 : tensor<4x64xi1>
}

// -----

// Ops on buffers are left alone.
// CHECK-LABEL: func @buffers
// CHECK-NOT:     scf.for
// CHECK-NOT:     vector.
// CHECK:         linalg.matmul ins(%{{.+}}, %{{.+}} : memref<16x24xf32>, memref<24x64xf32>)
// CHECK-NOT:     vector.
func.func @buffers(%a: memref<16x24xf32>, %b: memref<24x64xf32>, %c: memref<16x64xf32>) {
  linalg.matmul ins(%a, %b : memref<16x24xf32>, memref<24x64xf32>) outs(%c : memref<16x64xf32>)
  return
}

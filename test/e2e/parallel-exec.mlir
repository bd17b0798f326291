// Executes a matmul, a TOSA conv2d and a TOSA elementwise chain lowered by
// qc-lower-to-llvm with parallel=true (OpenMP threads), parallel=false and
// vectorize=false: every variant prints the same closed-form results.
//
// REQUIRES: libomp
// RUN: quant-opt %s --qc-lower-to-llvm=parallel=true | env OMP_NUM_THREADS=4 %{run_main} %{libomp} | FileCheck %s
// RUN: quant-opt %s --qc-lower-to-llvm=parallel=true | env OMP_NUM_THREADS=1 %{run_main} %{libomp} | FileCheck %s
// RUN: quant-opt %s --qc-lower-to-llvm="parallel=true vector-width=8 results-as-out-params=true" | env OMP_NUM_THREADS=3 %{run_main} %{libomp} | FileCheck %s
// RUN: quant-opt %s --qc-lower-to-llvm | %{run_main} | FileCheck %s
// RUN: quant-opt %s --qc-lower-to-llvm=vectorize=false | %{run_main} | FileCheck %s
//
// Every input and result is an integer below 2^24, so f32 arithmetic is exact
// in any summation order. Each op prints four sampled results, then how many
// of its results equal the closed form (checked elementwise by scalar loops in
// @main, not by linalg).

// 256 * 64 * 256 iterations: parallel=true splits the rows into an scf.forall.
func.func @matmul(%a: tensor<256x64xf32>, %b: tensor<64x256xf32>) -> tensor<256x256xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x256xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<256x256xf32>) -> tensor<256x256xf32>
  %c = linalg.matmul ins(%a, %b : tensor<256x64xf32>, tensor<64x256xf32>) outs(%f : tensor<256x256xf32>) -> tensor<256x256xf32>
  return %c : tensor<256x256xf32>
}

// 3x3 filter, same padding, OHWI weights.
func.func @conv(%x: tensor<1x32x32x16xf32>, %w: tensor<16x3x3x16xf32>, %b: tensor<16xf32>) -> tensor<1x32x32x16xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
      : (tensor<1x32x32x16xf32>, tensor<16x3x3x16xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x32x32x16xf32>
  return %y : tensor<1x32x32x16xf32>
}

// max(2x - 100, 0) + bias[j]: one fused elementwise op of 65536 iterations.
func.func @chain(%x: tensor<256x256xf32>, %bias: tensor<1x256xf32>) -> tensor<256x256xf32> {
  %two = "tosa.const"() <{values = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %hundred = "tosa.const"() <{values = dense<100.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.mul %x, %two, %shift : (tensor<256x256xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<256x256xf32>
  %1 = tosa.sub %0, %hundred : (tensor<256x256xf32>, tensor<1x1xf32>) -> tensor<256x256xf32>
  %2 = tosa.clamp %1 {min_val = 0.0 : f32, max_val = 1.0e9 : f32} : (tensor<256x256xf32>) -> tensor<256x256xf32>
  %3 = tosa.add %2, %bias : (tensor<256x256xf32>, tensor<1x256xf32>) -> tensor<256x256xf32>
  return %3 : tensor<256x256xf32>
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c15 = arith.constant 15 : index
  %c16 = arith.constant 16 : index
  %c30 = arith.constant 30 : index
  %c31 = arith.constant 31 : index
  %c32 = arith.constant 32 : index
  %c49 = arith.constant 49 : index
  %c50 = arith.constant 50 : index
  %c100 = arith.constant 100 : index
  %c200 = arith.constant 200 : index
  %c255 = arith.constant 255 : index
  %c256 = arith.constant 256 : index
  %i0 = arith.constant 0 : i32
  %i1 = arith.constant 1 : i32

  // Matmul: A[i][k] = i + k, B[k][j] = 2j + k, so
  // C[i][j] = sum_k (i + k)(2j + k) = 128ij + 2016i + 4032j + 85344
  // (sum of k below 64 is 2016, of k^2 85344).
  %a = tensor.generate {
  ^bb0(%i: index, %k: index):
    %s = arith.addi %i, %k : index
    %si = arith.index_cast %s : index to i32
    %v = arith.sitofp %si : i32 to f32
    tensor.yield %v : f32
  } : tensor<256x64xf32>
  %b = tensor.generate {
  ^bb0(%k: index, %j: index):
    %j2 = arith.addi %j, %j : index
    %s = arith.addi %j2, %k : index
    %si = arith.index_cast %s : index to i32
    %v = arith.sitofp %si : i32 to f32
    tensor.yield %v : f32
  } : tensor<64x256xf32>
  %mm = func.call @matmul(%a, %b) : (tensor<256x64xf32>, tensor<64x256xf32>) -> tensor<256x256xf32>
  // C[0][0], C[255][255], C[3][200], C[200][3].
  // CHECK:      ( 85344, 9950784, 974592, 577440 )
  %m0 = tensor.extract %mm[%c0, %c0] : tensor<256x256xf32>
  %m1 = tensor.extract %mm[%c255, %c255] : tensor<256x256xf32>
  %m2 = tensor.extract %mm[%c3, %c200] : tensor<256x256xf32>
  %m3 = tensor.extract %mm[%c200, %c3] : tensor<256x256xf32>
  %mv = vector.from_elements %m0, %m1, %m2, %m3 : vector<4xf32>
  %mvi = arith.fptosi %mv : vector<4xf32> to vector<4xi32>
  vector.print %mvi : vector<4xi32>
  // CHECK-NEXT: 65536
  %mok = scf.for %i = %c0 to %c256 step %c1 iter_args(%n = %i0) -> (i32) {
    %ii = arith.index_cast %i : index to i32
    %nr = scf.for %j = %c0 to %c256 step %c1 iter_args(%m = %n) -> (i32) {
      %jj = arith.index_cast %j : index to i32
      %c128 = arith.constant 128 : i32
      %c2016 = arith.constant 2016 : i32
      %c4032 = arith.constant 4032 : i32
      %c85344 = arith.constant 85344 : i32
      %ij = arith.muli %ii, %jj : i32
      %t0 = arith.muli %ij, %c128 : i32
      %t1 = arith.muli %ii, %c2016 : i32
      %t2 = arith.muli %jj, %c4032 : i32
      %s0 = arith.addi %t0, %t1 : i32
      %s1 = arith.addi %s0, %t2 : i32
      %s2 = arith.addi %s1, %c85344 : i32
      %want = arith.sitofp %s2 : i32 to f32
      %got = tensor.extract %mm[%i, %j] : tensor<256x256xf32>
      %eq = arith.cmpf oeq, %got, %want : f32
      %inc = arith.extui %eq : i1 to i32
      %m1n = arith.addi %m, %inc : i32
      scf.yield %m1n : i32
    }
    scf.yield %nr : i32
  }
  vector.print %mok : i32

  // Conv: x[0][h][w][c] = a(h) a(w) (c + 1) with a(h) = h mod 3 + 1 (0 in
  // the padding), W[o][kh][kw][c] = (o + 1)(kh + 1)(kw + 1)(c mod 2 + 1),
  // bias[o] = o - 8. The sum separates:
  //   y[h][w][o] = R(h) R(w) G (o + 1) + o - 8,
  // G = sum_c (c + 1)(c mod 2 + 1) = 208, R(h) = sum_kh a(h + kh - 1)(kh + 1):
  // 8 at h = 0, 5 at h = 31, else 14 if h mod 3 = 1 and 11 otherwise.
  %x = tensor.generate {
  ^bb0(%n: index, %h: index, %w: index, %c: index):
    %hm = arith.remui %h, %c3 : index
    %ah = arith.addi %hm, %c1 : index
    %wm = arith.remui %w, %c3 : index
    %aw = arith.addi %wm, %c1 : index
    %cc = arith.addi %c, %c1 : index
    %p0 = arith.muli %ah, %aw : index
    %p1 = arith.muli %p0, %cc : index
    %pi = arith.index_cast %p1 : index to i32
    %v = arith.sitofp %pi : i32 to f32
    tensor.yield %v : f32
  } : tensor<1x32x32x16xf32>
  %w = tensor.generate {
  ^bb0(%o: index, %kh: index, %kw: index, %c: index):
    %o1 = arith.addi %o, %c1 : index
    %kh1 = arith.addi %kh, %c1 : index
    %kw1 = arith.addi %kw, %c1 : index
    %cm = arith.remui %c, %c2 : index
    %cs = arith.addi %cm, %c1 : index
    %p0 = arith.muli %o1, %kh1 : index
    %p1 = arith.muli %p0, %kw1 : index
    %p2 = arith.muli %p1, %cs : index
    %pi = arith.index_cast %p2 : index to i32
    %v = arith.sitofp %pi : i32 to f32
    tensor.yield %v : f32
  } : tensor<16x3x3x16xf32>
  %bias = tensor.generate {
  ^bb0(%o: index):
    %oi = arith.index_cast %o : index to i32
    %c8 = arith.constant 8 : i32
    %s = arith.subi %oi, %c8 : i32
    %v = arith.sitofp %s : i32 to f32
    tensor.yield %v : f32
  } : tensor<16xf32>
  %y = func.call @conv(%x, %w, %bias) : (tensor<1x32x32x16xf32>, tensor<16x3x3x16xf32>, tensor<16xf32>) -> tensor<1x32x32x16xf32>
  // y[0][0][0] = 8 * 8 * 208 - 8, y[1][1][15] = 14 * 14 * 208 * 16 + 7,
  // y[31][31][15] = 5 * 5 * 208 * 16 + 7, y[5][30][3] = 11 * 11 * 208 * 4 - 5.
  // CHECK-NEXT: ( 13304, 652295, 83207, 100667 )
  %y0 = tensor.extract %y[%c0, %c0, %c0, %c0] : tensor<1x32x32x16xf32>
  %y1 = tensor.extract %y[%c0, %c1, %c1, %c15] : tensor<1x32x32x16xf32>
  %y2 = tensor.extract %y[%c0, %c31, %c31, %c15] : tensor<1x32x32x16xf32>
  %y3 = tensor.extract %y[%c0, %c5, %c30, %c3] : tensor<1x32x32x16xf32>
  %yv = vector.from_elements %y0, %y1, %y2, %y3 : vector<4xf32>
  %yvi = arith.fptosi %yv : vector<4xf32> to vector<4xi32>
  vector.print %yvi : vector<4xi32>
  // CHECK-NEXT: 16384
  %rtab = arith.constant dense<[8, 14, 11, 11, 14, 11, 11, 14, 11, 11, 14, 11, 11, 14, 11, 11,
                                14, 11, 11, 14, 11, 11, 14, 11, 11, 14, 11, 11, 14, 11, 11, 5]> : tensor<32xi32>
  %yok = scf.for %h = %c0 to %c32 step %c1 iter_args(%n = %i0) -> (i32) {
    %rh = tensor.extract %rtab[%h] : tensor<32xi32>
    %nr = scf.for %ww = %c0 to %c32 step %c1 iter_args(%m = %n) -> (i32) {
      %rw = tensor.extract %rtab[%ww] : tensor<32xi32>
      %no = scf.for %o = %c0 to %c16 step %c1 iter_args(%k = %m) -> (i32) {
        %oi = arith.index_cast %o : index to i32
        %c208 = arith.constant 208 : i32
        %c8 = arith.constant 8 : i32
        %o1 = arith.addi %oi, %i1 : i32
        %p0 = arith.muli %rh, %rw : i32
        %p1 = arith.muli %p0, %c208 : i32
        %p2 = arith.muli %p1, %o1 : i32
        %p3 = arith.addi %p2, %oi : i32
        %p4 = arith.subi %p3, %c8 : i32
        %want = arith.sitofp %p4 : i32 to f32
        %got = tensor.extract %y[%c0, %h, %ww, %o] : tensor<1x32x32x16xf32>
        %eq = arith.cmpf oeq, %got, %want : f32
        %inc = arith.extui %eq : i1 to i32
        %k1 = arith.addi %k, %inc : i32
        scf.yield %k1 : i32
      }
      scf.yield %no : i32
    }
    scf.yield %nr : i32
  }
  vector.print %yok : i32

  // Chain: x[i][j] = i - j, bias[0][j] = j: max(2(i - j) - 100, 0) + j.
  %xc = tensor.generate {
  ^bb0(%i: index, %j: index):
    %ii = arith.index_cast %i : index to i32
    %jj = arith.index_cast %j : index to i32
    %d = arith.subi %ii, %jj : i32
    %v = arith.sitofp %d : i32 to f32
    tensor.yield %v : f32
  } : tensor<256x256xf32>
  %bc = tensor.generate {
  ^bb0(%z: index, %j: index):
    %jj = arith.index_cast %j : index to i32
    %v = arith.sitofp %jj : i32 to f32
    tensor.yield %v : f32
  } : tensor<1x256xf32>
  %ch = func.call @chain(%xc, %bc) : (tensor<256x256xf32>, tensor<1x256xf32>) -> tensor<256x256xf32>
  // (255, 0): 410; (200, 30): 270; (100, 50): 50; (100, 49): 2 + 49 = 51.
  // CHECK-NEXT: ( 410, 270, 50, 51 )
  %h0 = tensor.extract %ch[%c255, %c0] : tensor<256x256xf32>
  %h1 = tensor.extract %ch[%c200, %c30] : tensor<256x256xf32>
  %h2 = tensor.extract %ch[%c100, %c50] : tensor<256x256xf32>
  %h3 = tensor.extract %ch[%c100, %c49] : tensor<256x256xf32>
  %hv = vector.from_elements %h0, %h1, %h2, %h3 : vector<4xf32>
  %hvi = arith.fptosi %hv : vector<4xf32> to vector<4xi32>
  vector.print %hvi : vector<4xi32>
  // CHECK-NEXT: 65536
  %hok = scf.for %i = %c0 to %c256 step %c1 iter_args(%n = %i0) -> (i32) {
    %ii = arith.index_cast %i : index to i32
    %nr = scf.for %j = %c0 to %c256 step %c1 iter_args(%m = %n) -> (i32) {
      %jj = arith.index_cast %j : index to i32
      %c100i = arith.constant 100 : i32
      %d = arith.subi %ii, %jj : i32
      %d2 = arith.addi %d, %d : i32
      %t = arith.subi %d2, %c100i : i32
      %r = arith.maxsi %t, %i0 : i32
      %s = arith.addi %r, %jj : i32
      %want = arith.sitofp %s : i32 to f32
      %got = tensor.extract %ch[%i, %j] : tensor<256x256xf32>
      %eq = arith.cmpf oeq, %got, %want : f32
      %inc = arith.extui %eq : i1 to i32
      %m1n = arith.addi %m, %inc : i32
      scf.yield %m1n : i32
    }
    scf.yield %nr : i32
  }
  vector.print %hok : i32
  return
}

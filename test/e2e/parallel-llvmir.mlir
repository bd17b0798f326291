// qc-lower-to-llvm with parallel=true runs large ops on OpenMP threads: the
// LLVM dialect has omp.parallel worksharing loops, which translate to
// __kmpc_fork_call of outlined bodies. Small ops, and parallel=false, stay serial.
// RUN: quant-opt %s --qc-lower-to-llvm=parallel=true | FileCheck %s --check-prefix=OMP
// RUN: quant-opt %s --qc-lower-to-llvm | FileCheck %s --check-prefix=NO-OMP
// RUN: quant-opt %s --qc-lower-to-llvm=parallel=true | quant-translate --mlir-to-llvmir | FileCheck %s --check-prefix=PAR --implicit-check-not=small_matmul..omp_par
// RUN: quant-opt %s --qc-lower-to-llvm | quant-translate --mlir-to-llvmir | FileCheck %s --check-prefix=SEQ

// Loop nests of functions with several are outlined (qc-outline-kernels)
// into <function>_kernel<N>, defined before the function that calls them;
// the parallel loops are in those kernels.
// 16 * 24 * 64 iterations: too few for threads even with parallel=true.
// OMP-LABEL:  llvm.func @small_matmul(
// OMP-NOT:      omp.
// OMP:        llvm.func @matmul_kernel{{[0-9]+}}(
// OMP:          omp.parallel
// OMP:            omp.wsloop
// OMP-NEXT:         omp.loop_nest
// OMP-LABEL:  llvm.func @matmul(
// OMP:          llvm.call @matmul_kernel
// OMP:        llvm.func @conv_kernel{{[0-9]+}}(
// OMP:          omp.parallel
// OMP:            omp.wsloop
// OMP-NEXT:         omp.loop_nest
// OMP-LABEL:  llvm.func @conv(
// OMP:          llvm.call @conv_kernel
// A function with a single loop nest keeps it.
// OMP-LABEL:  llvm.func @chain(
// OMP:          omp.parallel
// OMP:            omp.wsloop
// OMP-NEXT:         omp.loop_nest

// NO-OMP-NOT:  omp.
// NO-OMP:      llvm.func @chain(
// NO-OMP-NOT:  omp.

// PAR-DAG:    call {{.*}} @__kmpc_fork_call({{.*}}@matmul_kernel{{[0-9]+}}..omp_par
// PAR-DAG:    call {{.*}} @__kmpc_fork_call({{.*}}@conv_kernel{{[0-9]+}}..omp_par
// PAR-DAG:    call {{.*}} @__kmpc_fork_call({{.*}}@chain..omp_par
// PAR-DAG:    define internal void @matmul_kernel{{[0-9]+}}..omp_par(
// PAR-DAG:    call {{.*}} @__kmpc_for_static_init_{{.*}}(
// PAR-DAG:    declare {{.*}} @__kmpc_fork_call(

// SEQ-NOT:    __kmpc
// SEQ-NOT:    omp_par
// SEQ:        define {{.*}} @chain(
// SEQ-NOT:    __kmpc
// SEQ-NOT:    omp_par

func.func @small_matmul(%a: tensor<16x24xf32>, %b: tensor<24x64xf32>, %c: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<16x24xf32>, tensor<24x64xf32>) outs(%c : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %0 : tensor<16x64xf32>
}

func.func @matmul(%a: tensor<256x64xf32>, %b: tensor<64x256xf32>) -> tensor<256x256xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x256xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<256x256xf32>) -> tensor<256x256xf32>
  %c = linalg.matmul ins(%a, %b : tensor<256x64xf32>, tensor<64x256xf32>) outs(%f : tensor<256x256xf32>) -> tensor<256x256xf32>
  return %c : tensor<256x256xf32>
}

func.func @conv(%x: tensor<1x32x32x16xf32>, %w: tensor<16x3x3x16xf32>, %b: tensor<16xf32>) -> tensor<1x32x32x16xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
      : (tensor<1x32x32x16xf32>, tensor<16x3x3x16xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x32x32x16xf32>
  return %y : tensor<1x32x32x16xf32>
}

func.func @chain(%x: tensor<256x256xf32>, %bias: tensor<1x256xf32>) -> tensor<256x256xf32> {
  %two = "tosa.const"() <{values = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.mul %x, %two, %shift : (tensor<256x256xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<256x256xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 1.0e9 : f32} : (tensor<256x256xf32>) -> tensor<256x256xf32>
  %2 = tosa.add %1, %bias : (tensor<256x256xf32>, tensor<1x256xf32>) -> tensor<256x256xf32>
  return %2 : tensor<256x256xf32>
}

// quant-compile --target=cuda:<chip>: every op runs as a kernel on an NVIDIA
// GPU, host code calls QC's GPU runtime, and the library loads on machines
// without CUDA and fails there only when run, with the reason.
//
// RUN: quant-compile %s --target=cuda:sm_90a --emit=ptx -o - | FileCheck %s --check-prefix=PTX --implicit-check-not=.f32 --implicit-check-not=.f64
// RUN: quant-compile %s --target=cuda:sm_80 -o %t.ptx
// RUN: FileCheck %s --check-prefix=SM80 --input-file=%t.ptx
// RUN: not quant-compile %s --target=cuda:gfx90a --emit=ptx -o - 2>&1 | FileCheck %s --check-prefix=BAD-CHIP
// RUN: not quant-compile %s --emit=ptx -o - 2>&1 | FileCheck %s --check-prefix=NO-GPU

// One kernel per op (the transpose of the right operand, the accumulator's
// fill, the matmul with its sign extensions, the bias, the narrowing),
// integer instructions only. K = 18 is not whole 4-byte copies, which the
// tensor-core kernel stages: the matmul is a generic kernel.
// PTX: // gpu.module @qc_model_main_device_kernel
// PTX: .target sm_90a
// PTX: .visible .entry qc_model_main_device_kernel(
// PTX: ld.global.s8
// PTX: ld.global.s8
// PTX: mul.wide.s16
// PTX: add.s32
// SM80: .target sm_80
// BAD-CHIP: error: unknown GPU 'gfx90a' in --target; expected cuda:sm_<version>, e.g. cuda:sm_90a
// NO-GPU: error: --emit=ptx needs a GPU target (--target=cuda:<chip>)

// The host side: one stream, device buffers, launches, copies back, the
// kernels embedded as a fatbin (needs CUDA's ptxas) loaded when the library
// is; the C ABI's entries on host buffers and on device buffers.
// RUN: %if ptxas %{ quant-compile %s --target=cuda:sm_90a --emit=llvm -o - | FileCheck %s --check-prefix=HOST %}
// HOST-DAG: @llvm.global_ctors
// HOST-DAG: call ptr @mgpuModuleLoad(
// HOST-DAG: call ptr @mgpuStreamCreate()
// HOST-DAG: call ptr @mgpuMemAlloc(
// HOST-DAG: call void @mgpuMemcpy(
// HOST-DAG: call void @mgpuLaunchKernel(
// HOST-DAG: call void @mgpuStreamSynchronize(
// HOST-DAG: define {{.*}}@qc_model_invoke(
// HOST-DAG: define {{.*}}@qc_model_invoke_device(

// Without a CUDA driver the library still loads; running it reports why it
// cannot (qc_model_run's QC_ERROR_DEVICE).
// RUN: %if ptxas && !cuda-driver %{ quant-compile %s --target=cuda:sm_90a -o %t.so %}
// RUN: %if ptxas && !cuda-driver %{ not quant-run %t.so 2>&1 | FileCheck %s --check-prefix=NODRIVER %}
// NODRIVER: quant-run: error: the model failed: this model runs on an NVIDIA GPU, but the CUDA driver (libcuda.so.1) cannot be loaded
func.func @main(%x: tensor<4x18xi8>, %w: tensor<18x8xi8>, %b: tensor<8xi32>) -> tensor<4x8xi8> {
  %zero = arith.constant dense<0> : tensor<4x8xi32>
  %p = linalg.matmul ins(%x, %w : tensor<4x18xi8>, tensor<18x8xi8>) outs(%zero : tensor<4x8xi32>) -> tensor<4x8xi32>
  %shape = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %b2 = tosa.reshape %b, %shape : (tensor<8xi32>, !tosa.shape<2>) -> tensor<1x8xi32>
  %s = tosa.add %p, %b2 : (tensor<4x8xi32>, tensor<1x8xi32>) -> tensor<4x8xi32>
  %n = tosa.cast %s : (tensor<4x8xi32>) -> tensor<4x8xi8>
  return %n : tensor<4x8xi8>
}

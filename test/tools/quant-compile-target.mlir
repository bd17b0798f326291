// quant-compile vectorizes for the target's registers: elementwise tiles are
// four vectors of 16 f32 lanes with AVX-512, 8 with AVX2 (x86-64-v3), 4 with
// SSE only (x86-64), and the object code uses zmm, ymm or xmm registers.
// --features adds to the CPU's features; --vectorize=false compiles the scalar
// reference loops.
// RUN: quant-compile %s --target=x86_64-unknown-linux-gnu --cpu=x86-64-v4 --emit=llvm -o - | FileCheck %s --check-prefix=AVX512
// RUN: quant-compile %s --target=x86_64-unknown-linux-gnu --cpu=x86-64-v3 --emit=llvm -o - | FileCheck %s --check-prefix=AVX2
// RUN: quant-compile %s --target=x86_64-unknown-linux-gnu --cpu=x86-64 --emit=llvm -o - | FileCheck %s --check-prefix=SSE
// RUN: quant-compile %s --target=x86_64-unknown-linux-gnu --cpu=x86-64-v3 --features=+avx512f --emit=llvm -o - | FileCheck %s --check-prefix=AVX512
// RUN: quant-compile %s --target=x86_64-unknown-linux-gnu --cpu=x86-64-v4 --vectorize=false -O0 --emit=llvm -o - | FileCheck %s --check-prefix=SCALAR
// RUN: quant-compile %s --target=x86_64-unknown-linux-gnu --cpu=x86-64-v4 -o %t.v4.o
// RUN: llvm-objdump -d %t.v4.o | FileCheck %s --check-prefix=ZMM
// RUN: quant-compile %s --target=x86_64-unknown-linux-gnu --cpu=x86-64-v3 -o %t.v3.o
// RUN: llvm-objdump -d %t.v3.o | FileCheck %s --check-prefix=YMM --implicit-check-not=zmm
// RUN: quant-compile %s --target=x86_64-unknown-linux-gnu --cpu=x86-64 -o %t.v1.o
// RUN: llvm-objdump -d %t.v1.o | FileCheck %s --check-prefix=XMM --implicit-check-not=ymm

// AVX512: fadd <64 x float>
// AVX2: fadd <32 x float>
// SSE: fadd <16 x float>
// SCALAR-NOT: fadd <
// SCALAR: fadd float
// SCALAR-NOT: fadd <
// ZMM: vaddps {{.*}}%zmm
// YMM: vaddps {{.*}}%ymm
// XMM: addps {{.*}}%xmm
func.func @main(%x: tensor<4x64xf32>, %y: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %0 = tosa.add %x, %y : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x64xf32>
  return %0 : tensor<4x64xf32>
}

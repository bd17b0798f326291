// quant-compile: an MLIR model to LLVM IR with the C ABI, to a shared
// library that quant-run loads and runs on .npy inputs.
//
// RUN: quant-compile %s -o %t.ll
// RUN: FileCheck %s --check-prefix=LLVM < %t.ll
// RUN: quant-compile %s -o %t.so
// RUN: rm -rf %t.out && mkdir %t.out
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[1, -2, 3], [-4, 5, -6]], np.float32))"
// RUN: quant-run %t.so --input=x=%t.x.npy --output-dir=%t.out | FileCheck %s --check-prefix=EXEC
// RUN: %python -c "import numpy as np; y = np.load('%t.out/y.npy'); assert y.dtype == np.float32 and y.shape == (2, 3); print(y.tolist())" | FileCheck %s --check-prefix=NPY
// RUN: quant-run %t.so --input=%t.x.npy --benchmark=5 | FileCheck %s --check-prefix=BENCH

// The signature table and the entry that unpacks buffer pointers (hidden:
// the runtime's qc_model_* functions are the exported ABI). The model
// function is internal, so -O3 inlines it into the entry.
// LLVM-DAG: @qc_model_metadata = hidden {{.*}}constant { i32, i32, i32, ptr, ptr } { i32 1, i32 1, i32 1,
// LLVM-DAG: c"x\00"
// LLVM-DAG: c"y\00"
// LLVM-DAG: define hidden void @qc_model_invoke(ptr
// LLVM-NOT: define {{.*}}void @qc_model_main(

// relu(x) * 2 = [[2, 0, 6], [0, 10, 0]]: min 0, max 10, mean 18 / 6 = 3.
// EXEC: y: <f4[2x3] min 0 max 10 mean 3{{$}}
// NPY: {{\[\[}}2.0, 0.0, 6.0], [0.0, 10.0, 0.0]]
// BENCH: latency over 5 runs: median {{[0-9.]+}} ms

func.func @main(%x: tensor<2x3xf32> {onnx.name = "x"}) -> (tensor<2x3xf32> {onnx.name = "y"}) {
  %zero = arith.constant dense<0.0> : tensor<2x3xf32>
  %two = arith.constant dense<2.0> : tensor<2x3xf32>
  %relu = arith.maximumf %x, %zero : tensor<2x3xf32>
  %y = arith.mulf %relu, %two : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

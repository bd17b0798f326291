// Bad inputs to quant-compile and quant-run: clear errors, exit code 1.
//
// RUN: not quant-compile %t.missing.onnx -o %t.so 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: {{.*}}missing.onnx{{.*}}

// RUN: not quant-compile %s -o %t.so --input-shape x=2x3 2>&1 | FileCheck %s --check-prefix=SHAPE-MLIR
// SHAPE-MLIR: error: --input-shape applies to ONNX models only

// RUN: not quant-compile %s -o %t.so --input-shape x 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: error: malformed --input-shape 'x'; expected name=<d0>x<d1>..., e.g. x=1x3x48x320

// A model with a dynamic dimension has no C ABI signature.
// RUN: not quant-compile %s -o %t.so 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: error: expected model inputs and outputs of static shape and a numeric element type, got 'tensor<?x3xf32>'

// quant-run on a file that is not a model library, and with a wrong input.
// RUN: not quant-run %s 2>&1 | FileCheck %s --check-prefix=NOT-A-LIBRARY
// NOT-A-LIBRARY: error: cannot load '{{.*}}quant-compile-errors.mlir'

// RUN: quant-compile %S/quant-compile.mlir -o %t.good.so
// RUN: %python -c "import numpy as np; np.save('%t.wrong.npy', np.zeros((3, 3), np.float32))"
// RUN: not quant-run %t.good.so --input=x=%t.wrong.npy 2>&1 | FileCheck %s --check-prefix=WRONG-SHAPE
// WRONG-SHAPE: error: '{{.*}}wrong.npy' does not have the shape of the model's input x: <f4[2x3]
// RUN: not quant-run %t.good.so --input=z=%t.wrong.npy 2>&1 | FileCheck %s --check-prefix=WRONG-NAME
// WRONG-NAME: error: the model has no input 'z'

func.func @main(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  return %x : tensor<?x3xf32>
}

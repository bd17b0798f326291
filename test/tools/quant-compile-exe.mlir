// quant-compile --emit=exe: the model linked with runtime/qc_main.c into a
// program that runs it on .npy files, without QC or Python.
//
// RUN: quant-compile %s --emit=exe -o %t.exe
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[1, -2, 3], [-4, 5, -6]], np.float32)); np.save('%t.n.npy', np.array([7, -8, 9], np.int32))"

// Without --output-dir: a summary of each output. Inputs by name, in any
// order.
// RUN: %t.exe --input=n=%t.n.npy --input=x=%t.x.npy | FileCheck %s --check-prefix=SUMMARY
// relu(x) * 2 = [[2, 0, 6], [0, 10, 0]]; n * 3 = [21, -24, 27].
// SUMMARY: y: <f4[2x3] [2, 0, 6, 0, 10, 0]{{$}}
// SUMMARY-NEXT: m: <i4[3] [21, -24, 27]{{$}}

// With --output-dir: .npy files, checked against numpy's own computation.
// Unnamed inputs fill the inputs in order.
// RUN: rm -rf %t.out && mkdir %t.out
// RUN: %t.exe --input=%t.x.npy --input %t.n.npy --output-dir=%t.out | FileCheck %s --check-prefix=WROTE
// WROTE: y: <f4[2x3] -> {{.*}}out/y.npy
// WROTE: m: <i4[3] -> {{.*}}out/m.npy
// RUN: %python -c "import numpy as np; x = np.load('%t.x.npy'); n = np.load('%t.n.npy'); y = np.load('%t.out/y.npy'); m = np.load('%t.out/m.npy'); assert y.dtype == np.float32 and y.shape == (2, 3) and m.dtype == np.int32 and m.shape == (3,); print(np.array_equal(y, np.maximum(x, 0) * 2), np.array_equal(m, n * 3), y.tolist(), m.tolist())" | FileCheck %s --check-prefix=NPY
// NPY: True True {{\[\[}}2.0, 0.0, 6.0], [0.0, 10.0, 0.0]] [21, -24, 27]

// Inputs not given get random values, said on stderr; one seed gives the
// same values each time.
// RUN: %t.exe --input=x=%t.x.npy 2> %t.random.err
// RUN: FileCheck %s --check-prefix=RANDOM --input-file=%t.random.err
// RANDOM: random values for input n: <i4[3]
// RANDOM-NOT: random values for input x
// RUN: %t.exe --seed=7 > %t.seed7.a
// RUN: %t.exe --seed=7 > %t.seed7.b
// RUN: diff %t.seed7.a %t.seed7.b

// RUN: %t.exe --input=%t.x.npy --input=%t.n.npy --benchmark=5 --num-threads=2 | FileCheck %s --check-prefix=BENCH
// BENCH: latency over 5 runs: median {{[0-9.]+}} ms (min {{[0-9.]+}}, max {{[0-9.]+}}){{$}}

// RUN: %t.exe --help | FileCheck %s --check-prefix=HELP
// HELP: usage: {{.*}} [--input=[name=]file.npy]... [--output-dir=DIR]
// HELP: inputs:
// HELP-NEXT: x: <f4[2x3]
// HELP-NEXT: n: <i4[3]
// HELP-NEXT: outputs:
// HELP-NEXT: y: <f4[2x3]
// HELP-NEXT: m: <i4[3]

// A single-threaded executable needs no libomp, only the C library.
// RUN: quant-compile %s --emit=exe --parallel=false -o %t.serial.exe
// RUN: llvm-readelf --needed-libs %t.serial.exe | FileCheck %s --check-prefix=NEEDED
// NEEDED-NOT: omp
// NEEDED-NOT: QC
// NEEDED: libc.so
// NEEDED-NOT: omp
// NEEDED-NOT: QC
// RUN: %t.serial.exe --input=%t.x.npy --input=%t.n.npy | FileCheck %s --check-prefix=SUMMARY

// -o without an extension is still a shared library (quant-run loads it):
// --emit=exe is never inferred.
// RUN: quant-compile %s -o %t.noext
// RUN: quant-run %t.noext --input=%t.x.npy --input=%t.n.npy | FileCheck %s --check-prefix=NOEXT
// NOEXT: y: <f4[2x3]

// Errors: "error: ..." and exit code 1 (`not` fails on a crash).
// RUN: %python -c "import numpy as np; np.save('%t.shape.npy', np.zeros((3, 3), np.float32)); np.save('%t.f8.npy', np.zeros((2, 3))); np.save('%t.fortran.npy', np.asfortranarray(np.zeros((2, 3), np.float32)))"
// RUN: not %t.exe --input=x=%t.missing.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: cannot read '{{.*}}missing.npy': No such file or directory
// RUN: not %t.exe --input=x=%t.shape.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: '{{.*}}shape.npy' has shape (3, 3); input 'x' expects (2, 3)
// RUN: not %t.exe --input=x=%t.f8.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: error: '{{.*}}f8.npy' holds <f8 values; input 'x' expects <f4
// RUN: not %t.exe --input=x=%t.fortran.npy 2>&1 | FileCheck %s --check-prefix=FORTRAN
// FORTRAN: error: '{{.*}}fortran.npy' is in Fortran order; input 'x' needs C order
// RUN: not %t.exe --input=x=%s 2>&1 | FileCheck %s --check-prefix=NOT-NPY
// NOT-NPY: error: '{{.*}}quant-compile-exe.mlir' is not a .npy file
// RUN: not %t.exe --input=z=%t.x.npy 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: error: the model has no input 'z' (its inputs: x, n)
// RUN: not %t.exe --input=%t.x.npy --input=%t.n.npy --input=%t.x.npy 2>&1 | FileCheck %s --check-prefix=TOO-MANY
// TOO-MANY: error: more inputs given than the model takes (2)
// RUN: not %t.exe --frobnicate 2>&1 | FileCheck %s --check-prefix=FLAG
// FLAG: error: unknown option '--frobnicate' (see --help)
// RUN: not %t.exe %t.x.npy 2>&1 | FileCheck %s --check-prefix=POSITIONAL
// POSITIONAL: error: unexpected argument '{{.*}}x.npy' (inputs are given as --input=[name=]file.npy; see --help)
// RUN: not %t.exe --benchmark=ten 2>&1 | FileCheck %s --check-prefix=NUMBER
// NUMBER: error: --benchmark expects an integer from 0 to 4294967295, got 'ten'
// RUN: not %t.exe --input 2>&1 | FileCheck %s --check-prefix=NO-VALUE
// NO-VALUE: error: --input expects a value
// RUN: not %t.exe --input=%t.x.npy --input=%t.n.npy --output-dir=%t.missing-dir 2>&1 | FileCheck %s --check-prefix=OUT-DIR
// OUT-DIR: error: cannot write '{{.*}}missing-dir/y.npy': No such file or directory

func.func @main(%x: tensor<2x3xf32> {onnx.name = "x"},
                %n: tensor<3xi32> {onnx.name = "n"})
    -> (tensor<2x3xf32> {onnx.name = "y"}, tensor<3xi32> {onnx.name = "m"}) {
  %zero = arith.constant dense<0.0> : tensor<2x3xf32>
  %two = arith.constant dense<2.0> : tensor<2x3xf32>
  %three = arith.constant dense<3> : tensor<3xi32>
  %relu = arith.maximumf %x, %zero : tensor<2x3xf32>
  %y = arith.mulf %relu, %two : tensor<2x3xf32>
  %m = arith.muli %n, %three : tensor<3xi32>
  return %y, %m : tensor<2x3xf32>, tensor<3xi32>
}

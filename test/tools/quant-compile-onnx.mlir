// An ONNX model compiled to a library and run: a strided Slice returned as
// an output copies a non-contiguous view into the caller's buffer, which
// goes through the runtime's memrefCopy.
//
// RUN: %onnx_from_text %S/Inputs/strided-slice.onnxtxt %t.onnx
// RUN: quant-compile %t.onnx -o %t.so
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(12, dtype=np.float32).reshape(3, 4))"
// RUN: rm -rf %t.out && mkdir %t.out
// RUN: quant-run %t.so --input=x=%t.x.npy --output-dir=%t.out
// RUN: %python -c "import numpy as np; print(np.load('%t.out/y.npy').tolist())" | FileCheck %s

// x = [[0..3], [4..7], [8..11]]; rows 0 and 2, columns 1 and 3.
// CHECK: {{\[\[}}1.0, 3.0], [9.0, 11.0]]

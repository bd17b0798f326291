// Bad input gets a diagnostic that says what is wrong (naming the node, op
// type and opset where a node is at fault; unnamed nodes by their first
// output) and exit code 1, never a crash.
//
// RUN: split-file %s %t
// RUN: %onnx_from_text %t/dynamic.onnxtxt %t/dynamic.onnx
// RUN: %onnx_from_text %t/unsupported.onnxtxt %t/unsupported.onnx
// RUN: %onnx_from_text %t/domain.onnxtxt %t/domain.onnx
// RUN: %onnx_from_text %t/opset8.onnxtxt %t/opset8.onnx
// RUN: %onnx_from_text %t/unsorted.onnxtxt %t/unsorted.onnx
// RUN: %onnx_from_text %t/dynamic.onnxtxt %t/ir2.onnx --ir-version 2

// RUN: not quant-translate --import-onnx %t/dynamic.onnx 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: error: input 'x' has an unresolved shape [?, 3]; give it with --input-shape x=<d0>x<d1>...

// RUN: quant-translate --import-onnx %t/dynamic.onnx --input-shape x=4x3 | FileCheck %s --check-prefix=SHAPED
// SHAPED: func.func @main(%{{.+}}: tensor<4x3xf32> {onnx.name = "x"}) -> (tensor<4x3xf32> {onnx.name = "y"})

// RUN: not quant-translate --import-onnx %t/dynamic.onnx --input-shape z=4x3 2>&1 | FileCheck %s --check-prefix=UNKNOWN-INPUT
// UNKNOWN-INPUT: error: --input-shape names 'z', which is not an input of the model

// RUN: not quant-translate --import-onnx %t/dynamic.onnx --input-shape x=4x3x2 2>&1 | FileCheck %s --check-prefix=RANK
// RANK: error: --input-shape for 'x' has rank 3, the model's input has rank 2

// RUN: not quant-translate --import-onnx %t/dynamic.onnx --input-shape x=4xq 2>&1 | FileCheck %s --check-prefix=MALFORMED-SHAPE
// MALFORMED-SHAPE: error: malformed --input-shape 'x=4xq'; expected name=<d0>x<d1>..., e.g. x=1x3x48x320

// RUN: not quant-translate --import-onnx %t/unsupported.onnx 2>&1 | FileCheck %s --check-prefix=UNSUPPORTED-OP
// UNSUPPORTED-OP: error: node producing 'y' (Det, opset 13): QC does not support this op

// RUN: not quant-translate --import-onnx %t/domain.onnx 2>&1 | FileCheck %s --check-prefix=DOMAIN
// DOMAIN: error: node producing 'y' (Frobnicate, opset 13): unknown domain 'com.example'; QC imports the default ONNX domain

// RUN: not quant-translate --import-onnx %t/opset8.onnx 2>&1 | FileCheck %s --check-prefix=OPSET
// OPSET: error: opset 8 is not supported; QC reads opsets 9 to 21

// RUN: not quant-translate --import-onnx %t/ir2.onnx 2>&1 | FileCheck %s --check-prefix=IR
// IR: error: ONNX IR version 2 is not supported; QC reads IR versions 3 to 10

// RUN: not quant-translate --import-onnx %t/unsorted.onnx 2>&1 | FileCheck %s --check-prefix=UNSORTED
// UNSORTED: error: Nodes in a graph must be topologically sorted

// A truncated file and one that is not protobuf at all.
// RUN: head -c 40 %t/unsupported.onnx > %t/truncated.onnx
// RUN: not quant-translate --import-onnx %t/truncated.onnx 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: not quant-translate --import-onnx %t/dynamic.onnxtxt 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: error: not a valid ONNX model: the protobuf is malformed or truncated

//--- dynamic.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
dynamic (float[N,3] x) => (float[N,3] y) {
  y = Relu(x)
}

//--- unsupported.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
unsupported (float[2,2] x) => (float y) {
  y = Det(x)
}

//--- domain.onnxtxt
<ir_version: 8, opset_import: ["" : 13, "com.example" : 1]>
domain (float[2] x) => (float[2] y) {
  y = com.example.Frobnicate(x)
}

//--- opset8.onnxtxt
<ir_version: 4, opset_import: ["" : 8]>
opset8 (float[2] x) => (float[2] y) {
  y = Relu(x)
}

//--- unsorted.onnxtxt
<ir_version: 8, opset_import: ["" : 13]>
unsorted (float[2] x) => (float[2] y) {
  y = Relu(t)
  t = Relu(x)
}

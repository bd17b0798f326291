// quant-opt lists the qc passes and pipelines next to the upstream ones.
// RUN: quant-opt --help | FileCheck %s

// CHECK-DAG: --canonicalize
// CHECK-DAG: --qc-lower-quant-ops {{.*}}Lower qc.quantize, qc.dequantize and qc.requant to linalg
// CHECK-DAG: --qc-lower-to-llvm {{.*}}Lower TOSA and qc ops on tensors to the LLVM dialect
// CHECK-DAG: --qc-strip-observe {{.*}}Remove qc.observe calibration taps
// CHECK-DAG: --keep-tags
// CHECK-DAG: --tosa-to-linalg

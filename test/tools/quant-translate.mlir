// quant-translate carries the upstream translations: lowered QC code becomes
// LLVM IR, integer-only requantization included (as 8-lane vectors: the
// pipeline vectorizes the elementwise op).
// RUN: quant-opt %s --qc-lower-to-llvm | quant-translate --mlir-to-llvmir | FileCheck %s

// CHECK-LABEL: define {{.*}} @requant(
// CHECK:         mul <8 x i64>
// CHECK:         sdiv <8 x i64> {{.*}}, splat (i64 2147483648)
// CHECK-NOT:     fmul
// CHECK:         trunc <8 x i64> {{.*}} to <8 x i8>
func.func @requant(%acc: tensor<8xi32>) -> tensor<8xi8> {
  %0 = qc.requant %acc by(#qc.dyadic<1518500250 * 2**-37>) : tensor<8xi32> -> tensor<8xi8>
  return %0 : tensor<8xi8>
}

// quant-translate carries the upstream translations: lowered QC code becomes
// LLVM IR, integer-only requantization included.
// RUN: quant-opt %s --qc-lower-to-llvm | quant-translate --mlir-to-llvmir | FileCheck %s

// CHECK-LABEL: define {{.*}} @requant(
// CHECK:         mul i64
// CHECK:         sdiv i64 {{.*}}, 2147483648
// CHECK-NOT:     fmul
// CHECK:         trunc i64 {{.*}} to i8
func.func @requant(%acc: tensor<8xi32>) -> tensor<8xi8> {
  %0 = qc.requant %acc by(#qc.dyadic<1518500250 * 2**-37>) : tensor<8xi32> -> tensor<8xi8>
  return %0 : tensor<8xi8>
}

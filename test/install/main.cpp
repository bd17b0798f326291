// Parses and folds a qc.requant with the installed dialect, and checks the
// folded value against the installed numerics library.

#include "qc/IR/QC.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include <cstdio>

static constexpr const char *kProgram = R"mlir(
func.func @f() -> tensor<1xi32> {
  %x = arith.constant dense<7> : tensor<1xi32>
  %r = qc.requant %x by(#qc.dyadic<3 * 2**-1>) rounding half_to_even
      : tensor<1xi32> -> tensor<1xi32>
  return %r : tensor<1xi32>
}
)mlir";

int main() {
  mlir::MLIRContext context;
  context.loadDialect<mlir::qc::QCDialect, mlir::func::FuncDialect>();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kProgram, &context);
  if (!module)
    return 1;
  mlir::PassManager pm(&context);
  pm.addPass(mlir::createCanonicalizerPass());
  if (mlir::failed(pm.run(*module)))
    return 1;

  // 7 * 3 / 2 = 10.5 -> 10 (ties to even).
  constexpr int64_t kExpected = 10;
  int64_t reference = qc::numerics::requantize(
      7, {3, 1}, qc::numerics::RequantRounding::HalfToEven, 0, 0, INT32_MIN,
      INT32_MAX);
  int64_t folded = 0;
  module->walk([&](mlir::arith::ConstantOp constant) {
    auto value = llvm::cast<mlir::DenseIntElementsAttr>(constant.getValue());
    folded = (*value.begin()).getSExtValue();
  });
  std::printf("folded %lld, numerics %lld\n", static_cast<long long>(folded),
              static_cast<long long>(reference));
  return folded == kExpected && reference == kExpected ? 0 : 1;
}

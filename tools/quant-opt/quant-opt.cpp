//===- quant-opt.cpp - QC's optimizer driver ------------------------------===//
//
// mlir-opt with the qc dialect and passes: every upstream dialect and pass is
// registered too, so any stage of QC's pipeline can be reproduced alone.
//
//===----------------------------------------------------------------------===//

#include "qc/InitAllDialects.h"
#include "qc/InitAllPasses.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::qc::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::qc::registerAllDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "QC quantization compiler optimizer driver\n", registry));
}

//===- quant-translate.cpp - QC's translation driver ----------------------===//
//
// mlir-translate for QC: the upstream translations (e.g. --mlir-to-llvmir).
// QC's own translations (ONNX import, QDQ export) register here as they are
// built; there are no placeholders.
//
//===----------------------------------------------------------------------===//

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  return mlir::failed(mlir::mlirTranslateMain(
      argc, argv, "QC quantization compiler translation driver\n"));
}

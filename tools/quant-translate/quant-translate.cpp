//===- quant-translate.cpp - QC's translation driver ----------------------===//
//
// mlir-translate for QC: the upstream translations (e.g. --mlir-to-llvmir)
// and QC's own (--import-onnx).
//
//===----------------------------------------------------------------------===//

#include "qc/Target/ONNX/ImportONNX.h"

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  mlir::qc::registerImportONNXTranslation();
  return mlir::failed(mlir::mlirTranslateMain(
      argc, argv, "QC quantization compiler translation driver\n"));
}

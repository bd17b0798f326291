//===- Compiler.h - ONNX or MLIR to a model library -------------*- C++ -*-===//
//
// The driver behind quant-compile: import, lower with the registered
// pipelines, translate to LLVM IR, add the C ABI of qc_model.h, generate
// code for the target and link a shared library or an executable.
//
//===----------------------------------------------------------------------===//

#ifndef QC_COMPILER_COMPILER_H
#define QC_COMPILER_COMPILER_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlir::qc {

/// What quant-compile writes.
enum class EmitKind {
  /// The imported model (func + TOSA).
  MLIR,
  /// LLVM IR of the model with its C ABI.
  LLVM,
  /// An object file.
  Object,
  /// A shared library exporting the C ABI of qc_model.h.
  SharedLibrary,
  /// A program: the model with the driver of runtime/qc_main.c, which runs
  /// it on .npy inputs (`./model --help`).
  Executable,
};

struct CompileOptions {
  std::string inputPath;
  std::string outputPath;
  EmitKind emit = EmitKind::SharedLibrary;
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Target triple ("" or "host": the host's).
  std::string triple;
  /// CPU name ("" or "native" with a host triple: the host's).
  std::string cpu;
  /// LLVM feature string, e.g. "+avx512f,+avx512vnni" (added to the CPU's).
  std::string features;
  unsigned optLevel = 3;
  /// Run large ops on several threads (OpenMP); the library then links
  /// `openmpLibrary`.
  bool parallel = true;
  /// Tile and vectorize; false: scalar reference loops (the pipeline's
  /// `vectorize=false`), to tell code generation apart from the model when
  /// results differ. Implies no threads.
  bool vectorize = true;
  /// The OpenMP runtime (libomp.so) parallel libraries link.
  std::string openmpLibrary;
  /// The static runtime library linked into shared libraries and
  /// executables.
  std::string runtimeLibrary;
  /// The static library with the main() of executables (qc_main.c).
  std::string mainLibrary;
  /// The program that links libraries and executables (a C compiler
  /// driver).
  std::string linker = "cc";
};

/// Compiles as `options` say; reports errors through `context`'s diagnostics.
LogicalResult compile(const CompileOptions &options, MLIRContext &context);

} // namespace mlir::qc

#endif // QC_COMPILER_COMPILER_H

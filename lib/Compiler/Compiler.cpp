//===- Compiler.cpp - ONNX or MLIR to a model library ---------------------===//

#include "qc/Compiler/Compiler.h"

#include "qc/Compiler/ModelABI.h"
#include "qc/InitAllDialects.h"
#include "qc/Pipelines/Pipelines.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "qc/Target/ONNX/ImportONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::qc;

OwningOpRef<ModuleOp> mlir::qc::loadModel(const CompileOptions &options,
                                          MLIRContext &context) {
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      openInputFile(options.inputPath, &error);
  if (!buffer) {
    emitError(UnknownLoc::get(&context)) << error;
    return nullptr;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  if (StringRef(options.inputPath).ends_with(".onnx")) {
    ONNXImportOptions importOptions;
    importOptions.inputShapes = options.inputShapes;
    return importONNX(sourceMgr, &context, importOptions);
  }
  if (!options.inputShapes.empty()) {
    emitError(UnknownLoc::get(&context))
        << "--input-shape applies to ONNX models only";
    return nullptr;
  }
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}

/// The model function, renamed so it cannot clash with an executable's main.
static FailureOr<func::FuncOp> renameModelFunction(ModuleOp module) {
  auto function = module.lookupSymbol<func::FuncOp>("main");
  if (!function)
    return module.emitError() << "expected the model as func.func @main";
  if (failed(SymbolTable::replaceAllSymbolUses(
          function, StringAttr::get(module.getContext(), kModelFunctionName),
          module)))
    return failure();
  function.setName(kModelFunctionName);
  return function;
}

/// f32 lanes of the widest vector registers `machine` has.
static int64_t getVectorWidth(const llvm::TargetMachine &machine) {
  const llvm::MCSubtargetInfo *subtarget = machine.getMCSubtargetInfo();
  if (subtarget->checkFeatures("+avx512f"))
    return 16;
  if (subtarget->checkFeatures("+avx"))
    return 8;
  return 4;
}

/// Whether the model runs on OpenMP threads: they split vectorized tiles, so
/// the scalar reference is single-threaded.
static bool usesThreads(const CompileOptions &options) {
  return options.parallel && options.vectorize && options.gpuChip.empty();
}

/// gpu-module-to-binary's format for `options.gpuChip`: PTX where that is
/// what is asked for (inspecting it needs no ptxas); a fatbin (the chip's
/// code and PTX, which the driver compiles for newer GPUs); but the code
/// alone for an arch-specific chip (sm_90a), whose PTX no other GPU can
/// run, so that the weights in the kernels are not stored a second time
/// as PTX text.
static StringRef getGpuBinaryFormat(const CompileOptions &options) {
  if (options.emit == EmitKind::PTX)
    return "isa";
  return StringRef(options.gpuChip).ends_with("a") ? "bin" : "fatbin";
}

static LogicalResult lowerToLLVMDialect(ModuleOp module,
                                        const CompileOptions &options,
                                        const llvm::TargetMachine &machine) {
  PassManager pm(module.getContext());
  if (!options.gpuChip.empty()) {
    LowerToNVVMPipelineOptions pipeline;
    pipeline.rounding = options.quantization.rounding;
    pipeline.integerOnly = options.quantization.integerOnly;
    pipeline.chip = options.gpuChip;
    pipeline.cudaPath = options.cudaPath;
    pipeline.format = getGpuBinaryFormat(options);
    buildLowerToNVVMPipeline(pm, pipeline);
    return pm.run(module);
  }
  LowerToLLVMPipelineOptions pipeline;
  pipeline.resultsAsOutParams = true;
  pipeline.runtimeAllocator = true;
  pipeline.vectorWidth = getVectorWidth(machine);
  pipeline.vectorize = options.vectorize;
  pipeline.rounding = options.quantization.rounding;
  pipeline.integerOnly = options.quantization.integerOnly;
  pipeline.parallel = usesThreads(options);
  buildLowerToLLVMPipeline(pm, pipeline);
  return pm.run(module);
}

static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CompileOptions &options, MLIRContext &context) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  bool host = options.triple.empty() || options.triple == "host";
  llvm::Triple triple(host ? llvm::sys::getDefaultTargetTriple()
                           : llvm::Triple::normalize(options.triple));
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    emitError(UnknownLoc::get(&context)) << "unknown target '" << triple.str()
                                         << "': " << error;
    return nullptr;
  }
  std::string cpu = options.cpu;
  if (cpu.empty() || cpu == "native")
    cpu = host ? llvm::sys::getHostCPUName().str() : "generic";
  std::string features = options.features;
  if (host && (options.cpu.empty() || options.cpu == "native")) {
    for (const auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
      features += (features.empty() ? "" : ",") +
                  std::string(enabled ? "+" : "-") + feature.str();
  }
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_));
}

/// Writes `path` with `print`; reports a file that cannot be opened.
static LogicalResult writeText(StringRef path, MLIRContext &context,
                               function_ref<void(raw_ostream &)> print) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output = openOutputFile(path, &error);
  if (!output)
    return emitError(UnknownLoc::get(&context)) << error;
  print(output->os());
  output->keep();
  return success();
}

static LogicalResult writeObject(llvm::Module &module,
                                 llvm::TargetMachine &machine,
                                 StringRef path, MLIRContext &context) {
  std::error_code error;
  llvm::ToolOutputFile output(path, error, llvm::sys::fs::OF_None);
  if (error)
    return emitError(UnknownLoc::get(&context))
           << "cannot write '" << path << "': " << error.message();
  llvm::legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, output.os(), nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return emitError(UnknownLoc::get(&context))
           << "the target cannot emit object files";
  passes.run(module);
  output.keep();
  return success();
}

/// Links `object` into options.outputPath with the system C compiler
/// driver: the object, then `kindArgs` (what makes the output a library or
/// an executable), the whole runtime archive, libm and, for a parallel
/// model, libomp with a run path to it.
static LogicalResult link(const CompileOptions &options, StringRef object,
                          ArrayRef<StringRef> kindArgs, MLIRContext &context) {
  llvm::ErrorOr<std::string> linker =
      llvm::sys::findProgramByName(options.linker);
  if (!linker)
    return emitError(UnknownLoc::get(&context))
           << "cannot find the linker driver '" << options.linker << "'";
  if (!llvm::sys::fs::exists(options.runtimeLibrary))
    return emitError(UnknownLoc::get(&context))
           << "cannot find the QC model runtime '" << options.runtimeLibrary
           << "'";
  SmallVector<StringRef> args = {*linker, "-o", options.outputPath, object};
  args.append(kindArgs.begin(), kindArgs.end());
  // The whole runtime archive: nothing in the object references the C ABI
  // functions, which a library exports for its callers.
  args.append({"-Wl,--whole-archive", options.runtimeLibrary,
               "-Wl,--no-whole-archive", "-lm"});
  if (!options.gpuChip.empty()) {
    if (!llvm::sys::fs::exists(options.cudaRuntimeLibrary))
      return emitError(UnknownLoc::get(&context))
             << "cannot find the QC GPU runtime '"
             << options.cudaRuntimeLibrary << "'";
    // libcuda.so.1 is opened at run time (dlopen).
    args.append({options.cudaRuntimeLibrary, "-ldl"});
  }
  std::string openmpRunPath;
  if (usesThreads(options)) {
    if (!llvm::sys::fs::exists(options.openmpLibrary))
      return emitError(UnknownLoc::get(&context))
             << "cannot find the OpenMP runtime '" << options.openmpLibrary
             << "' (compile with --parallel=false for a single-threaded "
                "model)";
    openmpRunPath =
        "-Wl,-rpath," + llvm::sys::path::parent_path(options.openmpLibrary).str();
    args.append({options.openmpLibrary, openmpRunPath});
  }
  std::string error;
  int status = llvm::sys::ExecuteAndWait(*linker, args, std::nullopt, {}, 0, 0,
                                         &error);
  if (status != 0)
    return emitError(UnknownLoc::get(&context))
           << "linking '" << options.outputPath << "' failed"
           << (error.empty() ? "" : ": ") << error;
  return success();
}

static LogicalResult linkSharedLibrary(const CompileOptions &options,
                                       StringRef object,
                                       MLIRContext &context) {
  // -Bsymbolic: calls inside the library bind to its own C ABI even when
  // another model library loaded globally exports the same names.
  return link(options, object, {"-shared", "-Wl,-Bsymbolic"}, context);
}

/// The model with the driver's main() (runtime/qc_main.c), which the
/// linker takes from its archive because the C startup code needs main.
static LogicalResult linkExecutable(const CompileOptions &options,
                                    StringRef object, MLIRContext &context) {
  if (!llvm::sys::fs::exists(options.mainLibrary))
    return emitError(UnknownLoc::get(&context))
           << "cannot find the QC model driver '" << options.mainLibrary
           << "'";
  return link(options, object, {options.mainLibrary}, context);
}

/// Writes the PTX of every GPU module in `module` (lowered with
/// format=isa), one after another, each under a comment naming it.
static LogicalResult writePTX(ModuleOp module, const CompileOptions &options,
                              MLIRContext &context) {
  if (options.gpuChip.empty())
    return emitError(UnknownLoc::get(&context))
           << "--emit=ptx needs a GPU target (--target=cuda:<chip>)";
  return writeText(options.outputPath, context, [&](raw_ostream &os) {
    for (auto binary : module.getOps<gpu::BinaryOp>())
      for (auto object : binary.getObjects().getAsRange<gpu::ObjectAttr>())
        os << "// gpu.module @" << binary.getSymName() << "\n"
           << object.getObject().getValue() << "\n";
  });
}

LogicalResult mlir::qc::compileModule(ModuleOp module,
                                      const CompileOptions &options,
                                      MLIRContext &context) {
  FailureOr<func::FuncOp> function = renameModelFunction(module);
  if (failed(function))
    return failure();
  FailureOr<ModelSignature> signature = readModelSignature(*function);
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, context);
  if (failed(signature) || !machine ||
      failed(lowerToLLVMDialect(module, options, *machine)))
    return failure();

  if (options.emit == EmitKind::PTX)
    return writePTX(module, options, context);

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return emitError(UnknownLoc::get(&context))
           << "translation to LLVM IR failed";
  if (failed(emitModelABI(*llvmModule, *signature)))
    return emitError(UnknownLoc::get(&context))
           << "cannot generate the model's C ABI";

  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(machine->getTargetTriple());
  auto optimize = makeOptimizingTransformer(options.optLevel,
                                            /*sizeLevel=*/0, machine.get());
  if (llvm::Error error = optimize(llvmModule.get()))
    return emitError(UnknownLoc::get(&context))
           << "LLVM optimization failed: " << llvm::toString(std::move(error));

  if (options.emit == EmitKind::LLVM)
    return writeText(options.outputPath, context, [&](raw_ostream &os) {
      llvmModule->print(os, nullptr);
    });
  if (options.emit == EmitKind::Object)
    return writeObject(*llvmModule, *machine, options.outputPath, context);

  SmallString<128> object;
  if (std::error_code error =
          llvm::sys::fs::createTemporaryFile("qc-model", "o", object))
    return emitError(UnknownLoc::get(&context))
           << "cannot create a temporary object file: " << error.message();
  llvm::FileRemover removeObject(object);
  if (failed(writeObject(*llvmModule, *machine, object, context)))
    return failure();
  if (options.emit == EmitKind::Executable)
    return linkExecutable(options, object, context);
  return linkSharedLibrary(options, object, context);
}

LogicalResult mlir::qc::compile(const CompileOptions &options,
                                MLIRContext &context) {
  DialectRegistry registry;
  mlir::qc::registerAllDialects(registry);
  registerAllToLLVMIRTranslations(registry);
  context.appendDialectRegistry(registry);

  OwningOpRef<ModuleOp> module = loadModel(options, context);
  if (!module || failed(quantizeModel(*module, options)))
    return failure();
  if (options.emit == EmitKind::MLIR)
    return writeText(options.outputPath, context,
                     [&](raw_ostream &os) { module->print(os); });
  return compileModule(*module, options, context);
}

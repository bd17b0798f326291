//===- quant-compile.cpp - ONNX or MLIR to a model library ----------------===//
//
//   quant-compile model.onnx -o model.so [--emit=mlir|llvm|obj|so|exe|ptx]
//                 [--input-shape name=1x3x48x320 ...]
//                 [--target=host|<triple>|cuda:sm_90a] [--cpu=native|<name>]
//                 [--features=+avx512f,...] [-O0..-O3] [--parallel=false]
//                 [--vectorize=false]
//                 [--recipe=w8a8|w6a8|w4a8 --calib=DIR [--calib-stats=FILE]
//                  [--observer=minmax|moving_average|percentile|mse|kl]
//                  [--activation-type=i8|u8] [--activation-symmetric]
//                  [--keep-float=node,...] [--tabulate-functions]
//                  [--per-channel-depthwise-inputs] [--bias-correction]
//                  [--weight-group-size=G]
//                  [--rounding=gemmlowp|...]
//                  [--smooth[=method=smoothquant|os_plus,alpha=A,
//                            alpha-search]]
//                  [--split-outliers[=ratio=R,target=weights|activations,
//                                     grid-aware]]
//                  [--search-bitwidth="method=hawq|mixquant budget=KIND:X
//                                      candidates=2,3,4,8 qem=Q pin=L:B"]
//                  [--report=report.json]]
//
// A thin driver over the registered pipelines: quant-translate --import-onnx
// and quant-opt --qc-lower-to-llvm reproduce each stage. --emit=exe links
// the model with runtime/qc_main.c into a program that runs it on .npy
// files (`./model --help`); it is never inferred from the output name, so
// `-o model` without an extension stays a shared library.
//
//===----------------------------------------------------------------------===//

#include "qc/Compiler/Compiler.h"
#include "qc/Target/ONNX/ImportONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace llvm;

static cl::OptionCategory category("quant-compile options");

static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx|model.mlir>"),
                                      cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::Required,
                                       cl::desc("Output file"),
                                       cl::value_desc("file"),
                                       cl::cat(category));
static cl::opt<mlir::qc::EmitKind> emit(
    "emit",
    cl::desc("What to write (default: from the output's extension, "
             ".mlir, .ll or .o, else a shared library)"),
    cl::values(clEnumValN(mlir::qc::EmitKind::MLIR, "mlir",
                          "the imported model (func + TOSA)"),
               clEnumValN(mlir::qc::EmitKind::LLVM, "llvm",
                          "LLVM IR with the C ABI"),
               clEnumValN(mlir::qc::EmitKind::Object, "obj", "an object file"),
               clEnumValN(mlir::qc::EmitKind::SharedLibrary, "so",
                          "a shared library exporting qc_model.h"),
               clEnumValN(mlir::qc::EmitKind::Executable, "exe",
                          "a program running the model on .npy files, like "
                          "quant-run (never inferred; ./model --help)"),
               clEnumValN(mlir::qc::EmitKind::PTX, "ptx",
                          "the PTX of the GPU kernels (--target=cuda:...)")),
    cl::cat(category));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Static shape of a graph input, name=<d0>x<d1>... "
                         "(repeatable)"),
                cl::value_desc("name=shape"), cl::cat(category));
static cl::opt<std::string> target(
    "target",
    cl::desc("Where the model runs: 'host' (default), a CPU target triple, "
             "or cuda:<chip> for an NVIDIA GPU (cuda:sm_80, cuda:sm_89, "
             "cuda:sm_90a; host code for the host CPU, kernels assembled "
             "by CUDA's ptxas)"),
    cl::init("host"), cl::cat(category));
static cl::opt<std::string>
    cudaPath("cuda-path",
             cl::desc("The CUDA toolkit whose bin/ptxas assembles GPU code "
                      "(default: $CUDA_ROOT, $CUDA_HOME, $CUDA_PATH, else "
                      "ptxas on PATH)"),
             cl::cat(category));
static cl::opt<std::string>
    cpu("cpu",
        cl::desc("Target CPU, or 'native' (default: the host's CPU "
                 "and features for a host target)"),
        cl::init("native"), cl::cat(category));
static cl::opt<std::string>
    features("features",
             cl::desc("Extra LLVM target features, e.g. +avx512f,+avx512vnni"),
             cl::cat(category));
static cl::opt<bool>
    parallel("parallel",
             cl::desc("Run large ops on several threads through OpenMP (the "
                      "library then needs libomp.so.5; default: on)"),
             cl::init(true), cl::cat(category));
static cl::opt<bool>
    vectorize("vectorize",
              cl::desc("Tile and vectorize (default: on); off: scalar "
                       "reference loops, single-threaded, to tell code "
                       "generation apart from the model when results differ"),
              cl::init(true), cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level"),
                                  cl::init(3), cl::Prefix, cl::cat(category));

/// The emit kind an output file name implies. Executables have no extension
/// of their own: `-o model` has always meant a shared library, so --emit=exe
/// is never inferred.
static cl::OptionCategory quantizationCategory(
    "quantization options (post-training, integer-only code)");
static cl::opt<std::string> recipe(
    "recipe",
    cl::desc("none (float), or w8a8: int8 weights per output channel, 8-bit "
             "activations per tensor, integer-only code; w6a8, w4a8 (any "
             "w<N>a8, N from 2 to 8): N-bit weights, packed N bits each "
             "where a layer's input length is a multiple of 8 (else held "
             "in int8)"),
    cl::init("none"), cl::cat(quantizationCategory));
static cl::opt<std::string> calibrationDirectory(
    "calib",
    cl::desc("Calibration samples: one subdirectory per sample with "
             "<input name>.npy or input_<k>.pb files, or .npy files of a "
             "one-input model"),
    cl::value_desc("dir"), cl::cat(quantizationCategory));
static cl::opt<std::string>
    statsFile("calib-stats",
              cl::desc("Statistics file: written by --calib, read instead of "
                       "calibrating without it"),
              cl::value_desc("file.json"), cl::cat(quantizationCategory));
static cl::opt<std::string>
    observer("observer",
             cl::desc("Calibration range: minmax, moving_average, percentile "
                      "(99.99%), mse or kl"),
             cl::init("minmax"), cl::cat(quantizationCategory));
static cl::opt<std::string>
    activationType("activation-type",
                   cl::desc("Storage of activations: i8 or u8"), cl::init("i8"),
                   cl::cat(quantizationCategory));
static cl::opt<bool> activationSymmetric(
    "activation-symmetric",
    cl::desc("Quantize activations symmetrically (default: affine)"),
    cl::init(false), cl::cat(quantizationCategory));
static cl::list<std::string>
    keepFloat("keep-float", cl::CommaSeparated,
              cl::desc("ONNX nodes to keep in floating point"),
              cl::value_desc("node,..."), cl::cat(quantizationCategory));
static cl::opt<bool> tabulateFunctions(
    "tabulate-functions",
    cl::desc("Quantize elementwise functions of one tensor (HardSwish "
             "spelled out, x * sigmoid(x)) at their input and output only, "
             "each one table (qc-quantize's tabulate-functions)"),
    cl::init(false), cl::cat(quantizationCategory));
static cl::opt<bool> perChannelDepthwiseInputs(
    "per-channel-depthwise-inputs",
    cl::desc("Quantize values read only by depthwise convolutions per "
             "channel (qc-quantize's per-channel-depthwise-inputs)"),
    cl::init(false), cl::cat(quantizationCategory));
static cl::opt<bool> biasCorrection(
    "bias-correction",
    cl::desc("Correct convolution biases for the mean shift of weight "
             "rounding (qc-quantize's bias-correction)"),
    cl::init(false), cl::cat(quantizationCategory));
static cl::opt<int64_t> weightGroupSize(
    "weight-group-size",
    cl::desc("Input channels sharing one weight scale, for convolutions and "
             "matmuls whose input channels split into such groups (a "
             "multiple of 8: 32, 64, 128; qc-quantize's weight-group-size); "
             "0 (default): one scale per output channel"),
    cl::value_desc("G"), cl::init(0), cl::cat(quantizationCategory));
static cl::opt<std::string> smooth(
    "smooth", cl::ValueOptional,
    cl::desc("Smooth activation channels into the weights before quantizing "
             "(qc-smooth), with its options: method=smoothquant|os_plus, "
             "alpha=A, alpha-search (e.g. --smooth=method=os_plus, "
             "--smooth=alpha=0.8 or --smooth=alpha-search: alpha or t per "
             "layer by measured output error); the smoothed model is "
             "calibrated again, so --calib is needed"),
    cl::value_desc("option=value,..."), cl::cat(quantizationCategory));
static cl::opt<std::string> splitOutliers(
    "split-outliers", cl::ValueOptional,
    cl::desc("Split outlier input channels of matmuls and convolutions "
             "(qc-split-outliers, after --smooth), with its options: "
             "ratio=R (channels added per op, default 0.02), "
             "target=weights|activations, grid-aware (e.g. "
             "--split-outliers=ratio=0.05,target=activations); the split "
             "model is calibrated again, so --calib is needed"),
    cl::value_desc("option=value,..."), cl::cat(quantizationCategory));
static cl::opt<std::string> searchBitWidth(
    "search-bitwidth",
    cl::desc("Choose each layer's weight width under a budget "
             "(qc-search-bitwidth, on the final calibration), with its "
             "options separated by spaces: method=hawq|mixquant, "
             "budget=size:<MB>|bops:<G>|avg-bits:<x>|latency:<ms>, "
             "candidates=2,3,4,8, qem=Q, pin=<layer>:<bits>,..., "
             "pin-first-last=false, latency-table=FILE, "
             "sensitivity=relative|absolute (e.g. "
             "--search-bitwidth=\"budget=avg-bits:5\"); the recipe's width "
             "is then only that of layers the search does not size"),
    cl::value_desc("\"option=value ...\""), cl::cat(quantizationCategory));
static cl::opt<bool> integerOnly(
    "integer-only",
    cl::desc("Fail where a float op remains between quantized values "
             "(default); false: run such ops in float"),
    cl::init(true), cl::cat(quantizationCategory));
static cl::opt<std::string> rounding(
    "rounding",
    cl::desc("Requantization rounding: gemmlowp (TFLite), single_round, "
             "double_round, inexact_round (TOSA) or half_to_even (ONNX)"),
    cl::init("gemmlowp"), cl::cat(quantizationCategory));

static cl::opt<std::string> reportFile(
    "report",
    cl::desc("Write the quantization report: every quantized activation and "
             "weight with its scheme, scale, zero point, storage, observer "
             "and SQNR (dB) against the float model on the --calib samples, "
             "and the ops kept in float; JSON to this file, a text table to "
             "the same path with the extension .txt"),
    cl::value_desc("file.json"), cl::cat(quantizationCategory));

/// Whether `chip` names an NVIDIA GPU architecture: sm_<version>, with an
/// `a` for architecture-specific features (sm_90a).
static bool isGpuChip(StringRef chip) {
  if (!chip.consume_front("sm_"))
    return false;
  chip.consume_back("a");
  unsigned version;
  return !chip.getAsInteger(10, version) && version >= 50;
}

static mlir::qc::EmitKind emitKindFromExtension(StringRef path) {
  StringRef extension = sys::path::extension(path);
  if (extension == ".mlir")
    return mlir::qc::EmitKind::MLIR;
  if (extension == ".ll")
    return mlir::qc::EmitKind::LLVM;
  if (extension == ".o")
    return mlir::qc::EmitKind::Object;
  if (extension == ".ptx")
    return mlir::qc::EmitKind::PTX;
  return mlir::qc::EmitKind::SharedLibrary;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category, &quantizationCategory});
  cl::ParseCommandLineOptions(argc, argv,
                              "QC: compile an ONNX or MLIR model\n");

  mlir::qc::CompileOptions options;
  options.inputPath = inputPath;
  options.outputPath = outputPath;
  options.emit = emit.getNumOccurrences() ? emit.getValue()
                                          : emitKindFromExtension(outputPath);
  StringRef targetName = target;
  if (targetName.consume_front("cuda:")) {
    if (!isGpuChip(targetName)) {
      errs() << "error: unknown GPU '" << targetName
             << "' in --target; expected cuda:sm_<version>, e.g. "
                "cuda:sm_90a\n";
      return 1;
    }
    options.gpuChip = targetName.str();
  } else {
    options.triple = target;
  }
  options.cudaPath = cudaPath;
  options.cpu = cpu;
  options.features = features;
  options.optLevel = optLevel;
  options.parallel = parallel;
  options.vectorize = vectorize;
  options.openmpLibrary = QC_OPENMP_LIBRARY;
  mlir::qc::QuantizationOptions &quantization = options.quantization;
  quantization.recipe = recipe;
  quantization.calibrationDirectory = calibrationDirectory;
  quantization.statsFile = statsFile;
  quantization.observer = observer;
  quantization.activationType = activationType;
  quantization.activationSymmetric = activationSymmetric;
  quantization.keepFloat.assign(keepFloat.begin(), keepFloat.end());
  quantization.tabulateFunctions = tabulateFunctions;
  quantization.perChannelDepthwiseInputs = perChannelDepthwiseInputs;
  quantization.biasCorrection = biasCorrection;
  quantization.weightGroupSize = weightGroupSize;
  if (smooth.getNumOccurrences())
    quantization.smoothing = smooth;
  if (splitOutliers.getNumOccurrences())
    quantization.outlierSplitting = splitOutliers;
  if (searchBitWidth.getNumOccurrences())
    quantization.bitWidthSearch = searchBitWidth;
  quantization.rounding = rounding;
  quantization.integerOnly = integerOnly;
  quantization.reportFile = reportFile;
  for (const std::string &text : inputShapes) {
    std::string name;
    std::vector<int64_t> shape;
    if (!mlir::qc::parseInputShape(text, name, shape)) {
      errs() << "error: malformed --input-shape '" << text
             << "'; expected name=<d0>x<d1>..., e.g. x=1x3x48x320\n";
      return 1;
    }
    options.inputShapes[name] = std::move(shape);
  }
  // The runtime libraries sit in <prefix>/lib next to <prefix>/bin.
  std::string executable =
      sys::fs::getMainExecutable(argv[0], reinterpret_cast<void *>(&main));
  SmallString<256> libraryDir(
      sys::path::parent_path(sys::path::parent_path(executable)));
  sys::path::append(libraryDir, "lib");
  auto libraryPath = [&](StringRef name) {
    SmallString<256> path(libraryDir);
    sys::path::append(path, name);
    return path.str().str();
  };
  options.runtimeLibrary = libraryPath("libQCModelRuntime.a");
  options.mainLibrary = libraryPath("libQCModelMain.a");
  options.cudaRuntimeLibrary = libraryPath("libQCCudaRuntime.a");

  mlir::MLIRContext context;
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  return mlir::failed(mlir::qc::compile(options, context)) ? 1 : 0;
}

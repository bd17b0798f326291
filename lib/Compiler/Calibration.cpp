//===- Calibration.cpp - Run a tapped float model on calibration data -----===//
//
// Calibration compiles the float model with its qc.observe taps as extra
// results through QC's own CPU back end, loads the library and runs it on
// every sample twice: the first pass finds each tap's range, the second
// fills histograms over that range for the range-search observers. The
// statistics file it writes is what qc-calibrate reads.
//
//===----------------------------------------------------------------------===//

#include "Calibration.h"

#include "qc/Calibration/Observers.h"
#include "qc/IR/QC.h"
#include "qc/Runtime/TensorFile.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc;
namespace calibration = ::qc::calibration;
namespace runtime = ::qc::runtime;

/// Result names of the taps in the calibration build.
static constexpr StringLiteral kTapPrefix = "qc.tap:";

//===----------------------------------------------------------------------===//
// Samples
//===----------------------------------------------------------------------===//

namespace {
/// The files of one calibration sample, one per model input.
struct SampleFiles {
  std::string name;
  std::vector<std::string> inputFiles;
};
} // namespace

static std::vector<std::string> listDirectory(StringRef directory,
                                              std::error_code &error) {
  std::vector<std::string> entries;
  for (llvm::sys::fs::directory_iterator it(directory, error), end;
       !error && it != end; it.increment(error))
    entries.push_back(it->path());
  llvm::sort(entries);
  return entries;
}

/// The samples of `directory`: one subdirectory per sample holding
/// `<input name>.npy` or ONNX's `input_<k>.pb` per input (the ONNX test-data
/// layout), or, for a model of one input, one `.npy` file per sample.
static FailureOr<std::vector<SampleFiles>>
findSamples(StringRef directory, const runtime::ModelLibrary &model,
            MLIRContext &context) {
  auto fail = [&]() { return emitError(UnknownLoc::get(&context)); };
  std::error_code error;
  std::vector<std::string> entries = listDirectory(directory, error);
  if (error)
    return fail() << "cannot read the calibration directory '" << directory
                  << "': " << error.message();
  std::vector<SampleFiles> samples;
  for (const std::string &entry : entries) {
    StringRef name = llvm::sys::path::filename(entry);
    if (llvm::sys::fs::is_directory(entry)) {
      SampleFiles sample{name.str(), {}};
      for (size_t index = 0; index < model.numInputs(); ++index) {
        std::string inputName = model.input(index).name;
        SmallString<256> npy(entry), pb(entry);
        llvm::sys::path::append(npy, inputName + ".npy");
        llvm::sys::path::append(pb, "input_" + std::to_string(index) + ".pb");
        if (llvm::sys::fs::exists(npy))
          sample.inputFiles.push_back(npy.str().str());
        else if (llvm::sys::fs::exists(pb))
          sample.inputFiles.push_back(pb.str().str());
        else
          return fail() << "calibration sample '" << entry
                        << "' has no file for the model input '" << inputName
                        << "' (expected " << inputName << ".npy or input_"
                        << index << ".pb)";
      }
      samples.push_back(std::move(sample));
    } else if (name.ends_with(".npy") && model.numInputs() == 1) {
      samples.push_back({name.str(), {entry}});
    }
  }
  if (samples.empty())
    return fail() << "the calibration directory '" << directory
                  << "' holds no samples: expected one subdirectory per "
                     "sample with <input name>.npy or input_<k>.pb files"
                  << (model.numInputs() == 1
                          ? ", or .npy files of the model's input"
                          : "");
  return samples;
}

FailureOr<std::vector<CalibrationSample>>
mlir::qc::readCalibrationSamples(StringRef directory,
                                 const runtime::ModelLibrary &model,
                                 MLIRContext &context) {
  FailureOr<std::vector<SampleFiles>> files =
      findSamples(directory, model, context);
  if (failed(files))
    return failure();
  std::vector<CalibrationSample> samples;
  for (const SampleFiles &sampleFiles : *files) {
    CalibrationSample sample{sampleFiles.name, {}};
    for (auto [index, file] : llvm::enumerate(sampleFiles.inputFiles)) {
      std::string error;
      const qc_tensor_info &info = model.input(index);
      std::optional<std::string> bytes =
          runtime::readTensorFile(file, info, model.sizeInBytes(info), error);
      if (!bytes)
        return emitError(UnknownLoc::get(&context))
               << "calibration sample '" << sample.name << "': " << error;
      sample.inputs.push_back(std::move(*bytes));
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

//===----------------------------------------------------------------------===//
// Tapped builds
//===----------------------------------------------------------------------===//

void mlir::qc::appendTapResult(func::FuncOp function, Value value,
                               StringRef name) {
  MLIRContext *context = function.getContext();
  context->getOrLoadDialect<bufferization::BufferizationDialect>();
  auto returnOp = cast<func::ReturnOp>(function.getBody().back().back());
  OpBuilder builder(returnOp);
  Value copy = bufferization::AllocTensorOp::create(
      builder, value.getLoc(), cast<RankedTensorType>(value.getType()),
      ValueRange(), value);
  SmallVector<DictionaryAttr> resultAttrs;
  function.getAllResultAttrs(resultAttrs);
  resultAttrs.push_back(builder.getDictionaryAttr(
      builder.getNamedAttr("onnx.name", builder.getStringAttr(name))));
  returnOp->insertOperands(returnOp->getNumOperands(), copy);
  function.setType(FunctionType::get(context, function.getArgumentTypes(),
                                     returnOp->getOperandTypes()));
  function.setAllResultAttrs(resultAttrs);
}

LoadedModel::LoadedModel(std::unique_ptr<runtime::ModelLibrary> library)
    : library(std::move(library)) {
  for (size_t index = 0; index < this->library->numOutputs(); ++index)
    outputs.emplace_back(
        this->library->sizeInBytes(this->library->output(index)));
}

FailureOr<std::unique_ptr<LoadedModel>>
LoadedModel::compile(ModuleOp module, const CompileOptions &options,
                     StringRef purpose) {
  MLIRContext &context = *module.getContext();
  SmallString<128> path;
  if (std::error_code error =
          llvm::sys::fs::createTemporaryFile(("qc-" + purpose).str(), "so",
                                             path))
    return emitError(UnknownLoc::get(&context))
           << "cannot create a temporary file: " << error.message();
  // A loaded library no longer needs its file.
  llvm::FileRemover removeLibrary(path);
  // The build runs here: on this machine's CPU, whatever the model is
  // compiled for (a GPU, another CPU).
  CompileOptions build = options;
  build.gpuChip.clear();
  build.triple.clear();
  build.cpu.clear();
  build.emit = EmitKind::SharedLibrary;
  build.outputPath = path.str().str();
  if (failed(compileModule(module, build, context)))
    return failure();
  std::string error;
  std::unique_ptr<runtime::ModelLibrary> library =
      runtime::ModelLibrary::load(build.outputPath, error);
  if (!library)
    return emitError(UnknownLoc::get(&context))
           << "cannot load the " << purpose << " build: " << error;
  return std::unique_ptr<LoadedModel>(new LoadedModel(std::move(library)));
}

LogicalResult LoadedModel::run(const CalibrationSample &sample,
                               MLIRContext &context) {
  std::vector<const void *> inputPointers;
  for (const std::string &input : sample.inputs)
    inputPointers.push_back(input.data());
  std::vector<void *> outputPointers;
  for (std::vector<char> &output : outputs)
    outputPointers.push_back(output.data());
  std::string error;
  if (!library->run(inputPointers, outputPointers, error))
    return emitError(UnknownLoc::get(&context))
           << "calibration sample '" << sample.name
           << "': the model failed: " << error;
  return success();
}

/// Removes qc.stats and qc.scheme from the ops of `module` (a smoothed
/// model carries the statistics of the calibration before smoothing): they
/// describe tensor results, which bufferization takes from the ops.
static void dropOpValueAnnotations(ModuleOp module) {
  module.walk([](Operation *op) {
    op->removeAttr(QCDialect::kStatsAttrName);
    op->removeAttr(QCDialect::kSchemeAttrName);
  });
}

/// Turns the taps of the model function into extra results named
/// `qc.tap:<tag>` (and removes them), returning them in result order.
static FailureOr<std::vector<Tap>> exposeTaps(ModuleOp module) {
  auto function = module.lookupSymbol<func::FuncOp>("main");
  if (!function)
    return module.emitError() << "expected the model as func.func @main";
  SmallVector<ObserveOp> observes;
  function.walk([&](ObserveOp observe) { observes.push_back(observe); });
  if (observes.empty())
    return module.emitError() << "calibration: the model has no qc.observe "
                                 "taps (run qc-insert-observers)";
  // Values returned so far (model outputs, then tapped values), by result.
  auto returnOp = cast<func::ReturnOp>(function.getBody().back().back());
  SmallVector<Value> returned(returnOp.getOperands());
  std::vector<Tap> taps;
  for (ObserveOp observe : observes) {
    std::optional<int64_t> axis;
    if (std::optional<uint64_t> channelAxis = observe.getChannelAxis())
      axis = static_cast<int64_t>(*channelAxis);
    Tap tap{observe.getTag().str(), axis, std::nullopt, 0};
    Value value = observe.getInput();
    if (auto argument = dyn_cast<BlockArgument>(value)) {
      tap.input = argument.getArgNumber();
    } else {
      // A value is returned once (the lowering cannot return one value
      // through two out-parameters): a model output or an earlier tap.
      auto existing = llvm::find(returned, value);
      tap.output = existing - returned.begin();
      if (existing == returned.end()) {
        returned.push_back(value);
        appendTapResult(function, value, (kTapPrefix + tap.tag).str());
      }
    }
    taps.push_back(std::move(tap));
    observe.erase();
  }
  return taps;
}

const Tap *CalibrationBuild::lookupTap(StringRef tag) const {
  auto found = llvm::find_if(taps, [&](const Tap &tap) { return tap.tag == tag; });
  return found == taps.end() ? nullptr : &*found;
}

ArrayRef<float>
CalibrationBuild::getTapValues(const Tap &tap,
                               const CalibrationSample &sample) const {
  ArrayRef<char> bytes =
      tap.input ? ArrayRef<char>(sample.inputs[*tap.input].data(),
                                 sample.inputs[*tap.input].size())
                : model->getOutput(tap.output);
  return ArrayRef<float>(reinterpret_cast<const float *>(bytes.data()),
                         bytes.size() / sizeof(float));
}

FailureOr<CalibrationBuild>
mlir::qc::buildCalibration(ModuleOp module, StringRef dataDirectory,
                           const CompileOptions &options) {
  MLIRContext &context = *module.getContext();
  OwningOpRef<ModuleOp> tapped(module.clone());
  dropOpValueAnnotations(*tapped);
  CalibrationBuild build;
  FailureOr<std::vector<Tap>> taps = exposeTaps(*tapped);
  if (failed(taps))
    return failure();
  build.taps = std::move(*taps);
  FailureOr<std::unique_ptr<LoadedModel>> model =
      LoadedModel::compile(*tapped, options, "calibration");
  if (failed(model))
    return failure();
  build.model = std::move(*model);
  const runtime::ModelLibrary &library = build.model->getLibrary();
  for (const Tap &tap : build.taps) {
    const qc_tensor_info &info =
        tap.input ? library.input(*tap.input) : library.output(tap.output);
    if (info.dtype != QC_DTYPE_FLOAT32)
      return emitError(UnknownLoc::get(&context))
             << "calibration taps float32 values; '" << tap.tag << "' is not";
  }
  FailureOr<std::vector<CalibrationSample>> samples =
      readCalibrationSamples(dataDirectory, library, context);
  if (failed(samples))
    return failure();
  build.samples = std::move(*samples);
  return build;
}

//===----------------------------------------------------------------------===//
// Statistics
//===----------------------------------------------------------------------===//

/// One calibration pass: runs every sample and hands each tap's values to
/// `observe(tap, values, sample)`.
static LogicalResult
runPass(CalibrationBuild &build, StringRef what, MLIRContext &context,
        function_ref<LogicalResult(size_t tap, ArrayRef<float> values,
                                   const CalibrationSample &sample)>
            observe) {
  for (auto [number, sample] : llvm::enumerate(build.samples)) {
    if (failed(build.model->run(sample, context)))
      return failure();
    for (auto [index, tap] : llvm::enumerate(build.taps))
      if (failed(observe(index, build.getTapValues(tap, sample), sample)))
        return failure();
    llvm::errs() << "\rcalibration " << what << ": " << number + 1 << "/"
                 << build.samples.size() << " samples";
  }
  llvm::errs() << "\n";
  return success();
}

static llvm::json::Array rangeToJSON(calibration::Range range) {
  return llvm::json::Array{range.lo, range.hi};
}

static llvm::json::Array floatsToJSON(ArrayRef<float> values) {
  llvm::json::Array array;
  for (float value : values)
    array.push_back(static_cast<double>(value));
  return array;
}

/// Base64 of `values` as little-endian float32 (a file this compact holds
/// the sampled rows; decimal text would take three times the space).
static std::string encodeFloats(ArrayRef<float> values) {
  std::vector<char> bytes;
  bytes.reserve(values.size() * sizeof(float));
  for (float value : values) {
    uint32_t bits = llvm::support::endian::byte_swap<uint32_t>(
        llvm::bit_cast<uint32_t>(value), llvm::endianness::little);
    const char *raw = reinterpret_cast<const char *>(&bits);
    bytes.insert(bytes.end(), raw, raw + sizeof(bits));
  }
  return llvm::encodeBase64(bytes);
}

/// The statistics file for `observers` (one per tag).
static llvm::json::Object
statisticsToJSON(ArrayRef<Tap> taps,
                 ArrayRef<calibration::TensorObserver> observers,
                 size_t sampleCount) {
  using calibration::Observer;
  llvm::json::Object values;
  for (auto [tap, observer] : llvm::zip_equal(taps, observers)) {
    llvm::json::Object ranges;
    for (Observer kind : {Observer::MinMax, Observer::MovingAverage,
                          Observer::Percentile, Observer::Mse, Observer::Kl})
      ranges[calibration::observerName(kind)] =
          rangeToJSON(observer.range(kind));
    llvm::json::Object entry{{"min", observer.min()},
                             {"max", observer.max()},
                             {"mean_square", observer.meanSquare()},
                             {"ranges", std::move(ranges)}};
    if (std::optional<int64_t> axis = observer.channelAxis()) {
      entry["channel_axis"] = *axis;
      entry["channel_min"] = floatsToJSON(observer.channelMin());
      entry["channel_max"] = floatsToJSON(observer.channelMax());
      entry["channel_mean"] = llvm::json::Array(observer.channelMean());
      entry["row_count"] = static_cast<int64_t>(observer.sampledRowCount());
      entry["rows"] = encodeFloats(observer.sampledRows());
    }
    values[tap.tag] = std::move(entry);
  }
  return llvm::json::Object{{"version", calibration::kStatsFileVersion},
                            {"samples", static_cast<int64_t>(sampleCount)},
                            {"values", std::move(values)}};
}

LogicalResult mlir::qc::runCalibration(CalibrationBuild &build,
                                       StringRef statsFile,
                                       MLIRContext &context) {
  const runtime::ModelLibrary &library = build.model->getLibrary();
  std::vector<calibration::TensorObserver> observers;
  for (const Tap &tap : build.taps) {
    const qc_tensor_info &info =
        tap.input ? library.input(*tap.input) : library.output(tap.output);
    observers.emplace_back(std::vector<int64_t>(info.shape,
                                                info.shape + info.rank),
                           tap.channelAxis);
  }

  size_t rowsPerSample = llvm::divideCeil(calibration::kSampledRows,
                                          std::max<size_t>(
                                              build.samples.size(), 1));
  auto observeRange = [&](size_t tap, ArrayRef<float> values,
                          const CalibrationSample &sample) -> LogicalResult {
    calibration::TensorObserver &observer = observers[tap];
    uint64_t nonFinite = observer.nonFiniteCount();
    observer.observe(values.data(), values.size());
    if (observer.channelAxis())
      observer.sampleRows(values.data(), values.size(), rowsPerSample);
    if (observer.nonFiniteCount() != nonFinite)
      return emitError(UnknownLoc::get(&context))
             << "calibration sample '" << sample.name << "': the value '"
             << build.taps[tap].tag
             << "' holds NaN or infinite numbers (check the sample's input "
                "values)";
    return success();
  };
  if (failed(runPass(build, "ranges", context, observeRange)))
    return failure();
  for (calibration::TensorObserver &observer : observers)
    observer.beginHistogram();
  auto observeHistogram = [&](size_t tap, ArrayRef<float> values,
                              const CalibrationSample &) {
    observers[tap].observeHistogram(values.data(), values.size());
    return success();
  };
  if (failed(runPass(build, "histograms", context, observeHistogram)))
    return failure();

  std::error_code fileError;
  llvm::raw_fd_ostream file(statsFile, fileError);
  if (fileError)
    return emitError(UnknownLoc::get(&context))
           << "cannot write '" << statsFile << "': " << fileError.message();
  file << llvm::formatv(
      "{0:2}", llvm::json::Value(statisticsToJSON(build.taps, observers,
                                                  build.samples.size())));
  file << "\n";
  return success();
}

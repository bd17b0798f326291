//===- Calibration.cpp - Run a tapped float model on calibration data -----===//
//
// Calibration compiles the float model with its qc.observe taps as extra
// results through QC's own CPU back end, loads the library and runs it on
// every sample twice: the first pass finds each tap's range, the second
// fills histograms over that range for the range-search observers. The
// statistics file it writes is what qc-calibrate reads.
//
//===----------------------------------------------------------------------===//

#include "qc/Compiler/Compiler.h"

#include "qc/Calibration/Observers.h"
#include "qc/IR/QC.h"
#include "qc/Runtime/ModelLibrary.h"
#include "qc/Runtime/TensorFile.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"
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
struct Sample {
  std::string name;
  std::vector<std::string> inputFiles;
  /// The files' contents, read once for both passes.
  std::vector<std::string> inputs;
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
static FailureOr<std::vector<Sample>>
findSamples(StringRef directory, const runtime::ModelLibrary &model,
            MLIRContext &context) {
  auto fail = [&]() { return emitError(UnknownLoc::get(&context)); };
  std::error_code error;
  std::vector<std::string> entries = listDirectory(directory, error);
  if (error)
    return fail() << "cannot read the calibration directory '" << directory
                  << "': " << error.message();
  std::vector<Sample> samples;
  for (const std::string &entry : entries) {
    StringRef name = llvm::sys::path::filename(entry);
    if (llvm::sys::fs::is_directory(entry)) {
      Sample sample{name.str(), {}};
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

/// Reads every sample's input files, checked against the model's inputs.
static LogicalResult readSampleInputs(std::vector<Sample> &samples,
                                      const runtime::ModelLibrary &model,
                                      MLIRContext &context) {
  for (Sample &sample : samples) {
    for (auto [index, file] : llvm::enumerate(sample.inputFiles)) {
      std::string error;
      const qc_tensor_info &info = model.input(index);
      std::optional<std::string> bytes =
          runtime::readTensorFile(file, info, model.sizeInBytes(info), error);
      if (!bytes)
        return emitError(UnknownLoc::get(&context))
               << "calibration sample '" << sample.name << "': " << error;
      sample.inputs.push_back(std::move(*bytes));
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// The calibration build
//===----------------------------------------------------------------------===//

namespace {
/// A tap: an extra result of the calibration build, or a model input
/// (observed in the sample files: a function cannot return its argument
/// as an out-parameter).
struct Tap {
  std::string tag;
  std::optional<int64_t> channelAxis;
  /// The model input it observes, or else the result holding its values.
  std::optional<unsigned> input;
  unsigned output = 0;
};
} // namespace

/// Turns the taps of the model function into extra results named
/// `qc.tap:<tag>` (and removes them), returning them in result order.
static FailureOr<std::vector<Tap>> exposeTaps(ModuleOp module) {
  auto function = module.lookupSymbol<func::FuncOp>("main");
  if (!function)
    return module.emitError() << "expected the model as func.func @main";
  SmallVector<ObserveOp> taps;
  function.walk([&](ObserveOp observe) { taps.push_back(observe); });
  if (taps.empty())
    return module.emitError() << "calibration: the model has no qc.observe "
                                 "taps (run qc-insert-observers)";
  auto returnOp = cast<func::ReturnOp>(function.getBody().back().back());
  SmallVector<Value> results(returnOp.getOperands());
  // Values returned so far (model outputs, then tapped values), by result.
  SmallVector<Value> taken(results);
  module.getContext()->getOrLoadDialect<bufferization::BufferizationDialect>();
  OpBuilder builder(module.getContext());
  SmallVector<DictionaryAttr> resultAttrs;
  function.getAllResultAttrs(resultAttrs);
  std::vector<Tap> exposed;
  for (ObserveOp observe : taps) {
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
      auto existing = llvm::find(taken, value);
      tap.output = existing - taken.begin();
      if (existing == taken.end()) {
        taken.push_back(value);
        // A copy of its own: tapped values may share buffers after
        // bufferization (views, in-place updates), and results may not.
        builder.setInsertionPoint(returnOp);
        results.push_back(bufferization::AllocTensorOp::create(
            builder, observe.getLoc(),
            cast<RankedTensorType>(value.getType()), ValueRange(), value));
        resultAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
            "onnx.name", builder.getStringAttr(kTapPrefix.str() + tap.tag))));
      }
    }
    exposed.push_back(std::move(tap));
    observe.erase();
  }
  returnOp->setOperands(results);
  function.setType(FunctionType::get(module.getContext(),
                                     function.getArgumentTypes(),
                                     ValueRange(results).getTypes()));
  function.setAllResultAttrs(resultAttrs);
  return exposed;
}

//===----------------------------------------------------------------------===//
// Statistics
//===----------------------------------------------------------------------===//

namespace {
/// One calibration pass: runs every sample and hands each tap's values to
/// `observe(tap, data, count, sample)`.
class Runner {
public:
  Runner(const runtime::ModelLibrary &model, const std::vector<Sample> &samples,
         ArrayRef<Tap> taps, MLIRContext &context)
      : model(model), samples(samples), taps(taps), context(context) {}

  LogicalResult
  run(StringRef what,
      function_ref<LogicalResult(size_t tap, const float *data, size_t count,
                                 const Sample &sample)>
          observe) {
    std::vector<std::vector<char>> outputs(model.numOutputs());
    std::vector<void *> outputPointers;
    for (size_t index = 0; index < model.numOutputs(); ++index) {
      outputs[index].resize(model.sizeInBytes(model.output(index)));
      outputPointers.push_back(outputs[index].data());
    }
    for (auto [number, sample] : llvm::enumerate(samples)) {
      const std::vector<std::string> &inputs = sample.inputs;
      std::vector<const void *> inputPointers;
      for (const std::string &input : inputs)
        inputPointers.push_back(input.data());
      std::string error;
      if (!model.run(inputPointers, outputPointers, error))
        return emitError(UnknownLoc::get(&context))
               << "calibration sample '" << sample.name
               << "': the model failed: " << error;
      for (auto [index, tap] : llvm::enumerate(taps)) {
        const char *data = tap.input ? inputs[*tap.input].data()
                                     : outputs[tap.output].data();
        size_t bytes = tap.input ? inputs[*tap.input].size()
                                 : outputs[tap.output].size();
        if (failed(observe(index, reinterpret_cast<const float *>(data),
                           bytes / sizeof(float), sample)))
          return failure();
      }
      llvm::errs() << "\rcalibration " << what << ": " << number + 1 << "/"
                   << samples.size() << " samples";
    }
    llvm::errs() << "\n";
    return success();
  }

private:
  const runtime::ModelLibrary &model;
  const std::vector<Sample> &samples;
  ArrayRef<Tap> taps;
  MLIRContext &context;
};
} // namespace

static llvm::json::Array rangeToJSON(calibration::Range range) {
  return llvm::json::Array{range.lo, range.hi};
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
                             {"ranges", std::move(ranges)}};
    if (std::optional<int64_t> axis = observer.channelAxis()) {
      entry["channel_axis"] = *axis;
      llvm::json::Array absMax;
      for (float value : observer.channelAbsMax())
        absMax.push_back(static_cast<double>(value));
      entry["channel_absmax"] = std::move(absMax);
    }
    values[tap.tag] = std::move(entry);
  }
  return llvm::json::Object{{"version", calibration::kStatsFileVersion},
                            {"samples", static_cast<int64_t>(sampleCount)},
                            {"values", std::move(values)}};
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

LogicalResult mlir::qc::runCalibration(ModuleOp module,
                                       const CalibrationOptions &calibration,
                                       const CompileOptions &options) {
  MLIRContext &context = *module.getContext();
  OwningOpRef<ModuleOp> tapped(module.clone());
  FailureOr<std::vector<Tap>> taps = exposeTaps(*tapped);
  if (failed(taps))
    return failure();

  SmallString<128> library;
  if (std::error_code error = llvm::sys::fs::createTemporaryFile(
          "qc-calibration", "so", library))
    return emitError(UnknownLoc::get(&context))
           << "cannot create a temporary file: " << error.message();
  llvm::FileRemover removeLibrary(library);
  CompileOptions build = options;
  build.emit = EmitKind::SharedLibrary;
  build.outputPath = library.str().str();
  if (failed(compileModule(*tapped, build, context)))
    return failure();
  std::string error;
  std::unique_ptr<runtime::ModelLibrary> model =
      runtime::ModelLibrary::load(build.outputPath, error);
  if (!model)
    return emitError(UnknownLoc::get(&context))
           << "cannot load the calibration build: " << error;

  FailureOr<std::vector<Sample>> samples =
      findSamples(calibration.dataDirectory, *model, context);
  if (failed(samples) || failed(readSampleInputs(*samples, *model, context)))
    return failure();
  std::vector<calibration::TensorObserver> observers;
  for (const Tap &tap : *taps) {
    const qc_tensor_info &info =
        tap.input ? model->input(*tap.input) : model->output(tap.output);
    if (info.dtype != QC_DTYPE_FLOAT32)
      return emitError(UnknownLoc::get(&context))
             << "calibration taps float32 values; '" << tap.tag << "' is not";
    observers.emplace_back(std::vector<int64_t>(info.shape,
                                                info.shape + info.rank),
                           tap.channelAxis);
  }

  Runner runner(*model, *samples, *taps, context);
  auto observeRange = [&](size_t tap, const float *data, size_t count,
                          const Sample &sample) -> LogicalResult {
    calibration::TensorObserver &observer = observers[tap];
    uint64_t nonFinite = observer.nonFiniteCount();
    observer.observe(data, count);
    if (observer.nonFiniteCount() != nonFinite)
      return emitError(UnknownLoc::get(&context))
             << "calibration sample '" << sample.name << "': the value '"
             << (*taps)[tap].tag
             << "' holds NaN or infinite numbers (check the sample's input "
                "values)";
    return success();
  };
  if (failed(runner.run("ranges", observeRange)))
    return failure();
  for (calibration::TensorObserver &observer : observers)
    observer.beginHistogram();
  auto observeHistogram = [&](size_t tap, const float *data, size_t count,
                              const Sample &) {
    observers[tap].observeHistogram(data, count);
    return success();
  };
  if (failed(runner.run("histograms", observeHistogram)))
    return failure();

  std::error_code fileError;
  llvm::raw_fd_ostream file(calibration.statsFile, fileError);
  if (fileError)
    return emitError(UnknownLoc::get(&context))
           << "cannot write '" << calibration.statsFile
           << "': " << fileError.message();
  file << llvm::formatv(
      "{0:2}", llvm::json::Value(
                   statisticsToJSON(*taps, observers, samples->size())));
  file << "\n";
  return success();
}

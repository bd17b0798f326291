//===- Calibration.h - Tapped builds run on calibration samples -*- C++ -*-===//
//
// Calibration and the quantization report both compile a model with chosen
// values as extra results ("taps"), load the library and run it on the
// calibration samples. What they share lives here, with the entry points of
// both for quantizeModel. The calibration build outlives calibration so
// that the report compares the quantized model against the very float code
// whose values set the scales.
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_COMPILER_CALIBRATION_H
#define QC_LIB_COMPILER_CALIBRATION_H

#include "qc/Compiler/Compiler.h"
#include "qc/Compiler/Report.h"
#include "qc/Runtime/ModelLibrary.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qc {

/// One calibration sample: its input tensors, read once.
struct CalibrationSample {
  std::string name;
  /// The bytes of each model input, as the model library takes them.
  std::vector<std::string> inputs;
};

/// Reads the samples of `directory` (the layouts of
/// QuantizationOptions::calibrationDirectory), checked against the inputs of
/// `model`. Errors name the sample and input: missing files, wrong dtype or
/// shape, an empty directory.
FailureOr<std::vector<CalibrationSample>>
readCalibrationSamples(StringRef directory,
                       const ::qc::runtime::ModelLibrary &model,
                       MLIRContext &context);

/// Appends `value` to the results of `function` as a result named `name`
/// (its `onnx.name`), copied into a buffer of its own: tapped values may
/// share buffers after bufferization (views, in-place updates), and results
/// may not.
void appendTapResult(func::FuncOp function, Value value, StringRef name);

/// A module compiled into a shared library and loaded, with buffers for its
/// outputs. The library file is temporary: it is removed once loaded.
class LoadedModel {
public:
  /// Compiles `module` (lowering it in place) as `options` say, into a
  /// shared library; `purpose` names the build in errors.
  static FailureOr<std::unique_ptr<LoadedModel>>
  compile(ModuleOp module, const CompileOptions &options, StringRef purpose);

  const ::qc::runtime::ModelLibrary &getLibrary() const { return *library; }

  /// Runs `sample`; getOutput then holds its outputs.
  LogicalResult run(const CalibrationSample &sample, MLIRContext &context);

  /// The bytes of output `index` of the last run.
  ArrayRef<char> getOutput(unsigned index) const { return outputs[index]; }

private:
  explicit LoadedModel(std::unique_ptr<::qc::runtime::ModelLibrary> library);

  std::unique_ptr<::qc::runtime::ModelLibrary> library;
  std::vector<std::vector<char>> outputs;
};

/// A value the calibration build observes: an extra result, or a model
/// input (observed in the sample files: a function cannot return its
/// argument as an out-parameter).
struct Tap {
  std::string tag;
  std::optional<int64_t> channelAxis;
  /// The model input it observes, or else the result holding its values.
  std::optional<unsigned> input;
  unsigned output = 0;
};

/// The float model with its qc.observe taps (qc-insert-observers) as extra
/// results, compiled and loaded, and the calibration samples.
struct CalibrationBuild {
  std::unique_ptr<LoadedModel> model;
  std::vector<Tap> taps;
  std::vector<CalibrationSample> samples;

  /// The tap named `tag`, if any.
  const Tap *lookupTap(StringRef tag) const;

  /// The values of `tap` in the last run of the model, on `sample`.
  ArrayRef<float> getTapValues(const Tap &tap,
                               const CalibrationSample &sample) const;
};

/// Compiles a copy of the tapped float `module` as `options` say, loads it
/// and reads the samples of `dataDirectory`.
FailureOr<CalibrationBuild> buildCalibration(ModuleOp module,
                                             StringRef dataDirectory,
                                             const CompileOptions &options);

/// Runs every sample through `build` twice (ranges, then histograms) and
/// writes every tap's statistics for all observers to `statsFile`. Errors
/// name the sample and value: NaN or infinite numbers.
LogicalResult runCalibration(CalibrationBuild &build, StringRef statsFile,
                             MLIRContext &context);

/// Describes the quantization decisions of `quantized` (after qc-quantize)
/// for `options.quantization.reportFile`. `floatOriginals` maps the values
/// and ops of `quantized` as they were before qc-calibrate to a copy of the
/// tapped float model (their float originals: weights and tap tags). With a
/// calibration build, each activation's SQNR is measured on its samples
/// against a build of `quantized` with its quantized values as results.
FailureOr<QuantizationReport>
buildQuantizationReport(ModuleOp quantized, const IRMapping &floatOriginals,
                        CalibrationBuild *calibration,
                        const CompileOptions &options);

} // namespace mlir::qc

#endif // QC_LIB_COMPILER_CALIBRATION_H

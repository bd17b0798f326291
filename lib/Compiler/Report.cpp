//===- Report.cpp - The per-layer quantization report ---------------------===//
//
// Describes what qc-quantize decided: a row for every qc.quantize (a layer
// output) and every dequantized constant (a weight), read from their
// !quant types, and the ops kept in float.
//
// SQNR. Weights: the dequantized constant against the float weight it
// replaced, at compile time. Activations: the calibration build (the float
// model with its taps as extra results) and a build of the quantized model
// with the integer storage of every qc.quantize as extra results run on the
// same calibration samples; the storage is dequantized here. The error is
// thus accumulated up to each layer. The extra results are storage casts of
// the qc.quantize results: qc-lower-to-integer replaces each qc.quantize by
// a storage cast and folds the pair, and its patterns look at the uses of
// what a qc.quantize reads, never of its result, so the integer code is the
// same with and without them.
//
//===----------------------------------------------------------------------===//

#include "Calibration.h"

#include "qc/Compiler/Report.h"
#include "qc/IR/QC.h"
#include "qc/IR/QuantParams.h"
#include "qc/Numerics/Numerics.h"
#include "qc/Transforms/ConstantTensor.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::qc;
namespace numerics = ::qc::numerics;

/// Result names of the quantized values in the report's build.
static constexpr StringLiteral kStoragePrefix = "qc.report:";
/// The op column of model inputs, which no op computes.
static constexpr StringLiteral kModelInputOp = "input";
/// The observer column of activations quantized per channel.
static constexpr StringLiteral kChannelRangeObserver = "channel minmax";
/// Why ops with qc.keep_float are in float.
static constexpr StringLiteral kKeepFloatReason = "keep_float";

//===----------------------------------------------------------------------===//
// SQNR
//===----------------------------------------------------------------------===//

namespace {
/// Sums of squares of a signal and of an approximation's error.
struct NoiseMeter {
  double signal = 0.0;
  double noise = 0.0;

  void add(double reference, double approximation) {
    signal += reference * reference;
    noise += (reference - approximation) * (reference - approximation);
  }

  /// 10 log10(signal / noise); +inf without error.
  double getDecibels() const {
    constexpr double kDecibelsPerDecade = 10.0;
    if (noise == 0.0)
      return std::numeric_limits<double>::infinity();
    return kDecibelsPerDecade * std::log10(signal / noise);
  }
};
} // namespace

/// Whether the report reads storage of `type`: whole bytes that the model
/// ABI returns and numerics::dequantize's int32 holds (8 or 16 bits).
static bool isReadableStorage(quant::QuantizedType type) {
  unsigned bits = type.getStorageTypeIntegralWidth();
  return bits == 8 || bits == 16;
}

/// The fewest bits whose range holds `type`'s storage range: weights of
/// the w4a8 recipe are [-7, 7] in an i8, 4-bit values.
static unsigned getFewestBits(quant::QuantizedType type) {
  unsigned bits = type.getStorageTypeIntegralWidth();
  for (; bits > 1; --bits) {
    numerics::IntRange narrower =
        numerics::storageRange(bits - 1, type.isSigned());
    if (type.getStorageTypeMin() < narrower.min ||
        type.getStorageTypeMax() > narrower.max)
      break;
  }
  return bits;
}

namespace {
/// Integer storage elements of 8 or 16 bits in raw little-endian bytes (a
/// constant's or a model output's).
struct StorageReader {
  const char *data;
  unsigned bytesPerElement;
  bool isSigned;
  /// One element stands for all (a splat constant).
  bool splat = false;

  int64_t operator[](int64_t index) const {
    const char *element = data + (splat ? 0 : index * bytesPerElement);
    if (bytesPerElement == 1)
      return isSigned ? read<int8_t>(element) : read<uint8_t>(element);
    return isSigned ? read<int16_t>(element) : read<uint16_t>(element);
  }

private:
  template <typename T>
  static int64_t read(const char *element) {
    T value;
    std::memcpy(&value, element, sizeof(T));
    return value;
  }
};

/// Dequantizes storage elements of a tensor of a uniform quantized type.
class Dequantizer {
public:
  static FailureOr<Dequantizer> get(quant::QuantizedType type,
                                    ArrayRef<int64_t> shape) {
    if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(type))
      return Dequantizer(static_cast<float>(perTensor.getScale()),
                         static_cast<int32_t>(perTensor.getZeroPoint()));
    FailureOr<ElementQuantParams> elements =
        ElementQuantParams::get(type, shape);
    if (failed(elements))
      return failure();
    return Dequantizer(std::move(*elements));
  }

  /// `storage[index]` dequantized with the parameters of element `index`.
  float operator()(const StorageReader &storage, int64_t index) const {
    auto q = static_cast<int32_t>(storage[index]);
    // Per-element parameters cost a delinearization each: per tensor, the
    // common case, has none.
    if (!elements)
      return numerics::dequantize(q, scale, zeroPoint);
    return numerics::dequantize(
        q, static_cast<float>(elements->getScale(index)),
        static_cast<int32_t>(elements->getZeroPoint(index)));
  }

private:
  Dequantizer(float scale, int32_t zeroPoint)
      : scale(scale), zeroPoint(zeroPoint) {}
  explicit Dequantizer(ElementQuantParams elements)
      : elements(std::move(elements)) {}

  std::optional<ElementQuantParams> elements;
  float scale = 0.0f;
  int32_t zeroPoint = 0;
};
} // namespace

//===----------------------------------------------------------------------===//
// Rows
//===----------------------------------------------------------------------===//

/// The ONNX node name of `op` (its location's name), or "".
static std::string getNodeNameOrEmpty(Operation *op) {
  return getNodeName(op).value_or("").str();
}

/// The quantized element type of `value`'s tensor type.
static quant::QuantizedType getQuantizedElementType(Value value) {
  return dyn_cast<quant::QuantizedType>(
      cast<ShapedType>(value.getType()).getElementType());
}

/// Fills the scheme, scale, zero point and storage columns of `row` from
/// `type`; fails for types other than uniform per tensor or per axis.
static LogicalResult describeType(quant::QuantizedType type, Location loc,
                                  LayerReport &row) {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(type)) {
    scales.push_back(perTensor.getScale());
    zeroPoints.push_back(perTensor.getZeroPoint());
  } else if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    llvm::append_range(scales, perAxis.getScales());
    llvm::append_range(zeroPoints, perAxis.getZeroPoints());
    row.axis = perAxis.getQuantizedDimension();
  } else {
    return emitError(loc) << "quantization report: the type " << type
                          << " is not uniform per tensor or per axis";
  }
  row.scaleMin = *llvm::min_element(scales);
  row.scaleMax = *llvm::max_element(scales);
  row.scaleCount = static_cast<int64_t>(scales.size());
  row.zeroPointMin = *llvm::min_element(zeroPoints);
  row.zeroPointMax = *llvm::max_element(zeroPoints);
  row.isSigned = type.isSigned();
  row.storageMin = type.getStorageTypeMin();
  row.storageMax = type.getStorageTypeMax();
  row.bits = getFewestBits(type);
  numerics::IntRange full = numerics::storageRange(row.bits, row.isSigned);
  row.narrowRange = row.storageMin > full.min || row.storageMax < full.max;
  // Symmetric storage is centred on zero: signed values on 0, unsigned ones
  // on their middle value (as qc-quantize centres them).
  int64_t centre = row.isSigned ? 0 : (row.storageMax + 1) / 2;
  row.symmetric = llvm::all_of(
      zeroPoints, [&](int64_t zeroPoint) { return zeroPoint == centre; });
  return success();
}

/// The constant integer storage that `dequantize` reads (a quantized
/// weight), if any.
static ElementsAttr getConstantStorage(DequantizeOp dequantize) {
  auto cast = dequantize.getInput().getDefiningOp<quant::StorageCastOp>();
  ElementsAttr storage;
  if (!cast || !matchPattern(cast.getInput(), m_Constant(&storage)))
    return {};
  return storage;
}

/// The raw bytes of the integer constant `storage`, if they are at hand.
static std::optional<StorageReader> readConstant(ElementsAttr storage,
                                                 quant::QuantizedType type) {
  StorageReader reader{nullptr, type.getStorageTypeIntegralWidth() / 8,
                       type.isSigned()};
  if (auto dense = dyn_cast<DenseElementsAttr>(storage)) {
    reader.data = dense.getRawData().data();
    reader.splat = dense.isSplat();
    return reader;
  }
  std::optional<ArrayRef<char>> bytes = getDenseBytes(storage);
  if (!bytes)
    return std::nullopt;
  reader.data = bytes->data();
  return reader;
}

/// The SQNR of the dequantized constant `storage` against `reference`, the
/// float weight it replaced; none where either cannot be read.
static std::optional<double> measureWeight(ElementsAttr storage,
                                           quant::QuantizedType type,
                                           Value reference) {
  std::optional<FloatTensor> weight = evaluateFloatConstant(reference);
  std::optional<StorageReader> reader = readConstant(storage, type);
  if (!weight || !reader || !isReadableStorage(type) ||
      weight->getNumElements() != storage.getNumElements())
    return std::nullopt;
  FailureOr<Dequantizer> dequantize =
      Dequantizer::get(type, storage.getShapedType().getShape());
  if (failed(dequantize))
    return std::nullopt;
  NoiseMeter meter;
  for (int64_t index = 0; index < weight->getNumElements(); ++index)
    meter.add(weight->values[index], (*dequantize)(*reader, index));
  return meter.getDecibels();
}

namespace {
/// An activation whose SQNR the report measures.
struct MeasuredActivation {
  /// Its row in the report.
  size_t row;
  QuantizeOp quantize;
  quant::QuantizedType type;
  Dequantizer dequantize;
  /// The float tap of the value `quantize` reads.
  const Tap *floatTap;
  /// The result of the report's build holding its storage.
  unsigned output = 0;
  NoiseMeter meter;
};

/// Builds the report of one quantized module.
class ReportBuilder {
public:
  ReportBuilder(ModuleOp quantized, const IRMapping &floatOriginals,
                CalibrationBuild *calibration, const CompileOptions &options)
      : quantized(quantized), floatOriginals(floatOriginals),
        calibration(calibration), options(options) {}

  FailureOr<QuantizationReport> build() {
    const QuantizationOptions &quantization = options.quantization;
    report.model = options.inputPath;
    report.recipe = quantization.recipe;
    report.observer = quantization.observer;
    WalkResult walk = quantized.walk([&](Operation *op) {
      if (auto budget = op->getAttrOfType<BitWidthBudgetAttr>(
              QCDialect::kBitWidthBudgetAttrName))
        report.bitWidthBudget = BitWidthBudgetReport{
            stringifyBitWidthBudgetKind(budget.getKind()).str(),
            budget.getLimit().convertToDouble(),
            budget.getUsed().convertToDouble()};
      if (isKeptFloat(op))
        addFloatOp(op);
      if (auto quantize = dyn_cast<QuantizeOp>(op))
        return WalkResult(addActivation(quantize));
      if (auto dequantize = dyn_cast<DequantizeOp>(op))
        return WalkResult(addWeights(dequantize));
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    if (calibration) {
      if (failed(measureActivations()))
        return failure();
      report.samples = static_cast<int64_t>(calibration->samples.size());
    }
    return std::move(report);
  }

private:
  /// Whether `op` computes in float because the user kept its node in
  /// float. qc-quantize marks every op of the node: the ops in the bodies
  /// of marked ops are part of them, and ops of no operands (tensor.empty)
  /// compute nothing.
  static bool isKeptFloat(Operation *op) {
    Operation *parent = op->getParentOp();
    return op->hasAttr(QCDialect::kKeepFloatAttrName) &&
           op->getNumOperands() != 0 &&
           !(parent && parent->hasAttr(QCDialect::kKeepFloatAttrName));
  }

  /// Lists `op` with the other ops of its node.
  void addFloatOp(Operation *op) {
    std::string node = getNodeNameOrEmpty(op);
    std::string kind = op->getName().getStringRef().str();
    auto entry = llvm::find_if(report.floatOps,
                               [&](const FloatOpReport &listed) {
                                 return listed.node == node;
                               });
    if (entry == report.floatOps.end()) {
      report.floatOps.push_back({node, {kind}, kKeepFloatReason.str()});
      return;
    }
    if (!llvm::is_contained(entry->ops, kind))
      entry->ops.push_back(kind);
  }

  /// The calibration tag of `value`: the tag of the qc.observe on its float
  /// original.
  std::optional<StringRef> getCalibrationTag(Value value) const {
    Value original = floatOriginals.lookupOrNull(value);
    if (!original)
      return std::nullopt;
    for (Operation *user : original.getUsers())
      if (auto observe = dyn_cast<ObserveOp>(user))
        return observe.getTag();
    return std::nullopt;
  }

  LogicalResult addActivation(QuantizeOp quantize) {
    LayerReport row{};
    row.kind = LayerReport::Kind::Activation;
    Value value = quantize.getInput();
    if (Operation *producer = value.getDefiningOp()) {
      row.node = getNodeNameOrEmpty(producer);
      row.op = producer->getName().getStringRef().str();
    } else {
      row.op = kModelInputOp.str();
    }
    std::optional<StringRef> tag = getCalibrationTag(value);
    row.name = tag ? tag->str() : row.node.empty() ? row.op : row.node;
    quant::QuantizedType type = getQuantizedElementType(quantize.getResult());
    // Per-channel activations take the calibrated channel ranges as they
    // are (qc-quantize's per-channel-depthwise-inputs).
    if (tag)
      row.observer = isa<quant::UniformQuantizedPerAxisType>(type)
                         ? kChannelRangeObserver.str()
                         : options.quantization.observer;
    if (failed(describeType(type, quantize.getLoc(), row)))
      return failure();
    if (calibration && tag)
      measureLater(quantize, type, calibration->lookupTap(*tag));
    report.layers.push_back(std::move(row));
    return success();
  }

  /// Measures the activation of the next row unless its values cannot be
  /// read: no float tap, or storage of other widths than 8 or 16 bits.
  void measureLater(QuantizeOp quantize, quant::QuantizedType type,
                    const Tap *floatTap) {
    auto shape = cast<RankedTensorType>(quantize.getType()).getShape();
    FailureOr<Dequantizer> dequantize = Dequantizer::get(type, shape);
    if (!floatTap || !isReadableStorage(type) || failed(dequantize))
      return;
    measured.push_back({report.layers.size(), quantize, type,
                        std::move(*dequantize), floatTap});
  }

  /// A row for each op that uses the dequantized constant `dequantize`.
  LogicalResult addWeights(DequantizeOp dequantize) {
    ElementsAttr storage = getConstantStorage(dequantize);
    if (!storage)
      return success();
    quant::QuantizedType type = getQuantizedElementType(dequantize.getInput());
    for (OpOperand &use : dequantize.getResult().getUses()) {
      Operation *user = use.getOwner();
      LayerReport row{};
      row.kind = LayerReport::Kind::Weight;
      row.node = getNodeNameOrEmpty(user);
      row.op = user->getName().getStringRef().str();
      row.name = row.node.empty() ? row.op : row.node;
      if (failed(describeType(type, dequantize.getLoc(), row)))
        return failure();
      if (auto decision = user->getAttrOfType<BitWidthAttr>(
              QCDialect::kBitWidthAttrName)) {
        std::optional<double> sensitivity;
        if (decision.getSensitivity())
          sensitivity = decision.getSensitivity()->convertToDouble();
        row.bitWidth = LayerReport::BitWidthDecision{
            stringifyBitWidthMethod(decision.getMethod()).str(), sensitivity,
            decision.getPinned()};
      }
      if (Operation *original = floatOriginals.lookupOrNull(user))
        row.sqnrDecibels = measureWeight(
            storage, type, original->getOperand(use.getOperandNumber()));
      report.layers.push_back(std::move(row));
    }
    return success();
  }

  /// The options of the report's build of the quantized model: the user's
  /// code generation, so that it computes what the user's library computes,
  /// for the host, where it runs. Scalar code at -O0 would compile faster
  /// but runs about 25 times slower, which only pays on small calibration
  /// sets. Measured on the quantized models alone: PP-OCR cls compiles in
  /// 8 s vectorized, then runs 1.7 ms a sample, against 3.5 s and 45 ms
  /// scalar at -O0 (break-even: about 100 samples); PP-OCRv4 rec in 48 s
  /// and 51 ms against 4.3 s and 1.3 s (about 35 samples).
  CompileOptions getBuildOptions() const {
    CompileOptions build = options;
    build.triple = "";
    build.cpu = "";
    build.features = "";
    return build;
  }

  /// Compiles a copy of the quantized model with the storage of every
  /// measured qc.quantize as an extra result (recorded in its `output`).
  FailureOr<std::unique_ptr<LoadedModel>> compileWithStorageResults() {
    IRMapping copies;
    OwningOpRef<ModuleOp> tapped(cast<ModuleOp>(quantized->clone(copies)));
    auto function = tapped->lookupSymbol<func::FuncOp>("main");
    if (!function)
      return tapped->emitError() << "expected the model as func.func @main";
    OpBuilder builder(function.getBody().back().getTerminator());
    for (MeasuredActivation &activation : measured) {
      auto quantize =
          cast<QuantizeOp>(copies.lookup(activation.quantize.getOperation()));
      auto type = cast<RankedTensorType>(quantize.getResult().getType());
      Value storage = quant::StorageCastOp::create(
          builder, quantize.getLoc(),
          type.clone(activation.type.getStorageType()), quantize.getResult());
      activation.output = function.getNumResults();
      appendTapResult(
          function, storage,
          (kStoragePrefix + report.layers[activation.row].name).str());
    }
    return LoadedModel::compile(*tapped, getBuildOptions(), "report");
  }

  /// Adds each measured activation's error on `sample`, which `model` and
  /// the calibration build have just run.
  LogicalResult measureSample(const LoadedModel &model,
                              const CalibrationSample &sample) {
    for (MeasuredActivation &activation : measured) {
      ArrayRef<float> reference =
          calibration->getTapValues(*activation.floatTap, sample);
      ArrayRef<char> bytes = model.getOutput(activation.output);
      StorageReader storage{bytes.data(),
                            activation.type.getStorageTypeIntegralWidth() / 8,
                            activation.type.isSigned()};
      if (bytes.size() / storage.bytesPerElement != reference.size())
        return activation.quantize.emitError()
               << "quantization report: the float and the quantized values "
                  "of '"
               << report.layers[activation.row].name << "' differ in size";
      for (auto [index, value] : llvm::enumerate(reference))
        activation.meter.add(value, activation.dequantize(storage, index));
    }
    return success();
  }

  /// Runs the calibration build and a build of the quantized model on
  /// every sample and measures each activation's SQNR.
  LogicalResult measureActivations() {
    if (measured.empty())
      return success();
    FailureOr<std::unique_ptr<LoadedModel>> model = compileWithStorageResults();
    if (failed(model))
      return failure();
    MLIRContext &context = *quantized.getContext();
    for (auto [number, sample] : llvm::enumerate(calibration->samples)) {
      if (failed(calibration->model->run(sample, context)) ||
          failed((*model)->run(sample, context)) ||
          failed(measureSample(**model, sample)))
        return failure();
      llvm::errs() << "\rquantization report: " << number + 1 << "/"
                   << calibration->samples.size() << " samples";
    }
    llvm::errs() << "\n";
    for (const MeasuredActivation &activation : measured)
      report.layers[activation.row].sqnrDecibels =
          activation.meter.getDecibels();
    return success();
  }

  ModuleOp quantized;
  const IRMapping &floatOriginals;
  CalibrationBuild *calibration;
  const CompileOptions &options;
  QuantizationReport report;
  std::vector<MeasuredActivation> measured;
};
} // namespace

FailureOr<QuantizationReport>
mlir::qc::buildQuantizationReport(ModuleOp quantized,
                                  const IRMapping &floatOriginals,
                                  CalibrationBuild *calibration,
                                  const CompileOptions &options) {
  return ReportBuilder(quantized, floatOriginals, calibration, options)
      .build();
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

/// A decibel value as JSON: a number, or "inf" / "-inf" (JSON has no
/// infinities); null when not measured.
static llvm::json::Value decibelsToJSON(std::optional<double> decibels) {
  if (!decibels)
    return nullptr;
  if (std::isinf(*decibels))
    return *decibels > 0 ? "inf" : "-inf";
  return *decibels;
}

static StringRef getKindName(LayerReport::Kind kind) {
  return kind == LayerReport::Kind::Activation ? "activation" : "weight";
}

/// "i8", "u8", "i16", ...
static std::string getStorageName(const LayerReport &row) {
  return (row.isSigned ? "i" : "u") + std::to_string(row.bits);
}

static llvm::json::Value
bitWidthToJSON(const std::optional<LayerReport::BitWidthDecision> &decision) {
  if (!decision)
    return nullptr;
  return llvm::json::Object{
      {"method", decision->method},
      {"sensitivity", decision->sensitivity
                          ? llvm::json::Value(*decision->sensitivity)
                          : nullptr},
      {"pinned", decision->pinned}};
}

static llvm::json::Value
budgetToJSON(const std::optional<BitWidthBudgetReport> &budget) {
  if (!budget)
    return nullptr;
  return llvm::json::Object{{"kind", budget->kind},
                            {"limit", budget->limit},
                            {"used", budget->used}};
}

static llvm::json::Value layerToJSON(const LayerReport &row) {
  bool perTensor = !row.axis;
  llvm::json::Value scale =
      perTensor ? llvm::json::Value(row.scaleMin)
                : llvm::json::Object{{"min", row.scaleMin},
                                     {"max", row.scaleMax},
                                     {"count", row.scaleCount}};
  llvm::json::Value zeroPoint =
      perTensor ? llvm::json::Value(row.zeroPointMin)
                : llvm::json::Object{{"min", row.zeroPointMin},
                                     {"max", row.zeroPointMax}};
  auto optionalString = [](StringRef text) -> llvm::json::Value {
    if (text.empty())
      return nullptr;
    return text;
  };
  return llvm::json::Object{
      {"name", row.name},
      {"node", optionalString(row.node)},
      {"op", row.op},
      {"what", getKindName(row.kind)},
      {"scheme", row.symmetric ? "symmetric" : "affine"},
      {"granularity", perTensor ? "per_tensor" : "per_channel"},
      {"axis", row.axis ? llvm::json::Value(*row.axis) : nullptr},
      {"scale", std::move(scale)},
      {"zero_point", std::move(zeroPoint)},
      {"bits", row.bits},
      {"storage", getStorageName(row)},
      {"narrow_range", row.narrowRange},
      {"storage_min", row.storageMin},
      {"storage_max", row.storageMax},
      {"observer", optionalString(row.observer)},
      {"sqnr_db", decibelsToJSON(row.sqnrDecibels)},
      {"bitwidth", bitWidthToJSON(row.bitWidth)},
  };
}

llvm::json::Value mlir::qc::toJSON(const QuantizationReport &report) {
  llvm::json::Array layers;
  for (const LayerReport &row : report.layers)
    layers.push_back(layerToJSON(row));
  llvm::json::Array floatOps;
  for (const FloatOpReport &op : report.floatOps)
    floatOps.push_back(llvm::json::Object{
        {"node", op.node},
        {"ops", llvm::json::Array(op.ops)},
        {"reason", op.reason}});
  return llvm::json::Object{
      {"version", kReportVersion},
      {"model", report.model},
      {"recipe", report.recipe},
      {"observer", report.observer},
      {"sqnr_samples",
       report.samples ? llvm::json::Value(*report.samples) : nullptr},
      {"layers", std::move(layers)},
      {"float_ops", std::move(floatOps)},
      {"bitwidth_budget", budgetToJSON(report.bitWidthBudget)},
  };
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//

/// Significant digits of the scales in the table (float32 has about 7).
static constexpr int kScaleDigits = 6;
/// Significant digits of per-channel scale ranges and of sensitivities,
/// which are summaries.
static constexpr int kScaleRangeDigits = 3;

static std::string formatSignificant(double value, int digits) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.*g", digits, value);
  return text;
}

/// The text columns of one row.
static SmallVector<std::string> formatRow(const LayerReport &row) {
  std::string scheme = row.symmetric ? "symmetric" : "affine";
  std::string scale, zeroPoint;
  if (row.axis) {
    scheme += llvm::formatv(" per-channel (axis {0})", *row.axis).str();
    scale = llvm::formatv("{0}..{1} x{2}",
                          formatSignificant(row.scaleMin, kScaleRangeDigits),
                          formatSignificant(row.scaleMax, kScaleRangeDigits),
                          row.scaleCount);
    zeroPoint = row.zeroPointMin == row.zeroPointMax
                    ? std::to_string(row.zeroPointMin)
                    : llvm::formatv("{0}..{1}", row.zeroPointMin,
                                    row.zeroPointMax)
                          .str();
  } else {
    scheme += " per-tensor";
    scale = formatSignificant(row.scaleMin, kScaleDigits);
    zeroPoint = std::to_string(row.zeroPointMin);
  }
  std::string storage = getStorageName(row);
  if (row.narrowRange)
    storage += llvm::formatv(" [{0}, {1}]", row.storageMin, row.storageMax);
  std::string sqnr = "-";
  if (row.sqnrDecibels)
    sqnr = std::isinf(*row.sqnrDecibels)
               ? (*row.sqnrDecibels > 0 ? "inf" : "-inf")
               : llvm::formatv("{0:f1}", *row.sqnrDecibels).str();
  std::string bitWidth = "-";
  if (row.bitWidth) {
    bitWidth = row.bitWidth->method;
    if (row.bitWidth->sensitivity)
      bitWidth += " " + formatSignificant(*row.bitWidth->sensitivity,
                                          kScaleRangeDigits);
    if (row.bitWidth->pinned)
      bitWidth += " pinned";
  }
  return {row.name,
          row.op,
          getKindName(row.kind).str(),
          scheme,
          scale,
          zeroPoint,
          storage,
          row.observer.empty() ? "-" : row.observer,
          sqnr,
          bitWidth};
}

/// Prints `rows` as columns padded to their widest cell, two spaces apart.
static void printColumns(ArrayRef<SmallVector<std::string>> rows,
                         raw_ostream &os) {
  SmallVector<size_t> widths(rows.front().size(), 0);
  for (const SmallVector<std::string> &row : rows)
    for (auto [width, cell] : llvm::zip_equal(widths, row))
      width = std::max(width, cell.size());
  for (const SmallVector<std::string> &row : rows) {
    std::string line;
    for (auto [column, cell] : llvm::enumerate(row)) {
      line += cell;
      if (column + 1 != row.size())
        line += std::string(widths[column] - cell.size() + 2, ' ');
    }
    os << line << "\n";
  }
}

void mlir::qc::printReportTable(const QuantizationReport &report,
                                raw_ostream &os) {
  os << "Quantization report: " << report.model << " (recipe "
     << report.recipe << ", observer " << report.observer << ")\n";
  if (report.samples)
    os << "SQNR: the compiled integer model against the float model on "
       << *report.samples << " calibration samples (activations), the "
       << "quantized against the float weights (weights)\n\n";
  else
    os << "SQNR: weights only; activations need calibration samples "
          "(--calib), a statistics file alone has none\n\n";
  if (report.bitWidthBudget)
    os << "Weight widths searched under a " << report.bitWidthBudget->kind
       << " budget of " << report.bitWidthBudget->limit << ", using "
       << report.bitWidthBudget->used << "\n\n";
  SmallVector<SmallVector<std::string>> rows = {
      {"layer", "op", "what", "scheme", "scale", "zero point", "storage",
       "observer", "SQNR dB", "width by (sensitivity)"}};
  for (const LayerReport &row : report.layers)
    rows.push_back(formatRow(row));
  printColumns(rows, os);
  os << "\nKept in float (--keep-float):";
  if (report.floatOps.empty())
    os << " none";
  for (const FloatOpReport &op : report.floatOps)
    os << "\n  " << op.node << " (" << llvm::join(op.ops, ", ") << ")";
  os << "\n";
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

std::string mlir::qc::getReportTablePath(StringRef jsonPath) {
  SmallString<256> path(jsonPath);
  llvm::sys::path::replace_extension(path, ".txt");
  return path.str().str();
}

/// Writes `path` with `print`; reports a file that cannot be opened.
static LogicalResult writeFile(StringRef path, MLIRContext &context,
                               function_ref<void(raw_ostream &)> print) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output = openOutputFile(path, &error);
  if (!output)
    return emitError(UnknownLoc::get(&context))
           << "cannot write the quantization report: " << error;
  print(output->os());
  output->keep();
  return success();
}

LogicalResult mlir::qc::writeQuantizationReport(
    const QuantizationReport &report, StringRef jsonPath,
    MLIRContext &context) {
  if (failed(writeFile(jsonPath, context, [&](raw_ostream &os) {
        os << llvm::formatv("{0:2}", toJSON(report)) << "\n";
      })))
    return failure();
  return writeFile(getReportTablePath(jsonPath), context,
                   [&](raw_ostream &os) { printReportTable(report, os); });
}

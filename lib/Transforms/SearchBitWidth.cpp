//===- SearchBitWidth.cpp - Per-layer weight widths under a budget --------===//
//
// Chooses every layer's weight width (Passes.td, QCSearchBitWidth): HAWQ-V3
// as an exact 0-1 program over the layers' sensitivities (QCSearch, on
// GLPK), or MixQuant's round-off error rule. The layers, their costs under
// the budget and their sensitivities come first, then the two methods, then
// the pass, which writes each decision as #qc.bitwidth.
//
//===----------------------------------------------------------------------===//

#include "ChannelGroup.h"
#include "QuantizationPlacement.h"
#include "WeightQuantization.h"

#include "qc/IR/QC.h"
#include "qc/Search/BitWidthProgram.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/IntEqClasses.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

namespace mlir::qc {
#define GEN_PASS_DEF_QCSEARCHBITWIDTH
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// The candidates when the option gives none.
static constexpr unsigned kDefaultCandidates[] = {2, 3, 4, 8};
/// The width of HAWQ-V3's pinned first and last layers, of QC's
/// activations, and of MixQuant's reference error E(8).
static constexpr unsigned kReferenceBits = 8;
/// Units of the budgets: MB of 2^20 bytes, G of 10^9 bit operations.
static constexpr double kBitsPerMegabyte = 8.0 * 1024 * 1024;
static constexpr double kBitOperationsPerGiga = 1e9;

//===----------------------------------------------------------------------===//
// Budgets
//===----------------------------------------------------------------------===//

namespace {
/// What the chosen widths may use at most.
struct Budget {
  BitWidthBudgetKind kind;
  double limit;
};

/// Latencies in ms per layer name and width.
using LatencyTable = llvm::StringMap<llvm::DenseMap<unsigned, double>>;
} // namespace

/// The option's spelling of a budget kind (`avg-bits`, not `avg_bits`).
static std::string getBudgetSpelling(BitWidthBudgetKind kind) {
  std::string name = stringifyBitWidthBudgetKind(kind).str();
  llvm::replace(name, '_', '-');
  return name;
}

/// Significant digits of the budgets diagnostics print.
static constexpr int kPrintedDigits = 6;

/// `value` to kPrintedDigits significant digits, rounded up so that a
/// smallest feasible budget stays feasible when the user copies it.
static double roundUpForPrinting(double value) {
  if (!(value > 0.0) || std::isinf(value))
    return value;
  double unit = std::pow(
      10.0, std::floor(std::log10(value)) - (kPrintedDigits - 1));
  return std::ceil(value / unit) * unit;
}

static std::string formatBudget(BitWidthBudgetKind kind, double value) {
  return getBudgetSpelling(kind) + ":" +
         llvm::formatv("{0}", llvm::format("%.*g", kPrintedDigits,
                                            roundUpForPrinting(value)))
             .str();
}

/// Parses `<kind>:<value>` (size:1.5, bops:2, avg-bits:4.5, latency:3).
static std::optional<Budget> parseBudget(StringRef text) {
  auto [kindName, valueText] = text.split(':');
  std::string enumName = kindName.str();
  llvm::replace(enumName, '-', '_');
  std::optional<BitWidthBudgetKind> kind =
      symbolizeBitWidthBudgetKind(enumName);
  double limit;
  if (!kind || kindName.contains('_') || valueText.getAsDouble(limit) ||
      !std::isfinite(limit) || limit < 0.0)
    return std::nullopt;
  return Budget{*kind, limit};
}

/// Reads `{"<layer>": {"<bits>": ms, ...}, ...}`.
static FailureOr<LatencyTable> readLatencyTable(Operation *root,
                                                StringRef path) {
  std::string message;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(path, &message);
  if (!file)
    return root->emitError() << "qc-search-bitwidth: " << message;
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse(file->getBuffer());
  auto malformed = [&] {
    return root->emitError()
           << "qc-search-bitwidth: '" << path
           << "' is not a latency table: {\"<layer>\": {\"<bits>\": ms, "
              "...}, ...}";
  };
  if (!json) {
    llvm::consumeError(json.takeError());
    return malformed();
  }
  const llvm::json::Object *layers = json->getAsObject();
  if (!layers)
    return malformed();
  LatencyTable table;
  for (const auto &[name, entry] : *layers) {
    const llvm::json::Object *widths = entry.getAsObject();
    if (!widths)
      return malformed();
    for (const auto &[bitsText, latency] : *widths) {
      unsigned bits;
      std::optional<double> milliseconds = latency.getAsNumber();
      if (StringRef(bitsText).getAsInteger(10, bits) || !milliseconds ||
          !(*milliseconds >= 0.0))
        return malformed();
      table[name.str()][bits] = *milliseconds;
    }
  }
  return table;
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

namespace {
/// A layer whose weight width the search chooses.
struct Layer {
  LinearWeights weights;
  std::string name;
  /// Output positions each weight is applied at: N H W of a convolution's
  /// result, the rows M of a matmul's. MACs = positions * weights.
  int64_t positions;
  /// ||Q_b(W) - W||^2 per candidate, and at kReferenceBits.
  SmallVector<double> roundingError;
  double referenceError;
  /// The candidate the layer must take, and whether the user fixed it (a
  /// pin option or a pinned #qc.bitwidth) rather than pin-first-last.
  std::optional<size_t> pinned;
  bool pinnedByUser = false;

  Operation *getOp() const { return weights.op; }
  int64_t getParameters() const { return weights.weights.getNumElements(); }
};
} // namespace

static int64_t getOutputPositions(Operation *op) {
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  ArrayRef<int64_t> shape = result.getShape();
  // Conv: NHWC, every dim but C; matmul: [N, M, W], M.
  if (isa<tosa::MatMulOp>(op))
    return shape[1];
  return shape[0] * shape[1] * shape[2];
}

/// The calibrated mean of x^2 of `op`'s input, looking through the data
/// movement between it and the value calibration observed.
static std::optional<double> getInputMeanSquare(Operation *op) {
  Value value = op->getOperand(0);
  while (true) {
    if (StatsAttr stats = getValueStats(value); stats && stats.getMeanSquare())
      return stats.getMeanSquare()->convertToDouble();
    Operation *producer = value.getDefiningOp();
    if (!producer || !isDataMovement(producer))
      return std::nullopt;
    value = producer->getOperand(0);
  }
}

/// Whether `op` is a residual addition: a sum of two computed values.
static bool isResidualAddition(Operation *op) {
  return isa<tosa::AddOp>(op) &&
         llvm::none_of(op->getOperands(), isConstantExpression);
}

/// The calibrated mean of y^2 of the signal `op`'s error joins: the
/// residual sum its result flows into through data movement and the ops
/// absorbing an accumulator (clamps, bias additions, positive scalings,
/// which change the signal and the error alike), else the first value
/// calibration observed on that way.
static std::optional<double> getOutputMeanSquare(Operation *op) {
  auto getMeanSquare = [](Value value) -> std::optional<double> {
    if (StatsAttr stats = getValueStats(value); stats && stats.getMeanSquare())
      return stats.getMeanSquare()->convertToDouble();
    return std::nullopt;
  };
  Value value = op->getResult(0);
  std::optional<double> firstObserved = getMeanSquare(value);
  while (value.hasOneUse()) {
    Operation *user = *value.getUsers().begin();
    if (isResidualAddition(user))
      if (std::optional<double> sum = getMeanSquare(user->getResult(0)))
        return sum;
    if (!isDataMovement(user) && !absorbsAccumulator(user))
      break;
    value = user->getResult(0);
    if (!firstObserved)
      firstObserved = getMeanSquare(value);
  }
  return firstObserved;
}

/// Output elements per sample: the positions times the output channels.
static double getOutputElements(const Layer &layer) {
  auto result =
      cast<RankedTensorType>(layer.getOp()->getResult(0).getType());
  return static_cast<double>(layer.positions) *
         static_cast<double>(result.getShape().back());
}

/// The layers of `function` in program order, named by their node names
/// (`#k` on repeats), else `layer<i>`.
static SmallVector<Layer> collectLayers(func::FuncOp function) {
  SmallVector<Layer> layers;
  llvm::StringMap<unsigned> seen;
  function.walk([&](Operation *op) {
    if (op->hasAttr(QCDialect::kKeepFloatAttrName))
      return;
    std::optional<LinearWeights> weights = LinearWeights::read(op);
    if (!weights)
      return;
    std::string name;
    if (std::optional<StringRef> node = getNodeName(op)) {
      unsigned repeat = seen[*node]++;
      name = repeat == 0 ? node->str() : (*node + "#" + Twine(repeat)).str();
    } else {
      name = "layer" + std::to_string(layers.size());
    }
    layers.push_back(Layer{std::move(*weights), std::move(name),
                           getOutputPositions(op), {}, 0.0});
  });
  return layers;
}

/// The layer whose i32 accumulator `value` is, through data movement and
/// the ops absorbing an accumulator (clamps, bias additions, positive
/// scalings); none where another op computes it.
static std::optional<size_t>
getAccumulatingLayer(Value value,
                     const llvm::DenseMap<Operation *, size_t> &layerIndex) {
  while (Operation *producer = value.getDefiningOp()) {
    if (auto found = layerIndex.find(producer); found != layerIndex.end())
      return found->second;
    if (!isDataMovement(producer) && !absorbsAccumulator(producer))
      return std::nullopt;
    auto operands = llvm::make_filter_range(
        producer->getOperands(),
        [](Value operand) { return !isConstantExpression(operand); });
    if (!llvm::hasSingleElement(operands))
      return std::nullopt;
    value = *operands.begin();
  }
  return std::nullopt;
}

/// HAWQ-V3's ties: the two layers whose results a residual addition sums.
static std::vector<std::pair<size_t, size_t>>
findResidualTies(func::FuncOp function, ArrayRef<Layer> layers) {
  llvm::DenseMap<Operation *, size_t> layerIndex;
  for (auto [index, layer] : llvm::enumerate(layers))
    layerIndex[layer.getOp()] = index;
  std::vector<std::pair<size_t, size_t>> ties;
  function.walk([&](tosa::AddOp add) {
    std::optional<size_t> first =
        getAccumulatingLayer(add.getInput1(), layerIndex);
    std::optional<size_t> second =
        getAccumulatingLayer(add.getInput2(), layerIndex);
    if (first && second && *first != *second)
      ties.emplace_back(*first, *second);
  });
  return ties;
}

//===----------------------------------------------------------------------===//
// MixQuant
//===----------------------------------------------------------------------===//

/// E(b) / E(8): how much more error a width makes than 8 bits (0 for an
/// exact width, infinite where 8 bits are exact and `b` bits are not).
static double getErrorRatio(const Layer &layer, size_t candidate) {
  double error = layer.roundingError[candidate];
  if (error == 0.0)
    return 0.0;
  return layer.referenceError > 0.0 ? error / layer.referenceError
                                    : std::numeric_limits<double>::infinity();
}

/// MixQuant's choice at multiplier `qem`: per layer the smallest candidate
/// (candidates ascend) with E(b) <= qem * E(8), else the largest; then the
/// pins, then the wider width of each tied group.
static std::vector<size_t>
chooseByErrorRule(ArrayRef<Layer> layers, size_t candidateCount, double qem,
                  ArrayRef<std::pair<size_t, size_t>> ties) {
  std::vector<size_t> choice;
  for (const Layer &layer : layers) {
    size_t chosen = candidateCount - 1;
    for (size_t k = 0; k < candidateCount; ++k)
      if (getErrorRatio(layer, k) <= qem) {
        chosen = k;
        break;
      }
    choice.push_back(layer.pinned.value_or(chosen));
  }
  llvm::IntEqClasses groups(layers.size());
  for (auto [first, second] : ties)
    groups.join(first, second);
  groups.compress();
  SmallVector<size_t> widest(groups.getNumClasses(), 0);
  for (size_t index = 0; index < layers.size(); ++index)
    widest[groups[index]] = std::max(widest[groups[index]], choice[index]);
  for (size_t index = 0; index < layers.size(); ++index)
    if (!layers[index].pinned)
      choice[index] = widest[groups[index]];
  return choice;
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct SearchBitWidthPass
    : mlir::qc::impl::QCSearchBitWidthBase<SearchBitWidthPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (failed(parseOptions()))
      return signalPassFailure();
    SmallVector<Layer> layers = collectLayers(function);
    if (layers.empty())
      return;
    measureRoundingErrors(layers);
    std::vector<std::pair<size_t, size_t>> ties =
        findResidualTies(function, layers);
    if (failed(pinLayers(layers)))
      return signalPassFailure();
    FailureOr<SmallVector<SmallVector<double>>> costs = getCosts(layers);
    if (failed(costs))
      return signalPassFailure();
    FailureOr<SmallVector<SmallVector<double>>> sensitivities =
        getSensitivities(layers);
    if (failed(sensitivities))
      return signalPassFailure();
    FailureOr<std::vector<size_t>> choice;
    if (method == "hawq")
      choice = solveProgram(layers, *costs, *sensitivities, ties);
    else
      choice = applyErrorRule(layers, *costs, ties);
    if (failed(choice))
      return signalPassFailure();
    writeDecisions(layers, *choice, *sensitivities);
    if (budget)
      function->setAttr(
          QCDialect::kBitWidthBudgetAttrName,
          BitWidthBudgetAttr::get(&getContext(), budget->kind,
                                  APFloat(budget->limit),
                                  APFloat(getTotal(*costs, *choice))));
  }

private:
  /// An error about the whole search, at the function's location without
  /// the function attached (printing a model's IR would bury it).
  InFlightDiagnostic emitOptionError() {
    return mlir::emitError(getOperation()->getLoc()) << "qc-search-bitwidth: ";
  }

  LogicalResult parseOptions() {
    if (method != "hawq" && method != "mixquant")
      return emitOptionError() << "method must be hawq or mixquant, got '"
                               << method << "'";
    candidateBits.assign(candidates.begin(), candidates.end());
    if (candidateBits.empty())
      candidateBits.assign(std::begin(kDefaultCandidates),
                           std::end(kDefaultCandidates));
    llvm::sort(candidateBits);
    candidateBits.erase(llvm::unique(candidateBits), candidateBits.end());
    for (unsigned bits : candidateBits)
      if (bits < kMinWeightBits || bits > kMaxWeightBits)
        return emitOptionError()
               << "candidates must be in [" << kMinWeightBits << ", "
               << kMaxWeightBits << "] (weights are held in int8), got "
               << bits;
    budget.reset();
    if (!budgetText.empty()) {
      budget = parseBudget(budgetText);
      if (!budget)
        return emitOptionError()
               << "budget must be size:<MB>, bops:<G>, avg-bits:<x> or "
                  "latency:<ms> with a non-negative number, got '"
               << budgetText << "'";
    }
    if (method == "hawq" && !budget)
      return emitOptionError() << "method=hawq needs a budget (size:<MB>, "
                                  "bops:<G>, avg-bits:<x> or latency:<ms>)";
    if (method == "mixquant" && static_cast<bool>(budget) == (qem > 0.0))
      return emitOptionError()
             << "method=mixquant needs either qem (> 0) or a budget";
    if (sensitivity != "relative" && sensitivity != "absolute")
      return emitOptionError()
             << "sensitivity must be relative or absolute, got '"
             << sensitivity << "'";
    if (method == "hawq" && qem != 0.0)
      return emitOptionError() << "qem is MixQuant's; method=hawq takes none";
    latencies.clear();
    if (budget && budget->kind == BitWidthBudgetKind::latency) {
      if (latencyTable.empty())
        return emitOptionError() << "budget=latency:<ms> needs the measured "
                                    "per-layer latencies: latency-table=FILE";
      FailureOr<LatencyTable> table =
          readLatencyTable(getOperation(), latencyTable);
      if (failed(table))
        return failure();
      latencies = std::move(*table);
    }
    return success();
  }

  /// Each layer's ||Q_b(W) - W||^2 at every candidate and at
  /// kReferenceBits, each width quantized once.
  void measureRoundingErrors(MutableArrayRef<Layer> layers) {
    const unsigned *reference = llvm::find(candidateBits, kReferenceBits);
    for (Layer &layer : layers) {
      for (unsigned bits : candidateBits)
        layer.roundingError.push_back(getRoundingError(layer.weights, bits));
      layer.referenceError =
          reference != candidateBits.end()
              ? layer.roundingError[reference - candidateBits.begin()]
              : getRoundingError(layer.weights, kReferenceBits);
    }
  }

  /// The candidate index of `bits`; an error naming `what` where it is not
  /// a candidate.
  FailureOr<size_t> getCandidateIndex(unsigned bits, Operation *op,
                                      const Twine &what) {
    const unsigned *found = llvm::find(candidateBits, bits);
    if (found != candidateBits.end())
      return static_cast<size_t>(found - candidateBits.begin());
    InFlightDiagnostic diagnostic = op->emitError()
                                    << "qc-search-bitwidth: " << what << " "
                                    << bits << " bits, not a candidate (";
    llvm::interleaveComma(candidateBits, diagnostic);
    return diagnostic << ")";
  }

  /// Pins from the layers' own pinned #qc.bitwidth, the pin option and
  /// pin-first-last, in that order of precedence.
  LogicalResult pinLayers(MutableArrayRef<Layer> layers) {
    llvm::StringMap<size_t> byName;
    for (auto [index, layer] : llvm::enumerate(layers))
      byName[layer.name] = index;
    if (pinFirstLast)
      for (Layer *layer : {&layers.front(), &layers.back()}) {
        FailureOr<size_t> index =
            getCandidateIndex(kReferenceBits, layer->getOp(),
                              "pin-first-last keeps the first and last layer "
                              "at");
        if (failed(index))
          return failure();
        layer->pinned = *index;
      }
    for (StringRef pin : pins) {
      auto [name, bitsText] = pin.rsplit(':');
      unsigned bits;
      auto found = byName.find(name);
      if (bitsText.getAsInteger(10, bits) || found == byName.end()) {
        InFlightDiagnostic diagnostic =
            emitOptionError() << "pin '" << pin
                              << "' is not <layer>:<bits> with one of the "
                                 "layers ";
        llvm::interleaveComma(layers, diagnostic,
                              [&](const Layer &layer) {
                                diagnostic << "'" << layer.name << "'";
                              });
        return diagnostic;
      }
      Layer &layer = layers[found->second];
      FailureOr<size_t> index =
          getCandidateIndex(bits, layer.getOp(), "pin '" + pin + "' asks for");
      if (failed(index))
        return failure();
      layer.pinned = *index;
      layer.pinnedByUser = true;
    }
    for (Layer &layer : layers) {
      auto decision = layer.getOp()->getAttrOfType<BitWidthAttr>(
          QCDialect::kBitWidthAttrName);
      if (!decision || !decision.getPinned())
        continue;
      FailureOr<size_t> index = getCandidateIndex(
          decision.getWeightBits(), layer.getOp(), "this layer is pinned to");
      if (failed(index))
        return failure();
      layer.pinned = *index;
      layer.pinnedByUser = true;
    }
    return success();
  }

  /// What each candidate width of each layer adds to the budgeted total;
  /// zeros without a budget.
  FailureOr<SmallVector<SmallVector<double>>>
  getCosts(ArrayRef<Layer> layers) {
    double totalParameters = 0.0;
    for (const Layer &layer : layers)
      totalParameters += static_cast<double>(layer.getParameters());
    SmallVector<SmallVector<double>> costs;
    for (const Layer &layer : layers) {
      SmallVector<double> &row = costs.emplace_back();
      double parameters = static_cast<double>(layer.getParameters());
      for (unsigned bits : candidateBits) {
        if (!budget) {
          row.push_back(0.0);
          continue;
        }
        switch (budget->kind) {
        case BitWidthBudgetKind::size:
          row.push_back(parameters * bits / kBitsPerMegabyte);
          break;
        case BitWidthBudgetKind::bops:
          row.push_back(parameters * static_cast<double>(layer.positions) *
                        bits * kReferenceBits / kBitOperationsPerGiga);
          break;
        case BitWidthBudgetKind::avg_bits:
          row.push_back(parameters * bits / totalParameters);
          break;
        case BitWidthBudgetKind::latency: {
          auto entry = latencies.find(layer.name);
          std::optional<double> latency;
          if (entry != latencies.end())
            if (auto found = entry->second.find(bits);
                found != entry->second.end())
              latency = found->second;
          if (!latency)
            return layer.getOp()->emitError()
                   << "qc-search-bitwidth: the latency table has no "
                      "latency of layer '"
                   << layer.name << "' at " << bits << " bits";
          row.push_back(*latency);
          break;
        }
        }
      }
    }
    return costs;
  }

  /// HAWQ-V3's Omega_i(b) = 2 P_i E[x^2] ||Q_b(W_i) - W_i||^2, divided by
  /// the layer's output energy P_i C_i E[y^2] under sensitivity=relative;
  /// or MixQuant's E_i(b) = ||Q_b(W_i) - W_i||^2.
  FailureOr<SmallVector<SmallVector<double>>>
  getSensitivities(ArrayRef<Layer> layers) {
    SmallVector<SmallVector<double>> sensitivities;
    for (const Layer &layer : layers) {
      FailureOr<double> errorWeight = getErrorWeight(layer);
      if (failed(errorWeight))
        return failure();
      SmallVector<double> &row = sensitivities.emplace_back();
      for (double error : layer.roundingError)
        row.push_back(*errorWeight * error);
    }
    return sensitivities;
  }

  /// What multiplies a layer's rounding error: Tr(H_i) / n_i for hawq
  /// (over the output energy under sensitivity=relative), 1 for mixquant.
  FailureOr<double> getErrorWeight(const Layer &layer) {
    if (method != "hawq")
      return 1.0;
    std::optional<double> inputMeanSquare = getInputMeanSquare(layer.getOp());
    if (!inputMeanSquare)
      return layer.getOp()->emitError()
             << "qc-search-bitwidth: the input of layer '" << layer.name
             << "' has no calibrated mean square (#qc.stats<..., "
                "mean_square = x>), which method=hawq's Hessian trace "
                "needs; calibrate the model before the search";
    double trace =
        2.0 * static_cast<double>(layer.positions) * *inputMeanSquare;
    if (sensitivity == "absolute")
      return trace;
    std::optional<double> outputMeanSquare =
        getOutputMeanSquare(layer.getOp());
    if (!outputMeanSquare || !(*outputMeanSquare > 0.0))
      return layer.getOp()->emitError()
             << "qc-search-bitwidth: the output of layer '" << layer.name
             << "' has no calibrated, non-zero mean square (#qc.stats<..., "
                "mean_square = y>), which sensitivity=relative divides by; "
                "calibrate the model before the search or use "
                "sensitivity=absolute";
    return trace / (getOutputElements(layer) * *outputMeanSquare);
  }

  /// The error for a budget no assignment meets.
  LogicalResult emitInfeasible(double smallest) {
    InFlightDiagnostic diagnostic =
        emitOptionError() << "no choice of widths fits the budget "
                          << formatBudget(budget->kind, budget->limit);
    if (std::isinf(smallest))
      return diagnostic << ": the pins and the residual ties contradict each "
                           "other";
    return diagnostic << "; the smallest that fits (with the pins and ties) "
                         "is "
                      << formatBudget(budget->kind, smallest);
  }

  FailureOr<std::vector<size_t>>
  solveProgram(ArrayRef<Layer> layers,
               ArrayRef<SmallVector<double>> costs,
               ArrayRef<SmallVector<double>> sensitivities,
               ArrayRef<std::pair<size_t, size_t>> ties) {
    ::qc::search::BitWidthProgram program;
    program.candidates.assign(candidateBits.begin(), candidateBits.end());
    for (auto [layer, cost, sensitivity] :
         llvm::zip_equal(layers, costs, sensitivities))
      program.layers.push_back(
          {std::vector<double>(sensitivity.begin(), sensitivity.end()),
           std::vector<double>(cost.begin(), cost.end()), layer.pinned});
    program.ties.assign(ties.begin(), ties.end());
    program.budget = budget->limit;
    std::string malformed = ::qc::search::validate(program);
    if (!malformed.empty())
      return emitOptionError() << "internal error: " << malformed;
    auto result = ::qc::search::solve(program);
    if (auto *infeasible = std::get_if<::qc::search::Infeasible>(&result))
      return emitInfeasible(infeasible->smallestBudget);
    return std::get<::qc::search::BitWidthAssignment>(result).choice;
  }

  /// MixQuant at the option's qem, or at the smallest qem whose choice fits
  /// the budget: the choice only changes where qem crosses an error ratio,
  /// so those ratios are the multipliers to try.
  FailureOr<std::vector<size_t>>
  applyErrorRule(ArrayRef<Layer> layers, ArrayRef<SmallVector<double>> costs,
                 ArrayRef<std::pair<size_t, size_t>> ties) {
    size_t candidateCount = candidateBits.size();
    if (!budget)
      return chooseByErrorRule(layers, candidateCount, qem, ties);
    SmallVector<double> multipliers;
    for (const Layer &layer : layers)
      for (size_t k = 0; k < candidateCount; ++k)
        multipliers.push_back(getErrorRatio(layer, k));
    llvm::sort(multipliers);
    multipliers.erase(llvm::unique(multipliers), multipliers.end());
    std::vector<size_t> choice;
    for (double multiplier : multipliers) {
      choice = chooseByErrorRule(layers, candidateCount, multiplier, ties);
      if (getTotal(costs, choice) <= budget->limit)
        return choice;
    }
    // The largest multiplier gives every free layer its smallest width.
    return emitInfeasible(getTotal(costs, choice));
  }

  static double getTotal(ArrayRef<SmallVector<double>> costs,
                         ArrayRef<size_t> choice) {
    double total = 0.0;
    for (auto [row, chosen] : llvm::zip_equal(costs, choice))
      total += row[chosen];
    return total;
  }

  void writeDecisions(ArrayRef<Layer> layers, ArrayRef<size_t> choice,
                      ArrayRef<SmallVector<double>> sensitivities) {
    BitWidthMethod searched = method == "hawq" ? BitWidthMethod::hawq
                                               : BitWidthMethod::mixquant;
    for (auto [layer, chosen, sensitivity] :
         llvm::zip_equal(layers, choice, sensitivities))
      layer.getOp()->setAttr(
          QCDialect::kBitWidthAttrName,
          BitWidthAttr::get(
              &getContext(), candidateBits[chosen], std::nullopt,
              layer.pinnedByUser ? BitWidthMethod::manual : searched,
              APFloat(sensitivity[chosen]), layer.pinned.has_value()));
  }

  SmallVector<unsigned> candidateBits;
  std::optional<Budget> budget;
  LatencyTable latencies;
};
} // namespace

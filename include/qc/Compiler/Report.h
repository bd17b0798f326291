//===- Report.h - The per-layer quantization report -------------*- C++ -*-===//
//
// What `quant-compile --report=FILE.json` writes: one row per quantized
// activation and weight with its scheme, scales, zero points, storage,
// observer and the SQNR of the compiled integer model against the float
// model on the calibration samples, and the ops kept in float. The report
// is a view of the quantized IR (principle 1 of the design); it is written
// as JSON and as a text table next to it.
//
//===----------------------------------------------------------------------===//

#ifndef QC_COMPILER_REPORT_H
#define QC_COMPILER_REPORT_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qc {

/// The version of the report's JSON layout.
constexpr int64_t kReportVersion = 1;

/// One quantized tensor: a layer's output (activation) or a weight.
struct LayerReport {
  enum class Kind { Activation, Weight };
  Kind kind;
  /// Activations: the calibration tag (the ONNX node name, `#N` for
  /// repeats, `input:<name>` for model inputs), or the node name when the
  /// value was not calibrated. Weights: the node name of the op using it.
  std::string name;
  /// The ONNX node name of the producer (activations) or user (weights);
  /// empty for model inputs and ops without one.
  std::string node;
  /// The op that computes the activation or uses the weight
  /// ("tosa.conv2d"); "input" for model inputs.
  std::string op;
  /// Every zero point is the middle of the storage range.
  bool symmetric;
  /// The quantized dimension of per-channel types; none: per tensor.
  std::optional<int32_t> axis;
  double scaleMin, scaleMax;
  int64_t scaleCount;
  int64_t zeroPointMin, zeroPointMax;
  /// The fewest bits that hold the storage range (4 for [-7, 7] held in an
  /// i8, as the w4a8 recipe's weights are).
  unsigned bits;
  bool isSigned;
  int64_t storageMin, storageMax;
  /// The storage range is narrower than the full range of `bits` bits.
  bool narrowRange;
  /// The calibration observer whose range set the scale (activations
  /// calibrated by the recipe); empty otherwise.
  std::string observer;
  /// 10 log10(sum x^2 / sum (x - x_quant)^2); none: not measured.
  std::optional<double> sqnrDecibels;
  /// Weights of a layer with a #qc.bitwidth decision: what chose the width
  /// ("hawq", "mixquant", "manual"), the sensitivity the search gave the
  /// width, and whether it was pinned.
  struct BitWidthDecision {
    std::string method;
    std::optional<double> sensitivity;
    bool pinned;
  };
  std::optional<BitWidthDecision> bitWidth;
};

/// The budget a bit-width search met (#qc.bitwidth_budget).
struct BitWidthBudgetReport {
  /// "size" (MB), "bops" (G), "avg_bits" or "latency" (ms).
  std::string kind;
  double limit, used;
};

/// An ONNX node the recipe left in float.
struct FloatOpReport {
  std::string node;
  /// The kinds of its ops that compute in float, in program order.
  std::vector<std::string> ops;
  /// Why: "keep_float" (the user's --keep-float).
  std::string reason;
};

struct QuantizationReport {
  std::string model;
  std::string recipe;
  std::string observer;
  /// The calibration samples the activations' SQNR was measured on; none:
  /// not measured (statistics without samples).
  std::optional<int64_t> samples;
  /// One row per quantized activation and weight, in program order.
  std::vector<LayerReport> layers;
  std::vector<FloatOpReport> floatOps;
  /// The budget of the bit-width search, if one sized the layers.
  std::optional<BitWidthBudgetReport> bitWidthBudget;
};

/// The report as JSON (docs/design.md, "Quantization report").
llvm::json::Value toJSON(const QuantizationReport &report);

/// The report as a text table, one row per quantized activation and weight.
void printReportTable(const QuantizationReport &report, raw_ostream &os);

/// Where the table of the report `jsonPath` goes: its extension replaced by
/// ".txt".
std::string getReportTablePath(StringRef jsonPath);

/// Writes the JSON to `jsonPath` and the table to getReportTablePath.
LogicalResult writeQuantizationReport(const QuantizationReport &report,
                                      StringRef jsonPath,
                                      MLIRContext &context);

} // namespace mlir::qc

#endif // QC_COMPILER_REPORT_H

//===- QCAttrs.cpp - qc dialect attributes --------------------------------===//
//
// Verifiers and the custom assembly of the qc attributes.
//
//===----------------------------------------------------------------------===//

#include "qc/IR/QC.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstdlib>
#include <limits>

using namespace mlir;
using namespace mlir::qc;

//===----------------------------------------------------------------------===//
// Granularity: `per_axis = A` or `per_group = A : N`, shared by #qc.scheme and
// #qc.dyadic.
//===----------------------------------------------------------------------===//

namespace {
struct Granularity {
  std::optional<int64_t> axis;
  std::optional<int64_t> groupSize;
};
} // namespace

/// Parses an optional `per_axis = A` or `per_group = A : N`. Sets `found` when
/// one was present.
static ParseResult parseOptionalGranularity(AsmParser &parser,
                                            Granularity &granularity,
                                            bool &found) {
  found = false;
  if (succeeded(parser.parseOptionalKeyword("per_axis"))) {
    int64_t axis;
    if (parser.parseEqual() || parser.parseInteger(axis))
      return failure();
    granularity.axis = axis;
    found = true;
  } else if (succeeded(parser.parseOptionalKeyword("per_group"))) {
    int64_t axis, groupSize;
    if (parser.parseEqual() || parser.parseInteger(axis) ||
        parser.parseColon() || parser.parseInteger(groupSize))
      return failure();
    granularity.axis = axis;
    granularity.groupSize = groupSize;
    found = true;
  }
  return success();
}

static void printGranularity(AsmPrinter &printer, std::optional<int64_t> axis,
                             std::optional<int64_t> groupSize) {
  if (groupSize)
    printer << "per_group = " << *axis << " : " << *groupSize;
  else if (axis)
    printer << "per_axis = " << *axis;
}

static LogicalResult
verifyGranularity(function_ref<InFlightDiagnostic()> emitError,
                  std::optional<int64_t> axis,
                  std::optional<int64_t> groupSize) {
  if (axis && *axis < 0)
    return emitError() << "expected a non-negative axis, got " << *axis;
  if (groupSize && !axis)
    return emitError() << "a group size needs an axis";
  if (groupSize && *groupSize <= 0)
    return emitError() << "expected a positive group size, got " << *groupSize;
  return success();
}

//===----------------------------------------------------------------------===//
// SchemeAttr
//===----------------------------------------------------------------------===//

/// Parses a storage type spelled as in !quant.uniform: `iN` or `uN`.
static ParseResult parseStorageType(AsmParser &parser, unsigned &bits,
                                    bool &isSigned) {
  SMLoc loc = parser.getCurrentLocation();
  Type type;
  OptionalParseResult parsedType = parser.parseOptionalType(type);
  if (parsedType.has_value()) {
    if (failed(*parsedType))
      return failure();
    auto intType = dyn_cast<IntegerType>(type);
    if (!intType || !intType.isSignless())
      return parser.emitError(loc, "expected storage type iN or uN");
    bits = intType.getWidth();
    isSigned = true;
    return success();
  }
  StringRef keyword;
  if (parser.parseKeyword(&keyword) || !keyword.consume_front("u") ||
      keyword.getAsInteger(10, bits))
    return parser.emitError(loc, "expected storage type iN or uN");
  isSigned = false;
  return success();
}

Attribute SchemeAttr::parse(AsmParser &parser, Type) {
  unsigned bits = 0;
  bool isSigned = false;
  if (parser.parseLess() || parseStorageType(parser, bits, isSigned) ||
      parser.parseComma())
    return {};
  bool symmetric;
  if (succeeded(parser.parseOptionalKeyword("symmetric"))) {
    symmetric = true;
  } else if (succeeded(parser.parseOptionalKeyword("affine"))) {
    symmetric = false;
  } else {
    parser.emitError(parser.getCurrentLocation(),
                     "expected 'symmetric' or 'affine'");
    return {};
  }
  bool narrowRange = false;
  Granularity granularity;
  while (succeeded(parser.parseOptionalComma())) {
    bool found;
    if (parseOptionalGranularity(parser, granularity, found))
      return {};
    if (found)
      break;
    SMLoc narrowLoc = parser.getCurrentLocation();
    if (parser.parseKeyword("narrow"))
      return {};
    if (narrowRange) {
      parser.emitError(narrowLoc, "'narrow' given twice");
      return {};
    }
    narrowRange = true;
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<SchemeAttr>(parser.getContext(), bits, isSigned,
                                       symmetric, narrowRange,
                                       granularity.axis, granularity.groupSize);
}

void SchemeAttr::print(AsmPrinter &printer) const {
  printer << '<' << (getIsSigned() ? 'i' : 'u') << getBits() << ", "
          << (getSymmetric() ? "symmetric" : "affine");
  if (getNarrowRange())
    printer << ", narrow";
  if (getAxis()) {
    printer << ", ";
    printGranularity(printer, getAxis(), getGroupSize());
  }
  printer << '>';
}

LogicalResult SchemeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 unsigned bits, bool, bool, bool narrowRange,
                                 std::optional<int64_t> axis,
                                 std::optional<int64_t> groupSize) {
  if (bits < kMinBits || bits > kMaxBits)
    return emitError() << "expected a storage bit width in [" << kMinBits
                       << ", " << kMaxBits << "], got " << bits;
  if (narrowRange && bits < 2)
    return emitError() << "a narrow range needs at least 2 bits";
  return verifyGranularity(emitError, axis, groupSize);
}

::qc::numerics::IntRange SchemeAttr::getStorageRange() const {
  return ::qc::numerics::storageRange(getBits(), getIsSigned(),
                                      getNarrowRange());
}

//===----------------------------------------------------------------------===//
// DyadicAttr
//===----------------------------------------------------------------------===//

/// The base of the `m * 2**-s` notation.
static constexpr int64_t kDyadicBase = 2;

/// Parses one `m * 2**-s`.
static ParseResult parseDyadicEntry(AsmParser &parser,
                                    SmallVectorImpl<int32_t> &multipliers,
                                    SmallVectorImpl<int32_t> &shifts) {
  SMLoc loc = parser.getCurrentLocation();
  int32_t multiplier = 0;
  int64_t base = 0, exponent = 0;
  if (parser.parseInteger(multiplier) || parser.parseStar() ||
      parser.parseInteger(base) || parser.parseStar() || parser.parseStar() ||
      parser.parseInteger(exponent))
    return failure();
  if (base != kDyadicBase)
    return parser.emitError(loc, "expected 'm * 2**-s'");
  if (exponent > 0 || exponent < -::qc::numerics::kMaxShift)
    return parser.emitError(loc, "expected an exponent in [-")
           << ::qc::numerics::kMaxShift << ", 0], got " << exponent;
  multipliers.push_back(multiplier);
  shifts.push_back(static_cast<int32_t>(-exponent));
  return success();
}

Attribute DyadicAttr::parse(AsmParser &parser, Type) {
  if (parser.parseLess())
    return {};
  Granularity granularity;
  bool hasGranularity;
  if (parseOptionalGranularity(parser, granularity, hasGranularity) ||
      (hasGranularity && parser.parseComma()))
    return {};
  SmallVector<int32_t> multipliers, shifts;
  auto parseEntry = [&] {
    return parseDyadicEntry(parser, multipliers, shifts);
  };
  ParseResult entries =
      hasGranularity
          ? parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                           parseEntry)
          : parseEntry();
  if (entries || parser.parseGreater())
    return {};
  return parser.getChecked<DyadicAttr>(parser.getContext(), multipliers,
                                       shifts, granularity.axis,
                                       granularity.groupSize);
}

void DyadicAttr::print(AsmPrinter &printer) const {
  auto printEntry = [&](size_t i) {
    printer << getMultipliers()[i] << " * 2**" << -getShifts()[i];
  };
  printer << '<';
  if (isPerTensor()) {
    printEntry(0);
  } else {
    printGranularity(printer, getAxis(), getGroupSize());
    printer << ", [";
    llvm::interleaveComma(llvm::seq<size_t>(0, size()), printer, printEntry);
    printer << ']';
  }
  printer << '>';
}

LogicalResult DyadicAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int32_t> multipliers,
                                 ArrayRef<int32_t> shifts,
                                 std::optional<int64_t> axis,
                                 std::optional<int64_t> groupSize) {
  if (multipliers.empty() || multipliers.size() != shifts.size())
    return emitError() << "expected as many shifts as multipliers, and at "
                          "least one of each";
  if (!axis && multipliers.size() != 1)
    return emitError() << "a per-tensor multiplier has exactly one entry, got "
                       << multipliers.size();
  for (auto [multiplier, shift] : llvm::zip_equal(multipliers, shifts)) {
    if (multiplier < 0)
      return emitError() << "expected a non-negative multiplier, got "
                         << multiplier;
    if (shift < 0 || shift > ::qc::numerics::kMaxShift)
      return emitError() << "expected a shift in [0, "
                         << ::qc::numerics::kMaxShift << "], got " << shift;
  }
  return verifyGranularity(emitError, axis, groupSize);
}

int64_t DyadicAttr::getExpectedSize(int64_t dimSize) const {
  if (std::optional<int64_t> groupSize = getGroupSize())
    return llvm::divideCeil(dimSize, *groupSize);
  return dimSize;
}

bool DyadicAttr::isIdentity() const {
  return llvm::all_of(llvm::seq<size_t>(0, size()), [&](size_t i) {
    ::qc::numerics::Dyadic value = getValue(i);
    return value.shift < 31 && value.multiplier == (int32_t{1} << value.shift);
  });
}

//===----------------------------------------------------------------------===//
// StatsAttr
//===----------------------------------------------------------------------===//

/// Most significant digits a double needs to round-trip through text.
static constexpr int kMaxDoubleDigits = 17;
/// Decimal exponents printed in fixed rather than scientific notation (as
/// printf's %g decides).
static constexpr int kMinFixedExponent = -4;
static constexpr int kMaxFixedExponent = 15;

/// Prints `value` with the fewest significant digits that parse back to the
/// same double, in fixed notation for moderate exponents, always as an MLIR
/// float literal (with a '.'): 100.0, 0.1, 1.0e+16.
static void printDouble(AsmPrinter &printer, double value) {
  std::string scientific;
  int digits = 1;
  for (; digits <= kMaxDoubleDigits; ++digits) {
    scientific = llvm::formatv("{0}", llvm::format("%.*e", digits - 1, value));
    if (std::strtod(scientific.c_str(), nullptr) == value)
      break;
  }
  int exponent = std::atoi(scientific.c_str() + scientific.find('e') + 1);
  std::string text = scientific;
  if (exponent >= kMinFixedExponent && exponent <= kMaxFixedExponent)
    text = llvm::formatv(
        "{0}", llvm::format("%.*f", std::max(0, digits - 1 - exponent), value));
  if (text.find('.') == std::string::npos)
    text.insert(std::min(text.find('e'), text.size()), ".0");
  printer << text;
}

/// Parses `[a : b, a : b, ...]` into `firsts` and `seconds`.
static ParseResult parsePairList(AsmParser &parser,
                                 SmallVectorImpl<double> &firsts,
                                 SmallVectorImpl<double> &seconds) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
    return failure(parser.parseFloat(firsts.emplace_back()) ||
                   parser.parseColon() ||
                   parser.parseFloat(seconds.emplace_back()));
  });
}

static void printPairList(AsmPrinter &printer, ArrayRef<double> firsts,
                          ArrayRef<double> seconds) {
  printer << '[';
  llvm::interleaveComma(llvm::zip_equal(firsts, seconds), printer,
                        [&](auto pair) {
                          printDouble(printer, std::get<0>(pair));
                          printer << " : ";
                          printDouble(printer, std::get<1>(pair));
                        });
  printer << ']';
}

/// Parses the rest of a `channels(axis = A) = [lo : hi, ...]` clause. The
/// axis is optional here so that the verifier, not a bare "expected '('",
/// says it is missing.
static ParseResult parseChannels(AsmParser &parser,
                                 std::optional<int64_t> &channelAxis,
                                 DenseF64ArrayAttr &channelMin,
                                 DenseF64ArrayAttr &channelMax) {
  if (succeeded(parser.parseOptionalLParen())) {
    int64_t axis;
    if (parser.parseKeyword("axis") || parser.parseEqual() ||
        parser.parseInteger(axis) || parser.parseRParen())
      return failure();
    channelAxis = axis;
  }
  SmallVector<double> lo, hi;
  if (parser.parseEqual() || parsePairList(parser, lo, hi))
    return failure();
  channelMin = DenseF64ArrayAttr::get(parser.getContext(), lo);
  channelMax = DenseF64ArrayAttr::get(parser.getContext(), hi);
  return success();
}

Attribute StatsAttr::parse(AsmParser &parser, Type) {
  double min, max;
  if (parser.parseLess() || parser.parseKeyword("min") ||
      parser.parseEqual() || parser.parseFloat(min) || parser.parseComma() ||
      parser.parseKeyword("max") || parser.parseEqual() ||
      parser.parseFloat(max))
    return {};
  std::optional<int64_t> channelAxis;
  DenseF64ArrayAttr channelMin, channelMax, channelMean, ranks, values;
  DenseFPElementsAttr rows;
  std::optional<double> meanSquare;
  MLIRContext *context = parser.getContext();
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc clauseLoc = parser.getCurrentLocation();
    if (succeeded(parser.parseOptionalKeyword("mean_square"))) {
      if (meanSquare) {
        parser.emitError(clauseLoc, "'mean_square' given twice");
        return {};
      }
      if (parser.parseEqual() || parser.parseFloat(meanSquare.emplace()))
        return {};
      continue;
    }
    if (succeeded(parser.parseOptionalKeyword("rows"))) {
      if (rows) {
        parser.emitError(clauseLoc, "'rows' given twice");
        return {};
      }
      if (parser.parseEqual() || parser.parseAttribute(rows))
        return {};
      continue;
    }
    if (succeeded(parser.parseOptionalKeyword("means"))) {
      if (channelMean) {
        parser.emitError(clauseLoc, "'means' given twice");
        return {};
      }
      SmallVector<double> means;
      if (parser.parseEqual() ||
          parser.parseCommaSeparatedList(
              AsmParser::Delimiter::Square,
              [&] { return parser.parseFloat(means.emplace_back()); }))
        return {};
      channelMean = DenseF64ArrayAttr::get(context, means);
      continue;
    }
    if (succeeded(parser.parseOptionalKeyword("channels"))) {
      if (channelMin) {
        parser.emitError(clauseLoc, "'channels' given twice");
        return {};
      }
      if (parseChannels(parser, channelAxis, channelMin, channelMax))
        return {};
      continue;
    }
    SmallVector<double> rankList, valueList;
    if (parser.parseKeyword("percentiles"))
      return {};
    if (ranks) {
      parser.emitError(clauseLoc, "'percentiles' given twice");
      return {};
    }
    if (parser.parseEqual() || parsePairList(parser, rankList, valueList))
      return {};
    ranks = DenseF64ArrayAttr::get(context, rankList);
    values = DenseF64ArrayAttr::get(context, valueList);
  }
  if (parser.parseGreater())
    return {};
  std::optional<APFloat> meanSquareValue;
  if (meanSquare)
    meanSquareValue = APFloat(*meanSquare);
  return parser.getChecked<StatsAttr>(context, APFloat(min), APFloat(max),
                                      channelAxis, channelMin, channelMax,
                                      channelMean, ranks, values, rows,
                                      meanSquareValue);
}

void StatsAttr::print(AsmPrinter &printer) const {
  printer << "<min = ";
  printDouble(printer, getMin().convertToDouble());
  printer << ", max = ";
  printDouble(printer, getMax().convertToDouble());
  if (getChannelMin()) {
    printer << ", channels(axis = " << *getChannelAxis() << ") = ";
    printPairList(printer, getChannelMin().asArrayRef(),
                  getChannelMax().asArrayRef());
  }
  if (getChannelMean()) {
    printer << ", means = [";
    llvm::interleaveComma(getChannelMean().asArrayRef(), printer,
                          [&](double mean) { printDouble(printer, mean); });
    printer << ']';
  }
  if (getPercentileRanks()) {
    printer << ", percentiles = ";
    printPairList(printer, getPercentileRanks().asArrayRef(),
                  getPercentileValues().asArrayRef());
  }
  if (getRows()) {
    printer << ", rows = ";
    printer.printAttribute(getRows());
  }
  if (getMeanSquare()) {
    printer << ", mean_square = ";
    printDouble(printer, getMeanSquare()->convertToDouble());
  }
  printer << '>';
}

SmallVector<double> StatsAttr::getChannelAbsMax() const {
  SmallVector<double> absMax;
  if (!getChannelMin())
    return absMax;
  for (auto [lo, hi] : llvm::zip_equal(getChannelMin().asArrayRef(),
                                       getChannelMax().asArrayRef()))
    absMax.push_back(std::max(std::fabs(lo), std::fabs(hi)));
  return absMax;
}

/// Checks the per-channel part of #qc.stats: the axis and both arrays
/// together, one [lo, hi] per channel, finite and ordered.
static LogicalResult
verifyChannels(function_ref<InFlightDiagnostic()> emitError,
               std::optional<int64_t> channelAxis, DenseF64ArrayAttr channelMin,
               DenseF64ArrayAttr channelMax) {
  if (static_cast<bool>(channelMin) != static_cast<bool>(channelMax))
    return emitError() << "expected both per-channel min and max, got only "
                       << (channelMin ? "min" : "max");
  if (channelMin && !channelAxis)
    return emitError() << "per-channel min and max need a channel axis";
  if (!channelMin && channelAxis)
    return emitError() << "a channel axis needs per-channel min and max";
  if (!channelAxis)
    return success();
  if (*channelAxis < 0)
    return emitError() << "expected a non-negative channel axis, got "
                       << *channelAxis;
  ArrayRef<double> lo = channelMin.asArrayRef(), hi = channelMax.asArrayRef();
  if (lo.size() != hi.size())
    return emitError() << "expected as many per-channel max as min values, "
                          "got "
                       << lo.size() << " min and " << hi.size() << " max";
  if (lo.empty())
    return emitError() << "expected at least one channel";
  for (size_t c = 0; c < lo.size(); ++c)
    if (!std::isfinite(lo[c]) || !std::isfinite(hi[c]) || lo[c] > hi[c])
      return emitError() << "expected finite per-channel min <= max, got "
                         << lo[c] << " : " << hi[c] << " in channel " << c;
  return success();
}

/// Checks the channel means of #qc.stats: one per channel, each within its
/// channel's range.
static LogicalResult verifyMeans(function_ref<InFlightDiagnostic()> emitError,
                                 DenseF64ArrayAttr channelMin,
                                 DenseF64ArrayAttr channelMax,
                                 DenseF64ArrayAttr channelMean) {
  if (!channelMean)
    return success();
  if (!channelMin)
    return emitError() << "channel means need per-channel statistics";
  ArrayRef<double> means = channelMean.asArrayRef();
  if (means.size() != channelMin.size())
    return emitError() << "expected one mean per channel, got "
                       << means.size() << " for " << channelMin.size()
                       << " channels";
  for (size_t c = 0; c < means.size(); ++c)
    if (!(means[c] >= channelMin[c] && means[c] <= channelMax[c]))
      return emitError() << "expected the mean of channel " << c
                         << " within its range [" << channelMin[c] << ", "
                         << channelMax[c] << "], got " << means[c];
  return success();
}

/// Checks sampled rows of #qc.stats: f32, rows x channels, finite.
static LogicalResult verifyRows(function_ref<InFlightDiagnostic()> emitError,
                                DenseF64ArrayAttr channelMin,
                                DenseFPElementsAttr rows) {
  if (!rows)
    return success();
  if (!channelMin)
    return emitError() << "sampled rows need per-channel statistics";
  auto type = rows.getType();
  int64_t channels = static_cast<int64_t>(channelMin.size());
  if (!type.getElementType().isF32() || type.getRank() != 2 ||
      type.getDimSize(0) < 1 || type.getDimSize(1) != channels)
    return emitError() << "expected sampled rows of type tensor<Rx" << channels
                       << "xf32> (R >= 1, one column per channel), got "
                       << type;
  if (!llvm::all_of(rows.getValues<float>(),
                    [](float value) { return std::isfinite(value); }))
    return emitError() << "expected finite sampled rows";
  return success();
}

/// Highest percentile rank.
static constexpr double kMaxPercentileRank = 100.0;

LogicalResult StatsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                APFloat min, APFloat max,
                                std::optional<int64_t> channelAxis,
                                DenseF64ArrayAttr channelMin,
                                DenseF64ArrayAttr channelMax,
                                DenseF64ArrayAttr channelMean,
                                DenseF64ArrayAttr percentileRanks,
                                DenseF64ArrayAttr percentileValues,
                                DenseFPElementsAttr rows,
                                std::optional<APFloat> meanSquare) {
  double lo = min.convertToDouble(), hi = max.convertToDouble();
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
    return emitError() << "expected finite min <= max, got min = " << lo
                       << ", max = " << hi;
  if (meanSquare && !(std::isfinite(meanSquare->convertToDouble()) &&
                     meanSquare->convertToDouble() >= 0.0))
    return emitError() << "expected a finite, non-negative mean square, got "
                       << meanSquare->convertToDouble();
  if (failed(verifyChannels(emitError, channelAxis, channelMin, channelMax)) ||
      failed(verifyMeans(emitError, channelMin, channelMax, channelMean)) ||
      failed(verifyRows(emitError, channelMin, rows)))
    return failure();
  if (static_cast<bool>(percentileRanks) != static_cast<bool>(percentileValues))
    return emitError() << "percentiles need both ranks and values";
  if (!percentileRanks)
    return success();
  ArrayRef<double> ranks = percentileRanks.asArrayRef();
  ArrayRef<double> values = percentileValues.asArrayRef();
  if (ranks.size() != values.size())
    return emitError() << "expected one value per percentile rank";
  if (ranks.empty())
    return emitError() << "expected at least one percentile";
  for (size_t i = 0; i < ranks.size(); ++i) {
    if (!(ranks[i] > 0 && ranks[i] <= kMaxPercentileRank) ||
        (i > 0 && ranks[i] <= ranks[i - 1]))
      return emitError() << "expected ascending percentile ranks in (0, "
                         << kMaxPercentileRank << "], got " << ranks[i];
    if (!std::isfinite(values[i]) || values[i] < 0 ||
        (i > 0 && values[i] < values[i - 1]))
      return emitError() << "expected non-negative, non-decreasing "
                            "percentile values, got "
                         << values[i] << " at rank " << ranks[i];
  }
  return success();
}

//===----------------------------------------------------------------------===//
// BitWidthAttr
//===----------------------------------------------------------------------===//

/// Parses a bit count, rejecting negative values (which would wrap).
static ParseResult parseBitCount(AsmParser &parser, unsigned &bits) {
  SMLoc loc = parser.getCurrentLocation();
  int64_t value;
  if (parser.parseInteger(value))
    return failure();
  if (value < 0 || value > std::numeric_limits<unsigned>::max())
    return parser.emitError(loc, "expected a bit count, got ") << value;
  bits = static_cast<unsigned>(value);
  return success();
}

Attribute BitWidthAttr::parse(AsmParser &parser, Type) {
  unsigned weightBits = 0;
  std::optional<unsigned> activationBits;
  if (parser.parseLess() || parser.parseKeyword("weights") ||
      parser.parseEqual() || parseBitCount(parser, weightBits) ||
      parser.parseComma())
    return {};
  if (succeeded(parser.parseOptionalKeyword("activations"))) {
    unsigned bits = 0;
    if (parser.parseEqual() || parseBitCount(parser, bits) ||
        parser.parseComma())
      return {};
    activationBits = bits;
  }
  StringRef methodName;
  SMLoc methodLoc;
  if (parser.parseKeyword("method") || parser.parseEqual() ||
      (methodLoc = parser.getCurrentLocation(),
       parser.parseKeyword(&methodName)))
    return {};
  std::optional<BitWidthMethod> method = symbolizeBitWidthMethod(methodName);
  if (!method) {
    parser.emitError(methodLoc, "expected a bit-width method (manual, "
                                "uniform, mixquant or hawq), got '")
        << methodName << "'";
    return {};
  }
  std::optional<APFloat> sensitivity;
  bool pinned = false;
  while (!pinned && succeeded(parser.parseOptionalComma())) {
    if (!sensitivity &&
        succeeded(parser.parseOptionalKeyword("sensitivity"))) {
      double value;
      if (parser.parseEqual() || parser.parseFloat(value))
        return {};
      sensitivity = APFloat(value);
      continue;
    }
    if (parser.parseKeyword("pinned"))
      return {};
    pinned = true;
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<BitWidthAttr>(parser.getContext(), weightBits,
                                         activationBits, *method, sensitivity,
                                         pinned);
}

void BitWidthAttr::print(AsmPrinter &printer) const {
  printer << "<weights = " << getWeightBits();
  if (getActivationBits())
    printer << ", activations = " << *getActivationBits();
  printer << ", method = " << stringifyBitWidthMethod(getMethod());
  if (getSensitivity()) {
    printer << ", sensitivity = ";
    printDouble(printer, getSensitivity()->convertToDouble());
  }
  if (getPinned())
    printer << ", pinned";
  printer << '>';
}

LogicalResult
BitWidthAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     unsigned weightBits, std::optional<unsigned> activationBits,
                     BitWidthMethod, std::optional<APFloat> sensitivity,
                     bool) {
  auto inRange = [](unsigned bits) {
    return bits >= SchemeAttr::kMinBits && bits <= SchemeAttr::kMaxBits;
  };
  if (!inRange(weightBits))
    return emitError() << "expected weight bits in [" << SchemeAttr::kMinBits
                       << ", " << SchemeAttr::kMaxBits << "], got "
                       << weightBits;
  if (activationBits && !inRange(*activationBits))
    return emitError() << "expected activation bits in ["
                       << SchemeAttr::kMinBits << ", " << SchemeAttr::kMaxBits
                       << "], got " << *activationBits;
  if (sensitivity && !(std::isfinite(sensitivity->convertToDouble()) &&
                      sensitivity->convertToDouble() >= 0.0))
    return emitError() << "expected a finite, non-negative sensitivity, got "
                       << sensitivity->convertToDouble();
  return success();
}

//===----------------------------------------------------------------------===//
// BitWidthBudgetAttr
//===----------------------------------------------------------------------===//

Attribute BitWidthBudgetAttr::parse(AsmParser &parser, Type) {
  StringRef kindName;
  SMLoc kindLoc;
  double limit, used;
  if (parser.parseLess() ||
      (kindLoc = parser.getCurrentLocation(),
       parser.parseKeyword(&kindName)))
    return {};
  std::optional<BitWidthBudgetKind> kind =
      symbolizeBitWidthBudgetKind(kindName);
  if (!kind) {
    parser.emitError(kindLoc, "expected a budget kind (size, bops, avg_bits "
                              "or latency), got '")
        << kindName << "'";
    return {};
  }
  if (parser.parseComma() || parser.parseKeyword("limit") ||
      parser.parseEqual() || parser.parseFloat(limit) ||
      parser.parseComma() || parser.parseKeyword("used") ||
      parser.parseEqual() || parser.parseFloat(used) || parser.parseGreater())
    return {};
  return parser.getChecked<BitWidthBudgetAttr>(
      parser.getContext(), *kind, APFloat(limit), APFloat(used));
}

void BitWidthBudgetAttr::print(AsmPrinter &printer) const {
  printer << '<' << stringifyBitWidthBudgetKind(getKind()) << ", limit = ";
  printDouble(printer, getLimit().convertToDouble());
  printer << ", used = ";
  printDouble(printer, getUsed().convertToDouble());
  printer << '>';
}

LogicalResult
BitWidthBudgetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           BitWidthBudgetKind, APFloat limit, APFloat used) {
  double limitValue = limit.convertToDouble(), usedValue = used.convertToDouble();
  if (!std::isfinite(limitValue) || !std::isfinite(usedValue) ||
      limitValue < 0.0 || usedValue < 0.0)
    return emitError() << "expected a finite, non-negative limit and use, "
                          "got limit = "
                       << limitValue << ", used = " << usedValue;
  return success();
}

//===----------------------------------------------------------------------===//
// SmoothingAttr
//===----------------------------------------------------------------------===//

static ParseResult parseDoubleList(AsmParser &parser,
                                   SmallVectorImpl<double> &values) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
    return parser.parseFloat(values.emplace_back());
  });
}

/// Parses `name = <float>` when the next clause is `name`.
static ParseResult parseOptionalNamedFloat(AsmParser &parser, StringRef name,
                                           std::optional<APFloat> &value) {
  if (failed(parser.parseOptionalKeyword(name)))
    return success();
  double parsed;
  if (parser.parseEqual() || parser.parseFloat(parsed))
    return failure();
  value = APFloat(parsed);
  return success();
}

Attribute SmoothingAttr::parse(AsmParser &parser, Type) {
  StringRef methodName;
  SMLoc methodLoc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseKeyword(&methodName) ||
      parser.parseComma())
    return {};
  std::optional<SmoothingMethod> method = symbolizeSmoothingMethod(methodName);
  if (!method) {
    parser.emitError(methodLoc, "expected a smoothing method (manual, "
                                "smoothquant or os_plus), got '")
        << methodName << "'";
    return {};
  }
  std::optional<APFloat> alpha, threshold;
  if (parseOptionalNamedFloat(parser, "alpha", alpha) ||
      (alpha && parser.parseComma()) ||
      parseOptionalNamedFloat(parser, "threshold", threshold) ||
      (threshold && parser.parseComma()))
    return {};
  SmallVector<double> scales, shifts;
  if (parser.parseKeyword("scales") || parser.parseEqual() ||
      parseDoubleList(parser, scales))
    return {};
  bool hasShifts = false, folded = false;
  while (succeeded(parser.parseOptionalComma())) {
    if (succeeded(parser.parseOptionalKeyword("folded"))) {
      folded = true;
      break;
    }
    if (hasShifts || parser.parseKeyword("shifts") || parser.parseEqual() ||
        parseDoubleList(parser, shifts))
      return {};
    hasShifts = true;
  }
  if (parser.parseGreater())
    return {};
  MLIRContext *context = parser.getContext();
  return parser.getChecked<SmoothingAttr>(
      context, *method, alpha, threshold,
      DenseF64ArrayAttr::get(context, scales),
      hasShifts ? DenseF64ArrayAttr::get(context, shifts) : DenseF64ArrayAttr(),
      folded);
}

void SmoothingAttr::print(AsmPrinter &printer) const {
  auto printList = [&](DenseF64ArrayAttr values) {
    printer << '[';
    llvm::interleaveComma(values.asArrayRef(), printer,
                          [&](double v) { printDouble(printer, v); });
    printer << ']';
  };
  printer << '<' << stringifySmoothingMethod(getMethod()) << ", ";
  if (getAlpha()) {
    printer << "alpha = ";
    printDouble(printer, getAlpha()->convertToDouble());
    printer << ", ";
  }
  if (getThreshold()) {
    printer << "threshold = ";
    printDouble(printer, getThreshold()->convertToDouble());
    printer << ", ";
  }
  printer << "scales = ";
  printList(getScales());
  if (getShifts()) {
    printer << ", shifts = ";
    printList(getShifts());
  }
  if (getFolded())
    printer << ", folded";
  printer << '>';
}

LogicalResult
SmoothingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      SmoothingMethod method, std::optional<APFloat> alpha,
                      std::optional<APFloat> threshold,
                      DenseF64ArrayAttr scales, DenseF64ArrayAttr shifts,
                      bool) {
  if (alpha && method != SmoothingMethod::smoothquant)
    return emitError() << "'alpha' belongs to the smoothquant method";
  if (threshold && method != SmoothingMethod::os_plus)
    return emitError() << "'threshold' belongs to the os_plus method";
  if (alpha && !(alpha->convertToDouble() >= 0.0 &&
                 alpha->convertToDouble() <= 1.0))
    return emitError() << "expected alpha in [0, 1], got "
                       << alpha->convertToDouble();
  if (threshold && !(threshold->convertToDouble() > 0.0 &&
                     std::isfinite(threshold->convertToDouble())))
    return emitError() << "expected a finite threshold > 0, got "
                       << threshold->convertToDouble();
  if (!scales || scales.empty())
    return emitError() << "expected at least one scale";
  for (auto [channel, scale] : llvm::enumerate(scales.asArrayRef()))
    if (!(scale > 0.0 && std::isfinite(scale)))
      return emitError() << "expected finite scales > 0, got " << scale
                         << " in channel " << channel;
  if (!shifts)
    return success();
  if (shifts.size() != scales.size())
    return emitError() << "expected one shift per scale, got " << shifts.size()
                       << " shifts for " << scales.size() << " scales";
  for (auto [channel, shift] : llvm::enumerate(shifts.asArrayRef()))
    if (!std::isfinite(shift))
      return emitError() << "expected finite shifts, got " << shift
                         << " in channel " << channel;
  return success();
}

SmoothingAttr SmoothingAttr::withFolded() const {
  return SmoothingAttr::get(getContext(), getMethod(), getAlpha(),
                            getThreshold(), getScales(), getShifts(),
                            /*folded=*/true);
}

//===----------------------------------------------------------------------===//
// OutlierSplitAttr
//===----------------------------------------------------------------------===//

LogicalResult
OutlierSplitAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         SplitTarget, ArrayRef<int64_t> channels) {
  if (channels.empty())
    return emitError() << "expected at least one split channel";
  for (int64_t channel : channels)
    if (channel < 0)
      return emitError() << "expected channel numbers >= 0, got " << channel;
  return success();
}

//===----------------------------------------------------------------------===//
// Generated definitions
//===----------------------------------------------------------------------===//

#define GET_ATTRDEF_CLASSES
#include "qc/IR/QCAttrs.cpp.inc"

void QCDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qc/IR/QCAttrs.cpp.inc"
      >();
}

//===- QCDialect.cpp - qc dialect registration and attribute checks -------===//

#include "qc/IR/QC.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::qc;

#include "qc/IR/QCDialect.cpp.inc"
#include "qc/IR/QCEnums.cpp.inc"

void QCDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "qc/IR/QCOps.cpp.inc"
      >();
}

/// Folded qc ops produce plain integer or float tensors.
Operation *QCDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || !arith::ConstantOp::isBuildableWith(typed, type))
    return nullptr;
  return arith::ConstantOp::create(builder, loc, type, typed);
}

//===----------------------------------------------------------------------===//
// Discardable attributes: qc.scheme, qc.stats, qc.bitwidth, qc.keep_float
//===----------------------------------------------------------------------===//

/// Checks that an axis named by an annotation exists in the annotated value
/// (a shaped value; unranked ones cannot be checked), and that a per-axis
/// list has one entry per index of a static axis.
static LogicalResult verifyAxisInRange(function_ref<InFlightDiagnostic()> emitError,
                                       StringRef attrName,
                                       std::optional<int64_t> axis, Type type,
                                       std::optional<size_t> perAxisEntries) {
  if (!axis)
    return success();
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return emitError() << "'" << attrName << "' names axis " << *axis
                       << " of a value that is not shaped: " << type;
  if (!shaped.hasRank())
    return success();
  if (*axis >= shaped.getRank())
    return emitError() << "'" << attrName << "' names axis " << *axis
                       << " of a value of rank " << shaped.getRank();
  int64_t dimSize = shaped.getDimSize(*axis);
  if (perAxisEntries && !ShapedType::isDynamic(dimSize) &&
      static_cast<int64_t>(*perAxisEntries) != dimSize)
    return emitError() << "'" << attrName << "' has " << *perAxisEntries
                       << " entries for axis " << *axis << " of size "
                       << dimSize;
  return success();
}

/// Checks one value annotation (scheme or stats) against the value's type.
static LogicalResult
verifyValueAnnotation(function_ref<InFlightDiagnostic()> emitError,
                      StringRef attrName, Attribute attr, Type valueType) {
  if (auto scheme = dyn_cast<SchemeAttr>(attr);
      scheme && attrName == QCDialect::kSchemeAttrName)
    return verifyAxisInRange(emitError, attrName, scheme.getAxis(), valueType,
                             /*perAxisEntries=*/std::nullopt);
  if (auto stats = dyn_cast<StatsAttr>(attr);
      stats && attrName == QCDialect::kStatsAttrName) {
    std::optional<size_t> entries;
    if (DenseF64ArrayAttr channelMin = stats.getChannelMin())
      entries = channelMin.size();
    return verifyAxisInRange(emitError, attrName, stats.getChannelAxis(),
                             valueType, entries);
  }
  return emitError() << "'" << attrName << "' expects a #" << attrName
                     << " attribute, got " << attr;
}

LogicalResult QCDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attribute) {
  StringRef name = attribute.getName().strref();
  Attribute attr = attribute.getValue();
  auto emitError = [&] { return op->emitOpError(); };
  if (name == kBitWidthAttrName) {
    if (!isa<BitWidthAttr>(attr))
      return emitError() << "'" << name << "' expects a #qc.bitwidth "
                         << "attribute, got " << attr;
    return success();
  }
  if (name == kBitWidthBudgetAttrName) {
    if (!isa<BitWidthBudgetAttr>(attr))
      return emitError() << "'" << name << "' expects a #qc.bitwidth_budget "
                         << "attribute, got " << attr;
    return success();
  }
  if (name == kSmoothingAttrName) {
    if (!isa<SmoothingAttr>(attr))
      return emitError() << "'" << name << "' expects a #qc.smoothing "
                         << "attribute, got " << attr;
    return success();
  }
  if (name == kOutlierSplitAttrName) {
    if (!isa<OutlierSplitAttr>(attr))
      return emitError() << "'" << name << "' expects a #qc.outlier_split "
                         << "attribute, got " << attr;
    return success();
  }
  if (name == kKeepFloatAttrName) {
    if (!isa<UnitAttr>(attr))
      return emitError() << "'" << name << "' is a unit attribute, got "
                         << attr;
    return success();
  }
  if (name != kSchemeAttrName && name != kStatsAttrName)
    return emitError() << "unknown qc attribute '" << name
                       << "'; expected qc.scheme, qc.stats, qc.bitwidth, "
                          "qc.bitwidth_budget, qc.smoothing, "
                          "qc.outlier_split or qc.keep_float";
  // One annotation for an op with a single result, or one per result.
  if (auto perResult = dyn_cast<ArrayAttr>(attr)) {
    if (perResult.size() != op->getNumResults())
      return emitError() << "'" << name << "' has " << perResult.size()
                         << " entries for " << op->getNumResults()
                         << " results";
    for (auto [entry, result] : llvm::zip_equal(perResult, op->getResults())) {
      // `unit`: no annotation for this result (e.g. an untapped one).
      if (isa<UnitAttr>(entry))
        continue;
      if (failed(verifyValueAnnotation(emitError, name, entry,
                                       result.getType())))
        return failure();
    }
    return success();
  }
  if (op->getNumResults() != 1)
    return emitError() << "'" << name << "' on an op with "
                       << op->getNumResults()
                       << " results must be an array with one entry each";
  return verifyValueAnnotation(emitError, name, attr,
                               op->getResult(0).getType());
}

/// Argument and result attributes of functions annotate one value each.
static LogicalResult verifyFunctionValueAttribute(Operation *op, Type type,
                                                  NamedAttribute attribute) {
  StringRef name = attribute.getName().strref();
  auto emitError = [&] { return op->emitOpError(); };
  if (name != QCDialect::kSchemeAttrName && name != QCDialect::kStatsAttrName)
    return emitError() << "unknown qc value attribute '" << name
                       << "'; expected qc.scheme or qc.stats";
  return verifyValueAnnotation(emitError, name, attribute.getValue(), type);
}

LogicalResult QCDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                  unsigned argIndex,
                                                  NamedAttribute attribute) {
  auto function = dyn_cast<FunctionOpInterface>(op);
  if (!function)
    return op->emitOpError() << "'" << attribute.getName()
                             << "' is only allowed on function arguments";
  return verifyFunctionValueAttribute(op, function.getArgumentTypes()[argIndex],
                                      attribute);
}

LogicalResult QCDialect::verifyRegionResultAttribute(Operation *op, unsigned,
                                                     unsigned resultIndex,
                                                     NamedAttribute attribute) {
  auto function = dyn_cast<FunctionOpInterface>(op);
  if (!function)
    return op->emitOpError() << "'" << attribute.getName()
                             << "' is only allowed on function results";
  return verifyFunctionValueAttribute(op, function.getResultTypes()[resultIndex],
                                      attribute);
}

//===----------------------------------------------------------------------===//
// Enum conversions
//===----------------------------------------------------------------------===//

::qc::numerics::RequantRounding mlir::qc::toNumerics(RequantRounding rounding) {
  using Numerics = ::qc::numerics::RequantRounding;
  switch (rounding) {
  case RequantRounding::gemmlowp:
    return Numerics::Gemmlowp;
  case RequantRounding::single_round:
    return Numerics::SingleRound;
  case RequantRounding::double_round:
    return Numerics::DoubleRound;
  case RequantRounding::inexact_round:
    return Numerics::InexactRound;
  case RequantRounding::half_to_even:
    return Numerics::HalfToEven;
  }
  llvm_unreachable("unknown requant rounding");
}

::qc::numerics::FloatRounding mlir::qc::toNumerics(FloatRounding rounding) {
  switch (rounding) {
  case FloatRounding::half_to_even:
    return ::qc::numerics::FloatRounding::HalfToEven;
  case FloatRounding::half_away_from_zero:
    return ::qc::numerics::FloatRounding::HalfAwayFromZero;
  }
  llvm_unreachable("unknown float rounding");
}

//===----------------------------------------------------------------------===//
// Statistics of values
//===----------------------------------------------------------------------===//

std::optional<StringRef> mlir::qc::getNodeName(Operation *op) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().strref();
  return std::nullopt;
}

StatsAttr mlir::qc::getValueStats(Value value) {
  Attribute attr;
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    if (auto function =
            dyn_cast<FunctionOpInterface>(argument.getOwner()->getParentOp()))
      attr = function.getArgAttr(argument.getArgNumber(),
                                 QCDialect::kStatsAttrName);
  } else {
    attr = value.getDefiningOp()->getAttr(QCDialect::kStatsAttrName);
    if (auto perResult = dyn_cast_or_null<ArrayAttr>(attr))
      attr = perResult[cast<OpResult>(value).getResultNumber()];
  }
  return dyn_cast_or_null<StatsAttr>(attr);
}

void mlir::qc::setValueStats(Value value, StatsAttr stats) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    auto function =
        dyn_cast<FunctionOpInterface>(argument.getOwner()->getParentOp());
    if (!function)
      return;
    if (stats)
      function.setArgAttr(argument.getArgNumber(), QCDialect::kStatsAttrName,
                          stats);
    else
      function.removeArgAttr(argument.getArgNumber(),
                             QCDialect::kStatsAttrName);
    return;
  }
  Operation *producer = value.getDefiningOp();
  if (producer->getNumResults() == 1) {
    if (stats)
      producer->setAttr(QCDialect::kStatsAttrName, stats);
    else
      producer->removeAttr(QCDialect::kStatsAttrName);
    return;
  }
  // Results without statistics hold `unit`; the attribute goes when no
  // result has any.
  Attribute none = UnitAttr::get(producer->getContext());
  SmallVector<Attribute> perResult(producer->getNumResults(), none);
  if (auto existing =
          producer->getAttrOfType<ArrayAttr>(QCDialect::kStatsAttrName))
    perResult.assign(existing.begin(), existing.end());
  perResult[cast<OpResult>(value).getResultNumber()] =
      stats ? Attribute(stats) : none;
  if (llvm::all_of(perResult, [](Attribute entry) {
        return isa<UnitAttr>(entry);
      }))
    producer->removeAttr(QCDialect::kStatsAttrName);
  else
    producer->setAttr(QCDialect::kStatsAttrName,
                      ArrayAttr::get(producer->getContext(), perResult));
}

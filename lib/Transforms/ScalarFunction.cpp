//===- ScalarFunction.cpp - Elementwise functions of one tensor -----------===//

#include "ScalarFunction.h"
#include "QuantizationPlacement.h"

#include "qc/Transforms/ConstantTensor.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <functional>

using namespace mlir;
using namespace mlir::qc;

/// The value every body argument of a linalg.generic takes when QC checks
/// that MLIR's folders evaluate the body.
static constexpr double kProbeValue = 1.0;

static RankedTensorType getFloatTensorType(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !isa<FloatType>(type.getElementType()))
    return {};
  return type;
}

/// The one value of a constant, or nothing for non-constants and constants
/// of several values.
static std::optional<double> getSingleValue(Value value) {
  std::optional<FloatTensor> constant = evaluateFloatConstant(value);
  if (!constant || constant->values.empty() ||
      !llvm::all_equal(constant->values))
    return std::nullopt;
  return constant->values.front();
}

using FunctionOperand = ScalarFunction::Operand;

/// The float operands of `op` (integer operands such as tosa.mul's shift do
/// not take part), or nothing where one is neither a constant of one value
/// nor of the result's shape.
static std::optional<SmallVector<FunctionOperand>>
getFunctionOperands(Operation *op, ValueRange operands) {
  if (op->getNumResults() != 1)
    return std::nullopt;
  RankedTensorType resultType = getFloatTensorType(op->getResult(0));
  if (!resultType || !resultType.hasStaticShape())
    return std::nullopt;
  SmallVector<FunctionOperand> result;
  for (Value operand : operands) {
    RankedTensorType type = getFloatTensorType(operand);
    if (!type)
      continue;
    std::optional<double> constant = getSingleValue(operand);
    if (!constant && type.getShape() != resultType.getShape())
      return std::nullopt;
    result.push_back({operand, constant});
  }
  return result;
}

/// f(operands) for TOSA's elementwise float ops, on the float operands in
/// order (tosa.negate's zero points are constants of 0 after x).
static std::optional<double> evaluateTosa(Operation *op,
                                          ArrayRef<double> in) {
  return llvm::TypeSwitch<Operation *, std::optional<double>>(op)
      .Case([&](tosa::AddOp) { return in[0] + in[1]; })
      .Case([&](tosa::SubOp) { return in[0] - in[1]; })
      .Case([&](tosa::MulOp) { return in[0] * in[1]; })
      .Case([&](tosa::MaximumOp) { return std::fmax(in[0], in[1]); })
      .Case([&](tosa::MinimumOp) { return std::fmin(in[0], in[1]); })
      .Case([&](tosa::PowOp) { return std::pow(in[0], in[1]); })
      .Case([&](tosa::ClampOp clamp) -> std::optional<double> {
        auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
        auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
        if (!lo || !hi)
          return std::nullopt;
        return std::fmin(std::fmax(in[0], lo.getValueAsDouble()),
                         hi.getValueAsDouble());
      })
      .Case([&](tosa::NegateOp) { return -in[0]; })
      .Case([&](tosa::ReciprocalOp) { return 1.0 / in[0]; })
      .Case([&](tosa::RsqrtOp) { return 1.0 / std::sqrt(in[0]); })
      .Case([&](tosa::ExpOp) { return std::exp(in[0]); })
      .Case([&](tosa::LogOp) { return std::log(in[0]); })
      .Case([&](tosa::SigmoidOp) { return 1.0 / (1.0 + std::exp(-in[0])); })
      .Case([&](tosa::TanhOp) { return std::tanh(in[0]); })
      .Case([&](tosa::ErfOp) { return std::erf(in[0]); })
      .Case([&](tosa::AbsOp) { return std::fabs(in[0]); })
      .Case([&](tosa::FloorOp) { return std::floor(in[0]); })
      .Case([&](tosa::CeilOp) { return std::ceil(in[0]); })
      .Case([&](tosa::CosOp) { return std::cos(in[0]); })
      .Case([&](tosa::SinOp) { return std::sin(in[0]); })
      .Default([](Operation *) { return std::nullopt; });
}

/// The body of an elementwise linalg.generic on the input elements `in`,
/// folded op by op (so the arithmetic is MLIR's own folders').
static std::optional<double> evaluateGeneric(linalg::GenericOp op,
                                             ArrayRef<double> in) {
  Block &body = op.getRegion().front();
  DenseMap<Value, Attribute> constants;
  for (auto [argument, x] : llvm::zip(body.getArguments(), in))
    constants[argument] =
        FloatAttr::get(cast<FloatType>(argument.getType()), x);
  auto lookup = [&](Value value) -> Attribute {
    if (Attribute known = constants.lookup(value))
      return known;
    Attribute constant;
    if (matchPattern(value, m_Constant(&constant)))
      return constant;
    return {};
  };
  for (Operation &bodyOp : body.without_terminator()) {
    SmallVector<Attribute> operands;
    for (Value operand : bodyOp.getOperands()) {
      operands.push_back(lookup(operand));
      if (!operands.back())
        return std::nullopt;
    }
    SmallVector<OpFoldResult> results;
    if (bodyOp.getNumResults() != 1 ||
        failed(bodyOp.fold(operands, results)) || results.size() != 1)
      return std::nullopt;
    Attribute result = dyn_cast<Attribute>(results.front());
    if (!result)
      result = lookup(cast<Value>(results.front()));
    if (!result)
      return std::nullopt;
    constants[bodyOp.getResult(0)] = result;
  }
  auto yielded =
      dyn_cast_or_null<FloatAttr>(lookup(body.getTerminator()->getOperand(0)));
  if (!yielded)
    return std::nullopt;
  return yielded.getValueAsDouble();
}

/// Whether `op` is a generic QC reads as a scalar function: parallel, of
/// identity maps, one init the body does not read, float inputs.
static bool isElementwiseGeneric(linalg::GenericOp op) {
  return op.getNumDpsInits() == 1 && op.getNumDpsInputs() >= 1 &&
         op.isAllParallelLoops() &&
         llvm::all_of(op.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); }) &&
         op.getRegion().front().getArguments().back().use_empty();
}

static std::optional<double> evaluateOp(Operation *op, ArrayRef<double> in) {
  if (auto generic = dyn_cast<linalg::GenericOp>(op))
    return evaluateGeneric(generic, in);
  return evaluateTosa(op, in);
}

/// The operands `op` is evaluated on: a generic's inputs, a TOSA op's
/// operands.
static ValueRange getEvaluatedOperands(Operation *op) {
  if (auto generic = dyn_cast<linalg::GenericOp>(op))
    return generic.getDpsInputs();
  return op->getOperands();
}

bool mlir::qc::isScalarFunctionOp(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (generic ? !isElementwiseGeneric(generic)
              : !isa<tosa::AddOp, tosa::SubOp, tosa::MulOp, tosa::MaximumOp,
                     tosa::MinimumOp, tosa::PowOp, tosa::ClampOp,
                     tosa::NegateOp, tosa::ReciprocalOp, tosa::RsqrtOp,
                     tosa::ExpOp, tosa::LogOp, tosa::SigmoidOp, tosa::TanhOp,
                     tosa::ErfOp, tosa::AbsOp, tosa::FloorOp, tosa::CeilOp,
                     tosa::CosOp, tosa::SinOp>(op))
    return false;
  std::optional<SmallVector<FunctionOperand>> operands =
      getFunctionOperands(op, getEvaluatedOperands(op));
  if (!operands || operands->empty())
    return false;
  if (!generic)
    return true;
  // Folders decline some ops (and some types): a generic counts only if its
  // body evaluates.
  SmallVector<double> probe(operands->size(), kProbeValue);
  return evaluateGeneric(generic, probe).has_value();
}

std::optional<ScalarFunction> ScalarFunction::get(Value root) {
  Operation *producer = root.getDefiningOp();
  if (!producer || !isScalarFunctionOp(producer))
    return std::nullopt;
  Value source;
  SmallVector<Step> steps;
  llvm::DenseSet<Operation *> visited;
  // Post order: an op after the producers of its operands. The walk is as
  // deep as the function is long (a few ops).
  std::function<bool(Operation *)> visit = [&](Operation *op) {
    if (!visited.insert(op).second)
      return true;
    SmallVector<FunctionOperand> operands =
        *getFunctionOperands(op, getEvaluatedOperands(op));
    for (const FunctionOperand &operand : operands) {
      if (operand.constant)
        continue;
      Operation *definer = operand.value.getDefiningOp();
      if (definer && isScalarFunctionOp(definer)) {
        if (!visit(definer))
          return false;
        continue;
      }
      if (source && source != operand.value)
        return false; // A second tensor: not a function of one.
      source = operand.value;
    }
    steps.push_back({op, std::move(operands)});
    return true;
  };
  if (!visit(producer) || !source)
    return std::nullopt;
  return ScalarFunction(source, root, std::move(steps));
}

SmallVector<Operation *> ScalarFunction::getOps() const {
  return llvm::map_to_vector(steps, [](const Step &step) { return step.op; });
}

std::optional<double> ScalarFunction::evaluate(double x) const {
  DenseMap<Value, double> values;
  values[source] = x;
  for (const Step &step : steps) {
    SmallVector<double> in;
    for (const FunctionOperand &operand : step.operands)
      in.push_back(operand.constant ? *operand.constant
                                    : values.lookup(operand.value));
    std::optional<double> result = evaluateOp(step.op, in);
    if (!result)
      return std::nullopt;
    values[step.op->getResult(0)] = *result;
  }
  return values.lookup(root);
}

bool ScalarFunction::isRequantization() const {
  SmallVector<Operation *> ops = getOps();
  if (ops.size() == 1 && isa<linalg::GenericOp>(ops.front()))
    return false;
  return llvm::all_of(ops, absorbsAccumulator);
}

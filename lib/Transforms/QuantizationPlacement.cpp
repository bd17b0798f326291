//===- QuantizationPlacement.cpp - Where quantization pairs go ------------===//

#include "QuantizationPlacement.h"
#include "ChannelAxis.h"
#include "ScalarFunction.h"

#include "qc/IR/QC.h"
#include "qc/Transforms/ConstantTensor.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::qc;

/// The bits of the activations a table reads and writes (256 entries).
static constexpr unsigned kTableInputBits = 8;
/// The channel axis of a depthwise convolution's NHWC input.
static constexpr int64_t kDepthwiseInputChannelAxis = 3;

static bool isFloatTensor(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && isa<FloatType>(type.getElementType());
}

bool mlir::qc::isDataMovement(Operation *op) {
  return isa<tosa::TransposeOp, tosa::ReshapeOp, tosa::SliceOp, tosa::TileOp,
             tosa::MaxPool2dOp, tosa::ReverseOp, tosa::IdentityOp,
             tensor::ExtractSliceOp>(op);
}

bool mlir::qc::isConstantExpression(Value value) {
  return evaluateFloatConstant(value).has_value();
}

/// Whether `value` is a constant of positive factors, one for the tensor or
/// one per channel: multiplying by it only changes scales.
static bool isPositiveChannelScale(Value value) {
  std::optional<FloatTensor> constant = evaluateFloatConstant(value);
  if (!constant || constant->values.empty() ||
      !llvm::all_of(constant->values, [](float factor) { return factor > 0.0f; }))
    return false;
  return llvm::all_equal(constant->values) ||
         getSingleVaryingAxis(constant->shape).has_value();
}

bool mlir::qc::absorbsAccumulator(Operation *op) {
  if (isa<tosa::ClampOp>(op))
    return true;
  if (isa<tosa::AddOp>(op))
    return llvm::any_of(op->getOperands(), isConstantExpression);
  if (isa<tosa::MulOp>(op))
    return llvm::any_of(op->getOperands(), isPositiveChannelScale);
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1)
    return false;
  // A body of max/min by constants only (ReLU, Clip), or one
  // multiplication or division by a positive constant.
  Block &body = generic.getRegion().front();
  auto isConstant = [](Value operand) {
    return matchPattern(operand, m_Constant());
  };
  auto isPositiveConstant = [](Value operand) {
    FloatAttr constant;
    return matchPattern(operand, m_Constant(&constant)) &&
           constant.getValueAsDouble() > 0.0;
  };
  if (body.getOperations().size() == 2) {
    if (auto multiply = dyn_cast<arith::MulFOp>(body.front()))
      return llvm::any_of(multiply->getOperands(), isPositiveConstant);
    if (auto divide = dyn_cast<arith::DivFOp>(body.front()))
      return isPositiveConstant(divide.getRhs());
  }
  return !body.without_terminator().empty() &&
         llvm::all_of(body.without_terminator(), [&](Operation &bodyOp) {
           return isa<arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
                      arith::MinNumFOp>(bodyOp) &&
                  llvm::any_of(bodyOp.getOperands(), isConstant);
         });
}

/// Whether every path from `value` through data movement ends in an op
/// that absorbs an accumulator (so `value` needs no requantization yet).
static bool onlyFeedsAbsorbers(Value value) {
  if (value.use_empty())
    return false;
  return llvm::all_of(value.getUsers(), [](Operation *user) {
    if (isDataMovement(user))
      return onlyFeedsAbsorbers(user->getResult(0));
    return absorbsAccumulator(user);
  });
}

/// Whether `op` belongs to the model's float tail: it has no integer form
/// (not a convolution, matmul or accumulator absorber) and everything it
/// feeds is the function's return or the tail too (e.g. a final Softmax).
/// The tail runs in float after the last dequantize.
static bool isInFloatTail(Operation *op) {
  if (op->hasTrait<OpTrait::ReturnLike>())
    return true;
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp,
          QuantizeOp>(op) ||
      absorbsAccumulator(op))
    return false;
  return llvm::all_of(op->getUsers(), isInFloatTail);
}

/// The value data movement ops read `value` from.
static Value getViewRoot(Value value) {
  Operation *producer = value.getDefiningOp();
  while (producer && isDataMovement(producer)) {
    value = producer->getOperand(0);
    producer = value.getDefiningOp();
  }
  return value;
}

/// Whether `value`, seen through data movement, gets a pair.
static bool isQuantizedView(Value value, const PlacementOptions &options) {
  return needsQuantization(getViewRoot(value), options);
}

/// The values computed from `source` by scalar functions of `source` alone.
static llvm::SetVector<Value> getFunctionValues(Value source) {
  llvm::SetVector<Value> values;
  SmallVector<Value> worklist = {source};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (!isScalarFunctionOp(user) || values.contains(user->getResult(0)))
        continue;
      std::optional<ScalarFunction> function =
          ScalarFunction::get(user->getResult(0));
      if (function && function->getSource() == source) {
        values.insert(user->getResult(0));
        worklist.push_back(user->getResult(0));
      }
    }
  }
  return values;
}

/// The activation bits the user set on `value`'s producer (#qc.scheme).
static std::optional<unsigned> getSchemeBits(Value value) {
  Operation *producer = value.getDefiningOp();
  if (!producer)
    return std::nullopt;
  if (auto scheme =
          producer->getAttrOfType<SchemeAttr>(QCDialect::kSchemeAttrName))
    return scheme.getBits();
  return std::nullopt;
}

/// Whether `value` lies inside a function of one quantized 8-bit tensor
/// that qc-lower-to-integer tabulates: computed from it by scalar-function
/// ops and read only by more of them. The function's outputs get pairs:
/// values read elsewhere, and values whose producer carries a #qc.scheme
/// (the user's decision stands). Where an output is also read inside, the
/// table would read its own rounding, and where an output is not 8-bit
/// there is no table, so such functions keep a pair per value.
static bool isInsideTabulatedFunction(Value value,
                                      const PlacementOptions &options) {
  std::optional<ScalarFunction> function = ScalarFunction::get(value);
  if (!function || !isQuantizedView(function->getSource(), options))
    return false;
  Value source = function->getSource();
  auto isEightBit = [](Value member) {
    return getSchemeBits(member).value_or(kTableInputBits) == kTableInputBits;
  };
  if (!isEightBit(getViewRoot(source)))
    return false;
  llvm::SetVector<Value> values = getFunctionValues(source);
  auto isInside = [&](Operation *user) {
    return user->getNumResults() == 1 && values.contains(user->getResult(0));
  };
  auto isOutput = [&](Value member) {
    return getSchemeBits(member) || !llvm::all_of(member.getUsers(), isInside);
  };
  for (Value member : values)
    if (isOutput(member) && (!isEightBit(member) ||
                             llvm::any_of(member.getUsers(), isInside)))
      return false;
  return !value.use_empty() && !isOutput(value);
}

bool mlir::qc::needsQuantization(Value value,
                                 const PlacementOptions &options) {
  if (!isFloatTensor(value) || isConstantExpression(value) ||
      (options.tabulateFunctions && isInsideTabulatedFunction(value, options)))
    return false;
  if (Operation *producer = value.getDefiningOp()) {
    // Ops of no operands (tensor.empty) compute nothing to quantize.
    if (producer->getNumOperands() == 0 || isDataMovement(producer) ||
        isa<DequantizeOp>(producer) || isInFloatTail(producer))
      return false;
    if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp,
            tosa::AddOp, tosa::MulOp>(producer) &&
        onlyFeedsAbsorbers(value))
      return false;
    if (absorbsAccumulator(producer) && onlyFeedsAbsorbers(value))
      return false;
  }
  return !value.use_empty();
}


std::optional<int64_t> mlir::qc::getDepthwiseInputAxis(Value value) {
  std::optional<int64_t> axis;
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    std::optional<int64_t> useAxis;
    if (isa<tosa::DepthwiseConv2DOp>(user) && use.getOperandNumber() == 0)
      useAxis = kDepthwiseInputChannelAxis;
    else if (isa<tosa::TransposeOp, tosa::ReshapeOp, tosa::IdentityOp>(user) &&
             use.getOperandNumber() == 0)
      if (std::optional<int64_t> resultAxis =
              getDepthwiseInputAxis(user->getResult(0)))
        useAxis = getViewSourceAxis(user, *resultAxis);
    if (!useAxis || (axis && *axis != *useAxis))
      return std::nullopt;
    axis = useAxis;
  }
  return axis;
}

bool mlir::qc::isFusableAccumulator(Value value) {
  Operation *producer = value.getDefiningOp();
  while (producer && isDataMovement(producer)) {
    value = producer->getOperand(0);
    if (!value.hasOneUse())
      return false;
    producer = value.getDefiningOp();
  }
  if (auto multiply = dyn_cast_if_present<tosa::MulOp>(producer))
    return !isConstantExpression(multiply.getInput1()) &&
           !isConstantExpression(multiply.getInput2());
  return isa_and_present<tosa::Conv2DOp, tosa::DepthwiseConv2DOp,
                         tosa::MatMulOp>(producer);
}

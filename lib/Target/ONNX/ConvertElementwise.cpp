//===- ConvertElementwise.cpp - ONNX elementwise ops ----------------------===//
//
// Unary and broadcasting binary/variadic ops. TOSA where it has the op with
// ONNX's semantics; otherwise an elementwise linalg.generic whose body is the
// exact arith/math formula (float division, mixed-type and integer powers,
// square root, negation, rounding, and the activation formulas with attributes).
//
//===----------------------------------------------------------------------===//

#include "GraphBuilders.h"
#include "NodeImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::qc::onnx;

//===----------------------------------------------------------------------===//
// TOSA unary and binary ops
//===----------------------------------------------------------------------===//

template <typename TosaOp>
static LogicalResult convertTosaUnary(NodeImporter &importer) {
  FailureOr<Value> input = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(input) || failed(type))
    return failure();
  return importer.setResult(TosaOp::create(importer.getBuilder(),
                                           importer.getLoc(), *type, *input));
}

/// Creates a broadcasting TOSA binary op (tosa.mul takes a zero shift).
template <typename TosaOp>
static Value createTosaBinary(NodeImporter &importer, RankedTensorType type,
                              Value lhs, Value rhs) {
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  if constexpr (std::is_same_v<TosaOp, tosa::MulOp>) {
    auto shiftType = RankedTensorType::get({1}, builder.getI8Type());
    Value shift = buildSplat(builder, loc, shiftType, 0);
    return tosa::MulOp::create(builder, loc, type, lhs, rhs, shift);
  } else {
    return TosaOp::create(builder, loc, type, lhs, rhs);
  }
}

template <typename TosaOp>
static LogicalResult convertTosaBinary(NodeImporter &importer) {
  FailureOr<Value> lhs = importer.getRequiredOperand(0);
  FailureOr<Value> rhs = importer.getRequiredOperand(1);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(lhs) || failed(rhs) || failed(type) ||
      failed(equalizeRanks(importer, *lhs, *rhs)))
    return failure();
  return importer.setResult(
      createTosaBinary<TosaOp>(importer, *type, *lhs, *rhs));
}

/// Max and Min take one or more inputs: a left fold of the binary op.
template <typename TosaOp>
static LogicalResult convertTosaVariadic(NodeImporter &importer) {
  FailureOr<Value> accumulated = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(accumulated) || failed(type))
    return failure();
  Value result = expandToRank(importer.getBuilder(), importer.getLoc(),
                              *accumulated, type->getRank());
  for (unsigned i = 1; i < importer.getNumOperands(); ++i) {
    FailureOr<Value> next = importer.getRequiredOperand(i);
    if (failed(next))
      return failure();
    Value operand = expandToRank(importer.getBuilder(), importer.getLoc(),
                                 *next, type->getRank());
    result = createTosaBinary<TosaOp>(importer, *type, result, operand);
  }
  return importer.setResult(result);
}

static LogicalResult convertEqual(NodeImporter &importer) {
  return convertTosaBinary<tosa::EqualOp>(importer);
}

static LogicalResult convertWhere(NodeImporter &importer) {
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(type))
    return failure();
  SmallVector<Value> operands;
  for (unsigned i = 0; i < 3; ++i) {
    FailureOr<Value> operand = importer.getRequiredOperand(i);
    if (failed(operand))
      return failure();
    operands.push_back(expandToRank(importer.getBuilder(), importer.getLoc(),
                                    *operand, type->getRank()));
  }
  return importer.setResult(
      tosa::SelectOp::create(importer.getBuilder(), importer.getLoc(), *type,
                             operands[0], operands[1], operands[2]));
}

//===----------------------------------------------------------------------===//
// Formulas as elementwise linalg.generic
//===----------------------------------------------------------------------===//

/// Converts a node whose result is `formula` of its (broadcast) inputs.
static LogicalResult
convertFormula(NodeImporter &importer, unsigned numInputs,
               function_ref<Value(OpBuilder &, Location, ValueRange)> formula) {
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(type))
    return failure();
  SmallVector<Value> operands;
  for (unsigned i = 0; i < numInputs; ++i) {
    FailureOr<Value> operand = importer.getRequiredOperand(i);
    if (failed(operand))
      return failure();
    operands.push_back(*operand);
  }
  return importer.setResult(buildBroadcastElementwise(
      importer.getBuilder(), importer.getLoc(), *type, operands, formula));
}

static bool isFloat(Value value) { return isa<FloatType>(value.getType()); }

static LogicalResult convertDiv(NodeImporter &importer) {
  return convertFormula(importer, 2, [](OpBuilder &b, Location loc,
                                        ValueRange x) -> Value {
    if (isFloat(x[0]))
      return arith::DivFOp::create(b, loc, x[0], x[1]);
    return arith::DivSIOp::create(b, loc, x[0], x[1]);
  });
}

static LogicalResult convertNeg(NodeImporter &importer) {
  return convertFormula(importer, 1, [](OpBuilder &b, Location loc,
                                        ValueRange x) -> Value {
    if (isFloat(x[0]))
      return arith::NegFOp::create(b, loc, x[0]);
    Value zero = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(x[0].getType(), 0));
    return arith::SubIOp::create(b, loc, zero, x[0]);
  });
}

/// Pow(T x, T1 y): y converted to T, then powf (float) or ipowi (integer);
/// TOSA's pow is float-only and takes equal types.
static LogicalResult convertPow(NodeImporter &importer) {
  const ::qc::onnx_import::TensorInfo *exponentInfo = importer.getInputInfo(1);
  bool exponentUnsigned = exponentInfo && isUnsigned(exponentInfo->type);
  return convertFormula(importer, 2, [&](OpBuilder &b, Location loc,
                                         ValueRange x) -> Value {
    Type type = x[0].getType();
    Value exponent = buildElementCast(b, loc, x[1], exponentUnsigned, type,
                                      /*targetUnsigned=*/false);
    if (isFloat(x[0]))
      return math::PowFOp::create(b, loc, x[0], exponent);
    return math::IPowIOp::create(b, loc, x[0], exponent);
  });
}

static LogicalResult convertSqrt(NodeImporter &importer) {
  return convertFormula(importer, 1, [](OpBuilder &b, Location loc,
                                        ValueRange x) -> Value {
    return math::SqrtOp::create(b, loc, x[0]);
  });
}

/// Round: to the nearest integer, ties to even.
static LogicalResult convertRound(NodeImporter &importer) {
  return convertFormula(importer, 1, [](OpBuilder &b, Location loc,
                                        ValueRange x) -> Value {
    return math::RoundEvenOp::create(b, loc, x[0]);
  });
}

static LogicalResult convertRelu(NodeImporter &importer) {
  return convertFormula(importer, 1, [](OpBuilder &b, Location loc,
                                        ValueRange x) -> Value {
    Value zero = buildScalarFloat(b, loc, x[0].getType(), 0.0);
    return arith::MaximumFOp::create(b, loc, x[0], zero);
  });
}

static LogicalResult convertLeakyRelu(NodeImporter &importer) {
  constexpr float kDefaultAlpha = 0.01f;
  float alpha = importer.getFloat("alpha", kDefaultAlpha);
  return convertFormula(importer, 1, [&](OpBuilder &b, Location loc,
                                         ValueRange x) -> Value {
    Type type = x[0].getType();
    Value zero = buildScalarFloat(b, loc, type, 0.0);
    Value alphaValue = buildScalarFloat(b, loc, type, alpha);
    Value scaled = arith::MulFOp::create(b, loc, x[0], alphaValue);
    Value negative = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                           x[0], zero);
    return arith::SelectOp::create(b, loc, negative, scaled, x[0]);
  });
}

/// max(0, min(1, alpha * x + beta)).
static Value buildHardSigmoid(OpBuilder &b, Location loc, Value x, float alpha,
                              float beta) {
  Type type = x.getType();
  Value alphaValue = buildScalarFloat(b, loc, type, alpha);
  Value betaValue = buildScalarFloat(b, loc, type, beta);
  Value one = buildScalarFloat(b, loc, type, 1.0);
  Value zero = buildScalarFloat(b, loc, type, 0.0);
  Value linear = arith::AddFOp::create(
      b, loc, arith::MulFOp::create(b, loc, x, alphaValue), betaValue);
  Value upper = arith::MinimumFOp::create(b, loc, linear, one);
  return arith::MaximumFOp::create(b, loc, upper, zero);
}

static LogicalResult convertHardSigmoid(NodeImporter &importer) {
  constexpr float kDefaultAlpha = 0.2f, kDefaultBeta = 0.5f;
  float alpha = importer.getFloat("alpha", kDefaultAlpha);
  float beta = importer.getFloat("beta", kDefaultBeta);
  return convertFormula(importer, 1, [&](OpBuilder &b, Location loc,
                                         ValueRange x) -> Value {
    return buildHardSigmoid(b, loc, x[0], alpha, beta);
  });
}

static LogicalResult convertHardSwish(NodeImporter &importer) {
  // ONNX: x * HardSigmoid(x) with alpha = 1/6, beta = 0.5.
  constexpr float kAlpha = 1.0f / 6.0f, kBeta = 0.5f;
  return convertFormula(importer, 1, [&](OpBuilder &b, Location loc,
                                         ValueRange x) -> Value {
    return arith::MulFOp::create(b, loc, x[0],
                                 buildHardSigmoid(b, loc, x[0], kAlpha, kBeta));
  });
}

/// Clip: min(max(x, lo), hi); bounds from attributes before opset 11, from
/// optional inputs since.
namespace {
/// A Clip bound: a constant folded into the formula, or an input.
struct ClipBound {
  std::optional<Attribute> constant;
  Value input;
  explicit operator bool() const { return constant || input; }
};
} // namespace

/// Clip bound `index` (opset >= 11) or attribute `name` (before).
static ClipBound readClipBound(NodeImporter &importer, unsigned index,
                               StringRef name, Type elementType) {
  constexpr int64_t kBoundsAsInputsOpset = 11;
  if (importer.getOpset() < kBoundsAsInputsOpset) {
    if (!importer.hasAttribute(name))
      return {};
    return {importer.getBuilder().getFloatAttr(
                elementType, importer.getFloat(name, 0.0f)),
            Value()};
  }
  if (std::optional<DenseElementsAttr> constant =
          importer.getConstantOperand(index);
      constant && constant->getNumElements() == 1)
    return {constant->getSplatValue<Attribute>(), Value()};
  return {std::nullopt, importer.getOperand(index)};
}

/// Clip: max(x, lo) then min(_, hi). Constant bounds are written into the
/// formula, so a Clip reads as a clamp (and fuses into requantization).
static LogicalResult convertClip(NodeImporter &importer) {
  FailureOr<RankedTensorType> type = importer.getResultType();
  FailureOr<Value> input = importer.getRequiredOperand(0);
  if (failed(type) || failed(input))
    return failure();
  Type elementType = type->getElementType();
  ClipBound lo = readClipBound(importer, 1, "min", elementType);
  ClipBound hi = readClipBound(importer, 2, "max", elementType);
  SmallVector<Value> operands = {*input};
  auto addOperand = [&](const ClipBound &bound) {
    if (!bound.input)
      return -1;
    operands.push_back(bound.input);
    return static_cast<int>(operands.size()) - 1;
  };
  int loIndex = addOperand(lo);
  int hiIndex = addOperand(hi);
  return importer.setResult(buildBroadcastElementwise(
      importer.getBuilder(), importer.getLoc(), *type, operands,
      [&](OpBuilder &b, Location bodyLoc, ValueRange x) -> Value {
        auto boundValue = [&](const ClipBound &bound, int index) -> Value {
          if (bound.constant)
            return arith::ConstantOp::create(b, bodyLoc,
                                             cast<TypedAttr>(*bound.constant));
          return x[index];
        };
        Value result = x[0];
        bool floating = isFloat(result);
        if (lo)
          result = floating
                       ? Value(arith::MaximumFOp::create(
                             b, bodyLoc, result, boundValue(lo, loIndex)))
                       : Value(arith::MaxSIOp::create(b, bodyLoc, result,
                                                      boundValue(lo, loIndex)));
        if (hi)
          result = floating
                       ? Value(arith::MinimumFOp::create(
                             b, bodyLoc, result, boundValue(hi, hiIndex)))
                       : Value(arith::MinSIOp::create(b, bodyLoc, result,
                                                      boundValue(hi, hiIndex)));
        return result;
      }));
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void mlir::qc::onnx::registerElementwiseConverters(ConverterRegistry &registry) {
  registry["Abs"] = convertTosaUnary<tosa::AbsOp>;
  registry["Erf"] = convertTosaUnary<tosa::ErfOp>;
  registry["Exp"] = convertTosaUnary<tosa::ExpOp>;
  registry["Log"] = convertTosaUnary<tosa::LogOp>;
  registry["Reciprocal"] = convertTosaUnary<tosa::ReciprocalOp>;
  registry["Sigmoid"] = convertTosaUnary<tosa::SigmoidOp>;
  registry["Tanh"] = convertTosaUnary<tosa::TanhOp>;
  registry["Add"] = convertTosaBinary<tosa::AddOp>;
  registry["Sub"] = convertTosaBinary<tosa::SubOp>;
  registry["Mul"] = convertTosaBinary<tosa::MulOp>;
  registry["Pow"] = convertPow;
  registry["Max"] = convertTosaVariadic<tosa::MaximumOp>;
  registry["Min"] = convertTosaVariadic<tosa::MinimumOp>;
  registry["Equal"] = convertEqual;
  registry["Where"] = convertWhere;
  registry["Div"] = convertDiv;
  registry["Neg"] = convertNeg;
  registry["Sqrt"] = convertSqrt;
  registry["Round"] = convertRound;
  registry["Relu"] = convertRelu;
  registry["LeakyRelu"] = convertLeakyRelu;
  registry["HardSigmoid"] = convertHardSigmoid;
  registry["HardSwish"] = convertHardSwish;
  registry["Clip"] = convertClip;
}

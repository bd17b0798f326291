//===- ConvertResize.cpp - ONNX Resize (nearest, linear) ------------------===//
//
// An elementwise generic over the output: each output coordinate maps back
// to the input by the coordinate transformation mode, then nearest picks one
// input element and linear blends the 2^k neighbours of the k resized axes.
// Coordinates are computed in f32, as onnxruntime does.
//
//===----------------------------------------------------------------------===//

#include "GraphBuilders.h"
#include "NodeImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::qc::onnx;

namespace {
/// The attributes that decide how Resize samples.
struct ResizeMode {
  bool linear = false;
  std::string transform;
  std::string nearest;
};

/// Builds f32 and index arithmetic inside the generic's body.
class ResizeBody {
public:
  ResizeBody(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value f32(double value) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
  }
  Value indexToF32(Value index) {
    Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
    return arith::SIToFPOp::create(b, loc, b.getF32Type(), asInt);
  }
  /// clamp(floor-or-round(x), 0, size - 1) as an index.
  Value toIndex(Value x, int64_t size) {
    Value clamped = arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, x, f32(0.0)),
        f32(static_cast<double>(size - 1)));
    Value asInt = arith::FPToSIOp::create(b, loc, b.getI64Type(), clamped);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), asInt);
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value floor(Value x) { return math::FloorOp::create(b, loc, x); }
  Value ceil(Value x) { return math::CeilOp::create(b, loc, x); }

  /// Input coordinate of output coordinate `x` along an axis. As in the
  /// ONNX reference, the resized length is the unrounded in * scale.
  Value transform(const std::string &mode, Value x, double scale,
                  int64_t inSize) {
    Value s = f32(scale), half = f32(0.5);
    double resizedLength = static_cast<double>(inSize) * scale;
    if (mode == "asymmetric")
      return div(x, s);
    if (mode == "align_corners")
      return resizedLength <= 1.0
                 ? f32(0.0)
                 : mul(x, f32(static_cast<double>(inSize - 1) /
                              (resizedLength - 1.0)));
    if (mode == "tf_half_pixel_for_nn")
      return div(add(x, half), s);
    if (mode == "pytorch_half_pixel" && resizedLength <= 1.0)
      return f32(0.0);
    // half_pixel (and pytorch_half_pixel for longer axes).
    return sub(div(add(x, half), s), half);
  }

  /// The nearest input index under `mode`.
  Value nearest(const std::string &mode, Value x, int64_t inSize) {
    Value rounded;
    if (mode == "floor")
      rounded = floor(x);
    else if (mode == "ceil")
      rounded = ceil(x);
    else if (mode == "round_prefer_ceil")
      rounded = floor(add(x, f32(0.5)));
    else // round_prefer_floor
      rounded = ceil(sub(x, f32(0.5)));
    return toIndex(rounded, inSize);
  }

  OpBuilder &b;
  Location loc;
};
} // namespace

/// The per-axis scales: the `scales` input when given, else output / input.
static FailureOr<SmallVector<double>>
getScales(NodeImporter &importer, RankedTensorType inputType,
          RankedTensorType resultType) {
  constexpr int64_t kRoiInputOpset = 11;
  unsigned scalesIndex = importer.getOpset() < kRoiInputOpset ? 1 : 2;
  SmallVector<double> scales;
  if (std::optional<DenseElementsAttr> given =
          importer.getConstantOperand(scalesIndex);
      given && given->getNumElements() != 0) {
    for (const APFloat &scale : given->getValues<APFloat>())
      scales.push_back(scale.convertToDouble());
  } else {
    for (int64_t dim = 0; dim < inputType.getRank(); ++dim)
      scales.push_back(static_cast<double>(resultType.getDimSize(dim)) /
                       static_cast<double>(inputType.getDimSize(dim)));
  }
  if (static_cast<int64_t>(scales.size()) != inputType.getRank())
    return importer.emitError() << "expected one scale per dimension";
  return scales;
}

static FailureOr<ResizeMode> getMode(NodeImporter &importer) {
  constexpr int64_t kTransformModesOpset = 11;
  ResizeMode mode;
  std::string name = importer.getString("mode", "nearest");
  if (name != "nearest" && name != "linear")
    return importer.emitError() << "mode '" << name
                                << "' is not supported; expected nearest or "
                                   "linear";
  mode.linear = name == "linear";
  // Resize-10 samples asymmetrically and rounds nearest down.
  bool resize10 = importer.getOpset() < kTransformModesOpset;
  mode.transform = resize10 ? "asymmetric"
                            : importer.getString("coordinate_transformation_mode",
                                                 "half_pixel");
  mode.nearest =
      resize10 ? "floor" : importer.getString("nearest_mode", "round_prefer_floor");
  static const char *const kTransforms[] = {
      "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
      "tf_half_pixel_for_nn"};
  if (!llvm::is_contained(kTransforms, mode.transform))
    return importer.emitError() << "coordinate_transformation_mode '"
                                << mode.transform << "' is not supported";
  if (importer.getInt("exclude_outside", 0) != 0 ||
      importer.hasAttribute("axes") ||
      importer.getString("keep_aspect_ratio_policy", "stretch") != "stretch")
    return importer.emitError() << "exclude_outside, axes and "
                                   "keep_aspect_ratio_policy are not supported";
  return mode;
}

static LogicalResult convertResize(NodeImporter &importer) {
  FailureOr<Value> input = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(input) || failed(type))
    return failure();
  auto inputType = cast<RankedTensorType>(input->getType());
  FailureOr<ResizeMode> mode = getMode(importer);
  FailureOr<SmallVector<double>> scales =
      getScales(importer, inputType, *type);
  if (failed(mode) || failed(scales))
    return failure();
  SmallVector<int64_t> resized;
  for (int64_t dim = 0; dim < inputType.getRank(); ++dim)
    if (inputType.getDimSize(dim) != type->getDimSize(dim) ||
        (*scales)[dim] != 1.0)
      resized.push_back(dim);
  constexpr size_t kMaxLinearAxes = 3;
  if (mode->linear && resized.size() > kMaxLinearAxes)
    return importer.emitError() << "linear resize of more than "
                                << kMaxLinearAxes << " axes is not supported";

  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  Value init = tensor::EmptyOp::create(builder, loc, type->getShape(),
                                       type->getElementType());
  SmallVector<utils::IteratorType> iterators(type->getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      builder, loc, TypeRange{*type}, ValueRange{}, ValueRange{init},
      ArrayRef<AffineMap>{builder.getMultiDimIdentityMap(type->getRank())},
      iterators, [&](OpBuilder &b, Location bodyLoc, ValueRange) {
        ResizeBody body(b, bodyLoc);
        SmallVector<Value> position;
        for (int64_t dim = 0; dim < type->getRank(); ++dim)
          position.push_back(linalg::IndexOp::create(b, bodyLoc, dim));
        // Input coordinate of each resized axis.
        SmallVector<Value> coordinates;
        for (int64_t dim : resized)
          coordinates.push_back(body.transform(
              mode->transform, body.indexToF32(position[dim]), (*scales)[dim],
              inputType.getDimSize(dim)));
        Value result;
        if (!mode->linear) {
          for (auto [dim, x] : llvm::zip(resized, coordinates))
            position[dim] =
                body.nearest(mode->nearest, x, inputType.getDimSize(dim));
          result = tensor::ExtractOp::create(b, bodyLoc, *input, position);
        } else {
          // Blend the 2^k corners: corner bit i picks the upper neighbour
          // along resized axis i.
          SmallVector<Value> lower, upper, fraction;
          for (auto [dim, x] : llvm::zip(resized, coordinates)) {
            Value clamped = arith::MaximumFOp::create(b, bodyLoc, x,
                                                      body.f32(0.0));
            Value floor = body.floor(clamped);
            lower.push_back(body.toIndex(floor, inputType.getDimSize(dim)));
            upper.push_back(body.toIndex(body.add(floor, body.f32(1.0)),
                                         inputType.getDimSize(dim)));
            fraction.push_back(body.sub(clamped, floor));
          }
          result = body.f32(0.0);
          for (unsigned corner = 0; corner < (1u << resized.size()); ++corner) {
            Value weight = body.f32(1.0);
            for (auto [i, dim] : llvm::enumerate(resized)) {
              bool up = corner & (1u << i);
              position[dim] = up ? upper[i] : lower[i];
              weight = body.mul(weight, up ? fraction[i]
                                           : body.sub(body.f32(1.0),
                                                      fraction[i]));
            }
            Value element =
                tensor::ExtractOp::create(b, bodyLoc, *input, position);
            result = body.add(result, body.mul(weight, element));
          }
        }
        linalg::YieldOp::create(b, bodyLoc, result);
      });
  return importer.setResult(generic.getResult(0));
}

void mlir::qc::onnx::registerResizeConverters(ConverterRegistry &registry) {
  registry["Resize"] = convertResize;
}

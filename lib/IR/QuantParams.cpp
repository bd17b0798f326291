//===- QuantParams.cpp - Scale and zero point of each element -------------===//

#include "qc/IR/QuantParams.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qc;

FailureOr<QuantLayout> QuantLayout::get(quant::QuantizedType type,
                                        ArrayRef<int64_t> shape) {
  QuantLayout layout;
  layout.blockSizes.assign(shape.begin(), shape.end());
  layout.paramShape.assign(shape.size(), 1);
  return TypeSwitch<Type, FailureOr<QuantLayout>>(type)
      .Case([&](quant::UniformQuantizedType perTensor) -> FailureOr<QuantLayout> {
        layout.scales = {perTensor.getScale()};
        layout.zeroPoints = {perTensor.getZeroPoint()};
        return layout;
      })
      .Case([&](quant::UniformQuantizedPerAxisType perAxis)
                -> FailureOr<QuantLayout> {
        int32_t axis = perAxis.getQuantizedDimension();
        if (axis >= static_cast<int64_t>(shape.size()) ||
            (!ShapedType::isDynamic(shape[axis]) &&
             shape[axis] != static_cast<int64_t>(perAxis.getScales().size())))
          return failure();
        layout.blockSizes[axis] = 1;
        layout.paramShape[axis] = shape[axis];
        llvm::append_range(layout.scales, perAxis.getScales());
        llvm::append_range(layout.zeroPoints, perAxis.getZeroPoints());
        return layout;
      })
      .Case([&](quant::UniformQuantizedSubChannelType subChannel)
                -> FailureOr<QuantLayout> {
        for (auto [dim, blockSize] : subChannel.getBlockSizeInfo()) {
          if (dim >= static_cast<int64_t>(shape.size()) || blockSize <= 0)
            return failure();
          layout.blockSizes[dim] = blockSize;
        }
        auto paramType = cast<ShapedType>(subChannel.getScales().getType());
        if (paramType.getRank() != static_cast<int64_t>(shape.size()))
          return failure();
        for (auto [i, dimSize] : llvm::enumerate(shape)) {
          int64_t blocks = paramType.getDimSize(i);
          if (!ShapedType::isDynamic(dimSize) &&
              blocks * layout.blockSizes[i] != dimSize)
            return failure();
          layout.paramShape[i] = blocks;
        }
        for (APFloat scale : subChannel.getScales().getValues<APFloat>())
          layout.scales.push_back(scale.convertToDouble());
        for (APInt zeroPoint : subChannel.getZeroPoints().getValues<APInt>())
          layout.zeroPoints.push_back(zeroPoint.getSExtValue());
        return layout;
      })
      .Default([](Type) { return failure(); });
}

FailureOr<ElementQuantParams>
ElementQuantParams::get(quant::QuantizedType type, ArrayRef<int64_t> shape) {
  if (ShapedType::isDynamicShape(shape))
    return failure();
  FailureOr<QuantLayout> layout = QuantLayout::get(type, shape);
  if (failed(layout))
    return failure();
  ElementQuantParams params;
  params.shape.assign(shape.begin(), shape.end());
  params.layout = std::move(*layout);
  return params;
}

int64_t ElementQuantParams::paramIndex(int64_t linearIndex) const {
  // Delinearize innermost first, divide each coordinate by its block size and
  // linearize into the parameter tensor.
  int64_t index = 0, paramStride = 1;
  for (int64_t dim = static_cast<int64_t>(shape.size()) - 1; dim >= 0; --dim) {
    int64_t coordinate = linearIndex % shape[dim];
    linearIndex /= shape[dim];
    index += (coordinate / layout.blockSizes[dim]) * paramStride;
    paramStride *= layout.paramShape[dim];
  }
  return index;
}

LogicalResult
mlir::qc::verifyQuantizedTensor(function_ref<InFlightDiagnostic()> emitError,
                                RankedTensorType tensorType, Type floatType) {
  auto quantType = dyn_cast<quant::QuantizedType>(tensorType.getElementType());
  if (!isa_and_present<quant::UniformQuantizedType,
                       quant::UniformQuantizedPerAxisType,
                       quant::UniformQuantizedSubChannelType>(quantType))
    return emitError() << "expected a uniform quantized element type, got "
                       << tensorType.getElementType();
  if (quantType.getExpressedType() != floatType)
    return emitError() << "expected quantized type expressed in " << floatType
                       << ", got " << quantType;
  if (failed(QuantLayout::get(quantType, tensorType.getShape())))
    return emitError() << "quantized type " << quantType
                       << " does not fit the shape of " << tensorType;
  return success();
}

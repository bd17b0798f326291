//===- ShapeFolding.h - Evaluate shape arithmetic at import -----*- C++ -*-===//

#ifndef QC_LIB_TARGET_ONNX_SHAPEFOLDING_H
#define QC_LIB_TARGET_ONNX_SHAPEFOLDING_H

#include <onnx/onnx_pb.h>

namespace qc::onnx_import {

/// Runs shape inference, replacing the small integer computations whose
/// inputs are known (Shape of a static value, Cast, Slice, Concat, Gather,
/// Add/Sub/Mul/Div of such values) by initializers, until nothing more
/// folds. Throws what ONNX's shape inference throws.
void foldShapeComputations(onnx::ModelProto &model, int64_t opset);

} // namespace qc::onnx_import

#endif // QC_LIB_TARGET_ONNX_SHAPEFOLDING_H

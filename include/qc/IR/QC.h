//===- QC.h - The qc dialect ------------------------------------*- C++ -*-===//
//
// Dialect, attributes and operations of the qc dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QC_IR_QC_H
#define QC_IR_QC_H

#include "qc/Numerics/Numerics.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "qc/IR/QCDialect.h.inc"
#include "qc/IR/QCEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qc/IR/QCAttrs.h.inc"

#define GET_OP_CLASSES
#include "qc/IR/QCOps.h.inc"

namespace mlir::qc {

/// Converts between the dialect's rounding enums and the numerics library's.
::qc::numerics::RequantRounding toNumerics(RequantRounding rounding);
::qc::numerics::FloatRounding toNumerics(FloatRounding rounding);

/// The name users give `op`: its location's name (the importer's ONNX node
/// name); none for ops without one.
std::optional<StringRef> getNodeName(Operation *op);

/// The #qc.stats of `value`: its function argument attribute, or its
/// producer's qc.stats (an array with one entry per result when the producer
/// has several; `unit` marks a result without statistics). Null when none.
StatsAttr getValueStats(Value value);

/// Attaches `stats` to `value` where getValueStats finds it; null removes
/// the value's statistics.
void setValueStats(Value value, StatsAttr stats);

} // namespace mlir::qc

#endif // QC_IR_QC_H

//===- TensorFile.h - Tensors read from .npy and .pb files ------*- C++ -*-===//
//
// Reads the input tensors of a compiled model from numpy .npy files or ONNX
// TensorProto .pb files (the test data of ONNX models), checked against the
// model's qc_tensor_info. Free of LLVM and MLIR; .pb files are parsed by
// QCONNXReader.
//
//===----------------------------------------------------------------------===//

#ifndef QC_RUNTIME_TENSORFILE_H
#define QC_RUNTIME_TENSORFILE_H

#include "qc/Runtime/qc_model.h"

#include <cstddef>
#include <optional>
#include <string>

namespace qc::runtime {

/// Reads a .npy file or an ONNX TensorProto .pb file (by extension: ".pb",
/// else .npy) that must hold exactly `info`'s dtype and shape (`sizeInBytes`
/// bytes); the raw little-endian bytes (bool as one byte each), or
/// std::nullopt with `error` naming the file:
///   cannot read '<path>': No such file or directory
///   '<path>': not a .npy file                 (or the .pb parser's message)
///   '<path>' holds <f8, the model's input x: <f4[2x3]
///   '<path>' does not have the shape of the model's input x: <f4[2x3]
std::optional<std::string> readTensorFile(const std::string &path,
                                          const qc_tensor_info &info,
                                          size_t sizeInBytes,
                                          std::string &error);

} // namespace qc::runtime

#endif // QC_RUNTIME_TENSORFILE_H

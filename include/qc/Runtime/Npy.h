//===- Npy.h - numpy .npy files ---------------------------------*- C++ -*-===//
//
// Reading and writing version 1.0 .npy files of the dense little-endian
// arrays QC models take and produce.
//
//===----------------------------------------------------------------------===//

#ifndef QC_RUNTIME_NPY_H
#define QC_RUNTIME_NPY_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qc::npy {

struct Array {
  /// numpy's type string, e.g. "<f4", "|i1", "|b1".
  std::string descr;
  std::vector<int64_t> shape;
  std::string bytes;
};

/// The numpy descr of a qc_dtype; "" when numpy has none.
std::string descrOf(int32_t dtype);

/// Parses a .npy file's contents; std::nullopt (with `error`) when it is not
/// a C-order version 1.0/2.0 file.
std::optional<Array> parse(const std::string &contents, std::string &error);

/// Serializes an array as a version 1.0 .npy file.
std::string serialize(const Array &array);

} // namespace qc::npy

#endif // QC_RUNTIME_NPY_H

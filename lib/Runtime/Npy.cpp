//===- Npy.cpp - numpy .npy files -----------------------------------------===//

#include "qc/Runtime/Npy.h"

#include "qc/Runtime/qc_model.h"

#include <cstring>
#include <regex>

using namespace qc::npy;

static constexpr char kMagic[] = "\x93NUMPY";
static constexpr size_t kMagicSize = 6;
/// Headers are padded so that the data starts at a multiple of this.
static constexpr size_t kHeaderAlignment = 64;

std::string qc::npy::descrOf(int32_t dtype) {
  switch (dtype) {
  case QC_DTYPE_FLOAT32: return "<f4";
  case QC_DTYPE_FLOAT64: return "<f8";
  case QC_DTYPE_FLOAT16: return "<f2";
  case QC_DTYPE_INT8: return "|i1";
  case QC_DTYPE_UINT8: return "|u1";
  case QC_DTYPE_INT16: return "<i2";
  case QC_DTYPE_UINT16: return "<u2";
  case QC_DTYPE_INT32: return "<i4";
  case QC_DTYPE_UINT32: return "<u4";
  case QC_DTYPE_INT64: return "<i8";
  case QC_DTYPE_UINT64: return "<u8";
  case QC_DTYPE_BOOL: return "|b1";
  default: return "";
  }
}

std::optional<Array> qc::npy::parse(const std::string &contents,
                                    std::string &error) {
  // Magic, major and minor version, then a little-endian header length of
  // 2 bytes (version 1) or 4 bytes (versions 2 and 3).
  if (contents.size() < kMagicSize + 4 ||
      contents.compare(0, kMagicSize, kMagic) != 0) {
    error = "not a .npy file";
    return std::nullopt;
  }
  auto byteAt = [&](size_t index) {
    return static_cast<size_t>(static_cast<unsigned char>(contents[index]));
  };
  size_t major = byteAt(kMagicSize);
  size_t lengthBytes = major == 1 ? 2 : 4;
  size_t headerStart = kMagicSize + 2 + lengthBytes;
  size_t headerLength = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerLength |= byteAt(kMagicSize + 2 + i) << (8 * i);
  if (contents.size() < headerStart + headerLength) {
    error = "truncated .npy header";
    return std::nullopt;
  }
  std::string header = contents.substr(headerStart, headerLength);
  std::smatch match;
  Array array;
  if (!std::regex_search(header, match,
                         std::regex("'descr':\\s*'([^']*)'"))) {
    error = "the .npy header has no descr";
    return std::nullopt;
  }
  array.descr = match[1];
  if (std::regex_search(header, std::regex("'fortran_order':\\s*True"))) {
    error = "Fortran-order .npy files are not supported";
    return std::nullopt;
  }
  if (!std::regex_search(header, match, std::regex("'shape':\\s*\\(([^)]*)\\)"))) {
    error = "the .npy header has no shape";
    return std::nullopt;
  }
  std::string dims = match[1];
  std::regex number("[0-9]+");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number);
       it != std::sregex_iterator(); ++it)
    array.shape.push_back(std::stoll(it->str()));
  array.bytes = contents.substr(headerStart + headerLength);
  return array;
}

std::string qc::npy::serialize(const Array &array) {
  // A Python tuple: "()", "(3,)", "(2, 3)".
  std::string shape = "(";
  for (size_t i = 0; i < array.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(array.shape[i]);
  shape += array.shape.size() == 1 ? ",)" : ")";
  std::string header = "{'descr': '" + array.descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces and end with a newline so data starts aligned.
  size_t prefix = kMagicSize + 2 + 2;
  size_t total = prefix + header.size() + 1;
  header.append((kHeaderAlignment - total % kHeaderAlignment) %
                    kHeaderAlignment,
                ' ');
  header += '\n';
  std::string out(kMagic, kMagicSize);
  out += static_cast<char>(1);
  out += static_cast<char>(0);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  out += array.bytes;
  return out;
}

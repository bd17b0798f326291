//===- TensorFile.cpp - Tensors read from .npy and .pb files --------------===//

#include "qc/Runtime/TensorFile.h"

#include "qc/Runtime/ModelLibrary.h"
#include "qc/Runtime/Npy.h"
#include "qc/Target/ONNX/ONNXModel.h"

#include <cerrno>
#include <cstdio>
#include <system_error>
#include <vector>

using namespace qc::runtime;

/// The whole file, or std::nullopt with `error` saying why it cannot be read.
static std::optional<std::string> readFile(const std::string &path,
                                           std::string &error) {
  auto fail = [&] {
    error =
        "cannot read '" + path + "': " + std::generic_category().message(errno);
    return std::nullopt;
  };
  errno = 0;
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return fail();
  std::string contents;
  char buffer[1 << 16];
  size_t count;
  while ((count = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    contents.append(buffer, count);
  bool failed = std::ferror(file);
  int readErrno = errno;
  std::fclose(file);
  if (failed) {
    errno = readErrno;
    return fail();
  }
  return contents;
}

std::optional<std::string>
qc::runtime::readTensorFile(const std::string &path, const qc_tensor_info &info,
                            size_t sizeInBytes, std::string &error) {
  std::optional<std::string> contents = readFile(path, error);
  if (!contents)
    return std::nullopt;
  std::vector<int64_t> shape;
  std::string bytes;
  std::string message;
  if (path.size() >= 3 && path.compare(path.size() - 3, 3, ".pb") == 0) {
    std::optional<qc::onnx_import::TensorData> tensor =
        qc::onnx_import::readTensor(contents->data(), contents->size(),
                                    message);
    if (!tensor) {
      error = "'" + path + "': " + message;
      return std::nullopt;
    }
    if (static_cast<int32_t>(tensor->info.type) != info.dtype) {
      error = "'" + path + "' holds " +
              qc::onnx_import::elementTypeName(tensor->info.type) +
              ", the model's input " + describe(info);
      return std::nullopt;
    }
    shape = tensor->info.shape;
    bytes = *tensor->bytes;
  } else {
    std::optional<qc::npy::Array> array = qc::npy::parse(*contents, message);
    if (!array) {
      error = "'" + path + "': " + message;
      return std::nullopt;
    }
    // A dtype numpy has no type for (bfloat16) matches no file.
    std::string expected = qc::npy::descrOf(info.dtype);
    if (expected.empty() || array->descr != expected) {
      error = "'" + path + "' holds " + array->descr + ", the model's input " +
              describe(info);
      return std::nullopt;
    }
    shape = std::move(array->shape);
    bytes = std::move(array->bytes);
  }
  if (shape != std::vector<int64_t>(info.shape, info.shape + info.rank) ||
      bytes.size() != sizeInBytes) {
    error = "'" + path + "' does not have the shape of the model's input " +
            describe(info);
    return std::nullopt;
  }
  return bytes;
}

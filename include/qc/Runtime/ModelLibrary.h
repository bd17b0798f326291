//===- ModelLibrary.h - A compiled model loaded in-process ------*- C++ -*-===//
//
// Opens a model library made by quant-compile (a .so exporting the C ABI of
// qc_model.h) with dlopen and calls it through that ABI. quant-run and
// calibration drivers use it; it depends on neither LLVM nor MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef QC_RUNTIME_MODELLIBRARY_H
#define QC_RUNTIME_MODELLIBRARY_H

#include "qc/Runtime/qc_model.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace qc::runtime {

/// A model library (quant-compile's .so) opened with dlopen; its C ABI
/// (qc_model.h). The library stays loaded while this object lives, and the
/// qc_tensor_info references it hands out point into it.
class ModelLibrary {
public:
  /// Opens `path`; nullptr with `error` set ("cannot load '<path>': ...") when
  /// it cannot be loaded, has no qc_model_* ABI or another ABI version.
  static std::unique_ptr<ModelLibrary> load(const std::string &path,
                                            std::string &error);
  /// dlclose.
  ~ModelLibrary();
  ModelLibrary(const ModelLibrary &) = delete;
  ModelLibrary &operator=(const ModelLibrary &) = delete;

  /// The path the library was loaded from.
  const std::string &path() const { return path_; }

  size_t numInputs() const;
  size_t numOutputs() const;
  /// Input or output `index` (< numInputs() or numOutputs()).
  const qc_tensor_info &input(size_t index) const;
  const qc_tensor_info &output(size_t index) const;
  /// Bytes of a whole tensor (qc_tensor_size_in_bytes).
  size_t sizeInBytes(const qc_tensor_info &info) const;
  /// Bytes of one element of `dtype` (qc_dtype_size; 0 for an unknown one).
  size_t dtypeSize(int32_t dtype) const;

  /// Threads later runs use (0: the default); false when `threads` is out of
  /// range, lastError() saying why.
  bool setNumThreads(int32_t threads);
  /// The library's message of the last failure on this thread.
  std::string lastError() const;

  /// One run on caller buffers: inputs[i] holds input i, outputs[i] receives
  /// output i (dense, the sizes sizeInBytes gives). False with `error` = the
  /// library's last error.
  bool run(const std::vector<const void *> &inputs,
           const std::vector<void *> &outputs, std::string &error) const;

private:
  ModelLibrary(void *handle, std::string path)
      : handle_(handle), path_(std::move(path)) {}

  void *handle_;
  std::string path_;
  decltype(&qc_model_num_inputs) numInputs_ = nullptr;
  decltype(&qc_model_num_outputs) numOutputs_ = nullptr;
  decltype(&qc_model_input) input_ = nullptr;
  decltype(&qc_model_output) output_ = nullptr;
  decltype(&qc_model_run) run_ = nullptr;
  decltype(&qc_model_set_num_threads) setNumThreads_ = nullptr;
  decltype(&qc_model_last_error) lastError_ = nullptr;
  decltype(&qc_tensor_size_in_bytes) sizeInBytes_ = nullptr;
  decltype(&qc_dtype_size) dtypeSize_ = nullptr;
};

/// "name: <f4[1x3x48x320]": the name, numpy's type string ("" when numpy has
/// none) and the shape, as messages show a tensor.
std::string describe(const qc_tensor_info &info);

} // namespace qc::runtime

#endif // QC_RUNTIME_MODELLIBRARY_H

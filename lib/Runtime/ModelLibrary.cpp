//===- ModelLibrary.cpp - A compiled model loaded in-process --------------===//

#include "qc/Runtime/ModelLibrary.h"

#include "qc/Runtime/Npy.h"

#include <cassert>
#include <dlfcn.h>
#include <type_traits>

using namespace qc::runtime;

std::unique_ptr<ModelLibrary> ModelLibrary::load(const std::string &path,
                                                 std::string &error) {
  auto fail = [&](const std::string &reason) {
    error = "cannot load '" + path + "': " + reason;
    return nullptr;
  };
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *message = dlerror();
    return fail(message ? message : "dlopen failed");
  }
  // From here on the destructor closes the handle.
  std::unique_ptr<ModelLibrary> library(new ModelLibrary(handle, path));
  auto lookup = [&](auto &function, const char *name) {
    function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(
        dlsym(handle, name));
    return function != nullptr;
  };
  decltype(&qc_model_abi_version) abiVersion = nullptr;
  if (!lookup(abiVersion, "qc_model_abi_version") ||
      !lookup(library->numInputs_, "qc_model_num_inputs") ||
      !lookup(library->numOutputs_, "qc_model_num_outputs") ||
      !lookup(library->input_, "qc_model_input") ||
      !lookup(library->output_, "qc_model_output") ||
      !lookup(library->run_, "qc_model_run") ||
      !lookup(library->setNumThreads_, "qc_model_set_num_threads") ||
      !lookup(library->lastError_, "qc_model_last_error") ||
      !lookup(library->sizeInBytes_, "qc_tensor_size_in_bytes") ||
      !lookup(library->dtypeSize_, "qc_dtype_size"))
    return fail("not a QC model library (no qc_model_* C ABI)");
  if (int32_t version = abiVersion(); version != QC_MODEL_ABI_VERSION)
    return fail("model ABI version " + std::to_string(version) +
                ", this loader reads " + std::to_string(QC_MODEL_ABI_VERSION));
  return library;
}

ModelLibrary::~ModelLibrary() { dlclose(handle_); }

size_t ModelLibrary::numInputs() const { return numInputs_(); }

size_t ModelLibrary::numOutputs() const { return numOutputs_(); }

const qc_tensor_info &ModelLibrary::input(size_t index) const {
  const qc_tensor_info *info = input_(index);
  assert(info && "input index out of range");
  return *info;
}

const qc_tensor_info &ModelLibrary::output(size_t index) const {
  const qc_tensor_info *info = output_(index);
  assert(info && "output index out of range");
  return *info;
}

size_t ModelLibrary::sizeInBytes(const qc_tensor_info &info) const {
  return sizeInBytes_(&info);
}

size_t ModelLibrary::dtypeSize(int32_t dtype) const {
  return dtypeSize_(dtype);
}

bool ModelLibrary::setNumThreads(int32_t threads) {
  return setNumThreads_(threads) == QC_OK;
}

std::string ModelLibrary::lastError() const { return lastError_(); }

bool ModelLibrary::run(const std::vector<const void *> &inputs,
                       const std::vector<void *> &outputs,
                       std::string &error) const {
  if (run_(inputs.data(), inputs.size(), outputs.data(), outputs.size()) ==
      QC_OK)
    return true;
  error = lastError_();
  return false;
}

std::string qc::runtime::describe(const qc_tensor_info &info) {
  std::string text =
      std::string(info.name) + ": " + qc::npy::descrOf(info.dtype) + "[";
  for (int32_t i = 0; i < info.rank; ++i)
    text += (i ? "x" : "") + std::to_string(info.shape[i]);
  return text + "]";
}

//===- quant-run.cpp - Run a compiled model -------------------------------===//
//
//   quant-run model.so [--input=[name=]file.npy|file.pb ...] [--random]
//             [--output-dir=DIR] [--benchmark=N] [--seed=S]
//
// Loads a library made by quant-compile, feeds it inputs from .npy files or
// ONNX TensorProto .pb files (by name, or in order when unnamed; random
// values for inputs not given), prints a summary of each output and writes
// them as .npy files, and with --benchmark times N runs.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"

#include "qc/Runtime/qc_model.h"
#include "qc/Target/ONNX/ONNXModel.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <dlfcn.h>
#include <random>

using namespace llvm;

static cl::OptionCategory category("quant-run options");
static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.so>"), cl::cat(category));
static cl::list<std::string>
    inputFiles("input",
               cl::desc("An input as [name=]file.npy or [name=]file.pb "
                        "(repeatable; unnamed ones fill inputs in order)"),
               cl::cat(category));
static cl::opt<std::string> outputDir("output-dir",
                                      cl::desc("Write each output as "
                                               "<name>.npy here"),
                                      cl::cat(category));
static cl::opt<unsigned> benchmarkRuns(
    "benchmark", cl::desc("Time this many runs and report the median"),
    cl::init(0), cl::cat(category));
static cl::opt<unsigned>
    numThreads("num-threads",
            cl::desc("Threads the model runs on (default: OMP_NUM_THREADS, "
                     "else one per core)"),
            cl::init(0), cl::cat(category));
static cl::opt<unsigned> seed("seed", cl::desc("Seed of random inputs"),
                              cl::init(0), cl::cat(category));

namespace {
/// The C ABI of a loaded model library.
struct ModelLibrary {
  decltype(&qc_model_num_inputs) numInputs;
  decltype(&qc_model_num_outputs) numOutputs;
  decltype(&qc_model_input) input;
  decltype(&qc_model_output) output;
  decltype(&qc_model_run) run;
  decltype(&qc_model_set_num_threads) setNumThreads;
  decltype(&qc_model_last_error) lastError;
  decltype(&qc_tensor_size_in_bytes) sizeInBytes;
  decltype(&qc_dtype_size) dtypeSize;
};

/// The loaded model (its library also provides the size helpers).
ModelLibrary model;
} // namespace

static int fail(const Twine &message) {
  WithColor::error(errs(), "quant-run") << message << "\n";
  return 1;
}

static bool loadLibrary(const std::string &path, ModelLibrary &library,
                        std::string &error) {
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    error = dlerror();
    return false;
  }
  auto lookup = [&](auto &function, const char *name) {
    function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(
        dlsym(handle, name));
    return function != nullptr;
  };
  if (!lookup(library.numInputs, "qc_model_num_inputs") ||
      !lookup(library.numOutputs, "qc_model_num_outputs") ||
      !lookup(library.input, "qc_model_input") ||
      !lookup(library.output, "qc_model_output") ||
      !lookup(library.run, "qc_model_run") ||
      !lookup(library.setNumThreads, "qc_model_set_num_threads") ||
      !lookup(library.lastError, "qc_model_last_error") ||
      !lookup(library.sizeInBytes, "qc_tensor_size_in_bytes") ||
      !lookup(library.dtypeSize, "qc_dtype_size")) {
    error = "not a QC model library (no qc_model_* C ABI)";
    return false;
  }
  return true;
}

static std::string describe(const qc_tensor_info &info) {
  std::string text = std::string(info.name) + ": " + qc::npy::descrOf(info.dtype) + "[";
  for (int32_t i = 0; i < info.rank; ++i)
    text += (i ? "x" : "") + std::to_string(info.shape[i]);
  return text + "]";
}

static std::vector<int64_t> shapeOf(const qc_tensor_info &info) {
  return std::vector<int64_t>(info.shape, info.shape + info.rank);
}

/// Reads one input file (.npy or TensorProto .pb) and checks it against the
/// model's input.
static bool readInput(StringRef path, const qc_tensor_info &info,
                      std::string &bytes, std::string &error) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> file = MemoryBuffer::getFile(path);
  if (!file) {
    error = "cannot read '" + path.str() + "': " + file.getError().message();
    return false;
  }
  std::string contents = (*file)->getBuffer().str();
  std::vector<int64_t> shape;
  if (path.ends_with(".pb")) {
    std::optional<qc::onnx_import::TensorData> tensor =
        qc::onnx_import::readTensor(contents.data(), contents.size(), error);
    if (!tensor)
      return false;
    if (static_cast<int32_t>(tensor->info.type) != info.dtype) {
      error = "'" + path.str() + "' holds " +
              qc::onnx_import::elementTypeName(tensor->info.type) +
              ", the model's input " + describe(info);
      return false;
    }
    shape = tensor->info.shape;
    bytes = *tensor->bytes;
  } else {
    std::optional<qc::npy::Array> array = qc::npy::parse(contents, error);
    if (!array)
      return false;
    if (array->descr != qc::npy::descrOf(info.dtype)) {
      error = "'" + path.str() + "' holds " + array->descr +
              ", the model's input " + describe(info);
      return false;
    }
    shape = array->shape;
    bytes = std::move(array->bytes);
  }
  if (shape != shapeOf(info) || bytes.size() != model.sizeInBytes(&info)) {
    error = "'" + path.str() + "' does not have the shape of the model's input " +
            describe(info);
    return false;
  }
  return true;
}

/// Random values: uniform in [-1, 1] for floats, small integers otherwise.
static std::string randomInput(const qc_tensor_info &info,
                               std::mt19937 &generator) {
  size_t count = model.sizeInBytes(&info) / model.dtypeSize(info.dtype);
  std::string bytes(model.sizeInBytes(&info), '\0');
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  std::uniform_int_distribution<int> integer(0, 9);
  for (size_t i = 0; i < count; ++i) {
    if (info.dtype == QC_DTYPE_FLOAT32) {
      float value = real(generator);
      std::memcpy(&bytes[i * sizeof(float)], &value, sizeof(float));
    } else if (info.dtype == QC_DTYPE_FLOAT64) {
      double value = real(generator);
      std::memcpy(&bytes[i * sizeof(double)], &value, sizeof(double));
    } else {
      // Little-endian: the low byte carries the value.
      bytes[i * model.dtypeSize(info.dtype)] = static_cast<char>(integer(generator));
    }
  }
  return bytes;
}

static void printSummary(const qc_tensor_info &info, const std::string &bytes) {
  outs() << describe(info);
  if (info.dtype == QC_DTYPE_FLOAT32) {
    size_t count = bytes.size() / sizeof(float);
    const auto *values = reinterpret_cast<const float *>(bytes.data());
    double sum = 0;
    float lo = count ? values[0] : 0, hi = lo;
    for (size_t i = 0; i < count; ++i) {
      sum += values[i];
      lo = std::min(lo, values[i]);
      hi = std::max(hi, values[i]);
    }
    outs() << format(" min %g max %g mean %g", lo, hi, count ? sum / count : 0.0);
  }
  outs() << "\n";
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "QC: run a compiled model\n");

  std::string error;
  if (!loadLibrary(modelPath, model, error))
    return fail("cannot load '" + modelPath + "': " + error);
  if (model.setNumThreads(static_cast<int32_t>(numThreads)) != QC_OK)
    return fail(model.lastError());

  size_t numInputs = model.numInputs(), numOutputs = model.numOutputs();
  std::vector<std::string> inputs(numInputs);
  std::vector<bool> given(numInputs, false);
  size_t nextUnnamed = 0;
  for (const std::string &spec : inputFiles) {
    auto [name, path] = StringRef(spec).split('=');
    if (path.empty())
      std::swap(name, path);
    size_t index = numInputs;
    if (name.empty()) {
      while (nextUnnamed < numInputs && given[nextUnnamed])
        ++nextUnnamed;
      index = nextUnnamed;
    } else {
      for (size_t i = 0; i < numInputs; ++i)
        if (name == model.input(i)->name)
          index = i;
    }
    if (index >= numInputs)
      return fail(name.empty() ? "more inputs given than the model takes"
                               : "the model has no input '" + name + "'");
    if (!readInput(path, *model.input(index), inputs[index], error))
      return fail(error);
    given[index] = true;
  }
  std::mt19937 generator(seed);
  for (size_t i = 0; i < numInputs; ++i) {
    if (given[i])
      continue;
    errs() << "quant-run: random values for input " << describe(*model.input(i))
           << "\n";
    inputs[i] = randomInput(*model.input(i), generator);
  }

  std::vector<std::string> outputs(numOutputs);
  std::vector<const void *> inputPointers;
  std::vector<void *> outputPointers;
  for (const std::string &input : inputs)
    inputPointers.push_back(input.data());
  for (size_t i = 0; i < numOutputs; ++i) {
    outputs[i].resize(model.sizeInBytes(model.output(i)));
    outputPointers.push_back(outputs[i].data());
  }
  auto run = [&] {
    return model.run(inputPointers.data(), numInputs, outputPointers.data(),
                     numOutputs);
  };
  if (run() != QC_OK)
    return fail(Twine("the model failed: ") + model.lastError());

  for (size_t i = 0; i < numOutputs; ++i) {
    const qc_tensor_info &info = *model.output(i);
    printSummary(info, outputs[i]);
    if (outputDir.empty())
      continue;
    SmallString<256> path(outputDir);
    sys::path::append(path, std::string(info.name) + ".npy");
    std::error_code errorCode;
    raw_fd_ostream file(path, errorCode);
    if (errorCode)
      return fail("cannot write '" + path + "': " + errorCode.message());
    file << qc::npy::serialize({qc::npy::descrOf(info.dtype), shapeOf(info),
                                outputs[i]});
  }

  if (benchmarkRuns > 0) {
    std::vector<double> milliseconds;
    for (unsigned i = 0; i < benchmarkRuns; ++i) {
      auto start = std::chrono::steady_clock::now();
      run();
      std::chrono::duration<double, std::milli> elapsed =
          std::chrono::steady_clock::now() - start;
      milliseconds.push_back(elapsed.count());
    }
    std::sort(milliseconds.begin(), milliseconds.end());
    outs() << format("latency over %u runs: median %.4f ms (min %.4f, max "
                     "%.4f)\n",
                     benchmarkRuns.getValue(),
                     milliseconds[milliseconds.size() / 2], milliseconds.front(),
                     milliseconds.back());
  }
  return 0;
}

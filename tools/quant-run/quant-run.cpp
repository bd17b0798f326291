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

#include "qc/Runtime/ModelLibrary.h"
#include "qc/Runtime/Npy.h"
#include "qc/Runtime/TensorFile.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstring>
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

using qc::runtime::describe;
using qc::runtime::ModelLibrary;

static int fail(const Twine &message) {
  WithColor::error(errs(), "quant-run") << message << "\n";
  return 1;
}

static std::vector<int64_t> shapeOf(const qc_tensor_info &info) {
  return std::vector<int64_t>(info.shape, info.shape + info.rank);
}

/// Random values: uniform in [-1, 1] for floats, small integers otherwise.
static std::string randomInput(const ModelLibrary &model,
                               const qc_tensor_info &info,
                               std::mt19937 &generator) {
  size_t count = model.sizeInBytes(info) / model.dtypeSize(info.dtype);
  std::string bytes(model.sizeInBytes(info), '\0');
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
  std::unique_ptr<ModelLibrary> library = ModelLibrary::load(modelPath, error);
  if (!library)
    return fail(error);
  ModelLibrary &model = *library;
  if (!model.setNumThreads(static_cast<int32_t>(numThreads)))
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
        if (name == model.input(i).name)
          index = i;
    }
    if (index >= numInputs)
      return fail(name.empty() ? "more inputs given than the model takes"
                               : "the model has no input '" + name + "'");
    const qc_tensor_info &info = model.input(index);
    std::optional<std::string> bytes = qc::runtime::readTensorFile(
        path.str(), info, model.sizeInBytes(info), error);
    if (!bytes)
      return fail(error);
    inputs[index] = std::move(*bytes);
    given[index] = true;
  }
  std::mt19937 generator(seed);
  for (size_t i = 0; i < numInputs; ++i) {
    if (given[i])
      continue;
    errs() << "quant-run: random values for input " << describe(model.input(i))
           << "\n";
    inputs[i] = randomInput(model, model.input(i), generator);
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
  auto run = [&] { return model.run(inputPointers, outputPointers, error); };
  if (!run())
    return fail("the model failed: " + error);

  for (size_t i = 0; i < numOutputs; ++i) {
    const qc_tensor_info &info = model.output(i);
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

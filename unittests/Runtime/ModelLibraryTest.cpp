//===- ModelLibraryTest.cpp - Tests for loading model libraries -----------===//
//
// ModelLibrary on FakeModel.c (y = 2 * x + 1 linked with the real runtime),
// on libraries without the ABI, and describe().
//
//===----------------------------------------------------------------------===//

#include "qc/Runtime/ModelLibrary.h"

#include "gtest/gtest.h"

#include <vector>

namespace {

using namespace qc::runtime;

TEST(ModelLibrary, LoadsAndRunsAModel) {
  std::string error;
  std::unique_ptr<ModelLibrary> model =
      ModelLibrary::load(QC_FAKE_MODEL, error);
  ASSERT_TRUE(model) << error;
  EXPECT_EQ(model->path(), QC_FAKE_MODEL);
  ASSERT_EQ(model->numInputs(), 1u);
  ASSERT_EQ(model->numOutputs(), 1u);
  EXPECT_STREQ(model->input(0).name, "x");
  EXPECT_STREQ(model->output(0).name, "y");
  EXPECT_EQ(describe(model->input(0)), "x: <f4[2x3]");
  EXPECT_EQ(model->sizeInBytes(model->input(0)), 24u);
  EXPECT_EQ(model->dtypeSize(QC_DTYPE_INT8), 1u);
  EXPECT_EQ(model->dtypeSize(QC_DTYPE_FLOAT64), 8u);
  EXPECT_EQ(model->dtypeSize(12345), 0u);

  EXPECT_TRUE(model->setNumThreads(2));
  std::vector<float> x = {0, 1, -1, 0.5f, 2, -3}, y(6, 0);
  ASSERT_TRUE(model->run({x.data()}, {y.data()}, error)) << error;
  EXPECT_EQ(y, (std::vector<float>{1, 3, -1, 2, 5, -5}));
}

TEST(ModelLibrary, ReportsTheLibrarysErrors) {
  std::string error;
  std::unique_ptr<ModelLibrary> model =
      ModelLibrary::load(QC_FAKE_MODEL, error);
  ASSERT_TRUE(model) << error;
  EXPECT_FALSE(model->setNumThreads(-1));
  EXPECT_EQ(model->lastError(),
            "expected a thread count of at least 0, got -1");

  std::vector<float> x(6), y(6);
  EXPECT_FALSE(model->run({x.data(), x.data()}, {y.data()}, error));
  EXPECT_EQ(error, "expected 1 inputs and 1 outputs");
  EXPECT_FALSE(model->run({nullptr}, {y.data()}, error));
  EXPECT_EQ(error, "input 0 is null");
  // A success clears the last error.
  ASSERT_TRUE(model->run({x.data()}, {y.data()}, error)) << error;
  EXPECT_EQ(model->lastError(), "");
}

TEST(ModelLibrary, TwoInstancesOfOneLibrary) {
  std::string error;
  std::unique_ptr<ModelLibrary> first =
      ModelLibrary::load(QC_FAKE_MODEL, error);
  std::unique_ptr<ModelLibrary> second =
      ModelLibrary::load(QC_FAKE_MODEL, error);
  ASSERT_TRUE(first && second) << error;
  // dlopen counts references: the second stays usable after the first closes.
  first.reset();
  std::vector<float> x(6, 1), y(6);
  ASSERT_TRUE(second->run({x.data()}, {y.data()}, error)) << error;
  EXPECT_EQ(y, std::vector<float>(6, 3));
}

TEST(ModelLibrary, MissingFile) {
  std::string error;
  std::string path = "/nonexistent/dir/model.so";
  EXPECT_FALSE(ModelLibrary::load(path, error));
  EXPECT_EQ(error.rfind("cannot load '" + path + "': ", 0), 0u) << error;
}

TEST(ModelLibrary, NotASharedLibrary) {
  std::string error;
  EXPECT_FALSE(ModelLibrary::load(__FILE__, error));
  EXPECT_EQ(error.rfind(std::string("cannot load '") + __FILE__ + "': ", 0), 0u)
      << error;
}

TEST(ModelLibrary, LibraryWithoutTheABI) {
  std::string error;
  // The C math library: loads, but exports no qc_model_* functions.
  EXPECT_FALSE(ModelLibrary::load("libm.so.6", error));
  EXPECT_EQ(error, "cannot load 'libm.so.6': not a QC model library (no "
                   "qc_model_* C ABI)");
}

TEST(ModelLibrary, OtherABIVersion) {
  std::string error;
  EXPECT_FALSE(ModelLibrary::load(QC_FAKE_MODEL_OTHER_ABI, error));
  EXPECT_EQ(error, std::string("cannot load '") + QC_FAKE_MODEL_OTHER_ABI +
                       "': model ABI version 99, this loader reads 1");
}

TEST(ModelLibrary, Describe) {
  int64_t shape[] = {1, 3, 48, 320};
  EXPECT_EQ(describe({"image", QC_DTYPE_FLOAT32, 4, shape}),
            "image: <f4[1x3x48x320]");
  EXPECT_EQ(describe({"q", QC_DTYPE_INT8, 1, shape}), "q: |i1[1]");
  EXPECT_EQ(describe({"s", QC_DTYPE_INT64, 0, nullptr}), "s: <i8[]");
  // numpy has no bfloat16.
  EXPECT_EQ(describe({"b", QC_DTYPE_BFLOAT16, 2, shape}), "b: [1x3]");
}

} // namespace

//===- TensorFileTest.cpp - Tests for reading .npy and .pb tensors --------===//
//
// readTensorFile on files written here: .npy files by qc::npy::serialize or
// by hand, TensorProto .pb files encoded by hand (protobuf's wire format), so
// the tests need neither numpy nor protobuf.
//
//===----------------------------------------------------------------------===//

#include "qc/Runtime/TensorFile.h"

#include "qc/Runtime/Npy.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace {

using namespace qc::runtime;

/// Bytes of `values` as stored in memory (little-endian on the hosts QC runs
/// on).
template <typename T> std::string bytesOf(const std::vector<T> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(T));
}

/// A serialized onnx.TensorProto: dims (field 1), data_type (2), name (8) and
/// either raw_data (9) or packed float_data (4).
class TensorProtoWriter {
public:
  TensorProtoWriter(int32_t dataType, std::vector<int64_t> dims) {
    for (int64_t dim : dims) {
      tag(1, 0);
      varint(static_cast<uint64_t>(dim));
    }
    tag(2, 0);
    varint(static_cast<uint64_t>(dataType));
    tag(8, 2);
    lengthDelimited("t");
  }
  TensorProtoWriter &rawData(const std::string &bytes) {
    tag(9, 2);
    lengthDelimited(bytes);
    return *this;
  }
  TensorProtoWriter &floatData(const std::vector<float> &values) {
    tag(4, 2);
    lengthDelimited(bytesOf(values));
    return *this;
  }
  const std::string &str() const { return out_; }

private:
  void varint(uint64_t value) {
    do {
      uint8_t byte = value & 0x7f;
      value >>= 7;
      out_ += static_cast<char>(byte | (value ? 0x80 : 0));
    } while (value);
  }
  void tag(uint32_t field, uint32_t wireType) { varint(field << 3 | wireType); }
  void lengthDelimited(const std::string &bytes) {
    varint(bytes.size());
    out_ += bytes;
  }
  std::string out_;
};

class TensorFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "qc-tensorfile-XXXXXX")
            .string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  /// Writes `contents` to `name` in the temporary directory; its path.
  std::string write(const std::string &name, const std::string &contents) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  /// readTensorFile against `info`, sized as the runtime sizes it.
  std::optional<std::string> read(const std::string &path,
                                  const qc_tensor_info &info) {
    size_t size = elementSize(info.dtype);
    for (int32_t i = 0; i < info.rank; ++i)
      size *= static_cast<size_t>(info.shape[i]);
    error_.clear();
    return readTensorFile(path, info, size, error_);
  }

  static size_t elementSize(int32_t dtype) {
    switch (dtype) {
    case QC_DTYPE_INT8:
    case QC_DTYPE_UINT8:
    case QC_DTYPE_BOOL:
      return 1;
    case QC_DTYPE_BFLOAT16:
      return 2;
    case QC_DTYPE_FLOAT32:
    case QC_DTYPE_INT32:
      return 4;
    default:
      return 8;
    }
  }

  std::filesystem::path dir_;
  std::string error_;
  const int64_t shape_[2] = {2, 3};
  const qc_tensor_info x_{"x", QC_DTYPE_FLOAT32, 2, shape_};
  const std::vector<float> values_ = {1.5f, -2, 0, 3.25f, 1e-3f, -7};
};

TEST_F(TensorFileTest, ReadsNpy) {
  std::string path =
      write("x.npy", qc::npy::serialize({"<f4", {2, 3}, bytesOf(values_)}));
  std::optional<std::string> bytes = read(path, x_);
  ASSERT_TRUE(bytes) << error_;
  EXPECT_EQ(*bytes, bytesOf(values_));
}

TEST_F(TensorFileTest, ReadsNpyOfOtherDtypes) {
  std::vector<int8_t> q = {-128, -1, 0, 1, 2, 127};
  std::string path =
      write("q.npy", qc::npy::serialize({"|i1", {2, 3}, bytesOf(q)}));
  std::optional<std::string> bytes =
      read(path, {"q", QC_DTYPE_INT8, 2, shape_});
  ASSERT_TRUE(bytes) << error_;
  EXPECT_EQ(*bytes, bytesOf(q));

  // A scalar: shape ().
  std::vector<int64_t> s = {-42};
  path = write("s.npy", qc::npy::serialize({"<i8", {}, bytesOf(s)}));
  bytes = read(path, {"s", QC_DTYPE_INT64, 0, nullptr});
  ASSERT_TRUE(bytes) << error_;
  EXPECT_EQ(*bytes, bytesOf(s));
}

TEST_F(TensorFileTest, ReadsNpyWrittenByNumpy) {
  // np.save(path, np.arange(6, dtype=np.int32).reshape(2, 3)): version 1.0,
  // header padded to 128 bytes, "shape': (2, 3)".
  std::string header =
      "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
  header.append(128 - 10 - header.size() - 1, ' ');
  header += '\n';
  std::string file = std::string("\x93NUMPY\x01\x00", 8);
  file += static_cast<char>(header.size() & 0xff);
  file += static_cast<char>(header.size() >> 8);
  std::vector<int32_t> values = {0, 1, 2, 3, 4, 5};
  file += header + bytesOf(values);
  std::string path = write("numpy.npy", file);
  std::optional<std::string> bytes =
      read(path, {"i", QC_DTYPE_INT32, 2, shape_});
  ASSERT_TRUE(bytes) << error_;
  EXPECT_EQ(*bytes, bytesOf(values));
}

TEST_F(TensorFileTest, ReadsPbWithRawData) {
  std::string path = write(
      "x.pb", TensorProtoWriter(1, {2, 3}).rawData(bytesOf(values_)).str());
  std::optional<std::string> bytes = read(path, x_);
  ASSERT_TRUE(bytes) << error_;
  EXPECT_EQ(*bytes, bytesOf(values_));
}

TEST_F(TensorFileTest, ReadsPbWithFloatData) {
  std::string path =
      write("x.pb", TensorProtoWriter(1, {2, 3}).floatData(values_).str());
  std::optional<std::string> bytes = read(path, x_);
  ASSERT_TRUE(bytes) << error_;
  EXPECT_EQ(*bytes, bytesOf(values_));
}

TEST_F(TensorFileTest, WrongDtype) {
  std::vector<double> wide(values_.begin(), values_.end());
  std::string npy =
      write("wide.npy", qc::npy::serialize({"<f8", {2, 3}, bytesOf(wide)}));
  EXPECT_FALSE(read(npy, x_));
  EXPECT_EQ(error_, "'" + npy + "' holds <f8, the model's input x: <f4[2x3]");

  std::vector<int32_t> ints(6, 7);
  std::string pb = write(
      "ints.pb", TensorProtoWriter(6, {2, 3}).rawData(bytesOf(ints)).str());
  EXPECT_FALSE(read(pb, x_));
  EXPECT_EQ(error_, "'" + pb + "' holds int32, the model's input x: <f4[2x3]");
}

TEST_F(TensorFileTest, NoNpyFileMatchesBFloat16) {
  // numpy has no bfloat16; not even a file whose descr is empty matches.
  std::string path =
      write("b.npy", qc::npy::serialize({"", {2, 3}, std::string(12, '\0')}));
  EXPECT_FALSE(read(path, {"b", QC_DTYPE_BFLOAT16, 2, shape_}));
  EXPECT_EQ(error_, "'" + path + "' holds , the model's input b: [2x3]");
}

TEST_F(TensorFileTest, WrongShape) {
  std::string npy =
      write("t.npy", qc::npy::serialize({"<f4", {3, 2}, bytesOf(values_)}));
  EXPECT_FALSE(read(npy, x_));
  EXPECT_EQ(error_, "'" + npy +
                        "' does not have the shape of the model's input x: "
                        "<f4[2x3]");

  std::string pb = write(
      "flat.pb", TensorProtoWriter(1, {6}).rawData(bytesOf(values_)).str());
  EXPECT_FALSE(read(pb, x_));
  EXPECT_EQ(error_, "'" + pb +
                        "' does not have the shape of the model's input x: "
                        "<f4[2x3]");
}

TEST_F(TensorFileTest, NpyDataOfTheWrongSize) {
  // The header claims (2, 3) but the data stops early.
  std::string truncated = bytesOf(values_).substr(0, 20);
  std::string path =
      write("short.npy", qc::npy::serialize({"<f4", {2, 3}, truncated}));
  EXPECT_FALSE(read(path, x_));
  EXPECT_EQ(error_, "'" + path +
                        "' does not have the shape of the model's input x: "
                        "<f4[2x3]");
}

TEST_F(TensorFileTest, MissingFile) {
  std::string path = (dir_ / "missing.npy").string();
  EXPECT_FALSE(read(path, x_));
  EXPECT_EQ(error_, "cannot read '" + path + "': No such file or directory");
  path = (dir_ / "missing.pb").string();
  EXPECT_FALSE(read(path, x_));
  EXPECT_EQ(error_, "cannot read '" + path + "': No such file or directory");
}

TEST_F(TensorFileTest, Directory) {
  std::string path = (dir_ / "sub.npy").string();
  std::filesystem::create_directory(path);
  EXPECT_FALSE(read(path, x_));
  EXPECT_EQ(error_, "cannot read '" + path + "': Is a directory");
}

TEST_F(TensorFileTest, CorruptNpy) {
  std::string path = write("text.npy", "just some text, not numpy\n");
  EXPECT_FALSE(read(path, x_));
  EXPECT_EQ(error_, "'" + path + "': not a .npy file");

  std::string header = qc::npy::serialize({"<f4", {2, 3}, ""});
  path = write("cut.npy", header.substr(0, 30));
  EXPECT_FALSE(read(path, x_));
  EXPECT_EQ(error_, "'" + path + "': truncated .npy header");

  path = write("empty.npy", "");
  EXPECT_FALSE(read(path, x_));
  EXPECT_EQ(error_, "'" + path + "': not a .npy file");
}

TEST_F(TensorFileTest, CorruptPb) {
  // raw_data claims 100 bytes and has 24.
  std::string proto = TensorProtoWriter(1, {2, 3}).str();
  proto += '\x4a';
  proto += '\x64';
  proto += bytesOf(values_);
  std::string path = write("cut.pb", proto);
  EXPECT_FALSE(read(path, x_));
  EXPECT_EQ(error_, "'" + path +
                        "': not a valid ONNX TensorProto: the protobuf is "
                        "malformed or truncated");

  // Well-formed, but raw_data does not fill the dims.
  path =
      write("short.pb",
            TensorProtoWriter(1, {2, 3}).rawData(std::string(8, '\0')).str());
  EXPECT_FALSE(read(path, x_));
  EXPECT_EQ(error_.rfind("'" + path + "': ", 0), 0u) << error_;
  EXPECT_NE(error_.find("holds 8 bytes, its shape needs 24"), std::string::npos)
      << error_;
}

} // namespace

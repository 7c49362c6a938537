//===- SafetensorsTest.cpp - Safetensors reader: good and broken files ----===//
#include "runtime/model/Safetensors.h"
#include "runtime/model/SafetensorsWriter.h"
#include "test/unit/model/TestUtil.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sgl::runtime {
namespace {

using test::TempDir;
using ::testing::HasSubstr;

/// 8-byte length + header + data, with the length optionally overridden.
std::string rawFile(const std::string &header, const std::string &data,
                    int64_t lengthOverride = -1) {
  uint64_t len = lengthOverride >= 0 ? uint64_t(lengthOverride) : header.size();
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<char>(len >> (8 * i));
  return out + header + data;
}

std::vector<uint8_t> floatBytes(std::initializer_list<float> values) {
  std::vector<uint8_t> out(values.size() * 4);
  std::memcpy(out.data(), values.begin(), out.size());
  return out;
}

/// Opens `bytes` written to a temp file and returns the error message.
std::string openError(const std::string &bytes,
                      std::string *pathOut = nullptr) {
  TempDir dir("st");
  auto path = dir.path() / "bad.safetensors";
  test::writeFile(path, bytes);
  if (pathOut)
    *pathOut = path.string();
  auto file = SafetensorsFile::open(path.string());
  EXPECT_FALSE(file) << "opening a broken file succeeded";
  return file ? "" : file.error().message;
}

TEST(SafetensorsTest, ReadsGoodFile) {
  TempDir dir("good");
  SafetensorsWriter w;
  w.add("a", DType::F32, {2, 3}, floatBytes({1, 2, 3, 4, 5, 6}));
  w.add("b", DType::BF16, {2}, {0x80, 0x3F, 0x00, 0xC0}); // 1.0, -2.0
  auto path = (dir.path() / "m.safetensors").string();
  ASSERT_TRUE(w.write(path, {{"format", "pt"}}));
  // The data section starts 8-byte aligned.
  std::string bytes = test::readFile(path);
  uint64_t len = 0;
  std::memcpy(&len, bytes.data(), 8);
  EXPECT_EQ((8 + len) % 8, 0u);

  auto file = SafetensorsFile::open(path);
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ((*file)->tensors().size(), 2u);
  EXPECT_EQ((*file)->metadata().at("format"), "pt");
  const TensorRef *a = (*file)->find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->dtype, DType::F32);
  EXPECT_EQ(a->shapeString(), "[2, 3]");
  EXPECT_EQ(a->numBytes, 24u);
  EXPECT_EQ(static_cast<const float *>(a->data)[5], 6.0f);
  const TensorRef *b = (*file)->find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->dtype, DType::BF16);
  EXPECT_EQ(static_cast<const uint16_t *>(b->data)[1], 0xC000);
  EXPECT_EQ((*file)->find("c"), nullptr);
}

TEST(SafetensorsTest, RecognizesF16) {
  std::string header =
      R"({"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})";
  TempDir dir("f16");
  auto path = dir.path() / "h.safetensors";
  test::writeFile(path, rawFile(header, "abcd"));
  auto file = SafetensorsFile::open(path.string());
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ((*file)->find("h")->dtype, DType::F16);
}

TEST(SafetensorsTest, MissingFile) {
  auto file = SafetensorsFile::open("/nonexistent/dir/x.safetensors");
  ASSERT_FALSE(file);
  EXPECT_THAT(file.error().message,
              HasSubstr("/nonexistent/dir/x.safetensors"));
  EXPECT_THAT(file.error().message, HasSubstr("cannot open"));
}

TEST(SafetensorsTest, TooShortForHeaderLength) {
  std::string path;
  std::string msg = openError("abc", &path);
  EXPECT_THAT(msg, HasSubstr(path));
  EXPECT_THAT(msg, HasSubstr("truncated"));
}

TEST(SafetensorsTest, HeaderLengthBeyondFile) {
  std::string msg = openError(rawFile("{}", "", 4096));
  EXPECT_THAT(msg, HasSubstr("header length 4096 exceeds the file size"));
}

TEST(SafetensorsTest, BadJsonHeader) {
  EXPECT_THAT(openError(rawFile("{\"a\": [", "")),
              HasSubstr("header: invalid JSON at line 1, column 7"));
  EXPECT_THAT(openError(rawFile("[1, 2]", "")),
              HasSubstr("header: not a JSON object (the file holds array)"));
  // A header nested a million levels deep is refused while parsing.
  EXPECT_THAT(openError(rawFile(std::string(1000000, '['), "")),
              HasSubstr("header: arrays and objects nest more than 64 "
                        "levels deep"));
}

TEST(SafetensorsTest, UnknownDType) {
  std::string header =
      R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}})";
  std::string msg = openError(rawFile(header, "xx"));
  EXPECT_THAT(msg, HasSubstr("tensor 'w'"));
  EXPECT_THAT(msg, HasSubstr("unknown dtype 'Q4'"));
}

TEST(SafetensorsTest, OffsetsDoNotMatchShape) {
  std::string header =
      R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})";
  std::string msg = openError(rawFile(header, std::string(16, '\0')));
  EXPECT_THAT(msg, HasSubstr("tensor 'w'"));
  EXPECT_THAT(msg, HasSubstr("hold 12 bytes but shape [2, 2] of F32 needs 16"));
}

TEST(SafetensorsTest, OffsetsOutOfRange) {
  std::string header =
      R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})";
  std::string msg = openError(rawFile(header, std::string(16, '\0')));
  EXPECT_THAT(msg, HasSubstr("tensor 'w'"));
  EXPECT_THAT(msg,
              HasSubstr("run past the end of the data section (16 bytes)"));
}

TEST(SafetensorsTest, OffsetsReversed) {
  std::string header =
      R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})";
  EXPECT_THAT(openError(rawFile(header, std::string(16, '\0'))),
              HasSubstr("end before they begin"));
}

TEST(SafetensorsTest, OverlappingTensors) {
  std::string header =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  std::string msg = openError(rawFile(header, std::string(12, '\0')));
  EXPECT_THAT(msg, HasSubstr("tensors 'a' and 'b' have overlapping data"));
}

TEST(SafetensorsTest, MalformedEntry) {
  EXPECT_THAT(
      openError(rawFile(
          R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})", "")),
      HasSubstr("shape entries must be non-negative integers"));
  EXPECT_THAT(openError(rawFile(R"({"w":{"dtype":"F32","shape":[1]}})", "")),
              HasSubstr("'data_offsets' must be two non-negative integers"));
  EXPECT_THAT(
      openError(rawFile(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", "")),
      HasSubstr("missing string field 'dtype'"));
}

TEST(SafetensorsTest, TruncatedFile) {
  TempDir dir("trunc");
  SafetensorsWriter w;
  w.add("first", DType::F32, {4}, floatBytes({1, 2, 3, 4}));
  w.add("last", DType::F32, {4}, floatBytes({5, 6, 7, 8}));
  auto path = dir.path() / "m.safetensors";
  ASSERT_TRUE(w.write(path.string()));
  std::string bytes = test::readFile(path);
  test::writeFile(path, bytes.substr(0, bytes.size() - 3));
  auto file = SafetensorsFile::open(path.string());
  ASSERT_FALSE(file);
  EXPECT_THAT(file.error().message, HasSubstr(path.string()));
  EXPECT_THAT(file.error().message, HasSubstr("tensor 'last'"));
  EXPECT_THAT(file.error().message, HasSubstr("truncated"));
}

class ShardedCheckpointTest : public ::testing::Test {
protected:
  void SetUp() override {
    SafetensorsWriter a, b;
    a.add("x", DType::F32, {2}, floatBytes({1, 2}));
    b.add("y", DType::F32, {1}, floatBytes({3}));
    ASSERT_TRUE(a.write((dir.path() / "s1.safetensors").string()));
    ASSERT_TRUE(b.write((dir.path() / "s2.safetensors").string()));
  }
  void writeIndex(const std::string &weightMap) {
    test::writeFile(dir.path() / "model.safetensors.index.json",
                    R"({"metadata": {}, "weight_map": )" + weightMap + "}");
  }
  TempDir dir{"shard"};
};

TEST_F(ShardedCheckpointTest, FindsTensorsAcrossShards) {
  writeIndex(R"({"x": "s1.safetensors", "y": "s2.safetensors"})");
  auto ckpt = Checkpoint::open(dir.str());
  ASSERT_TRUE(ckpt) << ckpt.error().message;
  EXPECT_EQ((*ckpt)->numShards(), 2u);
  ASSERT_NE((*ckpt)->find("y"), nullptr);
  EXPECT_EQ(static_cast<const float *>((*ckpt)->find("y")->data)[0], 3.0f);
  EXPECT_EQ((*ckpt)->names(), (std::vector<std::string>{"x", "y"}));
}

TEST_F(ShardedCheckpointTest, IndexNamesWrongShard) {
  writeIndex(R"({"x": "s1.safetensors", "y": "s1.safetensors"})");
  auto ckpt = Checkpoint::open(dir.str());
  ASSERT_FALSE(ckpt);
  EXPECT_THAT(ckpt.error().message,
              HasSubstr("maps tensor 'y' to 's1.safetensors', but that shard "
                        "has no such tensor"));
}

TEST_F(ShardedCheckpointTest, IndexNamesMissingShard) {
  writeIndex(R"({"x": "s1.safetensors", "y": "s9.safetensors"})");
  auto ckpt = Checkpoint::open(dir.str());
  ASSERT_FALSE(ckpt);
  EXPECT_THAT(ckpt.error().message, HasSubstr("s9.safetensors"));
  EXPECT_THAT(ckpt.error().message, HasSubstr("cannot open"));
}

TEST_F(ShardedCheckpointTest, IndexWithoutWeightMap) {
  test::writeFile(dir.path() / "model.safetensors.index.json", "{}");
  auto ckpt = Checkpoint::open(dir.str());
  ASSERT_FALSE(ckpt);
  EXPECT_THAT(ckpt.error().message, HasSubstr("no 'weight_map' object"));
}

TEST(CheckpointTest, EmptyDirectory) {
  TempDir dir("empty");
  auto ckpt = Checkpoint::open(dir.str());
  ASSERT_FALSE(ckpt);
  EXPECT_THAT(ckpt.error().message,
              HasSubstr("has neither model.safetensors nor "
                        "model.safetensors.index.json"));
}

} // namespace
} // namespace sgl::runtime

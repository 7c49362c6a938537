//===- InputFileTest.cpp - Size-limited reading of outside files ----------===//
#include "runtime/support/InputFile.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace sgl;

namespace {

class InputFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("input-file-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string &name, const std::string &text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
};

constexpr InputKind kSmall = {"config.json", 16};

TEST_F(InputFileTest, ReadsARegularFileWhole) {
  std::string path = write("a.json", std::string("{\"a\":\0 1}", 9));
  Expected<std::string> text = readInputFile(path, kSmall);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, std::string("{\"a\":\0 1}", 9));
}

TEST_F(InputFileTest, AFileAtTheLimitFitsOneMoreByteDoesNot) {
  ASSERT_TRUE(readInputFile(write("16.json", std::string(16, 'x')), kSmall));
  std::string path = write("17.json", std::string(17, 'x'));
  Expected<std::string> text = readInputFile(path, kSmall);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message,
            path + ": file too large (17 bytes; a config.json may be at most "
                   "16 bytes)");
}

TEST_F(InputFileTest, SizeIsCheckedBeforeReading) {
  // A sparse 3 GiB file: reading it would take seconds and the memory.
  std::string path = (dir_ / "sparse.json").string();
  ASSERT_EQ(::truncate(write("sparse.json", "").c_str(), int64_t(3) << 30), 0);
  Expected<std::string> text =
      readInputFile(path, {"tokenizer.json", kTokenizerJsonLimit});
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message,
            path + ": file too large (3 GiB; a tokenizer.json may be at most "
                   "256 MiB)");
}

TEST_F(InputFileTest, DevicesDirectoriesAndFifosAreRefused) {
  Expected<std::string> zero = readInputFile("/dev/zero", kSmall);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().message,
            "/dev/zero: is a character device, not a config.json");

  Expected<std::string> dir = readInputFile(dir_.string(), kSmall);
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().message,
            dir_.string() + ": is a directory, not a config.json");

  // Opening a FIFO would block until a writer comes; it is refused first.
  std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Expected<std::string> fromFifo = readInputFile(fifo, kSmall);
  ASSERT_FALSE(fromFifo);
  EXPECT_EQ(fromFifo.error().message, fifo + ": is a FIFO, not a config.json");
}

TEST_F(InputFileTest, ALinkIsJudgedByWhatItPointsTo) {
  std::string link = (dir_ / "config.json").string();
  std::filesystem::create_symlink("/dev/zero", link);
  Expected<std::string> text = readInputFile(link, kSmall);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message,
            link + ": is a character device, not a config.json");
}

TEST_F(InputFileTest, MissingAndEmptyPaths) {
  std::string missing = (dir_ / "missing.json").string();
  Expected<std::string> text = readInputFile(missing, kSmall);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message,
            missing + ": cannot open: No such file or directory");
  Expected<std::string> empty = readInputFile("", kSmall);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "an empty path is not a config.json");
}

TEST_F(InputFileTest, DashIsStdinOnlyWhenAllowed) {
  Expected<std::string> text = readInputFile("-", kSmall);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message, "-: cannot open: No such file or directory");
}

TEST(FormatByteSize, PicksTheLargestExactUnit) {
  EXPECT_EQ(formatByteSize(0), "0 bytes");
  EXPECT_EQ(formatByteSize(1), "1 byte");
  EXPECT_EQ(formatByteSize(1023), "1023 bytes");
  EXPECT_EQ(formatByteSize(1024), "1 KiB");
  EXPECT_EQ(formatByteSize(1536), "1536 bytes");
  EXPECT_EQ(formatByteSize(256 * kMiB), "256 MiB");
  EXPECT_EQ(formatByteSize(uint64_t(3) << 30), "3 GiB");
}

} // namespace

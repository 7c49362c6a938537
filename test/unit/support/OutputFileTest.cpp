//===- OutputFileTest.cpp - Writing results with every error checked ------===//
#include "runtime/support/OutputFile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

using namespace sgl;

namespace {

std::string readBack(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(OutputFile, WritesAndTruncates) {
  std::string path =
      ::testing::TempDir() + "/output-" + std::to_string(::getpid()) + ".bin";
  ASSERT_TRUE(writeOutput(path, std::string("long content\0x", 14)));
  ASSERT_TRUE(writeOutput(path, "short"));
  EXPECT_EQ(readBack(path), "short");
  std::filesystem::remove(path);
}

TEST(OutputFile, AFullDeviceIsAnErrorNamingTheFile) {
  Status status = writeOutput("/dev/full", "bytes");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "/dev/full: cannot write: No space left on device");
}

TEST(OutputFile, AMissingFolderIsAnError) {
  Status status = writeOutput("/nonexistent/sgl/out.sglp", "bytes");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, "/nonexistent/sgl/out.sglp: cannot open "
                                    "for writing: No such file or directory");
}

TEST(OutputFile, DashAndEmptyMeanStdout) {
  EXPECT_TRUE(isStdoutPath(""));
  EXPECT_TRUE(isStdoutPath("-"));
  EXPECT_FALSE(isStdoutPath("./-"));
  EXPECT_FALSE(isStdoutPath("out.sglp"));
}

} // namespace

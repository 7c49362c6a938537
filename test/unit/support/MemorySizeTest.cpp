//===- MemorySizeTest.cpp - --kv-memory sizes -----------------------------===//
#include "runtime/support/MemorySize.h"

#include <gtest/gtest.h>

namespace {

constexpr int64_t kGiB = int64_t{1} << 30;

TEST(MemorySize, BytesAndBinarySuffixes) {
  const int64_t ram = 64 * kGiB;
  EXPECT_EQ(*sgl::parseMemorySize("4096", ram), 4096);
  EXPECT_EQ(*sgl::parseMemorySize("512K", ram), 512 * 1024);
  EXPECT_EQ(*sgl::parseMemorySize("512M", ram), 512 * 1024 * 1024);
  EXPECT_EQ(*sgl::parseMemorySize("4G", ram), 4 * kGiB);
  EXPECT_EQ(*sgl::parseMemorySize("4g", ram), 4 * kGiB);
  EXPECT_EQ(*sgl::parseMemorySize("4GiB", ram), 4 * kGiB);
  EXPECT_EQ(*sgl::parseMemorySize("4GB", ram), 4 * kGiB);
  EXPECT_EQ(*sgl::parseMemorySize("100B", ram), 100);
}

TEST(MemorySize, PercentagesOfRam) {
  const int64_t ram = 64 * kGiB;
  EXPECT_EQ(*sgl::parseMemorySize("25%", ram), 16 * kGiB);
  EXPECT_EQ(*sgl::parseMemorySize("100%", ram), ram);
  EXPECT_EQ(*sgl::parseMemorySize("12.5%", ram), 8 * kGiB);
}

TEST(MemorySize, BadSizesSayWhy) {
  const int64_t ram = 64 * kGiB;
  auto error = [&](const char *text) {
    auto parsed = sgl::parseMemorySize(text, ram);
    EXPECT_FALSE(parsed) << text;
    return parsed ? std::string() : parsed.error().message;
  };
  EXPECT_EQ(error("lots"), "invalid memory size 'lots': expected a number "
                           "(examples: 512M, 4G, 25%)");
  EXPECT_EQ(error("4T"), "invalid memory size '4T': unknown unit 'T' "
                         "(examples: 512M, 4G, 25%)");
  EXPECT_EQ(error("1.5G"), "invalid memory size '1.5G': a byte count is a "
                           "whole number (examples: 512M, 4G, 25%)");
  EXPECT_EQ(error("0"), "invalid memory size '0': must be at least 1 byte "
                        "(examples: 512M, 4G, 25%)");
  EXPECT_EQ(error("0.5%"), "invalid memory size '0.5%': a percentage of "
                           "memory is between 1% and 100% (examples: 512M, "
                           "4G, 25%)");
  EXPECT_EQ(error("200%"), "invalid memory size '200%': a percentage of "
                           "memory is between 1% and 100% (examples: 512M, "
                           "4G, 25%)");
  EXPECT_EQ(error("65G"), "invalid memory size '65G': more than this "
                          "machine's 65536 MiB of memory (examples: 512M, "
                          "4G, 25%)");
  EXPECT_EQ(error("1.2.3%"), "invalid memory size '1.2.3%': expected a "
                             "number (examples: 512M, 4G, 25%)");
  EXPECT_EQ(error("99999999999999999999"),
            "invalid memory size '99999999999999999999': expected a number "
            "(examples: 512M, 4G, 25%)");
  auto unknownRam = sgl::parseMemorySize("25%", 0);
  ASSERT_FALSE(unknownRam);
  EXPECT_EQ(unknownRam.error().message,
            "invalid memory size '25%': this machine's memory size is "
            "unknown (examples: 512M, 4G, 25%)");
}

TEST(MemorySize, PhysicalMemoryIsKnownHere) {
  EXPECT_GT(sgl::physicalMemoryBytes(), 0);
}

} // namespace

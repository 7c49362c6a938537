//===- CommandLineTest.cpp - The tools' option checks ---------------------===//
#include "runtime/support/CommandLine.h"

#include <gtest/gtest.h>

using namespace sgl;

namespace {

/// What UnsignedIn says of `text`: "" when it is accepted.
std::string check(const UnsignedIn &validator, std::string text) {
  return validator(text);
}

TEST(UnsignedIn, AcceptsPlainNumbersInRange) {
  UnsignedIn threads(0, 256);
  EXPECT_EQ(check(threads, "0"), "");
  EXPECT_EQ(check(threads, "256"), "");
  EXPECT_EQ(check(UnsignedIn(0, UINT64_MAX), "18446744073709551615"), "");
}

TEST(UnsignedIn, RefusesWhatWouldWrapOrClamp) {
  UnsignedIn seed(0, UINT64_MAX);
  EXPECT_EQ(check(seed, "-1"), "'-1' is not a whole number (expected a whole "
                               "number from 0 to 18446744073709551615)");
  EXPECT_EQ(check(seed, "18446744073709551616"),
            "'18446744073709551616' is too large (expected a whole number "
            "from 0 to 18446744073709551615)");
  EXPECT_EQ(check(seed, "+1"), "'+1' is not a whole number (expected a whole "
                               "number from 0 to 18446744073709551615)");
  EXPECT_NE(check(seed, ""), "");
  EXPECT_NE(check(seed, "1e3"), "");
  EXPECT_NE(check(seed, " 1"), "");
  EXPECT_NE(check(seed, std::string(30, '9')), "");
}

TEST(UnsignedIn, RefusesOutOfRange) {
  EXPECT_EQ(check(UnsignedIn(1, 8), "9"),
            "'9' is out of range (expected a whole number from 1 to 8)");
  EXPECT_EQ(check(UnsignedIn(1, 8), "0"),
            "'0' is out of range (expected a whole number from 1 to 8)");
}

TEST(ParseCommandLine, UsageErrorsExitTwo) {
  CLI::App app{"test"};
  unsigned threads = 0;
  app.add_option("--threads", threads)->check(UnsignedIn(0, 4));
  const char *argv[] = {"tool", "--threads", "5"};
  testing::internal::CaptureStderr();
  std::optional<int> exit =
      parseCommandLine(app, 3, const_cast<char **>(argv), "tool");
  std::string err = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(*exit, kExitUsage);
  EXPECT_EQ(err, "tool: error: --threads: '5' is out of range (expected a "
                 "whole number from 0 to 4) (see 'tool --help')\n");
}

TEST(ParseCommandLine, GoodArgumentsGoOn) {
  CLI::App app{"test"};
  unsigned threads = 0;
  app.add_option("--threads", threads)->check(UnsignedIn(0, 4));
  const char *argv[] = {"tool", "--threads", "3"};
  EXPECT_FALSE(
      parseCommandLine(app, 3, const_cast<char **>(argv), "tool").has_value());
  EXPECT_EQ(threads, 3u);
}

TEST(GuardedMain, ExceptionsBecomeOneErrorLine) {
  testing::internal::CaptureStderr();
  int status = guardedMain(
      "tool", []() -> int { throw std::runtime_error("boom\nsecond line"); });
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, kExitError);
  EXPECT_EQ(err, "tool: error: internal error: boom\\nsecond line\n");

  testing::internal::CaptureStderr();
  status = guardedMain("tool", []() -> int { throw std::bad_alloc(); });
  err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, kExitError);
  EXPECT_EQ(err, "tool: error: out of memory\n");
}

TEST(GuardedMain, TheBodysStatusIsKept) {
  EXPECT_EQ(guardedMain("tool", [] { return 0; }), 0);
  testing::internal::CaptureStderr();
  EXPECT_EQ(guardedMain("tool", [] { return reportError("tool", "x"); }), 1);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "tool: error: x\n");
}

} // namespace

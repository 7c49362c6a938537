//===- IsolatedRunTest.cpp - Crashes and timeouts stay in the child -------===//
//
// What sgl-maskbench relies on to count crashes and timeouts instead of
// dying with them: each outcome of runIsolated, and the nearest-rank
// percentiles its tables print.
//
//===----------------------------------------------------------------------===//
#include "bench/maskbench/IsolatedRun.h"
#include "bench/maskbench/BenchReport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace sgl::bench;

namespace {

IsolationLimits limits(unsigned seconds = 10) { return {seconds, 0, false}; }

TEST(IsolatedRun, BringsBackWhatTheChildReturned) {
  std::string big(1 << 20, 'x'); // more than a pipe holds at once
  IsolatedRun run = runIsolated([&] { return big; }, limits());
  EXPECT_EQ(run.outcome, IsolatedRun::Outcome::Finished);
  EXPECT_EQ(run.output, big);
}

TEST(IsolatedRun, ASignalIsACrashByName) {
  IsolatedRun run = runIsolated(
      [] {
        std::raise(SIGSEGV);
        return std::string("unreachable");
      },
      limits());
  EXPECT_EQ(run.outcome, IsolatedRun::Outcome::Crashed);
  EXPECT_EQ(run.why, "SIGSEGV");
}

TEST(IsolatedRun, AnExceptionIsACrashWithItsMessage) {
  IsolatedRun run = runIsolated(
      []() -> std::string { throw std::runtime_error("bad state"); }, limits());
  EXPECT_EQ(run.outcome, IsolatedRun::Outcome::Crashed);
  EXPECT_EQ(run.why, "exception: bad state");
}

TEST(IsolatedRun, RunningOutOfTheAddressSpaceIsOutOfMemory) {
  if (!canCapAddressSpace())
    GTEST_SKIP() << "sanitized build: no address-space cap";
  IsolatedRun run = runIsolated(
      [] {
        std::vector<char> huge(size_t(64) << 30); // 64 GiB, over the cap
        return std::string(1, huge[0]);
      },
      {10, 4096, false});
  EXPECT_EQ(run.outcome, IsolatedRun::Outcome::Crashed);
  EXPECT_EQ(run.why, "out of memory");
}

TEST(IsolatedRun, WorkOverTheAlarmTimesOut) {
  auto start = std::chrono::steady_clock::now();
  IsolatedRun run = runIsolated(
      [] {
        for (;;)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return std::string();
      },
      limits(1));
  EXPECT_EQ(run.outcome, IsolatedRun::Outcome::TimedOut);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(IsolatedRun, PausedTimeDoesNotCount) {
  IsolatedRun run = runIsolated(
      [] {
        PausedTimeout paused;
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        return std::string("done");
      },
      limits(1));
  EXPECT_EQ(run.outcome, IsolatedRun::Outcome::Finished);
  EXPECT_EQ(run.output, "done");
}

TEST(Percentile, IsTheNearestRank) {
  std::vector<double> samples = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
  EXPECT_EQ(percentile(samples, 25), 3);
  EXPECT_EQ(percentile(samples, 50), 5);
  EXPECT_EQ(percentile(samples, 90), 9);
  EXPECT_EQ(percentile(samples, 99), 10);
  EXPECT_EQ(percentile(samples, 100), 10);
  std::vector<double> one = {42};
  EXPECT_EQ(percentile(one, 25), 42);
  std::vector<double> none;
  EXPECT_EQ(percentile(none, 50), 0);
}

} // namespace

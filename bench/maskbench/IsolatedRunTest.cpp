//===- IsolatedRunTest.cpp - Crashes and timeouts stay in the child -------===//
//
// What sgl-maskbench relies on to count crashes and timeouts instead of
// dying with them: each outcome of a worker's item, the one child for
// item after item and a fresh one after a failure, and the nearest-rank
// percentiles its tables print.
//
//===----------------------------------------------------------------------===//
#include "bench/maskbench/IsolatedRun.h"
#include "bench/maskbench/BenchReport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace sgl::bench;

namespace {

IsolationLimits limits(unsigned seconds = 10) { return {seconds, 0, false}; }

/// Runs `work` as the only item of a fresh worker.
IsolatedRun runAlone(std::function<std::string()> work,
                     IsolationLimits isolation = limits()) {
  IsolatedWorker worker([&](size_t) { return work(); }, isolation);
  return worker.run(0);
}

TEST(IsolatedRun, BringsBackWhatTheChildReturned) {
  std::string big(1 << 20, 'x'); // more than a socket buffer holds at once
  IsolatedRun run = runAlone([&] { return big; });
  EXPECT_EQ(run.outcome, IsolatedRun::Outcome::Finished);
  EXPECT_EQ(run.output, big);
}

TEST(IsolatedRun, ASignalIsACrashByName) {
  IsolatedRun run = runAlone([] {
    std::raise(SIGSEGV);
    return std::string("unreachable");
  });
  EXPECT_EQ(run.outcome, IsolatedRun::Outcome::Crashed);
  EXPECT_EQ(run.why, "SIGSEGV");
}

TEST(IsolatedRun, AnExceptionIsACrashWithItsMessage) {
  IsolatedRun run =
      runAlone([]() -> std::string { throw std::runtime_error("bad state"); });
  EXPECT_EQ(run.outcome, IsolatedRun::Outcome::Crashed);
  EXPECT_EQ(run.why, "exception: bad state");
}

TEST(IsolatedRun, RunningOutOfTheAddressSpaceIsOutOfMemory) {
  if (!canCapAddressSpace())
    GTEST_SKIP() << "sanitized build: no address-space cap";
  IsolatedRun run = runAlone(
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
  IsolatedRun run = runAlone(
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
  IsolatedRun run = runAlone(
      [] {
        PausedTimeout paused;
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        return std::string("done");
      },
      limits(1));
  EXPECT_EQ(run.outcome, IsolatedRun::Outcome::Finished);
  EXPECT_EQ(run.output, "done");
}

TEST(IsolatedWorker, OneChildRunsItemAfterItem) {
  IsolatedWorker worker(
      [](size_t item) {
        return std::to_string(item) + "@" + std::to_string(getpid());
      },
      limits());
  IsolatedRun first = worker.run(1);
  pid_t child = worker.childPid();
  ASSERT_GT(child, 0);
  EXPECT_NE(child, getpid());
  EXPECT_EQ(first.output, "1@" + std::to_string(child));
  EXPECT_EQ(worker.run(2).output, "2@" + std::to_string(child));
  EXPECT_EQ(worker.childPid(), child);
}

TEST(IsolatedWorker, TheItemAfterACrashOrATimeoutGetsAFreshChild) {
  IsolatedWorker worker(
      [](size_t item) {
        if (item == 1)
          std::abort();
        if (item == 2)
          for (;;)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (item == 3)
          throw std::runtime_error("three");
        return "ok " + std::to_string(item);
      },
      limits(1));
  EXPECT_EQ(worker.run(0).output, "ok 0");
  pid_t first = worker.childPid();
  IsolatedRun aborted = worker.run(1);
  EXPECT_EQ(aborted.outcome, IsolatedRun::Outcome::Crashed);
  EXPECT_EQ(aborted.why, "SIGABRT");
  EXPECT_EQ(worker.childPid(), -1);
  EXPECT_EQ(worker.run(2).outcome, IsolatedRun::Outcome::TimedOut);
  EXPECT_EQ(worker.run(3).why, "exception: three");
  IsolatedRun after = worker.run(4);
  EXPECT_EQ(after.outcome, IsolatedRun::Outcome::Finished);
  EXPECT_EQ(after.output, "ok 4");
  EXPECT_NE(worker.childPid(), first);
}

TEST(IsolatedWorker, InProcessRunsHere) {
  IsolatedWorker worker(
      [](size_t item) {
        return std::to_string(item) + "@" + std::to_string(getpid());
      },
      {10, 0, true});
  EXPECT_EQ(worker.run(7).output, "7@" + std::to_string(getpid()));
  EXPECT_EQ(worker.childPid(), -1);
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

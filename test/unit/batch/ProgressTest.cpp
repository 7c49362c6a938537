//===- ProgressTest.cpp - Progress and summary of a batch run -------------===//
#include "runtime/batch/Progress.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace sgl::runtime;

namespace {

/// A clock the test sets by hand.
struct FakeClock {
  double now = 100.0;
  Progress::Clock clock() {
    return [this] { return now; };
  }
};

/// What was written to `out` since the last call.
std::string drain(std::ostringstream &out) {
  std::string text = out.str();
  out.str("");
  return text;
}

TEST(Progress, ATerminalGetsOneBarRedrawnAtMostTenTimesASecond) {
  FakeClock time;
  std::ostringstream out;
  Progress progress(out, /*terminal=*/true, int64_t(100), 0, time.clock());
  progress.update({0, 0, 0});
  EXPECT_EQ(drain(out), "\r[....................] 0/100 0% | 0.0 inst/s | 0 "
                        "tok/s | ETA ?\x1b[K");
  time.now += 0.05;
  progress.update({1, 0, 50});
  EXPECT_EQ(drain(out), ""); // too soon after the last redraw
  time.now += 0.45;
  progress.update({10, 1, 500});
  EXPECT_EQ(drain(out), "\r[##..................] 10/100 10% | 1 failed | "
                        "20.0 inst/s | 1000 tok/s | ETA 4.5s\x1b[K");
  time.now += 4.5;
  progress.finish({100, 1, 10000});
  EXPECT_EQ(drain(out), "\r[####################] 100/100 100% | 1 failed | "
                        "20.0 inst/s | 2000 tok/s | ETA 0.0s\x1b[K\n");
  progress.update({100, 1, 10000});
  progress.finish({100, 1, 10000});
  EXPECT_EQ(drain(out), ""); // finished
}

TEST(Progress, ATerminalBarForStandardInputHasNoTotal) {
  FakeClock time;
  std::ostringstream out;
  Progress progress(out, /*terminal=*/true, std::nullopt, 0, time.clock());
  time.now += 2;
  progress.update({7, 0, 100});
  EXPECT_EQ(drain(out), "\r7/? | 3.5 inst/s | 50 tok/s\x1b[K");
}

TEST(Progress, ALogGetsAPlainLineEveryTenSecondsAndAtTheEnd) {
  FakeClock time;
  std::ostringstream out;
  // Resumed: 1000 of the 3000 lines were done by an earlier run.
  Progress progress(out, /*terminal=*/false, int64_t(3000), 1000, time.clock());
  progress.update({0, 0, 0});
  time.now += 5;
  progress.update({50, 0, 5000});
  EXPECT_EQ(drain(out), "");
  time.now += 5;
  progress.update({100, 2, 12000});
  EXPECT_EQ(drain(out), "progress: 1100/3000 (36%), 2 failed, 10.0 "
                        "instances/s, 1200 tokens/s, ETA 3m 10s\n");
  time.now += 9;
  progress.update({190, 2, 20000});
  EXPECT_EQ(drain(out), "");
  time.now += 1;
  progress.update({200, 2, 24000});
  EXPECT_EQ(drain(out), "progress: 1200/3000 (40%), 2 failed, 10.0 "
                        "instances/s, 1200 tokens/s, ETA 3m 00s\n");
  time.now += 1;
  progress.finish({210, 2, 25200});
  EXPECT_EQ(drain(out), "progress: 1210/3000 (40%), 2 failed, 10.0 "
                        "instances/s, 1200 tokens/s, ETA 2m 59s\n");
}

TEST(Progress, ALogLineForStandardInputHasNoTotal) {
  FakeClock time;
  std::ostringstream out;
  Progress progress(out, /*terminal=*/false, std::nullopt, 0, time.clock());
  time.now += 0.5;
  progress.finish({3, 0, 30});
  EXPECT_EQ(drain(out), "progress: 3/?, 6.0 instances/s, 60 tokens/s\n");
}

TEST(Progress, TheSummarySaysWhatTheRunCost) {
  BatchTotals totals;
  totals.instances = 3000;
  totals.failed = 3;
  totals.promptTokens = 912000;
  totals.promptTokensComputed = 212000;
  totals.promptTokensCached = 700000;
  totals.outputTokens = 96000;
  totals.peakKVPages = 1800;
  totals.kvPageCapacity = 2048;
  totals.seconds = 62.2;
  EXPECT_EQ(formatBatchSummary(totals),
            "batch summary:\n"
            "  instances:     3000 (2997 ok, 3 failed)\n"
            "  prompt tokens: 912000 (212000 computed, 700000 from cache; "
            "76.8% hit rate)\n"
            "  output tokens: 96000 (1543.4 tokens/s)\n"
            "  peak KV pages: 1800 of 2048 (87.9%)\n"
            "  wall time:     1m 02s\n");
}

TEST(Progress, TheSummaryLeavesOutRatesOfNothing) {
  EXPECT_EQ(formatBatchSummary(BatchTotals{}),
            "batch summary:\n"
            "  instances:     0 (0 ok, 0 failed)\n"
            "  prompt tokens: 0 (0 computed, 0 from cache)\n"
            "  output tokens: 0\n"
            "  peak KV pages: 0\n"
            "  wall time:     0.0s\n");
}

TEST(Progress, DurationsReadAsAPersonSaysThem) {
  EXPECT_EQ(formatDuration(0), "0.0s");
  EXPECT_EQ(formatDuration(12.34), "12.3s");
  EXPECT_EQ(formatDuration(59.96), "1m 00s");
  EXPECT_EQ(formatDuration(125), "2m 05s");
  EXPECT_EQ(formatDuration(3723), "1h 02m 03s");
  EXPECT_EQ(formatDuration(-1), "0.0s");
}

} // namespace

//===- Progress.h - Progress and summary of a batch run ---------*- C++ -*-===//
//
// While `sglrun --inputs` runs, stderr shows how far it is: on a terminal
// one line redrawn in place with "\r" (at most 10 times a second),
//
//   [########............] 1200/3000 40% | 3 failed | 12.3 inst/s | ...
//     ... 1543 tok/s | ETA 2m 26s
//
// and otherwise, for a log file, a plain line every 10 seconds and one at
// the end:
//
//   progress: 1200/3000 (40%), 3 failed, 12.3 instances/s, ...
//     ... 1543 tokens/s, ETA 2m 26s
//
// After the run, a summary of what it cost (formatBatchSummary). The clock
// is a parameter so that tests can drive the display with a fake one.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_BATCH_PROGRESS_H
#define SGL_RUNTIME_BATCH_PROGRESS_H

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace sgl::runtime {

/// How far this run is; counts start at 0 for the run (lines skipped by
/// --resume are not in them).
struct ProgressCounts {
  int64_t done = 0;         // instances finished, ok or failed
  int64_t failed = 0;       // of those, failed
  int64_t outputTokens = 0; // generated so far
};

/// What a finished run did, filled in by the caller for the summary.
struct BatchTotals {
  int64_t instances = 0; // run by this invocation, ok or failed
  int64_t failed = 0;
  int64_t promptTokens = 0;         // prompt tokens of all instances
  int64_t promptTokensComputed = 0; // of those, run through the model
  int64_t promptTokensCached = 0;   // of those, served from the KV cache
  int64_t outputTokens = 0;
  int64_t peakKVPages = 0;
  int64_t kvPageCapacity = 0; // 0 if unknown
  double seconds = 0;         // wall time of the run
};

/// The closing summary, one "\n"-ended line each for the instances
/// (ok/failed), prompt tokens (computed, from cache, hit rate), output
/// tokens (and per second), peak KV pages (of capacity) and wall time:
///
///   batch summary:
///     instances:     3000 (2997 ok, 3 failed)
///     prompt tokens: 912000 (212000 computed, 700000 from cache; ...
///       ... 76.8% hit rate)
///     output tokens: 96000 (1543.4 tokens/s)
///     peak KV pages: 1800 of 2048 (87.9%)
///     wall time:     1m 02s
///
/// A rate or percentage whose base is 0 is left out.
std::string formatBatchSummary(const BatchTotals &totals);

/// "12.3s" under a minute, "2m 05s", "1h 02m 03s".
std::string formatDuration(double seconds);

class Progress {
public:
  /// Seconds from any fixed point; must not go backwards.
  using Clock = std::function<double()>;
  /// std::chrono::steady_clock in seconds.
  static double steadySeconds();

  /// Draws on `out` (stderr, in sglrun): the redrawn bar if `terminal`
  /// (isatty(2)), plain lines otherwise. `total` is the number of input
  /// lines with a record, if known; `alreadyDone` of them were done by an
  /// earlier run (--resume) and count as done but not in the rates.
  Progress(std::ostream &out, bool terminal, std::optional<int64_t> total,
           int64_t alreadyDone = 0, Clock clock = steadySeconds);

  /// Reports the counts; cheap to call after every event, as it draws only
  /// when the display is due (every 0.1 s on a terminal, 10 s otherwise).
  void update(const ProgressCounts &counts);

  /// Draws the final state: the bar once more and a newline, or the last
  /// plain line. Later calls do nothing.
  void finish(const ProgressCounts &counts);

  /// Seconds since construction, by the clock.
  double elapsed() const;

  /// The text of the display for `counts` now, without "\r" or newline:
  /// the bar (terminal) or the plain line. Used by update() and finish().
  std::string render(const ProgressCounts &counts) const;

  /// Terminal redraws are at least this far apart, and plain lines this.
  static constexpr double kBarInterval = 0.1;
  static constexpr double kLineInterval = 10.0;

private:
  void draw(const ProgressCounts &counts, double now);

  std::ostream &out_;
  bool terminal_;
  std::optional<int64_t> total_;
  int64_t alreadyDone_;
  Clock clock_;
  double start_;
  double lastDraw_;
  bool drawn_ = false;
  bool finished_ = false;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_BATCH_PROGRESS_H

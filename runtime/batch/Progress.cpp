//===- Progress.cpp - Progress and summary of a batch run -----------------===//
#include "runtime/batch/Progress.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace sgl::runtime {

namespace {

constexpr int kBarWidth = 20;

/// printf into a std::string, for the fixed-precision numbers.
template <typename... Args>
std::string format(const char *pattern, Args... args) {
  char buffer[64];
  int n = std::snprintf(buffer, sizeof buffer, pattern, args...);
  return std::string(buffer,
                     n < 0 ? 0 : std::min<size_t>(n, sizeof buffer - 1));
}

std::string percent(double part, double whole) {
  return format("%.1f%%", 100.0 * part / whole);
}

} // namespace

std::string formatDuration(double seconds) {
  if (!(seconds >= 0)) // negative or NaN
    seconds = 0;
  if (seconds < 59.95)
    return format("%.1fs", seconds);
  auto total = static_cast<int64_t>(std::llround(seconds));
  int64_t hours = total / 3600, minutes = total / 60 % 60, secs = total % 60;
  if (hours > 0)
    return format("%lldh %02lldm %02llds", static_cast<long long>(hours),
                  static_cast<long long>(minutes),
                  static_cast<long long>(secs));
  return format("%lldm %02llds", static_cast<long long>(minutes),
                static_cast<long long>(secs));
}

std::string formatBatchSummary(const BatchTotals &t) {
  // Built with append: GCC 12 warns falsely (-Wrestrict) on "x" + string.
  using std::to_string;
  std::string out = "batch summary:\n";
  out.append("  instances:     ").append(to_string(t.instances));
  out.append(" (").append(to_string(t.instances - t.failed)).append(" ok, ");
  out.append(to_string(t.failed)).append(" failed)\n");
  out.append("  prompt tokens: ").append(to_string(t.promptTokens));
  out.append(" (").append(to_string(t.promptTokensComputed));
  out.append(" computed, ").append(to_string(t.promptTokensCached));
  out.append(" from cache");
  if (t.promptTokens > 0)
    out.append("; ")
        .append(percent(static_cast<double>(t.promptTokensCached),
                        static_cast<double>(t.promptTokens)))
        .append(" hit rate");
  out.append(")\n");
  out.append("  output tokens: ").append(to_string(t.outputTokens));
  if (t.seconds > 0)
    out.append(format(" (%.1f tokens/s)",
                      static_cast<double>(t.outputTokens) / t.seconds));
  out.append("\n");
  out.append("  peak KV pages: ").append(to_string(t.peakKVPages));
  if (t.kvPageCapacity > 0)
    out.append(" of ")
        .append(to_string(t.kvPageCapacity))
        .append(" (")
        .append(percent(static_cast<double>(t.peakKVPages),
                        static_cast<double>(t.kvPageCapacity)))
        .append(")");
  out.append("\n");
  out.append("  wall time:     ").append(formatDuration(t.seconds));
  out.append("\n");
  return out;
}

double Progress::steadySeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

Progress::Progress(std::ostream &out, bool terminal,
                   std::optional<int64_t> total, int64_t alreadyDone,
                   Clock clock)
    : out_(out), terminal_(terminal), total_(total), alreadyDone_(alreadyDone),
      clock_(std::move(clock)), start_(clock_()), lastDraw_(start_) {}

double Progress::elapsed() const { return clock_() - start_; }

std::string Progress::render(const ProgressCounts &c) const {
  double seconds = elapsed();
  int64_t done = alreadyDone_ + c.done;
  // Rates over the whole run: steady, and what the summary will report.
  bool haveRate = seconds > 0 && c.done > 0;
  double instanceRate = haveRate ? static_cast<double>(c.done) / seconds : 0;
  double tokenRate =
      seconds > 0 ? static_cast<double>(c.outputTokens) / seconds : 0;
  std::string eta;
  if (total_)
    eta = haveRate ? formatDuration(static_cast<double>(
                                        std::max<int64_t>(*total_ - done, 0)) /
                                    instanceRate)
                   : std::string("?");

  // Built with append: GCC 12 warns falsely (-Wrestrict) on "x" + string.
  std::string text;
  std::string count = std::to_string(done) + "/" +
                      (total_ ? std::to_string(*total_) : std::string("?"));
  long long percentDone =
      total_ ? (*total_ > 0 ? done * 100 / *total_ : 100) : 0;
  if (terminal_) {
    if (total_) {
      int64_t filled =
          *total_ > 0 ? std::min<int64_t>(done, *total_) * kBarWidth / *total_
                      : kBarWidth;
      text.append("[")
          .append(static_cast<size_t>(filled), '#')
          .append(static_cast<size_t>(kBarWidth - filled), '.')
          .append("] ")
          .append(count)
          .append(format(" %lld%%", percentDone));
    } else {
      text = count;
    }
    if (c.failed > 0)
      text.append(" | ").append(std::to_string(c.failed)).append(" failed");
    text.append(format(" | %.1f inst/s | %.0f tok/s", instanceRate, tokenRate));
    if (total_)
      text.append(" | ETA ").append(eta);
    return text;
  }
  text.append("progress: ").append(count);
  if (total_ && *total_ > 0)
    text.append(format(" (%lld%%)", percentDone));
  if (c.failed > 0)
    text.append(", ").append(std::to_string(c.failed)).append(" failed");
  text.append(
      format(", %.1f instances/s, %.0f tokens/s", instanceRate, tokenRate));
  if (total_)
    text.append(", ETA ").append(eta);
  return text;
}

void Progress::draw(const ProgressCounts &counts, double now) {
  if (terminal_) // "\x1b[K" clears what a longer earlier line left behind
    out_ << '\r' << render(counts) << "\x1b[K";
  else
    out_ << render(counts) << '\n';
  out_.flush();
  lastDraw_ = now;
  drawn_ = true;
}

void Progress::update(const ProgressCounts &counts) {
  if (finished_)
    return;
  double now = clock_();
  // A terminal shows the bar at once; a log gets its first line after one
  // interval, so a short run writes only the final line.
  if (terminal_ ? (!drawn_ || now - lastDraw_ >= kBarInterval)
                : now - lastDraw_ >= kLineInterval)
    draw(counts, now);
}

void Progress::finish(const ProgressCounts &counts) {
  if (finished_)
    return;
  draw(counts, clock_());
  if (terminal_)
    out_ << '\n' << std::flush;
  finished_ = true;
}

} // namespace sgl::runtime

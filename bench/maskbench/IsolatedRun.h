//===- IsolatedRun.h - A piece of work in a child process -------*- C++ -*-===//
//
// One schema of a benchmark must not end the run, whatever it does: a
// crash in the engine, a stack overflow, an endless loop. runIsolated
// forks, runs the work in the child under a wall-clock alarm and an
// address-space cap, and brings back what it returned through a pipe:
//
//   IsolatedRun run = runIsolated([&] { return resultText(); }, limits);
//   if (run.outcome == IsolatedRun::Outcome::TimedOut) ...
//
// The child shares the parent's memory copy-on-write, so what the parent
// loaded once (a tokenizer, its vocabulary) costs nothing per schema.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_BENCH_MASKBENCH_ISOLATEDRUN_H
#define SGL_BENCH_MASKBENCH_ISOLATEDRUN_H

#include <cstdint>
#include <functional>
#include <string>

namespace sgl::bench {

struct IsolationLimits {
  unsigned timeoutSeconds = 60;
  /// Address space of the child in MiB; 0: no cap. Ignored under ASan
  /// and TSan (see canCapAddressSpace).
  uint64_t memoryMiB = 0;
  /// Run in this process instead (for a debugger or a profiler): no
  /// protection from crashes, no timeout.
  bool inProcess = false;
};

struct IsolatedRun {
  enum class Outcome { Finished, Crashed, TimedOut };
  Outcome outcome = Outcome::Crashed;
  /// What the work returned, when Finished.
  std::string output;
  /// When Crashed: "SIGSEGV", "exception: ...", "out of memory", ...
  std::string why;
};

/// Runs `work` as the header says. The child may pause its alarm around
/// work that is not to be timed (see pauseTimeout).
IsolatedRun runIsolated(const std::function<std::string()> &work,
                        const IsolationLimits &limits);

/// False in sanitized builds, whose shadow memory needs far more address
/// space than any cap would allow.
bool canCapAddressSpace();

/// Stops the current child's timeout clock until the returned object goes
/// out of scope (reference checks that are no part of the benchmark).
class PausedTimeout {
public:
  PausedTimeout();
  ~PausedTimeout();
  PausedTimeout(const PausedTimeout &) = delete;
  PausedTimeout &operator=(const PausedTimeout &) = delete;

private:
  unsigned secondsLeft_;
};

} // namespace sgl::bench

#endif // SGL_BENCH_MASKBENCH_ISOLATEDRUN_H

//===- IsolatedRun.h - Pieces of work in a child process --------*- C++ -*-===//
//
// One schema of a benchmark must not end the run, whatever it does: a
// crash in the engine, a stack overflow, an endless loop. An IsolatedWorker
// runs the pieces of work in a child process under a wall-clock alarm and
// an address-space cap, and brings back what each returned through a pipe:
//
//   IsolatedWorker worker([&](size_t i) { return resultText(i); }, limits);
//   IsolatedRun run = worker.run(3);
//   if (run.outcome == IsolatedRun::Outcome::TimedOut) ...
//
// The child is forked once and runs piece after piece, as a server that
// compiles many schemas in one process would; it is forked again only
// after a piece ended it (a crash, a timeout). A fresh fork per piece
// would time the copy-on-write page faults of its first allocations with
// the work: that doubled the median compile time measured. The child
// shares the parent's memory as it was at the fork, so what the parent
// loaded before making the worker (a tokenizer, the schemas) costs
// nothing per piece, and the work function only receives an index.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_BENCH_MASKBENCH_ISOLATEDRUN_H
#define SGL_BENCH_MASKBENCH_ISOLATEDRUN_H

#include <cstdint>
#include <functional>
#include <string>
#include <sys/types.h>

namespace sgl::bench {

struct IsolationLimits {
  /// Seconds one piece of work may take.
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

class IsolatedWorker {
public:
  using Work = std::function<std::string(size_t item)>;

  /// `work` is copied into every child: what it refers to must be set up
  /// before the first run() and stay as it is.
  IsolatedWorker(Work work, IsolationLimits limits);
  ~IsolatedWorker(); ///< ends the child
  IsolatedWorker(const IsolatedWorker &) = delete;
  IsolatedWorker &operator=(const IsolatedWorker &) = delete;

  /// Runs work(item) as the header says. The child may pause its alarm
  /// around work that is not to be timed (see PausedTimeout).
  IsolatedRun run(size_t item);

  /// The child's process id; -1 while there is none.
  pid_t childPid() const { return child_; }

private:
  void start();
  /// Waits for the child to end and says how it ended.
  IsolatedRun reap();

  Work work_;
  IsolationLimits limits_;
  pid_t child_ = -1;
  int socket_ = -1; ///< items to the child, results back
};

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

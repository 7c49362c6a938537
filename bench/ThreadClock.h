//===- ThreadClock.h - CPU time of the calling thread -----------*- C++ -*-===//
//
// The benchmarks run on shared machines: they time the CPU their own
// thread used, which other processes do not add to, not the wall clock.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_BENCH_THREADCLOCK_H
#define SGL_BENCH_THREADCLOCK_H

#include <ctime>

namespace sgl::bench {

/// CPU seconds this thread has run.
inline double threadSeconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) +
         1e-9 * static_cast<double>(now.tv_nsec);
}

} // namespace sgl::bench

#endif // SGL_BENCH_THREADCLOCK_H

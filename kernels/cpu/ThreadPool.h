//===- ThreadPool.h - Fixed-size worker pool for CPU kernels ----*- C++ -*-===//
//
// A small fork-join pool: `parallelFor(n, fn)` splits [0, n) into one
// contiguous range per thread and runs them, the calling thread included.
// The pool is owned by whoever runs the model (no global pool), and it is not
// reentrant: one parallelFor at a time per pool.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_KERNELS_CPU_THREADPOOL_H
#define SGL_KERNELS_CPU_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sgl::kernels {

class ThreadPool {
public:
  /// `numThreads` counts the calling thread; 0 means hardware concurrency.
  explicit ThreadPool(unsigned numThreads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  unsigned size() const { return numThreads_; }

  /// Runs fn(begin, end) over disjoint ranges covering [0, n), each at least
  /// `grain` long unless n < grain, and returns when all are done.
  void parallelFor(int64_t n, const std::function<void(int64_t, int64_t)> &fn,
                   int64_t grain = 1);

private:
  void workerLoop(unsigned index);

  unsigned numThreads_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  // Current job, written under mutex_ before generation_ is bumped.
  const std::function<void(int64_t, int64_t)> *job_ = nullptr;
  int64_t jobSize_ = 0;
  unsigned jobChunks_ = 0;
  // Atomic so workers and the caller can spin on them briefly before
  // sleeping: a decode step is dozens of short parallel loops, and a
  // condition-variable wake-up per loop costs more than the loop.
  std::atomic<uint64_t> generation_{0};
  std::atomic<unsigned> pending_{0};
  bool stopping_ = false;
};

} // namespace sgl::kernels

#endif // SGL_KERNELS_CPU_THREADPOOL_H

//===- ThreadPool.cpp - Fixed-size worker pool for CPU kernels ------------===//
#include "kernels/cpu/ThreadPool.h"

#include <algorithm>
#include <cassert>

namespace sgl::kernels {

namespace {
/// How long a waiting thread polls before it blocks: about 0.1 ms, far more
/// than the gap between two kernels of a decode step, far less than the gap
/// between requests.
constexpr int kSpinIterations = 2048;

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/// Polls `done` up to kSpinIterations times; true once it holds.
template <typename Pred> bool spinUntil(Pred done) {
  for (int i = 0; i < kSpinIterations; ++i) {
    if (done())
      return true;
    cpuRelax();
  }
  return false;
}

/// Bounds of chunk `i` of `chunks` equal parts of [0, n).
std::pair<int64_t, int64_t> chunkRange(int64_t n, unsigned chunks, unsigned i) {
  int64_t begin = n * i / chunks;
  int64_t end = n * (i + 1) / chunks;
  return {begin, end};
}
} // namespace

ThreadPool::ThreadPool(unsigned numThreads) {
  if (numThreads == 0)
    numThreads = std::max(1u, std::thread::hardware_concurrency());
  numThreads_ = numThreads;
  for (unsigned i = 1; i < numThreads_; ++i)
    workers_.emplace_back([this, i] { workerLoop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread &t : workers_)
    t.join();
}

void ThreadPool::parallelFor(int64_t n,
                             const std::function<void(int64_t, int64_t)> &fn,
                             int64_t grain) {
  if (n <= 0)
    return;
  grain = std::max<int64_t>(1, grain);
  unsigned chunks =
      static_cast<unsigned>(std::clamp<int64_t>(n / grain, 1, numThreads_));
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    assert(job_ == nullptr && "ThreadPool::parallelFor is not reentrant");
    job_ = &fn;
    jobSize_ = n;
    jobChunks_ = chunks;
    pending_.store(chunks - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  auto [begin, end] = chunkRange(n, chunks, 0);
  fn(begin, end);
  auto finished = [this] {
    return pending_.load(std::memory_order_acquire) == 0;
  };
  if (!spinUntil(finished)) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, finished);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  job_ = nullptr;
}

void ThreadPool::workerLoop(unsigned index) {
  uint64_t seen = 0;
  while (true) {
    const std::function<void(int64_t, int64_t)> *job;
    int64_t n;
    unsigned chunks;
    auto published = [&] {
      return generation_.load(std::memory_order_acquire) != seen;
    };
    spinUntil(published);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || published(); });
      if (stopping_)
        return;
      seen = generation_.load(std::memory_order_relaxed);
      job = job_;
      n = jobSize_;
      chunks = jobChunks_;
    }
    if (index >= chunks)
      continue;
    auto [begin, end] = chunkRange(n, chunks, index);
    (*job)(begin, end);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // Taking the mutex orders this notify after a caller that checked
      // pending_ under it and went to sleep.
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
    }
  }
}

} // namespace sgl::kernels

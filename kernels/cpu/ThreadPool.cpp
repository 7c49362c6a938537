//===- ThreadPool.cpp - Fixed-size worker pool for CPU kernels ------------===//
#include "kernels/cpu/ThreadPool.h"

#include <algorithm>
#include <cassert>

namespace sgl::kernels {

namespace {
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
    pending_ = chunks - 1;
    ++generation_;
  }
  wake_.notify_all();
  auto [begin, end] = chunkRange(n, chunks, 0);
  fn(begin, end);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
  job_ = nullptr;
}

void ThreadPool::workerLoop(unsigned index) {
  uint64_t seen = 0;
  while (true) {
    const std::function<void(int64_t, int64_t)> *job;
    int64_t n;
    unsigned chunks;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_)
        return;
      seen = generation_;
      job = job_;
      n = jobSize_;
      chunks = jobChunks_;
    }
    if (index >= chunks)
      continue;
    auto [begin, end] = chunkRange(n, chunks, index);
    (*job)(begin, end);
    bool last;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      last = --pending_ == 0;
    }
    if (last)
      done_.notify_one();
  }
}

} // namespace sgl::kernels

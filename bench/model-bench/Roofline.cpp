//===- Roofline.cpp - What this machine can do at best --------------------===//

#include "bench/model-bench/Roofline.h"

#include <cblas.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace sgl::bench {

namespace {

using Clock = std::chrono::steady_clock;

/// 1 GiB: far larger than any cache, small enough for a CI machine.
constexpr int64_t kStreamFloats = int64_t{256} << 20;

/// Sums a range with several independent accumulators so the loop is
/// limited by loads, not by the add latency.
__attribute__((target_clones("arch=x86-64-v3", "default"))) float
streamSum(const float *data, int64_t n) {
  float acc[16] = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int k = 0; k < 16; ++k)
      acc[k] += data[i + k];
  float total = 0;
  for (; i < n; ++i)
    total += data[i];
  for (float a : acc)
    total += a;
  return total;
}

} // namespace

RooflineMeter::HugeBuffer::HugeBuffer(size_t size) : bytes(size) {
  void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    std::perror("sgl-model-bench: mmap");
    std::exit(1);
  }
  madvise(p, bytes, MADV_HUGEPAGE); // a hint; fine if refused
  data = static_cast<float *>(p);
  std::fill(data, data + bytes / sizeof(float), 1.0f);
}

RooflineMeter::HugeBuffer::~HugeBuffer() { munmap(data, bytes); }

RooflineMeter::RooflineMeter(unsigned threads, int64_t tokens, int64_t hidden,
                             int64_t intermediate)
    : threads_(threads), pool_(threads), stream_(kStreamFloats * sizeof(float)),
      tokens_(tokens), hidden_(hidden), intermediate_(intermediate),
      x_(static_cast<size_t>(tokens * hidden), 0.5f),
      w_(static_cast<size_t>(intermediate * hidden), 0.25f),
      y_(static_cast<size_t>(tokens * intermediate)) {}

double RooflineMeter::readBandwidth() {
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    std::atomic<int64_t> sum{0};
    auto start = Clock::now();
    pool_.parallelFor(
        kStreamFloats,
        [&](int64_t begin, int64_t end) {
          sum += static_cast<int64_t>(
              streamSum(stream_.data + begin, end - begin));
        },
        /*grain=*/int64_t{1} << 20);
    double seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    if (sum.load() != kStreamFloats)
      return 0; // the sum proves every byte was read
    best = std::max(best, static_cast<double>(kStreamFloats) * sizeof(float) /
                              seconds);
  }
  return best;
}

double RooflineMeter::sgemmFlops() {
  openblas_set_num_threads(static_cast<int>(threads_));
  double flops = 2.0 * static_cast<double>(tokens_ * hidden_ * intermediate_);
  // Small shapes finish in microseconds: repeat until a run takes ~20 ms.
  int64_t inner = 1;
  double best = 0;
  for (int rep = 0; rep < 12; ++rep) {
    auto start = Clock::now();
    for (int64_t i = 0; i < inner; ++i)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                  static_cast<int>(tokens_), static_cast<int>(intermediate_),
                  static_cast<int>(hidden_), 1.0f, x_.data(),
                  static_cast<int>(hidden_), w_.data(),
                  static_cast<int>(hidden_), 0.0f, y_.data(),
                  static_cast<int>(intermediate_));
    double seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    best = std::max(best, flops * static_cast<double>(inner) / seconds);
    if (seconds < 0.02)
      inner *= 2;
  }
  return best;
}

} // namespace sgl::bench

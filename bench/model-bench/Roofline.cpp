//===- Roofline.cpp - What this machine can do at best --------------------===//

#include "bench/model-bench/Roofline.h"

#include "kernels/cpu/ThreadPool.h"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <vector>

namespace sgl::bench {

namespace {

using Clock = std::chrono::steady_clock;

/// Sums a range with several independent accumulators so the loop is
/// limited by loads, not by the add latency; the AVX2 clone reads 32 bytes
/// per load.
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

double measureBandwidth(kernels::ThreadPool &pool) {
  // Far larger than any cache, small enough for a CI machine.
  constexpr int64_t kFloats = int64_t{256} << 20; // 1 GiB
  std::vector<float> buffer(kFloats, 1.0f);
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    std::atomic<int64_t> sink{0};
    auto start = Clock::now();
    pool.parallelFor(
        kFloats,
        [&](int64_t begin, int64_t end) {
          sink += static_cast<int64_t>(streamSum(buffer.data() + begin, end - begin));
        },
        /*grain=*/int64_t{1} << 20);
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (sink.load() != kFloats)
      return 0; // the sum is the check that every byte was read
    best = std::max(best, static_cast<double>(kFloats) * sizeof(float) / seconds);
  }
  return best;
}

double measureSgemm(unsigned threads, int64_t tokens, int64_t hidden, int64_t intermediate) {
  openblas_set_num_threads(static_cast<int>(threads));
  std::vector<float> x(static_cast<size_t>(tokens * hidden), 0.5f);
  std::vector<float> w(static_cast<size_t>(intermediate * hidden), 0.25f);
  std::vector<float> y(static_cast<size_t>(tokens * intermediate));
  double flops = 2.0 * static_cast<double>(tokens * hidden * intermediate);
  // Small shapes finish in microseconds: repeat until a run takes ~50 ms.
  int64_t inner = 1;
  double best = 0;
  for (int rep = 0; rep < 8; ++rep) {
    auto start = Clock::now();
    for (int64_t i = 0; i < inner; ++i)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(tokens),
                  static_cast<int>(intermediate), static_cast<int>(hidden), 1.0f, x.data(),
                  static_cast<int>(hidden), w.data(), static_cast<int>(hidden), 0.0f, y.data(),
                  static_cast<int>(intermediate));
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    best = std::max(best, flops * static_cast<double>(inner) / seconds);
    if (seconds < 0.05)
      inner *= 2;
  }
  return best;
}

} // namespace

Roofline measureRoofline(unsigned threads, int64_t tokens, int64_t hidden,
                         int64_t intermediate) {
  kernels::ThreadPool pool(threads);
  Roofline roof;
  roof.bytesPerSecond = measureBandwidth(pool);
  roof.flopsPerSecond = measureSgemm(threads, tokens, hidden, intermediate);
  return roof;
}

} // namespace sgl::bench

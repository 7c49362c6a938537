//===- KernelsTest.cpp - CPU kernels against naive loops ------------------===//
#include "kernels/cpu/CpuKernels.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <random>
#include <vector>

namespace sgl::kernels {
namespace {

std::vector<float> randomVector(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

uint16_t truncateToBF16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return static_cast<uint16_t>(bits >> 16);
}

TEST(ThreadPoolTest, CoversEveryIndexExactlyOnce) {
  ThreadPool pool(3);
  for (int64_t n : {1, 2, 3, 7, 100, 1001}) {
    std::vector<std::atomic<int>> hits(n);
    pool.parallelFor(n, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        hits[i]++;
    });
    for (int64_t i = 0; i < n; ++i)
      ASSERT_EQ(hits[i].load(), 1) << "n=" << n << " i=" << i;
  }
}

TEST(ThreadPoolTest, RespectsGrain) {
  ThreadPool pool(4);
  std::atomic<int> calls{0};
  pool.parallelFor(20, [&](int64_t b, int64_t e) { calls++; }, 16);
  EXPECT_EQ(calls.load(), 1);
  std::atomic<int64_t> shortest{1000};
  pool.parallelFor(
      100,
      [&](int64_t b, int64_t e) {
        calls++;
        int64_t len = e - b, cur = shortest.load();
        while (len < cur && !shortest.compare_exchange_weak(cur, len)) {
        }
      },
      30);
  EXPECT_EQ(calls.load(), 1 + 3);
  EXPECT_GE(shortest.load(), 30);
}

/// matmul for 1 token (matvec) and several (sgemm / blocked bf16) against a
/// naive double-precision loop, with odd sizes to hit the scalar tails.
class MatMulTest
    : public ::testing::TestWithParam<std::tuple<WeightType, int>> {};

TEST_P(MatMulTest, MatchesNaive) {
  auto [type, tokens] = GetParam();
  const int64_t rows = 67, cols = 45;
  ThreadPool pool(2);
  std::vector<float> wf = randomVector(rows * cols, 1);
  std::vector<uint16_t> wb(wf.size());
  for (size_t i = 0; i < wf.size(); ++i) {
    wb[i] = truncateToBF16(wf[i]);
    if (type == WeightType::BF16)
      wf[i] = bf16ToF32(wb[i]);
  }
  MatrixView w{type == WeightType::F32 ? static_cast<const void *>(wf.data())
                                       : static_cast<const void *>(wb.data()),
               type, rows, cols};
  std::vector<float> x = randomVector(tokens * cols, 2);
  std::vector<float> y(tokens * rows, -999.0f);
  matmul(pool, x.data(), tokens, w, y.data());
  for (int t = 0; t < tokens; ++t)
    for (int64_t r = 0; r < rows; ++r) {
      double want = 0;
      for (int64_t c = 0; c < cols; ++c)
        want += double(x[t * cols + c]) * wf[r * cols + c];
      ASSERT_NEAR(y[t * rows + r], want, 1e-4) << "t=" << t << " r=" << r;
    }
}

INSTANTIATE_TEST_SUITE_P(Kernels, MatMulTest,
                         ::testing::Combine(::testing::Values(WeightType::F32,
                                                              WeightType::BF16),
                                            ::testing::Values(1, 5)));

TEST(KernelsTest, RmsNormSoftmaxSiluRope) {
  std::vector<float> x = {1, 2, 3, 4}, w = {1, 0.5f, 2, 1}, out(4);
  rmsNorm(x.data(), w.data(), 4, 0.0f, out.data());
  float inv = 1.0f / std::sqrt(7.5f);
  EXPECT_NEAR(out[1], 2 * inv * 0.5f, 1e-6);
  EXPECT_NEAR(out[2], 3 * inv * 2, 1e-6);

  std::vector<float> s = {1, 2, 3};
  softmax(s.data(), 3);
  EXPECT_NEAR(s[0] + s[1] + s[2], 1.0f, 1e-6);
  EXPECT_NEAR(s[2] / s[1], std::exp(1.0f), 1e-5);

  float g = 0.7f, u = 3.0f, o;
  siluMul(&g, &u, &o, 1);
  EXPECT_NEAR(o, 0.7f / (1 + std::exp(-0.7f)) * 3.0f, 1e-6);

  // rotate_half pairs element i with i + D/2: one head of D = 4.
  std::vector<float> head = {1, 2, 3, 4};
  float c[2] = {0.0f, 1.0f}, sn[2] = {1.0f, 0.0f};
  applyRope(head.data(), 1, 4, c, sn);
  EXPECT_FLOAT_EQ(head[0], -3); // 1*cos0 - 3*sin0
  EXPECT_FLOAT_EQ(head[2], 1);  // 3*cos0 + 1*sin0
  EXPECT_FLOAT_EQ(head[1], 2);
  EXPECT_FLOAT_EQ(head[3], 4);
}

TEST(KernelsTest, AttentionIsCausalAndGrouped) {
  // 2 query heads share 1 kv head; 3 positions, D = 2.
  ThreadPool pool(2);
  AttentionShape s{3, 0, 2, 1, 2, 1.0f};
  std::vector<float> q = {1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1};
  std::vector<float> k = {1, 0, 0, 1, 5, 5};
  std::vector<float> v = {10, 0, 0, 10, 7, 7};
  std::vector<float> out(12);
  attention(pool, s, q.data(), k.data(), v.data(), out.data());
  // Token 0 sees only position 0.
  EXPECT_FLOAT_EQ(out[0], 10);
  EXPECT_FLOAT_EQ(out[1], 0);
  EXPECT_FLOAT_EQ(out[2], 10);
  // Token 1, head 0: scores (1, 0) over positions 0, 1.
  float p0 = std::exp(1.0f) / (std::exp(1.0f) + 1.0f);
  EXPECT_NEAR(out[4], 10 * p0, 1e-5);
  EXPECT_NEAR(out[5], 10 * (1 - p0), 1e-5);
  // Token 2 attends mostly to position 2 (score 5).
  EXPECT_GT(out[8], 6.9f);
}

} // namespace
} // namespace sgl::kernels

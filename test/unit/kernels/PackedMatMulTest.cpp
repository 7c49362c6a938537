//===- PackedMatMulTest.cpp - Batch-invariant packed matmul tests ---------===//
//
// Accuracy against a double-precision reference, and the property the kernel
// exists for: a row's result is bit-identical (memcmp) whatever batch it is
// in, wherever it sits in that batch and however many threads run the call.
// Every test runs once per instruction set this CPU supports, since each
// has its own micro-kernels.
//
//===----------------------------------------------------------------------===//
#include "kernels/cpu/PackedMatMul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace sgl::kernels;

namespace {

/// Weights in either storage type, with their exact fp32 values for the
/// reference.
struct Weights {
  int64_t n = 0, k = 0;
  WeightType type = WeightType::F32;
  std::vector<float> f32;
  std::vector<uint16_t> bf16;
  std::vector<float> exact; // the value each element stands for

  MatrixView view() const {
    return {type == WeightType::F32 ? static_cast<const void *>(f32.data())
                                    : static_cast<const void *>(bf16.data()),
            type, n, k};
  }
};

Weights randomWeights(int64_t n, int64_t k, WeightType type, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Weights w;
  w.n = n;
  w.k = k;
  w.type = type;
  w.exact.resize(static_cast<size_t>(n * k));
  if (type == WeightType::F32) {
    w.f32.resize(w.exact.size());
    for (size_t i = 0; i < w.exact.size(); ++i)
      w.f32[i] = w.exact[i] = dist(rng);
  } else {
    w.bf16.resize(w.exact.size());
    for (size_t i = 0; i < w.exact.size(); ++i) {
      float v = dist(rng);
      uint32_t bits;
      std::memcpy(&bits, &v, sizeof(bits));
      w.bf16[i] = static_cast<uint16_t>(bits >> 16); // truncation is fine
      w.exact[i] = bf16ToF32(w.bf16[i]);
    }
  }
  return w;
}

std::vector<float> randomRows(int64_t rows, int64_t k, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> x(static_cast<size_t>(rows * k));
  for (float &v : x)
    v = dist(rng);
  return x;
}

std::vector<float> run(ThreadPool &pool, const std::vector<float> &x,
                       int64_t rows, const PackedMatrix &w) {
  std::vector<float> y(static_cast<size_t>(rows * w.rows()), NAN);
  matmulPacked(pool, x.data(), rows, w, y.data());
  return y;
}

/// The instruction sets this CPU can run; each test iterates over them and
/// restores the default afterwards.
class PackedMatMulTest : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    original_ = packedMatMulIsa();
    if (!setPackedMatMulIsaForTesting(GetParam().c_str()))
      GTEST_SKIP() << GetParam() << " not supported by this CPU";
  }
  void TearDown() override { setPackedMatMulIsaForTesting(original_.c_str()); }
  std::string original_;
};

void expectNearReference(ThreadPool &pool, int64_t n, int64_t k, int64_t rows,
                         WeightType type, uint32_t seed) {
  SCOPED_TRACE("n=" + std::to_string(n) + " k=" + std::to_string(k) +
               " rows=" + std::to_string(rows) +
               (type == WeightType::F32 ? " f32" : " bf16"));
  Weights w = randomWeights(n, k, type, seed);
  PackedMatrix packed = PackedMatrix::pack(w.view(), pool);
  ASSERT_EQ(packed.rows(), n);
  ASSERT_EQ(packed.cols(), k);
  ASSERT_EQ(packed.type(), type);
  std::vector<float> x = randomRows(rows, k, seed + 1);
  std::vector<float> y = run(pool, x, rows, packed);
  // A k-term fp32 chain errs by at most about k·u·Σ|x·w| (u = 2^-24).
  for (int64_t t = 0; t < rows; ++t)
    for (int64_t j = 0; j < n; ++j) {
      double ref = 0, mag = 0;
      for (int64_t kk = 0; kk < k; ++kk) {
        double term = static_cast<double>(x[t * k + kk]) * w.exact[j * k + kk];
        ref += term;
        mag += std::fabs(term);
      }
      double tol = 2.0 * static_cast<double>(k) * 0x1p-24 * mag + 1e-30;
      ASSERT_NEAR(y[t * n + j], ref, tol) << "row " << t << " col " << j;
    }
}

TEST_P(PackedMatMulTest, MatchesDoubleReference) {
  ThreadPool pool(2);
  for (WeightType type : {WeightType::F32, WeightType::BF16}) {
    uint32_t seed = 1;
    // N < panel width, odd N and K, K not a multiple of any unroll or
    // vector width, several panels with a partial last one.
    for (auto [n, k] : std::vector<std::pair<int64_t, int64_t>>{
             {1, 1}, {7, 3}, {31, 17}, {32, 32}, {33, 65}, {97, 257}}) {
      for (int64_t rows : {1, 3, 8, 13, 20})
        expectNearReference(pool, n, k, rows, type, seed++);
    }
    expectNearReference(pool, 45, 1031, 9, type, seed++);
  }
}

TEST_P(PackedMatMulTest, HonoursRowStrides) {
  ThreadPool pool(2);
  const int64_t n = 40, k = 19, rows = 11, xs = 23, ys = 47;
  Weights w = randomWeights(n, k, WeightType::F32, 7);
  PackedMatrix packed = PackedMatrix::pack(w.view(), pool);
  std::vector<float> dense = randomRows(rows, k, 8);
  std::vector<float> strided(static_cast<size_t>(rows * xs), NAN);
  for (int64_t t = 0; t < rows; ++t)
    std::copy(dense.begin() + t * k, dense.begin() + (t + 1) * k,
              strided.begin() + t * xs);
  std::vector<float> want = run(pool, dense, rows, packed);
  std::vector<float> got(static_cast<size_t>(rows * ys), -1.0f);
  matmulPacked(pool, strided.data(), rows, packed, got.data(), xs, ys);
  for (int64_t t = 0; t < rows; ++t) {
    EXPECT_EQ(0, std::memcmp(&got[t * ys], &want[t * n], sizeof(float) * n));
    for (int64_t j = n; j < ys; ++j)
      EXPECT_EQ(got[t * ys + j], -1.0f) << "wrote past the row";
  }
}

/// Every row of every batch must equal, bit for bit, the same row computed
/// alone on one thread.
void expectBatchInvariant(WeightType type) {
  SCOPED_TRACE(type == WeightType::F32 ? "f32" : "bf16");
  const int64_t n = 200, k = 67, poolRows = 300; // 7 panels, the last partial
  ThreadPool one(1), two(2), three(3);
  ThreadPool *pools[] = {&one, &two, &three};
  Weights w = randomWeights(n, k, type, 11);
  PackedMatrix packed = PackedMatrix::pack(w.view(), two);
  std::vector<float> x = randomRows(poolRows, k, 12);

  std::vector<float> alone(static_cast<size_t>(poolRows * n));
  for (int64_t r = 0; r < poolRows; ++r)
    matmulPacked(one, &x[r * k], 1, packed, &alone[r * n]);

  std::mt19937 rng(13);
  std::vector<int64_t> sizes(70);
  std::iota(sizes.begin(), sizes.end(), 1);
  sizes.push_back(129);
  sizes.push_back(300);
  std::vector<int64_t> order(static_cast<size_t>(poolRows));
  for (int64_t m : sizes) {
    // Two batches of m rows: a contiguous window (rows at shifted indices)
    // and a random selection in random order.
    for (int variant = 0; variant < 2; ++variant) {
      std::iota(order.begin(), order.end(), 0);
      if (variant == 0)
        std::rotate(order.begin(), order.begin() + (m * 37) % poolRows,
                    order.end());
      else
        std::shuffle(order.begin(), order.end(), rng);
      std::vector<float> batch(static_cast<size_t>(m * k));
      for (int64_t i = 0; i < m; ++i)
        std::copy(x.begin() + order[i] * k, x.begin() + (order[i] + 1) * k,
                  batch.begin() + i * k);
      ThreadPool &pool = *pools[(m + variant) % 3];
      std::vector<float> y = run(pool, batch, m, packed);
      for (int64_t i = 0; i < m; ++i)
        ASSERT_EQ(
            0, std::memcmp(&y[i * n], &alone[order[i] * n], sizeof(float) * n))
            << "row " << order[i] << " at index " << i << " of " << m
            << " rows, " << pool.size() << " threads";
    }
  }
}

TEST_P(PackedMatMulTest, BitIdenticalAcrossBatchesAndThreadsF32) {
  expectBatchInvariant(WeightType::F32);
}

TEST_P(PackedMatMulTest, BitIdenticalAcrossBatchesAndThreadsBF16) {
  expectBatchInvariant(WeightType::BF16);
}

TEST_P(PackedMatMulTest, EdgeCases) {
  ThreadPool pool(2);
  // numRows 0 writes nothing.
  Weights w = randomWeights(5, 4, WeightType::F32, 21);
  PackedMatrix packed = PackedMatrix::pack(w.view(), pool);
  float untouched = 42.0f;
  matmulPacked(pool, nullptr, 0, packed, &untouched);
  EXPECT_EQ(untouched, 42.0f);

  // N = 1, K = 1: one product.
  for (WeightType type : {WeightType::F32, WeightType::BF16}) {
    Weights tiny = randomWeights(1, 1, type, 22);
    PackedMatrix p = PackedMatrix::pack(tiny.view(), pool);
    EXPECT_EQ(p.numPanels(), 1);
    std::vector<float> x = {3.0f, -0.5f};
    std::vector<float> y = run(pool, x, 2, p);
    EXPECT_EQ(y[0], 3.0f * tiny.exact[0]);
    EXPECT_EQ(y[1], -0.5f * tiny.exact[0]);
  }

  // K = 0: an empty sum.
  PackedMatrix noInputs =
      PackedMatrix::pack(MatrixView{nullptr, WeightType::F32, 3, 0}, pool);
  EXPECT_EQ(noInputs.bytes(), 0u);
  std::vector<float> y(6, NAN);
  matmulPacked(pool, nullptr, 2, noInputs, y.data());
  for (float v : y)
    EXPECT_EQ(v, 0.0f);

  // Moving keeps the buffer; the moved-from matrix is empty.
  PackedMatrix moved = std::move(packed);
  EXPECT_TRUE(packed.empty());
  EXPECT_EQ(moved.rows(), 5);
  EXPECT_EQ(moved.bytes(), 32u * 4u * sizeof(float));
}

INSTANTIATE_TEST_SUITE_P(Isa, PackedMatMulTest,
                         ::testing::Values("avx512", "avx2", "generic"),
                         [](const auto &info) { return info.param; });

} // namespace

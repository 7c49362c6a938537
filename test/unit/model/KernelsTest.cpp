//===- KernelsTest.cpp - CPU kernels against naive loops ------------------===//
#include "kernels/cpu/CpuKernels.h"
#include "kernels/cpu/PagedAttention.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <numeric>
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

/// A KV pool of `numPages` pages, every slot NaN until written: a read of a
/// slot the page table does not name poisons the result.
struct TestPool {
  TestPool(int32_t numPages, int64_t pageSize, int64_t kvDim)
      : keys(numPages * pageSize * kvDim, std::nanf("")),
        values(keys.size(), std::nanf("")) {
    layer = {keys.data(), values.data(), pageSize, kvDim};
  }
  std::vector<float> keys, values;
  PagedKVLayer layer;
};

/// One sequence of an attention test: its keys and values by position, and
/// the new tokens (queries) at positions start .. length - 1.
struct TestSequence {
  int64_t length = 0, start = 0;
  std::vector<float> keys, values; // [length, kvDim]
  std::vector<int32_t> pages;      // filled by layOut
};

/// Gives every sequence shuffled page ids of a pool of `pageSize` (with
/// spare pages left unused) and writes its keys and values into them.
TestPool layOut(std::vector<TestSequence> &seqs, int64_t pageSize,
                int64_t kvDim, uint32_t seed) {
  int32_t needed = 0;
  for (const TestSequence &s : seqs)
    needed += static_cast<int32_t>((s.length + pageSize - 1) / pageSize);
  const int32_t numPages = needed + 3;
  std::vector<int32_t> ids(numPages);
  std::iota(ids.begin(), ids.end(), 0);
  std::shuffle(ids.begin(), ids.end(), std::mt19937(seed));
  TestPool pool(numPages, pageSize, kvDim);
  size_t next = 0;
  for (TestSequence &s : seqs) {
    s.pages.assign(ids.begin() + next,
                   ids.begin() + next + (s.length + pageSize - 1) / pageSize);
    next += s.pages.size();
    for (int64_t p = 0; p < s.length; ++p) {
      std::copy_n(s.keys.data() + p * kvDim, kvDim,
                  pool.layer.keySlot(s.pages[p / pageSize], p % pageSize));
      std::copy_n(s.values.data() + p * kvDim, kvDim,
                  pool.layer.valueSlot(s.pages[p / pageSize], p % pageSize));
    }
  }
  return pool;
}

/// The batch of `seqs`' new tokens and each token's sequence.
ForwardBatchBuilder buildBatch(const std::vector<TestSequence> &seqs,
                               int64_t pageSize,
                               std::vector<int32_t> &tokenSeq) {
  ForwardBatchBuilder b;
  tokenSeq.clear();
  for (size_t i = 0; i < seqs.size(); ++i) {
    const TestSequence &s = seqs[i];
    std::vector<int32_t> tokens(s.length - s.start, 0);
    b.addSequence(tokens, s.start, s.pages, pageSize, /*lastLogits=*/false);
    tokenSeq.insert(tokenSeq.end(), tokens.size(), static_cast<int32_t>(i));
  }
  return b;
}

TestSequence randomSequence(int64_t length, int64_t start, int64_t kvDim,
                            uint32_t seed) {
  TestSequence s;
  s.length = length;
  s.start = start;
  s.keys = randomVector(length * kvDim, seed);
  s.values = randomVector(length * kvDim, seed + 1);
  return s;
}

/// Causal GQA attention of one query head in double precision.
void naiveAttention(const AttentionHeads &h, const TestSequence &s, int64_t pos,
                    int64_t head, const float *q, double *out) {
  const int64_t d = h.headDim, kvDim = h.numKVHeads * d;
  const int64_t kvHead = head / (h.numHeads / h.numKVHeads);
  std::vector<double> scores(pos + 1);
  double mx = -1e300;
  for (int64_t j = 0; j <= pos; ++j) {
    double dot = 0;
    for (int64_t i = 0; i < d; ++i)
      dot += double(q[i]) * s.keys[j * kvDim + kvHead * d + i];
    scores[j] = dot * h.scale;
    mx = std::max(mx, scores[j]);
  }
  double z = 0;
  for (double &x : scores)
    z += (x = std::exp(x - mx));
  for (int64_t i = 0; i < d; ++i) {
    double acc = 0;
    for (int64_t j = 0; j <= pos; ++j)
      acc += scores[j] * s.values[j * kvDim + kvHead * d + i];
    out[i] = acc / z;
  }
}

/// pagedAttention over a ragged batch (a prefill chunk after a cached
/// prefix, a decode step, a short prompt from position 0), its pages
/// shuffled, against the naive loop; for pages smaller and larger than the
/// key block, and sequences longer than several key blocks.
class PagedAttentionVsNaiveTest : public ::testing::TestWithParam<int64_t> {};

TEST_P(PagedAttentionVsNaiveTest, MatchesNaive) {
  const int64_t pageSize = GetParam();
  // 6 query heads over 2 kv heads; head_dim 36 leaves SIMD tails.
  const AttentionHeads h{6, 2, 36, 1.0f / std::sqrt(36.0f)};
  const int64_t kvDim = h.numKVHeads * h.headDim, qDim = h.numHeads * h.headDim;
  std::vector<TestSequence> seqs = {
      randomSequence(2 * kAttentionKeyBlock + 13, 50, kvDim, 10),
      randomSequence(3 * kAttentionKeyBlock + 1, 3 * kAttentionKeyBlock, kvDim,
                     20),
      randomSequence(5, 0, kvDim, 30)};
  TestPool pool = layOut(seqs, pageSize, kvDim, 7);
  std::vector<int32_t> tokenSeq;
  ForwardBatchBuilder batch = buildBatch(seqs, pageSize, tokenSeq);
  const int64_t numTokens = batch.view().numTokens();
  ASSERT_EQ(numTokens, (77 - 50) + 1 + 5);
  std::vector<float> q = randomVector(numTokens * qDim, 40);
  std::vector<float> out(numTokens * qDim, -999.0f);
  ThreadPool threads(3);
  pagedAttention(threads, h, batch.view(), tokenSeq, pool.layer, q.data(),
                 out.data());
  std::vector<double> want(h.headDim);
  for (int64_t t = 0; t < numTokens; ++t)
    for (int64_t head = 0; head < h.numHeads; ++head) {
      const float *qh = q.data() + t * qDim + head * h.headDim;
      naiveAttention(h, seqs[tokenSeq[t]], batch.positions[t], head, qh,
                     want.data());
      for (int64_t i = 0; i < h.headDim; ++i)
        ASSERT_NEAR(out[t * qDim + head * h.headDim + i], want[i], 1e-5)
            << "token " << t << " head " << head << " i " << i;
    }
}

INSTANTIATE_TEST_SUITE_P(Kernels, PagedAttentionVsNaiveTest,
                         ::testing::Values(int64_t{5}, int64_t{64}));

// Batch invariance at the kernel: a query's output is bit-identical
// whatever the page size, the page ids, the other sequences of the batch
// and how many threads split the work.
TEST(PagedAttentionTest, BitIdenticalWhateverThePages) {
  const AttentionHeads h{4, 1, 40, 1.0f / std::sqrt(40.0f)};
  const int64_t kvDim = h.numKVHeads * h.headDim, qDim = h.numHeads * h.headDim;
  const TestSequence target = randomSequence(100, 90, kvDim, 50);
  const int64_t n = target.length - target.start;
  const std::vector<float> q = randomVector(n * qDim, 60);

  auto run = [&](int64_t pageSize, uint32_t seed, bool withOthers,
                 unsigned numThreads) {
    std::vector<TestSequence> seqs;
    if (withOthers)
      seqs.push_back(randomSequence(40, 10, kvDim, 70));
    seqs.push_back(target);
    if (withOthers)
      seqs.push_back(randomSequence(7, 6, kvDim, 80));
    TestPool pool = layOut(seqs, pageSize, kvDim, seed);
    std::vector<int32_t> tokenSeq;
    ForwardBatchBuilder batch = buildBatch(seqs, pageSize, tokenSeq);
    const int64_t before = withOthers ? 30 : 0;
    std::vector<float> allQ = randomVector(batch.tokens.size() * qDim, 90);
    std::copy(q.begin(), q.end(), allQ.begin() + before * qDim);
    std::vector<float> out(allQ.size());
    ThreadPool threads(numThreads);
    pagedAttention(threads, h, batch.view(), tokenSeq, pool.layer, allQ.data(),
                   out.data());
    return std::vector<float>(out.begin() + before * qDim,
                              out.begin() + (before + n) * qDim);
  };

  const std::vector<float> base = run(16, 1, false, 1);
  for (float x : base)
    ASSERT_TRUE(std::isfinite(x));
  struct Case {
    int64_t pageSize;
    uint32_t seed;
    bool withOthers;
    unsigned threads;
  };
  for (Case c :
       {Case{16, 2, false, 1}, Case{1, 3, false, 2}, Case{7, 4, true, 3},
        Case{32, 5, true, 1}, Case{128, 6, true, 4}}) {
    std::vector<float> got = run(c.pageSize, c.seed, c.withOthers, c.threads);
    ASSERT_EQ(got.size(), base.size());
    EXPECT_EQ(std::memcmp(got.data(), base.data(), base.size() * sizeof(float)),
              0)
        << "page size " << c.pageSize << ", seed " << c.seed
        << (c.withOthers ? ", batched" : ", alone") << ", " << c.threads
        << " threads";
  }
}

} // namespace
} // namespace sgl::kernels

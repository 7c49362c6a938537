//===- PagedAttention.cpp - Causal GQA attention through page tables ------===//
#include "kernels/cpu/PagedAttention.h"

#include "kernels/cpu/CpuKernels.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

// The accumulations vectorize; the best clone for the CPU is picked once at
// load (not under TSan, whose ifunc resolvers would run before it is up).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(__SANITIZE_THREAD__)
#define SGL_ATTENTION_CLONES                                                   \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SGL_ATTENTION_CLONES
#endif

namespace sgl::kernels {

namespace {

/// One query head over keys 0 .. numKeys - 1 of one sequence.
SGL_ATTENTION_CLONES void
attendOne(const AttentionHeads &h, const PagedKVLayer &kv, const int32_t *pages,
          int64_t numKeys, int64_t kvHead, const float *q, float *out) {
  const int64_t d = h.headDim, ps = kv.pageSize, offset = kvHead * d;
  float acc[kMaxAttentionHeadDim];
  float scores[kAttentionKeyBlock];
  std::fill(acc, acc + d, 0.0f);
  float runningMax = -std::numeric_limits<float>::infinity();
  float runningSum = 0.0f;
  for (int64_t j0 = 0; j0 < numKeys; j0 += kAttentionKeyBlock) {
    const int64_t nb = std::min(kAttentionKeyBlock, numKeys - j0);
    float blockMax = -std::numeric_limits<float>::infinity();
    for (int64_t j = 0; j < nb; ++j) {
      const int64_t pos = j0 + j;
      const float *key = kv.keySlot(pages[pos / ps], pos % ps) + offset;
      scores[j] = dotF32(q, key, d) * h.scale;
      blockMax = std::max(blockMax, scores[j]);
    }
    const float newMax = std::max(runningMax, blockMax);
    const float rescale = std::exp(runningMax - newMax);
    runningSum *= rescale;
    for (int64_t i = 0; i < d; ++i)
      acc[i] *= rescale;
    for (int64_t j = 0; j < nb; ++j) {
      const int64_t pos = j0 + j;
      const float p = std::exp(scores[j] - newMax);
      runningSum += p;
      const float *value = kv.valueSlot(pages[pos / ps], pos % ps) + offset;
      for (int64_t i = 0; i < d; ++i)
        acc[i] += p * value[i];
    }
    runningMax = newMax;
  }
  const float inv = 1.0f / runningSum;
  for (int64_t i = 0; i < d; ++i)
    out[i] = acc[i] * inv;
}

} // namespace

void pagedAttention(ThreadPool &pool, const AttentionHeads &h,
                    const ForwardBatch &batch,
                    std::span<const int32_t> tokenSeq, const PagedKVLayer &kv,
                    const float *q, float *out) {
  assert(h.numKVHeads > 0 && h.numHeads % h.numKVHeads == 0 &&
         "query heads must be a multiple of kv heads");
  assert(h.headDim <= kMaxAttentionHeadDim && "head_dim too large");
  const int64_t group = h.numHeads / h.numKVHeads;
  const int64_t stride = h.numHeads * h.headDim;
  pool.parallelFor(batch.numTokens() * h.numHeads, [&](int64_t i0, int64_t i1) {
    for (int64_t item = i0; item < i1; ++item) {
      const int64_t t = item / h.numHeads, head = item % h.numHeads;
      const int32_t seq = tokenSeq[t];
      const int32_t *pages = batch.pageIndices.data() + batch.pageIndptr[seq];
      attendOne(h, kv, pages, int64_t{batch.positions[t]} + 1, head / group,
                q + t * stride + head * h.headDim,
                out + t * stride + head * h.headDim);
    }
  });
}

} // namespace sgl::kernels

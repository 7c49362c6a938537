//===- PagedAttention.cpp - Causal GQA attention through page tables ------===//
#include "kernels/cpu/PagedAttention.h"

#include "kernels/cpu/CpuKernels.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
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

/// Query heads of one GQA group attended together: each key and value row
/// is read once for all of them.
constexpr int64_t kMaxGroup = 8;

typedef float V8F __attribute__((vector_size(32)));

inline V8F load8(const float *p) {
  V8F v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

/// The dot product in a fixed order: 8 lanes over d, then the lanes summed
/// left to right, then the scalar tail.
inline float dot(const float *a, const float *b, int64_t d) {
  V8F acc = {};
  int64_t i = 0;
  for (; i + 8 <= d; i += 8)
    acc += load8(a + i) * load8(b + i);
  float s = 0.0f;
  for (int lane = 0; lane < 8; ++lane)
    s += acc[lane];
  for (; i < d; ++i)
    s += a[i] * b[i];
  return s;
}

/// `numHeads` (<= kMaxGroup) query heads sharing KV head `kvHead` over keys
/// 0 .. numKeys - 1 of one sequence. q and out hold the heads one after
/// another ([numHeads, d]). Each head's result is computed by the same
/// operations in the same order whatever the group size.
SGL_ATTENTION_CLONES void attendGroup(const AttentionHeads &h,
                                      const PagedKVLayer &kv,
                                      const int32_t *pages, int64_t numKeys,
                                      int64_t kvHead, int64_t numHeads,
                                      const float *q, float *out) {
  const int64_t d = h.headDim, ps = kv.pageSize, offset = kvHead * d;
  float acc[kMaxGroup][kMaxAttentionHeadDim];
  float scores[kMaxGroup][kAttentionKeyBlock];
  float runningMax[kMaxGroup], runningSum[kMaxGroup];
  for (int64_t g = 0; g < numHeads; ++g) {
    std::fill(acc[g], acc[g] + d, 0.0f);
    runningMax[g] = -std::numeric_limits<float>::infinity();
    runningSum[g] = 0.0f;
  }
  for (int64_t j0 = 0; j0 < numKeys; j0 += kAttentionKeyBlock) {
    const int64_t nb = std::min(kAttentionKeyBlock, numKeys - j0);
    for (int64_t j = 0; j < nb; ++j) {
      const int64_t pos = j0 + j;
      const float *key = kv.keySlot(pages[pos / ps], pos % ps) + offset;
      for (int64_t g = 0; g < numHeads; ++g)
        scores[g][j] = dot(q + g * d, key, d) * h.scale;
    }
    float prob[kMaxGroup][kAttentionKeyBlock];
    for (int64_t g = 0; g < numHeads; ++g) {
      float blockMax = -std::numeric_limits<float>::infinity();
      for (int64_t j = 0; j < nb; ++j)
        blockMax = std::max(blockMax, scores[g][j]);
      const float newMax = std::max(runningMax[g], blockMax);
      const float rescale = std::exp(runningMax[g] - newMax);
      runningSum[g] *= rescale;
      for (int64_t i = 0; i < d; ++i)
        acc[g][i] *= rescale;
      for (int64_t j = 0; j < nb; ++j) {
        prob[g][j] = std::exp(scores[g][j] - newMax);
        runningSum[g] += prob[g][j];
      }
      runningMax[g] = newMax;
    }
    for (int64_t j = 0; j < nb; ++j) {
      const int64_t pos = j0 + j;
      const float *value = kv.valueSlot(pages[pos / ps], pos % ps) + offset;
      for (int64_t g = 0; g < numHeads; ++g) {
        const float p = prob[g][j];
        float *a = acc[g];
        for (int64_t i = 0; i < d; ++i)
          a[i] += p * value[i];
      }
    }
  }
  for (int64_t g = 0; g < numHeads; ++g) {
    const float inv = 1.0f / runningSum[g];
    for (int64_t i = 0; i < d; ++i)
      out[g * d + i] = acc[g][i] * inv;
  }
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
  // One work item per (token, KV head, chunk of at most kMaxGroup of its
  // query heads).
  const int64_t chunks = (group + kMaxGroup - 1) / kMaxGroup;
  const int64_t perToken = h.numKVHeads * chunks;
  pool.parallelFor(batch.numTokens() * perToken, [&](int64_t i0, int64_t i1) {
    for (int64_t item = i0; item < i1; ++item) {
      const int64_t t = item / perToken, rest = item % perToken;
      const int64_t kvHead = rest / chunks, chunk = rest % chunks;
      const int64_t head = kvHead * group + chunk * kMaxGroup;
      const int64_t heads = std::min(kMaxGroup, group - chunk * kMaxGroup);
      const int32_t seq = tokenSeq[t];
      const int32_t *pages = batch.pageIndices.data() + batch.pageIndptr[seq];
      attendGroup(h, kv, pages, int64_t{batch.positions[t]} + 1, kvHead, heads,
                  q + t * stride + head * h.headDim,
                  out + t * stride + head * h.headDim);
    }
  });
}

} // namespace sgl::kernels

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

inline V8F broadcast8(float x) { return V8F{x, x, x, x, x, x, x, x}; }

/// Lane k of the result is the sum of the lanes of a[k], added in the same
/// tree for every k: (0+1)+(2+3), then +(4..7) the same way.
inline V8F sumLanes8(const V8F a[8]) {
  V8F t[4], u[2];
  for (int k = 0; k < 4; ++k)
    t[k] = __builtin_shufflevector(a[2 * k], a[2 * k + 1], 0, 8, 2, 10, 4, 12,
                                   6, 14) +
           __builtin_shufflevector(a[2 * k], a[2 * k + 1], 1, 9, 3, 11, 5, 13,
                                   7, 15);
  for (int k = 0; k < 2; ++k)
    u[k] = __builtin_shufflevector(t[2 * k], t[2 * k + 1], 0, 1, 8, 9, 4, 5, 12,
                                   13) +
           __builtin_shufflevector(t[2 * k], t[2 * k + 1], 2, 3, 10, 11, 6, 7,
                                   14, 15);
  return __builtin_shufflevector(u[0], u[1], 0, 1, 2, 3, 8, 9, 10, 11) +
         __builtin_shufflevector(u[0], u[1], 4, 5, 6, 7, 12, 13, 14, 15);
}

/// The dot products of q with 8 keys, each in a fixed order whatever the
/// other keys: 8 lanes over d, the lanes summed by sumLanes8, then the
/// scalar tail.
inline V8F dot8(const float *q, const float *const keys[8], int64_t d) {
  V8F acc[8] = {};
  int64_t i = 0;
  for (; i + 8 <= d; i += 8) {
    const V8F qv = load8(q + i);
    for (int k = 0; k < 8; ++k)
      acc[k] += qv * load8(keys[k] + i);
  }
  V8F out = sumLanes8(acc);
  for (; i < d; ++i)
    for (int k = 0; k < 8; ++k)
      out[k] += q[i] * keys[k][i];
  return out;
}

/// acc[0 .. 8N) += p[j] * values[j][0 .. 8N) for j = 0 .. n-1 in order,
/// the accumulator held in registers.
template <int N>
inline void accumulateTile(float *acc, const float *p,
                           const float *const *values, int64_t n,
                           int64_t offset) {
  V8F r[N];
  for (int k = 0; k < N; ++k)
    r[k] = load8(acc + 8 * k);
  for (int64_t j = 0; j < n; ++j) {
    const V8F pj = broadcast8(p[j]);
    const float *v = values[j] + offset;
    for (int k = 0; k < N; ++k)
      r[k] += pj * load8(v + 8 * k);
  }
  std::memcpy(acc, r, sizeof(r));
}

/// acc[0 .. d) += p[j] * values[j][0 .. d) for j = 0 .. n-1, each element
/// accumulated over j in order.
inline void accumulateValues(float *acc, const float *p,
                             const float *const *values, int64_t n, int64_t d) {
  int64_t i = 0;
  for (; i + 64 <= d; i += 64)
    accumulateTile<8>(acc + i, p, values, n, i);
  switch ((d - i) / 8) {
  case 7:
    accumulateTile<7>(acc + i, p, values, n, i);
    break;
  case 6:
    accumulateTile<6>(acc + i, p, values, n, i);
    break;
  case 5:
    accumulateTile<5>(acc + i, p, values, n, i);
    break;
  case 4:
    accumulateTile<4>(acc + i, p, values, n, i);
    break;
  case 3:
    accumulateTile<3>(acc + i, p, values, n, i);
    break;
  case 2:
    accumulateTile<2>(acc + i, p, values, n, i);
    break;
  case 1:
    accumulateTile<1>(acc + i, p, values, n, i);
    break;
  default:
    break;
  }
  for (i += (d - i) / 8 * 8; i < d; ++i)
    for (int64_t j = 0; j < n; ++j)
      acc[i] += p[j] * values[j][i];
}

/// `numHeads` (<= kMaxGroup) query heads sharing KV head `kvHead` over keys
/// 0 .. numKeys - 1 of one sequence. q and out hold the heads one after
/// another ([numHeads, d]). Each head's result is computed by the same
/// operations in the same order whatever the group size or the batch.
SGL_ATTENTION_CLONES void attendGroup(const AttentionHeads &h,
                                      const PagedKVLayer &kv,
                                      const int32_t *pages, int64_t numKeys,
                                      int64_t kvHead, int64_t numHeads,
                                      const float *q, float *out) {
  const int64_t d = h.headDim, ps = kv.pageSize, offset = kvHead * d;
  alignas(32) float acc[kMaxGroup][kMaxAttentionHeadDim];
  float scores[kMaxGroup][kAttentionKeyBlock];
  float runningMax[kMaxGroup], runningSum[kMaxGroup];
  const float *keys[kAttentionKeyBlock], *values[kAttentionKeyBlock];
  for (int64_t g = 0; g < numHeads; ++g) {
    std::fill(acc[g], acc[g] + d, 0.0f);
    runningMax[g] = -std::numeric_limits<float>::infinity();
    runningSum[g] = 0.0f;
  }
  for (int64_t j0 = 0; j0 < numKeys; j0 += kAttentionKeyBlock) {
    const int64_t nb = std::min(kAttentionKeyBlock, numKeys - j0);
    for (int64_t j = 0; j < kAttentionKeyBlock; ++j) {
      // Past the last key, repeat it: its lanes are computed and dropped.
      const int64_t pos = j0 + std::min(j, nb - 1);
      keys[j] = kv.keySlot(pages[pos / ps], pos % ps) + offset;
      values[j] = kv.valueSlot(pages[pos / ps], pos % ps) + offset;
    }
    for (int64_t g = 0; g < numHeads; ++g)
      for (int64_t j = 0; j < nb; j += 8) {
        const V8F s = dot8(q + g * d, keys + j, d) * broadcast8(h.scale);
        std::memcpy(scores[g] + j, &s, sizeof(s));
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
      accumulateValues(acc[g], prob[g], values, nb, d);
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

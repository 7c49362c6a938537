//===- Attention.cpp - Causal GQA attention over a contiguous KV buffer ---===//
#include "kernels/cpu/CpuKernels.h"

#include <algorithm>
#include <cassert>
#include <vector>

namespace sgl::kernels {

void attention(ThreadPool &pool, const AttentionShape &s, const float *q,
               const float *k, const float *v, float *out) {
  assert(s.numKVHeads > 0 && s.numHeads % s.numKVHeads == 0 &&
         "query heads must be a multiple of kv heads");
  const int64_t group = s.numHeads / s.numKVHeads;
  const int64_t qStride = s.numHeads * s.headDim;
  const int64_t kvStride = s.numKVHeads * s.headDim;
  const int64_t maxKeys = s.startPos + s.numTokens;
  // One work item per (token, head).
  pool.parallelFor(s.numTokens * s.numHeads, [&](int64_t i0, int64_t i1) {
    std::vector<float> scores(static_cast<size_t>(maxKeys));
    for (int64_t item = i0; item < i1; ++item) {
      const int64_t t = item / s.numHeads, h = item % s.numHeads;
      const int64_t kvh = h / group;
      const int64_t numKeys = s.startPos + t + 1;
      const float *qh = q + t * qStride + h * s.headDim;
      for (int64_t j = 0; j < numKeys; ++j)
        scores[j] =
            dotF32(qh, k + j * kvStride + kvh * s.headDim, s.headDim) * s.scale;
      softmax(scores.data(), numKeys);
      float *oh = out + t * qStride + h * s.headDim;
      std::fill(oh, oh + s.headDim, 0.0f);
      for (int64_t j = 0; j < numKeys; ++j) {
        const float *vj = v + j * kvStride + kvh * s.headDim;
        const float p = scores[j];
        for (int64_t d = 0; d < s.headDim; ++d)
          oh[d] += p * vj[d];
      }
    }
  });
}

} // namespace sgl::kernels

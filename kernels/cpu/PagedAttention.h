//===- PagedAttention.h - Causal GQA attention through page tables -*- C++
//-*-===//
//
// Attention for a ragged batch whose keys and values live in pages: the
// query at position p of a sequence attends over positions 0 .. p of that
// sequence, read in place through its page table (no copy to a contiguous
// buffer). Keys are walked in fixed blocks of kAttentionKeyBlock positions
// from position 0 with an online softmax, so a query's result depends only
// on its sequence's keys, never on the batch, the page size or how the
// prompt was split into forward calls.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_KERNELS_CPU_PAGEDATTENTION_H
#define SGL_KERNELS_CPU_PAGEDATTENTION_H

#include "kernels/ForwardBatch.h"
#include "kernels/cpu/ThreadPool.h"

#include <cstdint>
#include <span>

namespace sgl::kernels {

inline constexpr int64_t kAttentionKeyBlock = 32;
static_assert(kAttentionKeyBlock % 8 == 0, "keys are scored 8 at a time");
/// Largest head_dim the kernel's per-query accumulator holds.
inline constexpr int64_t kMaxAttentionHeadDim = 512;

/// One layer of the KV pool: keys and values [numPages, pageSize, kvDim].
struct PagedKVLayer {
  float *keys = nullptr;
  float *values = nullptr;
  int64_t pageSize = 0;
  int64_t kvDim = 0;

  float *keySlot(int32_t page, int64_t slot) const {
    return keys + (static_cast<int64_t>(page) * pageSize + slot) * kvDim;
  }
  float *valueSlot(int32_t page, int64_t slot) const {
    return values + (static_cast<int64_t>(page) * pageSize + slot) * kvDim;
  }
};

struct AttentionHeads {
  int64_t numHeads = 0;
  int64_t numKVHeads = 0; // numHeads % numKVHeads == 0
  int64_t headDim = 0;    // <= kMaxAttentionHeadDim
  float scale = 1.0f;     // usually 1 / sqrt(headDim)
};

/// q, out: [numTokens, numHeads * headDim]. `tokenSeq[t]` is the sequence
/// of token t (the plan of the batch, built once per forward call).
void pagedAttention(ThreadPool &pool, const AttentionHeads &heads,
                    const ForwardBatch &batch,
                    std::span<const int32_t> tokenSeq, const PagedKVLayer &kv,
                    const float *q, float *out);

} // namespace sgl::kernels

#endif // SGL_KERNELS_CPU_PAGEDATTENTION_H

//===- CpuKernels.h - CPU kernels for transformer inference -----*- C++ -*-===//
//
// The CPU backend's kernel interface: matmul against fp32 or bf16 weights,
// RMSNorm, rotary embeddings, softmax, SwiGLU and causal GQA attention over a
// contiguous KV buffer. Kernels take raw pointers with shapes; they know
// nothing about models, requests or programs. Activations are always fp32;
// bf16 weights are widened to fp32 on the fly, a row or a block at a time.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_KERNELS_CPU_CPUKERNELS_H
#define SGL_KERNELS_CPU_CPUKERNELS_H

#include "kernels/Tensors.h"
#include "kernels/cpu/ThreadPool.h"

#include <cstdint>
#include <cstring>

namespace sgl::kernels {

/// Widens one bf16 value (raw bits) to fp32.
inline float bf16ToF32(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float out;
  std::memcpy(&out, &wide, sizeof(out));
  return out;
}

/// Widens `n` bf16 values to fp32.
void convertBF16ToF32(const uint16_t *src, float *dst, int64_t n);

/// Copies row `row` of `m` into `dst` as fp32 (embedding lookup).
void loadRow(const MatrixView &m, int64_t row, float *dst);

/// y[t, :] = W · x[t, :] for t < numTokens; x is [numTokens, W.cols], y is
/// [numTokens, W.rows]. One token uses the hand-written multi-threaded
/// matvec; several tokens use sgemm (fp32) or a blocked bf16 kernel.
void matmul(ThreadPool &pool, const float *x, int64_t numTokens,
            const MatrixView &w, float *y);

/// The fp32 SIMD dot product used by matvec and attention.
float dotF32(const float *a, const float *b, int64_t n);

/// out[i] = x[i] / sqrt(mean(x²) + eps) * weight[i], for i < n.
void rmsNorm(const float *x, const float *weight, int64_t n, float eps,
             float *out);

/// Rotates each of `numHeads` heads of `v` ([numHeads, headDim]) by the
/// angles whose cos/sin are given ([headDim / 2] each), using the HF
/// rotate_half pairing (i, i + headDim / 2).
void applyRope(float *v, int64_t numHeads, int64_t headDim, const float *cos,
               const float *sin);

/// In-place numerically stable softmax over n values.
void softmax(float *x, int64_t n);

/// out[i] = silu(gate[i]) * up[i].
void siluMul(const float *gate, const float *up, float *out, int64_t n);

/// a[i] += b[i].
void addInPlace(float *a, const float *b, int64_t n);

/// Shapes of one attention call over a contiguous per-sequence KV buffer.
struct AttentionShape {
  int64_t numTokens = 0;  // new tokens (queries)
  int64_t startPos = 0;   // position of the first new token
  int64_t numHeads = 0;   // query heads
  int64_t numKVHeads = 0; // key/value heads (GQA: numHeads % numKVHeads == 0)
  int64_t headDim = 0;
  float scale = 1.0f; // usually 1 / sqrt(headDim)
};

/// Causal grouped-query attention. q: [numTokens, numHeads * headDim];
/// k, v: [>= startPos + numTokens, numKVHeads * headDim] (already holding
/// the new tokens); out: [numTokens, numHeads * headDim]. Query t sees key
/// positions 0 .. startPos + t.
void attention(ThreadPool &pool, const AttentionShape &shape, const float *q,
               const float *k, const float *v, float *out);

} // namespace sgl::kernels

#endif // SGL_KERNELS_CPU_CPUKERNELS_H

//===- CpuKernels.h - CPU kernels for transformer inference -----*- C++ -*-===//
//
// The CPU backend's elementwise and vector kernels: bf16 widening, row
// lookup, RMSNorm, rotary embeddings, softmax and
// SwiGLU (matmul: PackedMatMul.h; attention: PagedAttention.h). Kernels
// take raw pointers with shapes; they know nothing about models, requests or
// programs. Activations are always fp32.
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

} // namespace sgl::kernels

#endif // SGL_KERNELS_CPU_CPUKERNELS_H

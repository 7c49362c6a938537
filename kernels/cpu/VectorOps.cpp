//===- VectorOps.cpp - Dot product, bf16 widening, row lookup -------------===//
//
// The fp32 dot product attention uses (four independent SIMD accumulators),
// bf16 → fp32 widening and the embedding's row lookup.
//
//===----------------------------------------------------------------------===//
#include "kernels/cpu/CpuKernels.h"

#include <algorithm>
#include <cassert>
#include <vector>

// TSan instruments the ifunc resolvers target_clones makes, and they run
// before TSan is initialised: no clones under TSan.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(__SANITIZE_THREAD__)
#define SGL_MULTIVERSION                                                       \
  __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SGL_MULTIVERSION
#endif
#define SGL_INLINE inline __attribute__((always_inline))

namespace sgl::kernels {

namespace {

typedef float V8F __attribute__((vector_size(32)));

SGL_INLINE V8F loadF32(const float *p) {
  V8F v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

SGL_INLINE float hsum(V8F v) {
  float s = 0.0f;
  for (int i = 0; i < 8; ++i)
    s += v[i];
  return s;
}

SGL_INLINE float dotF32Inline(const float *a, const float *b, int64_t n) {
  V8F acc0 = {}, acc1 = {}, acc2 = {}, acc3 = {};
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    acc0 += loadF32(a + i) * loadF32(b + i);
    acc1 += loadF32(a + i + 8) * loadF32(b + i + 8);
    acc2 += loadF32(a + i + 16) * loadF32(b + i + 16);
    acc3 += loadF32(a + i + 24) * loadF32(b + i + 24);
  }
  for (; i + 8 <= n; i += 8)
    acc0 += loadF32(a + i) * loadF32(b + i);
  float s = hsum((acc0 + acc1) + (acc2 + acc3));
  for (; i < n; ++i)
    s += a[i] * b[i];
  return s;
}

} // namespace

SGL_MULTIVERSION float dotF32(const float *a, const float *b, int64_t n) {
  return dotF32Inline(a, b, n);
}

SGL_MULTIVERSION void convertBF16ToF32(const uint16_t *src, float *dst,
                                       int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dst[i] = bf16ToF32(src[i]);
}

void loadRow(const MatrixView &m, int64_t row, float *dst) {
  assert(row >= 0 && row < m.rows && "row out of range");
  if (m.type == WeightType::F32) {
    std::memcpy(dst, static_cast<const float *>(m.data) + row * m.cols,
                sizeof(float) * m.cols);
    return;
  }
  convertBF16ToF32(static_cast<const uint16_t *>(m.data) + row * m.cols, dst,
                   m.cols);
}

} // namespace sgl::kernels

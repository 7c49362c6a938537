//===- MatMul.cpp - Matvec/matmul against fp32 and bf16 weights -----------===//
//
// Decode (one token) is memory bound: every weight byte is read once, so the
// matvec is split by output rows across the pool and each row is a SIMD dot
// product (bf16 rows widened in registers). Prefill goes to OpenBLAS sgemm;
// bf16 weights are widened a cache-sized panel of rows at a time first.
//
//===----------------------------------------------------------------------===//
#include "kernels/cpu/CpuKernels.h"

#include <cblas.h>

#include <algorithm>
#include <cassert>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SGL_MULTIVERSION                                                       \
  __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SGL_MULTIVERSION
#endif
#define SGL_INLINE inline __attribute__((always_inline))

namespace sgl::kernels {

namespace {

typedef float V8F __attribute__((vector_size(32)));
typedef uint16_t V8U16 __attribute__((vector_size(16)));
typedef uint32_t V8U32 __attribute__((vector_size(32)));

SGL_INLINE V8F loadF32(const float *p) {
  V8F v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

SGL_INLINE V8F loadBF16(const uint16_t *p) {
  V8U16 half;
  std::memcpy(&half, p, sizeof(half));
  V8U32 wide = __builtin_convertvector(half, V8U32) << 16;
  V8F v;
  std::memcpy(&v, &wide, sizeof(v));
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

SGL_INLINE float dotBF16Inline(const float *a, const uint16_t *b, int64_t n) {
  V8F acc0 = {}, acc1 = {}, acc2 = {}, acc3 = {};
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    acc0 += loadF32(a + i) * loadBF16(b + i);
    acc1 += loadF32(a + i + 8) * loadBF16(b + i + 8);
    acc2 += loadF32(a + i + 16) * loadBF16(b + i + 16);
    acc3 += loadF32(a + i + 24) * loadBF16(b + i + 24);
  }
  for (; i + 8 <= n; i += 8)
    acc0 += loadF32(a + i) * loadBF16(b + i);
  float s = hsum((acc0 + acc1) + (acc2 + acc3));
  for (; i < n; ++i)
    s += a[i] * bf16ToF32(b[i]);
  return s;
}

/// y[r] = w[r, :] · x for r in [r0, r1).
SGL_MULTIVERSION void matvecRowsF32(const float *x, const float *w, int64_t k,
                                    int64_t r0, int64_t r1, float *y) {
  for (int64_t r = r0; r < r1; ++r)
    y[r] = dotF32Inline(x, w + r * k, k);
}

SGL_MULTIVERSION void matvecRowsBF16(const float *x, const uint16_t *w,
                                     int64_t k, int64_t r0, int64_t r1,
                                     float *y) {
  for (int64_t r = r0; r < r1; ++r)
    y[r] = dotBF16Inline(x, w + r * k, k);
}

constexpr int64_t kRowGrain = 16;
/// fp32 elements of the widened bf16 panel prefill multiplies at a time:
/// 1 MiB, about an L2 cache.
constexpr int64_t kPanelFloats = int64_t{1} << 18;

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

void matmul(ThreadPool &pool, const float *x, int64_t numTokens,
            const MatrixView &w, float *y) {
  const int64_t n = w.rows, k = w.cols;
  if (numTokens <= 0 || n <= 0)
    return;
  if (numTokens == 1) {
    if (w.type == WeightType::F32) {
      const float *wf = static_cast<const float *>(w.data);
      pool.parallelFor(
          n,
          [&](int64_t r0, int64_t r1) { matvecRowsF32(x, wf, k, r0, r1, y); },
          kRowGrain);
    } else {
      const uint16_t *wb = static_cast<const uint16_t *>(w.data);
      pool.parallelFor(
          n,
          [&](int64_t r0, int64_t r1) { matvecRowsBF16(x, wb, k, r0, r1, y); },
          kRowGrain);
    }
    return;
  }
  if (w.type == WeightType::F32) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                static_cast<int>(numTokens), static_cast<int>(n),
                static_cast<int>(k), 1.0f, x, static_cast<int>(k),
                static_cast<const float *>(w.data), static_cast<int>(k), 0.0f,
                y, static_cast<int>(n));
    return;
  }
  // bf16, several tokens: widen a panel of rows to fp32 (in parallel), then
  // multiply all tokens by it with sgemm while it is still in cache.
  const uint16_t *wb = static_cast<const uint16_t *>(w.data);
  const int64_t panelRows =
      std::min(n, std::max<int64_t>(kRowGrain, kPanelFloats / k));
  std::vector<float> panel(static_cast<size_t>(panelRows * k));
  for (int64_t r0 = 0; r0 < n; r0 += panelRows) {
    const int64_t rows = std::min(panelRows, n - r0);
    pool.parallelFor(
        rows * k,
        [&](int64_t begin, int64_t end) {
          convertBF16ToF32(wb + r0 * k + begin, panel.data() + begin,
                           end - begin);
        },
        /*grain=*/int64_t{1} << 14);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                static_cast<int>(numTokens), static_cast<int>(rows),
                static_cast<int>(k), 1.0f, x, static_cast<int>(k), panel.data(),
                static_cast<int>(k), 0.0f, y + r0, static_cast<int>(n));
  }
}

} // namespace sgl::kernels

//===- MatMul.cpp - Matvec/matmul against fp32 and bf16 weights -----------===//
//
// Decode (one token) is memory bound: every weight byte is read once, so the
// matvec is split by output rows across the pool and each row is a SIMD dot
// product (bf16 rows widened in registers). Prefill with fp32 weights goes to
// OpenBLAS sgemm; prefill with bf16 weights widens a block of rows into a
// small per-thread buffer and reuses it for every token.
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

/// Several tokens against rows [r0, r1) of an fp32 block already in cache:
/// y[t, r] = block[r - r0, :] · x[t, :].
SGL_MULTIVERSION void blockDotsF32(const float *x, int64_t numTokens,
                                   const float *block, int64_t k, int64_t r0,
                                   int64_t r1, int64_t n, float *y) {
  for (int64_t t = 0; t < numTokens; ++t)
    for (int64_t r = r0; r < r1; ++r)
      y[t * n + r] = dotF32Inline(x + t * k, block + (r - r0) * k, k);
}

constexpr int64_t kRowGrain = 16;

} // namespace

SGL_MULTIVERSION float dotF32(const float *a, const float *b, int64_t n) {
  return dotF32Inline(a, b, n);
}

void convertBF16ToF32(const uint16_t *src, float *dst, int64_t n) {
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
  // bf16, several tokens: widen kBlock rows at a time, reuse for all tokens.
  constexpr int64_t kBlock = 32;
  const uint16_t *wb = static_cast<const uint16_t *>(w.data);
  pool.parallelFor(
      n,
      [&](int64_t r0, int64_t r1) {
        std::vector<float> block(static_cast<size_t>(kBlock * k));
        for (int64_t b0 = r0; b0 < r1; b0 += kBlock) {
          int64_t b1 = std::min(r1, b0 + kBlock);
          convertBF16ToF32(wb + b0 * k, block.data(), (b1 - b0) * k);
          blockDotsF32(x, numTokens, block.data(), k, b0, b1, n, y);
        }
      },
      kRowGrain);
}

} // namespace sgl::kernels

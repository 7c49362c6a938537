//===- VectorOps.cpp - bf16 widening and row lookup -----------------------===//
#include "kernels/cpu/CpuKernels.h"

#include <cassert>

// TSan instruments the ifunc resolvers target_clones makes, and they run
// before TSan is initialised: no clones under TSan.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(__SANITIZE_THREAD__)
#define SGL_MULTIVERSION                                                       \
  __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SGL_MULTIVERSION
#endif

namespace sgl::kernels {

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

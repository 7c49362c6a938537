//===- Elementwise.cpp - RMSNorm, RoPE, softmax, SwiGLU -------------------===//
#include "kernels/cpu/CpuKernels.h"

#include <algorithm>
#include <cmath>

namespace sgl::kernels {

void rmsNorm(const float *x, const float *weight, int64_t n, float eps,
             float *out) {
  double sumSq = 0.0;
  for (int64_t i = 0; i < n; ++i)
    sumSq += static_cast<double>(x[i]) * x[i];
  float inv = static_cast<float>(1.0 / std::sqrt(sumSq / n + eps));
  for (int64_t i = 0; i < n; ++i)
    out[i] = x[i] * inv * weight[i];
}

void applyRope(float *v, int64_t numHeads, int64_t headDim, const float *cos,
               const float *sin) {
  const int64_t half = headDim / 2;
  for (int64_t h = 0; h < numHeads; ++h) {
    float *head = v + h * headDim;
    for (int64_t i = 0; i < half; ++i) {
      float x1 = head[i], x2 = head[i + half];
      head[i] = x1 * cos[i] - x2 * sin[i];
      head[i + half] = x2 * cos[i] + x1 * sin[i];
    }
  }
}

void softmax(float *x, int64_t n) {
  if (n <= 0)
    return;
  float maxVal = *std::max_element(x, x + n);
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - maxVal);
    sum += x[i];
  }
  float inv = 1.0f / sum;
  for (int64_t i = 0; i < n; ++i)
    x[i] *= inv;
}

void siluMul(const float *gate, const float *up, float *out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float g = gate[i];
    out[i] = g / (1.0f + std::exp(-g)) * up[i];
  }
}

void addInPlace(float *a, const float *b, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    a[i] += b[i];
}

} // namespace sgl::kernels

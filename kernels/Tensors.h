//===- Tensors.h - Weight views every backend takes -------------*- C++ -*-===//
//
// The tensor types at the backend interface. Weights stay where the loader
// put them (usually a memory-mapped checkpoint); a backend packs or uploads
// them once when it is created.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_KERNELS_TENSORS_H
#define SGL_KERNELS_TENSORS_H

#include <cstdint>

namespace sgl::kernels {

/// Element types a weight matrix may be stored in.
enum class WeightType { F32, BF16 };

/// A row-major weight matrix [rows, cols]. `data` must be aligned to the
/// element size.
struct MatrixView {
  const void *data = nullptr;
  WeightType type = WeightType::F32;
  int64_t rows = 0; // output features
  int64_t cols = 0; // input features
};

} // namespace sgl::kernels

#endif // SGL_KERNELS_TENSORS_H

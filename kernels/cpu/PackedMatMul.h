//===- PackedMatMul.h - Batch-invariant packed matmul -----------*- C++ -*-===//
//
// y = x · Wᵀ whose every output element is one FMA chain over k in
// increasing order, started from +0, whatever the number of rows, whichever
// rows share the call and however many threads run it. A row's result is
// therefore bit-identical whether it is decoded alone or batched with a
// prefill, so an LLM's output does not depend on batch composition.
//
// The weights are repacked once (at model load) into panels of kPanelWidth
// output features × K, k-major inside a panel and zero-padded at the N edge,
// so the micro-kernel reads one contiguous vector row of the panel per k and
// broadcasts one activation per row of its register tile. bf16 weights stay
// bf16 (half the bytes) and are widened in registers. Threads split the
// panels, never K.
//
// Memory: the packed copy costs padded(N) × K × element size, i.e. the
// checkpoint size for fp32/bf16 weights (plus < kPanelWidth rows of padding);
// afterwards the original (usually memory-mapped) matrix is not touched by
// matmul any more.
//
// Results are identical across row counts and thread counts on one machine;
// they may differ between ISA levels (AVX-512, AVX2+FMA, baseline x86-64 uses
// a separate multiply and add), which is picked once per process.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_KERNELS_CPU_PACKEDMATMUL_H
#define SGL_KERNELS_CPU_PACKEDMATMUL_H

#include "kernels/cpu/CpuKernels.h"
#include "kernels/cpu/ThreadPool.h"

#include <cstddef>
#include <cstdint>

namespace sgl::kernels {

/// A weight matrix [N, K] repacked for matmulPacked. Move-only; owns its
/// buffer (2 MiB-aligned anonymous memory with transparent huge pages
/// requested; small matrices share such mappings, see PackedMatMul.cpp).
class PackedMatrix {
public:
  /// Output features per panel: two AVX-512 vectors of fp32.
  static constexpr int64_t kPanelWidth = 32;

  PackedMatrix() = default;
  ~PackedMatrix();
  PackedMatrix(PackedMatrix &&other) noexcept;
  PackedMatrix &operator=(PackedMatrix &&other) noexcept;
  PackedMatrix(const PackedMatrix &) = delete;
  PackedMatrix &operator=(const PackedMatrix &) = delete;

  /// Packs row-major `w` ([rows = N, cols = K], fp32 or bf16), splitting the
  /// panels over `pool`. The result keeps w's element type.
  static PackedMatrix pack(const MatrixView &w, ThreadPool &pool);

  int64_t rows() const { return rows_; } // N, output features
  int64_t cols() const { return cols_; } // K, input features
  WeightType type() const { return type_; }
  /// Bytes of the packed buffer (padded N × K × element size).
  size_t bytes() const { return bytes_; }
  int64_t numPanels() const { return (rows_ + kPanelWidth - 1) / kPanelWidth; }
  /// Panel `p`: K groups of kPanelWidth elements (see PackedMatMul.cpp for
  /// the bf16 lane order).
  const void *panel(int64_t p) const;
  bool empty() const { return data_ == nullptr; }

private:
  void *data_ = nullptr;
  size_t bytes_ = 0;
  int64_t rows_ = 0, cols_ = 0;
  WeightType type_ = WeightType::F32;
};

/// y[t, :] = W · x[t, :] for t < numRows; x is [numRows, K] with row stride
/// `xStride` (0: K), y is [numRows, N] with row stride `yStride` (0: N).
/// Each y[t][n] is fma(x[t][K-1], W[n][K-1], ... fma(x[t][0], W[n][0], +0)),
/// so a row's result is bit-identical for any numRows, any position of the
/// row in the batch and any pool size. x and y must not overlap.
void matmulPacked(ThreadPool &pool, const float *x, int64_t numRows,
                  const PackedMatrix &w, float *y, int64_t xStride = 0,
                  int64_t yStride = 0);

/// The instruction set matmulPacked dispatches to in this process:
/// "avx512", "avx2" or "generic" (results differ between them).
const char *packedMatMulIsa();

/// Tests only: makes matmulPacked use `isa` ("avx512", "avx2", "generic")
/// from now on, if this CPU has it; false (and no change) otherwise. Not
/// safe while another thread is inside matmulPacked.
bool setPackedMatMulIsaForTesting(const char *isa);

} // namespace sgl::kernels

#endif // SGL_KERNELS_CPU_PACKEDMATMUL_H

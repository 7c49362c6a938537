//===- Backend.h - The forward-pass interface every backend implements -*- C++
//-*-===//
//
// A backend runs a Llama-family decoder over ragged batches of sequences
// whose keys and values live in a paged pool it owns:
//
//   createCpuBackend(shape, weights, threads)   weights packed once
//   backend.allocateKV(numPages, pageSize)      the paged KV pool
//   backend.forward(batch, logits)              one step, any batch shape
//
// It knows tensors, page tables and its own workspace; never requests,
// programs or schedulers. The CPU backend is in cpu/; a CUDA backend plugs
// in behind the same class.
//
// Batch invariance: every backend computes each sequence's logits and keys
// and values with the same operations in the same order whatever else is in
// the batch, however the sequence's prompt was split into forward calls and
// whatever its page ids: an instance's output is the same alone or batched.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_KERNELS_BACKEND_H
#define SGL_KERNELS_BACKEND_H

#include "kernels/ForwardBatch.h"
#include "kernels/Tensors.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sgl::kernels {

/// The dimensions of a decoder. D = headDim.
struct TransformerShape {
  int64_t numLayers = 0;
  int64_t hidden = 0;
  int64_t numHeads = 0;
  int64_t numKVHeads = 0;
  int64_t headDim = 0;
  int64_t intermediate = 0;
  int64_t vocab = 0;
  float rmsNormEps = 1e-5f;
  bool attentionBias = false;      // Qwen2: q/k/v projections have biases
  bool qkNorm = false;             // Qwen3: RMSNorm of each q and k head
  std::vector<double> ropeInvFreq; // [D / 2], scaling already applied

  int64_t qDim() const { return numHeads * headDim; }
  int64_t kvDim() const { return numKVHeads * headDim; }
};

/// One decoder layer's weights. Matrices stay where the loader mapped them;
/// vectors are fp32 copies. H = hidden, I = intermediate.
struct LayerWeights {
  std::vector<float> attnNorm, mlpNorm; // [H]
  MatrixView q;                         // [heads * D, H]
  MatrixView k, v;                      // [kvHeads * D, H]
  MatrixView o;                         // [H, heads * D]
  std::vector<float> qBias;             // [heads * D] or empty
  std::vector<float> kBias, vBias;      // [kvHeads * D] or empty
  std::vector<float> qNorm, kNorm;      // [D] or empty
  MatrixView gate, up;                  // [I, H]
  MatrixView down;                      // [H, I]
};

struct TransformerWeights {
  MatrixView embed;             // [vocab, H]
  MatrixView lmHead;            // [vocab, H] (may alias embed)
  std::vector<float> finalNorm; // [H]
  std::vector<LayerWeights> layers;
};

/// The result of a call that can fail with a message (kernels do not use
/// the runtime's Expected).
struct BackendStatus {
  std::string error; // empty: success
  explicit operator bool() const { return error.empty(); }
};

class Backend {
public:
  virtual ~Backend() = default;

  virtual const TransformerShape &shape() const = 0;
  /// "cpu", "cuda".
  virtual std::string name() const = 0;
  /// Compute threads the backend uses.
  virtual unsigned threads() const = 0;

  /// Bytes of keys and values one page of `pageSize` positions takes.
  int64_t kvPageBytes(int64_t pageSize) const {
    const TransformerShape &s = shape();
    return 2 * static_cast<int64_t>(sizeof(float)) * s.numLayers * pageSize *
           s.kvDim();
  }
  /// Creates the paged KV pool: `numPages` pages of `pageSize` positions
  /// (replacing any earlier pool). Fails when the memory is not there.
  virtual BackendStatus allocateKV(int32_t numPages, int32_t pageSize) = 0;
  virtual int32_t numPages() const = 0;
  virtual int32_t pageSize() const = 0;

  /// Runs `batch`: writes each new token's keys/values into its page slot
  /// and the logits of batch.logitRows into `logits` ([logitRows, vocab]).
  /// The batch must be well formed (see checkForwardBatch).
  virtual BackendStatus forward(const ForwardBatch &batch,
                                std::span<float> logits) = 0;

  /// Copies slots [0, numSlots) of page `src` to page `dst` in every
  /// layer: a sequence that continues a shared, partly filled page writes
  /// its own copy (copy-on-write).
  virtual void copyPage(int32_t src, int32_t dst, int32_t numSlots) = 0;
};

/// Checks what forward() assumes of `batch` for a pool of `numPages` pages
/// of `pageSize` and a vocabulary of `vocab`: CSR arrays consistent, token
/// ids in range, positions consecutive per sequence and covered by its
/// pages, page ids in range, logit rows ascending and in range.
BackendStatus checkForwardBatch(const ForwardBatch &batch, int64_t vocab,
                                int32_t numPages, int32_t pageSize);

/// The CPU backend over `threads` threads (0 = all cores); its thread pool
/// is the only one that computes (OpenBLAS is limited to the same count).
std::unique_ptr<Backend> createCpuBackend(TransformerShape shape,
                                          TransformerWeights weights,
                                          unsigned threads);

} // namespace sgl::kernels

#endif // SGL_KERNELS_BACKEND_H

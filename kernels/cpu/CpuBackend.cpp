//===- CpuBackend.cpp - The Llama decoder on the CPU over a paged KV pool -===//
//
// forward(batch) = plan + run. The plan (per call, on the host) finds each
// token's sequence and grows the workspace to the batch's token count; the
// run goes layer by layer without allocating:
//
//   embed → [RMSNorm → q/k/v → (bias, qk-norm) → RoPE → store k/v in pages
//            → paged attention → o → RMSNorm → gate/up → SwiGLU → down]×L
//         → RMSNorm + LM head for the logit rows only
//
// Each output element of every kernel is computed by the same operations
// in the same order for any batch (see Backend.h): per-row norms and RoPE,
// the matmul's fixed k order, attention's fixed key blocks.
//
//===----------------------------------------------------------------------===//
#include "kernels/Backend.h"
#include "kernels/cpu/CpuKernels.h"
#include "kernels/cpu/PackedMatMul.h"
#include "kernels/cpu/PagedAttention.h"
#include "kernels/cpu/ThreadPool.h"

#include <cblas.h>

#include <cassert>
#include <cmath>
#include <cstring>

#include <sys/mman.h>

namespace sgl::kernels {

namespace {

/// Anonymous memory for the KV pool: untouched pages cost nothing, and a
/// failed mapping is an error instead of a crash.
class KVMemory {
public:
  KVMemory() = default;
  ~KVMemory() { release(); }
  KVMemory(const KVMemory &) = delete;
  KVMemory &operator=(const KVMemory &) = delete;

  bool allocate(size_t bytes) {
    release();
    if (bytes == 0)
      return true;
    void *p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
      return false;
    data_ = static_cast<float *>(p);
    bytes_ = bytes;
    return true;
  }
  float *data() const { return data_; }

private:
  void release() {
    if (data_)
      ::munmap(data_, bytes_);
    data_ = nullptr;
    bytes_ = 0;
  }
  float *data_ = nullptr;
  size_t bytes_ = 0;
};

struct PackedLayer {
  PackedMatrix q, k, v, o, gate, up, down;
};

class CpuBackend final : public Backend {
public:
  CpuBackend(TransformerShape shape, TransformerWeights weights,
             unsigned threads)
      : shape_(std::move(shape)), weights_(std::move(weights)), pool_(threads) {
    // OpenBLAS only serves benchmarks and tests now, but its own threads
    // must not outnumber ours.
    openblas_set_num_threads(static_cast<int>(pool_.size()));
    for (const LayerWeights &l : weights_.layers)
      layers_.push_back(
          {PackedMatrix::pack(l.q, pool_), PackedMatrix::pack(l.k, pool_),
           PackedMatrix::pack(l.v, pool_), PackedMatrix::pack(l.o, pool_),
           PackedMatrix::pack(l.gate, pool_), PackedMatrix::pack(l.up, pool_),
           PackedMatrix::pack(l.down, pool_)});
    lmHead_ = PackedMatrix::pack(weights_.lmHead, pool_);
  }

  const TransformerShape &shape() const override { return shape_; }
  std::string name() const override { return "cpu"; }
  unsigned threads() const override { return pool_.size(); }
  int32_t numPages() const override { return numPages_; }
  int32_t pageSize() const override { return pageSize_; }

  BackendStatus allocateKV(int32_t numPages, int32_t pageSize) override {
    if (numPages <= 0 || pageSize <= 0)
      return {"the KV pool needs at least one page of at least one position"};
    const double bytes = static_cast<double>(numPages) *
                         static_cast<double>(kvPageBytes(pageSize));
    if (bytes > 1e18 || !memory_.allocate(static_cast<size_t>(bytes)))
      return {"could not map " + std::to_string(bytes / double(1 << 30)) +
              " GiB for the KV pool"};
    numPages_ = numPages;
    pageSize_ = pageSize;
    return {};
  }

  void copyPage(int32_t src, int32_t dst, int32_t numSlots) override {
    assert(src >= 0 && src < numPages_ && dst >= 0 && dst < numPages_ &&
           numSlots >= 0 && numSlots <= pageSize_ && "bad page copy");
    for (int64_t layer = 0; layer < shape_.numLayers; ++layer) {
      PagedKVLayer kv = kvLayer(layer);
      std::memcpy(kv.keySlot(dst, 0), kv.keySlot(src, 0),
                  sizeof(float) * numSlots * kv.kvDim);
      std::memcpy(kv.valueSlot(dst, 0), kv.valueSlot(src, 0),
                  sizeof(float) * numSlots * kv.kvDim);
    }
  }

  BackendStatus forward(const ForwardBatch &batch,
                        std::span<float> logits) override {
    if (BackendStatus s =
            checkForwardBatch(batch, shape_.vocab, numPages_, pageSize_);
        !s)
      return s;
    if (logits.size() < batch.logitRows.size() * shape_.vocab)
      return {"logits buffer too small for the batch's logit rows"};
    plan(batch);
    for (int64_t layer = 0; layer < shape_.numLayers; ++layer)
      runLayer(batch, layer);
    runHead(batch, logits);
    return {};
  }

private:
  /// Activations of a batch of n tokens; grown, never shrunk, so a steady
  /// stream of batch shapes stops allocating.
  struct Workspace {
    std::vector<float> x, xn;      // [n, H]: residual stream, normed input
    std::vector<float> q, attn;    // [n, heads * D]
    std::vector<float> k, v;       // [n, kvHeads * D]
    std::vector<float> proj;       // [n, H]
    std::vector<float> gate, up;   // [n, I]
    std::vector<float> cos, sin;   // [n, D / 2]
    std::vector<int32_t> tokenSeq; // [n]
  };

  PagedKVLayer kvLayer(int64_t layer) const {
    const int64_t layerFloats =
        static_cast<int64_t>(numPages_) * pageSize_ * shape_.kvDim();
    float *base = memory_.data() + 2 * layer * layerFloats;
    return {base, base + layerFloats, pageSize_, shape_.kvDim()};
  }

  void plan(const ForwardBatch &batch) {
    const int64_t n = batch.numTokens();
    const TransformerShape &s = shape_;
    auto fit = [](auto &v, int64_t size) {
      if (static_cast<int64_t>(v.size()) < size)
        v.resize(static_cast<size_t>(size));
    };
    Workspace &w = ws_;
    fit(w.x, n * s.hidden);
    fit(w.xn, n * s.hidden);
    fit(w.q, n * s.qDim());
    fit(w.attn, n * s.qDim());
    fit(w.k, n * s.kvDim());
    fit(w.v, n * s.kvDim());
    fit(w.proj, n * s.hidden);
    fit(w.gate, n * s.intermediate);
    fit(w.up, n * s.intermediate);
    const int64_t half = s.headDim / 2;
    fit(w.cos, n * half);
    fit(w.sin, n * half);
    fit(w.tokenSeq, n);
    for (int64_t seq = 0; seq < batch.numSeqs(); ++seq)
      for (int32_t t = batch.queryIndptr[seq]; t < batch.queryIndptr[seq + 1];
           ++t)
        w.tokenSeq[t] = static_cast<int32_t>(seq);
    for (int64_t t = 0; t < n; ++t) {
      loadRow(weights_.embed, batch.tokens[t], &w.x[t * s.hidden]);
      for (int64_t i = 0; i < half; ++i) {
        const double angle =
            static_cast<double>(batch.positions[t]) * s.ropeInvFreq[i];
        w.cos[t * half + i] = static_cast<float>(std::cos(angle));
        w.sin[t * half + i] = static_cast<float>(std::sin(angle));
      }
    }
  }

  void runLayer(const ForwardBatch &batch, int64_t li) {
    const TransformerShape &s = shape_;
    const LayerWeights &l = weights_.layers[li];
    const PackedLayer &p = layers_[li];
    const int64_t n = batch.numTokens(), hidden = s.hidden, d = s.headDim;
    const int64_t qDim = s.qDim(), kvDim = s.kvDim(), half = d / 2;
    Workspace &w = ws_;
    float *x = w.x.data(), *xn = w.xn.data(), *q = w.q.data(), *k = w.k.data(),
          *v = w.v.data();
    normRows(x, l.attnNorm.data(), n, xn);
    matmulPacked(pool_, xn, n, p.q, q);
    matmulPacked(pool_, xn, n, p.k, k);
    matmulPacked(pool_, xn, n, p.v, v);
    const PagedKVLayer kv = kvLayer(li);
    // Rows are independent: splitting them over threads cannot change a
    // result.
    forRows(n, [&](int64_t t) {
      float *qt = &q[t * qDim], *kt = &k[t * kvDim], *vt = &v[t * kvDim];
      if (s.attentionBias) {
        addInPlace(qt, l.qBias.data(), qDim);
        addInPlace(kt, l.kBias.data(), kvDim);
        addInPlace(vt, l.vBias.data(), kvDim);
      }
      if (s.qkNorm) {
        for (int64_t h = 0; h < s.numHeads; ++h)
          rmsNorm(qt + h * d, l.qNorm.data(), d, s.rmsNormEps, qt + h * d);
        for (int64_t h = 0; h < s.numKVHeads; ++h)
          rmsNorm(kt + h * d, l.kNorm.data(), d, s.rmsNormEps, kt + h * d);
      }
      applyRope(qt, s.numHeads, d, &w.cos[t * half], &w.sin[t * half]);
      applyRope(kt, s.numKVHeads, d, &w.cos[t * half], &w.sin[t * half]);
      // Into the token's slot: page positions / pageSize of its sequence.
      const int32_t seq = w.tokenSeq[t];
      const int64_t pos = batch.positions[t];
      const int32_t page =
          batch.pageIndices[batch.pageIndptr[seq] + pos / pageSize_];
      std::memcpy(kv.keySlot(page, pos % pageSize_), kt, sizeof(float) * kvDim);
      std::memcpy(kv.valueSlot(page, pos % pageSize_), vt,
                  sizeof(float) * kvDim);
    });
    AttentionHeads heads{s.numHeads, s.numKVHeads, d,
                         static_cast<float>(1.0 / std::sqrt(double(d)))};
    pagedAttention(pool_, heads, batch, w.tokenSeq, kv, q, w.attn.data());
    matmulPacked(pool_, w.attn.data(), n, p.o, w.proj.data());
    forRows(n, [&](int64_t t) {
      addInPlace(&x[t * hidden], &w.proj[t * hidden], hidden);
    });

    normRows(x, l.mlpNorm.data(), n, xn);
    matmulPacked(pool_, xn, n, p.gate, w.gate.data());
    matmulPacked(pool_, xn, n, p.up, w.up.data());
    const int64_t inter = s.intermediate;
    forRows(n, [&](int64_t t) {
      siluMul(&w.gate[t * inter], &w.up[t * inter], &w.gate[t * inter], inter);
    });
    matmulPacked(pool_, w.gate.data(), n, p.down, w.proj.data());
    forRows(n, [&](int64_t t) {
      addInPlace(&x[t * hidden], &w.proj[t * hidden], hidden);
    });
  }

  void runHead(const ForwardBatch &batch, std::span<float> logits) {
    const int64_t rows = static_cast<int64_t>(batch.logitRows.size());
    const int64_t hidden = shape_.hidden;
    // The normed rows are gathered into the front of xn (which the layers
    // no longer need), in logitRows order.
    for (int64_t r = 0; r < rows; ++r)
      rmsNorm(&ws_.x[batch.logitRows[r] * hidden], weights_.finalNorm.data(),
              hidden, shape_.rmsNormEps, &ws_.xn[r * hidden]);
    matmulPacked(pool_, ws_.xn.data(), rows, lmHead_, logits.data());
  }

  /// fn(t) for every row t < n, rows split over the pool.
  template <typename Fn> void forRows(int64_t n, const Fn &fn) {
    pool_.parallelFor(n, [&](int64_t t0, int64_t t1) {
      for (int64_t t = t0; t < t1; ++t)
        fn(t);
    });
  }
  /// out[t] = RMSNorm(x[t]) * weight for every row of the batch.
  void normRows(const float *x, const float *weight, int64_t n, float *out) {
    const int64_t hidden = shape_.hidden;
    forRows(n, [&](int64_t t) {
      rmsNorm(&x[t * hidden], weight, hidden, shape_.rmsNormEps,
              &out[t * hidden]);
    });
  }

  TransformerShape shape_;
  TransformerWeights weights_;
  ThreadPool pool_;
  std::vector<PackedLayer> layers_;
  PackedMatrix lmHead_;
  KVMemory memory_; // per layer: keys then values, [numPages, pageSize, kvDim]
  int32_t numPages_ = 0;
  int32_t pageSize_ = 0;
  Workspace ws_;
};

} // namespace

std::unique_ptr<Backend> createCpuBackend(TransformerShape shape,
                                          TransformerWeights weights,
                                          unsigned threads) {
  return std::make_unique<CpuBackend>(std::move(shape), std::move(weights),
                                      threads);
}

} // namespace sgl::kernels

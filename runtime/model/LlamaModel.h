//===- LlamaModel.h - Llama-family transformer on the CPU -------*- C++ -*-===//
//
// Binds a checkpoint's tensors by their Hugging Face names, checks every
// shape against the config, and hands them to a backend (kernels/Backend.h)
// that runs the decoder over ragged batches and a paged KV pool:
// embedding → [RMSNorm → GQA attention (RoPE, causal) → RMSNorm → SwiGLU]×L →
// RMSNorm → LM head. The checkpoint stays memory-mapped; the backend packs
// the matmul weights once, in their stored dtype.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_MODEL_LLAMAMODEL_H
#define SGL_RUNTIME_MODEL_LLAMAMODEL_H

#include "kernels/Backend.h"
#include "runtime/model/ModelConfig.h"
#include "runtime/model/Safetensors.h"
#include "runtime/support/Expected.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sgl::runtime {

class LlamaModel {
public:
  /// Loads config.json (+ generation_config.json) and the safetensors of
  /// `dir`. `numThreads` sizes the backend's thread pool (0 = all cores).
  static Expected<std::unique_ptr<LlamaModel>> load(const std::string &dir,
                                                    unsigned numThreads = 0);
  /// Binds an already opened checkpoint to `config`.
  static Expected<std::unique_ptr<LlamaModel>>
  create(ModelConfig config, std::unique_ptr<Checkpoint> checkpoint,
         unsigned numThreads = 0);

  /// Checks that `checkpoint` backs `config`, as create() does before it
  /// reserves anything sized by the config: num_hidden_layers equals the
  /// number of model.layers.N indices present, and every tensor the config
  /// needs exists with an F32 or BF16 dtype and exactly the shape the config
  /// implies. Allocates nothing sized by the config.
  static Status checkCheckpoint(const ModelConfig &config,
                                const Checkpoint &checkpoint);

  const ModelConfig &config() const { return config_; }

  /// Elements of the matmul weights one token passes through: every layer's
  /// projections plus the LM head (the embedding is a row lookup). Decode
  /// reads these once per step, so they set its memory roofline; prefill
  /// does 2 FLOPs per element per token.
  int64_t matmulWeightElements() const;
  /// Bytes of those weights as stored (fp32 or bf16).
  int64_t matmulWeightBytes() const;
  /// Elements of the LM head alone: a prefill that returns only the last
  /// token's logits multiplies it once, not once per token.
  int64_t lmHeadElements() const {
    return weights_.lmHead.rows * weights_.lmHead.cols;
  }

  /// Bytes of keys and values per position (all layers, fp32).
  int64_t kvBytesPerPosition() const {
    return 2 * static_cast<int64_t>(sizeof(float)) * config_.numLayers *
           config_.numKVHeads * config_.headDim;
  }

  /// The backend that runs the forward pass and owns the KV pool.
  kernels::Backend &backend() { return *backend_; }

private:
  LlamaModel(ModelConfig config, std::unique_ptr<Checkpoint> checkpoint);
  /// Binds every tensor into `weights`, or only checks them when it is null.
  static Status bindWeights(const ModelConfig &config,
                            const Checkpoint &checkpoint,
                            kernels::TransformerWeights *weights);
  /// Every matmul weight a token passes through, the LM head last.
  std::vector<const kernels::MatrixView *> matmulWeights() const;
  ModelConfig config_;
  std::unique_ptr<Checkpoint> checkpoint_;
  kernels::TransformerWeights weights_; // views into checkpoint_
  std::unique_ptr<kernels::Backend> backend_;
};

/// The inverse RoPE frequencies for `config`, llama3 scaling applied.
std::vector<double> ropeInverseFrequencies(const ModelConfig &config);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_MODEL_LLAMAMODEL_H

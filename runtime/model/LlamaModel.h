//===- LlamaModel.h - Llama-family transformer on the CPU -------*- C++ -*-===//
//
// Binds a checkpoint's tensors by their Hugging Face names, checks every
// shape against the config, and runs the forward pass on the CPU kernels:
// embedding → [RMSNorm → GQA attention (RoPE, causal) → RMSNorm → SwiGLU]×L →
// RMSNorm → LM head. Weights stay memory-mapped in their stored dtype.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_MODEL_LLAMAMODEL_H
#define SGL_RUNTIME_MODEL_LLAMAMODEL_H

#include "kernels/cpu/CpuKernels.h"
#include "kernels/cpu/ThreadPool.h"
#include "runtime/model/ModelConfig.h"
#include "runtime/model/Safetensors.h"
#include "runtime/support/Expected.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sgl::runtime {

/// Keys and values of one sequence, contiguous per layer.
struct KVCache {
  int64_t numLayers = 0;
  int64_t maxLength = 0;     // positions the cache can hold
  int64_t kvDim = 0;         // num_key_value_heads * head_dim
  int64_t length = 0;        // positions currently filled
  std::vector<float> keys;   // [numLayers, maxLength, kvDim]
  std::vector<float> values; // [numLayers, maxLength, kvDim]

  float *layerKeys(int64_t layer) {
    return keys.data() + layer * maxLength * kvDim;
  }
  float *layerValues(int64_t layer) {
    return values.data() + layer * maxLength * kvDim;
  }
};

/// Which logits forward() returns.
enum class LogitsMode { LastToken, AllTokens };

class LlamaModel {
public:
  /// Loads config.json (+ generation_config.json) and the safetensors of
  /// `dir`. `numThreads` sizes the model's own thread pool (0 = all cores).
  static Expected<std::unique_ptr<LlamaModel>> load(const std::string &dir,
                                                    unsigned numThreads = 0);
  /// Binds an already opened checkpoint to `config`.
  static Expected<std::unique_ptr<LlamaModel>>
  create(ModelConfig config, std::unique_ptr<Checkpoint> checkpoint,
         unsigned numThreads = 0);

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
  int64_t lmHeadElements() const { return lmHead_.rows * lmHead_.cols; }

  /// An empty cache able to hold `maxLength` positions.
  KVCache makeCache(int64_t maxLength) const;

  /// Runs `tokens` at positions startPos, startPos + 1, ... (startPos must
  /// not exceed cache.length; later entries are overwritten), stores their
  /// keys/values and sets cache.length = startPos + tokens.size(). Returns
  /// [vocab] logits of the last token, or [tokens.size(), vocab] for all.
  Expected<std::vector<float>> forward(std::span<const int32_t> tokens,
                                       int64_t startPos, KVCache &cache,
                                       LogitsMode mode = LogitsMode::LastToken);

private:
  /// One decoder layer. Matrices point into the checkpoint; 1-D tensors are
  /// small fp32 copies. D = head_dim, H = hidden, I = intermediate.
  struct Layer {
    std::vector<float> attnNorm, mlpNorm; // [H]
    kernels::MatrixView q;                // [heads * D, H]
    kernels::MatrixView k, v;             // [kvHeads * D, H]
    kernels::MatrixView o;                // [H, heads * D]
    std::vector<float> qBias;             // [heads * D] (Qwen2) or empty
    std::vector<float> kBias, vBias;      // [kvHeads * D] (Qwen2) or empty
    std::vector<float> qNorm, kNorm;      // [D] (Qwen3) or empty
    kernels::MatrixView gate, up;         // [I, H]
    kernels::MatrixView down;             // [H, I]
  };

  LlamaModel(ModelConfig config, std::unique_ptr<Checkpoint> checkpoint,
             unsigned numThreads);
  Status bind();
  /// Every matmul weight a token passes through, the LM head last.
  std::vector<const kernels::MatrixView *> matmulWeights() const;
  /// Cos/sin tables for `pos`, [headDim / 2] each.
  void ropeAngles(int64_t pos, float *cos, float *sin) const;

  ModelConfig config_;
  std::unique_ptr<Checkpoint> checkpoint_;
  kernels::ThreadPool pool_;
  kernels::MatrixView embed_;    // [vocab, hidden]
  kernels::MatrixView lmHead_;   // [vocab, hidden]
  std::vector<float> finalNorm_; // [hidden]
  std::vector<Layer> layers_;
  std::vector<double> invFreq_; // [headDim / 2], after rope scaling
};

/// The inverse RoPE frequencies for `config`, llama3 scaling applied.
std::vector<double> ropeInverseFrequencies(const ModelConfig &config);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_MODEL_LLAMAMODEL_H

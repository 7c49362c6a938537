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

/// Prefill runs at most this many tokens through the layers at a time, so
/// its activations take [kForwardChunk, hidden or intermediate] floats
/// whatever the prompt's length.
inline constexpr int64_t kForwardChunk = 256;
/// tokenLogProbs() multiplies this many rows by the LM head at a time.
inline constexpr int64_t kLogitRowsChunk = 16;

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
  int64_t lmHeadElements() const { return lmHead_.rows * lmHead_.cols; }

  /// An empty cache able to hold `maxLength` positions (for callers that
  /// chose a size they know fits; see allocateCache).
  KVCache makeCache(int64_t maxLength) const;
  /// Bytes of the keys and values of a `positions`-position cache; -1 when
  /// the count does not fit in int64.
  int64_t kvCacheBytes(int64_t positions) const;
  /// makeCache, or an error that says how much memory the cache needs when
  /// that is more than the machine has or cannot be allocated.
  Expected<KVCache> allocateCache(int64_t maxLength) const;

  /// Runs `tokens` at positions startPos, startPos + 1, ... (startPos must
  /// not exceed cache.length; later entries are overwritten), stores their
  /// keys/values and sets cache.length = startPos + tokens.size(). Returns
  /// [vocab] logits of the last token, or [tokens.size(), vocab] for all.
  /// Tokens go through the layers kForwardChunk at a time; AllTokens
  /// returns tokens.size() * vocab floats, so scoring uses tokenLogProbs.
  Expected<std::vector<float>> forward(std::span<const int32_t> tokens,
                                       int64_t startPos, KVCache &cache,
                                       LogitsMode mode = LogitsMode::LastToken);

  /// Runs `tokens` like forward(), but returns for each t the log-softmax
  /// of token t's logits at targets[t] (in double, as logSoftmax computes
  /// it), or 0 where targets[t] < 0: those rows skip the LM head. Logits
  /// are computed kLogitRowsChunk rows at a time, so memory is
  /// O(vocab + tokens), never [tokens, vocab]. `lastLogits`, when given,
  /// receives the [vocab] logits of the last token.
  Expected<std::vector<double>>
  tokenLogProbs(std::span<const int32_t> tokens, int64_t startPos,
                KVCache &cache, std::span<const int32_t> targets,
                std::vector<float> *lastLogits = nullptr);

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

  /// Activations of one chunk of tokens.
  struct Scratch {
    std::vector<float> x, xn;    // [n, H]: residual stream, normed input
    std::vector<float> q, attn;  // [n, heads * D]
    std::vector<float> k, v;     // [n, kvHeads * D]
    std::vector<float> proj;     // [n, H]
    std::vector<float> gate, up; // [n, I]
    std::vector<float> cos, sin; // [n, D / 2]
  };

  LlamaModel(ModelConfig config, std::unique_ptr<Checkpoint> checkpoint,
             unsigned numThreads);
  /// Binds every tensor into `model`, or only checks them when it is null.
  static Status bindWeights(const ModelConfig &config,
                            const Checkpoint &checkpoint, LlamaModel *model);
  /// The argument checks of forward() and tokenLogProbs().
  Status checkForward(std::span<const int32_t> tokens, int64_t startPos,
                      const KVCache &cache) const;
  /// Runs at most kForwardChunk tokens through every layer, writing their
  /// keys/values to the cache; leaves the residual stream in s.x.
  void runLayers(std::span<const int32_t> tokens, int64_t startPos,
                 KVCache &cache, Scratch &s);
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

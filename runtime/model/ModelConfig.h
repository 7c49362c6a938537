//===- ModelConfig.h - HF config.json for Llama-family models -*- C++ -*-===//
//
// Reads `config.json` (and `generation_config.json` when present) of a
// Llama-family checkpoint into a flat struct, rejecting what the runtime
// cannot run yet with a message that says so.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_MODEL_MODELCONFIG_H
#define SGL_RUNTIME_MODEL_MODELCONFIG_H

#include "runtime/support/Expected.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

/// Which member of the family: decides the optional tensors.
enum class ModelArch {
  Llama,   // LlamaForCausalLM
  Mistral, // MistralForCausalLM (Llama layout, no sliding window)
  Qwen2,   // Qwen2ForCausalLM: q/k/v projections carry a bias
  Qwen3,   // Qwen3ForCausalLM: per-head RMSNorm on q and k before RoPE
};

/// Llama 3 style RoPE frequency scaling ("rope_type": "llama3").
struct RopeScaling {
  bool enabled = false;
  double factor = 1.0;
  double lowFreqFactor = 1.0;
  double highFreqFactor = 4.0;
  int64_t originalMaxPositions = 8192;
};

struct ModelConfig {
  ModelArch arch = ModelArch::Llama;
  std::string architecture; // as spelled in config.json
  int64_t hiddenSize = 0;
  int64_t intermediateSize = 0;
  int64_t numLayers = 0;
  int64_t numHeads = 0;
  int64_t numKVHeads = 0;
  int64_t headDim = 0; // hidden_size / num_attention_heads unless given
  int64_t vocabSize = 0;
  int64_t maxPositions = 0;
  double rmsNormEps = 1e-6;
  double ropeTheta = 10000.0;
  RopeScaling ropeScaling;
  bool tieWordEmbeddings = false;
  bool attentionBias = false; // q/k/v bias (Qwen2, or attention_bias: true)
  bool qkNorm = false;        // Qwen3
  std::string torchDtype;     // "float32", "bfloat16", ... ("" if absent)
  int64_t bosTokenId = -1;    // -1 when absent
  std::vector<int64_t> eosTokenIds;

  /// Parses config.json text; `source` names it in errors. Invalid JSON is
  /// reported with its line, column and field; every number is checked
  /// against the range the runtime can compute with, and the error names
  /// the field: dimensions are positive and at most 2^20, vocab_size and
  /// max_position_embeddings at most 2^31 - 1, rms_norm_eps in [1e-30, 1],
  /// rope_theta in [1, 1e300], llama3 rope_scaling factors finite and
  /// positive with high_freq_factor > low_freq_factor, token ids below
  /// vocab_size. Whether the checkpoint backs these sizes is
  /// LlamaModel::checkCheckpoint's job.
  static Expected<ModelConfig> parse(std::string_view json,
                                     const std::string &source);
  /// Applies generation_config.json text: its eos/bos ids (checked like
  /// config.json's) replace those of config.json.
  Status applyGenerationConfig(std::string_view json,
                               const std::string &source);
  /// Reads dir/config.json, then eos/bos from dir/generation_config.json.
  static Expected<ModelConfig> load(const std::string &dir);
};

/// The architectures ModelConfig accepts, comma separated.
std::string supportedArchitectures();

} // namespace sgl::runtime

#endif // SGL_RUNTIME_MODEL_MODELCONFIG_H

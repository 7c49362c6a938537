//===- SequenceContext.h - One growing prompt and its KV cache --*- C++ -*-===//
//
// The interpreter's view of a running program: the context text and the
// tokens whose keys/values sit in a contiguous KV cache.
//
// Tokenization across chunk boundaries: the context is always the
// tokenization of the *whole* text (the post-processor's prefix, e.g. BOS,
// once, then encode(text) without special tokens). Before a forward pass the
// whole text is re-encoded and the cache is truncated to the longest common
// token prefix with what it holds; only the rest is computed, in one batch.
// Appending text therefore never splits a word into tokens a one-shot
// tokenization would not produce, and after a gen the prompt for later steps
// is exactly the captured text, whatever tokens the sampler took to get
// there (same as SGLang, which re-tokenizes the prompt per request).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_SEQUENCECONTEXT_H
#define SGL_RUNTIME_ENGINE_SEQUENCECONTEXT_H

#include "runtime/model/LlamaModel.h"
#include "runtime/support/Expected.h"
#include "runtime/tokenizer/Tokenizer.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

/// Log-probability of a continuation, as select scores choices.
struct ContinuationScore {
  double logProbSum = 0.0; ///< sum over the continuation's tokens
  int64_t numTokens = 0;   ///< tokens scored
  /// logProbSum / numTokens (0 when no token was scored).
  double normalized() const {
    return numTokens ? logProbSum / static_cast<double>(numTokens) : 0.0;
  }
};

class SequenceContext {
public:
  SequenceContext(LlamaModel &model, const Tokenizer &tokenizer);

  /// Appends to the text; tokens are computed lazily by prefill().
  void appendText(std::string_view text) { text_ += text; }
  const std::string &text() const { return text_; }

  /// The post-processor's tokens before any text (Llama 3: BOS).
  const std::vector<int32_t> &prefixTokens() const { return prefix_; }
  /// prefixTokens() + tryEncode(text, without special tokens): a
  /// pre-tokenizer regex that gives up is an error, never a different
  /// split than the model was trained on.
  Expected<std::vector<int32_t>> tokensOf(std::string_view text) const;

  /// Brings the KV cache up to the tokens of text() and returns the logits
  /// of the last one ([vocab]; valid until the next call).
  Expected<std::span<const float>> prefill();

  /// Runs one sampled token after the cached ones (the text is unchanged:
  /// the caller appends what it keeps) and returns its logits.
  Expected<std::span<const float>> decode(int32_t token);

  /// Log-probability of text() + continuation's tokens past the point where
  /// its tokenization leaves the context's. Leaves the cache holding them.
  Expected<ContinuationScore> scoreContinuation(std::string_view continuation);

  /// Tokens whose keys/values are in the cache.
  const std::vector<int32_t> &cachedTokens() const { return cached_; }
  /// Positions the model allows (max_position_embeddings).
  int64_t maxPositions() const { return maxPositions_; }
  /// Positions the KV cache has room for now: it grows with need (doubling
  /// from a small start), not with max_position_embeddings.
  int64_t cacheCapacity() const { return cache_.maxLength; }
  /// Tokens run through the model so far (prefill + decode), for tests and
  /// statistics.
  int64_t tokensComputed() const { return computed_; }

private:
  /// Drops cache entries past the common prefix with `target`, keeping at
  /// most `limit` tokens; returns the kept count.
  int64_t reuse(const std::vector<int32_t> &target, int64_t limit);
  /// Grows the cache to hold `positions` (error past maxPositions).
  Status reserve(int64_t positions);
  Expected<std::vector<float>> run(std::span<const int32_t> tokens,
                                   LogitsMode mode);

  LlamaModel &model_;
  const Tokenizer &tokenizer_;
  std::string text_;
  std::vector<int32_t> prefix_;
  KVCache cache_;
  std::vector<int32_t> cached_; // [cache_.length] tokens in the cache
  std::vector<float> logits_;   // [vocab] after the last cached token
  bool logitsValid_ = false;
  int64_t maxPositions_ = 0;
  int64_t computed_ = 0;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_SEQUENCECONTEXT_H

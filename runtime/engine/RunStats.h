//===- RunStats.h - What one program instance did ---------------*- C++ -*-===//
#ifndef SGL_RUNTIME_ENGINE_RUNSTATS_H
#define SGL_RUNTIME_ENGINE_RUNSTATS_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

/// Why a gen stopped.
enum class FinishReason {
  Eos,          ///< sampled an end-of-sequence / end-of-turn id
  StopString,   ///< the text reached one of its stop strings
  MaxTokens,    ///< sampled max_tokens tokens
  ContextLimit, ///< the context filled max_position_embeddings
  /// A constrained gen's output admits no further token, not even an end
  /// id (its constraint's language holds nothing longer).
  ConstraintEnd,
};

/// "eos", "stop_string", "max_tokens", "context_limit", "constraint_end".
std::string_view finishReasonName(FinishReason reason);
/// The OpenAI-style finish_reason: "stop" (Eos, StopString, ConstraintEnd)
/// or "length" (MaxTokens, ContextLimit).
std::string_view apiFinishReason(FinishReason reason);

/// How one gen ended.
struct GenFinish {
  std::string capture; ///< the gen's capture name
  FinishReason reason = FinishReason::MaxTokens;
  int64_t tokens = 0; ///< tokens it sampled (a final EOS included)
};

/// Counters of one instance.
struct RunStats {
  /// Context tokens its gens and selects needed keys/values for (sampled
  /// tokens excluded).
  int64_t promptTokens = 0;
  /// Of those, served from the radix cache.
  int64_t promptTokensCached = 0;
  /// Tokens run through the model for its prompts and selects, recomputed
  /// ones included.
  int64_t promptTokensComputed = 0;
  /// Tokens computed again after a retraction or a changed context.
  int64_t recomputedTokens = 0;
  /// Times the chat template rendered an earlier message anew after its
  /// tokens were frozen (Qwen3 dropping past reasoning), and the frozen
  /// tokens those rewrites dropped: what came back unchanged keeps its
  /// keys/values, the rest counts in recomputedTokens.
  int64_t templateRewrites = 0;
  int64_t templateRewrittenTokens = 0;
  int64_t generatedTokens = 0; ///< tokens sampled by gens
  /// One entry per gen, in the order they ran.
  std::vector<GenFinish> gens;

  /// How many gens ended for `reason`.
  int64_t gensFinishedBy(FinishReason reason) const;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_RUNSTATS_H

//===- ProgramInstance.h - One program run as a resumable state machine -*- C++
//-*-===//
//
// An instance executes a plan::Program's steps until it needs the model,
// then suspends with a request the scheduler serves in a batch:
//
//   advance() ─▶ NeedsGen     sample tokens: acceptToken() for each, until
//                             it says the gen is over
//            ─▶ NeedsSelect  score choiceTokens(), then finishSelect(best)
//            ─▶ Done/Failed  result() holds the captures or the error
//
// Steps (text, append, role begin/end) grow the instance's context
// (Conversation over ContextSegments): template and program text may spell
// special tokens, argument and capture text never do; a gen or select
// freezes the context into tokens first. Tokens the model has seen change
// only where the chat template renders an earlier message anew (Qwen3's
// dropped reasoning); RunStats counts those rewrites.
//
// Generation details:
// - Stop ids: the model's eos ids (config.json, generation_config.json) and
//   the tokenizer's eos; inside an assistant message also the template's
//   end-of-turn token. None of them is part of the captured text.
// - Stop strings are matched on the decoded bytes (they may span tokens);
//   the capture ends before the first one. Special tokens decode to nothing.
// - max_tokens defaults to kDefaultMaxTokens. A gen also stops when the
//   context reaches max_position_embeddings; a prompt that does not fit is
//   an error. Why each gen stopped is in RunStats::gens (FinishReason).
// - Randomness: a gen with `seed` draws from Rng(seed); otherwise from
//   Rng(mixSeed(run seed, step index)), so runs are reproducible and an
//   instance draws the same numbers alone or in any batch.
// - The context keeps the sampled ids whose bytes lie before the end of the
//   capture, then the rest of the capture as text: later steps see exactly
//   the captured text (repaired to valid UTF-8 in the capture itself).
// - Constraints (regex, json_schema): a ConstraintMatcher follows the gen
//   over its site's shared masks (GenConstraints.h); the scheduler samples
//   from allowedTokens(). The gen ends when the matcher is finished (an
//   end id accepted, or nothing can follow) or its budget is spent; one
//   that ends before its constraint accepts fails the instance, naming the
//   gen. A json_schema capture is returned as the JSON value it spells.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_PROGRAMINSTANCE_H
#define SGL_RUNTIME_ENGINE_PROGRAMINSTANCE_H

#include "runtime/constraints/Constraint.h"
#include "runtime/engine/Conversation.h"
#include "runtime/engine/GenConstraints.h"
#include "runtime/engine/LoadedModel.h"
#include "runtime/engine/RunStats.h"
#include "runtime/engine/StopMatcher.h"
#include "runtime/plan/Plan.h"
#include "runtime/sampling/Rng.h"
#include "runtime/sampling/Sampler.h"
#include "runtime/support/Expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sgl::runtime {

/// max_tokens of a gen that does not set it.
inline constexpr uint32_t kDefaultMaxTokens = 128;

struct RunOptions {
  /// Seed of every gen that has no `seed` of its own.
  uint64_t seed = 0;
  /// Encode argument text like program text (special-token spellings
  /// become control tokens). Off: arguments are always plain text.
  bool allowSpecialTokensInArguments = false;
};

class ProgramInstance {
public:
  enum class State { Ready, NeedsGen, NeedsSelect, Done, Failed };

  /// `argValues` are the program's arguments in declaration order
  /// (bindProgramArgs gives them). `constraints` holds the masks of the
  /// program's constrained gens (it may be null when it has none) and
  /// must outlive the instance.
  ProgramInstance(const LoadedModel &model, const plan::Program &program,
                  std::vector<std::string> argValues, const RunOptions &options,
                  GenConstraintMasks *constraints = nullptr);

  State state() const { return state_; }
  bool finished() const {
    return state_ == State::Done || state_ == State::Failed;
  }

  /// Runs steps until the next gen or select (whose context it freezes) or
  /// the end of the program. Call in state Ready.
  void advance();

  /// The frozen context: every token the model must have seen before the
  /// pending gen/select, BOS first.
  const std::vector<int32_t> &tokens() const {
    return conversation_.context().tokens();
  }

  // --- NeedsGen ---
  const SamplingParams &samplingParams() const { return sampling_; }
  Rng &rng() { return rng_; }
  /// Tokens sampled so far by the pending gen.
  const std::vector<int32_t> &sampled() const { return sampled_; }
  /// Takes one sampled token; `contextFull` says that no further token fits
  /// the model's positions. Returns true when the gen is over (the instance
  /// is then Ready again, or Failed when a constrained gen ended before its
  /// constraint accepted).
  bool acceptToken(int32_t id, bool contextFull);
  /// Tokens the pending gen may still sample under max_tokens.
  uint32_t tokensLeft() const;
  /// Whether the pending gen has a constraint.
  bool constrained() const { return matcher_.has_value(); }
  /// The tokens a constrained gen may sample next when at most
  /// `tokensLeft` more fit (ConstraintMatcher::allowedTokens).
  std::span<const uint64_t> allowedTokens(uint32_t tokensLeft);
  /// Ends a constrained gen whose mask for `tokensLeft` allows nothing: no
  /// token leads to an accepted output within them. Returns true, as
  /// acceptToken does at the end of a gen.
  bool endConstrainedGen(uint32_t tokensLeft);

  // --- NeedsSelect ---
  /// Each choice tokenized alone, as plain text (never empty).
  const std::vector<std::vector<int32_t>> &choiceTokens() const {
    return choiceTokens_;
  }
  /// Appends choice `best` to the context and captures it.
  void finishSelect(size_t best);

  /// "gen 'name': " or "select 'name': " for the pending step ("" when
  /// none), to start a message about it.
  std::string pendingLabel() const;
  /// Marks the instance failed with `message`, prefixed by the pending
  /// step's location.
  void fail(const std::string &message);

  /// The captures ({name: value} in plan order) or the error.
  Expected<nlohmann::ordered_json> result() const;
  const RunStats &stats() const { return stats_; }
  RunStats &stats() { return stats_; }

private:
  Status step(const plan::Step &s, size_t index);
  /// Copies the conversation's rewrite counts into stats_.
  Status countRewrites(Status status);
  void beginGen(const plan::Step &s, size_t index);
  Status beginSelect(const plan::Step &s);
  void finishGen(FinishReason reason);
  /// The error of a constrained gen that stopped for `reason` before its
  /// constraint accepted the output.
  std::string unacceptedMessage(FinishReason reason) const;
  /// A capture's value: the slot's text, parsed as JSON for a json_schema
  /// gen.
  Expected<nlohmann::ordered_json> captureValue(uint32_t slot) const;
  Status setSlot(const plan::Step &s, std::string value);
  Error at(const plan::Step &s, const std::string &message) const;
  std::string slotName(uint32_t slot) const;

  const LoadedModel &model_;
  const plan::Program &program_;
  RunOptions options_;
  GenConstraintMasks *constraints_;
  Conversation conversation_;
  std::vector<std::string> slots_;
  size_t next_ = 0; // next step to run
  State state_ = State::Ready;
  std::string error_;
  RunStats stats_;

  // The pending gen.
  const plan::Step *pending_ = nullptr;
  SamplingParams sampling_;
  Rng rng_{0};
  uint32_t maxTokens_ = 0;
  std::set<int32_t> stopIds_;
  std::optional<StopMatcher> stops_;
  std::vector<int32_t> sampled_;
  std::string out_;
  size_t cut_ = std::string::npos; // where a stop string begins in out_
  GenFinish finish_;
  std::optional<constraints::ConstraintMatcher> matcher_;
  uint32_t constraintShortest_ = 0; // bytes, for messages
  uint32_t endTokensLeft_ = 0;      // the budget an empty mask was for

  // The pending select.
  std::vector<std::vector<int32_t>> choiceTokens_;
};

/// "file:line:col" of a step ("<unknown>" when the plan has no location).
std::string formatLocation(const plan::SourceLocation &loc);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_PROGRAMINSTANCE_H

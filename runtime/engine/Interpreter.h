//===- Interpreter.h - Runs one plan program on a loaded model --*- C++ -*-===//
//
// Executes a plan::Program step by step over one SequenceContext:
//
//   text / append   add text to the context (tokenized lazily)
//   role_begin/end  the chat template's header / footer for the role
//   gen             sample until EOS, a stop string or max_tokens
//   select          score every choice by its mean token log-prob, append
//                   the best (SGLang's token-length-normalized default)
//
// and returns the captures as one JSON object in plan order.
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
//   Rng(mixSeed(run seed, step index)), so runs are reproducible.
// - The captured text is repaired to valid UTF-8 and appended to the
//   context as text, so later steps see exactly what was captured.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_INTERPRETER_H
#define SGL_RUNTIME_ENGINE_INTERPRETER_H

#include "runtime/engine/LoadedModel.h"
#include "runtime/engine/ProgramArgs.h"
#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sgl::runtime {

/// max_tokens of a gen that does not set it.
inline constexpr uint32_t kDefaultMaxTokens = 128;

struct RunOptions {
  /// Seed of every gen that has no `seed` of its own.
  uint64_t seed = 0;
};

/// Why a gen stopped.
enum class FinishReason {
  Eos,          ///< sampled an end-of-sequence / end-of-turn id
  StopString,   ///< the text reached one of its stop strings
  MaxTokens,    ///< sampled max_tokens tokens
  ContextLimit, ///< the context filled max_position_embeddings
};

/// "eos", "stop_string", "max_tokens", "context_limit".
std::string_view finishReasonName(FinishReason reason);
/// The OpenAI-style finish_reason: "stop" (Eos, StopString) or "length"
/// (MaxTokens, ContextLimit).
std::string_view apiFinishReason(FinishReason reason);

/// How one gen ended.
struct GenFinish {
  std::string capture; ///< the gen's capture name
  FinishReason reason = FinishReason::MaxTokens;
  int64_t tokens = 0; ///< tokens it sampled (a final EOS included)
};

/// Counters of one run.
struct RunStats {
  int64_t promptTokensComputed = 0; ///< tokens run by prefill and select
  int64_t generatedTokens = 0;      ///< tokens sampled by gens
  double decodeSeconds = 0.0;       ///< time in gen's sample+decode loop
  /// One entry per gen, in the order they ran.
  std::vector<GenFinish> gens;

  /// How many gens ended for `reason` (ContextLimit: cut short because the
  /// context reached max_position_embeddings).
  int64_t gensFinishedBy(FinishReason reason) const;
};

class Interpreter {
public:
  explicit Interpreter(LoadedModel &model) : model_(model) {}

  /// Runs `program` with `args` (each program argument exactly once, no
  /// others). Returns {capture name: value} in plan order.
  Expected<nlohmann::ordered_json> run(const plan::Program &program,
                                       const ProgramArgs &args,
                                       const RunOptions &options = {});

  /// Counters of the last run().
  const RunStats &stats() const { return stats_; }

private:
  LoadedModel &model_;
  RunStats stats_;
};

/// "file:line:col" of a step ("<unknown>" when the plan has no location).
std::string formatLocation(const plan::SourceLocation &loc);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_INTERPRETER_H

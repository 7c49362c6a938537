//===- Interpreter.h - Runs one plan program on a loaded model --*- C++ -*-===//
//
// The one-instance front door: run() submits a single ProgramInstance to a
// Scheduler of its own (the same engine batch mode uses, with a KV pool
// sized for one context) and returns its captures. See ProgramInstance.h
// for what each step does and Scheduler.h for how the model is driven.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_INTERPRETER_H
#define SGL_RUNTIME_ENGINE_INTERPRETER_H

#include "runtime/engine/GenConstraints.h"
#include "runtime/engine/LoadedModel.h"
#include "runtime/engine/ProgramArgs.h"
#include "runtime/engine/ProgramInstance.h"
#include "runtime/engine/RunStats.h"
#include "runtime/engine/Scheduler.h"
#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace sgl::runtime {

/// Pages for one context of the model's max_position_embeddings, bounded
/// by a quarter of the machine's memory.
int32_t defaultKVPages(LlamaModel &model, int32_t pageSize);

/// At most how many tokens the context of `program` run with `args` can
/// reach: a bound from its text, arguments, template text and max_tokens;
/// kUnboundedContext for a program with a loop, a fork or an appended value
/// other than a literal or a slot, whose size only the run tells.
int64_t contextTokenBound(const LoadedModel &model,
                          const plan::Program &program,
                          const std::vector<Value> &args);
inline constexpr int64_t kUnboundedContext = INT64_MAX;

/// The most KV pages the branches of one of `program`'s selects hold at
/// once next to the context (its choices, and for the unconditional method
/// each choice again after the tokenizer's prefix alone).
int64_t selectBranchPages(const LoadedModel &model,
                          const plan::Program &program, int32_t pageSize);

class Interpreter {
public:
  /// `scheduler.numPages` 0 sizes the pool per run: room for the run's
  /// contextTokenBound (at most max_position_embeddings) and its
  /// selectBranchPages, bounded by defaultKVPages.
  explicit Interpreter(LoadedModel &model, SchedulerOptions scheduler = {});

  /// Runs `program` with `args` (each program argument without a default
  /// exactly once, no others; see bindProgramArgs). Returns {capture name:
  /// value} in plan order. `constraints`
  /// are the masks of the program's constrained gens; when null they are
  /// compiled for this run.
  Expected<nlohmann::ordered_json>
  run(const plan::Program &program, const ProgramArgs &args,
      const RunOptions &options = {},
      GenConstraintMasks *constraints = nullptr);

  /// Counters of the last run().
  const RunStats &stats() const { return stats_; }
  const EngineStats &engineStats() const { return engineStats_; }

private:
  LoadedModel &model_;
  SchedulerOptions scheduler_;
  RunStats stats_;
  EngineStats engineStats_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_INTERPRETER_H

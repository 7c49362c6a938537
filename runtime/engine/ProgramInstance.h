//===- ProgramInstance.h - One program run as a resumable state machine -*- C++
//-*-===//
//
// An instance executes a plan::Program's tree of blocks until it needs
// the model, then suspends with a request the scheduler serves in a batch:
//
//   advance() ─▶ NeedsGen     sample tokens: acceptToken() for each, until
//                             it says the gen is over
//            ─▶ NeedsSelect  score choiceTokens(), then finishSelect(best)
//            ─▶ NeedsFork    run branch(i) for i < forkCount() to the end,
//                             then joinBranches(them)
//            ─▶ Done/Failed  result() holds the captures or the error
//
// The tree is walked with an explicit stack of frames (a block, the next
// step in it and, for a loop's body, the loop's state), so a gen or select
// inside any nesting of ifs and loops suspends and resumes like one at the
// top. Expressions (if conditions, loop bounds, appended values) are
// evaluated by ExprEval; an error there fails the instance with the
// expression's location.
//
// Steps (text, append, role begin/end) grow the instance's context
// (Conversation over ContextSegments): template and program text may spell
// special tokens, appended values (arguments, captures, expressions) never
// do; a gen or select freezes the context into tokens first. Tokens the
// model has seen change only where the chat template renders an earlier
// message anew (Qwen3's dropped reasoning); RunStats counts those rewrites.
//
// Slots hold Values: arguments from bindProgramArgs, a gen's text (a json
// value for a json_schema gen), a select's choice, a loop's element or
// index. A slot holds the last value written to it; reading one never
// written is an error.
//
// Captures: result() is {name: value} in Program::captures order, null for
// a capture never reached. A capture made inside `depth` loops is that many
// levels of lists, one entry per iteration: when a loop starts, each of its
// body_captures gets an empty list at the loop's level; when an iteration
// starts, each gets a null entry (made directly in this loop) or an empty
// list (made in a loop inside it); writing the slot fills the last entry
// along the current path. A loop that runs 0 times leaves [] and an
// iteration that does not reach the capture (an if, a break) leaves null.
// An output expression reads the capture where it stands: after all its
// loops the whole output, inside some of them the entry of their current
// iterations (after an inner loop, in the outer one's body: this outer
// iteration's list).
//
// Forks: a fork of n branches suspends the instance; branch(i) is an
// instance of its own that starts as a copy of this one at the fork (its
// context, slots and outputs) with the index slot set to i, runs the
// fork's body and is Done at its end. It may run alone, beside its
// siblings, or fork again: the scheduler runs branches as any instances.
// joinBranches() sets the fork's slot to the list of one JSON object per
// branch, {capture: output} of the fork's body_captures, and the instance
// goes on from the context it had at the fork. A branch capture's output
// lives in its branch (depth counts loops inside the fork); outputs read
// inside a branch walk only the frames of their own scope. A branch draws
// from its gens' seeds mixed with its key (the parent's key, the fork's
// site, how many times it ran, and i), so branches differ from each other
// and from the same fork run again. The tree of one instance shares one
// budget: kMaxLoopIterations iterations and kMaxForkBranches branches.
// A failed branch fails the fork (the instance), naming the branch.
//
// Loops: for_each runs over the elements of its list as it was when the
// loop started; for_range over [from, to) (empty when to <= from). An
// instance runs at most kMaxLoopIterations iterations in all, and a range
// longer than that fails at once: loops are bounded, so a program always
// ends, generating or not.
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
// - Randomness: the k-th run of a gen site in an instance (k = 0 the first
//   time; loops run a site again) draws from Rng(base) for k = 0 and from
//   Rng(mixSeed(base, k)) after, with base the gen's `seed`, or else
//   mixSeed(run seed, site). Runs are reproducible, an instance draws the
//   same numbers alone or in any batch, iterations draw differently, and a
//   straight-line program (where the site is the step's index) draws as in
//   plan format 1.
// - The context keeps the sampled ids whose bytes lie before the end of the
//   capture, then the rest of the capture as text: later steps see exactly
//   the captured text (repaired to valid UTF-8 in the capture itself).
// - Constraints (regex, json_schema): a ConstraintMatcher follows the gen
//   over its site's shared masks (GenConstraints.h); the scheduler samples
//   from allowedTokens(). The gen ends when the matcher is finished (an
//   end id accepted, or nothing can follow) or its budget is spent; one
//   that ends before its constraint accepts fails the instance, naming the
//   gen. A json_schema gen's value is the JSON value it spells (appended
//   as the exact text the model wrote).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_PROGRAMINSTANCE_H
#define SGL_RUNTIME_ENGINE_PROGRAMINSTANCE_H

#include "runtime/constraints/Constraint.h"
#include "runtime/engine/Conversation.h"
#include "runtime/engine/ExprEval.h"
#include "runtime/engine/GenConstraints.h"
#include "runtime/engine/LoadedModel.h"
#include "runtime/engine/RunStats.h"
#include "runtime/engine/StopMatcher.h"
#include "runtime/engine/Value.h"
#include "runtime/plan/Plan.h"
#include "runtime/sampling/Penalties.h"
#include "runtime/sampling/Rng.h"
#include "runtime/sampling/Sampler.h"
#include "runtime/support/Expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sgl::runtime {

/// max_tokens of a gen that does not set it.
inline constexpr uint32_t kDefaultMaxTokens = 128;

/// Loop iterations one instance may run, over all its loops (and those of
/// its branches).
inline constexpr int64_t kMaxLoopIterations = 1000000;

/// Fork branches one instance may start, its branches' forks included.
inline constexpr int64_t kMaxForkBranches = 65536;

struct RunOptions {
  /// Seed of every gen that has no `seed` of its own.
  uint64_t seed = 0;
  /// Encode argument text like program text (special-token spellings
  /// become control tokens). Off: arguments are always plain text.
  bool allowSpecialTokensInArguments = false;
};

class ProgramInstance : private ExprScope {
public:
  enum class State { Ready, NeedsGen, NeedsSelect, NeedsFork, Done, Failed };

  /// `argValues` are the program's arguments in declaration order
  /// (bindProgramArgs gives them, of the arguments' types). `constraints`
  /// holds the masks of the program's constrained gens (it may be null
  /// when it has none) and must outlive the instance. `program` must be
  /// verified (PlanVerifier) and outlive the instance.
  ProgramInstance(const LoadedModel &model, const plan::Program &program,
                  std::vector<Value> argValues, const RunOptions &options,
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
  /// The pending gen's penalties over its context and its tokens so far;
  /// apply them to the logits before sampling.
  const TokenPenalties &penalties() const { return penalties_; }
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
  /// How the pending select scores its choices.
  plan::SelectMethod selectMethod() const { return pending_->selectMethod; }
  /// Appends choice `best` to the context and captures it.
  void finishSelect(size_t best);

  // --- NeedsFork ---
  /// The number of branches of the pending fork (at least 1).
  int64_t forkCount() const { return forkCount_; }
  /// Branch `index` of the pending fork, Ready to run (see Forks above).
  std::unique_ptr<ProgramInstance> branch(int64_t index) const;
  /// Ends the pending fork with its finished branches, in index order:
  /// Ready again, or Failed when a branch failed.
  void joinBranches(std::vector<std::unique_ptr<ProgramInstance>> branches);

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
  /// A block being run: the next step in it, and for a loop's body the
  /// loop's state.
  struct Frame {
    const plan::Block *block = nullptr;
    size_t next = 0;
    /// The loop whose body this is; null for the program's body, the
    /// blocks of an if and a fork's body.
    const plan::Step *loop = nullptr;
    /// The fork whose body this is (in a branch), or the call; null
    /// otherwise.
    const plan::Step *scope = nullptr;
    /// For a loop: how many loops are around it inside its fork or call.
    uint32_t level = 0;
    Value list;        ///< for_each: the list
    int64_t index = 0; ///< for_each: the next element; for_range: the next
                       ///< value
    int64_t end = 0;   ///< for_range: the end
  };

  /// What the instances of one tree (an instance and its branches, at any
  /// depth) may still run.
  struct Budget {
    int64_t iterations = kMaxLoopIterations;
    int64_t branches = kMaxForkBranches;
  };

  /// Branch `index` of `parent`'s pending fork.
  ProgramInstance(const ProgramInstance &parent, int64_t index);

  Status step(const plan::Step &s);
  Status beginFork(const plan::Step &s);
  /// Runs the body of a fork's branch or a call next, its captures unset.
  void enterScope(const plan::Step &scope);
  /// Sets the callee's arguments and runs its body next.
  Status beginCall(const plan::Step &s);
  /// The callee's body ended: its captures become the call's object.
  Status finishCall(const plan::Step &s);
  /// {capture: output} of the captures a fork's branch or a call makes.
  Value objectOf(const plan::Step &scope) const;
  /// A finished branch's object: {capture: output} of its fork's captures.
  Value branchValue() const;
  Status startLoop(const plan::Step &s);
  /// Starts the next iteration of the loop frame on top, or pops it when
  /// it is over.
  Status nextIteration();
  /// Pops frames up to and including the innermost loop's.
  void breakLoop();
  /// Copies the conversation's rewrite counts into stats_.
  Status countRewrites(Status status);
  void beginGen(const plan::Step &s);
  Status beginSelect(const plan::Step &s);
  void finishGen(FinishReason reason);
  /// The error of a constrained gen that stopped for `reason` before its
  /// constraint accepted the output.
  std::string unacceptedMessage(FinishReason reason) const;
  /// Writes `slot` and the captures that name it.
  Status setSlot(uint32_t slot, Value value, const plan::Step &writer);
  /// The list or value of capture `c` at `level` of its lists along the
  /// current path (level 0: its output itself); null when the output does
  /// not have that shape (a plan PlanVerifier would refuse).
  Value *captureAt(uint32_t c, uint32_t level);
  Error at(const plan::Step &s, const std::string &message) const;
  std::string slotName(uint32_t slot) const override;
  const Value *slot(uint32_t slot) const override;
  const Value *output(uint32_t capture) const override;

  const LoadedModel &model_;
  const plan::Program &program_;
  RunOptions options_;
  GenConstraintMasks *constraints_;
  Conversation conversation_;
  std::vector<Value> slots_;
  std::vector<uint8_t> slotSet_;
  /// Per capture: its output so far.
  std::vector<Value> outputs_;
  /// (slot, capture index) for every capture, sorted.
  std::vector<std::pair<uint32_t, uint32_t>> capturesBySlot_;
  std::vector<Frame> frames_;
  /// frames_[0, base_) are the parent's at the fork (for reading outputs);
  /// the instance is Done when its frames shrink to them. 0 for the root.
  size_t base_ = 0;
  /// Per capture: the fork it is a branch capture of, or the call it is a
  /// capture of the callee of (null: a program output).
  std::vector<const plan::Step *> captureScope_;
  /// A branch: its fork, and the key mixed into its gens' seeds.
  const plan::Step *branchOf_ = nullptr;
  uint64_t branchKey_ = 0;
  /// How many times each gen site and each fork site has run.
  std::unordered_map<uint32_t, uint32_t> genRuns_;
  std::unordered_map<uint32_t, uint32_t> forkRuns_;
  std::shared_ptr<Budget> budget_ = std::make_shared<Budget>();
  State state_ = State::Ready;
  std::string error_;
  RunStats stats_;

  // The pending gen.
  const plan::Step *pending_ = nullptr;
  SamplingParams sampling_;
  TokenPenalties penalties_;
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

  // The pending fork.
  const plan::Step *pendingFork_ = nullptr;
  int64_t forkCount_ = 0;
  uint32_t forkRun_ = 0;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_PROGRAMINSTANCE_H

//===- Scheduler.h - Continuous batching over a paged, prefix-shared KV pool -*-
// C++ -*-===//
//
// Runs many ProgramInstances at once on one model. Every step:
//
//   1. admit waiting instances (policy order) while free pages allow:
//      the radix cache supplies the longest cached prefix of each one's
//      context, locked while in use; the rest of its prompt gets pages;
//   2. build one ragged batch: every running decode (one token each), then
//      prefill chunks (at most --chunked-prefill tokens per sequence) up
//      to the --max-batch-tokens budget, then select branches;
//   3. run it through the backend; sample for every sequence whose last
//      token was in it; instances whose gen or select ended run on to
//      their next model call (or finish).
//
// When a decode needs a page and none is free (after evicting unlocked
// cache), the youngest running sequence is retracted: its pages go back
// (full ones into the radix cache), and it is recomputed when readmitted,
// with the same tokens and so the same output. An instance that cannot fit
// in the whole pool fails with its own error; the others go on.
//
// A select prefills its context once (last-token logits only) and scores
// every choice as a branch over the context's pages (the partly filled
// last page copied per branch), all in one batch; the chosen branch's
// pages become the sequence's.
//
// A fork takes its instance out of the running set: the full pages of its
// context go into the radix cache and each branch becomes a sequence of
// its own, admitted like any other (its prefix served from those pages
// while they stay cached); at most 64 branches of a fork exist at once,
// the next made as one finishes. When the last branch is done the
// instance joins them and comes back, its context readmitted the same way.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_SCHEDULER_H
#define SGL_RUNTIME_ENGINE_SCHEDULER_H

#include "runtime/engine/LoadedModel.h"
#include "runtime/engine/ProgramInstance.h"
#include "runtime/kvcache/PageAllocator.h"
#include "runtime/kvcache/RadixCache.h"
#include "runtime/support/Expected.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace sgl::runtime {

enum class SchedulePolicy {
  LongestPrefixMatch, ///< waiting instances with the longest cached prefix
                      ///< first
  FirstComeFirstServed,
};

struct SchedulerOptions {
  int32_t pageSize = 16;
  int32_t numPages = 0;          ///< KV pool size; see kvPagesFor()
  int64_t maxBatchTokens = 2048; ///< tokens per forward step
  int64_t chunkedPrefill = 512;  ///< prefill tokens per sequence per step
  SchedulePolicy policy = SchedulePolicy::LongestPrefixMatch;
  bool radixCache = true; ///< share KV across instances
};

/// Engine-wide counters.
struct EngineStats {
  int64_t steps = 0;
  int64_t promptTokens = 0;         ///< context tokens model calls needed
  int64_t promptTokensCached = 0;   ///< served from the radix cache
  int64_t promptTokensComputed = 0; ///< prefill/select tokens run
  int64_t recomputedTokens = 0;     ///< run again (retraction, changed context)
  int64_t decodeTokens = 0;         ///< one-token decode rows run
  int64_t generatedTokens = 0;
  int64_t retractions = 0;
  int32_t peakPages = 0; ///< most pages in use (by sequences or the cache)
  double forwardSeconds = 0.0;
};

class Scheduler {
public:
  using DoneCallback = std::function<void(ProgramInstance &)>;

  /// Allocates the model's KV pool of options.numPages pages.
  static Expected<std::unique_ptr<Scheduler>> create(LoadedModel &model,
                                                     SchedulerOptions options);
  ~Scheduler();

  /// Queues `instance`; `done` runs (on the thread calling run()) once it
  /// is Done or Failed, after which the scheduler forgets it.
  void submit(std::unique_ptr<ProgramInstance> instance, DoneCallback done);
  /// Runs until every submitted instance is finished. Fails only when the
  /// backend does (instances fail one by one, through their callbacks).
  Status run();

  const EngineStats &stats() const { return stats_; }
  const SchedulerOptions &options() const { return options_; }
  int32_t pagesInUse() const;

private:
  struct Sequence;
  struct Branch;
  struct StepBatch;
  struct ForkJoin;

  Scheduler(LoadedModel &model, SchedulerOptions options);

  void admit();
  bool tryAdmit(Sequence &seq);
  bool allocPages(int64_t n, std::vector<PageId> &out, const Sequence *keep);
  bool retractYoungest(const Sequence *keep);
  /// Takes `seq` out of the running set: its full pages into the cache,
  /// the rest (select branches' too) back to the pool.
  void unadmit(Sequence &seq);
  void retract(Sequence &seq);
  void releasePages(Sequence &seq, bool cache);
  /// Gives back the pages the select branches of `seq` own.
  void releaseBranches(Sequence &seq);
  void cacheComputedPages(Sequence &seq);
  bool buildBatch(StepBatch &batch);
  bool startBranches(Sequence &seq, std::span<const float> logits);
  void scoreBranchRows(Sequence &seq);
  bool branchesDone(const Sequence &seq) const;
  void finishBranches(Sequence &seq);
  void afterForward(StepBatch &batch);
  void onSampled(Sequence &seq, std::span<float> logits);
  void resume(Sequence &seq);
  /// Suspends `seq` at its pending fork and submits its branches.
  void startFork(Sequence &seq);
  /// Makes the fork's next branches, up to kLiveBranches unfinished ones.
  void makeBranches(ForkJoin &join);
  /// Hands finished branch `seq` to its fork; joins the fork when it was
  /// the last.
  void finishBranch(Sequence &seq);
  void syncTokens(Sequence &seq);
  void finish(Sequence &seq);
  void failSequence(Sequence &seq, const std::string &message);
  void notePeak();

  LoadedModel &model_;
  SchedulerOptions options_;
  PageAllocator allocator_;
  std::optional<RadixCache> radix_;
  std::vector<std::unique_ptr<Sequence>> sequences_; // running + waiting
  /// Forks whose branches are running, each holding its suspended parent.
  std::vector<std::unique_ptr<ForkJoin>> forks_;
  uint64_t nextOrder_ = 0;
  EngineStats stats_;
  std::vector<float> logits_; // [rows, vocab] of the last step
  /// The batch being built or handed out: its members are never retracted.
  const StepBatch *building_ = nullptr;
};

/// Pages of `pageSize` positions that `bytes` of KV memory hold for
/// `model` (at least 1; clamped to what a pool can index).
int32_t kvPagesFor(LlamaModel &model, int64_t bytes, int32_t pageSize);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_SCHEDULER_H

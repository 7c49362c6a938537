//===- Scheduler.cpp - Continuous batching over a paged, prefix-shared KV pool
//-===//
#include "runtime/engine/Scheduler.h"

#include "kernels/ForwardBatch.h"
#include "runtime/sampling/Sampler.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <limits>

namespace sgl::runtime {

/// A choice of a select scored as its own sequence: over the context's
/// pages, or (unconditional) after the tokenizer's prefix alone. It runs
/// tokens[0, size - 1) from position `start`, each row predicting the next
/// token; the log-probs of tokens[firstScored..] add to its score.
struct Scheduler::Branch {
  size_t choice = 0;
  bool unconditional = false;
  std::vector<int32_t> tokens;
  int64_t start = 0;
  size_t firstScored = 1;
  std::vector<PageId> pages; // the context's full pages, then its own
  size_t firstOwned = 0;     // pages[firstOwned..] belong to the branch
  int64_t done = 0;          // tokens run so far
  int64_t chunk = 0;         // tokens in this step
  int32_t firstRow = -1;     // logits row of its first token this step

  int64_t toRun() const { return static_cast<int64_t>(tokens.size()) - 1; }
};

/// Logits rows select branches may ask for in one step: choice tokens past
/// this run in later steps, so a long choice costs O(vocabulary) memory.
constexpr int64_t kSelectRowsPerStep = 64;

struct Scheduler::Sequence {
  std::unique_ptr<ProgramInstance> inst;
  DoneCallback done;
  uint64_t order = 0;      // submission order (fcfs)
  uint64_t admitOrder = 0; // admission order: the largest is the youngest
  bool admitted = false;
  std::vector<int32_t> tokens; // what the next logits condition on
  int64_t promptEnd = 0;       // tokens[promptEnd..] were sampled
  std::vector<PageId> pages;   // page table: position p in pages[p / ps]
  int64_t computed = 0;        // positions whose keys/values exist
  int64_t highWater = 0;       // most positions ever computed
  RadixNode *lock = nullptr;   // the cached prefix this sequence holds
  int64_t sharedPages = 0;     // pages[0..sharedPages) are the cache's
  // A select in progress.
  std::vector<double> scores;              // per choice: log-prob sum so far
  std::vector<double> unconditionalScores; // the same without the context
  std::vector<Branch> branches;
  bool branching = false;
  std::vector<float> selectLogits; // [vocab] when branches wait for pages
  // A fork's branch: the fork it reports to and its index there.
  ForkJoin *fork = nullptr;
  size_t branchIndex = 0;

  int64_t pending() const {
    return static_cast<int64_t>(tokens.size()) - computed;
  }
};

/// Branches of one fork that exist as instances at once: the others are
/// made as these finish, so a fork of thousands of branches holds dozens
/// of copies of the parent's state, not thousands.
constexpr size_t kLiveBranches = 64;

/// A fork in progress: its suspended instance and the branches that ended.
struct Scheduler::ForkJoin {
  std::unique_ptr<Sequence> parent;
  /// Per branch, once it has finished: its instance.
  std::vector<std::unique_ptr<ProgramInstance>> branches;
  size_t next = 0;       // the next branch to make
  size_t unfinished = 0; // branches made or not that have not finished

  size_t live() const { return next - (branches.size() - unfinished); }
};

struct Scheduler::StepBatch {
  struct Entry {
    Sequence *seq = nullptr;
    int64_t chunk = 0;
    int32_t logitRow = -1; // for a context chunk that ends its prompt
    bool branches = false; // the entry runs seq's select branches
  };
  kernels::ForwardBatchBuilder builder;
  std::vector<Entry> entries;
  std::vector<const Sequence *> members;

  bool contains(const Sequence *s) const {
    return std::find(members.begin(), members.end(), s) != members.end();
  }
};

int32_t kvPagesFor(LlamaModel &model, int64_t bytes, int32_t pageSize) {
  const int64_t perPage = model.kvBytesPerPosition() * pageSize;
  const int64_t pages = perPage > 0 ? bytes / perPage : 0;
  return static_cast<int32_t>(
      std::clamp<int64_t>(pages, 1, std::numeric_limits<int32_t>::max() / 2));
}

Scheduler::Scheduler(LoadedModel &model, SchedulerOptions options)
    : model_(model), options_(options), allocator_(options.numPages) {
  if (options_.radixCache)
    radix_.emplace(allocator_, options_.pageSize);
}

Scheduler::~Scheduler() {
  for (auto &seq : sequences_)
    if (seq->lock && radix_)
      radix_->unlock(seq->lock);
}

Expected<std::unique_ptr<Scheduler>>
Scheduler::create(LoadedModel &model, SchedulerOptions options) {
  if (options.pageSize <= 0 || options.numPages <= 0)
    return makeError("the KV pool needs at least one page of one position");
  if (options.maxBatchTokens <= 0 || options.chunkedPrefill <= 0)
    return makeError("--max-batch-tokens and --chunked-prefill must be > 0");
  kernels::BackendStatus s =
      model.model().backend().allocateKV(options.numPages, options.pageSize);
  if (!s)
    return makeError(s.error);
  return std::unique_ptr<Scheduler>(new Scheduler(model, options));
}

int32_t Scheduler::pagesInUse() const {
  return allocator_.capacity() - allocator_.available();
}

void Scheduler::notePeak() {
  stats_.peakPages = std::max(stats_.peakPages, pagesInUse());
}

void Scheduler::submit(std::unique_ptr<ProgramInstance> instance,
                       DoneCallback done) {
  auto seq = std::make_unique<Sequence>();
  seq->inst = std::move(instance);
  seq->done = std::move(done);
  seq->order = nextOrder_++;
  sequences_.push_back(std::move(seq));
}

//===----------------------------------------------------------------------===//
// Instance lifecycle
//===----------------------------------------------------------------------===//

void Scheduler::failSequence(Sequence &seq, const std::string &message) {
  seq.inst->fail(seq.inst->pendingLabel() + message);
  finish(seq);
}

void Scheduler::finish(Sequence &seq) {
  if (seq.fork)
    return finishBranch(seq);
  releasePages(seq, /*cache=*/true);
  releaseBranches(seq);
  DoneCallback done = std::move(seq.done);
  std::unique_ptr<ProgramInstance> inst = std::move(seq.inst);
  sequences_.erase(std::find_if(sequences_.begin(), sequences_.end(),
                                [&](auto &p) { return p.get() == &seq; }));
  if (done)
    done(*inst);
}

/// Runs the instance on to its next model call and lines its tokens up
/// with the keys/values the sequence holds.
void Scheduler::resume(Sequence &seq) {
  seq.inst->advance();
  if (seq.inst->finished()) {
    finish(seq);
    return;
  }
  if (seq.inst->state() == ProgramInstance::State::NeedsFork)
    return startFork(seq);
  syncTokens(seq);
}

void Scheduler::startFork(Sequence &seq) {
  // What the instance computed so far is the branches' common prefix: it
  // goes into the cache (the parent's tokens are the ones it computed).
  unadmit(seq);
  // The context the instance comes back with is admitted afresh.
  seq.highWater = 0;
  auto join = std::make_unique<ForkJoin>();
  const auto n = static_cast<size_t>(seq.inst->forkCount());
  join->branches.resize(n);
  join->unfinished = n;
  auto it = std::find_if(sequences_.begin(), sequences_.end(),
                         [&](auto &p) { return p.get() == &seq; });
  join->parent = std::move(*it);
  sequences_.erase(it);
  ForkJoin &added = *forks_.emplace_back(std::move(join));
  makeBranches(added);
}

void Scheduler::makeBranches(ForkJoin &join) {
  while (join.next < join.branches.size() && join.live() < kLiveBranches) {
    auto branch = std::make_unique<Sequence>();
    branch->inst = join.parent->inst->branch(static_cast<int64_t>(join.next));
    branch->fork = &join;
    branch->branchIndex = join.next++;
    branch->order = nextOrder_++;
    sequences_.push_back(std::move(branch));
  }
}

void Scheduler::finishBranch(Sequence &seq) {
  releasePages(seq, /*cache=*/true);
  releaseBranches(seq);
  ForkJoin &join = *seq.fork;
  join.branches[seq.branchIndex] = std::move(seq.inst);
  sequences_.erase(std::find_if(sequences_.begin(), sequences_.end(),
                                [&](auto &p) { return p.get() == &seq; }));
  if (--join.unfinished > 0)
    return makeBranches(join);
  // Every branch ended: the instance goes on (or fails) as a sequence
  // again, its context to be admitted anew.
  std::unique_ptr<Sequence> parent = std::move(join.parent);
  parent->inst->joinBranches(std::move(join.branches));
  forks_.erase(std::find_if(forks_.begin(), forks_.end(),
                            [&](auto &p) { return p.get() == &join; }));
  Sequence &back = *parent;
  sequences_.push_back(std::move(parent));
  if (back.inst->finished())
    finish(back);
}

void Scheduler::syncTokens(Sequence &seq) {
  const std::vector<int32_t> &next = seq.inst->tokens();
  const int64_t maxPositions = model_.model().config().maxPositions;
  if (next.empty())
    return failSequence(seq, "the prompt is empty and the tokenizer adds no "
                             "BOS token, so there is nothing to condition on");
  if (static_cast<int64_t>(next.size()) > maxPositions)
    return failSequence(
        seq, "the context has " + std::to_string(next.size()) +
                 " tokens, more than the model's max_position_embeddings (" +
                 std::to_string(maxPositions) + ")");
  const int64_t ps = options_.pageSize;
  const int64_t needPages = (static_cast<int64_t>(next.size()) + ps) / ps;
  if (needPages > allocator_.capacity())
    return failSequence(seq, "the context of " + std::to_string(next.size()) +
                                 " tokens needs " + std::to_string(needPages) +
                                 " KV pages of " + std::to_string(ps) +
                                 " positions, but the whole pool has " +
                                 std::to_string(allocator_.capacity()) +
                                 " (raise --kv-memory)");
  // Keys/values stay valid up to the first token that differs (a stop
  // string may have cut the last sampled ones); logits are needed for the
  // last token, so it is always run.
  int64_t keep = 0;
  const int64_t limit = std::min<int64_t>(seq.computed, next.size());
  while (keep < limit && seq.tokens[keep] == next[keep])
    ++keep;
  // Rerunning a position inside a cached page rewrites the bits it holds
  // (the forward pass is batch invariant), so sharing stays sound.
  keep = std::min<int64_t>(keep, static_cast<int64_t>(next.size()) - 1);
  seq.computed = keep;
  seq.tokens = next;
  seq.promptEnd = static_cast<int64_t>(next.size());
  if (seq.admitted) {
    const int64_t newPrompt = seq.pending();
    stats_.promptTokens += newPrompt;
    seq.inst->stats().promptTokens += newPrompt;
  }
}

//===----------------------------------------------------------------------===//
// Pages
//===----------------------------------------------------------------------===//

bool Scheduler::allocPages(int64_t n, std::vector<PageId> &out,
                           const Sequence *keep) {
  if (n <= 0)
    return true;
  while (allocator_.available() < n) {
    const int64_t missing = n - allocator_.available();
    if (radix_ && radix_->evictablePages() > 0) {
      radix_->evict(static_cast<int32_t>(missing));
      continue;
    }
    if (!retractYoungest(keep))
      return false;
  }
  bool ok = allocator_.alloc(static_cast<int32_t>(n), out);
  assert(ok && "pages were available");
  notePeak();
  return ok;
}

/// Inserts the sequence's full computed pages into the radix cache (so
/// other instances can share them at once) and holds the cached prefix.
void Scheduler::cacheComputedPages(Sequence &seq) {
  if (!radix_)
    return;
  const int64_t ps = options_.pageSize;
  const int64_t full = seq.computed / ps;
  if (full <= seq.sharedPages)
    return;
  std::span<const int32_t> key(seq.tokens.data(), full * ps);
  InsertResult inserted =
      radix_->insert(key, std::span<const PageId>(seq.pages).subspan(0, full));
  if (inserted.alreadyCachedPages > seq.sharedPages) {
    // Another sequence cached some of these pages first: use the cache's
    // and give back our copies.
    PrefixMatch match = radix_->matchPrefix(key);
    assert(match.tokens == full * ps && "just inserted");
    for (int64_t i = seq.sharedPages; i < inserted.alreadyCachedPages; ++i)
      if (seq.pages[i] != match.pages[i]) {
        allocator_.free(std::span<const PageId>(&seq.pages[i], 1));
        seq.pages[i] = match.pages[i];
      }
  }
  radix_->lock(inserted.node);
  if (seq.lock)
    radix_->unlock(seq.lock);
  seq.lock = inserted.node;
  seq.sharedPages = full;
}

void Scheduler::releasePages(Sequence &seq, bool cache) {
  if (cache)
    cacheComputedPages(seq);
  if (seq.lock && radix_)
    radix_->unlock(seq.lock);
  seq.lock = nullptr;
  allocator_.free(std::span<const PageId>(seq.pages).subspan(seq.sharedPages));
  seq.pages.clear();
  seq.sharedPages = 0;
  seq.computed = 0;
}

void Scheduler::releaseBranches(Sequence &seq) {
  for (Branch &b : seq.branches)
    allocator_.free(std::span<const PageId>(b.pages).subspan(b.firstOwned));
  seq.branches.clear();
}

void Scheduler::unadmit(Sequence &seq) {
  releaseBranches(seq);
  seq.branching = false;
  seq.selectLogits.clear();
  releasePages(seq, /*cache=*/true);
  seq.admitted = false;
}

void Scheduler::retract(Sequence &seq) {
  ++stats_.retractions;
  unadmit(seq);
}

bool Scheduler::retractYoungest(const Sequence *keep) {
  Sequence *victim = nullptr;
  for (auto &s : sequences_)
    if (s->admitted && s.get() != keep && !s->inst->finished() &&
        !(building_ && building_->contains(s.get())) &&
        (!victim || s->admitOrder > victim->admitOrder))
      victim = s.get();
  if (!victim)
    return false;
  retract(*victim);
  return true;
}

//===----------------------------------------------------------------------===//
// Admission
//===----------------------------------------------------------------------===//

bool Scheduler::tryAdmit(Sequence &seq) {
  const int64_t ps = options_.pageSize;
  const int64_t n = static_cast<int64_t>(seq.tokens.size());
  // The last token always runs: its logits are what the call needs.
  PrefixMatch match;
  if (radix_)
    match =
        radix_->matchPrefix(std::span<const int32_t>(seq.tokens.data(), n - 1));
  // Defer a sequence whose uncached prompt starts like one still being
  // prefilled: once that one has run, the shared part comes from the cache.
  if (radix_)
    for (auto &other : sequences_) {
      if (!other->admitted || other->computed >= other->promptEnd)
        continue;
      int64_t common = 0;
      const int64_t limit = std::min<int64_t>(n, other->tokens.size());
      while (common < limit && seq.tokens[common] == other->tokens[common])
        ++common;
      if (common >= match.tokens + ps && other->computed < common)
        return false;
    }
  const int64_t needPages = (n + ps - 1) / ps - match.tokens / ps;
  if (allocator_.available() + (radix_ ? radix_->evictablePages() : 0) <
      needPages)
    return false;
  assert(!seq.lock && seq.pages.empty() && "admitting a sequence twice");
  if (radix_)
    radix_->lock(match.node);
  std::vector<PageId> fresh;
  if (radix_ && allocator_.available() < needPages)
    radix_->evict(static_cast<int32_t>(needPages - allocator_.available()));
  if (!allocator_.alloc(static_cast<int32_t>(needPages), fresh)) {
    if (radix_)
      radix_->unlock(match.node);
    return false;
  }
  notePeak();
  seq.pages = match.pages;
  seq.pages.insert(seq.pages.end(), fresh.begin(), fresh.end());
  seq.sharedPages = static_cast<int64_t>(match.pages.size());
  seq.lock = radix_ ? match.node : nullptr;
  seq.computed = match.tokens;
  seq.admitted = true;
  seq.admitOrder = nextOrder_++;
  // Counted once per admission of a fresh context; a readmitted
  // sequence's tokens were counted when first admitted.
  if (seq.highWater == 0) {
    stats_.promptTokens += n;
    seq.inst->stats().promptTokens += n;
    stats_.promptTokensCached += match.tokens;
    seq.inst->stats().promptTokensCached += match.tokens;
  }
  return true;
}

void Scheduler::admit() {
  std::vector<Sequence *> waiting;
  for (auto &s : sequences_)
    if (!s->admitted && !s->inst->finished())
      waiting.push_back(s.get());
  if (waiting.empty())
    return;
  if (options_.policy == SchedulePolicy::LongestPrefixMatch && radix_) {
    // Longest cached prefix first; ties in submission order.
    std::vector<std::pair<int64_t, Sequence *>> keyed;
    for (Sequence *s : waiting) {
      std::span<const int32_t> all(s->tokens);
      keyed.push_back(
          {radix_->matchPrefix(all.subspan(0, all.size() - 1)).tokens, s});
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](auto &a, auto &b) { return a.first > b.first; });
    for (size_t i = 0; i < keyed.size(); ++i)
      waiting[i] = keyed[i].second;
  } else {
    std::stable_sort(waiting.begin(), waiting.end(),
                     [](auto *a, auto *b) { return a->order < b->order; });
  }
  // New prefill work is bounded by the step's token budget.
  int64_t budget = options_.maxBatchTokens;
  for (auto &s : sequences_)
    if (s->admitted)
      budget -= std::min(s->pending(), options_.chunkedPrefill);
  for (Sequence *s : waiting) {
    if (budget <= 0)
      break;
    if (!tryAdmit(*s))
      continue;
    budget -= std::min(s->pending(), options_.chunkedPrefill);
  }
}

//===----------------------------------------------------------------------===//
// One step
//===----------------------------------------------------------------------===//

bool Scheduler::buildBatch(StepBatch &batch) {
  const int64_t ps = options_.pageSize;
  // Oldest first: decodes, then prefill chunks, then select branches, so a
  // page shortage retracts the youngest sequences, never one in the batch.
  std::vector<Sequence *> running;
  for (auto &s : sequences_)
    if (s->admitted && !s->inst->finished())
      running.push_back(s.get());
  std::sort(running.begin(), running.end(),
            [](auto *a, auto *b) { return a->admitOrder < b->admitOrder; });
  int64_t budget = options_.maxBatchTokens;
  auto add = [&](Sequence &seq, int64_t chunk) {
    const int64_t end = seq.computed + chunk;
    const int64_t needPages =
        (end + ps - 1) / ps - static_cast<int64_t>(seq.pages.size());
    if (needPages > 0) {
      std::vector<PageId> fresh;
      if (!allocPages(needPages, fresh, &seq))
        return false;
      seq.pages.insert(seq.pages.end(), fresh.begin(), fresh.end());
    }
    const bool last = end == static_cast<int64_t>(seq.tokens.size());
    const int32_t row = static_cast<int32_t>(batch.builder.logitRows.size());
    batch.builder.addSequence(
        std::span<const int32_t>(seq.tokens).subspan(seq.computed, chunk),
        seq.computed, seq.pages, ps, last);
    batch.entries.push_back({&seq, chunk, last ? row : -1, false});
    batch.members.push_back(&seq);
    budget -= chunk;
    return true;
  };
  auto inBatch = [&](Sequence *s) { return batch.contains(s); };
  for (Sequence *s : running)
    if (s->admitted && !s->branching && s->pending() == 1 && !inBatch(s))
      add(*s, 1);
  for (Sequence *s : running) {
    if (!s->admitted || s->branching || s->pending() <= 1 || inBatch(s))
      continue;
    if (budget <= 0)
      break;
    add(*s, std::min({s->pending(), options_.chunkedPrefill, budget}));
  }
  for (Sequence *s : running) {
    if (s->admitted && !s->selectLogits.empty() && !inBatch(s) &&
        startBranches(*s, s->selectLogits)) {
      s->selectLogits.clear();
      assert(!s->branches.empty() &&
             "branches wait for pages only when some choice needs one");
      s->branching = true;
    }
    if (!s->admitted || !s->branching || inBatch(s))
      continue;
    int64_t rows = std::min(kSelectRowsPerStep, std::max<int64_t>(budget, 1));
    int64_t tokens = 0;
    for (Branch &b : s->branches) {
      // Each token but the last predicts the next one.
      b.chunk = std::min(b.toRun() - b.done, rows);
      if (b.chunk <= 0)
        continue;
      b.firstRow = static_cast<int32_t>(batch.builder.logitRows.size());
      batch.builder.addSequence(
          std::span<const int32_t>(b.tokens).subspan(b.done, b.chunk),
          b.start + b.done, b.pages, ps, true, /*allLogits=*/true);
      rows -= b.chunk;
      tokens += b.chunk;
    }
    if (tokens == 0)
      continue;
    batch.entries.push_back({s, tokens, -1, true});
    batch.members.push_back(s);
    budget -= tokens;
  }
  return !batch.entries.empty();
}

void Scheduler::onSampled(Sequence &seq, std::span<float> logits) {
  ProgramInstance &inst = *seq.inst;
  const int64_t maxPositions = model_.model().config().maxPositions;
  // vLLM's order: the penalties first, on the logits, greedy or not.
  inst.penalties().apply(logits);
  int32_t id;
  if (inst.constrained()) {
    // The token sampled now and every later one need a position, except
    // the last, which is never fed back: the context has room for
    // maxPositions - size + 1 more samples.
    const int64_t room =
        maxPositions - static_cast<int64_t>(seq.tokens.size()) + 1;
    const auto left = static_cast<uint32_t>(std::clamp<int64_t>(
        std::min<int64_t>(inst.tokensLeft(), room), 1, UINT32_MAX));
    const TokenMask mask{inst.allowedTokens(left)};
    if (std::all_of(mask.words.begin(), mask.words.end(),
                    [](uint64_t word) { return word == 0; })) {
      inst.endConstrainedGen(left);
      return resume(seq);
    }
    id = sampleMaskedToken(logits, mask, inst.samplingParams(), inst.rng());
  } else {
    id = sampleToken(logits, inst.samplingParams(), inst.rng());
  }
  if (id < 0)
    return failSequence(seq, "the model produced no usable logits (NaN)");
  ++stats_.generatedTokens;
  const bool contextFull =
      static_cast<int64_t>(seq.tokens.size()) >= maxPositions;
  if (!inst.acceptToken(id, contextFull)) {
    seq.tokens.push_back(id);
    const int64_t ps = options_.pageSize;
    if ((static_cast<int64_t>(seq.tokens.size()) + ps - 1) / ps >
        allocator_.capacity())
      failSequence(seq, "the sequence outgrew the whole KV pool (" +
                            std::to_string(allocator_.capacity()) +
                            " pages of " + std::to_string(ps) +
                            " positions; raise --kv-memory)");
    return;
  }
  resume(seq);
}

/// The context's last-token logits score every choice's first token; the
/// choices with more tokens become branches for the next step.
bool Scheduler::startBranches(Sequence &seq, std::span<const float> logits) {
  const std::vector<std::vector<int32_t>> &choices = seq.inst->choiceTokens();
  std::vector<double> logProbs = logSoftmax(logits);
  const plan::SelectMethod method = seq.inst->selectMethod();
  seq.scores.assign(choices.size(), 0.0);
  seq.unconditionalScores.assign(choices.size(), 0.0);
  const int64_t ps = options_.pageSize;
  const int64_t n = seq.computed, full = n / ps, partial = n % ps;
  const std::vector<int32_t> &prefix = model_.tokenizer().prefixTokens();
  for (size_t c = 0; c < choices.size(); ++c) {
    seq.scores[c] = logProbs[choices[c][0]];
    // Greedy needs the first token's log-prob alone.
    if (choices[c].size() >= 2 && method != plan::SelectMethod::Greedy) {
      Branch b;
      b.choice = c;
      b.tokens = choices[c];
      b.start = n;
      b.pages.assign(seq.pages.begin(), seq.pages.begin() + full);
      b.firstOwned = static_cast<size_t>(full);
      const int64_t end = n + b.toRun();
      std::vector<PageId> fresh;
      if (!allocPages((end + ps - 1) / ps - full, fresh, &seq)) {
        releaseBranches(seq);
        return false;
      }
      // Copy-on-write: the branch continues the context's partly filled
      // last page in a copy of its own.
      if (partial)
        model_.model().backend().copyPage(seq.pages[full], fresh[0],
                                          static_cast<int32_t>(partial));
      b.pages.insert(b.pages.end(), fresh.begin(), fresh.end());
      seq.branches.push_back(std::move(b));
    }
    if (method != plan::SelectMethod::Unconditional)
      continue;
    // The choice after the prefix alone; without one its first token has
    // nothing to be predicted from.
    Branch u;
    u.choice = c;
    u.unconditional = true;
    u.tokens = prefix;
    u.tokens.insert(u.tokens.end(), choices[c].begin(), choices[c].end());
    u.firstScored = std::max<size_t>(prefix.size(), 1);
    if (u.toRun() < static_cast<int64_t>(u.firstScored))
      continue;
    if (!allocPages((u.toRun() + ps - 1) / ps, u.pages, &seq)) {
      releaseBranches(seq);
      return false;
    }
    seq.branches.push_back(std::move(u));
  }
  return true;
}

/// Adds this step's branch rows to the choices' scores.
void Scheduler::scoreBranchRows(Sequence &seq) {
  const int64_t vocab = model_.model().config().vocabSize;
  for (Branch &b : seq.branches) {
    std::vector<double> &scores =
        b.unconditional ? seq.unconditionalScores : seq.scores;
    for (int64_t j = 0; j < b.chunk; ++j) {
      const size_t target = static_cast<size_t>(b.done + j + 1);
      if (target < b.firstScored)
        continue;
      std::span<const float> row(logits_.data() + (b.firstRow + j) * vocab,
                                 static_cast<size_t>(vocab));
      scores[b.choice] += logSoftmax(row)[b.tokens[target]];
    }
    b.done += b.chunk;
    b.chunk = 0;
  }
}

bool Scheduler::branchesDone(const Sequence &seq) const {
  for (const Branch &b : seq.branches)
    if (b.done < b.toRun())
      return false;
  return true;
}

void Scheduler::finishBranches(Sequence &seq) {
  const std::vector<std::vector<int32_t>> &choices = seq.inst->choiceTokens();
  const plan::SelectMethod method = seq.inst->selectMethod();
  // The best score; ties keep the first choice.
  size_t best = 0;
  double bestScore = 0.0;
  for (size_t c = 0; c < choices.size(); ++c) {
    const double length = static_cast<double>(choices[c].size());
    const double score =
        method == plan::SelectMethod::Greedy ? seq.scores[c]
        : method == plan::SelectMethod::Unconditional
            ? (seq.scores[c] - seq.unconditionalScores[c]) / length
            : seq.scores[c] / length;
    if (c == 0 || score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  // The chosen branch's pages hold its choice: they become the sequence's.
  for (Branch &b : seq.branches) {
    if (b.choice != best || b.unconditional) {
      allocator_.free(std::span<const PageId>(b.pages).subspan(b.firstOwned));
      continue;
    }
    allocator_.free(std::span<const PageId>(seq.pages).subspan(b.firstOwned));
    seq.pages = std::move(b.pages);
    seq.tokens.insert(seq.tokens.end(), choices[best].begin(),
                      choices[best].end() - 1);
    seq.computed += static_cast<int64_t>(choices[best].size()) - 1;
    seq.highWater = std::max(seq.highWater, seq.computed);
  }
  seq.branches.clear();
  seq.branching = false;
  seq.inst->finishSelect(best);
  resume(seq);
}

void Scheduler::afterForward(StepBatch &batch) {
  const int64_t vocab = model_.model().config().vocabSize;
  for (StepBatch::Entry &e : batch.entries) {
    Sequence &seq = *e.seq;
    if (e.branches) {
      stats_.promptTokensComputed += e.chunk;
      seq.inst->stats().promptTokensComputed += e.chunk;
      scoreBranchRows(seq);
      if (branchesDone(seq))
        finishBranches(seq);
      continue;
    }
    // Count what the chunk ran: sampled tokens are decode rows, positions
    // run before are recomputation.
    const int64_t begin = seq.computed, end = seq.computed + e.chunk;
    const int64_t decoded =
        std::max<int64_t>(0, end - std::max(begin, seq.promptEnd));
    const int64_t again =
        std::max<int64_t>(0, std::min(end, seq.highWater) - begin);
    stats_.decodeTokens += decoded;
    stats_.promptTokensComputed += e.chunk - decoded;
    seq.inst->stats().promptTokensComputed += e.chunk - decoded;
    stats_.recomputedTokens += again;
    seq.inst->stats().recomputedTokens += again;
    seq.computed = end;
    seq.highWater = std::max(seq.highWater, end);
    cacheComputedPages(seq);
    if (e.logitRow < 0)
      continue;
    // Mutable: a constrained gen masks its row in place.
    std::span<float> row(logits_.data() + e.logitRow * vocab,
                         static_cast<size_t>(vocab));
    if (seq.inst->state() == ProgramInstance::State::NeedsGen) {
      onSampled(seq, row);
    } else if (seq.inst->state() == ProgramInstance::State::NeedsSelect) {
      if (!startBranches(seq, row)) {
        // No pages for the branches now: keep the logits, try next step.
        seq.selectLogits.assign(row.begin(), row.end());
        continue;
      }
      if (seq.branches.empty()) {
        finishBranches(seq);
        continue;
      }
      seq.branching = true;
    }
  }
}

Status Scheduler::run() {
  using Clock = std::chrono::steady_clock;
  while (!sequences_.empty()) {
    // Instances between model calls run on to their next one, until none
    // is left between calls: a fork's branches start there, and a joined
    // fork's instance comes back there.
    for (;;) {
      std::vector<Sequence *> ready;
      for (auto &s : sequences_)
        if (s->inst->state() == ProgramInstance::State::Ready)
          ready.push_back(s.get());
      if (ready.empty())
        break;
      for (Sequence *s : ready)
        resume(*s);
    }
    std::vector<Sequence *> failed;
    for (auto &s : sequences_)
      if (s->inst->finished())
        failed.push_back(s.get());
    for (Sequence *s : failed)
      finish(*s);
    if (sequences_.empty())
      break;
    admit();
    StepBatch batch;
    building_ = &batch;
    const bool any = buildBatch(batch);
    building_ = nullptr;
    if (!any) {
      // Nothing could run: every waiting instance needs more pages than
      // are free although nothing holds them. Fail the oldest.
      Sequence *oldest = nullptr;
      for (auto &s : sequences_)
        if (!s->inst->finished() && (!oldest || s->order < oldest->order))
          oldest = s.get();
      if (!oldest)
        break;
      failSequence(*oldest, "could not get KV pages to run (" +
                                std::to_string(allocator_.available()) +
                                " free of " +
                                std::to_string(allocator_.capacity()) + ")");
      continue;
    }
    const kernels::ForwardBatch view = batch.builder.view();
    const size_t vocab = static_cast<size_t>(model_.model().config().vocabSize);
    if (logits_.size() < view.logitRows.size() * vocab)
      logits_.resize(view.logitRows.size() * vocab);
    const auto started = Clock::now();
    kernels::BackendStatus s = model_.model().backend().forward(
        view, std::span<float>(logits_.data(), view.logitRows.size() * vocab));
    stats_.forwardSeconds +=
        std::chrono::duration<double>(Clock::now() - started).count();
    if (!s)
      return makeError(s.error);
    ++stats_.steps;
    // Pages taken while results are handed out (select branches) never
    // retract a sequence whose results are still to come.
    building_ = &batch;
    afterForward(batch);
    building_ = nullptr;
  }
  return Status::ok();
}

} // namespace sgl::runtime

//===- LazyDfa.cpp - A DFA built as walks reach its states ----------------===//
#include "runtime/constraints/LazyDfa.h"

#include "runtime/constraints/ReverseDistances.h"
#include "runtime/constraints/StateSets.h"

#include <algorithm>
#include <cassert>
#include <mutex>
#include <utility>

namespace sgl::runtime::constraints {

namespace {

enum Failure { kWithin = 0, kStates = 1, kEntries = 2 };

/// Per NFA state, the fewest bytes to its Match state, a call costing its
/// rule's shortest match.
std::vector<uint32_t> nfaDistances(const ByteNfa &nfa,
                                   std::span<const uint32_t> ruleLengths) {
  const auto n = static_cast<int32_t>(nfa.states.size());
  std::vector<WeightedArc> arcs;
  std::vector<uint8_t> isMatch(n, 0);
  for (int32_t s = 0; s < n; ++s) {
    const NfaState &state = nfa.states[s];
    auto arc = [&](int32_t to, uint32_t weight) {
      if (to >= 0 && weight != kNoPath)
        arcs.push_back({s, to, weight});
    };
    switch (state.kind) {
    case NfaState::Kind::Byte:
      if (state.lo <= state.hi)
        arc(state.out, 1);
      break;
    case NfaState::Kind::Call:
      arc(state.out, ruleLengths[state.rule]);
      break;
    case NfaState::Kind::Split:
      arc(state.out, 0);
      arc(state.out1, 0);
      break;
    case NfaState::Kind::Epsilon:
      arc(state.out, 0);
      break;
    case NfaState::Kind::Match:
      isMatch[s] = 1;
      break;
    }
  }
  return weightedDistancesToTargets(n, arcs, isMatch);
}

} // namespace

bool LazyBudget::take(int64_t entries) {
  if (exhausted())
    return false;
  int failure = kWithin;
  if (states_.fetch_add(1, std::memory_order_relaxed) + 1 > maxStates_)
    failure = kStates;
  else if (entries_.fetch_add(entries, std::memory_order_relaxed) + entries >
           maxEntries_)
    failure = kEntries;
  if (failure == kWithin)
    return true;
  int none = kWithin;
  failure_.compare_exchange_strong(none, failure, std::memory_order_acq_rel);
  return false;
}

std::optional<std::string> LazyBudget::error() const {
  switch (failure_.load(std::memory_order_acquire)) {
  case kStates:
    return "automaton built lazily exceeds " + std::to_string(maxStates_) +
           " states";
  case kEntries:
    return "automaton built lazily needs more than " +
           std::to_string(maxEntries_) +
           " entries of memory (NFA states in its sets, and transitions)";
  default:
    return std::nullopt;
  }
}

/// What building a transition needs, behind the lock.
struct LazyDfa::Builder {
  Builder(ByteNfa nfa, const DfaTable &columns,
          std::span<const uint32_t> ruleLengths)
      : nfa(std::move(nfa)), columns(columns),
        distance(nfaDistances(this->nfa, ruleLengths)), closures(this->nfa) {}

  /// The closure of `seeds` without the NFA states that never accept.
  const std::vector<int32_t> &liveClosure(std::span<const int32_t> seeds) {
    return closures.closure(
        seeds, [&](int32_t id) { return distance[id] != kNoPath; });
  }

  std::mutex mutex;
  const ByteNfa nfa;
  DfaTable columns; ///< byte classes and call rules; no states
  const std::vector<uint32_t> distance;
  ClosureBuilder closures;
  StateSetTable sets; ///< by DFA state
  std::vector<int32_t> seeds;
};

LazyDfa::LazyDfa(ByteNfa nfa, const DfaTable &columns,
                 std::span<const uint32_t> ruleLengths,
                 std::shared_ptr<LazyBudget> budget)
    : columns_(columns.numColumns()), budget_(std::move(budget)),
      builder_(
          std::make_unique<Builder>(std::move(nfa), columns, ruleLengths)) {
  // The budget bounds the states of all lazy rules together, so this one
  // never needs more chunks than it allows.
  const int64_t maxStates = int64_t{budget_->maxStates()} + 1;
  chunks_.resize(static_cast<size_t>((maxStates >> kChunkBits) + 1));
  std::lock_guard lock(builder_->mutex);
  [[maybe_unused]] int32_t dead = intern({});
  assert(dead == kDeadState && "the empty set comes first");
  const std::vector<int32_t> &first =
      builder_->liveClosure(std::span(&builder_->nfa.start, 1));
  start_ = first.empty() ? kDeadState : intern(first);
  if (start_ < 0)
    start_ = kDeadState; // the budget says why
}

LazyDfa::~LazyDfa() = default;

int32_t LazyDfa::intern(std::span<const int32_t> closure) const {
  Builder &b = *builder_;
  uint64_t hash = hashStates(closure);
  if (int32_t known = b.sets.find(closure, hash); known >= 0)
    return known;
  const int32_t id = b.sets.size();
  // The dead state is every lazy DFA's own; the budget counts the others.
  if (id > 0 && !budget_->take(static_cast<int64_t>(closure.size()) + columns_))
    return -1;
  b.sets.add(closure, hash);
  std::unique_ptr<Chunk> &chunk = chunks_[id >> kChunkBits];
  if (!chunk) {
    constexpr size_t kStates = size_t{1} << kChunkBits;
    chunk = std::make_unique<Chunk>();
    chunk->next = std::make_unique<std::atomic<int32_t>[]>(kStates * columns_);
    for (size_t i = 0; i < kStates * columns_; ++i)
      chunk->next[i].store(-1, std::memory_order_relaxed);
    chunk->info = std::make_unique<StateInfo[]>(kStates);
  }
  StateInfo &state = chunk->info[id & ((1 << kChunkBits) - 1)];
  state.shortest = kNoPath;
  state.flags = 0;
  for (int32_t member : closure) {
    state.shortest = std::min(state.shortest, b.distance[member]);
    NfaState::Kind kind = b.nfa.states[member].kind;
    if (kind == NfaState::Kind::Match)
      state.flags |= kAccepting | kExpands;
    else if (kind == NfaState::Kind::Call)
      state.flags |= kExpands;
  }
  if (id == kDeadState) {
    std::atomic<int32_t> *cells = chunk->next.get();
    for (int32_t c = 0; c < columns_; ++c)
      cells[c].store(kDeadState, std::memory_order_relaxed);
  }
  numStates_.store(id + 1, std::memory_order_release);
  return id;
}

int32_t LazyDfa::build(int32_t state, int32_t column) const {
  Builder &b = *builder_;
  std::lock_guard lock(b.mutex);
  auto *cell = const_cast<std::atomic<int32_t> *>(row(state) + column);
  if (int32_t known = cell->load(std::memory_order_relaxed); known >= 0)
    return known; // another thread built it meanwhile
  b.seeds.clear();
  const DfaTable &columns = b.columns;
  for (int32_t id : b.sets.set(state)) {
    const NfaState &member = b.nfa.states[id];
    if (member.kind == NfaState::Kind::Byte && column < columns.numClasses &&
        columns.byteClass[member.lo] <= column &&
        column <= columns.byteClass[member.hi])
      b.seeds.push_back(member.out);
    else if (member.kind == NfaState::Kind::Call &&
             column == callColumn(columns, member.rule))
      b.seeds.push_back(member.out);
  }
  int32_t to = intern(b.liveClosure(b.seeds));
  if (to < 0)
    return kDeadState; // not kept: the budget holds the error
  cell->store(to, std::memory_order_release);
  return to;
}

} // namespace sgl::runtime::constraints

//===- LazyDfa.h - A DFA built as walks reach its states --------*- C++ -*-===//
//
// An automaton with more states than AutomatonLimits::maxDfaStates --
// `(a|b)*a(a|b){20}` has 2^21 -- is not built whole: as in RE2, each
// transition is worked out from the NFA the first time a walk takes it, and
// kept. Token masks only reach the states that the prefixes of an output,
// and of the vocabulary's tokens after it, lead to.
//
// The states are not minimized (equivalent ones stay apart, which costs
// mask cache hits, never exactness). Every state but the dead one can
// still reach acceptance: the NFA states that cannot are left out of the
// sets, so the empty set is the dead state 0. A state's shortest way to
// acceptance is the least over its NFA states, exact since the DFA state
// accepts what any of them does.
//
// Shared between threads like the rest of a Constraint: a known transition
// is one atomic load; building one takes a lock. What all the lazy rules of
// one grammar build together is bounded by a LazyBudget: past it, a new
// transition leads to the dead state and the budget holds the error, which
// matchers then report instead of a mask (Constraint.h).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_LAZYDFA_H
#define SGL_RUNTIME_CONSTRAINTS_LAZYDFA_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/ByteNfa.h"
#include "runtime/constraints/DfaTable.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sgl::runtime::constraints {

/// The states that the lazy rules of one grammar may build together.
class LazyBudget {
public:
  explicit LazyBudget(const AutomatonLimits &limits)
      : maxStates_(limits.maxLazyStates), maxEntries_(limits.maxLazyEntries) {}

  /// Takes one state of `entries` entries (its set's NFA states and its
  /// transitions): false, from now on, once the limits are passed.
  bool take(int64_t entries);
  int64_t maxStates() const { return maxStates_; }
  bool exhausted() const { return failure_.load(std::memory_order_acquire); }
  /// Once exhausted: "automaton built lazily exceeds N states" or "...
  /// needs more than N entries of memory (...)".
  std::optional<std::string> error() const;

private:
  const int64_t maxStates_;
  const int64_t maxEntries_;
  std::atomic<int64_t> states_{0};
  std::atomic<int64_t> entries_{0};
  std::atomic<int> failure_{0}; ///< 0, or which limit was passed
};

class LazyDfa {
public:
  static constexpr int32_t kDeadState = 0;

  /// The DFA of `nfa` over the columns of `columns` (assignColumns), a call
  /// of rule r costing ruleLengths[r] bytes (kNoPath: it matches nothing).
  LazyDfa(ByteNfa nfa, const DfaTable &columns,
          std::span<const uint32_t> ruleLengths,
          std::shared_ptr<LazyBudget> budget);
  ~LazyDfa();
  LazyDfa(const LazyDfa &) = delete;
  LazyDfa &operator=(const LazyDfa &) = delete;

  int32_t start() const { return start_; }
  /// The state after `column` (a byte class or a call) from `state`, built
  /// now if no walk took it before.
  int32_t target(int32_t state, int32_t column) const {
    int32_t to = row(state)[column].load(std::memory_order_acquire);
    return to >= 0 ? to : build(state, column);
  }
  bool accepting(int32_t state) const {
    return (info(state).flags & kAccepting) != 0;
  }
  /// Accepting, or with a call that can match (Grammar::Rule).
  bool expands(int32_t state) const {
    return (info(state).flags & kExpands) != 0;
  }
  uint32_t shortestAccept(int32_t state) const { return info(state).shortest; }
  /// States built so far, the dead one included.
  int32_t numStates() const {
    return numStates_.load(std::memory_order_acquire);
  }
  const LazyBudget &budget() const { return *budget_; }

private:
  static constexpr int32_t kChunkBits = 10; ///< states per chunk: 1024
  static constexpr uint8_t kAccepting = 1, kExpands = 2;
  struct StateInfo {
    uint32_t shortest;
    uint8_t flags;
  };
  /// Chunks are allocated whole and never move, so a reader needs no lock:
  /// it learnt a state's number from a release store made after the state
  /// was filled in.
  struct Chunk {
    std::unique_ptr<std::atomic<int32_t>[]> next; ///< -1: not built yet
    std::unique_ptr<StateInfo[]> info;
  };
  struct Builder;

  const std::atomic<int32_t> *row(int32_t state) const {
    const Chunk &chunk = *chunks_[state >> kChunkBits];
    return chunk.next.get() +
           static_cast<size_t>(state & ((1 << kChunkBits) - 1)) * columns_;
  }
  const StateInfo &info(int32_t state) const {
    return chunks_[state >> kChunkBits]->info[state & ((1 << kChunkBits) - 1)];
  }
  int32_t build(int32_t state, int32_t column) const;
  /// The state of `closure`, added when new; -1 past the budget. Called
  /// with the lock held.
  int32_t intern(std::span<const int32_t> closure) const;

  const int32_t columns_;
  int32_t start_ = 0;
  /// Sized once, filled in under the lock.
  mutable std::vector<std::unique_ptr<Chunk>> chunks_;
  mutable std::atomic<int32_t> numStates_{0};
  std::shared_ptr<LazyBudget> budget_;
  std::unique_ptr<Builder> builder_; ///< behind a lock
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_LAZYDFA_H

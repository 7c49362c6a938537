//===- StateSets.h - Sets of NFA states as DFA states -----------*- C++ -*-===//
//
// What subset construction needs, eager (Determinize.h) or lazy
// (LazyDfa.h): the byte classes and call columns of an NFA, the epsilon
// closure of a list of seed states, and a table that numbers each distinct
// closure once. A DFA state is identified by the sorted set of NFA Byte,
// Call and Match states in its closure; Split and Epsilon states only lead
// to those.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_STATESETS_H
#define SGL_RUNTIME_CONSTRAINTS_STATESETS_H

#include "runtime/constraints/ByteNfa.h"
#include "runtime/constraints/DfaTable.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace sgl::runtime::constraints {

/// Fills table.byteClass, numClasses and callRules from `nfa`: the
/// coarsest partition of 0..255 that no Byte state's range cuts, and one
/// column per rule some Call state calls, in increasing order.
void assignColumns(const ByteNfa &nfa, DfaTable &table);

/// The column of a call of `rule` in a table filled by assignColumns.
int32_t callColumn(const DfaTable &table, int32_t rule);

uint64_t hashStates(std::span<const int32_t> set);

/// The distinct state sets met so far, numbered as they were added. The
/// sets are stored end to end in one pool and found again through an
/// open-addressing table of their hashes, so that looking up a set that is
/// already known allocates nothing.
class StateSetTable {
public:
  StateSetTable() : slots_(64, -1) {}

  int32_t size() const { return static_cast<int32_t>(hashes_.size()); }
  std::span<const int32_t> set(int32_t id) const {
    return {pool_.data() + begin_[id], pool_.data() + begin_[id + 1]};
  }
  /// The number of `set`, or -1 when it is new.
  int32_t find(std::span<const int32_t> set, uint64_t hash) const;
  /// Adds `set`, which is new, as number size().
  void add(std::span<const int32_t> set, uint64_t hash);

private:
  size_t mask() const { return slots_.size() - 1; }
  void place(int32_t id);
  void grow();

  std::vector<int32_t> pool_;         ///< the sets, end to end
  std::vector<uint32_t> begin_ = {0}; ///< by id: where its set starts
  std::vector<uint64_t> hashes_;      ///< by id
  std::vector<int32_t> slots_;        ///< ids by hash; -1: free
};

/// Epsilon closures over one NFA, reusing their scratch space.
class ClosureBuilder {
public:
  explicit ClosureBuilder(const ByteNfa &nfa)
      : nfa_(nfa), visited_(nfa.states.size(), 0) {}

  /// The sorted Byte, Call and Match states reachable from `seeds` by
  /// epsilons, valid until the next call; states for which `keep` is false
  /// are left out (they lead nowhere).
  template <typename Keep>
  const std::vector<int32_t> &closure(std::span<const int32_t> seeds,
                                      Keep &&keep);
  const std::vector<int32_t> &closure(std::span<const int32_t> seeds) {
    return closure(seeds, [](int32_t) { return true; });
  }
  /// NFA states visited by all closures so far: their running time.
  int64_t visits() const { return visits_; }

private:
  const ByteNfa &nfa_;
  std::vector<uint32_t> visited_; ///< per NFA state: last closure's mark
  uint32_t mark_ = 0;
  int64_t visits_ = 0;
  std::vector<int32_t> stack_;
  std::vector<int32_t> closure_;
};

template <typename Keep>
const std::vector<int32_t> &
ClosureBuilder::closure(std::span<const int32_t> seeds, Keep &&keep) {
  ++mark_;
  closure_.clear();
  stack_.clear();
  // Marked when first met, so that each state is pushed once; the order of
  // the walk does not matter, the result being sorted.
  auto reach = [&](int32_t id) {
    if (id >= 0 && visited_[id] != mark_) {
      visited_[id] = mark_;
      stack_.push_back(id);
    }
  };
  for (int32_t seed : seeds)
    reach(seed);
  while (!stack_.empty()) {
    int32_t id = stack_.back();
    stack_.pop_back();
    ++visits_;
    const NfaState &state = nfa_.states[id];
    switch (state.kind) {
    case NfaState::Kind::Byte:
    case NfaState::Kind::Call:
    case NfaState::Kind::Match:
      if (keep(id))
        closure_.push_back(id);
      break;
    case NfaState::Kind::Split:
      reach(state.out);
      reach(state.out1);
      break;
    case NfaState::Kind::Epsilon:
      reach(state.out);
      break;
    }
  }
  std::sort(closure_.begin(), closure_.end());
  return closure_;
}

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_STATESETS_H

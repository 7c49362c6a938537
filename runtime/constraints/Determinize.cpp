//===- Determinize.cpp - Subset construction with a state limit -----------===//
//
// A DFA state is identified by the sorted set of NFA Byte and Match states
// in its epsilon closure; Split and Epsilon states only lead to those.
// Transitions are computed per byte class, the classes being the coarsest
// partition of 0..255 that no Byte state's range cuts, and per called rule:
// Call states are kept in the sets like Byte states.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Determinize.h"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>

namespace sgl::runtime::constraints {

namespace {

using StateSet = std::vector<int32_t>;

struct StateSetHash {
  size_t operator()(const StateSet &set) const {
    uint64_t hash = 0xcbf29ce484222325ull; // FNV-1a over the state ids
    for (int32_t state : set)
      hash = (hash ^ static_cast<uint32_t>(state)) * 0x100000001b3ull;
    return static_cast<size_t>(hash);
  }
};

class SubsetBuilder {
public:
  SubsetBuilder(const ByteNfa &nfa, const AutomatonLimits &limits)
      : nfa_(nfa), limits_(limits), visited_(nfa.states.size(), 0) {}

  Expected<DfaTable> run();

private:
  /// Byte classes and call columns.
  void computeByteClasses();
  int32_t callColumn(int32_t rule) const;
  /// The sorted Byte and Match states reachable from `seeds` by epsilons.
  StateSet closure(const std::vector<int32_t> &seeds);
  /// The DFA state of `set`, added when new; -1 past the state limit.
  int32_t intern(StateSet set);

  const ByteNfa &nfa_;
  const AutomatonLimits &limits_;
  DfaTable table_;
  std::unordered_map<StateSet, int32_t, StateSetHash> ids_;
  std::vector<const StateSet *> sets_; ///< by DFA state; keys of ids_
  std::vector<uint32_t> visited_;      ///< per NFA state: last closure's mark
  uint32_t mark_ = 0;
  int64_t visits_ = 0; ///< NFA states visited by all closures so far
  std::vector<int32_t> stack_;
};

void SubsetBuilder::computeByteClasses() {
  std::array<bool, 257> startsClass{};
  for (const NfaState &state : nfa_.states) {
    if (state.kind != NfaState::Kind::Byte)
      continue;
    startsClass[state.lo] = true;
    startsClass[state.hi + 1] = true;
  }
  int32_t current = 0;
  for (int byte = 0; byte < 256; ++byte) {
    if (startsClass[byte] && byte > 0)
      ++current;
    table_.byteClass[byte] = static_cast<uint8_t>(current);
  }
  table_.numClasses = current + 1;
  for (const NfaState &state : nfa_.states)
    if (state.kind == NfaState::Kind::Call)
      table_.callRules.push_back(state.rule);
  std::sort(table_.callRules.begin(), table_.callRules.end());
  table_.callRules.erase(
      std::unique(table_.callRules.begin(), table_.callRules.end()),
      table_.callRules.end());
}

int32_t SubsetBuilder::callColumn(int32_t rule) const {
  auto it =
      std::lower_bound(table_.callRules.begin(), table_.callRules.end(), rule);
  return table_.numClasses +
         static_cast<int32_t>(it - table_.callRules.begin());
}

StateSet SubsetBuilder::closure(const std::vector<int32_t> &seeds) {
  ++mark_;
  StateSet set;
  stack_.assign(seeds.begin(), seeds.end());
  while (!stack_.empty()) {
    int32_t id = stack_.back();
    stack_.pop_back();
    if (id < 0 || visited_[id] == mark_)
      continue;
    visited_[id] = mark_;
    ++visits_;
    const NfaState &state = nfa_.states[id];
    switch (state.kind) {
    case NfaState::Kind::Byte:
    case NfaState::Kind::Call:
    case NfaState::Kind::Match:
      set.push_back(id);
      break;
    case NfaState::Kind::Split:
      stack_.push_back(state.out1);
      stack_.push_back(state.out);
      break;
    case NfaState::Kind::Epsilon:
      stack_.push_back(state.out);
      break;
    }
  }
  std::sort(set.begin(), set.end());
  return set;
}

int32_t SubsetBuilder::intern(StateSet set) {
  auto it = ids_.find(set);
  if (it != ids_.end())
    return it->second;
  if (table_.numStates() >= limits_.maxDfaStates)
    return -1;
  int32_t id = table_.numStates();
  bool accepting = std::any_of(set.begin(), set.end(), [&](int32_t state) {
    return nfa_.states[state].kind == NfaState::Kind::Match;
  });
  it = ids_.emplace(std::move(set), id).first;
  sets_.push_back(&it->first);
  table_.accepting.push_back(accepting ? 1 : 0);
  table_.next.resize(table_.next.size() + table_.numColumns(), 0);
  return id;
}

Expected<DfaTable> SubsetBuilder::run() {
  computeByteClasses();
  auto tooManyStates = [&] {
    return makeError("automaton exceeds " +
                     std::to_string(limits_.maxDfaStates) + " states");
  };
  if (limits_.maxDfaStates < 1 || intern({}) != 0) // the dead state
    return tooManyStates();
  table_.start = intern(closure({nfa_.start}));
  if (table_.start < 0)
    return tooManyStates();
  const int32_t columns = table_.numColumns();
  std::vector<std::vector<int32_t>> seeds(columns);
  // States are numbered as they are found, so this is a breadth-first walk.
  for (int32_t from = 0; from < table_.numStates(); ++from) {
    for (std::vector<int32_t> &classSeeds : seeds)
      classSeeds.clear();
    for (int32_t id : *sets_[from]) {
      const NfaState &state = nfa_.states[id];
      if (state.kind == NfaState::Kind::Call)
        seeds[callColumn(state.rule)].push_back(state.out);
      if (state.kind != NfaState::Kind::Byte)
        continue;
      for (int c = table_.byteClass[state.lo]; c <= table_.byteClass[state.hi];
           ++c)
        seeds[c].push_back(state.out);
    }
    // An index, not a pointer: intern() grows the table.
    size_t row = static_cast<size_t>(from) * columns;
    for (int32_t c = 0; c < columns; ++c) {
      if (seeds[c].empty())
        continue; // to the dead state
      // Neighbouring classes often lead to the same NFA states.
      if (c > 0 && c < table_.numClasses && seeds[c] == seeds[c - 1]) {
        table_.next[row + c] = table_.next[row + c - 1];
        continue;
      }
      int32_t to = intern(closure(seeds[c]));
      if (to < 0)
        return tooManyStates();
      if (visits_ > limits_.maxSubsetVisits)
        return makeError("automaton is too complex to build (over " +
                         std::to_string(limits_.maxSubsetVisits) +
                         " NFA states visited)");
      table_.next[row + c] = to;
    }
  }
  return std::move(table_);
}

} // namespace

Expected<DfaTable> determinize(const ByteNfa &nfa,
                               const AutomatonLimits &limits) {
  return SubsetBuilder(nfa, limits).run();
}

} // namespace sgl::runtime::constraints

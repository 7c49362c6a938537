//===- Determinize.cpp - Subset construction with a state limit -----------===//
//
// Many DFA states move to the same NFA states (every character inside a
// string, say), so the DFA state a list of seeds leads to is remembered
// with the visits its closure took: the closure is computed once, and the
// visit count stays what it would be.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Determinize.h"

#include "runtime/constraints/StateSets.h"

#include <algorithm>
#include <span>
#include <string>

namespace sgl::runtime::constraints {

namespace {

class SubsetBuilder {
public:
  SubsetBuilder(const ByteNfa &nfa, const AutomatonLimits &limits)
      : nfa_(nfa), limits_(limits), closures_(nfa),
        singleSeedMemo_(nfa.states.size()) {}

  /// The table, nullopt past the state limit, an error past the visits.
  Expected<std::optional<DfaTable>> run();

private:
  /// NFA states visited by all closures so far, memoized ones included.
  int64_t visits() const { return closures_.visits() + memoVisits_; }
  /// The DFA state of `closure`, added when new; -1 past the state limit.
  int32_t intern(std::span<const int32_t> closure);
  /// The DFA state of the closure of `seeds`, computed once per list.
  int32_t closureState(std::span<const int32_t> seeds);

  const ByteNfa &nfa_;
  const AutomatonLimits &limits_;
  DfaTable table_;
  StateSetTable sets_; ///< by DFA state
  ClosureBuilder closures_;
  int64_t memoVisits_ = 0;

  /// Where a list of seeds led, and the NFA states its closure visited.
  struct Memo {
    int32_t state = -1;
    int64_t visits = 0;
  };
  std::vector<Memo> singleSeedMemo_; ///< per NFA state, as the only seed
  StateSetTable seedLists_;          ///< longer lists
  std::vector<Memo> seedListMemo_;   ///< by seedLists_ id
};

int32_t SubsetBuilder::intern(std::span<const int32_t> closure) {
  uint64_t hash = hashStates(closure);
  if (int32_t known = sets_.find(closure, hash); known >= 0)
    return known;
  if (table_.numStates() >= limits_.maxDfaStates)
    return -1;
  int32_t id = table_.numStates();
  bool accepting = std::any_of(closure.begin(), closure.end(), [&](int32_t s) {
    return nfa_.states[s].kind == NfaState::Kind::Match;
  });
  sets_.add(closure, hash);
  table_.accepting.push_back(accepting ? 1 : 0);
  table_.next.resize(table_.next.size() + table_.numColumns(), 0);
  return id;
}

int32_t SubsetBuilder::closureState(std::span<const int32_t> seeds) {
  Memo *memo = nullptr;
  uint64_t hash = 0;
  if (seeds.size() == 1 && seeds.front() >= 0) {
    memo = &singleSeedMemo_[seeds.front()];
  } else {
    hash = hashStates(seeds);
    if (int32_t known = seedLists_.find(seeds, hash); known >= 0)
      memo = &seedListMemo_[known];
  }
  if (memo && memo->state >= 0) {
    memoVisits_ += memo->visits;
    return memo->state;
  }
  const int64_t before = closures_.visits();
  int32_t state = intern(closures_.closure(seeds));
  if (state < 0)
    return state;
  if (!memo) {
    seedLists_.add(seeds, hash);
    memo = &seedListMemo_.emplace_back();
  }
  *memo = {state, closures_.visits() - before};
  return state;
}

Expected<std::optional<DfaTable>> SubsetBuilder::run() {
  assignColumns(nfa_, table_);
  if (intern({}) != 0) // the dead state
    return std::optional<DfaTable>();
  table_.start = intern(closures_.closure(std::span(&nfa_.start, 1)));
  if (table_.start < 0)
    return std::optional<DfaTable>();
  const int32_t columns = table_.numColumns();
  std::vector<std::vector<int32_t>> seeds(columns);
  std::vector<int32_t> touched; // columns with seeds, each once
  auto addSeed = [&](int32_t column, int32_t out) {
    if (seeds[column].empty())
      touched.push_back(column);
    seeds[column].push_back(out);
  };
  // States are numbered as they are found, so this is a breadth-first walk.
  for (int32_t from = 0; from < table_.numStates(); ++from) {
    // Most states move on few columns: only those are visited.
    for (int32_t column : touched)
      seeds[column].clear();
    touched.clear();
    for (int32_t id : sets_.set(from)) {
      const NfaState &state = nfa_.states[id];
      if (state.kind == NfaState::Kind::Call)
        addSeed(callColumn(table_, state.rule), state.out);
      if (state.kind != NfaState::Kind::Byte)
        continue;
      for (int c = table_.byteClass[state.lo]; c <= table_.byteClass[state.hi];
           ++c)
        addSeed(c, state.out);
    }
    // In column order, which numbers the new states.
    std::sort(touched.begin(), touched.end());
    // An index, not a pointer: intern() grows the table.
    size_t row = static_cast<size_t>(from) * columns;
    for (int32_t c : touched) {
      // Neighbouring classes often lead to the same NFA states.
      if (c > 0 && c < table_.numClasses && seeds[c] == seeds[c - 1]) {
        table_.next[row + c] = table_.next[row + c - 1];
        continue;
      }
      int32_t to = closureState(seeds[c]);
      if (to < 0)
        return std::optional<DfaTable>();
      if (visits() > limits_.maxSubsetVisits)
        return makeError("automaton is too complex to build (over " +
                         std::to_string(limits_.maxSubsetVisits) +
                         " NFA states visited)");
      table_.next[row + c] = to;
    }
  }
  return std::optional<DfaTable>(std::move(table_));
}

} // namespace

Error tooManyDfaStates(const AutomatonLimits &limits) {
  return makeError("automaton exceeds " + std::to_string(limits.maxDfaStates) +
                   " states");
}

Expected<std::optional<DfaTable>> determinize(const ByteNfa &nfa,
                                              const AutomatonLimits &limits) {
  return SubsetBuilder(nfa, limits).run();
}

} // namespace sgl::runtime::constraints

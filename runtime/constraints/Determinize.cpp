//===- Determinize.cpp - Subset construction with a state limit -----------===//
//
// A DFA state is identified by the sorted set of NFA Byte and Match states
// in its epsilon closure; Split and Epsilon states only lead to those.
// Transitions are computed per byte class, the classes being the coarsest
// partition of 0..255 that no Byte state's range cuts, and per called rule:
// Call states are kept in the sets like Byte states.
//
// The sets are stored end to end in one pool and found again through an
// open-addressing table of their hashes, so that looking up a set that is
// already known allocates nothing. Many DFA states move to the same NFA
// states (every character inside a string, say), so the DFA state a list
// of seeds leads to is remembered with the visits its closure took: the
// closure is computed once, and the visit count stays what it would be.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Determinize.h"

#include <algorithm>
#include <array>
#include <span>
#include <string>

namespace sgl::runtime::constraints {

namespace {

uint64_t hashStates(std::span<const int32_t> set) {
  uint64_t hash = 0xcbf29ce484222325ull; // FNV-1a over the state ids
  for (int32_t state : set)
    hash = (hash ^ static_cast<uint32_t>(state)) * 0x100000001b3ull;
  return hash ^ (hash >> 29);
}

/// The distinct state sets met so far, numbered as they were added.
class StateSetTable {
public:
  StateSetTable() : slots_(64, -1) {}

  int32_t size() const { return static_cast<int32_t>(hashes_.size()); }
  std::span<const int32_t> set(int32_t id) const {
    return {pool_.data() + begin_[id], pool_.data() + begin_[id + 1]};
  }
  /// The number of `set`, or -1 when it is new.
  int32_t find(std::span<const int32_t> set, uint64_t hash) const {
    for (size_t slot = hash & mask();; slot = (slot + 1) & mask()) {
      int32_t id = slots_[slot];
      if (id < 0)
        return -1;
      if (hashes_[id] == hash && std::ranges::equal(this->set(id), set))
        return id;
    }
  }
  /// Adds `set`, which is new, as number size().
  void add(std::span<const int32_t> set, uint64_t hash) {
    if (2 * (hashes_.size() + 1) > slots_.size())
      grow();
    pool_.insert(pool_.end(), set.begin(), set.end());
    begin_.push_back(static_cast<uint32_t>(pool_.size()));
    hashes_.push_back(hash);
    place(size() - 1);
  }

private:
  size_t mask() const { return slots_.size() - 1; }
  void place(int32_t id) {
    size_t slot = hashes_[id] & mask();
    while (slots_[slot] >= 0)
      slot = (slot + 1) & mask();
    slots_[slot] = id;
  }
  void grow() {
    slots_.assign(slots_.size() * 2, -1);
    for (int32_t id = 0; id < size(); ++id)
      place(id);
  }

  std::vector<int32_t> pool_;         ///< the sets, end to end
  std::vector<uint32_t> begin_ = {0}; ///< by id: where its set starts
  std::vector<uint64_t> hashes_;      ///< by id
  std::vector<int32_t> slots_;        ///< ids by hash; -1: free
};

class SubsetBuilder {
public:
  SubsetBuilder(const ByteNfa &nfa, const AutomatonLimits &limits)
      : nfa_(nfa), limits_(limits), visited_(nfa.states.size(), 0),
        singleSeedMemo_(nfa.states.size()) {}

  Expected<DfaTable> run();

private:
  /// Byte classes and call columns.
  void computeByteClasses();
  int32_t callColumn(int32_t rule) const;
  /// Leaves in closure_ the sorted Byte, Call and Match states reachable
  /// from `seeds` by epsilons.
  void computeClosure(std::span<const int32_t> seeds);
  /// The DFA state of closure_, added when new; -1 past the state limit.
  int32_t internClosure();
  /// The DFA state of the closure of `seeds`, computed once per list.
  int32_t closureState(std::span<const int32_t> seeds);

  const ByteNfa &nfa_;
  const AutomatonLimits &limits_;
  DfaTable table_;
  StateSetTable sets_;            ///< by DFA state
  std::vector<uint32_t> visited_; ///< per NFA state: last closure's mark
  uint32_t mark_ = 0;
  int64_t visits_ = 0; ///< NFA states visited by all closures so far
  std::vector<int32_t> stack_;
  std::vector<int32_t> closure_;

  /// Where a list of seeds led, and the NFA states its closure visited.
  struct Memo {
    int32_t state = -1;
    int64_t visits = 0;
  };
  std::vector<Memo> singleSeedMemo_; ///< per NFA state, as the only seed
  StateSetTable seedLists_;          ///< longer lists
  std::vector<Memo> seedListMemo_;   ///< by seedLists_ id
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

void SubsetBuilder::computeClosure(std::span<const int32_t> seeds) {
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
}

int32_t SubsetBuilder::internClosure() {
  uint64_t hash = hashStates(closure_);
  if (int32_t known = sets_.find(closure_, hash); known >= 0)
    return known;
  if (table_.numStates() >= limits_.maxDfaStates)
    return -1;
  int32_t id = table_.numStates();
  bool accepting =
      std::any_of(closure_.begin(), closure_.end(), [&](int32_t state) {
        return nfa_.states[state].kind == NfaState::Kind::Match;
      });
  sets_.add(closure_, hash);
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
    visits_ += memo->visits;
    return memo->state;
  }
  const int64_t before = visits_;
  computeClosure(seeds);
  int32_t state = internClosure();
  if (state < 0)
    return state;
  if (!memo) {
    seedLists_.add(seeds, hash);
    memo = &seedListMemo_.emplace_back();
  }
  *memo = {state, visits_ - before};
  return state;
}

Expected<DfaTable> SubsetBuilder::run() {
  computeByteClasses();
  auto tooManyStates = [&] {
    return makeError("automaton exceeds " +
                     std::to_string(limits_.maxDfaStates) + " states");
  };
  closure_.clear();
  if (limits_.maxDfaStates < 1 || internClosure() != 0) // the dead state
    return tooManyStates();
  computeClosure(std::span<const int32_t>(&nfa_.start, 1));
  table_.start = internClosure();
  if (table_.start < 0)
    return tooManyStates();
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
        addSeed(callColumn(state.rule), state.out);
      if (state.kind != NfaState::Kind::Byte)
        continue;
      for (int c = table_.byteClass[state.lo]; c <= table_.byteClass[state.hi];
           ++c)
        addSeed(c, state.out);
    }
    // In column order, which numbers the new states.
    std::sort(touched.begin(), touched.end());
    // An index, not a pointer: internClosure() grows the table.
    size_t row = static_cast<size_t>(from) * columns;
    for (int32_t c : touched) {
      // Neighbouring classes often lead to the same NFA states.
      if (c > 0 && c < table_.numClasses && seeds[c] == seeds[c - 1]) {
        table_.next[row + c] = table_.next[row + c - 1];
        continue;
      }
      int32_t to = closureState(seeds[c]);
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

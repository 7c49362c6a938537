//===- ByteDfa.cpp - A compiled constraint automaton over bytes -----------===//
#include "runtime/constraints/ByteDfa.h"

#include "runtime/constraints/ReverseDistances.h"
#include "runtime/constraints/StateSets.h"

#include <cassert>
#include <utility>

namespace sgl::runtime::constraints {

static_assert(kNoPath == ByteDfa::kNever, "one 'no way' value");

namespace {

/// The distance of every state to the nearest accepting one, kNever where
/// there is none.
std::vector<uint32_t> distancesToAcceptance(const DfaTable &table) {
  // An edge per (state, class), duplicates kept; edges into the dead state,
  // most of the table, lead nowhere and are left out.
  const ReverseGraph reverse =
      reverseGraph(table.numStates(), [&](int32_t s, auto &&visit) {
        for (int32_t c = 0; c < table.numClasses; ++c)
          if (int32_t t = table.target(s, c); t != ByteDfa::kDead)
            visit(t);
      });
  return distancesToTargets(reverse, table.accepting);
}

/// The same with calls, which cost their callee's shortest match. The
/// table is read once, into the list of live edges; most of it leads to the
/// dead state.
std::vector<uint32_t>
distancesWithCalls(const DfaTable &table,
                   std::span<const uint32_t> callLengths) {
  const int32_t columns = table.numColumns();
  std::vector<WeightedArc> arcs;
  for (int32_t s = 1; s < table.numStates(); ++s) {
    const int32_t *row = table.next.data() + static_cast<size_t>(s) * columns;
    for (int32_t c = 0; c < columns; ++c) {
      uint32_t weight =
          c < table.numClasses ? 1 : callLengths[c - table.numClasses];
      if (int32_t t = row[c]; t != ByteDfa::kDead && weight != kNoPath)
        arcs.push_back({s, t, weight});
    }
  }
  return weightedDistancesToTargets(table.numStates(), arcs, table.accepting);
}

} // namespace

ByteDfa::ByteDfa(DfaTable table, std::span<const uint32_t> callLengths)
    : table_(std::move(table)),
      shortest_(table_.callRules.empty()
                    ? distancesToAcceptance(table_)
                    : distancesWithCalls(table_, callLengths)) {
  assert(callLengths.size() == table_.callRules.size() &&
         "one length per call column");
  assert(numStates() > 0 && shortest_[kDead] == kNever &&
         "state 0 must be the dead state");
#ifndef NDEBUG
  for (State s = 1; s < numStates(); ++s)
    assert(shortest_[s] != kNever && "a second dead state: not minimal");
#endif
  expands_.assign(numStates(), 0);
  for (State s = 1; s < numStates(); ++s) {
    bool expanding = accepting(s);
    for (int32_t call = 0; call < numCalls() && !expanding; ++call)
      expanding = !isDead(callTarget(s, call));
    expands_[s] = expanding ? 1 : 0;
  }
}

ByteDfa ByteDfa::buildLazily(ByteNfa nfa, std::span<const uint32_t> ruleLengths,
                             std::shared_ptr<LazyBudget> budget) {
  ByteDfa dfa;
  assignColumns(nfa, dfa.table_);
  dfa.lazy_ = std::make_shared<const LazyDfa>(std::move(nfa), dfa.table_,
                                              ruleLengths, std::move(budget));
  dfa.table_.start = dfa.lazy_->start();
  return dfa;
}

ByteDfa::State ByteDfa::walk(State state, std::string_view bytes) const {
  for (char byte : bytes) {
    state = step(state, static_cast<uint8_t>(byte));
    if (state == kDead)
      break;
  }
  return state;
}

} // namespace sgl::runtime::constraints

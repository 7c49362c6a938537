//===- ByteDfa.cpp - A compiled constraint automaton over bytes -----------===//
#include "runtime/constraints/ByteDfa.h"

#include "runtime/constraints/ReverseDistances.h"
#include "runtime/constraints/StateSets.h"

#include <cassert>
#include <functional>
#include <queue>
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

/// The same with calls, which cost their callee's shortest match:
/// Dijkstra's algorithm backwards from the accepting states.
std::vector<uint32_t>
distancesWithCalls(const DfaTable &table,
                   std::span<const uint32_t> callLengths) {
  const int32_t columns = table.numColumns();
  auto weight = [&](int32_t column) -> uint64_t {
    return column < table.numClasses ? 1
                                     : callLengths[column - table.numClasses];
  };
  // Predecessors in CSR form: the (source, column) pairs into t are
  // into[offsets[t] .. offsets[t + 1]). The table is read once, into the
  // list of live edges; most of it leads to the dead state.
  struct Edge {
    int32_t source, column, target;
  };
  std::vector<Edge> edges;
  std::vector<int32_t> offsets(static_cast<size_t>(table.numStates()) + 1, 0);
  for (int32_t s = 1; s < table.numStates(); ++s) {
    const int32_t *row = table.next.data() + static_cast<size_t>(s) * columns;
    for (int32_t c = 0; c < columns; ++c)
      if (int32_t t = row[c]; t != ByteDfa::kDead &&
                              (c < table.numClasses ||
                               callLengths[c - table.numClasses] != kNoPath)) {
        edges.push_back({s, c, t});
        ++offsets[t + 1];
      }
  }
  for (int32_t t = 0; t < table.numStates(); ++t)
    offsets[t + 1] += offsets[t];
  std::vector<std::pair<int32_t, int32_t>> into(offsets.back());
  std::vector<int32_t> fill(offsets.begin(), offsets.end() - 1);
  for (const Edge &edge : edges)
    into[fill[edge.target]++] = {edge.source, edge.column};
  std::vector<uint64_t> best(table.numStates(), kNoPath);
  using Entry = std::pair<uint64_t, int32_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
  for (int32_t s = 0; s < table.numStates(); ++s)
    if (table.accepting[s])
      queue.emplace(best[s] = 0, s);
  while (!queue.empty()) {
    auto [distance, state] = queue.top();
    queue.pop();
    if (distance != best[state])
      continue;
    for (int32_t i = offsets[state]; i < offsets[state + 1]; ++i) {
      auto [source, column] = into[i];
      uint64_t through = distance + weight(column);
      if (through < best[source])
        queue.emplace(best[source] = through, source);
    }
  }
  std::vector<uint32_t> shortest(best.size());
  for (size_t s = 0; s < best.size(); ++s)
    shortest[s] = static_cast<uint32_t>(std::min<uint64_t>(best[s], kNoPath));
  return shortest;
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

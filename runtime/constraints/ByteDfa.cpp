//===- ByteDfa.cpp - A compiled constraint automaton over bytes -----------===//
#include "runtime/constraints/ByteDfa.h"

#include <cassert>
#include <utility>

namespace sgl::runtime::constraints {

namespace {

/// Breadth-first search backwards from the accepting states: the distance
/// of every state to the nearest one, kNever where there is none.
std::vector<uint32_t> distancesToAcceptance(const DfaTable &table) {
  int32_t n = table.numStates(), k = table.numClasses;
  // Predecessors in CSR form; an edge per (state, class), duplicates kept.
  std::vector<int32_t> offsets(static_cast<size_t>(n) + 1, 0);
  for (int32_t s = 0; s < n; ++s)
    for (int32_t c = 0; c < k; ++c)
      ++offsets[table.target(s, c) + 1];
  for (int32_t s = 0; s < n; ++s)
    offsets[s + 1] += offsets[s];
  std::vector<int32_t> predecessors(offsets.back());
  std::vector<int32_t> fill(offsets.begin(), offsets.end() - 1);
  for (int32_t s = 0; s < n; ++s)
    for (int32_t c = 0; c < k; ++c)
      predecessors[fill[table.target(s, c)]++] = s;

  std::vector<uint32_t> distance(n, ByteDfa::kNever);
  std::vector<int32_t> queue;
  for (int32_t s = 0; s < n; ++s) {
    if (table.accepting[s]) {
      distance[s] = 0;
      queue.push_back(s);
    }
  }
  for (size_t head = 0; head < queue.size(); ++head) {
    int32_t s = queue[head];
    for (int32_t i = offsets[s]; i < offsets[s + 1]; ++i) {
      int32_t from = predecessors[i];
      if (distance[from] == ByteDfa::kNever) {
        distance[from] = distance[s] + 1;
        queue.push_back(from);
      }
    }
  }
  return distance;
}

} // namespace

ByteDfa::ByteDfa(DfaTable table)
    : table_(std::move(table)), shortest_(distancesToAcceptance(table_)) {
  assert(numStates() > 0 && shortest_[kDead] == kNever &&
         "state 0 must be the dead state");
#ifndef NDEBUG
  for (State s = 1; s < numStates(); ++s)
    assert(shortest_[s] != kNever && "a second dead state: not minimal");
#endif
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

//===- ByteDfa.cpp - A compiled constraint automaton over bytes -----------===//
#include "runtime/constraints/ByteDfa.h"

#include "runtime/constraints/ReverseDistances.h"

#include <cassert>
#include <utility>

namespace sgl::runtime::constraints {

static_assert(kNoPath == ByteDfa::kNever, "one 'no way' value");

namespace {

/// The distance of every state to the nearest accepting one, kNever where
/// there is none.
std::vector<uint32_t> distancesToAcceptance(const DfaTable &table) {
  // An edge per (state, class), duplicates kept.
  const ReverseGraph reverse =
      reverseGraph(table.numStates(), [&](int32_t s, auto &&visit) {
        for (int32_t c = 0; c < table.numClasses; ++c)
          visit(table.target(s, c));
      });
  return distancesToTargets(reverse, table.accepting);
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

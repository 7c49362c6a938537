//===- DfaInvariants.h - What every compiled ByteDfa must satisfy -*- C++ -*-//
//
// Checked over all states and all 256 bytes, so it also proves
// shortestAccept exact: a state at distance d > 0 has a byte to a state at
// d - 1 and none to a state nearer than that, and distance 0 is exactly
// acceptance. A lazily built DFA grows as the check steps it: its first
// kLazyStatesChecked states are checked, and are reachable by construction.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_CONSTRAINTS_DFAINVARIANTS_H
#define SGL_TEST_UNIT_CONSTRAINTS_DFAINVARIANTS_H

#include "runtime/constraints/ByteDfa.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace sgl::runtime::constraints::test {

inline constexpr size_t kLazyStatesChecked = 4096;

inline ::testing::AssertionResult checkDfaInvariants(const ByteDfa &dfa) {
  using State = ByteDfa::State;
  const State dead = ByteDfa::kDead;
  if (dfa.accepting(dead) || dfa.shortestAccept(dead) != ByteDfa::kNever)
    return ::testing::AssertionFailure() << "state 0 is not dead";
  std::vector<bool> reached(dfa.numStates(), false);
  std::vector<State> queue = {dfa.start()};
  reached[dfa.start()] = true;
  const size_t limit = dfa.lazy() ? kLazyStatesChecked : SIZE_MAX;
  for (size_t head = 0; head < queue.size() && head < limit; ++head) {
    State s = queue[head];
    uint32_t distance = dfa.shortestAccept(s);
    if (s != dead && distance == ByteDfa::kNever)
      return ::testing::AssertionFailure()
             << "state " << s << " cannot accept but is not the dead state";
    if (dfa.accepting(s) != (distance == 0))
      return ::testing::AssertionFailure()
             << "state " << s << ": accepting disagrees with distance 0";
    bool hasCloser = distance == 0 || s == dead;
    for (int byte = 0; byte < 256; ++byte) {
      State to = dfa.step(s, static_cast<uint8_t>(byte));
      if (s == dead && to != dead)
        return ::testing::AssertionFailure() << "the dead state steps out";
      uint32_t next = dfa.shortestAccept(to);
      if (s != dead && next != ByteDfa::kNever && next + 1 < distance)
        return ::testing::AssertionFailure()
               << "state " << s << " at distance " << distance
               << " reaches distance " << next << " in one byte";
      if (s != dead && next != ByteDfa::kNever && next + 1 == distance)
        hasCloser = true;
      if (static_cast<size_t>(to) >= reached.size())
        reached.resize(to + 1, false); // built lazily just now
      if (!reached[to]) {
        reached[to] = true;
        queue.push_back(to);
      }
    }
    if (!hasCloser)
      return ::testing::AssertionFailure()
             << "state " << s << " has no byte toward acceptance";
  }
  for (State s = 1; s < dfa.numStates() && !dfa.lazy(); ++s)
    if (!reached[s])
      return ::testing::AssertionFailure()
             << "state " << s << " is unreachable from the start";
  return ::testing::AssertionSuccess();
}

} // namespace sgl::runtime::constraints::test

#endif // SGL_TEST_UNIT_CONSTRAINTS_DFAINVARIANTS_H

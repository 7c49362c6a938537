//===- TokenMaskReference.h - Token masks the slow, obvious way -*- C++ -*-===//
//
// References for the mask tests, straight from the definitions: every
// token's bytes run through the DFA on their own, and distances by a
// breadth-first search forward from each state over those token steps.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_CONSTRAINTS_TOKENMASKREFERENCE_H
#define SGL_TEST_UNIT_CONSTRAINTS_TOKENMASKREFERENCE_H

#include "runtime/constraints/ByteDfa.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sgl::runtime::constraints::test {

/// For every id: the state its bytes lead to from `state`, or kDead when
/// the id is no text token (empty bytes, or EOS).
inline std::vector<ByteDfa::State>
referenceSteps(const ByteDfa &dfa, const std::vector<std::string> &bytes,
               ByteDfa::State state) {
  std::vector<ByteDfa::State> next(bytes.size(), ByteDfa::kDead);
  for (size_t id = 0; id < bytes.size(); ++id)
    if (!bytes[id].empty())
      next[id] = dfa.walk(state, bytes[id]);
  return next;
}

/// For every state, the fewest token steps to an accepting state (kNever
/// when none): the token graph found by running every token from every
/// state, then a breadth-first search forward from each state.
inline std::vector<uint32_t>
referenceDistances(const ByteDfa &dfa, const std::vector<std::string> &bytes) {
  std::vector<std::vector<ByteDfa::State>> successors(dfa.numStates());
  for (ByteDfa::State s = 1; s < dfa.numStates(); ++s)
    for (ByteDfa::State next : referenceSteps(dfa, bytes, s))
      if (!dfa.isDead(next))
        successors[s].push_back(next);
  std::vector<uint32_t> distance(dfa.numStates(), ByteDfa::kNever);
  for (ByteDfa::State from = 1; from < dfa.numStates(); ++from) {
    std::vector<uint32_t> depth(dfa.numStates(), ByteDfa::kNever);
    std::vector<ByteDfa::State> queue = {from};
    depth[from] = 0;
    for (size_t head = 0; head < queue.size(); ++head) {
      ByteDfa::State s = queue[head];
      if (dfa.accepting(s)) {
        distance[from] = depth[s];
        break;
      }
      for (ByteDfa::State next : successors[s]) {
        if (depth[next] == ByteDfa::kNever) {
          depth[next] = depth[s] + 1;
          queue.push_back(next);
        }
      }
    }
  }
  return distance;
}

} // namespace sgl::runtime::constraints::test

#endif // SGL_TEST_UNIT_CONSTRAINTS_TOKENMASKREFERENCE_H

//===- TokenDistances.cpp - Fewest tokens to acceptance -------------------===//
#include "runtime/constraints/TokenDistances.h"

#include "runtime/constraints/ReverseDistances.h"

#include "runtime/constraints/TrieWalk.h"

#include <algorithm>
#include <cassert>
#include <string>

namespace sgl::runtime::constraints {

TokenDistances::TokenDistances(const ByteDfa &dfa, const VocabularyTrie &trie,
                               int64_t maxSteps)
    : dfa_(dfa), trie_(trie), explored_(dfa.numStates(), 0),
      successors_(dfa.numStates()), distance_(dfa.numStates(), kNever),
      farthest_(dfa.numStates(), 0), stranded_(dfa.numStates(), 0),
      maxSteps_(maxSteps) {}

Expected<uint32_t> TokenDistances::distance(State state) {
  if (dfa_.isDead(state))
    return kNever;
  if (Status status = explore(state); !status)
    return status.error();
  return distance_[state];
}

uint32_t TokenDistances::farthestSuccessor(State state) const {
  assert((dfa_.isDead(state) || explored_[state]) && "ask distance() first");
  return farthest_[state];
}

bool TokenDistances::hasStrandedSuccessor(State state) const {
  assert((dfa_.isDead(state) || explored_[state]) && "ask distance() first");
  return stranded_[state] != 0;
}

Status TokenDistances::explore(State from) {
  if (!failed_)
    return failed_;
  if (explored_[from])
    return Status::ok();
  // Marked when queued, so each state is walked once.
  std::vector<State> queue = {from};
  explored_[from] = 1;
  // lastSeenFrom[t] == s: t is already among s's successors.
  std::vector<State> lastSeenFrom(dfa_.numStates(), ByteDfa::kDead);
  for (size_t head = 0; head < queue.size(); ++head) {
    State state = queue[head];
    std::vector<State> &successors = successors_[state];
    steps_ += walkLiveTokens(dfa_, trie_, state,
                             [&](VocabularyTrie::Node, State next) {
                               if (lastSeenFrom[next] == state)
                                 return;
                               lastSeenFrom[next] = state;
                               successors.push_back(next);
                             });
    successors.shrink_to_fit();
    if (steps_ > maxSteps_) {
      // The states explored so far lack successors: no distance is known.
      failed_ = makeError("constraint: token distances need more than " +
                          std::to_string(maxSteps_) + " DFA steps (" +
                          std::to_string(numExplored_ + head + 1) +
                          " states explored)");
      return failed_;
    }
    for (State next : successors) {
      if (!explored_[next]) {
        explored_[next] = 1;
        queue.push_back(next);
      }
    }
  }
  numExplored_ += static_cast<int32_t>(queue.size());
  computeDistances();
  return Status::ok();
}

void TokenDistances::computeDistances() {
  // Token edges reversed, over the explored states (only they have
  // successors listed).
  const int32_t n = dfa_.numStates();
  const ReverseGraph reverse = reverseGraph(n, [&](State s, auto &&visit) {
    for (State next : successors_[s])
      visit(next);
  });
  std::vector<uint8_t> targets(n, 0);
  for (State s = 0; s < n; ++s)
    targets[s] = explored_[s] && dfa_.accepting(s);
  distance_ = distancesToTargets(reverse, targets);

  for (State s = 0; s < n; ++s) {
    farthest_[s] = 0;
    stranded_[s] = 0;
    for (State next : successors_[s]) {
      if (distance_[next] == kNever)
        stranded_[s] = 1;
      else
        farthest_[s] = std::max(farthest_[s], distance_[next]);
    }
  }
}

} // namespace sgl::runtime::constraints

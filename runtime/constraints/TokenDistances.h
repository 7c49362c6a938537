//===- TokenDistances.h - Fewest tokens to acceptance -----------*- C++ -*-===//
//
// What budget-aware masks need: how many tokens, at the fewest, lead from a
// DFA state to an accepting one when each step appends one token of the
// trie (EOS not counted). Bytes do not tell: "1234" may be one token or
// four, and a vocabulary without some byte may not finish at all.
//
// The token graph has a vertex per DFA state and an edge s -> walk(s, t)
// for every token t that keeps the DFA live. The first query explores the
// states reachable from the queried one breadth-first, each with one
// walkLiveTokens to find its successors; a breadth-first search backwards
// from the accepting states then gives every explored state its exact
// distance. A later query at a state not yet reached explores from there;
// distances found before stay exact, since every successor of an explored
// state is explored too.
//
// Work bound: a state is walked at most once, so all exploring together
// costs at most numStates() * trie.numNodes() DFA steps, and only the live
// part of the trie is stepped; each backward search is linear in the edges
// found, one per (state, distinct successor). Since numStates may reach
// AutomatonLimits::maxDfaStates (10 000) and a 128k vocabulary has ~275k
// nodes, exploring also stops at maxSteps (default 200 million, about a
// second at the ~5 ns per step docs/constraints.md measures) and fails
// from then on: patterns come from requests.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_TOKENDISTANCES_H
#define SGL_RUNTIME_CONSTRAINTS_TOKENDISTANCES_H

#include "runtime/constraints/ByteDfa.h"
#include "runtime/constraints/VocabularyTrie.h"
#include "runtime/support/Expected.h"

#include <cstdint>
#include <vector>

namespace sgl::runtime::constraints {

/// Token distances to acceptance, computed on first need; see the file
/// comment. Keeps references to `dfa` and `trie`, which must outlive it.
/// Not thread-safe: queries explore and write.
class TokenDistances {
public:
  using State = ByteDfa::State;
  static constexpr uint32_t kNever = ByteDfa::kNever;
  static constexpr int64_t kDefaultMaxSteps = 200'000'000;

  TokenDistances(const ByteDfa &dfa, const VocabularyTrie &trie,
                 int64_t maxSteps = kDefaultMaxSteps);

  /// The fewest tokens from `state` to an accepting state: 0 when it
  /// accepts, kNever when no sequence of tokens gets there (the dead
  /// state, or a continuation the vocabulary cannot spell). An error once
  /// exploring has run past maxSteps.
  Expected<uint32_t> distance(State state);

  /// The largest finite distance among the states one token leads to from
  /// `state` (0 when there are none): with more tokens left than that, a
  /// budget rules out only kNever successors. Only after distance(state)
  /// succeeded.
  uint32_t farthestSuccessor(State state) const;
  /// Whether some token leads from `state` to a state at distance kNever.
  /// Only after distance(state) succeeded.
  bool hasStrandedSuccessor(State state) const;

  /// DFA steps spent walking the trie so far.
  int64_t steps() const { return steps_; }
  /// States whose successors are known.
  int32_t exploredStates() const { return numExplored_; }

private:
  /// Finds the successors of every state reachable from `from` that is not
  /// explored yet, then recomputes all distances.
  Status explore(State from);
  void computeDistances();

  const ByteDfa &dfa_;
  const VocabularyTrie &trie_;
  std::vector<uint8_t> explored_;              ///< [numStates]
  std::vector<std::vector<State>> successors_; ///< [numStates], distinct
  std::vector<uint32_t> distance_;             ///< [numStates]
  std::vector<uint32_t> farthest_;             ///< [numStates]
  std::vector<uint8_t> stranded_;              ///< [numStates]
  int32_t numExplored_ = 0;
  int64_t steps_ = 0;
  int64_t maxSteps_;
  Status failed_; ///< an error once maxSteps ran out
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_TOKENDISTANCES_H

//===- TrieWalk.h - The vocabulary trie walked next to a DFA ----*- C++ -*-===//
//
// The one loop every token mask is made by: a depth-first walk of the
// VocabularyTrie that steps the ByteDfa along each edge, so every prefix is
// stepped once for all the tokens that share it, and a prefix that reaches
// the dead state skips its whole subtree. The cost is one DFA step per
// trie node whose parent is still live, at most numNodes().
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_TRIEWALK_H
#define SGL_RUNTIME_CONSTRAINTS_TRIEWALK_H

#include "runtime/constraints/ByteDfa.h"
#include "runtime/constraints/VocabularyTrie.h"

#include <cstdint>
#include <vector>

namespace sgl::runtime::constraints {

/// The subtrees to walk: all of them.
struct WalkEverySubtree {
  bool operator()(VocabularyTrie::Node) const { return false; }
};

/// Calls `onTokens(node, next)` for every trie node with tokens whose bytes
/// lead `dfa` from `state` to a live state `next`, in preorder, except in
/// subtrees for which `skip(node)` says the caller knows them already.
/// Returns the DFA steps taken.
template <typename OnTokens, typename Skip = WalkEverySubtree>
int64_t walkLiveTokens(const ByteDfa &dfa, const VocabularyTrie &trie,
                       ByteDfa::State state, OnTokens &&onTokens,
                       Skip &&skip = {}) {
  using Node = VocabularyTrie::Node;
  if (dfa.isDead(state))
    return 0;
  // In preorder a node's parent is the last node visited one level up, so
  // the DFA state after each live ancestor sits in a slot per depth.
  std::vector<ByteDfa::State> stateAt(static_cast<size_t>(trie.maxDepth()) + 1);
  stateAt[0] = state;
  int64_t steps = 0;
  for (Node node = VocabularyTrie::kRoot + 1; node < trie.numNodes();) {
    if (skip(node)) {
      node = trie.subtreeEnd(node);
      continue;
    }
    int32_t depth = trie.depth(node);
    ByteDfa::State next = dfa.step(stateAt[depth - 1], trie.byte(node));
    ++steps;
    if (dfa.isDead(next)) {
      node = trie.subtreeEnd(node);
      continue;
    }
    stateAt[depth] = next;
    if (trie.hasTokens(node))
      onTokens(node, next);
    ++node;
  }
  return steps;
}

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_TRIEWALK_H

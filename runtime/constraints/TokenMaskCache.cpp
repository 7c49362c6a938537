//===- TokenMaskCache.cpp - Allowed tokens per DFA state ------------------===//
#include "runtime/constraints/TokenMaskCache.h"

#include "runtime/constraints/TrieWalk.h"

#include <algorithm>
#include <cassert>

namespace sgl::runtime::constraints {

TokenMaskCache::TokenMaskCache(const ByteDfa &dfa, const VocabularyTrie &trie,
                               std::vector<int32_t> eosIds,
                               int64_t maxDistanceSteps)
    : dfa_(dfa), trie_(trie), eosIds_(std::move(eosIds)),
      numWords_((trie.vocabSize() + 63) / 64), none_(numWords_, 0),
      masks_(dfa.numStates()), built_(dfa.numStates(), 0),
      maxDistanceSteps_(maxDistanceSteps) {
  for ([[maybe_unused]] int32_t eos : eosIds_)
    assert(eos >= 0 && static_cast<size_t>(eos) < trie.vocabSize() &&
           "EOS id outside the vocabulary");
}

TokenDistances &TokenMaskCache::distances() {
  if (!distances_)
    distances_.emplace(dfa_, trie_, maxDistanceSteps_);
  return *distances_;
}

std::span<const uint64_t> TokenMaskCache::mask(State state) {
  if (!built_[state]) {
    masks_[state] = buildMask(state, std::nullopt);
    built_[state] = 1;
    ++numMasks_;
  }
  return masks_[state];
}

std::span<const uint64_t> TokenMaskCache::maskWithin(State state,
                                                     uint32_t tokensLeft) {
  if (tokensLeft == 0 || dfa_.isDead(state))
    return none_;
  TokenDistances &distances = this->distances();
  if (!distances.distance(state))
    return mask(state); // too costly to know: no budget promise
  uint32_t within = tokensLeft - 1;
  uint32_t farthest = distances.farthestSuccessor(state);
  if (within >= farthest && !distances.hasStrandedSuccessor(state))
    return mask(state);
  // Budgets past the farthest successor all rule out the same tokens (the
  // stranded ones), so they share one mask.
  within = std::min(within, farthest);
  uint64_t key = static_cast<uint64_t>(state) << 32 | within;
  auto [it, inserted] = narrowed_.try_emplace(key);
  if (inserted) {
    it->second = buildMask(state, within);
    ++numMasks_;
  }
  return it->second;
}

TokenMaskCache::Words
TokenMaskCache::buildMask(State state, std::optional<uint32_t> within) {
  Words words(numWords_, 0);
  if (dfa_.isDead(state))
    return words;
  steps_ += walkLiveTokens(
      dfa_, trie_, state, [&](VocabularyTrie::Node node, State next) {
        if (within && *distances_->distance(next) > *within)
          return;
        for (int32_t id : trie_.tokensAt(node))
          words[id / 64] |= uint64_t(1) << (id % 64);
      });
  // EOS ends the text: right only where the text so far is accepted.
  for (int32_t eos : eosIds_) {
    uint64_t bit = uint64_t(1) << (eos % 64);
    if (dfa_.accepting(state))
      words[eos / 64] |= bit;
    else
      words[eos / 64] &= ~bit;
  }
  return words;
}

} // namespace sgl::runtime::constraints

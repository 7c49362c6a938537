//===- TokenBudgetTest.cpp - Token distances and budget-aware masks -------===//
//
// minTokensToAccept against a breadth-first search over the token graph
// found by brute force, maskWithin against its definition, and the promise
// behind it: a gen that draws from maskWithin with a budget of at least
// minTokensToAccept(start) always stops in an accepting state.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/RegexCompiler.h"
#include "runtime/constraints/TokenMaskCache.h"
#include "runtime/sampling/Sampler.h"

#include "GeneratedVocabulary.h"
#include "MaskTestPatterns.h"
#include "TokenMaskReference.h"

#include <gtest/gtest.h>

#include <random>

using namespace sgl::runtime::constraints;
using namespace sgl::runtime::constraints::test;
using sgl::runtime::TokenMask;

namespace {

constexpr uint32_t kNever = TokenDistances::kNever;

std::vector<std::string> budgetPatterns() {
  std::vector<std::string> patterns = handWrittenPatterns();
  for (std::string &pattern : randomPatterns(/*seed=*/3, 40))
    patterns.push_back(std::move(pattern));
  return patterns;
}

TEST(TokenBudget, DistancesAndMasksMatchTheReference) {
  GeneratedVocabulary vocab = generateVocabulary(/*seed=*/1);
  VocabularyTrie trie(vocab.tokens(), vocab.vocabSize());
  for (const std::string &pattern : budgetPatterns()) {
    ByteDfa dfa = *compileRegex(pattern);
    std::vector<uint32_t> expected = referenceDistances(dfa, vocab.bytes);
    TokenMaskCache masks(dfa, trie, {vocab.eosId});
    // The start first, so later states are found by later explorations.
    EXPECT_EQ(*masks.minTokensToAccept(dfa.start()), expected[dfa.start()])
        << pattern;
    for (ByteDfa::State s = 0; s < dfa.numStates(); ++s) {
      ASSERT_EQ(*masks.minTokensToAccept(s), expected[s])
          << pattern << " state " << s;
      std::vector<ByteDfa::State> next = referenceSteps(dfa, vocab.bytes, s);
      for (uint32_t left : {0u, 1u, 2u, 3u, 5u, 1000u}) {
        TokenMask mask{masks.maskWithin(s, left)};
        for (size_t id = 0; id < vocab.vocabSize(); ++id) {
          bool allowed = static_cast<int32_t>(id) == vocab.eosId
                             ? left >= 1 && dfa.accepting(s)
                             : left >= 1 && expected[next[id]] <= left - 1;
          ASSERT_EQ(mask.allows(static_cast<int32_t>(id)), allowed)
              << pattern << " state " << s << " left " << left << " id " << id;
        }
      }
    }
  }
}

TEST(TokenBudget, CountsTokensNotBytes) {
  std::vector<VocabularyToken> tokens = {{0, "a"},  {1, "b"},   {2, "c"},
                                         {3, "ab"}, {4, "abc"}, {5, "cab"}};
  VocabularyTrie trie(tokens, 6);
  ByteDfa dfa = *compileRegex("(abc){3}");
  TokenMaskCache masks(dfa, trie, {});
  // abc abc abc, or abc + ab + cab + c: three tokens at the fewest.
  EXPECT_EQ(*masks.minTokensToAccept(dfa.start()), 3u);
  EXPECT_EQ(*masks.minTokensToAccept(dfa.walk(dfa.start(), "a")), 4u);
  EXPECT_EQ(*masks.minTokensToAccept(dfa.walk(dfa.start(), "ab")), 3u);
  EXPECT_EQ(*masks.minTokensToAccept(dfa.walk(dfa.start(), "abc")), 2u);
  EXPECT_EQ(*masks.minTokensToAccept(ByteDfa::kDead), kNever);
  // With 3 tokens left, "a" (then 3 more) is refused and "abc" allowed.
  TokenMask tight{masks.maskWithin(dfa.start(), 3)};
  EXPECT_FALSE(tight.allows(0));
  EXPECT_FALSE(tight.allows(3));
  EXPECT_TRUE(tight.allows(4));
  TokenMask loose{masks.maskWithin(dfa.start(), 5)};
  EXPECT_TRUE(loose.allows(0) && loose.allows(3) && loose.allows(4));
  // A budget that rules nothing out hands back the cached plain mask.
  EXPECT_EQ(masks.maskWithin(dfa.start(), 100).data(),
            masks.mask(dfa.start()).data());
}

TEST(TokenBudget, AContinuationTheVocabularyCannotSpell) {
  // No token holds "c": "abc" can never be finished.
  std::vector<VocabularyToken> tokens = {{0, "a"}, {1, "b"}, {2, "ab"}};
  VocabularyTrie trie(tokens, 3);
  ByteDfa dfa = *compileRegex("ab|abc|b");
  TokenMaskCache masks(dfa, trie, {});
  EXPECT_EQ(*masks.minTokensToAccept(dfa.start()), 1u);
  ByteDfa dfaC = *compileRegex("abc");
  TokenMaskCache stuck(dfaC, trie, {});
  EXPECT_EQ(*stuck.minTokensToAccept(dfaC.start()), kNever);
  // mask() keeps the DFA live, maskWithin also keeps acceptance reachable.
  EXPECT_TRUE(TokenMask{stuck.mask(dfaC.start())}.allows(2));
  EXPECT_FALSE(TokenMask{stuck.maskWithin(dfaC.start(), 1000)}.allows(2));
}

TEST(TokenBudget, ExploringStopsAtTheStepLimit) {
  GeneratedVocabulary vocab = generateVocabulary(/*seed=*/1);
  VocabularyTrie trie(vocab.tokens(), vocab.vocabSize());
  ByteDfa dfa = *compileRegex("[^\"]{0,50}");
  TokenMaskCache masks(dfa, trie, {vocab.eosId}, /*maxDistanceSteps=*/10'000);
  sgl::Expected<uint32_t> least = masks.minTokensToAccept(dfa.start());
  ASSERT_FALSE(least);
  EXPECT_NE(least.error().message.find(
                "token distances need more than 10000 DFA steps"),
            std::string::npos)
      << least.error().message;
  // It stays failed, and budgets fall back to the plain masks.
  EXPECT_FALSE(masks.minTokensToAccept(dfa.walk(dfa.start(), "a")));
  EXPECT_EQ(masks.maskWithin(dfa.start(), 1).data(),
            masks.mask(dfa.start()).data());
  // The default limit is far away.
  TokenMaskCache roomy(dfa, trie, {vocab.eosId});
  EXPECT_EQ(*roomy.minTokensToAccept(dfa.start()), 0u);
}

/// One gen: draws uniformly from maskWithin until it is empty, EOS is drawn
/// or the budget is spent; returns whether it stopped accepted.
bool budgetedWalkEndsAccepted(TokenMaskCache &masks, const ByteDfa &dfa,
                              const GeneratedVocabulary &vocab, uint32_t budget,
                              std::mt19937_64 &rng) {
  ByteDfa::State s = dfa.start();
  std::vector<int32_t> allowed;
  for (uint32_t left = budget; left > 0; --left) {
    TokenMask mask{masks.maskWithin(s, left)};
    allowed.clear();
    for (size_t id = 0; id < vocab.vocabSize(); ++id)
      if (mask.allows(static_cast<int32_t>(id)))
        allowed.push_back(static_cast<int32_t>(id));
    if (allowed.empty())
      break; // nothing more allowed: the gen ends here
    int32_t id = allowed[rng() % allowed.size()];
    if (id == vocab.eosId)
      break;
    s = dfa.walk(s, vocab.bytes[id]);
  }
  return dfa.accepting(s);
}

TEST(TokenBudget, BudgetedGensAlwaysEndAccepted) {
  GeneratedVocabulary vocab = generateVocabulary(/*seed=*/1);
  VocabularyTrie trie(vocab.tokens(), vocab.vocabSize());
  std::mt19937_64 rng(4);
  int gens = 0;
  for (const std::string &pattern : budgetPatterns()) {
    ByteDfa dfa = *compileRegex(pattern);
    TokenMaskCache masks(dfa, trie, {vocab.eosId});
    uint32_t least = *masks.minTokensToAccept(dfa.start());
    if (least == kNever)
      continue; // the empty language: nothing to generate
    for (int trial = 0; trial < 60; ++trial, ++gens)
      ASSERT_TRUE(
          budgetedWalkEndsAccepted(masks, dfa, vocab, least + trial % 4, rng))
          << pattern << " budget " << least + trial % 4;
  }
  EXPECT_GE(gens, 2000);
}

} // namespace

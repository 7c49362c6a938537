//===- RegexBudgetTest.cpp - Budget-aware regex masks ---------------------===//
//
// allowedTokens(tokensLeft) on every state of ~50 regexes against its
// definition in bytes (GrammarMasks.h: the shortest completion after a
// token fits in the tokens left after it, one byte per token), and the
// promise behind it: a gen that draws from those masks with a budget of at
// least shortestBytes() always stops accepted.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/RegexCompiler.h"
#include "runtime/sampling/Sampler.h"

#include "GeneratedVocabulary.h"
#include "MaskTestPatterns.h"
#include "RegexMaskReference.h"

#include <gtest/gtest.h>

#include <random>

using namespace sgl::runtime::constraints;
using namespace sgl::runtime::constraints::test;
using sgl::runtime::TokenMask;

namespace {

std::vector<std::string> budgetPatterns() {
  std::vector<std::string> patterns = handWrittenPatterns();
  for (std::string &pattern : randomPatterns(/*seed=*/3, 40))
    patterns.push_back(std::move(pattern));
  return patterns;
}

TEST(RegexBudget, MasksMatchTheByteDefinition) {
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/1);
  ConstraintVocabulary vocabulary = generated.constraintVocabulary();
  std::vector<int32_t> byteTokens = singleByteTokens(generated.bytes);
  int64_t narrowed = 0;
  for (const std::string &pattern : budgetPatterns()) {
    SCOPED_TRACE(pattern);
    ByteDfa dfa = *compileRegex(pattern);
    ConstraintMasks masks(*Constraint::fromRegex(pattern), vocabulary);
    for (const ReachedState &at : reachStates(dfa)) {
      ConstraintMatcher matcher(masks);
      ASSERT_TRUE(acceptText(matcher, at.text, byteTokens));
      std::vector<uint8_t> unbounded = referenceMask(
          dfa, generated.bytes, vocabulary.eosIds, at.state, kNoBudget);
      // Plain first, then tight ones, one twice: from the cache.
      for (uint32_t left : {kNoBudget, 1000u, 0u, 1u, 2u, 3u, 5u, 2u}) {
        std::vector<uint8_t> expected = referenceMask(
            dfa, generated.bytes, vocabulary.eosIds, at.state, left);
        ASSERT_TRUE(equalsReference(matcher.allowedTokens(left), expected))
            << "after '" << at.text << "' with " << left << " left";
        narrowed += expected != unbounded;
      }
    }
  }
  EXPECT_GT(narrowed, 500); // the budgets did bite
}

TEST(RegexBudget, CountsBytesNotTokens) {
  std::vector<VocabularyToken> tokens = {{0, "a"},  {1, "b"},   {2, "c"},
                                         {3, "ab"}, {4, "abc"}, {5, "cab"}};
  ConstraintVocabulary vocabulary{VocabularyTrie(tokens, 6),
                                  {"a", "b", "c", "ab", "abc", "cab"},
                                  {},
                                  nullptr};
  auto constraint = *Constraint::fromRegex("(abc){3}");
  EXPECT_EQ(constraint->shortestBytes(), 9u);
  ConstraintMasks masks(constraint, vocabulary);
  ConstraintMatcher matcher(masks);
  auto allows = [&](uint32_t left, int32_t id) {
    return TokenMask{matcher.allowedTokens(left)}.allows(id);
  };
  // Nine tokens cover the nine bytes whatever is drawn: no narrowing.
  EXPECT_TRUE(allows(kNoBudget, 0) && allows(kNoBudget, 3));
  EXPECT_TRUE(allows(9, 0) && allows(9, 3) && allows(9, 4));
  EXPECT_EQ(masks.stats().masksBuilt, 1);
  // With 7 left, "a" (8 bytes to go) and "ab" (7) are refused, "abc" (6)
  // allowed; with 6 left nothing is, though three "abc" would do.
  EXPECT_FALSE(allows(7, 0));
  EXPECT_FALSE(allows(7, 3));
  EXPECT_TRUE(allows(7, 4));
  EXPECT_TRUE(std::ranges::all_of(matcher.allowedTokens(6),
                                  [](uint64_t word) { return word == 0; }));
  int64_t built = masks.stats().masksBuilt;
  EXPECT_TRUE(allows(7, 4)); // narrowed masks are kept too
  EXPECT_EQ(masks.stats().masksBuilt, built);
}

/// One gen: draws uniformly from allowedTokens until it is empty, EOS is
/// drawn or the budget is spent; returns whether it stopped accepted.
bool budgetedGenEndsAccepted(ConstraintMasks &masks, size_t vocabSize,
                             uint32_t budget, std::mt19937_64 &rng) {
  ConstraintMatcher matcher(masks);
  std::vector<int32_t> allowed;
  for (uint32_t left = budget; left > 0 && !matcher.finished(); --left) {
    TokenMask mask{matcher.allowedTokens(left)};
    allowed.clear();
    for (size_t id = 0; id < vocabSize; ++id)
      if (mask.allows(static_cast<int32_t>(id)))
        allowed.push_back(static_cast<int32_t>(id));
    if (allowed.empty())
      break; // nothing more allowed: the gen ends here
    if (!matcher.accept(allowed[rng() % allowed.size()]))
      return false; // the mask allowed what the matcher refuses
  }
  return matcher.accepting();
}

TEST(RegexBudget, BudgetedGensAlwaysEndAccepted) {
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/1);
  ConstraintVocabulary vocabulary = generated.constraintVocabulary();
  std::mt19937_64 rng(4);
  int gens = 0;
  for (const std::string &pattern : budgetPatterns()) {
    auto constraint = *Constraint::fromRegex(pattern);
    uint32_t least = constraint->shortestBytes();
    if (least == ByteDfa::kNever)
      continue; // the empty language: nothing to generate
    ConstraintMasks masks(constraint, vocabulary);
    for (int trial = 0; trial < 60; ++trial, ++gens)
      ASSERT_TRUE(budgetedGenEndsAccepted(masks, generated.vocabSize(),
                                          least + trial % 4, rng))
          << pattern << " budget " << least + trial % 4;
  }
  EXPECT_GE(gens, 2000);
}

} // namespace

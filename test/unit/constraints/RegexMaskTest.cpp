//===- RegexMaskTest.cpp - Regex masks against running every token --------===//
//
// The mask of every state of ~100 regexes, asked of a ConstraintMatcher led
// there byte by byte, equals the reference (each token's bytes run through
// the DFA on their own) over the generated vocabulary, with the string
// slice and without; and the sampler reads it as a TokenMask.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/RegexCompiler.h"
#include "runtime/sampling/Sampler.h"

#include "GeneratedVocabulary.h"
#include "MaskTestPatterns.h"
#include "RegexMaskReference.h"

#include <gtest/gtest.h>

using namespace sgl::runtime::constraints;
using namespace sgl::runtime::constraints::test;
using sgl::runtime::TokenMask;

namespace {

std::vector<std::string> maskPatterns() {
  std::vector<std::string> patterns = handWrittenPatterns();
  for (std::string &pattern : randomPatterns(/*seed=*/2, 90))
    patterns.push_back(std::move(pattern));
  return patterns;
}

/// The ids allowed by `words`, in order.
std::vector<int32_t> allowedIds(std::span<const uint64_t> words) {
  std::vector<int32_t> ids;
  TokenMask mask{words};
  for (size_t id = 0; id < words.size() * 64; ++id)
    if (mask.allows(static_cast<int32_t>(id)))
      ids.push_back(static_cast<int32_t>(id));
  return ids;
}

/// Parameter: whether the vocabulary has its string slice.
class EveryRegexState : public ::testing::TestWithParam<bool> {};

TEST_P(EveryRegexState, MaskMatchesTheReference) {
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/1);
  ConstraintVocabulary vocabulary =
      generated.constraintVocabulary(/*withSlice=*/GetParam());
  std::vector<int32_t> byteTokens = singleByteTokens(generated.bytes);
  int pairs = 0;
  int64_t sliceSplits = 0;
  for (const std::string &pattern : maskPatterns()) {
    SCOPED_TRACE(pattern);
    sgl::Expected<ByteDfa> dfa = compileRegex(pattern);
    ASSERT_TRUE(dfa) << dfa.error().message;
    auto constraint = Constraint::fromRegex(pattern);
    ASSERT_TRUE(constraint);
    ConstraintMasks masks(*constraint, vocabulary);
    for (const ReachedState &at : reachStates(*dfa)) {
      ConstraintMatcher matcher(masks);
      ASSERT_TRUE(acceptText(matcher, at.text, byteTokens)) << at.text;
      EXPECT_EQ(matcher.accepting(), dfa->accepting(at.state));
      ASSERT_TRUE(equalsReference(matcher.allowedTokens(kNoBudget),
                                  referenceMask(*dfa, generated.bytes,
                                                vocabulary.eosIds, at.state,
                                                kNoBudget)))
          << "after '" << at.text << "'";
      ++pairs;
    }
    sliceSplits += masks.stats().sliceSplits;
  }
  EXPECT_GE(pairs, 1000);
  // The string patterns take the slice's path when it is there.
  EXPECT_EQ(sliceSplits > 0, GetParam());
}

INSTANTIATE_TEST_SUITE_P(RegexMasks, EveryRegexState, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &info) {
                           return info.param ? "WithSlice" : "WithoutSlice";
                         });

TEST(RegexMasks, MasksAreBuiltOnceAndKept) {
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/1);
  ConstraintVocabulary vocabulary = generated.constraintVocabulary();
  ConstraintMasks masks(*Constraint::fromRegex("[0-9]+"), vocabulary);
  ConstraintMatcher matcher(masks);
  std::vector<int32_t> first = allowedIds(matcher.allowedTokens(kNoBudget));
  ConstraintMasks::Stats built = masks.stats();
  EXPECT_EQ(built.masksBuilt, 1);
  EXPECT_GT(built.automatonSteps, 0);
  // Asked again, by this matcher or another at the same point: a lookup.
  EXPECT_EQ(allowedIds(matcher.allowedTokens(kNoBudget)), first);
  ConstraintMatcher other(masks);
  EXPECT_EQ(allowedIds(other.allowedTokens(kNoBudget)), first);
  EXPECT_EQ(masks.stats().masksBuilt, 1);
  EXPECT_EQ(masks.stats().masksCached, 2);
  EXPECT_EQ(masks.stats().automatonSteps, built.automatonSteps);
  // "1" and "12" end in the same DFA state: one more mask between them.
  ASSERT_TRUE(matcher.accept('1'));
  matcher.allowedTokens(kNoBudget);
  ASSERT_TRUE(matcher.accept('2'));
  matcher.allowedTokens(kNoBudget);
  EXPECT_EQ(masks.stats().masksBuilt, 2);
}

/// A vocabulary of `tokens` over `vocabSize` ids, `eos` ending a gen.
ConstraintVocabulary smallVocabulary(const std::vector<VocabularyToken> &tokens,
                                     size_t vocabSize,
                                     std::vector<int32_t> eos) {
  std::vector<std::string> bytes(vocabSize);
  for (const VocabularyToken &token : tokens)
    bytes[token.id] = std::string(token.bytes);
  return {VocabularyTrie(tokens, vocabSize), std::move(bytes), std::move(eos),
          nullptr};
}

TEST(RegexMasks, EosOnlyWhereTheTextIsAccepted) {
  ConstraintVocabulary vocabulary =
      smallVocabulary({{0, "a"}, {1, "b"}, {2, "ab"}}, 4, {3});
  ConstraintMasks masks(*Constraint::fromRegex("ab"), vocabulary);
  ConstraintMatcher matcher(masks);
  EXPECT_EQ(allowedIds(matcher.allowedTokens(kNoBudget)),
            (std::vector<int32_t>{0, 2}));
  EXPECT_FALSE(matcher.accept(3));
  ASSERT_TRUE(matcher.accept(0));
  EXPECT_EQ(allowedIds(matcher.allowedTokens(kNoBudget)),
            (std::vector<int32_t>{1}));
  ASSERT_TRUE(matcher.accept(1));
  // Accepted and nothing may follow: only EOS, then nothing at all.
  EXPECT_EQ(allowedIds(matcher.allowedTokens(kNoBudget)),
            (std::vector<int32_t>{3}));
  ASSERT_TRUE(matcher.accept(3));
  EXPECT_TRUE(matcher.finished());
  EXPECT_TRUE(allowedIds(matcher.allowedTokens(kNoBudget)).empty());
}

TEST(RegexMasks, AnEosIdThatSpellsTextIsStillOnlyEos) {
  // A hand-built vocabulary may give the EOS id bytes too: it stays EOS.
  ConstraintVocabulary vocabulary =
      smallVocabulary({{0, "a"}, {1, "b"}, {2, "a"}}, 3, {2});
  ConstraintMasks masks(*Constraint::fromRegex("ab"), vocabulary);
  ConstraintMatcher matcher(masks);
  EXPECT_EQ(allowedIds(matcher.allowedTokens(kNoBudget)),
            (std::vector<int32_t>{0}));
  EXPECT_FALSE(matcher.accept(2));
  ASSERT_TRUE(matcher.accept(0));
  ASSERT_TRUE(matcher.accept(1));
  EXPECT_EQ(allowedIds(matcher.allowedTokens(kNoBudget)),
            (std::vector<int32_t>{2}));
}

TEST(RegexMasks, TheSamplerHonoursTheMask) {
  ConstraintVocabulary vocabulary =
      smallVocabulary({{0, "x"}, {1, "1"}, {2, "12"}}, 3, {});
  ConstraintMasks masks(*Constraint::fromRegex("[0-9]+"), vocabulary);
  ConstraintMatcher matcher(masks);
  std::vector<float> logits = {5.0f, 1.0f, 2.0f};
  sgl::runtime::Rng rng(0);
  int32_t id = sgl::runtime::sampleMaskedToken(
      logits, TokenMask{matcher.allowedTokens(kNoBudget)}, {.temperature = 0},
      rng);
  EXPECT_EQ(id, 2); // "x" has the largest logit but is refused
  EXPECT_TRUE(matcher.accept(id));
}

} // namespace

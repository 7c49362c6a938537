//===- TokenMaskCacheTest.cpp - Masks against running every token ---------===//
//
// Every mask of every state of ~100 automata equals the reference (each
// token's bytes run through the DFA on their own) over the generated
// vocabulary, read through the sampler's TokenMask.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/TokenMaskCache.h"
#include "runtime/constraints/RegexCompiler.h"
#include "runtime/sampling/Sampler.h"

#include "GeneratedVocabulary.h"
#include "MaskTestPatterns.h"
#include "TokenMaskReference.h"

#include <gtest/gtest.h>

using namespace sgl::runtime::constraints;
using namespace sgl::runtime::constraints::test;
using sgl::runtime::TokenMask;

namespace {

/// Compares `words` with the reference mask of `state`; the first
/// difference, if any.
::testing::AssertionResult matchesReference(std::span<const uint64_t> words,
                                            const ByteDfa &dfa,
                                            const GeneratedVocabulary &vocab,
                                            ByteDfa::State state) {
  if (words.size() != TokenMask::wordsFor(vocab.vocabSize()))
    return ::testing::AssertionFailure()
           << "mask of " << words.size() << " words";
  TokenMask mask{words};
  std::vector<ByteDfa::State> next = referenceSteps(dfa, vocab.bytes, state);
  for (size_t id = 0; id < words.size() * 64; ++id) {
    bool expected =
        id < vocab.vocabSize() &&
        (static_cast<int32_t>(id) == vocab.eosId ? dfa.accepting(state)
                                                 : !dfa.isDead(next[id]));
    if (mask.allows(static_cast<int32_t>(id)) != expected)
      return ::testing::AssertionFailure()
             << "state " << state << ": token " << id << " should be "
             << (expected ? "allowed" : "refused");
  }
  return ::testing::AssertionSuccess();
}

TEST(TokenMaskCache, EveryStateMatchesTheReference) {
  GeneratedVocabulary vocab = generateVocabulary(/*seed=*/1);
  VocabularyTrie trie(vocab.tokens(), vocab.vocabSize());
  std::vector<std::string> patterns = handWrittenPatterns();
  for (std::string &pattern : randomPatterns(/*seed=*/2, 90))
    patterns.push_back(std::move(pattern));

  int pairs = 0;
  for (const std::string &pattern : patterns) {
    sgl::Expected<ByteDfa> dfa = compileRegex(pattern);
    ASSERT_TRUE(dfa) << pattern << ": " << dfa.error().message;
    TokenMaskCache masks(*dfa, trie, {vocab.eosId});
    for (ByteDfa::State s = 0; s < dfa->numStates(); ++s, ++pairs)
      ASSERT_TRUE(matchesReference(masks.mask(s), *dfa, vocab, s)) << pattern;
  }
  EXPECT_GE(pairs, 1000);
}

TEST(TokenMaskCache, MasksAreBuiltOnceAndKept) {
  GeneratedVocabulary vocab = generateVocabulary(/*seed=*/1);
  VocabularyTrie trie(vocab.tokens(), vocab.vocabSize());
  ByteDfa dfa = *compileRegex("[0-9]+");
  TokenMaskCache masks(dfa, trie, {vocab.eosId});
  std::span<const uint64_t> first = masks.mask(dfa.start());
  int64_t steps = masks.steps();
  EXPECT_GT(steps, 0);
  EXPECT_EQ(masks.mask(dfa.start()).data(), first.data());
  EXPECT_EQ(masks.steps(), steps);
  EXPECT_EQ(masks.numMasks(), 1u);
  // Spans stay valid as more states are built.
  for (ByteDfa::State s = 0; s < dfa.numStates(); ++s)
    masks.mask(s);
  EXPECT_EQ(masks.mask(dfa.start()).data(), first.data());
}

TEST(TokenMaskCache, EosOnlyWhereTheTextIsAccepted) {
  std::vector<VocabularyToken> tokens = {{0, "a"}, {1, "b"}, {2, "ab"}};
  VocabularyTrie trie(tokens, 4);
  ByteDfa dfa = *compileRegex("ab");
  TokenMaskCache masks(dfa, trie, {3});
  auto allowed = [&](ByteDfa::State s) {
    std::vector<int32_t> ids;
    TokenMask mask{masks.mask(s)};
    for (int32_t id = 0; id < 4; ++id)
      if (mask.allows(id))
        ids.push_back(id);
    return ids;
  };
  EXPECT_EQ(allowed(dfa.start()), (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(allowed(dfa.walk(dfa.start(), "a")), (std::vector<int32_t>{1}));
  // Accepted and nothing may follow: only EOS.
  EXPECT_EQ(allowed(dfa.walk(dfa.start(), "ab")), (std::vector<int32_t>{3}));
  EXPECT_TRUE(allowed(ByteDfa::kDead).empty());
}

TEST(TokenMaskCache, AnEosIdTheTrieHoldsFollowsAcceptanceToo) {
  // A tokenizer whose EOS also spells text: EOS rules win.
  std::vector<VocabularyToken> tokens = {{0, "a"}, {1, "a"}};
  VocabularyTrie trie(tokens, 2);
  ByteDfa dfa = *compileRegex("a+");
  TokenMaskCache masks(dfa, trie, {1});
  TokenMask atStart{masks.mask(dfa.start())};
  EXPECT_TRUE(atStart.allows(0));
  EXPECT_FALSE(atStart.allows(1));
  TokenMask accepted{masks.mask(dfa.walk(dfa.start(), "a"))};
  EXPECT_TRUE(accepted.allows(0));
  EXPECT_TRUE(accepted.allows(1));
}

TEST(TokenMaskCache, TheSamplerHonoursTheMask) {
  std::vector<VocabularyToken> tokens = {{0, "x"}, {1, "1"}, {2, "12"}};
  VocabularyTrie trie(tokens, 3);
  ByteDfa dfa = *compileRegex("[0-9]+");
  TokenMaskCache masks(dfa, trie, {});
  std::vector<float> logits = {5.0f, 1.0f, 2.0f};
  sgl::runtime::Rng rng(0);
  int32_t id = sgl::runtime::sampleMaskedToken(
      logits, TokenMask{masks.mask(dfa.start())}, {.temperature = 0}, rng);
  EXPECT_EQ(id, 2); // "x" has the largest logit but is refused
}

} // namespace

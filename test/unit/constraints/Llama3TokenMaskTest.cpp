//===- Llama3TokenMaskTest.cpp - Token masks over a real 128k vocabulary --===//
//
// The Llama 3.1 tokenizer the build writes to <build>/tokenizers (skipped
// when the build made none: -DSGL_BUILD_DEFAULT_MODEL=OFF). Masks equal the
// reference on a few states, token distances know that Llama 3 spells
// digits at most three to a token, and budgeted gens end accepted.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/RegexCompiler.h"
#include "runtime/constraints/TokenMaskCache.h"
#include "runtime/constraints/TokenizerVocabulary.h"
#include "runtime/sampling/Sampler.h"
#include "runtime/tokenizer/Tokenizer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>

using namespace sgl::runtime;
using namespace sgl::runtime::constraints;

namespace {

class Llama3TokenMask : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    std::filesystem::path dir =
        std::filesystem::path(SGL_TOKENIZERS_DIR) / "llama3_1";
    if (!std::filesystem::exists(dir / "tokenizer.json"))
      return;
    auto loaded = Tokenizer::fromFile(dir.string());
    ASSERT_TRUE(loaded) << loaded.error().message;
    tokenizer_ = new Tokenizer(loaded.take());
    trie_ = new VocabularyTrie(buildVocabularyTrie(*tokenizer_));
  }
  static void TearDownTestSuite() {
    delete trie_;
    delete tokenizer_;
  }
  void SetUp() override {
    if (!tokenizer_)
      GTEST_SKIP() << "no Llama 3.1 tokenizer in " SGL_TOKENIZERS_DIR;
  }

  int32_t id(std::string_view token) { return *tokenizer_->tokenToId(token); }
  int32_t eos() { return id("<|eot_id|>"); }

  static Tokenizer *tokenizer_;
  static VocabularyTrie *trie_;
};

Tokenizer *Llama3TokenMask::tokenizer_ = nullptr;
VocabularyTrie *Llama3TokenMask::trie_ = nullptr;

TEST_F(Llama3TokenMask, TheTrieHoldsTheTextTokens) {
  int32_t text = 0;
  for (size_t i = 0; i < tokenizer_->vocabSize(); ++i) {
    auto tokenId = static_cast<int32_t>(i);
    text += !tokenizer_->isSpecial(tokenId) &&
            !tokenizer_->tokenBytes(tokenId).empty();
  }
  EXPECT_EQ(trie_->numTokens(), text);
  EXPECT_EQ(trie_->vocabSize(), tokenizer_->vocabSize());
  VocabularyTrie::Node the = trie_->find(" the");
  ASSERT_GE(the, 0);
  std::span<const int32_t> ids = trie_->tokensAt(the);
  EXPECT_NE(std::find(ids.begin(), ids.end(), id("Ġthe")), ids.end());
  // Special tokens never, even where their spelling is a path of text.
  VocabularyTrie::Node eot = trie_->find("<|eot_id|>");
  if (eot >= 0) {
    for (int32_t tokenId : trie_->tokensAt(eot))
      EXPECT_FALSE(tokenizer_->isSpecial(tokenId));
  }
}

TEST_F(Llama3TokenMask, MasksMatchTheReference) {
  for (const char *pattern :
       {"[0-9]{1,4}", "\"([^\"\\\\]|\\\\.)*\"", "(yes|no)",
        "[a-z]+@[a-z]+\\.com", "-?(0|[1-9][0-9]*)(\\.[0-9]+)?", "[α-ω ]+"}) {
    ByteDfa dfa = *compileRegex(pattern);
    TokenMaskCache masks(dfa, *trie_, {eos()});
    // What the mask must say, token by token, from the definition.
    auto allowed = [&](ByteDfa::State s, int32_t tokenId) {
      if (tokenId == eos())
        return dfa.accepting(s);
      std::string_view bytes = tokenizer_->tokenBytes(tokenId);
      if (tokenizer_->isSpecial(tokenId) || bytes.empty())
        return false;
      return !dfa.isDead(dfa.walk(s, bytes));
    };
    // Four live states each: 128k tokens apiece.
    for (ByteDfa::State s = 1; s < std::min(dfa.numStates(), 5); ++s) {
      TokenMask mask{masks.mask(s)};
      for (size_t i = 0; i < tokenizer_->vocabSize(); ++i) {
        auto tokenId = static_cast<int32_t>(i);
        ASSERT_EQ(mask.allows(tokenId), allowed(s, tokenId))
            << pattern << " state " << s << " token " << tokenId;
      }
    }
  }
}

TEST_F(Llama3TokenMask, DistancesCountRealTokens) {
  // Llama 3 pre-tokenizes digits in runs of at most three.
  ByteDfa digits = *compileRegex("[0-9]{10}");
  TokenMaskCache digitMasks(digits, *trie_, {eos()});
  EXPECT_EQ(*digitMasks.minTokensToAccept(digits.start()), 4u);
  ByteDfa answer = *compileRegex("(yes|no)");
  TokenMaskCache answerMasks(answer, *trie_, {eos()});
  EXPECT_EQ(*answerMasks.minTokensToAccept(answer.start()), 1u);
  // With one token left only a whole answer fits.
  TokenMask last{answerMasks.maskWithin(answer.start(), 1)};
  EXPECT_TRUE(last.allows(id("yes")));
  EXPECT_FALSE(last.allows(id("y")));
  EXPECT_TRUE(TokenMask{answerMasks.mask(answer.start())}.allows(id("y")));
}

TEST_F(Llama3TokenMask, BudgetedGensEndAccepted) {
  std::mt19937_64 rng(7);
  for (const char *pattern :
       {"[0-9]{7}", "\"[a-z ]{3,12}\"", "-?(0|[1-9][0-9]*)(\\.[0-9]+)?"}) {
    ByteDfa dfa = *compileRegex(pattern);
    TokenMaskCache masks(dfa, *trie_, {eos()});
    uint32_t least = *masks.minTokensToAccept(dfa.start());
    for (int trial = 0; trial < 12; ++trial) {
      ByteDfa::State s = dfa.start();
      for (uint32_t left = least + trial % 3; left > 0; --left) {
        TokenMask mask{masks.maskWithin(s, left)};
        std::vector<int32_t> allowed;
        for (size_t i = 0; i < tokenizer_->vocabSize(); ++i)
          if (mask.allows(static_cast<int32_t>(i)))
            allowed.push_back(static_cast<int32_t>(i));
        if (allowed.empty())
          break;
        int32_t tokenId = allowed[rng() % allowed.size()];
        if (tokenId == eos())
          break;
        s = dfa.walk(s, tokenizer_->tokenBytes(tokenId));
      }
      EXPECT_TRUE(dfa.accepting(s)) << pattern << " trial " << trial;
    }
  }
}

} // namespace

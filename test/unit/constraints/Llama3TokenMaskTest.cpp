//===- Llama3TokenMaskTest.cpp - Token masks over a real 128k vocabulary --===//
//
// The Llama 3.1 tokenizer the build writes to <build>/tokenizers (skipped
// when the build made none: -DSGL_BUILD_DEFAULT_MODEL=OFF), as
// buildConstraintVocabulary makes it. Regex masks equal the reference on a
// few states, budgets count bytes while Llama 3 spells up to three digits
// a token, and budgeted gens end accepted.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/RegexCompiler.h"
#include "runtime/constraints/TokenizerVocabulary.h"
#include "runtime/sampling/Sampler.h"
#include "runtime/tokenizer/Tokenizer.h"

#include "RegexMaskReference.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>

using namespace sgl::runtime;
using namespace sgl::runtime::constraints;
using namespace sgl::runtime::constraints::test;

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
    vocabulary_ = new ConstraintVocabulary(buildConstraintVocabulary(
        *tokenizer_, {*tokenizer_->tokenToId("<|eot_id|>")}));
    // The reference's own view of the tokens, from the tokenizer.
    referenceBytes_ = new std::vector<std::string>(tokenizer_->vocabSize());
    for (size_t i = 0; i < referenceBytes_->size(); ++i)
      if (!tokenizer_->isSpecial(static_cast<int32_t>(i)))
        (*referenceBytes_)[i] = tokenizer_->tokenBytes(static_cast<int32_t>(i));
  }
  static void TearDownTestSuite() {
    delete referenceBytes_;
    delete vocabulary_;
    delete tokenizer_;
  }
  void SetUp() override {
    if (!tokenizer_)
      GTEST_SKIP() << "no Llama 3.1 tokenizer in " SGL_TOKENIZERS_DIR;
  }

  int32_t id(std::string_view token) { return *tokenizer_->tokenToId(token); }
  int32_t eos() { return id("<|eot_id|>"); }

  static Tokenizer *tokenizer_;
  static ConstraintVocabulary *vocabulary_;
  static std::vector<std::string> *referenceBytes_;
};

Tokenizer *Llama3TokenMask::tokenizer_ = nullptr;
ConstraintVocabulary *Llama3TokenMask::vocabulary_ = nullptr;
std::vector<std::string> *Llama3TokenMask::referenceBytes_ = nullptr;

TEST_F(Llama3TokenMask, TheVocabularyHoldsTheTextTokens) {
  const VocabularyTrie &trie = vocabulary_->trie;
  int32_t text = 0;
  for (const std::string &bytes : *referenceBytes_)
    text += !bytes.empty();
  EXPECT_EQ(trie.numTokens(), text);
  EXPECT_EQ(trie.vocabSize(), tokenizer_->vocabSize());
  EXPECT_EQ(vocabulary_->tokenBytes, *referenceBytes_);
  EXPECT_NE(vocabulary_->slices, nullptr);
  VocabularyTrie::Node the = trie.find(" the");
  ASSERT_GE(the, 0);
  std::span<const int32_t> ids = trie.tokensAt(the);
  EXPECT_NE(std::find(ids.begin(), ids.end(), id("Ġthe")), ids.end());
  // Special tokens never, even where their spelling is a path of text.
  VocabularyTrie::Node eot = trie.find("<|eot_id|>");
  if (eot >= 0) {
    for (int32_t tokenId : trie.tokensAt(eot))
      EXPECT_FALSE(tokenizer_->isSpecial(tokenId));
  }
}

TEST_F(Llama3TokenMask, MasksMatchTheReference) {
  std::vector<int32_t> byteTokens = singleByteTokens(*referenceBytes_);
  std::vector<int32_t> eosIds = {eos()};
  for (const char *pattern :
       {"[0-9]{1,4}", "\"([^\"\\\\]|\\\\.)*\"", "(yes|no)",
        "[a-z]+@[a-z]+\\.com", "-?(0|[1-9][0-9]*)(\\.[0-9]+)?", "[α-ω ]+"}) {
    SCOPED_TRACE(pattern);
    ByteDfa dfa = *compileRegex(pattern);
    ConstraintMasks masks(*Constraint::fromRegex(pattern), *vocabulary_);
    // Four states each, 128k tokens apiece: the start and three more.
    std::vector<ReachedState> reached = reachStates(dfa);
    reached.resize(std::min<size_t>(reached.size(), 4));
    for (const ReachedState &at : reached) {
      ConstraintMatcher matcher(masks);
      ASSERT_TRUE(acceptText(matcher, at.text, byteTokens)) << at.text;
      ASSERT_TRUE(equalsReference(
          matcher.allowedTokens(kNoBudget),
          referenceMask(dfa, *referenceBytes_, eosIds, at.state, kNoBudget)))
          << "after '" << at.text << "'";
    }
  }
}

TEST_F(Llama3TokenMask, BudgetsCountBytes) {
  // With one token left only a whole answer fits.
  ConstraintMasks answers(*Constraint::fromRegex("(yes|no)"), *vocabulary_);
  ConstraintMatcher answer(answers);
  TokenMask last{answer.allowedTokens(1)};
  EXPECT_TRUE(last.allows(id("yes")) && last.allows(id("no")));
  EXPECT_FALSE(last.allows(id("y")) || last.allows(id("n")));
  EXPECT_TRUE(TokenMask{answer.allowedTokens(3)}.allows(id("y")));
  // Llama 3 spells digits up to three a token, but budgets are in bytes:
  // with 8 tokens left, "1" (9 digits to go) is refused and "123" (7) not.
  ConstraintMasks digitMasks(*Constraint::fromRegex("[0-9]{10}"), *vocabulary_);
  ConstraintMatcher digits(digitMasks);
  TokenMask tight{digits.allowedTokens(8)};
  EXPECT_FALSE(tight.allows(id("1")));
  EXPECT_TRUE(tight.allows(id("123")));
  EXPECT_TRUE(TokenMask{digits.allowedTokens(10)}.allows(id("1")));
}

TEST_F(Llama3TokenMask, BudgetedGensEndAccepted) {
  std::mt19937_64 rng(7);
  for (const char *pattern :
       {"[0-9]{7}", "\"[a-z ]{3,12}\"", "-?(0|[1-9][0-9]*)(\\.[0-9]+)?"}) {
    auto constraint = *Constraint::fromRegex(pattern);
    ConstraintMasks masks(constraint, *vocabulary_);
    for (int trial = 0; trial < 12; ++trial) {
      ConstraintMatcher matcher(masks);
      uint32_t budget = constraint->shortestBytes() + trial % 3;
      for (uint32_t left = budget; left > 0 && !matcher.finished(); --left) {
        TokenMask mask{matcher.allowedTokens(left)};
        std::vector<int32_t> allowed;
        for (size_t i = 0; i < tokenizer_->vocabSize(); ++i)
          if (mask.allows(static_cast<int32_t>(i)))
            allowed.push_back(static_cast<int32_t>(i));
        if (allowed.empty())
          break;
        ASSERT_TRUE(matcher.accept(allowed[rng() % allowed.size()]));
      }
      EXPECT_TRUE(matcher.accepting()) << pattern << " trial " << trial;
    }
  }
}

} // namespace

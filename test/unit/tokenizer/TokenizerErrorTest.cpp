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

TEST(TokenizerErrorTest, TinyTokenizerLoads) {
  EXPECT_TRUE(Tokenizer::fromJson(tinyTokenizerJson({{"a", "b"}}).dump()));
}

TEST(TokenizerErrorTest, BadJson) {
  expectLoadError(std::string("{\"model\": {"), "not valid JSON");
  expectLoadError(std::string(""), "not valid JSON");
  expectLoadError(std::string("[1, 2]"), "not a JSON object");
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

} // namespace
} // namespace sgl::runtime

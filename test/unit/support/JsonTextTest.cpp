//===- JsonTextTest.cpp - Parsing JSON files from outside -----------------===//
#include "runtime/support/JsonText.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sgl;

namespace {

std::string errorOf(std::string_view text) {
  Expected<nlohmann::json> json = parseJsonObject(text, "f.json");
  return json ? std::string("<parsed>") : json.error().message;
}

TEST(JsonText, ParsesObjects) {
  Expected<nlohmann::json> json =
      parseJsonObject(R"({"a": [1, {"b": 2}]})", "f");
  ASSERT_TRUE(json) << json.error().message;
  EXPECT_EQ((*json)["a"][1]["b"], 2);
}

TEST(JsonText, SyntaxErrorsSayWhereAndInWhichField) {
  EXPECT_EQ(errorOf("{\n  \"eps\": 1e400\n}"),
            "f.json: invalid JSON at line 2, column 14 (in 'eps'): number "
            "overflow parsing '1e400'");
  EXPECT_EQ(errorOf(R"({"rope": {"factor": 2,})"),
            "f.json: invalid JSON at line 1, column 23 (after "
            "'rope.factor'): syntax error while parsing object key - "
            "unexpected '}'; expected string literal");
}

TEST(JsonText, OtherDocumentsSayWhatTheyHold) {
  EXPECT_EQ(errorOf("[1]"), "f.json: not a JSON object (the file holds array)");
  EXPECT_EQ(errorOf("7"), "f.json: not a JSON object (the file holds number)");
}

TEST(JsonText, NestingIsBoundedWhileParsing) {
  std::string deep = "{\"a\":" + std::string(1000000, '[');
  EXPECT_EQ(errorOf(deep),
            "f.json: arrays and objects nest more than 64 levels deep");
  std::string ok =
      "{\"a\":" + std::string(62, '[') + std::string(62, ']') + "}";
  EXPECT_EQ(errorOf(ok), "<parsed>");
}

} // namespace

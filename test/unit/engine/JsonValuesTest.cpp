//===- JsonValuesTest.cpp - Typed gens' JSON as program values ------------===//
//
// A typed gen's JSON becomes a value of its slot's type (an integral real
// is an int, as JSON Schema's integers are), a json slot keeps the text the
// model wrote, and JSON of another type is an error naming the type.
//
//===----------------------------------------------------------------------===//
#include "runtime/engine/JsonValues.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sgl::runtime;
using plan::ValueType;

namespace {

ValueType type(ValueType::Kind kind) { return ValueType{kind, {}}; }

/// The value of `text` in a slot of `slotType`; fails the test on an error.
Value valueOf(const ValueType &slotType, const std::string &text) {
  sgl::Expected<Value> value =
      genJsonValue(slotType, text, nlohmann::ordered_json::parse(text));
  EXPECT_TRUE(value) << value.error().message;
  return value ? *value : Value();
}

std::string errorOf(const ValueType &slotType, const std::string &text) {
  sgl::Expected<Value> value =
      genJsonValue(slotType, text, nlohmann::ordered_json::parse(text));
  return value ? "<value>" : value.error().message;
}

TEST(JsonValues, ScalarsOfTheirTypes) {
  EXPECT_EQ(valueOf(type(ValueType::Kind::Str), R"("a\nb")"), Value("a\nb"));
  EXPECT_EQ(valueOf(type(ValueType::Kind::Int), "-12"), Value::integer(-12));
  EXPECT_EQ(valueOf(type(ValueType::Kind::Int), "109.0"), Value::integer(109));
  EXPECT_EQ(valueOf(type(ValueType::Kind::Int), "1e2"), Value::integer(100));
  EXPECT_EQ(valueOf(type(ValueType::Kind::Number), "3"), Value::number(3));
  EXPECT_EQ(valueOf(type(ValueType::Kind::Number), "2.5e-3"),
            Value::number(2.5e-3));
  EXPECT_EQ(valueOf(type(ValueType::Kind::Bool), "false"),
            Value::boolean(false));
}

TEST(JsonValues, ListsAndJson) {
  EXPECT_EQ(
      valueOf(ValueType::list(type(ValueType::Kind::Str)), R"(["x", ""])"),
      Value::list({"x", ""}));
  EXPECT_EQ(
      valueOf(ValueType::list(ValueType::list(type(ValueType::Kind::Int))),
              "[[1], []]"),
      Value::list({Value::list({Value::integer(1)}), Value::list({})}));
  // A json slot keeps what the model wrote, spaces and all.
  Value json = valueOf(type(ValueType::Kind::Json), R"({ "a" : 1 })");
  ASSERT_EQ(json.kind(), Value::Kind::Json);
  EXPECT_EQ(json.str(), R"({ "a" : 1 })");
}

TEST(JsonValues, AnotherTypeIsAnError) {
  EXPECT_EQ(errorOf(type(ValueType::Kind::Int), "1.5"),
            "its JSON output is not an int");
  EXPECT_EQ(errorOf(type(ValueType::Kind::Int), "18446744073709551615"),
            "its JSON output is not an int");
  EXPECT_EQ(errorOf(type(ValueType::Kind::Str), "1"),
            "its JSON output is not a str");
  EXPECT_EQ(errorOf(ValueType::list(type(ValueType::Kind::Bool)), "[true, 1]"),
            "its JSON output is not a [bool]");
}

TEST(JsonValues, ItemsOfJson) {
  using Json = nlohmann::ordered_json;
  EXPECT_EQ(jsonItemValue(Json::parse(R"("s")")), Value("s"));
  EXPECT_EQ(jsonItemValue(Json::parse("7")), Value::integer(7));
  EXPECT_EQ(jsonItemValue(Json::parse("18446744073709551615")),
            Value::number(18446744073709551615.0));
  EXPECT_EQ(jsonItemValue(Json::parse("0.25")), Value::number(0.25));
  EXPECT_EQ(jsonItemValue(Json::parse("null")), Value());
  EXPECT_EQ(jsonItemValue(Json::parse(R"([1, "a", [true]])")),
            Value::list(
                {Value::integer(1), "a", Value::list({Value::boolean(true)})}));
  Value object = jsonItemValue(Json::parse(R"({"k": [1]})"));
  ASSERT_EQ(object.kind(), Value::Kind::Json);
  EXPECT_EQ(object.str(), R"({"k":[1]})");
}

} // namespace

//===- JsonSchemaLimitsTest.cpp - Hostile schemas fail fast ---------------===//
//
// Schemas come from API requests: every dimension that could make the
// compiler run long or allocate without end has a limit and a clear error.
//
//===----------------------------------------------------------------------===//
#include "JsonSchemaTestSupport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

using sgl::runtime::constraints::JsonSchemaOptions;
using sgl::runtime::constraints::testing::errorOf;

namespace {

/// Fails the test when `body` takes longer than a second.
/// A guard against a hang, not a speed test: a limit that failed would take
/// minutes, while the checks take milliseconds optimized and about a second
/// under ASan on a busy 2-core CI machine.
template <typename F> void finishesQuickly(F body) {
  auto start = std::chrono::steady_clock::now();
  body();
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took.count(), 10.0);
}

TEST(JsonSchemaLimits, SchemaSize) {
  JsonSchemaOptions options;
  options.maxSchemaBytes = 100;
  std::string schema = R"({"description": ")" + std::string(200, 'x') + R"("})";
  EXPECT_EQ(errorOf(schema, options),
            "/: schema has 219 bytes, more than the limit of 100");
}

TEST(JsonSchemaLimits, JsonNesting) {
  finishesQuickly([] {
    std::string deep(100000, '[');
    EXPECT_EQ(errorOf(deep),
              "/: schema nests arrays and objects more than 256 levels deep");
  });
}

TEST(JsonSchemaLimits, SubschemaNesting) {
  std::string schema = R"({"type": "string"})";
  for (int i = 0; i < 70; ++i)
    schema = R"({"allOf": [)" + schema + "]}";
  EXPECT_EQ(errorOf(schema).substr(errorOf(schema).find(": ")),
            ": $ref / allOf / anyOf / oneOf nest deeper than 64");
}

TEST(JsonSchemaLimits, RefChain) {
  finishesQuickly([] {
    std::string defs;
    for (int i = 0; i < 10000; ++i)
      defs += "\"d" + std::to_string(i) + "\": {\"$ref\": \"#/$defs/d" +
              std::to_string(i + 1) + "\"}, ";
    std::string schema =
        R"({"$defs": {)" + defs +
        R"("d10000": {"type": "null"}}, "$ref": "#/$defs/d0"})";
    EXPECT_EQ(errorOf(schema),
              "/$defs/d64: $ref / allOf / anyOf / oneOf nest deeper than 64");
  });
}

TEST(JsonSchemaLimits, EnumSize) {
  finishesQuickly([] {
    std::string values;
    for (int i = 0; i < 100000; ++i)
      values.append(i ? "," : "").append(std::to_string(i));
    std::string schema = R"({"enum": [)";
    schema.append(values).append("]}");
    EXPECT_EQ(errorOf(schema),
              "/enum: enum has 100000 values, more than the limit of 4096");
  });
}

TEST(JsonSchemaLimits, NestedOneOf) {
  finishesQuickly([] {
    // 20 levels of two overlapping branches each.
    std::string schema = R"({"type": "integer"})";
    for (int i = 0; i < 20; ++i)
      schema = R"({"oneOf": [)" + schema + R"(, {"minimum": )" +
               std::to_string(i) + "}]}";
    EXPECT_NE(errorOf(schema), "compiled");
  });
}

TEST(JsonSchemaLimits, AllOfOfManyAnyOf) {
  finishesQuickly([] {
    // 2^20 combinations if every branch were tried.
    std::string members;
    for (int i = 0; i < 20; ++i)
      members += std::string(i ? "," : "") + R"({"anyOf": [{"maximum": )" +
                 std::to_string(i) + R"(}, {"minLength": )" +
                 std::to_string(i) + "}]}";
    EXPECT_EQ(errorOf(R"({"allOf": [)" + members + "]}"),
              "/allOf/10/anyOf: anyOf / oneOf at one place combine into more "
              "than 1024 alternatives");
  });
}

TEST(JsonSchemaLimits, ExcludedStringLength) {
  // Extra keys are told from the declared names by a trie that is built
  // by recursion: a name of 200,000 bytes once overflowed the stack.
  finishesQuickly([] {
    std::string schema = R"({"type": "object", "properties": {")";
    schema.append(std::string(200000, 'a')).append(R"(": {}}})");
    EXPECT_EQ(errorOf(schema),
              "/: unsupported: a property name or excluded string of 200000 "
              "bytes, more than the limit of 1024");
    std::string excluded = R"({"type": "string", "not": {"enum": [")";
    excluded.append(std::string(2000, 'b')).append(R"("]}})");
    EXPECT_EQ(errorOf(excluded),
              "/not: unsupported: a property name or excluded string of 2000 "
              "bytes, more than the limit of 1024");
    std::string many = R"({"type": "object", "properties": {)";
    for (int i = 0; i < 40; ++i)
      many.append(i ? ", \"" : "\"")
          .append(std::string(1000, 'a' + i % 26))
          .append(std::to_string(i))
          .append(R"(": {})");
    many.append("}}");
    EXPECT_EQ(errorOf(many), "/: unsupported: property names or excluded "
                             "strings of 40070 bytes in all, more than the "
                             "limit of 32768");
  });
}

TEST(JsonSchemaLimits, CompileTime) {
  JsonSchemaOptions options;
  options.maxCompileSeconds = 0;
  EXPECT_EQ(errorOf(R"({"type": "string"})", options),
            "/: compiling the schema takes longer than 0.000000 s");
}

TEST(JsonSchemaLimits, AutomatonStates) {
  JsonSchemaOptions options;
  options.automaton.maxGrammarStates = 50;
  std::string error = errorOf(
      R"({"type": "object", "properties": {"a": {"type": "integer"},
          "b": {"type": "string", "format": "date-time"}}})",
      options);
  EXPECT_EQ(error, "/: grammar needs more than 50 automaton states");
}

} // namespace

//===- JsonSchemaRegressionTest.cpp - Instances once wrongly accepted -----===//
//
// Each test is a schema under which the grammar once accepted an instance
// that Python's jsonschema (the validator its `$schema` selects, with
// FormatChecker) calls invalid. Refusing such an instance is right, and so
// is refusing to compile the schema: `refusedOrError` allows both.
//
//===----------------------------------------------------------------------===//
#include "JsonSchemaTestSupport.h"

#include "runtime/constraints/JsonSchema.h"

#include <gtest/gtest.h>

#include <string>

using sgl::runtime::constraints::compileJsonSchema;
using sgl::runtime::constraints::GrammarSource;
using sgl::runtime::constraints::JsonSchemaOptions;
using sgl::runtime::constraints::jsonSchemaToGrammar;
using sgl::runtime::constraints::testing::errorOf;
using sgl::runtime::constraints::testing::SchemaCase;

namespace {

/// The schema does not compile, or its grammar refuses `text`.
::testing::AssertionResult refusedOrError(std::string_view schema,
                                          std::string_view text) {
  auto constraint = compileJsonSchema(schema);
  if (!constraint || !(*constraint)->grammar().matches(text))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << schema << " accepts " << text;
}

constexpr const char *kDraft4 =
    R"("$schema": "http://json-schema.org/draft-04/schema#", )";
constexpr const char *kDraft3 =
    R"("$schema": "http://json-schema.org/draft-03/schema#", )";
constexpr const char *kDraft7 =
    R"("$schema": "http://json-schema.org/draft-07/schema#", )";

std::string withDraft(const char *draft, std::string_view rest) {
  std::string text = "{";
  text.append(draft).append(rest);
  return text;
}

// enum / const values must satisfy every sibling keyword.
TEST(JsonSchemaRegressions, EnumValuesObeyPropertyCounts) {
  EXPECT_TRUE(
      refusedOrError(R"({"enum": [{"a": 1, "b": 2}], "maxProperties": 1})",
                     R"({"a": 1, "b": 2})"));
  SchemaCase most(
      R"({"enum": [{"a": 1}, {"a": 1, "b": 2}], "maxProperties": 1})");
  EXPECT_TRUE(most.accepts(R"({"a": 1})"));
  EXPECT_TRUE(most.refuses(R"({"a": 1, "b": 2})"));
  SchemaCase least(R"({"enum": [{}, {"a": 1}], "minProperties": 1})");
  EXPECT_TRUE(least.accepts(R"({"a": 1})"));
  EXPECT_TRUE(least.refuses("{}"));
  EXPECT_TRUE(refusedOrError(R"({"const": {}, "minProperties": 1})", "{}"));
}

// Python's enum compares with ==, for which [1] == [True]: `not` of such an
// enum must refuse the other spelling too.
TEST(JsonSchemaRegressions, EnumEqualityOfNestedBooleans) {
  EXPECT_TRUE(
      refusedOrError(R"({"enum": [[1]], "not": {"enum": [[true]]}})", "[1]"));
  EXPECT_TRUE(refusedOrError(
      R"({"oneOf": [{"enum": [[1]]}, {"enum": [[true]]}]})", "[1]"));
  EXPECT_TRUE(refusedOrError(
      R"({"oneOf": [{"enum": [{"a": 0}]}, {"enum": [{"a": false}]}]})",
      R"({"a": 0})"));
}

// No member can be written, so no object has one.
TEST(JsonSchemaRegressions, MinPropertiesWithNoWritableMember) {
  EXPECT_TRUE(refusedOrError(
      R"({"type": "object", "minProperties": 1, "additionalProperties": false})",
      "{}"));
  SchemaCase nullable(R"({"type": ["object", "null"], "minProperties": 1,
                          "additionalProperties": false})");
  EXPECT_TRUE(nullable.accepts("null"));
  EXPECT_TRUE(nullable.refuses("{}"));
  EXPECT_TRUE(refusedOrError(R"({"type": "object", "properties": {"a": {}},
      "minProperties": 2, "additionalProperties": false})",
                             R"({"a": 1})"));
}

// Our formats and patterns are subsets of the real ones: a string outside
// them may still be valid under the real validator, so it proves no oneOf
// branches disjoint.
TEST(JsonSchemaRegressions, OneOfDisjointnessIgnoresFormatAndPatternMisses) {
  EXPECT_TRUE(refusedOrError(
      R"({"oneOf": [{"const": "2022-01-01t00:00:00z"},
                    {"type": "string", "format": "date-time"}]})",
      R"("2022-01-01t00:00:00z")"));
  EXPECT_TRUE(refusedOrError(R"({"oneOf": [{"const": "a@localhost"},
                                           {"type": "string", "format": "email"}]})",
                             R"("a@localhost")"));
  EXPECT_TRUE(refusedOrError(R"({"oneOf": [{"const": "http://[::1]/"},
                                           {"type": "string", "format": "uri"}]})",
                             R"("http://[::1]/")"));
  // Python's '$' also matches before a final newline, its \s matches \x1c.
  EXPECT_TRUE(refusedOrError(R"({"oneOf": [{"const": "a\n"},
                                           {"type": "string", "pattern": "^a$"}]})",
                             R"("a\n")"));
  EXPECT_TRUE(refusedOrError(R"({"oneOf": [{"const": "\u001c"},
                                           {"type": "string", "pattern": "^\\s$"}]})",
                             R"("\u001c")"));
  // Proofs that do hold still work: lengths, types, enum values, and
  // "^literal$" patterns, which Python's re reads as we do.
  SchemaCase apart(R"({"oneOf": [{"const": "ab"},
                                 {"type": "string", "format": "date", "maxLength": 1}]})");
  EXPECT_TRUE(apart.accepts(R"("ab")"));
  SchemaCase literal(
      R"({"type": "object", "properties": {"kind": {"type": "string"}},
      "required": ["kind"],
      "oneOf": [{"properties": {"kind": {"pattern": "^$"}}},
                {"properties": {"kind": {"enum": ["a", "b"]}}}]})");
  EXPECT_TRUE(literal.accepts(R"({"kind": "a"})"));
  EXPECT_TRUE(literal.accepts(R"({"kind": ""})"));
  EXPECT_TRUE(literal.refuses(R"({"kind": "c"})"));
}

// patternProperties hold for a declared name Python's re finds a match
// in, where our pattern language (a subset) may not.
TEST(JsonSchemaRegressions, PatternPropertiesOfDeclaredNames) {
  EXPECT_TRUE(refusedOrError(R"({"type": "object", "properties": {"a\n": {}},
      "patternProperties": {"^a$": {"type": "integer"}}})",
                             R"({"a\n": "x"})"));
  EXPECT_TRUE(refusedOrError(R"({"enum": [{"a\n": "x"}],
      "patternProperties": {"^a$": {"type": "integer"}}})",
                             R"({"a\n": "x"})"));
  SchemaCase plain(R"({"type": "object", "properties": {"b": {}},
      "patternProperties": {"^a$": {"type": "integer"}}})");
  EXPECT_TRUE(plain.accepts(R"({"b": "x"})"));
}

// A negation is only a part of "fails S" where S says several things:
// what it leaves out may be valid under both oneOf branches.
TEST(JsonSchemaRegressions, InexactNegationsProveNothing) {
  EXPECT_TRUE(refusedOrError(R"({"oneOf": [
      {"type": "object", "not": {"required": ["a", "b"]}},
      {"type": "object", "required": ["a"]}]})",
                             R"({"a": 1})"));
  EXPECT_TRUE(refusedOrError(R"({"oneOf": [
      {"type": "integer", "not": {"minimum": 0, "maximum": 10}},
      {"type": "integer", "maximum": -5}]})",
                             "-7"));
  // A negation of such a negation is no negation of S: not-not is S.
  SchemaCase twice(R"({"not": {"not": {"anyOf": [{"maxLength": 2},
                                                 {"minLength": 4}],
                                       "type": "string"}}})");
  EXPECT_TRUE(twice.refuses(R"("abc")"));
  EXPECT_TRUE(twice.accepts(R"("abcd")"));
  SchemaCase members(
      R"({"not": {"not": {"properties": {"bar": {"type": "array"},
                                                        "foo": {"type": "array"}}}}})");
  EXPECT_TRUE(members.refuses(R"({"foo": "x"})"));
  EXPECT_TRUE(members.accepts(R"({"foo": []})"));
  // Exact negations still prove: one condition, negated.
  SchemaCase exact(R"({"oneOf": [{"type": "integer", "not": {"maximum": 10}},
                                 {"type": "integer", "maximum": 5}]})");
  EXPECT_TRUE(exact.accepts("11"));
  EXPECT_TRUE(exact.accepts("3"));
  EXPECT_TRUE(exact.refuses("7"));
}

// Keywords a draft does not have assert nothing there: `const` in draft 4,
// a lone exclusiveMinimum in draft 4, siblings of `$ref` in draft 7. The
// grammar may still hold them (refusing valid instances), but they prove
// no instance invalid under a oneOf branch or a `not`.
TEST(JsonSchemaRegressions, KeywordsADraftLacksProveNothing) {
  EXPECT_TRUE(refusedOrError(
      withDraft(kDraft4, R"("oneOf": [{"const": 1}, {"const": 2}]})"), "1"));
  EXPECT_TRUE(refusedOrError(
      withDraft(kDraft4,
                R"("oneOf": [{"enum": [8]}, {"exclusiveMinimum": 10}]})"),
      "8"));
  EXPECT_TRUE(refusedOrError(
      withDraft(kDraft4,
                R"("type": "integer", "not": {"exclusiveMinimum": 10}})"),
      "3"));
  EXPECT_TRUE(refusedOrError(withDraft(kDraft7, R"("definitions": {"a": {}},
      "oneOf": [{"$ref": "#/definitions/a", "type": "string"}, {"type": "integer"}]})"),
                             "1"));
  // Without the draft question the same proofs hold.
  SchemaCase latest(R"({"oneOf": [{"const": 1}, {"const": 2}]})");
  EXPECT_TRUE(latest.accepts("1"));
  EXPECT_TRUE(latest.accepts("2"));
}

// An unsupported keyword leaves out the enum values it constrains only.
TEST(JsonSchemaRegressions, EnumValuesBesideAnUnsupportedKeyword) {
  SchemaCase s(R"({"enum": ["a", 1.5], "multipleOf": 0.5})");
  EXPECT_TRUE(s.accepts(R"("a")"));
  EXPECT_TRUE(s.refuses("1.5")); // valid, but multipleOf is not checked
}

// Draft 3 and 4: 5.0 is a number but not an integer.
TEST(JsonSchemaRegressions, Draft4IntegersHaveNoFraction) {
  for (const char *draft : {kDraft4, kDraft3}) {
    SchemaCase s(withDraft(draft, R"("type": "integer"})"));
    EXPECT_TRUE(s.accepts("5"));
    EXPECT_TRUE(s.refuses("5.0"));
    EXPECT_TRUE(s.refuses("-0.0"));
    SchemaCase values(
        withDraft(draft, R"("type": "integer", "enum": [5, 7]})"));
    EXPECT_TRUE(values.accepts("5"));
    EXPECT_TRUE(values.refuses("5.0"));
    SchemaCase member(withDraft(
        draft,
        R"("enum": [{"a": 5}], "properties": {"a": {"type": "integer"}}})"));
    EXPECT_TRUE(member.accepts(R"({"a": 5})"));
    EXPECT_TRUE(member.refuses(R"({"a": 5.0})"));
    // multipleOf 1 holds for 5.0.
    SchemaCase whole(withDraft(draft, R"("type": "number", "multipleOf": 1})"));
    EXPECT_TRUE(whole.accepts("5"));
    EXPECT_TRUE(whole.accepts("5.0"));
    EXPECT_TRUE(whole.refuses("5.5"));
  }
  SchemaCase noFragment(
      R"({"$schema": "http://json-schema.org/draft-04/schema", "type": "integer"})");
  EXPECT_TRUE(noFragment.refuses("5.0"));
  // Not an integer there, so valid under `not`; 5 is an integer.
  EXPECT_TRUE(refusedOrError(
      withDraft(kDraft4, R"("enum": [5.0], "not": {"type": "integer"}})"),
      "5"));
  // A draft-4 subschema of a draft-7 document is read as draft 4.
  EXPECT_TRUE(refusedOrError(withDraft(kDraft7, R"("properties": {"a": {
          "$schema": "http://json-schema.org/draft-04/schema#",
          "type": "integer"}}})"),
                             R"({"a": 5.0})"));
  // Draft 6 and later keep 5.0 an integer.
  for (
      const char *schema :
      {R"({"type": "integer"})",
       R"({"$schema": "http://json-schema.org/draft-06/schema#", "type": "integer"})",
       R"({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "integer"})"}) {
    SchemaCase modern(schema);
    EXPECT_TRUE(modern.accepts("5"));
    EXPECT_TRUE(modern.accepts("5.0"));
  }
}

// Draft 3 / 4 make minimum exclusive when exclusiveMinimum beside it is
// truthy; later drafts compare with exclusiveMinimum itself, which Python
// reads as the number 1 (true) or 0 (false).
TEST(JsonSchemaRegressions, ExclusiveBoundsPerDraft) {
  SchemaCase flag(withDraft(kDraft4, R"("type": "integer", "minimum": 5,
                                        "exclusiveMinimum": true})"));
  EXPECT_TRUE(flag.refuses("5"));
  EXPECT_TRUE(flag.accepts("6"));
  SchemaCase upper(withDraft(kDraft3, R"("type": "integer", "maximum": 5,
                                         "exclusiveMaximum": true})"));
  EXPECT_TRUE(upper.refuses("5"));
  EXPECT_TRUE(upper.accepts("4"));
  SchemaCase off(withDraft(kDraft4, R"("type": "integer", "maximum": 5,
                                       "exclusiveMaximum": false})"));
  EXPECT_TRUE(off.accepts("5"));
  EXPECT_TRUE(
      refusedOrError(withDraft(kDraft4, R"("type": "integer", "minimum": 5,
                                                  "exclusiveMinimum": 3})"),
                     "5"));
  SchemaCase modern(
      R"({"type": "integer", "minimum": 5, "exclusiveMinimum": true})");
  EXPECT_TRUE(modern.accepts("5"));
  EXPECT_TRUE(modern.refuses("4"));
  EXPECT_TRUE(
      refusedOrError(R"({"type": "integer", "exclusiveMinimum": true})", "1"));
  EXPECT_TRUE(
      refusedOrError(R"({"type": "integer", "exclusiveMaximum": false})", "0"));
  SchemaCase positive(R"({"type": "integer", "exclusiveMinimum": true})");
  EXPECT_TRUE(positive.accepts("2"));
  // Both drafts in one document: a definition is read in the draft of the
  // schema that refers to it (Python's jsonschema), so both readings hold.
  std::string mixed = withDraft(kDraft7, R"(
      "properties": {"a": {"$ref": "#/definitions/n"},
                     "b": {"$schema": "http://json-schema.org/draft-04/schema#",
                           "properties": {"c": {"$ref": "#/definitions/n"}}}},
      "definitions": {"n": {"type": "integer", "minimum": 5,
                            "exclusiveMinimum": true}}})");
  EXPECT_TRUE(refusedOrError(mixed, R"({"b": {"c": 5}})"));
  EXPECT_TRUE(refusedOrError(mixed, R"({"a": 1})"));
  EXPECT_TRUE(refusedOrError(mixed, R"({"b": {"c": 5.0}})"));
}

// prefixItems is a keyword of 2020-12 only: before it, `items` holds for
// every item.
TEST(JsonSchemaRegressions, PrefixItemsBefore2020) {
  std::string schema = withDraft(kDraft7, R"("type": "array",
      "prefixItems": [{"type": "string"}], "items": {"type": "integer"}})");
  EXPECT_TRUE(refusedOrError(schema, R"(["a"])"));
  EXPECT_TRUE(refusedOrError(schema, R"(["a", 1])"));
  SchemaCase latest(R"({"type": "array", "prefixItems": [{"type": "string"}],
                        "items": {"type": "integer"}})");
  EXPECT_TRUE(latest.accepts(R"(["a", 1])"));
  EXPECT_TRUE(latest.refuses(R"([1, 1])"));
}

// Rules named after the root read "/", not "".
TEST(JsonSchemaRegressions, RootRulesHaveNames) {
  for (const char *schema :
       {R"({"type": "object", "properties": {"next": {"$ref": "#"}}})",
        R"({"type": "object", "additionalProperties": {"type": "string",
            "minLength": 3, "maxLength": 40}})"}) {
    auto source = jsonSchemaToGrammar(schema);
    ASSERT_TRUE(source.hasValue()) << schema;
    for (const auto &rule : source->rules) {
      EXPECT_FALSE(rule.name.empty()) << schema;
      EXPECT_NE(rule.name.front(), ' ') << schema << ": " << rule.name;
    }
  }
}

TEST(JsonSchemaRegressions, NonIntegerNumbersNameTheirSchema) {
  EXPECT_EQ(errorOf(R"({"properties": {"x": {"type": "number",
                        "not": {"type": "integer"}}}})"),
            "/properties/x: unsupported: numbers that must not be integers");
}

// maxDepth counts subschema levels.
TEST(JsonSchemaRegressions, MaxDepthIsTheSubschemaNesting) {
  JsonSchemaOptions options;
  options.maxDepth = 8;
  auto nested = [](int levels) {
    std::string schema = R"({"type": "integer"})";
    for (int i = 0; i < levels; ++i)
      schema = R"({"type": "object", "properties": {"a": )" + schema + "}}";
    return schema;
  };
  EXPECT_EQ(errorOf(nested(8), options), "compiled");
  std::string error = errorOf(nested(9), options);
  EXPECT_TRUE(error.ends_with(": subschemas nest deeper than 8")) << error;
  EXPECT_EQ(errorOf(nested(64)), "compiled");
  error = errorOf(nested(65));
  EXPECT_TRUE(error.ends_with(": subschemas nest deeper than 64")) << error;
}

} // namespace

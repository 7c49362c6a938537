//===- JsonSchemaErrorTest.cpp - Exact messages for schemas refused -------===//
//
// Every message is "<JSON pointer>: <what>", the pointer naming the keyword
// (or the schema) to blame, "/" for the whole document.
//
//===----------------------------------------------------------------------===//
#include "JsonSchemaTestSupport.h"

#include <gtest/gtest.h>

using sgl::runtime::constraints::testing::errorOf;

namespace {

TEST(JsonSchemaErrors, NotASchema) {
  EXPECT_EQ(errorOf(R"({"type": )"),
            "/: schema is not valid JSON: parse error at line 1, column 10: "
            "syntax error while parsing value - unexpected end of input; "
            "expected '[', '{', or a literal");
  EXPECT_EQ(errorOf("[1]"), "/: a schema must be an object or a boolean, not "
                            "array");
  EXPECT_EQ(errorOf(R"({"properties": {"a": 5}})"),
            "/properties/a: a schema must be an object or a boolean, not "
            "number");
  EXPECT_EQ(errorOf(R"({"type": "text"})"), "/type: unknown type '\"text\"'");
  EXPECT_EQ(errorOf(R"({"minLength": -1})"),
            "/minLength: minLength must be a non-negative integer");
}

TEST(JsonSchemaErrors, UnsupportedKeywordsNameTheirPointer) {
  EXPECT_EQ(errorOf(R"({"properties": {"tags": {"type": "array",
                        "uniqueItems": true}}})"),
            "/properties/tags/uniqueItems: unsupported keyword 'uniqueItems'");
  EXPECT_EQ(errorOf(R"({"if": {"type": "string"}, "then": {"minLength": 1}})"),
            "/if: unsupported keyword 'if'");
  EXPECT_EQ(errorOf(R"({"type": "object", "propertyNames": {"maxLength": 3}})"),
            "/propertyNames: unsupported keyword 'propertyNames'");
  EXPECT_EQ(errorOf(R"({"type": "object", "minProperties": 2})"),
            "/minProperties: unsupported: minProperties / maxProperties "
            "beyond what the required members imply (only 'at least one' "
            "and 'at most one' are expressible)");
  EXPECT_EQ(errorOf(R"({"type": "number", "multipleOf": 0.5})"),
            "/multipleOf: unsupported keyword 'multipleOf' (only multipleOf 1 "
            "is expressible)");
  EXPECT_EQ(errorOf(R"({"$dynamicRef": "#x"})"),
            "/$dynamicRef: unsupported keyword '$dynamicRef'");
}

TEST(JsonSchemaErrors, KeywordsOfExcludedTypesAreNoError) {
  EXPECT_EQ(errorOf(R"({"type": "string", "uniqueItems": true,
                        "multipleOf": 3, "maxProperties": 2})"),
            "compiled");
}

TEST(JsonSchemaErrors, Formats) {
  EXPECT_EQ(errorOf(R"({"type": "string", "format": "hostname"})"),
            "/format: unsupported format 'hostname'");
  EXPECT_EQ(errorOf(R"({"format": "int32"})"),
            "/format: unsupported format 'int32'");
}

TEST(JsonSchemaErrors, Patterns) {
  EXPECT_EQ(errorOf(R"j({"type": "string", "pattern": "a(?=b)"})j"),
            "/pattern: pattern 'a(?=b)': offset 1: unsupported lookahead "
            "'(?='");
  // Offsets are into the schema's pattern, not a rewritten one.
  EXPECT_EQ(errorOf(R"j({"type": "string", "pattern": "..(?<=b)"})j"),
            "/pattern: pattern '..(?<=b)': offset 2: unsupported lookbehind "
            "'(?<='");
  EXPECT_EQ(errorOf(R"j({"type": "string", "pattern": "(^a)"})j"),
            "/pattern: pattern '(^a)': offset 1: unsupported anchor '^' "
            "(patterns always match the whole text; '^' may only come first)");
  EXPECT_EQ(errorOf(R"({"type": "string", "pattern": "^[a-z]+$",
                        "minLength": 2, "maxLength": 5})"),
            "compiled");
  // A bound that no repetition carries: the pattern's language intersected
  // with the lengths (JsonSchemaKeywords.PatternsFormatsAndLengthsIntersect).
  EXPECT_EQ(errorOf(R"({"type": "string", "pattern": "a|b+c",
                        "maxLength": 5})"),
            "compiled");
  // An intersection too large is an error at the schema's pointer.
  EXPECT_EQ(errorOf(R"({"type": "string", "pattern": "^x*(a|b)*a(a|b){14}$",
                        "maxLength": 40})"),
            "/: rule 'root': 0: a part of an intersection exceeds 10000 "
            "states");
}

TEST(JsonSchemaErrors, Refs) {
  EXPECT_EQ(errorOf(R"({"$ref": "other.json#/a"})"),
            "/$ref: unsupported remote $ref 'other.json#/a' (only references "
            "into this schema resolve)");
  EXPECT_EQ(errorOf(R"({"$ref": "#/$defs/missing"})"),
            "/$ref: $ref '#/$defs/missing' names nothing in the schema");
  EXPECT_EQ(errorOf(R"({"$ref": "#"})"),
            "/: schema refers to itself through $ref / allOf / anyOf / oneOf "
            "/ not without an enclosing array or object (left recursion)");
  EXPECT_EQ(errorOf(R"({"anyOf": [{"$ref": "#"}, {"type": "null"}]})"),
            "/: schema refers to itself through $ref / allOf / anyOf / oneOf "
            "/ not without an enclosing array or object (left recursion)");
  EXPECT_EQ(errorOf(R"({"$id": "https://x.test/s.json",
                        "$defs": {"a": {"type": "integer"}},
                        "$ref": "https://x.test/s.json#/$defs/a"})"),
            "compiled");
}

TEST(JsonSchemaErrors, OneOfThatCannotBeMadeExclusive) {
  EXPECT_EQ(errorOf(R"({"type": "string", "oneOf": [{"pattern": "a"},
                                                    {"pattern": "b"}]})"),
            "/oneOf/1: unsupported: the negation (not / oneOf) of a pattern "
            "or format");
}

TEST(JsonSchemaErrors, Unsatisfiable) {
  EXPECT_EQ(errorOf("false"), "/: no JSON value is valid under this schema");
  EXPECT_EQ(errorOf(R"({"type": "integer", "minimum": 5, "maximum": 4})"),
            "/: no JSON value is valid under this schema");
  EXPECT_EQ(errorOf(R"({"type": "object", "required": ["a"],
                        "additionalProperties": false})"),
            "/: no JSON value is valid under this schema");
}

} // namespace

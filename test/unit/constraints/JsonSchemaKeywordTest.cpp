//===- JsonSchemaKeywordTest.cpp - What each schema keyword accepts -------===//
//
// Instances are spelled as json.dumps(data, ensure_ascii=False) writes
// them; the grammar accepts exactly the valid ones among those (and refuses
// other spellings where it says so).
//
//===----------------------------------------------------------------------===//
#include "JsonSchemaTestSupport.h"

#include <gtest/gtest.h>

using sgl::runtime::constraints::Constraint;
using sgl::runtime::constraints::Grammar;
using sgl::runtime::constraints::JsonSchemaOptions;
using sgl::runtime::constraints::testing::compiled;
using sgl::runtime::constraints::testing::SchemaCase;

namespace {

TEST(JsonSchemaKeywords, Types) {
  SchemaCase null(R"({"type": "null"})");
  EXPECT_TRUE(null.accepts("null"));
  EXPECT_TRUE(null.refuses("0"));
  SchemaCase boolean(R"({"type": "boolean"})");
  EXPECT_TRUE(boolean.accepts("true"));
  EXPECT_TRUE(boolean.accepts("false"));
  EXPECT_TRUE(boolean.refuses("1"));
  SchemaCase several(R"({"type": ["string", "null"]})");
  EXPECT_TRUE(several.accepts("null"));
  EXPECT_TRUE(several.accepts(R"("x")"));
  EXPECT_TRUE(several.refuses("1"));
  SchemaCase any(R"({})");
  EXPECT_TRUE(any.accepts(R"({"a": [1, "b", null, {"c": 2.5}]})"));
  EXPECT_TRUE(any.accepts("-1.5e+300"));
  EXPECT_TRUE(any.refuses("{\"a\": 1,}"));
}

TEST(JsonSchemaKeywords, StringLengthCountsCodePoints) {
  SchemaCase s(R"({"type": "string", "minLength": 2, "maxLength": 3})");
  EXPECT_TRUE(s.refuses(R"("a")"));
  EXPECT_TRUE(s.accepts(R"("ab")"));
  EXPECT_TRUE(s.accepts("\"\xc3\xa9\xc3\xa9\xc3\xa9\"")); // three é
  EXPECT_TRUE(s.refuses(R"("abcd")"));
  // An escape is one character.
  EXPECT_TRUE(s.accepts(R"("a\n")"));
  EXPECT_TRUE(s.accepts(R"("\"\\\t")"));
  EXPECT_TRUE(s.refuses(R"("\"\\\t\n")"));
}

TEST(JsonSchemaKeywords, PatternsFormatsAndLengthsIntersect) {
  // No one repetition carries the bound: the languages are intersected.
  SchemaCase bounded(
      R"({"type": "string", "pattern": "a|b+c", "maxLength": 5})");
  EXPECT_TRUE(bounded.accepts(R"("xa")"));
  EXPECT_TRUE(bounded.accepts(R"("bbbbc")"));
  EXPECT_TRUE(bounded.refuses(R"("bbbbbc")"));
  EXPECT_TRUE(bounded.refuses(R"("xxxxxa")"));
  EXPECT_TRUE(bounded.refuses(R"("xxxx")"));
  SchemaCase both(R"({"type": "string", "format": "uuid", "pattern": "^0"})");
  EXPECT_TRUE(both.accepts(R"("0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e")"));
  EXPECT_TRUE(both.refuses(R"("1b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e")"));
  EXPECT_TRUE(both.refuses(R"("0xyz")"));
  SchemaCase twoPatterns(R"({"allOf": [{"type": "string", "pattern": "a"},
                                       {"pattern": "b"}], "minLength": 3})");
  EXPECT_TRUE(twoPatterns.accepts(R"("xab")"));
  EXPECT_TRUE(twoPatterns.accepts(R"("b\na")"));
  EXPECT_TRUE(twoPatterns.refuses(R"("ab")"));
  EXPECT_TRUE(twoPatterns.refuses(R"("aaa")"));
}

TEST(JsonSchemaKeywords, StringsHaveOneSpellingPerCharacter) {
  SchemaCase s(R"({"type": "string"})");
  EXPECT_TRUE(s.accepts(R"("caf)"
                        "\xc3\xa9"
                        R"(")"));
  EXPECT_TRUE(s.accepts(R"("\u0000\u001f\b\f\n\r\t")"));
  EXPECT_TRUE(s.refuses(R"("\u0041")")); // json.dumps writes A
  EXPECT_TRUE(s.refuses(R"("\/")"));     // and / as it is
  EXPECT_TRUE(s.refuses(R"("\u000A")")); // \n, never upper-case hex
  EXPECT_TRUE(s.refuses("\"a\nb\""));    // a raw control character
  EXPECT_TRUE(s.refuses("\"\xff\""));    // not UTF-8
}

TEST(JsonSchemaKeywords, LongStringsCountInBlocks) {
  SchemaCase s(R"({"type": "string", "minLength": 100, "maxLength": 1000})");
  EXPECT_TRUE(s.refuses("\"" + std::string(99, 'x') + "\""));
  EXPECT_TRUE(s.accepts("\"" + std::string(100, 'x') + "\""));
  EXPECT_TRUE(s.accepts("\"" + std::string(777, 'x') + "\""));
  EXPECT_TRUE(s.accepts("\"" + std::string(1000, 'x') + "\""));
  EXPECT_TRUE(s.refuses("\"" + std::string(1001, 'x') + "\""));
}

TEST(JsonSchemaKeywords, PatternIsSearchedNotAnchored) {
  SchemaCase s(R"({"type": "string", "pattern": "abc"})");
  EXPECT_TRUE(s.accepts(R"("xxabcxx")"));
  EXPECT_TRUE(s.refuses(R"("ab")"));
  SchemaCase anchored(R"({"type": "string", "pattern": "^a|b$"})");
  EXPECT_TRUE(anchored.accepts(R"("axx")"));
  EXPECT_TRUE(anchored.accepts(R"("xxb")"));
  EXPECT_TRUE(anchored.refuses(R"("xax")"));
  SchemaCase whole(R"({"type": "string", "pattern": "^[0-9]{3}$"})");
  EXPECT_TRUE(whole.accepts(R"("123")"));
  EXPECT_TRUE(whole.refuses(R"("1234")"));
}

TEST(JsonSchemaKeywords, PatternMatchesDecodedCharacters) {
  // The pattern sees '"' and a newline, the grammar their escapes.
  SchemaCase s(R"({"type": "string", "pattern": "^a\"\\n$"})");
  EXPECT_TRUE(s.accepts(R"("a\"\n")"));
  SchemaCase dot(R"({"type": "string", "pattern": "^.$"})");
  EXPECT_TRUE(dot.accepts(R"("x")"));
  EXPECT_TRUE(dot.refuses(R"("\n")"));
  EXPECT_TRUE(dot.refuses(R"("\r")")); // ECMA-262: no line terminators
  EXPECT_TRUE(dot.refuses("\"\xe2\x80\xa8\""));
  SchemaCase notSpace(R"({"type": "string", "pattern": "^\\S$"})");
  EXPECT_TRUE(notSpace.accepts(R"("x")"));
  EXPECT_TRUE(notSpace.refuses("\"\xc2\xa0\""));     // U+00A0
  EXPECT_TRUE(notSpace.refuses("\"\xef\xbb\xbf\"")); // U+FEFF (ECMA space)
  EXPECT_TRUE(notSpace.refuses(R"("\u001c")"));      // (Python space)
}

TEST(JsonSchemaKeywords, EnumAndConstInCanonicalSpelling) {
  SchemaCase e(R"({"enum": ["a", 1, null, [1, "x"], {"k": true}]})");
  EXPECT_TRUE(e.accepts(R"("a")"));
  EXPECT_TRUE(e.accepts("1"));
  EXPECT_TRUE(e.accepts("null"));
  EXPECT_TRUE(e.accepts(R"([1, "x"])"));
  EXPECT_TRUE(e.accepts(R"({"k": true})"));
  EXPECT_TRUE(e.refuses(R"("b")"));
  EXPECT_TRUE(e.refuses("2"));
  EXPECT_TRUE(e.refuses(R"({"k": false})"));
  SchemaCase c(R"({"const": "tab\there"})");
  EXPECT_TRUE(c.accepts(R"("tab\there")"));
  EXPECT_TRUE(c.refuses(R"("tab\u0009here")"));
  SchemaCase typed(R"({"type": "string", "enum": ["a", 1, "bb"],
                       "maxLength": 1})");
  EXPECT_TRUE(typed.accepts(R"("a")"));
  EXPECT_TRUE(typed.refuses("1"));
  EXPECT_TRUE(typed.refuses(R"("bb")"));
}

TEST(JsonSchemaKeywords, IntegerBoundsAreExact) {
  SchemaCase s(R"({"type": "integer", "minimum": -12, "maximum": 305})");
  for (int v : {-12, -9, -1, 0, 7, 10, 99, 100, 299, 305})
    EXPECT_TRUE(s.accepts(std::to_string(v)));
  for (int v : {-13, -100, 306, 400, 1000})
    EXPECT_TRUE(s.refuses(std::to_string(v)));
  EXPECT_TRUE(s.refuses("007"));
  EXPECT_TRUE(s.refuses("-0"));
  SchemaCase exclusive(
      R"({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10})");
  EXPECT_TRUE(exclusive.refuses("0"));
  EXPECT_TRUE(exclusive.accepts("1"));
  EXPECT_TRUE(exclusive.accepts("9"));
  EXPECT_TRUE(exclusive.refuses("10"));
  SchemaCase draft4(R"({"$schema": "http://json-schema.org/draft-04/schema#",
                        "type": "integer", "minimum": 5,
                        "exclusiveMinimum": true})");
  EXPECT_TRUE(draft4.refuses("5"));
  EXPECT_TRUE(draft4.accepts("6"));
  SchemaCase fractional(R"({"type": "integer", "minimum": 1.5,
                            "maximum": 3.5})");
  EXPECT_TRUE(fractional.refuses("1"));
  EXPECT_TRUE(fractional.accepts("2"));
  EXPECT_TRUE(fractional.accepts("3"));
  EXPECT_TRUE(fractional.refuses("4"));
}

TEST(JsonSchemaKeywords, UnboundedIntegersStayWithinInt64) {
  SchemaCase s(R"({"type": "integer"})");
  EXPECT_TRUE(s.accepts("9223372036854775807"));
  EXPECT_TRUE(s.accepts("-9223372036854775808"));
  EXPECT_TRUE(s.refuses("9223372036854775808"));
  EXPECT_TRUE(s.refuses("-9223372036854775809"));
  EXPECT_TRUE(s.refuses("1.5"));
}

TEST(JsonSchemaKeywords, NumberBounds) {
  SchemaCase s(R"({"type": "number", "minimum": 0, "maximum": 1})");
  for (const char *v :
       {"0", "1", "0.0", "0.5", "1.0", "0.999", "1e-05", "0.0001", "-0.0"})
    EXPECT_TRUE(s.accepts(v)) << v;
  for (const char *v : {"-1", "2", "1.01", "-0.5", "1e+16", "-1e-05"})
    EXPECT_TRUE(s.refuses(v)) << v;
  SchemaCase decimals(R"({"type": "number", "exclusiveMinimum": 0.25,
                          "maximum": 12.5})");
  for (const char *v : {"0.26", "0.2500001", "1", "12", "12.5", "12.49"})
    EXPECT_TRUE(decimals.accepts(v)) << v;
  for (const char *v : {"0.25", "0.2", "0", "12.51", "13", "-1"})
    EXPECT_TRUE(decimals.refuses(v)) << v;
  SchemaCase above(R"({"type": "number", "minimum": -5})");
  EXPECT_TRUE(above.accepts("1e+16"));
  EXPECT_TRUE(above.accepts("123456789.5"));
  EXPECT_TRUE(above.refuses("-6"));
  EXPECT_TRUE(above.refuses("-1e+16"));
  SchemaCase whole(R"({"type": "number", "multipleOf": 1})");
  EXPECT_TRUE(whole.accepts("12"));
  EXPECT_TRUE(whole.refuses("1.5"));
}

TEST(JsonSchemaKeywords, Arrays) {
  SchemaCase s(R"({"type": "array", "items": {"type": "integer"},
                   "minItems": 1, "maxItems": 3})");
  EXPECT_TRUE(s.refuses("[]"));
  EXPECT_TRUE(s.accepts("[1]"));
  EXPECT_TRUE(s.accepts("[1, 2, 3]"));
  EXPECT_TRUE(s.refuses("[1, 2, 3, 4]"));
  EXPECT_TRUE(s.refuses(R"([1, "2"])"));
  SchemaCase tuple(R"({"prefixItems": [{"type": "string"},
                       {"type": "boolean"}], "items": false})");
  EXPECT_TRUE(tuple.accepts("[]"));
  EXPECT_TRUE(tuple.accepts(R"(["a"])"));
  EXPECT_TRUE(tuple.accepts(R"(["a", true])"));
  EXPECT_TRUE(tuple.refuses(R"(["a", true, 1])"));
  EXPECT_TRUE(tuple.refuses("[true]"));
  SchemaCase draft4(R"({"items": [{"type": "null"}],
                        "additionalItems": {"type": "integer"}})");
  EXPECT_TRUE(draft4.accepts("[null, 1, 2]"));
  EXPECT_TRUE(draft4.refuses("[null, null]"));
  SchemaCase many(R"({"type": "array", "items": {"const": 0},
                      "minItems": 70, "maxItems": 200})");
  auto zeros = [](int n) {
    std::string text = "[";
    for (int i = 0; i < n; ++i)
      text += i ? ", 0" : "0";
    return text + "]";
  };
  EXPECT_TRUE(many.refuses(zeros(69)));
  EXPECT_TRUE(many.accepts(zeros(70)));
  EXPECT_TRUE(many.accepts(zeros(133)));
  EXPECT_TRUE(many.accepts(zeros(200)));
  EXPECT_TRUE(many.refuses(zeros(201)));
}

TEST(JsonSchemaKeywords, ObjectsInSchemaOrder) {
  SchemaCase s(R"({"type": "object", "properties": {
                     "a": {"type": "integer"}, "b": {"type": "string"},
                     "c": {"type": "boolean"}},
                   "required": ["b"], "additionalProperties": false})");
  EXPECT_TRUE(s.accepts(R"({"b": "x"})"));
  EXPECT_TRUE(s.accepts(R"({"a": 1, "b": "x", "c": true})"));
  EXPECT_TRUE(s.accepts(R"({"b": "x", "c": true})"));
  EXPECT_TRUE(s.refuses(R"({"a": 1})"));           // b is required
  EXPECT_TRUE(s.refuses(R"({"b": "x", "d": 1})")); // no extra keys
  EXPECT_TRUE(s.refuses(R"({"b": "x", "a": 1})")); // schema order only
  EXPECT_TRUE(s.refuses(R"({"b": 1})"));
  EXPECT_TRUE(s.refuses("{}"));
}

TEST(JsonSchemaKeywords, ExtraKeysComeLastAndAreNeverDeclaredNames) {
  SchemaCase s(R"({"properties": {"a": {"type": "integer"}},
                   "additionalProperties": {"type": "string"}})");
  EXPECT_TRUE(s.accepts("{}"));
  EXPECT_TRUE(s.accepts(R"({"a": 1, "x": "y", "ab": "z"})"));
  EXPECT_TRUE(s.accepts(R"({"x": "y"})"));
  EXPECT_TRUE(s.refuses(R"({"x": 1})"));
  // "a" cannot come back as an extra key with a string value.
  EXPECT_TRUE(s.refuses(R"({"a": "s"})"));
  EXPECT_TRUE(s.refuses(R"({"x": "y", "a": "s"})"));
  // Every extra key but the declared names, which share prefixes: those
  // the names' trie ends inside, runs past, leaves by another edge
  // character (in the span a..c of all edge characters) or by one outside
  // it (z, _, 0, an escape, non-ASCII).
  SchemaCase names(R"({"properties": {"ab": {"type": "integer"},
                       "abc": {"type": "integer"}, "b": {"type": "integer"}},
                       "additionalProperties": {"type": "string"}})");
  // Keys as JSON spells them: escapes for a backslash, a newline and a
  // quote; é raw, as json.dumps(ensure_ascii=False) writes it.
  for (const char *key :
       {"", "a", "abcd", "ac", "aab", "ba", "bb", "c", "az", "a_", "b0", "bz",
        R"(a\\)", R"(a\n)", "\u00e9", "ab\u00e9", R"(\"b\")", R"(b\")"}) {
    std::string instance = std::string(R"({")") + key + R"(": "v"})";
    EXPECT_TRUE(names.accepts(instance)) << instance;
  }
  for (const char *key : {"ab", "abc", "b"}) {
    std::string instance = std::string(R"({")") + key + R"(": "v"})";
    EXPECT_TRUE(names.refuses(instance)) << instance;
  }
  SchemaCase open(R"({"properties": {"a": {"type": "integer"}}})");
  EXPECT_TRUE(open.accepts(R"({"a": 1, "b": [null, {"c": "d"}]})"));
  EXPECT_TRUE(open.refuses(R"({"a": "x"})"));
}

TEST(JsonSchemaKeywords, PatternPropertiesForExtraKeys) {
  SchemaCase s(R"({"patternProperties": {"^x-": {"type": "integer"}},
                   "additionalProperties": false})");
  EXPECT_TRUE(s.accepts(R"({"x-a": 1, "x-b": 2})"));
  EXPECT_TRUE(s.refuses(R"({"x-a": "1"})"));
  EXPECT_TRUE(s.refuses(R"({"y": 1})"));
  // A declared name that a pattern matches must satisfy both schemas.
  SchemaCase both(R"({"properties": {"x-n": {"minimum": 5}},
                      "patternProperties": {"^x-": {"type": "integer"}}})");
  EXPECT_TRUE(both.accepts(R"({"x-n": 6})"));
  EXPECT_TRUE(both.refuses(R"({"x-n": 6.5})"));
  EXPECT_TRUE(both.refuses(R"({"x-n": 4})"));
}

TEST(JsonSchemaKeywords, Combinators) {
  SchemaCase any(R"({"anyOf": [{"type": "string", "maxLength": 1},
                               {"type": "integer"}]})");
  EXPECT_TRUE(any.accepts(R"("a")"));
  EXPECT_TRUE(any.accepts("5"));
  EXPECT_TRUE(any.refuses(R"("ab")"));
  SchemaCase all(R"({"allOf": [{"type": "integer"}, {"minimum": 3},
                               {"maximum": 4}]})");
  EXPECT_TRUE(all.refuses("2"));
  EXPECT_TRUE(all.accepts("3"));
  EXPECT_TRUE(all.refuses("5"));
  SchemaCase merged(R"({"type": "object", "required": ["kind"],
      "properties": {"kind": {"type": "string"}},
      "anyOf": [{"properties": {"kind": {"const": "a"}, "x": {"type": "integer"}}},
                {"properties": {"kind": {"const": "b"}}}]})");
  EXPECT_TRUE(merged.accepts(R"({"kind": "a", "x": 1})"));
  EXPECT_TRUE(merged.accepts(R"({"kind": "b", "x": "free"})"));
  EXPECT_TRUE(merged.refuses(R"({"kind": "a", "x": "one"})"));
  EXPECT_TRUE(merged.refuses(R"({"kind": "c"})"));
}

TEST(JsonSchemaKeywords, OneOfOfDisjointBranches) {
  SchemaCase s(R"({"oneOf": [{"type": "string"}, {"type": "integer"},
      {"type": "object", "properties": {"t": {"const": 1}}, "required": ["t"]},
      {"type": "object", "properties": {"t": {"const": 2}}, "required": ["t"]}]})");
  EXPECT_TRUE(s.accepts(R"("x")"));
  EXPECT_TRUE(s.accepts("3"));
  EXPECT_TRUE(s.accepts(R"({"t": 1})"));
  EXPECT_TRUE(s.accepts(R"({"t": 2})"));
  EXPECT_TRUE(s.refuses(R"({"t": 3})"));
  EXPECT_TRUE(s.refuses("null"));
}

TEST(JsonSchemaKeywords, OneOfOfOverlappingBranchesRefusesBoth) {
  // An object with both names is valid under both branches: invalid.
  SchemaCase s(R"({"type": "object", "oneOf": [{"required": ["a"]},
                                              {"required": ["b"]}]})");
  EXPECT_TRUE(s.accepts(R"({"a": 1})"));
  EXPECT_TRUE(s.accepts(R"({"b": 1})"));
  EXPECT_TRUE(s.refuses(R"({"a": 1, "b": 2})"));
  EXPECT_TRUE(s.refuses("{}"));
  SchemaCase bounds(R"({"type": "integer", "oneOf": [{"maximum": 2},
                                                     {"maximum": 5}]})");
  EXPECT_TRUE(bounds.refuses("1")); // under both
  EXPECT_TRUE(bounds.accepts("3"));
  EXPECT_TRUE(bounds.refuses("6"));
}

TEST(JsonSchemaKeywords, Not) {
  SchemaCase type(R"({"not": {"type": ["string", "null"]}})");
  EXPECT_TRUE(type.accepts("1"));
  EXPECT_TRUE(type.refuses(R"("a")"));
  EXPECT_TRUE(type.refuses("null"));
  SchemaCase values(R"({"type": "string", "not": {"enum": ["a", "b"]}})");
  EXPECT_TRUE(values.accepts(R"("c")"));
  EXPECT_TRUE(values.accepts(R"("ab")"));
  EXPECT_TRUE(values.refuses(R"("a")"));
  SchemaCase length(R"({"not": {"maxLength": 2}})");
  EXPECT_TRUE(length.accepts(R"("abc")"));
  EXPECT_TRUE(length.refuses(R"("ab")"));
  // {"maxLength": 2} holds for every non-string, so its negation does not.
  EXPECT_TRUE(length.refuses("1"));
  SchemaCase required(R"({"type": "object", "not": {"required": ["x"]}})");
  EXPECT_TRUE(required.accepts(R"({"y": 1})"));
  EXPECT_TRUE(required.refuses(R"({"x": 1})"));
}

TEST(JsonSchemaKeywords, NotOfMembersAndOfNot) {
  // Valid: "bar" there and not a string (or a non-object).
  SchemaCase member(R"({"type": "object",
      "not": {"properties": {"bar": {"type": "string"}}}})");
  EXPECT_TRUE(member.accepts(R"({"bar": 1})"));
  EXPECT_TRUE(member.refuses(R"({"bar": "x"})"));
  EXPECT_TRUE(member.refuses("{}"));
  SchemaCase twice(R"({"not": {"not": {"enum": [1, "a"]}}})");
  EXPECT_TRUE(twice.accepts("1"));
  EXPECT_TRUE(twice.accepts(R"("a")"));
  EXPECT_TRUE(twice.refuses("2"));
}

TEST(JsonSchemaKeywords, PropertyCounts) {
  SchemaCase some(R"({"type": "object", "minProperties": 1})");
  EXPECT_TRUE(some.refuses("{}"));
  EXPECT_TRUE(some.accepts(R"({"a": 1})"));
  EXPECT_TRUE(some.accepts(R"({"a": 1, "b": 2})"));
  SchemaCase one(R"({"type": "object", "minProperties": 1, "maxProperties": 1,
                     "additionalProperties": {"type": "boolean"}})");
  EXPECT_TRUE(one.refuses("{}"));
  EXPECT_TRUE(one.accepts(R"({"a": true})"));
  EXPECT_TRUE(one.refuses(R"({"a": true, "b": false})"));
  SchemaCase declared(R"({"properties": {"a": {}, "b": {}},
                          "additionalProperties": false, "maxProperties": 2})");
  EXPECT_TRUE(declared.accepts(R"({"a": 1, "b": 2})"));
}

TEST(JsonSchemaKeywords, RefsAndRecursion) {
  SchemaCase s(R"({"$defs": {"node": {"type": "object",
      "properties": {"v": {"type": "integer"},
                     "next": {"anyOf": [{"$ref": "#/$defs/node"},
                                        {"type": "null"}]}},
      "required": ["v", "next"], "additionalProperties": false}},
      "$ref": "#/$defs/node"})");
  EXPECT_TRUE(s.accepts(R"({"v": 1, "next": null})"));
  EXPECT_TRUE(s.accepts(
      R"({"v": 1, "next": {"v": 2, "next": {"v": 3, "next": null}}})"));
  EXPECT_TRUE(s.refuses(R"({"v": 1, "next": {"v": "2", "next": null}})"));
  SchemaCase tree(R"({"type": "array", "items": {"$ref": "#"}})");
  EXPECT_TRUE(tree.accepts("[[], [[]], [[], [[[]]]]]"));
  EXPECT_TRUE(tree.refuses("[[], 1]"));
  SchemaCase old(R"({"definitions": {"a": {"type": "integer"}},
                     "properties": {"x": {"$ref": "#/definitions/a"}}})");
  EXPECT_TRUE(old.accepts(R"({"x": 1})"));
  EXPECT_TRUE(old.refuses(R"({"x": "1"})"));
  // Below a nested $id, "#/..." is relative to that schema.
  SchemaCase nested(R"({"$defs": {"n": {"const": "root"}},
      "properties": {"p": {"$id": "http://x.test/p.json",
                           "$defs": {"n": {"const": "inner"}},
                           "$ref": "#/$defs/n"}}})");
  EXPECT_TRUE(nested.accepts(R"({"p": "inner"})"));
  EXPECT_TRUE(nested.refuses(R"({"p": "root"})"));
  SchemaCase escaped(R"({"$defs": {"a/b": {"const": 1}, "c~d": {"const": 2}},
      "anyOf": [{"$ref": "#/$defs/a~1b"}, {"$ref": "#/$defs/c~0d"}]})");
  EXPECT_TRUE(escaped.accepts("1"));
  EXPECT_TRUE(escaped.accepts("2"));
  EXPECT_TRUE(escaped.refuses("3"));
}

TEST(JsonSchemaKeywords, Formats) {
  SchemaCase date(R"({"type": "string", "format": "date"})");
  EXPECT_TRUE(date.accepts(R"("2024-02-29")"));
  EXPECT_TRUE(date.accepts(R"("2000-02-29")"));
  EXPECT_TRUE(date.refuses(R"("1900-02-29")"));
  EXPECT_TRUE(date.refuses(R"("2023-02-29")"));
  EXPECT_TRUE(date.refuses(R"("2023-04-31")"));
  EXPECT_TRUE(date.accepts(R"("2023-12-31")"));
  EXPECT_TRUE(date.refuses(R"("2023-13-01")"));
  EXPECT_TRUE(date.refuses(R"("0000-01-01")"));
  SchemaCase dateTime(R"({"type": "string", "format": "date-time"})");
  EXPECT_TRUE(dateTime.accepts(R"("2022-01-01T12:00:00Z")"));
  EXPECT_TRUE(dateTime.accepts(R"("2022-01-01T23:59:59.123+05:30")"));
  EXPECT_TRUE(dateTime.refuses(R"("2022-01-01T24:00:00Z")"));
  EXPECT_TRUE(dateTime.refuses(R"("2022-01-01 12:00:00Z")"));
  EXPECT_TRUE(dateTime.refuses(R"("2022-01-01T12:00:00")"));
  SchemaCase time(R"({"type": "string", "format": "time"})");
  EXPECT_TRUE(time.accepts(R"("08:30:06Z")"));
  EXPECT_TRUE(time.refuses(R"("08:30:60Z")"));
  SchemaCase email(R"({"type": "string", "format": "email"})");
  EXPECT_TRUE(email.accepts(R"("john.doe+x@example.co.uk")"));
  EXPECT_TRUE(email.refuses(R"("john..doe@example.com")"));
  EXPECT_TRUE(email.refuses(R"("john@localhost")"));
  EXPECT_TRUE(email.refuses(R"("@example.com")"));
  SchemaCase uuid(R"({"type": "string", "format": "uuid"})");
  EXPECT_TRUE(uuid.accepts(R"("123e4567-e89b-12d3-a456-426614174000")"));
  EXPECT_TRUE(uuid.refuses(R"("123e4567e89b12d3a456426614174000")"));
  SchemaCase uri(R"({"type": "string", "format": "uri"})");
  EXPECT_TRUE(uri.accepts(R"("https://example.com/a/b?c=d#e")"));
  EXPECT_TRUE(uri.accepts(R"("mailto:john@example.com")"));
  EXPECT_TRUE(uri.refuses(R"("/relative/path")"));
  EXPECT_TRUE(uri.refuses(R"("http://exa mple.com")"));
  EXPECT_TRUE(uri.refuses(R"("http://example.com/%zz")"));
  SchemaCase ip(R"({"type": "string", "format": "ipv4"})");
  EXPECT_TRUE(ip.accepts(R"("192.168.0.255")"));
  EXPECT_TRUE(ip.refuses(R"("192.168.0.256")"));
  EXPECT_TRUE(ip.refuses(R"("01.2.3.4")"));
}

TEST(JsonSchemaKeywords, FormatsConstrainStringsOnly) {
  // An unknown format is an error only where a string may occur.
  SchemaCase s(R"({"type": "integer", "format": "int32"})");
  EXPECT_TRUE(s.accepts("5"));
}

TEST(JsonSchemaKeywords, WhitespaceIsBoundedPerGap) {
  SchemaCase s(R"({"type": "object", "properties": {"a": {"type": "array"}}})");
  EXPECT_TRUE(s.accepts(R"({"a": [1, 2]})"));
  EXPECT_TRUE(s.accepts("{\n  \"a\" :\t[ 1 ,2 ]\n}"));
  auto spaced = [](size_t spaces) {
    std::string text(spaces + 2, ' ');
    text.front() = '{';
    text.back() = '}';
    return text;
  };
  EXPECT_TRUE(s.accepts(spaced(12)));
  EXPECT_TRUE(s.refuses(spaced(13)));
  EXPECT_TRUE(s.refuses(R"( {"a": []})")); // nothing around the document
  JsonSchemaOptions compact;
  compact.compact = true;
  SchemaCase c(R"({"type": "object", "properties": {"a": {"type": "array"}}})",
               compact);
  EXPECT_TRUE(c.accepts(R"({"a":[1,2]})"));
  EXPECT_TRUE(c.refuses(R"({"a": [1,2]})"));
}

TEST(JsonSchemaKeywords, GapsCallOneWhitespaceRule) {
  // Six members, up to four gaps each: spelt out, each gap would be 13
  // more states of the object's rule; called, the run of whitespace
  // states is one rule's.
  constexpr std::string_view kSchema = R"({"type": "object",
      "properties": {"id": {"type": "integer"}, "b": {"type": "string"},
        "c": {"type": "integer"}, "d": {"type": "string"},
        "e": {"type": "number"}, "f": {"type": "boolean"}},
      "required": ["id", "b", "c", "d", "e", "f"],
      "additionalProperties": false})";
  std::shared_ptr<Constraint> constraint = compiled(kSchema);
  ASSERT_TRUE(constraint);
  const Grammar &grammar = constraint->grammar();
  int32_t whitespace = -1;
  for (int32_t r = 0; r < grammar.numRules(); ++r)
    if (grammar.rule(r).name == "whitespace") {
      EXPECT_EQ(whitespace, -1) << "one whitespace rule";
      whitespace = r;
    }
  ASSERT_GE(whitespace, 0);
  EXPECT_EQ(grammar.rule(whitespace).dfa.numStates(), 14); // 0..12 + dead
  EXPECT_EQ(grammar.rule(grammar.root()).dfa.numStates(), 130);
  SchemaCase s(kSchema);
  EXPECT_TRUE(s.accepts(R"({"id": 1, "b": "x", "c": 2, "d": "y", "e": 0.5, )"
                        R"("f": true})"));
  EXPECT_TRUE(s.accepts("{\n  \"id\" : 1 ,\n  \"b\":\"\",\"c\":2,\"d\":\"\","
                        "\"e\":1,\"f\":false\n}"));
  // Whitespace inside a string is content, not a gap: no bound of 12.
  EXPECT_TRUE(s.accepts(R"({"id":1,"b":")" + std::string(40, ' ') +
                        R"(","c":2,"d":"","e":1,"f":false})"));
  EXPECT_TRUE(s.refuses(R"({"id":1)" + std::string(13, ' ') +
                        R"(,"b":"","c":2,"d":"","e":1,"f":false})"));
  // Compact grammars have no whitespace rule.
  JsonSchemaOptions compact;
  compact.compact = true;
  std::shared_ptr<Constraint> tight = compiled(kSchema, compact);
  ASSERT_TRUE(tight);
  for (int32_t r = 0; r < tight->grammar().numRules(); ++r)
    EXPECT_NE(tight->grammar().rule(r).name, "whitespace");
}

TEST(JsonSchemaKeywords, AnnotationsAndUnknownKeywordsAreIgnored) {
  SchemaCase s(R"({"title": "t", "description": "d", "$comment": "c",
      "examples": [1], "default": 2, "deprecated": true, "readOnly": true,
      "x-vendor": {"minimum": 100}, "type": "integer", "maximum": 3})");
  EXPECT_TRUE(s.accepts("1"));
  EXPECT_TRUE(s.refuses("4"));
}

} // namespace

//===- RegexErrorTest.cpp - Exact messages for unsupported/bad patterns ---===//
//
// Every message is "regex: <offset>: <what>" with the 0-based byte offset of
// the construct's first byte, so sglc can point at it.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/RegexCompiler.h"

#include <gtest/gtest.h>

#include <string>

using namespace sgl::runtime::constraints;

namespace {

/// The error compiling `pattern` gives, or "compiled" when it compiles.
std::string errorOf(std::string_view pattern) {
  sgl::Expected<ByteDfa> dfa = compileRegex(pattern);
  return dfa ? "compiled" : dfa.error().message;
}

TEST(RegexErrors, Lookaround) {
  EXPECT_EQ(errorOf("abc(?=d)"), "regex: 3: unsupported lookahead '(?='");
  EXPECT_EQ(errorOf("(?!x)"), "regex: 0: unsupported lookahead '(?!'");
  EXPECT_EQ(errorOf("a(?<=b)"), "regex: 1: unsupported lookbehind '(?<='");
  EXPECT_EQ(errorOf("(?<!b)a"), "regex: 0: unsupported lookbehind '(?<!'");
}

TEST(RegexErrors, Backreferences) {
  EXPECT_EQ(errorOf("(a)\\1"), "regex: 3: unsupported backreference '\\1'");
  EXPECT_EQ(errorOf("(?<n>a)\\k<n>"),
            "regex: 7: unsupported backreference '\\k'");
  EXPECT_EQ(errorOf("\\g1"), "regex: 0: unsupported backreference '\\g'");
  EXPECT_EQ(errorOf("(?P<n>a)(?P=n)"),
            "regex: 8: unsupported backreference '(?P='");
}

TEST(RegexErrors, AnchorsInsideThePattern) {
  EXPECT_EQ(errorOf("a\\b"), "regex: 1: unsupported word boundary '\\b'");
  EXPECT_EQ(errorOf("\\Aa"), "regex: 0: unsupported anchor '\\A'");
  EXPECT_EQ(errorOf("a\\z"), "regex: 1: unsupported anchor '\\z'");
  EXPECT_EQ(errorOf("a^b"),
            "regex: 1: unsupported anchor '^' (patterns always match the "
            "whole text; '^' may only come first)");
  EXPECT_EQ(errorOf("a$b"),
            "regex: 1: unsupported anchor '$' (patterns always match the "
            "whole text; '$' may only come last)");
  EXPECT_EQ(errorOf("(a$)"),
            "regex: 2: unsupported anchor '$' (patterns always match the "
            "whole text; '$' may only come last)");
}

TEST(RegexErrors, GroupSyntax) {
  EXPECT_EQ(errorOf("(?>a)"), "regex: 0: unsupported atomic group '(?>'");
  EXPECT_EQ(errorOf("x(?i)abc"), "regex: 1: unsupported inline flags '(?i'");
  EXPECT_EQ(errorOf("(?#note)"), "regex: 0: unsupported comment '(?#'");
  EXPECT_EQ(errorOf("a(?R)"), "regex: 1: unsupported recursion '(?R'");
  EXPECT_EQ(errorOf("(?(1)a)"),
            "regex: 0: unsupported conditional group '(?('");
  EXPECT_EQ(errorOf("(?|a)"), "regex: 0: unsupported branch reset group '(?|'");
  EXPECT_EQ(errorOf("(*UTF)a"), "regex: 0: unsupported verb '(*'");
  EXPECT_EQ(errorOf("(?<1a>x)"), "regex: 0: malformed group name after '(?<'");
  EXPECT_EQ(errorOf("(?\n)"), "regex: 0: unsupported group syntax '(?\\n'");
  EXPECT_EQ(errorOf("(ab"), "regex: 0: missing ')' for this '('");
  EXPECT_EQ(errorOf("ab)"), "regex: 2: unmatched ')'");
}

TEST(RegexErrors, Quantifiers) {
  EXPECT_EQ(errorOf("a*+"), "regex: 1: unsupported possessive quantifier '*+'");
  EXPECT_EQ(errorOf("a{2}+"),
            "regex: 1: unsupported possessive quantifier '{2}+'");
  EXPECT_EQ(errorOf("*a"), "regex: 0: '*' has nothing to repeat");
  EXPECT_EQ(errorOf("a|+b"), "regex: 2: '+' has nothing to repeat");
  EXPECT_EQ(errorOf("(?)"), "regex: 0: unsupported group syntax '(?)'");
  EXPECT_EQ(errorOf("{2}"), "regex: 0: '{2}' has nothing to repeat");
  EXPECT_EQ(errorOf("a**"), "regex: 2: '*' follows another quantifier");
  EXPECT_EQ(errorOf("a{2}{3}"), "regex: 4: '{3}' follows another quantifier");
  EXPECT_EQ(errorOf("a{x}"),
            "regex: 1: '{' does not start a repetition {m}, {m,} or {m,n}; "
            "write '\\{' for a literal brace");
  EXPECT_EQ(errorOf("a{,3}"),
            "regex: 1: '{' does not start a repetition {m}, {m,} or {m,n}; "
            "write '\\{' for a literal brace");
  EXPECT_EQ(errorOf("a{3,2}"),
            "regex: 1: repetition '{3,2}' has its minimum above its maximum");
  EXPECT_EQ(errorOf("a{1001}"),
            "regex: 1: repetition count in '{1001}' exceeds 1000");
  EXPECT_EQ(errorOf("a{2,99999999999999999999}"),
            "regex: 1: repetition count in '{2,99999999999999999999}' "
            "exceeds 1000");
}

TEST(RegexErrors, Classes) {
  EXPECT_EQ(errorOf("[ab"), "regex: 0: missing ']' for this '['");
  EXPECT_EQ(errorOf("[]"), "regex: 0: missing ']' for this '['");
  EXPECT_EQ(errorOf("x[z-a]"), "regex: 2: range 'z-a' is out of order");
  EXPECT_EQ(errorOf("[\\d-z]"),
            "regex: 1: class escape '\\d' cannot start a range");
  EXPECT_EQ(errorOf("[a-\\d]"),
            "regex: 3: class escape '\\d' cannot end a range");
  EXPECT_EQ(errorOf("[[:alpha:]]"), "regex: 1: unsupported POSIX class '[:'");
  EXPECT_EQ(errorOf("[\\b]"), "regex: 1: unsupported escape '\\b' in a class");
  EXPECT_EQ(errorOf("[\\p{L}]"),
            "regex: 1: unsupported Unicode property class '\\p'");
}

TEST(RegexErrors, Escapes) {
  EXPECT_EQ(errorOf("\\p{L}"),
            "regex: 0: unsupported Unicode property class '\\p'");
  EXPECT_EQ(errorOf("\\q"), "regex: 0: unsupported escape '\\q'");
  EXPECT_EQ(errorOf("\\Qa\\E"), "regex: 0: unsupported escape '\\Q'");
  EXPECT_EQ(errorOf("a\\"), "regex: 1: pattern ends inside an escape '\\'");
  EXPECT_EQ(errorOf("\\xZZ"),
            "regex: 0: malformed escape '\\x': expected \\xHH or \\x{HHHH}");
  EXPECT_EQ(errorOf("\\x{12"),
            "regex: 0: malformed escape '\\x': expected \\xHH or \\x{HHHH}");
  EXPECT_EQ(errorOf("\\u12"),
            "regex: 0: malformed escape '\\u': expected \\uHHHH or \\u{HHHH}");
  EXPECT_EQ(errorOf("\\x{110000}"),
            "regex: 0: code point '\\x{110000}' is above U+10FFFF");
  EXPECT_EQ(errorOf("a\\uD800"), "regex: 1: code point '\\uD800' is a "
                                 "surrogate, not a Unicode scalar value");
  EXPECT_EQ(errorOf("\\uDE00\\uD83D"), "regex: 0: code point '\\uDE00' is a "
                                       "surrogate, not a Unicode scalar value");
}

TEST(RegexErrors, InvalidUtf8InThePattern) {
  EXPECT_EQ(errorOf("ab\xFF"), "regex: 2: invalid UTF-8 in the pattern");
  EXPECT_EQ(errorOf("[\xC3]"), "regex: 1: invalid UTF-8 in the pattern");
  EXPECT_EQ(errorOf("\xED\xA0\x80"), "regex: 0: invalid UTF-8 in the pattern");
}

TEST(RegexErrors, GroupNestingIsBounded) {
  std::string deep = std::string(201, '(') + "a" + std::string(201, ')');
  EXPECT_EQ(errorOf(deep), "regex: 200: groups nested deeper than 200");
  std::string ok = std::string(200, '(') + "a" + std::string(200, ')');
  EXPECT_EQ(errorOf(ok), "compiled");
}

} // namespace

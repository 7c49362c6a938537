//===- RegexSyntaxTest.cpp - What each supported construct matches -------===//
//
// One test per construct, each listing texts the whole pattern must match
// and texts it must not; patterns always match the whole text.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/RegexCompiler.h"

#include "DfaInvariants.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace sgl::runtime::constraints;
using sgl::runtime::constraints::test::checkDfaInvariants;

namespace {

/// Compiles `pattern` and checks it accepts every text of `accepted` and
/// none of `rejected`.
void expectLanguage(std::string_view pattern,
                    const std::vector<std::string> &accepted,
                    const std::vector<std::string> &rejected) {
  SCOPED_TRACE("pattern: " + std::string(pattern));
  sgl::Expected<ByteDfa> dfa = compileRegex(pattern);
  ASSERT_TRUE(dfa) << dfa.error().message;
  EXPECT_TRUE(checkDfaInvariants(*dfa));
  for (const std::string &text : accepted)
    EXPECT_TRUE(dfa->matches(text)) << "should match: '" << text << "'";
  for (const std::string &text : rejected)
    EXPECT_FALSE(dfa->matches(text)) << "should not match: '" << text << "'";
}

TEST(RegexSyntax, LiteralsMatchTheWholeText) {
  expectLanguage("abc", {"abc"}, {"", "ab", "abcd", "xabc", "abd"});
  expectLanguage("", {""}, {"a", " "});
  expectLanguage("a b", {"a b"}, {"ab"});
  expectLanguage("]}", {"]}"}, {"]"}); // PCRE2: literals outside a class
}

TEST(RegexSyntax, Utf8LiteralsAreCodePoints) {
  expectLanguage("é☃😀", {"é☃😀"}, {"é☃", "e☃😀", "é☃😀😀"});
  expectLanguage("é+", {"é", "éé"}, {"", "\xC3", "é\xA9"});
}

TEST(RegexSyntax, ShorthandClassesAreAscii) {
  expectLanguage("\\d", {"0", "9"}, {"a", "٣", ""}); // not Arabic-Indic 3
  expectLanguage("\\w", {"a", "Z", "0", "_"}, {"-", "é", " "});
  expectLanguage("\\s", {" ", "\t", "\n", "\v", "\f", "\r"}, {"a", "\u00A0"});
  expectLanguage("\\D", {"a", "٣", "\n"}, {"5", ""});
  expectLanguage("\\W", {"-", "é", " "}, {"a", "_"});
  expectLanguage("\\S", {"a", "\u00A0", "😀"}, {" ", "\n"});
}

TEST(RegexSyntax, CharacterEscapes) {
  expectLanguage("\\n\\t\\r\\f", {"\n\t\r\f"}, {"ntrf"});
  expectLanguage("\\.", {"."}, {"a"});
  expectLanguage("\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\\\/\\-\\ ",
                 {"*+?()[]{}|^$\\/- "}, {});
  expectLanguage("\\é", {"é"}, {"\\é"});
}

TEST(RegexSyntax, CodePointEscapes) {
  expectLanguage("\\x41\\x{42}", {"AB"}, {"x41x{42}"});
  // \xHH is the code point U+00HH, encoded in UTF-8, never the raw byte.
  expectLanguage("\\xe9", {"é"}, {"\xE9"});
  expectLanguage("\\x{1F600}", {"😀"}, {});
  expectLanguage("\\u00e9\\u{1F600}", {"é😀"}, {});
  expectLanguage("\\uD83D\\uDE00", {"😀"}, {}); // a UTF-16 pair, as in JSON
  expectLanguage("\\x00", {std::string("\0", 1)}, {""});
  expectLanguage("\\x{10FFFF}", {"\xF4\x8F\xBF\xBF"}, {});
}

TEST(RegexSyntax, CharacterClasses) {
  expectLanguage("[abc]", {"a", "b", "c"}, {"d", "ab", ""});
  expectLanguage("[a-cx-z]", {"a", "b", "y"}, {"d", "w"});
  expectLanguage("[\\d_]", {"3", "_"}, {"a"});
  expectLanguage("[\\x00-\\x1f]", {"\t", std::string("\0", 1)}, {" "});
  expectLanguage("[α-ω]", {"α", "λ", "ω"}, {"a", "Α"});
  expectLanguage("[😀-😂é]", {"😀", "😁", "😂", "é"}, {"😃"});
  expectLanguage("[.*+?()|{}$^]", {".", "*", "$", "^"}, {"a"});
  expectLanguage("[\\]\\\\\\-\\^]", {"]", "\\", "-", "^"}, {"a"});
  expectLanguage("[\\s\\S]", {"a", "\n", "😀"}, {""});
}

TEST(RegexSyntax, HyphensAndBracketsAtTheEdgesOfAClass) {
  expectLanguage("[-a]", {"-", "a"}, {"b"});
  expectLanguage("[a-]", {"-", "a"}, {"b"});
  expectLanguage("[a-c-e]", {"a", "b", "-", "e"}, {"d"});
  // As in PCRE2, a ']' right after '[' or '[^' is a member.
  expectLanguage("[]a]", {"]", "a"}, {"b"});
  expectLanguage("[^]a]", {"b"}, {"]", "a"});
  expectLanguage("[[]", {"["}, {});
}

TEST(RegexSyntax, NegatedClassesAreOverAllScalars) {
  expectLanguage("[^a-z]", {"A", "\n", "é", "😀"}, {"q", "", "\xFF"});
  expectLanguage("[^\\x00-\\x7F]+", {"é", "☃😀"}, {"a", "éa"});
  expectLanguage("[^\\s\\S]", {}, {"", "a", "\n"});
}

TEST(RegexSyntax, DotIsAnyScalarButNewline) {
  expectLanguage(".", {"a", "\r", "é", "☃", "😀", std::string("\0", 1)},
                 {"\n", "", "ab"});
}

TEST(RegexSyntax, OnlyValidUtf8IsEverAccepted) {
  // Overlong, surrogate, past U+10FFFF, a stray continuation, truncated.
  expectLanguage(".*", {"", "ok", "é😀"},
                 {"\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80",
                  "\xE2\x98", "\xFF"});
  expectLanguage("[\\x{D000}-\\x{E000}]", {"\xED\x80\x80", "\xEE\x80\x80"},
                 {"\xED\xA0\x80"});
}

TEST(RegexSyntax, Quantifiers) {
  expectLanguage("a*", {"", "a", "aaaa"}, {"b", "ab"});
  expectLanguage("a+", {"a", "aaa"}, {""});
  expectLanguage("a?", {"", "a"}, {"aa"});
  expectLanguage("a{3}", {"aaa"}, {"aa", "aaaa"});
  expectLanguage("a{2,}", {"aa", "aaaaaaa"}, {"a"});
  expectLanguage("a{2,4}", {"aa", "aaa", "aaaa"}, {"a", "aaaaa"});
  expectLanguage("a{0}b", {"b"}, {"ab"});
  expectLanguage("a{0,0}", {""}, {"a"});
  expectLanguage("(?:ab){2}", {"abab"}, {"ab", "aabb"});
  expectLanguage("(?:a{2}){3}", {"aaaaaa"}, {"aaaa"});
  expectLanguage("é{2}", {"éé"}, {"é"});
}

TEST(RegexSyntax, LazyQuantifiersMatchTheSameLanguage) {
  expectLanguage("a*?b", {"b", "aab"}, {"a"});
  expectLanguage("a+?", {"a", "aa"}, {""});
  expectLanguage("a??", {"", "a"}, {"aa"});
  expectLanguage("a{1,2}?", {"a", "aa"}, {"aaa"});
}

TEST(RegexSyntax, AlternationAndGroups) {
  expectLanguage("cat|dog|bird", {"cat", "dog", "bird"}, {"catdog", "ca"});
  expectLanguage("a|", {"a", ""}, {"aa"});
  expectLanguage("|", {""}, {"|"});
  expectLanguage("(ab|c)+d", {"abd", "cd", "abcabd"}, {"d", "abab"});
  expectLanguage("(?:a|b)c", {"ac", "bc"}, {"c"});
  expectLanguage("()", {""}, {"()"});
  expectLanguage("((a)(b))", {"ab"}, {"a"});
}

TEST(RegexSyntax, NamedGroupsAreGroups) {
  expectLanguage("(?<year>\\d{4})-(?P<month>\\d{2})-(?'day'\\d{2})",
                 {"2024-05-17"}, {"2024-5-17"});
}

TEST(RegexSyntax, LeadingCaretAndTrailingDollarAreRedundantAnchors) {
  expectLanguage("^abc$", {"abc"}, {"abc\n", "xabc"});
  expectLanguage("^", {""}, {"^"});
  expectLanguage("$", {""}, {"$"});
  expectLanguage("a|b$", {"a", "b"}, {"ab"});
}

TEST(RegexSyntax, ConstraintShapedPatterns) {
  expectLanguage("[0-9+\\-*/(). ]+", {"(1 + 2) * 3.5", "-4/2"}, {"1 = 1"});
  expectLanguage("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?",
                 {"0", "-12", "3.25", "1e10", "2.5E-3"},
                 {"01", "1.", ".5", "--1", "1e"});
  expectLanguage("\"([^\"\\\\]|\\\\.)*\"", {"\"\"", "\"a\\\"b\"", "\"é\""},
                 {"\"", "\"a\"b\""});
}

} // namespace

//===- RegexTest.cpp - PCRE2 pre-tokenizer regexes -----------------------===//
#include "runtime/tokenizer/Regex.h"

#include <gtest/gtest.h>

namespace sgl::runtime {
namespace {

std::vector<std::string> pieces(const Regex &regex, std::string_view text) {
  std::vector<std::string> out;
  auto matches = regex.findAll(text);
  EXPECT_TRUE(matches) << matches.error().message;
  if (!matches)
    return out;
  for (MatchRange match : *matches)
    out.emplace_back(text.substr(match.begin, match.end - match.begin));
  return out;
}

constexpr const char *kLlama3Pattern =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

TEST(RegexTest, Llama3PatternSplitsWordsDigitsAndSpaces) {
  auto regex = Regex::compile(kLlama3Pattern);
  ASSERT_TRUE(regex) << regex.error().message;
  EXPECT_EQ(pieces(*regex, "Hello, world!"),
            (std::vector<std::string>{"Hello", ",", " world", "!"}));
  EXPECT_EQ(pieces(*regex, "1234567"),
            (std::vector<std::string>{"123", "456", "7"}));
  EXPECT_EQ(pieces(*regex, "it's WE'RE"),
            (std::vector<std::string>{"it", "'s", " WE", "'RE"}));
  EXPECT_EQ(pieces(*regex, "a  \n\nb"),
            (std::vector<std::string>{"a", "  \n\n", "b"}));
  EXPECT_EQ(pieces(*regex, "한국어 中文"),
            (std::vector<std::string>{"한국어", " 中文"}));
}

TEST(RegexTest, ContractionGroupIsAsciiOnly) {
  // PCRE2's (?i) would fold U+017F (long s) onto 's'; the reference does not.
  auto regex = Regex::compile(kLlama3Pattern);
  ASSERT_TRUE(regex);
  EXPECT_EQ(pieces(*regex, "'\u017f"), (std::vector<std::string>{"'\u017f"}));
  EXPECT_EQ(translateHfPattern("(?i:'s|'t|'re|'ve|'m|'ll|'d)|x"),
            "(?:'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD]))|x");
}

TEST(RegexTest, WhitespaceClassFollowsJavaScript) {
  auto space = Regex::compile("\\s+");
  ASSERT_TRUE(space);
  EXPECT_EQ(pieces(*space, "a\ufeffb"), (std::vector<std::string>{"\ufeff"}));
  EXPECT_TRUE(pieces(*space, "a\u0085b").empty());
  EXPECT_TRUE(pieces(*space, "a\u180eb").empty());
  auto nonSpace = Regex::compile("\\S+");
  ASSERT_TRUE(nonSpace);
  EXPECT_EQ(pieces(*nonSpace, "x\ufeffy"),
            (std::vector<std::string>{"x", "y"}));
  auto inClass = Regex::compile("[^\\s\\p{L}]+");
  ASSERT_TRUE(inClass);
  EXPECT_EQ(pieces(*inClass, "12\ufeff34"),
            (std::vector<std::string>{"12", "34"}));
}

TEST(RegexTest, EmptyMatchesAdvanceByCodePoint) {
  auto regex = Regex::compile("x*");
  ASSERT_TRUE(regex);
  EXPECT_EQ(pieces(*regex, "😀xx😀x"), (std::vector<std::string>{"xx", "x"}));
}

TEST(RegexTest, CatastrophicBacktrackingIsAnErrorNotAShortList) {
  // Exponential backtracking: PCRE2's match limit stops it, and findAll
  // must say so rather than return the matches found so far (here: none).
  auto regex = Regex::compile("(a|aa)+$");
  ASSERT_TRUE(regex);
  std::string text = "b";
  text.append(60, 'a').append("!"); // not "b" + string: GCC 12 -Wrestrict
  auto matches = regex->findAll(text);
  ASSERT_FALSE(matches);
  EXPECT_EQ(matches.error().message,
            "pre-tokenizer regex '(a|aa)+$' gave up at byte 0 of a 62-byte "
            "piece: match limit exceeded");
}

TEST(RegexTest, InvalidPatternIsAnError) {
  auto regex = Regex::compile("(unclosed");
  ASSERT_FALSE(regex);
  EXPECT_NE(regex.error().message.find("invalid pre-tokenizer regex"),
            std::string::npos);
}

} // namespace
} // namespace sgl::runtime

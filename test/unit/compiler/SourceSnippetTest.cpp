//===- SourceSnippetTest.cpp - Windowed, escaped source lines -------------===//
#include "compiler/SourceSnippet.h"

#include <gtest/gtest.h>

using namespace sgl::compiler;

namespace {

/// Column (0-based, in characters) of the caret in a rendered caret line.
size_t caretColumn(const std::string &caret) { return caret.find('^'); }

TEST(SourceSnippetTest, ShortLineIsShownWhole) {
  SourceSnippet s = renderSnippet("program p() { x }", 15, 16);
  EXPECT_EQ(s.line, "program p() { x }");
  EXPECT_EQ(s.caret, "              ^");
}

TEST(SourceSnippetTest, UnderlineRunsToTheEnd) {
  SourceSnippet s = renderSnippet("  \"Hello {whom}!\"", 11, 15);
  EXPECT_EQ(s.caret, "          ^~~~");
}

TEST(SourceSnippetTest, CaretPastTheEndOfTheLine) {
  SourceSnippet s = renderSnippet("abc", 4, 4);
  EXPECT_EQ(s.line, "abc");
  EXPECT_EQ(s.caret, "   ^");
  s = renderSnippet("", 1, 1);
  EXPECT_EQ(s.line, "");
  EXPECT_EQ(s.caret, "^");
}

TEST(SourceSnippetTest, TabsAreRepeatedInTheCaretLine) {
  SourceSnippet s = renderSnippet("\t\tx", 3, 4);
  EXPECT_EQ(s.line, "\t\tx");
  EXPECT_EQ(s.caret, "\t\t^");
}

TEST(SourceSnippetTest, ControlCharactersAreEscaped) {
  SourceSnippet s = renderSnippet(std::string_view("a \0 b\x01\x7f", 7), 3, 4);
  EXPECT_EQ(s.line, "a \\x00 b\\x01\\x7f");
  EXPECT_EQ(s.caret, "  ^~~~");
  s = renderSnippet("a\rb", 3, 4);
  EXPECT_EQ(s.line, "a\\rb");
  EXPECT_EQ(s.caret, "   ^");
}

TEST(SourceSnippetTest, InvalidUtf8IsEscaped) {
  SourceSnippet s = renderSnippet("ab\xff"
                                  "cd",
                                  3, 4);
  EXPECT_EQ(s.line, "ab\\xffcd");
  EXPECT_EQ(s.caret, "  ^~~~");
}

TEST(SourceSnippetTest, CaretCountsCharactersNotBytes) {
  // "é" is two bytes, one column: the caret under 'x' is at column 3.
  SourceSnippet s = renderSnippet("\"\xc3\xa9\" x", 6, 7);
  EXPECT_EQ(s.line, "\"\xc3\xa9\" x");
  EXPECT_EQ(s.caret, "    ^");
}

TEST(SourceSnippetTest, BidiOverridesAreShownAsCodePoints) {
  SourceSnippet s = renderSnippet("a\xe2\x80\xae"
                                  "b",
                                  5, 6);
  EXPECT_EQ(s.line, "a<U+202E>b");
  EXPECT_EQ(s.caret, "         ^");
}

TEST(SourceSnippetTest, LongLineIsWindowedAroundTheCaret) {
  std::string line(5000000, 'a');
  line[2500000] = '@';
  SourceSnippet s = renderSnippet(line, 2500001, 2500002);
  EXPECT_LE(s.line.size(), kSnippetColumns + 6);
  EXPECT_TRUE(s.line.starts_with("..."));
  EXPECT_TRUE(s.line.ends_with("..."));
  size_t col = caretColumn(s.caret);
  ASSERT_LT(col, s.line.size());
  EXPECT_EQ(s.line[col], '@');
  EXPECT_EQ(s.caret.size(), col + 1);
}

TEST(SourceSnippetTest, CaretNearTheEndShowsMoreLeftContext) {
  std::string line(10000, 'a');
  line += '@';
  SourceSnippet s = renderSnippet(line, 10001, 10002);
  EXPECT_TRUE(s.line.starts_with("..."));
  EXPECT_FALSE(s.line.ends_with("..."));
  EXPECT_EQ(s.line.size(), 3 + kSnippetColumns);
  EXPECT_EQ(s.line[caretColumn(s.caret)], '@');
}

TEST(SourceSnippetTest, CaretNearTheStartIsNotCut) {
  std::string line(10001, 'a');
  line[0] = '@';
  SourceSnippet s = renderSnippet(line, 1, 2);
  EXPECT_FALSE(s.line.starts_with("..."));
  EXPECT_TRUE(s.line.ends_with("..."));
  EXPECT_EQ(s.caret, "^");
}

TEST(SourceSnippetTest, UnderlineStopsAtTheWindow) {
  std::string line(10000, 'a');
  SourceSnippet s = renderSnippet(line, 1, 10001);
  std::string underline(kSnippetColumns, '~');
  underline[0] = '^';
  EXPECT_EQ(s.caret, underline);
}

TEST(SourceSnippetTest, WindowNeverSplitsACharacter) {
  std::string line;
  for (int i = 0; i < 1000; ++i)
    line += "\xe2\x82\xac"; // "€", three bytes
  SourceSnippet s = renderSnippet(line, 1501, 1502);
  std::string shown = s.line.substr(3, s.line.size() - 6);
  ASSERT_EQ(shown.size() % 3, 0u);
  for (size_t i = 0; i < shown.size(); i += 3)
    EXPECT_EQ(shown.substr(i, 3), "\xe2\x82\xac");
  EXPECT_EQ(caretColumn(s.caret), 3 + kSnippetColumns / 3);
}

} // namespace

//===- MessageTextTest.cpp - Quoting outside text inside messages ---------===//
#include "runtime/support/MessageText.h"

#include <gtest/gtest.h>

using namespace sgl;

namespace {

TEST(MessageText, ControlCharactersAreEscaped) {
  EXPECT_EQ(escapeControlChars(std::string("a\0b\nc\rd\te\x1b\x7f", 11)),
            "a\\x00b\\nc\\rd\\te\\x1b\\x7f");
}

TEST(MessageText, Utf8IsKept) {
  EXPECT_EQ(escapeControlChars("caf\xc3\xa9 \xe2\x9c\x93"),
            "caf\xc3\xa9 \xe2\x9c\x93");
}

TEST(MessageText, AbbreviateCutsLongText) {
  EXPECT_EQ(abbreviate("short", 10), "short");
  EXPECT_EQ(abbreviate(std::string(1000, 'x'), 4), "xxxx... (996 more bytes)");
}

TEST(MessageText, AbbreviateNeverSplitsAUtf8Sequence) {
  // "é" is two bytes; a cut after byte 2 would land inside the second one.
  EXPECT_EQ(abbreviate("a\xc3\xa9\xc3\xa9", 2), "a... (4 more bytes)");
}

TEST(MessageText, AbbreviateEscapesToo) {
  EXPECT_EQ(abbreviate("a\nb", 10), "a\\nb");
}

TEST(MessageText, QuotedIsAbbreviatedInSingleQuotes) {
  EXPECT_EQ(quoted("name"), "'name'");
  EXPECT_EQ(quoted("a\nb"), "'a\\nb'");
  EXPECT_EQ(quoted(std::string(100, 'x'), 4), "'xxxx... (96 more bytes)'");
}

} // namespace

//===- Utf8Test.cpp - UTF-8 and byte-level alphabet helpers --------------===//
#include "runtime/tokenizer/Utf8.h"

#include <gtest/gtest.h>

namespace sgl::runtime {
namespace {

TEST(Utf8Test, ValidatesWellFormedAndRejectsIllFormed) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain ascii"));
  EXPECT_TRUE(isValidUtf8("한국어 中文 😀"));
  EXPECT_FALSE(isValidUtf8("\xff"));
  EXPECT_FALSE(isValidUtf8("\xc3"));             // truncated
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));         // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));     // surrogate U+D800
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80")); // above U+10FFFF
}

TEST(Utf8Test, SanitizeReplacesEachIllFormedSequence) {
  EXPECT_EQ(sanitizeUtf8("a\xff"
                         "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(sanitizeUtf8("\xc3"), "\xEF\xBF\xBD");
  EXPECT_EQ(sanitizeUtf8("ok é"), "ok é");
}

TEST(Utf8Test, SanitizeValidTextIsUnchanged) {
  const std::string text = "plain, Ünïcödé, 한국어, 😀";
  EXPECT_EQ(sanitizeUtf8(text), text);
}

TEST(Utf8Test, SanitizeTruncatedSequenceBecomesOneReplacement) {
  // U+1F600 is F0 9F 98 80; a generation cut after three bytes.
  EXPECT_EQ(sanitizeUtf8("ok\xF0\x9F\x98"), "ok\xEF\xBF\xBD");
}

TEST(Utf8Test, SanitizeMaximalSubpartsEachBecomeOneReplacement) {
  // C0 (never valid), a lone continuation byte, an overlong E0 80, a
  // surrogate ED A0 80: each ill-formed byte or maximal prefix -> U+FFFD.
  EXPECT_EQ(sanitizeUtf8("a\xC0z"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(sanitizeUtf8("\x80"), "\xEF\xBF\xBD");
  EXPECT_EQ(sanitizeUtf8("\xE0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(sanitizeUtf8("\xED\xA0\x80"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(sanitizeUtf8("\xE2\x82x"), "\xEF\xBF\xBDx");
}

TEST(Utf8Test, JsWhitespaceTrimMatchesStringTrim) {
  EXPECT_EQ(trimJsWhitespaceStart(" \t\u3000\ufeffx y "), "x y ");
  EXPECT_EQ(trimJsWhitespaceEnd(" x y\u00a0\n\u2028"), " x y");
  // U+0085 (NEL) and U+180E are not white space in JavaScript.
  EXPECT_EQ(trimJsWhitespaceEnd("x\u0085"), "x\u0085");
  EXPECT_EQ(trimJsWhitespaceStart("\u180ex"), "\u180ex");
  EXPECT_EQ(trimJsWhitespaceEnd("   "), "");
}

TEST(Utf8Test, ByteLevelAlphabetIsTheGpt2One) {
  const auto &alphabet = byteToCodePoint();
  EXPECT_EQ(alphabet[' '], U'\u0120');  // Ġ
  EXPECT_EQ(alphabet['\n'], U'\u010A'); // Ċ
  EXPECT_EQ(alphabet['A'], U'A');
  EXPECT_EQ(alphabet[0xAD], U'\u0143'); // soft hyphen is the last shifted byte
  EXPECT_EQ(bytesToByteLevel(" the"), "Ġthe");
  EXPECT_EQ(byteLevelToBytes("Ġthe"), " the");
}

TEST(Utf8Test, ByteLevelRoundTripsEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b)
    all.push_back(static_cast<char>(b));
  std::string spelt = bytesToByteLevel(all);
  EXPECT_TRUE(isValidUtf8(spelt));
  EXPECT_EQ(byteLevelToBytes(spelt), all);
}

} // namespace
} // namespace sgl::runtime

//===- StopMatcherTest.cpp - Stop strings across token boundaries ---------===//
#include "runtime/engine/StopMatcher.h"
#include "runtime/engine/Utf8Repair.h"

#include <gtest/gtest.h>

using namespace sgl::runtime;

namespace {

/// Feeds `pieces` one at a time, as tokens arrive; returns the captured text
/// (everything before the first stop) and whether a stop was hit.
std::pair<std::string, bool> feed(const StopMatcher &m,
                                  std::vector<std::string> pieces) {
  std::string text;
  for (const std::string &piece : pieces) {
    size_t old = text.size();
    text += piece;
    if (size_t at = m.find(text, old); at != std::string::npos)
      return {text.substr(0, at), true};
  }
  return {text, false};
}

TEST(StopMatcher, StopInsideOneToken) {
  StopMatcher m({"\n"});
  EXPECT_EQ(feed(m, {"Hello", " world\nmore", "text"}),
            std::make_pair(std::string("Hello world"), true));
}

TEST(StopMatcher, StopSpanningTokens) {
  StopMatcher m({"END"});
  EXPECT_EQ(feed(m, {"abc E", "N", "D tail"}),
            std::make_pair(std::string("abc "), true));
}

TEST(StopMatcher, EarliestOfSeveralStopsWins) {
  StopMatcher m({"world", "o w"});
  EXPECT_EQ(feed(m, {"hello world"}),
            std::make_pair(std::string("hell"), true));
}

TEST(StopMatcher, NoStopKeepsEverything) {
  StopMatcher m({"\n\n"});
  EXPECT_EQ(feed(m, {"a\n", "b\n", "c"}),
            std::make_pair(std::string("a\nb\nc"), false));
}

TEST(StopMatcher, StopCompletedByALaterToken) {
  // "\n" then "\n": the stop "\n\n" spans two single-byte tokens.
  StopMatcher m({"\n\n"});
  EXPECT_EQ(feed(m, {"poem", "\n", "\n", "next"}),
            std::make_pair(std::string("poem"), true));
}

TEST(StopMatcher, EmptyStopStringsAreIgnored) {
  StopMatcher m({"", ""});
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.find("anything", 0), std::string::npos);
}

TEST(Utf8Repair, ValidTextIsUnchanged) {
  const std::string text = "plain, Ünïcödé, 한국어, 😀";
  EXPECT_EQ(repairUtf8(text), text);
}

TEST(Utf8Repair, TruncatedSequenceBecomesOneReplacement) {
  // U+1F600 is F0 9F 98 80; a gen cut after three bytes.
  EXPECT_EQ(repairUtf8("ok\xF0\x9F\x98"), "ok\xEF\xBF\xBD");
}

TEST(Utf8Repair, MaximalSubpartsEachBecomeOneReplacement) {
  // C0 (never valid), a lone continuation byte, an overlong E0 80, a
  // surrogate ED A0 80: each ill-formed byte or maximal prefix -> U+FFFD.
  EXPECT_EQ(repairUtf8("a\xC0z"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(repairUtf8("\x80"), "\xEF\xBF\xBD");
  EXPECT_EQ(repairUtf8("\xE0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(repairUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(repairUtf8("\xE2\x82x"), "\xEF\xBF\xBDx");
}

} // namespace

//===- StopMatcherTest.cpp - Stop strings across token boundaries ---------===//
#include "runtime/engine/StopMatcher.h"

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

} // namespace

//===- ForcedBytesTest.cpp - Bytes a constraint forces --------------------===//
#include "runtime/constraints/ForcedBytes.h"
#include "runtime/constraints/RegexCompiler.h"

#include "MaskTestPatterns.h"

#include <gtest/gtest.h>

using namespace sgl::runtime::constraints;
using namespace sgl::runtime::constraints::test;

namespace {

std::string forcedFromStart(std::string_view pattern) {
  ByteDfa dfa = *compileRegex(pattern);
  return forcedBytes(dfa, dfa.start());
}

TEST(ForcedBytes, Examples) {
  EXPECT_EQ(forcedFromStart("abc"), "abc");
  EXPECT_EQ(forcedFromStart("abc|abd"), "ab");
  EXPECT_EQ(forcedFromStart("[ab]c"), "");
  // Accepting stops the run: the text may end here.
  EXPECT_EQ(forcedFromStart("x(yz)?"), "x");
  EXPECT_EQ(forcedFromStart("a+"), "a");
  EXPECT_EQ(forcedFromStart(""), "");
  EXPECT_EQ(forcedFromStart("é"), "\xC3\xA9");
  // é and è share their lead byte.
  EXPECT_EQ(forcedFromStart("é|è"), "\xC3");
  EXPECT_EQ(forcedFromStart("\\{\"name\": \"[a-z]+\"\\}"), "{\"name\": \"");
  ByteDfa dfa = *compileRegex("\\{\"name\": \"[a-z]+\", \"id\": [0-9]\\}");
  EXPECT_EQ(forcedBytes(dfa, dfa.walk(dfa.start(), "{\"name\": \"ab\"")),
            ", \"id\": ");
  EXPECT_EQ(forcedBytes(dfa, ByteDfa::kDead), "");
}

TEST(ForcedBytes, MatchesTheDefinitionOnEveryState) {
  std::vector<std::string> patterns = handWrittenPatterns();
  for (std::string &pattern : randomPatterns(/*seed=*/5, 60))
    patterns.push_back(std::move(pattern));
  auto liveBytes = [](const ByteDfa &dfa, ByteDfa::State s) {
    int live = 0;
    for (int byte = 0; byte < 256; ++byte)
      live += !dfa.isDead(dfa.step(s, static_cast<uint8_t>(byte)));
    return live;
  };
  for (const std::string &pattern : patterns) {
    ByteDfa dfa = *compileRegex(pattern);
    for (ByteDfa::State s = 0; s < dfa.numStates(); ++s) {
      std::string forced = forcedBytes(dfa, s);
      // Every state on the way had one live byte, the forced one, and did
      // not accept; the state reached does not continue the run.
      ByteDfa::State at = s;
      for (char c : forced) {
        ASSERT_FALSE(dfa.accepting(at)) << pattern;
        ASSERT_EQ(liveBytes(dfa, at), 1) << pattern;
        at = dfa.step(at, static_cast<uint8_t>(c));
        ASSERT_FALSE(dfa.isDead(at)) << pattern;
      }
      EXPECT_TRUE(dfa.isDead(at) || dfa.accepting(at) ||
                  liveBytes(dfa, at) != 1)
          << pattern << " state " << s;
    }
  }
}

} // namespace

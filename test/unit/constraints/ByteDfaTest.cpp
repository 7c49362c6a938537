//===- ByteDfaTest.cpp - Dead state, distances, minimal state counts ------===//
#include "runtime/constraints/RegexCompiler.h"

#include "DfaInvariants.h"

#include <gtest/gtest.h>

#include <string>

using namespace sgl::runtime::constraints;
using sgl::runtime::constraints::test::checkDfaInvariants;

namespace {

ByteDfa compiled(std::string_view pattern) {
  sgl::Expected<ByteDfa> dfa = compileRegex(pattern);
  EXPECT_TRUE(dfa) << pattern << ": " << dfa.error().message;
  return dfa ? dfa.take() : *compileRegex("[^\\s\\S]");
}

TEST(ByteDfa, TheDeadStateIsZeroAndAbsorbing) {
  ByteDfa dfa = compiled("ab");
  ByteDfa::State s = dfa.step(dfa.start(), 'x');
  EXPECT_EQ(s, ByteDfa::kDead);
  EXPECT_TRUE(dfa.isDead(s));
  EXPECT_FALSE(dfa.accepting(s));
  EXPECT_EQ(dfa.shortestAccept(s), ByteDfa::kNever);
  for (int byte = 0; byte < 256; ++byte)
    EXPECT_EQ(dfa.step(ByteDfa::kDead, uint8_t(byte)), ByteDfa::kDead);
  EXPECT_EQ(dfa.walk(dfa.start(), "xab"), ByteDfa::kDead);
  EXPECT_FALSE(dfa.isDead(dfa.walk(dfa.start(), "a")));
}

TEST(ByteDfa, AnEmptyLanguageStartsDead) {
  ByteDfa dfa = compiled("[^\\s\\S]");
  EXPECT_EQ(dfa.start(), ByteDfa::kDead);
  EXPECT_EQ(dfa.numStates(), 1);
  EXPECT_FALSE(dfa.matches(""));
}

TEST(ByteDfa, ShortestAcceptCountsBytes) {
  ByteDfa abc = compiled("abc");
  EXPECT_EQ(abc.shortestAccept(abc.start()), 3u);
  EXPECT_EQ(abc.shortestAccept(abc.walk(abc.start(), "ab")), 1u);
  EXPECT_EQ(abc.shortestAccept(abc.walk(abc.start(), "abc")), 0u);

  EXPECT_EQ(compiled("a{3,5}").shortestAccept(compiled("a{3,5}").start()), 3u);
  ByteDfa emoji = compiled("\\x{1F600}");
  EXPECT_EQ(emoji.shortestAccept(emoji.start()), 4u);
  EXPECT_EQ(emoji.shortestAccept(emoji.walk(emoji.start(), "\xF0\x9F")), 2u);
  ByteDfa loop = compiled("(ab|c)*d");
  EXPECT_EQ(loop.shortestAccept(loop.start()), 1u);
  EXPECT_EQ(loop.shortestAccept(loop.walk(loop.start(), "a")), 2u);
  // The shortest way to finish may be a different branch than the longest.
  ByteDfa branches = compiled("x(?:aaaa|b)|xyz");
  EXPECT_EQ(branches.shortestAccept(branches.walk(branches.start(), "x")), 1u);
}

TEST(ByteDfa, MinimalStateCounts) {
  // Counts include the dead state.
  EXPECT_EQ(compiled("[0-9]+").numStates(), 3);
  EXPECT_EQ(compiled("abc").numStates(), 5);
  EXPECT_EQ(compiled("(a|b)*").numStates(), 2);
  // The 4th symbol from the end is an 'a': 2^4 live states.
  EXPECT_EQ(compiled("(a|b)*a(a|b){3}").numStates(), 17);
  // "é" and "à" share their first byte and their accepting state.
  EXPECT_EQ(compiled("é|à").numStates(), 4);
}

TEST(ByteDfa, EquivalentPatternsMinimizeToTheSameSize) {
  const char *groups[][4] = {
      {"[a-z]+", "[a-z][a-z]*", "(?:[a-z])+", "[a-z]*[a-z]"},
      {"(a|b)*", "(a*b*)*", "(?:a|b|ab|ba)*", "[ab]*"},
      {"a{2,4}", "aaa?a?", "aa(?:a|aa)?", "(?:aa|aaa|aaaa)"},
      {"\\d{3}", "[0-9][0-9][0-9]", "(?:\\d\\d)\\d", "[0-9]{3}"},
  };
  for (auto &group : groups) {
    int32_t expected = compiled(group[0]).numStates();
    for (const char *pattern : group)
      EXPECT_EQ(compiled(pattern).numStates(), expected) << pattern;
  }
}

TEST(ByteDfa, ByteClassesGroupBytesAlike) {
  EXPECT_EQ(compiled("[0-9]+").numByteClasses(), 2);
  EXPECT_EQ(compiled("[a-c]x").numByteClasses(), 3);
}

TEST(ByteDfa, InvariantsHoldForAssortedPatterns) {
  for (const char *pattern :
       {"", "a", "[^a]*", ".{0,5}", "(ab|c)*d|e+", "\\w+@\\w+\\.com",
        "(a|b)*a(a|b){5}", "[α-ω]{2,3}|😀", "-?(0|[1-9]\\d*)(\\.\\d+)?"}) {
    EXPECT_TRUE(checkDfaInvariants(compiled(pattern))) << pattern;
  }
}

} // namespace

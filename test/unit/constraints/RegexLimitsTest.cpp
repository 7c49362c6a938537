//===- RegexLimitsTest.cpp - Blow-ups end in an error, and quickly --------===//
#include "runtime/constraints/RegexCompiler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

using namespace sgl::runtime::constraints;

namespace {

/// Seconds `body` took.
template <typename Body> double secondsFor(Body body) {
  auto begin = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
      .count();
}

// Generous bounds: they catch a hang or an exponential blow-up, not a slow
// machine. Each case takes milliseconds in a Release build.
constexpr double kFastSeconds = 5.0;

TEST(RegexLimits, ExponentialDfaIsBuiltLazilyAndQuickly) {
  // The n-th symbol from the end is an 'a': 2^21 DFA states, past the
  // limit of 10000 after which states are built as walks reach them.
  sgl::Expected<ByteDfa> dfa = sgl::makeError("not compiled");
  double seconds = secondsFor([&] { dfa = compileRegex("(a|b)*a(a|b){20}"); });
  ASSERT_TRUE(dfa) << dfa.error().message;
  EXPECT_NE(dfa->lazy(), nullptr);
  EXPECT_LT(seconds, kFastSeconds);
}

TEST(RegexLimits, TheSameShapeFitsWhenSmall) {
  // 2^11 states, under the limit; minimal: 2^11 live states and the dead one.
  sgl::Expected<ByteDfa> dfa = compileRegex("(a|b)*a(a|b){10}");
  ASSERT_TRUE(dfa) << dfa.error().message;
  EXPECT_EQ(dfa->numStates(), (1 << 11) + 1);
}

TEST(RegexLimits, NestedRepetitionHitsTheNfaLimit) {
  sgl::Expected<ByteDfa> dfa = sgl::makeError("not compiled");
  double seconds = secondsFor([&] { dfa = compileRegex("(x{1000}){1000}"); });
  ASSERT_FALSE(dfa);
  // The offset is that of the outermost repetition: the second '{'.
  EXPECT_EQ(dfa.error().message,
            "regex: 9: repetition needs more than 100000 NFA states");
  EXPECT_LT(seconds, kFastSeconds);
}

TEST(RegexLimits, WideClassesCountTheirUtf8States) {
  // `.` is 27 NFA states and, repeated, 8 DFA states per character (one per
  // position inside a UTF-8 sequence that needs telling apart); a thousand
  // of them fit the default limits, ten thousand do not.
  sgl::Expected<ByteDfa> thousand = compileRegex(".{1000}");
  ASSERT_TRUE(thousand) << thousand.error().message;
  EXPECT_EQ(thousand->numStates(), 8 * 1000 + 2);
  sgl::Expected<ByteDfa> dfa = compileRegex("a(.{100}){100}");
  ASSERT_FALSE(dfa);
  EXPECT_EQ(dfa.error().message,
            "regex: 9: repetition needs more than 100000 NFA states");
}

TEST(RegexLimits, HugeStateSetsHitTheSubsetVisitLimit) {
  // Few states so far, but each a set of thousands of NFA states: the work
  // is bounded even before the state limit is reached.
  sgl::Expected<ByteDfa> dfa = sgl::makeError("not compiled");
  double seconds = secondsFor([&] {
    dfa = compileRegex("(.{0,200}){1,15}", {.maxSubsetVisits = 2'000'000});
  });
  ASSERT_FALSE(dfa);
  EXPECT_EQ(dfa.error().message, "regex: automaton is too complex to build "
                                 "(over 2000000 NFA states visited)");
  EXPECT_LT(seconds, kFastSeconds);
}

TEST(RegexLimits, APatternWithoutRepetitionIsBlamedAsAWhole) {
  std::string longLiteral(200, 'a');
  sgl::Expected<ByteDfa> dfa = compileRegex(longLiteral, {.maxNfaStates = 100});
  ASSERT_FALSE(dfa);
  EXPECT_EQ(dfa.error().message,
            "regex: pattern needs more than 100 NFA states");
}

TEST(RegexLimits, LimitsAreConfigurable) {
  AutomatonLimits tight;
  tight.maxDfaStates = 5;
  EXPECT_EQ(compileRegex("abc", tight)->lazy(), nullptr); // dead, 4 positions
  EXPECT_NE(compileRegex("abcd", tight)->lazy(), nullptr);
  tight.maxLazyStates = 0;
  sgl::Expected<ByteDfa> dfa = compileRegex("abcd", tight);
  ASSERT_FALSE(dfa);
  EXPECT_EQ(dfa.error().message, "regex: automaton exceeds 5 states");

  tight.maxRepeatCount = 10;
  dfa = compileRegex("a{11}", tight);
  ASSERT_FALSE(dfa);
  EXPECT_EQ(dfa.error().message,
            "regex: 1: repetition count in '{11}' exceeds 10");
  tight.maxGroupDepth = 1;
  dfa = compileRegex("((a))", tight);
  ASSERT_FALSE(dfa);
  EXPECT_EQ(dfa.error().message, "regex: 1: groups nested deeper than 1");
}

TEST(RegexLimits, NineThousandStateAutomataAreBuiltAndMinimizedQuickly) {
  // Every position of 9008 fixed-width characters is a state of its own.
  sgl::Expected<ByteDfa> dfa = sgl::makeError("not compiled");
  double seconds = secondsFor(
      [&] { dfa = compileRegex("[0-9a-f]{1000}(?:-[0-9a-f]{1000}){8}"); });
  ASSERT_TRUE(dfa) << dfa.error().message;
  EXPECT_EQ(dfa->numStates(), 9008 + 1 + 1); // positions 0..9008, dead
  EXPECT_EQ(dfa->shortestAccept(dfa->start()), 9008u);
  EXPECT_LT(seconds, kFastSeconds);
}

} // namespace

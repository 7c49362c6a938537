//===- RegexForcedBytesTest.cpp - Bytes a regex forces (jump-forward) -----===//
//
// ConstraintMatcher::forcedBytes on examples, and against its definition
// on every state of ~70 regexes: the bytes forced until a state accepts or
// has other than one byte to a live state.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/RegexCompiler.h"

#include "GeneratedVocabulary.h"
#include "MaskTestPatterns.h"
#include "RegexMaskReference.h"

#include <gtest/gtest.h>

using namespace sgl::runtime::constraints;
using namespace sgl::runtime::constraints::test;

namespace {

/// Forced bytes need no merges: the 256 single bytes and EOS.
const ConstraintVocabulary &byteVocabulary() {
  static const ConstraintVocabulary vocabulary =
      generateVocabulary(/*seed=*/1, /*merges=*/0).constraintVocabulary();
  return vocabulary;
}

/// The forced bytes of `pattern` after `text`.
std::string forcedAfter(std::string_view pattern, std::string_view text = "") {
  ConstraintMasks masks(*Constraint::fromRegex(pattern), byteVocabulary());
  ConstraintMatcher matcher(masks);
  EXPECT_TRUE(
      acceptText(matcher, text, singleByteTokens(byteVocabulary().tokenBytes)));
  return matcher.forcedBytes();
}

TEST(RegexForcedBytes, Examples) {
  EXPECT_EQ(forcedAfter("abc"), "abc");
  EXPECT_EQ(forcedAfter("abc|abd"), "ab");
  EXPECT_EQ(forcedAfter("[ab]c"), "");
  // Accepting stops the run: the text may end here.
  EXPECT_EQ(forcedAfter("x(yz)?"), "x");
  EXPECT_EQ(forcedAfter("a+"), "a");
  EXPECT_EQ(forcedAfter(""), "");
  EXPECT_EQ(forcedAfter("é"), "\xC3\xA9");
  // é and è share their lead byte.
  EXPECT_EQ(forcedAfter("é|è"), "\xC3");
  EXPECT_EQ(forcedAfter("\\{\"name\": \"[a-z]+\"\\}"), "{\"name\": \"");
  EXPECT_EQ(forcedAfter("\\{\"name\": \"[a-z]+\", \"id\": [0-9]\\}",
                        "{\"name\": \"ab\""),
            ", \"id\": ");
  EXPECT_EQ(forcedAfter("[^\\s\\S]"), ""); // the empty language
}

TEST(RegexForcedBytes, MatchesTheDefinitionOnEveryState) {
  std::vector<std::string> patterns = handWrittenPatterns();
  for (std::string &pattern : randomPatterns(/*seed=*/5, 60))
    patterns.push_back(std::move(pattern));
  auto liveBytes = [](const ByteDfa &dfa, ByteDfa::State s) {
    int live = 0;
    for (int byte = 0; byte < 256; ++byte)
      live += !dfa.isDead(dfa.step(s, static_cast<uint8_t>(byte)));
    return live;
  };
  std::vector<int32_t> byteTokens =
      singleByteTokens(byteVocabulary().tokenBytes);
  int64_t forcedTotal = 0;
  for (const std::string &pattern : patterns) {
    SCOPED_TRACE(pattern);
    ByteDfa dfa = *compileRegex(pattern);
    ConstraintMasks masks(*Constraint::fromRegex(pattern), byteVocabulary());
    for (const ReachedState &reached : reachStates(dfa)) {
      ConstraintMatcher matcher(masks);
      ASSERT_TRUE(acceptText(matcher, reached.text, byteTokens));
      std::string forced = matcher.forcedBytes();
      forcedTotal += forced.size();
      // Every state on the way had one live byte, the forced one, and did
      // not accept; the state reached does not continue the run.
      ByteDfa::State at = reached.state;
      for (char c : forced) {
        ASSERT_FALSE(dfa.accepting(at)) << "after '" << reached.text << "'";
        ASSERT_EQ(liveBytes(dfa, at), 1) << "after '" << reached.text << "'";
        at = dfa.step(at, static_cast<uint8_t>(c));
        ASSERT_FALSE(dfa.isDead(at));
      }
      EXPECT_TRUE(dfa.isDead(at) || dfa.accepting(at) ||
                  liveBytes(dfa, at) != 1)
          << "after '" << reached.text << "' forced '" << forced << "'";
    }
  }
  EXPECT_GT(forcedTotal, 100); // runs were found, not only empty ones
}

} // namespace

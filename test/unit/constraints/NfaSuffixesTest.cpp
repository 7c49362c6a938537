//===- NfaSuffixesTest.cpp - Chains that end alike become one -------------===//
#include "runtime/constraints/ByteNfa.h"
#include "runtime/constraints/Determinize.h"
#include "runtime/constraints/MinimizeDfa.h"
#include "runtime/constraints/RegexParser.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace sgl::runtime::constraints;

namespace {

struct Sizes {
  int32_t nfaStates = 0, dfaStates = 0, minimalStates = 0;
};

Sizes sizesOf(std::string_view pattern) {
  AutomatonLimits limits;
  sgl::Expected<RegexNode> tree = parseRegex(pattern, limits);
  EXPECT_TRUE(tree) << pattern;
  sgl::Expected<ByteNfa> nfa = buildNfa(*tree, limits);
  EXPECT_TRUE(nfa) << pattern;
  sgl::Expected<std::optional<DfaTable>> dfa = determinize(*nfa, limits);
  EXPECT_TRUE(dfa && *dfa) << pattern;
  return {static_cast<int32_t>(nfa->states.size()), (*dfa)->numStates(),
          minimizeDfa(**dfa).numStates()};
}

TEST(NfaSuffixes, ChainsThatEndAlikeAreOneSoSubsetsAreNearMinimal) {
  // Without merged chains, a subset construction of int64-like bounds
  // follows each alternative's own digit chain: 3x the minimal DFA.
  Sizes sizes = sizesOf("[1-8][0-9]{18}|9[0-1][0-9]{17}|92[0-1][0-9]{16}");
  EXPECT_EQ(sizes.minimalStates, 23);
  EXPECT_EQ(sizes.dfaStates, sizes.minimalStates);
  // One Byte state per digit position, plus the heads and the match.
  EXPECT_LE(sizes.nfaStates, 30);
}

TEST(NfaSuffixes, NoEpsilonStatesAreLeft) {
  AutomatonLimits limits;
  for (std::string_view pattern :
       {"(a|b)*c", "x{0,5}y", "(ab|cd)+|e?", "()", "[^\\s\\S]", "a(b|)c"}) {
    sgl::Expected<RegexNode> tree = parseRegex(pattern, limits);
    ASSERT_TRUE(tree) << pattern;
    sgl::Expected<ByteNfa> nfa = buildNfa(*tree, limits);
    ASSERT_TRUE(nfa) << pattern;
    size_t epsilons =
        std::count_if(nfa->states.begin(), nfa->states.end(), [](auto &s) {
          return s.kind == NfaState::Kind::Epsilon;
        });
    // An empty language keeps one: the start that leads nowhere.
    EXPECT_EQ(epsilons, pattern == "[^\\s\\S]" ? 1u : 0u) << pattern;
  }
}

} // namespace

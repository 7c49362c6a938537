//===- LibraryRulesTest.cpp - Rules compiled once per process -------------===//
//
// A library rule's NFA and DFA come back from the cache with their calls
// renumbered for the grammar at hand, call columns in rule order; grammars
// built from the cached automata match what fresh ones do.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/LibraryRules.h"

#include "runtime/constraints/Determinize.h"
#include "runtime/constraints/Grammar.h"
#include "runtime/constraints/MinimizeDfa.h"

#include "TestGrammars.h"

#include <gtest/gtest.h>

using namespace sgl::runtime::constraints;
using namespace sgl::runtime::constraints::test;
using sgl::Expected;

namespace {

/// A list of a's and b's, written with calls of rules `self` (a nested
/// list) and `item`: "[" (item | self)* "]"; its tree is the same whatever
/// the two numbers, up to the calls.
RegexNode listBody(int32_t self, int32_t item) {
  return seq({re("\\["), star(alt({call(item), call(self)})), re("\\]")});
}

std::vector<int32_t> callRulesOf(const ByteNfa &nfa) {
  std::vector<int32_t> rules;
  for (const NfaState &state : nfa.states)
    if (state.kind == NfaState::Kind::Call)
      rules.push_back(state.rule);
  std::sort(rules.begin(), rules.end());
  return rules;
}

TEST(LibraryRules, CachedAutomataCallTheRulesOfTheGrammarAtHand) {
  // A limit no other test uses: an entry of its own in the process cache.
  AutomatonLimits limits;
  limits.maxRepeatCount = 999;
  LibraryRule first(listBody(3, 5), 3, limits);
  EXPECT_EQ(first.callees(), (std::vector<int32_t>{3, 5}));
  EXPECT_FALSE(first.cachedNfa());
  Expected<ByteNfa> nfa = buildNfa(listBody(3, 5), limits);
  ASSERT_TRUE(nfa);
  first.keepNfa(*nfa);
  Expected<std::optional<DfaTable>> dfa = determinize(*nfa, limits);
  ASSERT_TRUE(dfa && *dfa);
  DfaTable minimal = minimizeDfa(**dfa);
  EXPECT_EQ(minimal.callRules, (std::vector<int32_t>{3, 5}));
  EXPECT_FALSE(first.cachedDfa({3, 5}));
  first.keepDfa(minimal, {3, 5});

  // The same rule as rule 7 calling rule 2: its item column comes first.
  LibraryRule second(listBody(7, 2), 7, limits);
  EXPECT_EQ(second.callees(), (std::vector<int32_t>{7, 2}));
  std::optional<ByteNfa> cachedNfa = second.cachedNfa();
  ASSERT_TRUE(cachedNfa);
  EXPECT_EQ(cachedNfa->states.size(), nfa->states.size());
  EXPECT_EQ(callRulesOf(*cachedNfa), (std::vector<int32_t>{2, 7}));
  std::optional<DfaTable> cachedDfa = second.cachedDfa({7, 2});
  ASSERT_TRUE(cachedDfa);
  EXPECT_EQ(cachedDfa->callRules, (std::vector<int32_t>{2, 7}));
  // Column numClasses + 0 (rule 2) is the old item column (rule 5).
  const int32_t k = minimal.numClasses;
  for (int32_t s = 0; s < minimal.numStates(); ++s) {
    EXPECT_EQ(cachedDfa->target(s, k), minimal.target(s, k + 1)) << s;
    EXPECT_EQ(cachedDfa->target(s, k + 1), minimal.target(s, k)) << s;
  }
  // Callees that are one rule here would need one column: no answer.
  EXPECT_FALSE(second.cachedDfa({7, 7}));
  // Another tree, or other limits, is another entry.
  EXPECT_FALSE(LibraryRule(re("\\[\\]"), 7, limits).cachedNfa());
  EXPECT_FALSE(
      LibraryRule(listBody(7, 2), 7, AutomatonLimits{}).cachedDfa({7, 2}));
}

TEST(LibraryRules, GrammarsFromCachedRulesMatchAsFreshOnes) {
  // The list rule as rule 1 (item rule 2) first, then as rule 2 (item
  // rule 1): the second grammar takes the first one's automata.
  auto grammarWith = [](bool listFirst) {
    GrammarSource source;
    int32_t list = listFirst ? 1 : 2, item = listFirst ? 2 : 1;
    source.rules.resize(3);
    source.rules[0] = {"root", seq({call(list), re("!")})};
    source.rules[list] = {"list", listBody(list, item), true};
    source.rules[item] = {"item", re("a|bb")};
    Expected<Grammar> grammar = compileGrammar(source);
    EXPECT_TRUE(grammar) << grammar.error().message;
    return std::move(*grammar);
  };
  Grammar fresh = grammarWith(true);
  Grammar cached = grammarWith(false);
  for (const char *text : {"[]!", "[a]!", "[abb[a[]]bb]!", "[[[]]]!"}) {
    EXPECT_TRUE(fresh.matches(text)) << text;
    EXPECT_TRUE(cached.matches(text)) << text;
  }
  for (const char *text : {"[]", "[b]!", "[[]!", "a!", "[ab]]!"}) {
    EXPECT_FALSE(fresh.matches(text)) << text;
    EXPECT_FALSE(cached.matches(text)) << text;
  }
  EXPECT_EQ(cached.rule(2).dfa.numStates(), fresh.rule(1).dfa.numStates());
}

} // namespace

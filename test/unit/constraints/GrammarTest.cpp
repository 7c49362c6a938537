//===- GrammarTest.cpp - Grammars against a backtracking reference --------===//
//
// Grammar::matches and Constraint::check against GrammarReference, which
// reads the rule trees rather than their automata, on texts drawn from each
// grammar and mutated; then the errors compileGrammar promises.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Grammar.h"
#include "runtime/constraints/Constraint.h"

#include "GrammarReference.h"
#include "TestGrammars.h"

#include <gtest/gtest.h>

#include <random>

using namespace sgl::runtime::constraints;
using namespace sgl::runtime::constraints::test;
using sgl::Expected;

namespace {

/// `text` with a few random edits from the grammar's own characters.
std::string mutate(std::string text, std::mt19937_64 &rng) {
  static const std::string kAlphabet = "0123456789[], {}\":abcxyz()";
  int edits = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < edits; ++i) {
    size_t at = text.empty() ? 0 : rng() % (text.size() + 1);
    char c = kAlphabet[rng() % kAlphabet.size()];
    switch (rng() % 3) {
    case 0:
      text.insert(text.begin() + at, c);
      break;
    case 1:
      if (at < text.size())
        text.erase(at, 1);
      break;
    default:
      if (at < text.size())
        text[at] = c;
      break;
    }
  }
  return text;
}

TEST(Grammar, MatchesAsTheReferenceOnDrawnAndMutatedTexts) {
  std::mt19937_64 rng(7);
  int64_t checks = 0, accepted = 0;
  for (const NamedGrammar &g : testGrammars()) {
    SCOPED_TRACE(g.name);
    Expected<Grammar> grammar = compileGrammar(g.source);
    ASSERT_TRUE(grammar) << grammar.error().message;
    auto constraint = Constraint::fromGrammar(std::move(*grammar));
    for (int i = 0; i < 3000; ++i) {
      std::string text = randomText(g.source, rng, 1 + i % 5);
      ASSERT_TRUE(constraint->grammar().matches(text)) << text;
      for (const std::string &candidate : {text, mutate(text, rng)}) {
        GrammarReference reference(g.source, candidate);
        bool expected = reference.matches();
        ASSERT_EQ(constraint->grammar().matches(candidate), expected)
            << candidate;
        ConstraintCheck check = constraint->check(candidate);
        ASSERT_EQ(check.accepted, expected) << candidate;
        if (!expected) {
          // The longest viable prefix ends just before errorOffset.
          std::string_view view(candidate);
          ASSERT_TRUE(
              GrammarReference(g.source, view.substr(0, check.errorOffset))
                  .viable())
              << candidate;
          if (check.errorOffset < candidate.size()) {
            ASSERT_FALSE(GrammarReference(g.source,
                                          view.substr(0, check.errorOffset + 1))
                             .viable())
                << candidate;
          }
        }
        accepted += expected;
        checks += 1;
      }
    }
  }
  EXPECT_GT(accepted, checks / 3);
  EXPECT_LT(accepted, checks);
}

TEST(Grammar, ShortestLengthsCountCalls) {
  std::vector<NamedGrammar> grammars = testGrammars();
  Expected<Grammar> arrays = compileGrammar(grammars[0].source);
  ASSERT_TRUE(arrays);
  EXPECT_EQ(arrays->shortestLength(0), 1u); // a digit
  EXPECT_EQ(arrays->shortestLength(1), 2u); // []
  Expected<Grammar> ambiguous = compileGrammar(grammars[2].source);
  ASSERT_TRUE(ambiguous);
  EXPECT_EQ(ambiguous->shortestLength(0), 1u); // c
  EXPECT_EQ(ambiguous->shortestLength(1), 0u);
  EXPECT_FALSE(ambiguous->isRegular());
}

GrammarSource rules(std::vector<GrammarRuleSource> list, int32_t root = 0) {
  GrammarSource source;
  source.rules = std::move(list);
  source.root = root;
  return source;
}

std::string errorOf(const GrammarSource &source,
                    const AutomatonLimits &limits = {}) {
  Expected<Grammar> grammar = compileGrammar(source, limits);
  return grammar ? "compiled" : grammar.error().message;
}

TEST(Grammar, RefusesLeftRecursion) {
  EXPECT_EQ(errorOf(rules({{"list", alt({re("a"), seq({call(0), re("a")})})}})),
            "rule 'list' calls itself before consuming any input, which "
            "recurses without end");
  // Through a rule that may match nothing first.
  EXPECT_EQ(errorOf(rules({{"a", alt({re("z"), seq({re("b?"), call(1)})})},
                           {"b", seq({re("x?"), call(0), re("y")})}})),
            "rule 'a' calls 'b' before consuming any input, which recurses "
            "without end");
  // Recursion after a byte is fine.
  EXPECT_EQ(
      errorOf(rules(
          {{"list", alt({re("a"), seq({re("\\("), call(0), re("\\)")})})}})),
      "compiled");
}

TEST(Grammar, RefusesRulesThatMatchNothing) {
  EXPECT_EQ(
      errorOf(rules({{"root", call(1)}, {"loop", seq({re("a"), call(1)})}})),
      "rule 'root' matches no text");
  // A rule that matches nothing only removes its alternative.
  Expected<Grammar> grammar = compileGrammar(rules(
      {{"root", alt({re("x"), call(1)})}, {"loop", seq({re("a"), call(1)})}}));
  ASSERT_TRUE(grammar) << grammar.error().message;
  EXPECT_TRUE(grammar->matches("x"));
  EXPECT_FALSE(grammar->matches("a"));
  EXPECT_FALSE(grammar->matches("aa"));
}

TEST(Grammar, RulesTheRootNeverCallsKeepOnlyTheDeadState) {
  Expected<Grammar> grammar =
      compileGrammar(rules({{"unused", re("[a-z]{20}")},
                            {"root", seq({re("x"), call(2)})},
                            {"used", re("[0-9]{3}")}},
                           1));
  ASSERT_TRUE(grammar) << grammar.error().message;
  EXPECT_EQ(grammar->rule(0).dfa.numStates(), 1);
  EXPECT_EQ(grammar->rule(2).dfa.numStates(), 5);
  EXPECT_EQ(grammar->numStates(), 1 + 4 + 5);
  EXPECT_TRUE(grammar->matches("x123"));
  EXPECT_FALSE(grammar->matches("abcdefghijklmnopqrst"));
}

TEST(Grammar, CopiesOfARuleAreCompiledOnce) {
  // 1 and 3 are one rule; 2 and 4 too once their calls are (a second
  // round); 5 calls itself as 2 does through 4, so it is theirs as well.
  // 6 differs from 1 by a bound.
  Expected<Grammar> grammar = compileGrammar(rules({
      {"root", seq({call(2), call(4), call(5), call(6)})},
      {"digits", re("[0-9]{3}")},
      {"list",
       seq({re("\\["), call(1), opt(seq({re(","), call(2)})), re("\\]")})},
      {"digits again", re("[0-9]{3}")},
      {"list again",
       seq({re("\\["), call(3), opt(seq({re(","), call(4)})), re("\\]")})},
      {"list of itself",
       seq({re("\\["), call(1), opt(seq({re(","), call(5)})), re("\\]")})},
      {"four digits", re("[0-9]{4}")},
  }));
  ASSERT_TRUE(grammar) << grammar.error().message;
  for (int32_t copy : {3, 4, 5})
    EXPECT_EQ(grammar->rule(copy).dfa.numStates(), 1) << copy;
  for (int32_t original : {1, 2, 6})
    EXPECT_GT(grammar->rule(original).dfa.numStates(), 1) << original;
  EXPECT_TRUE(grammar->matches("[123][456,[789]][000]1234"));
  EXPECT_FALSE(grammar->matches("[123][456,[789]][000]123"));
  EXPECT_EQ(grammar->shortestLength(4), grammar->shortestLength(2));
  // A copy of a copy: 5 joins 4 in the first round, 4 joins 3 in the
  // second (once 2 is 1), so 5's calls must go to 3 as well.
  Expected<Grammar> chain = compileGrammar(rules({
      {"root", seq({call(3), call(4), call(5)})},
      {"a", re("a")},
      {"a again", re("a")},
      {"y", seq({re("<"), call(1), re(">")})},
      {"r", seq({re("<"), call(2), re(">")})},
      {"x", seq({re("<"), call(2), re(">")})},
  }));
  ASSERT_TRUE(chain) << chain.error().message;
  for (int32_t copy : {2, 4, 5})
    EXPECT_EQ(chain->rule(copy).dfa.numStates(), 1) << copy;
  EXPECT_GT(chain->rule(3).dfa.numStates(), 1);
  EXPECT_TRUE(chain->matches("<a><a><a>"));
  EXPECT_FALSE(chain->matches("<a><a>"));
  // The root is its own original even when a rule before it is the same.
  Expected<Grammar> twin =
      compileGrammar(rules({{"first", re("ab")}, {"root", re("ab")}}, 1));
  ASSERT_TRUE(twin);
  EXPECT_EQ(twin->rule(0).dfa.numStates(), 1);
  EXPECT_TRUE(twin->matches("ab"));
}

TEST(Grammar, RefusesBadSources) {
  EXPECT_EQ(errorOf(GrammarSource{}), "a grammar needs at least one rule");
  EXPECT_EQ(errorOf(rules({{"root", call(3)}})),
            "rule 'root' calls rule 3, which does not exist");
  EXPECT_EQ(errorOf(rules({{"root", re("a")}}, 2)),
            "the root rule 2 does not exist");
  AutomatonLimits limits;
  limits.maxGrammarRules = 1;
  EXPECT_EQ(errorOf(rules({{"a", call(1)}, {"b", re("b")}}), limits),
            "grammar has 2 rules, more than the limit of 1");
  limits = {};
  limits.maxGrammarStates = 10;
  EXPECT_EQ(errorOf(rules({{"a", seq({re("[a-z]{8}"), call(1)})},
                           {"b", re("[0-9]{8}")}}),
                    limits),
            "grammar needs more than 10 automaton states");
  limits = {};
  limits.maxDfaStates = 5;
  limits.maxLazyStates = 0; // else built lazily
  EXPECT_EQ(
      errorOf(rules({{"a", call(1)}, {"digits", re("[0-9]{8}")}}), limits),
      "rule 'digits': automaton exceeds 5 states");
}

} // namespace

namespace {

TEST(Grammar, UnionMatchesWhatAnyPartMatches) {
  std::vector<NamedGrammar> parts = testGrammars();
  std::vector<GrammarSource> sources;
  for (const NamedGrammar &g : parts)
    sources.push_back(g.source);
  GrammarSource merged = unionOf(sources, "any");
  EXPECT_EQ(merged.rules.front().name, "any");
  Expected<Grammar> grammar = compileGrammar(merged);
  ASSERT_TRUE(grammar) << grammar.error().message;
  std::mt19937_64 rng(5);
  for (int i = 0; i < 500; ++i) {
    const NamedGrammar &part = parts[i % parts.size()];
    std::string text = randomText(part.source, rng);
    EXPECT_TRUE(grammar->matches(text)) << text;
    std::string other = mutate(text, rng);
    bool expected = false;
    for (const NamedGrammar &g : parts)
      expected |= GrammarReference(g.source, other).matches();
    EXPECT_EQ(grammar->matches(other), expected) << other;
  }
}

} // namespace

//===- LazyDfaTest.cpp - DFAs built as walks reach their states -----------===//
//
// A DFA past AutomatonLimits::maxDfaStates is built lazily (LazyDfa.h):
// `(a|b)*a(a|b){20}` compiles in milliseconds and is matched exactly. Lazy
// DFAs of the mask test patterns, forced by a limit of 2 states, agree
// with the minimal ones on acceptance and on every distance along texts;
// their masks equal the byte definition with and without budgets; and a
// budget that runs out is a clear error, never a verdict. Threads sharing
// one: LazyDfaThreadsTest.cpp.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/RegexCompiler.h"

#include "DfaInvariants.h"
#include "GeneratedVocabulary.h"
#include "GrammarReference.h"
#include "MaskTestPatterns.h"
#include "RegexMaskReference.h"
#include "TestGrammars.h"

#include <gtest/gtest.h>

#include <random>

using namespace sgl::runtime::constraints;
using namespace sgl::runtime::constraints::test;

namespace {

constexpr const char *kNthFromTheEnd = "(a|b)*a(a|b){20}";

/// Whether `text` is in (a|b)*a(a|b){20}: a's and b's, the 21st from the
/// end an 'a'.
bool nthFromTheEnd(std::string_view text) {
  return text.size() >= 21 && text.find_first_not_of("ab") == text.npos &&
         text[text.size() - 21] == 'a';
}

std::string randomAbText(std::mt19937_64 &rng) {
  std::string text(rng() % 60, 'a');
  for (char &c : text)
    c = rng() % 2 ? 'a' : 'b';
  if (rng() % 8 == 0 && !text.empty())
    text[rng() % text.size()] = 'c';
  return text;
}

/// Every pattern of the mask tests, and a limit that builds all but the
/// smallest lazily.
std::vector<std::string> testPatterns() {
  std::vector<std::string> patterns = handWrittenPatterns();
  for (std::string &pattern : randomPatterns(/*seed=*/7, 60))
    patterns.push_back(std::move(pattern));
  return patterns;
}
AutomatonLimits lazyLimits() {
  AutomatonLimits limits;
  limits.maxDfaStates = 2;
  return limits;
}

/// Up to `limit` states of `dfa` and the shortest texts that reach them,
/// breadth first over bytes.
std::vector<ReachedState> firstStates(const ByteDfa &dfa, size_t limit) {
  std::vector<ReachedState> reached = {{dfa.start(), ""}};
  std::vector<uint8_t> seen(dfa.numStates(), 0);
  seen[dfa.start()] = 1;
  for (size_t head = 0; head < reached.size() && reached.size() < limit; ++head)
    for (int byte = 0; byte < 256 && reached.size() < limit; ++byte) {
      ByteDfa::State next =
          dfa.step(reached[head].state, static_cast<uint8_t>(byte));
      if (static_cast<size_t>(next) >= seen.size())
        seen.resize(next + 1, 0);
      if (dfa.isDead(next) || seen[next])
        continue;
      seen[next] = 1;
      reached.push_back({next, reached[head].text + static_cast<char>(byte)});
    }
  return reached;
}

TEST(LazyDfa, AnExponentialPatternCompilesAndMatchesExactly) {
  sgl::Expected<ByteDfa> dfa = compileRegex(kNthFromTheEnd);
  ASSERT_TRUE(dfa) << dfa.error().message;
  ASSERT_NE(dfa->lazy(), nullptr);
  EXPECT_EQ(dfa->numStates(), 2); // the dead state and the start
  EXPECT_EQ(dfa->shortestAccept(dfa->start()), 21u);
  std::mt19937_64 rng(1);
  int accepted = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::string text = randomAbText(rng);
    ASSERT_EQ(dfa->matches(text), nthFromTheEnd(text)) << text;
    accepted += nthFromTheEnd(text);
  }
  EXPECT_GT(accepted, 5000);
  EXPECT_TRUE(checkDfaInvariants(*dfa));
  // Far fewer than the 2^21 states of the whole DFA were needed.
  EXPECT_LT(dfa->numStates(), 600'000);
  EXPECT_FALSE(dfa->lazy()->budget().exhausted());
}

TEST(LazyDfa, TheSameShapeUnderTheLimitIsBuiltWholeAndMinimized) {
  sgl::Expected<ByteDfa> dfa = compileRegex("(a|b)*a(a|b){10}");
  ASSERT_TRUE(dfa) << dfa.error().message;
  EXPECT_EQ(dfa->lazy(), nullptr);
  EXPECT_EQ(dfa->numStates(), (1 << 11) + 1);
}

TEST(LazyDfa, WithoutLazyStatesTheStateLimitIsAnError) {
  AutomatonLimits limits;
  limits.maxLazyStates = 0;
  sgl::Expected<ByteDfa> dfa = compileRegex(kNthFromTheEnd, limits);
  ASSERT_FALSE(dfa);
  EXPECT_EQ(dfa.error().message, "regex: automaton exceeds 10000 states");
}

TEST(LazyDfa, AgreesWithTheMinimalDfaOnAcceptanceAndDistances) {
  std::mt19937_64 rng(5);
  int lazy = 0;
  int64_t prefixes = 0;
  for (const std::string &pattern : testPatterns()) {
    SCOPED_TRACE(pattern);
    sgl::Expected<ByteDfa> minimal = compileRegex(pattern);
    sgl::Expected<ByteDfa> built = compileRegex(pattern, lazyLimits());
    ASSERT_TRUE(minimal && built);
    ASSERT_EQ(minimal->lazy(), nullptr);
    lazy += built->lazy() != nullptr;
    EXPECT_TRUE(checkDfaInvariants(*built));
    // Texts walked through the minimal DFA, some of them cut short or
    // with a byte changed, compared prefix by prefix.
    for (int walk = 0; walk < 80; ++walk) {
      std::string text;
      ByteDfa::State s = minimal->start();
      while (!minimal->isDead(s) && text.size() < 40 &&
             !(minimal->accepting(s) && rng() % 4 == 0)) {
        std::vector<uint8_t> live;
        for (int b = 0; b < 256; ++b)
          if (!minimal->isDead(minimal->step(s, static_cast<uint8_t>(b))))
            live.push_back(static_cast<uint8_t>(b));
        if (live.empty())
          break;
        uint8_t byte = live[rng() % live.size()];
        text += static_cast<char>(byte);
        s = minimal->step(s, byte);
      }
      if (!text.empty() && rng() % 3 == 0)
        text[rng() % text.size()] = static_cast<char>(rng() % 256);
      ByteDfa::State a = minimal->start(), b = built->start();
      for (size_t i = 0;; ++i) {
        ASSERT_EQ(minimal->accepting(a), built->accepting(b)) << text;
        ASSERT_EQ(minimal->shortestAccept(a), built->shortestAccept(b))
            << "after " << i << " bytes of '" << text << "'";
        ++prefixes;
        if (i == text.size())
          break;
        a = minimal->step(a, static_cast<uint8_t>(text[i]));
        b = built->step(b, static_cast<uint8_t>(text[i]));
      }
    }
  }
  EXPECT_GT(lazy, 60); // most patterns need more than 2 states
  EXPECT_GT(prefixes, 30'000);
}

TEST(LazyDfa, MasksMatchTheByteDefinitionWithAndWithoutBudgets) {
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/2);
  ConstraintVocabulary vocabulary = generated.constraintVocabulary();
  std::vector<int32_t> byteTokens = singleByteTokens(generated.bytes);
  int64_t masks = 0;
  std::vector<std::string> patterns = testPatterns();
  patterns.push_back(kNthFromTheEnd);
  for (const std::string &pattern : patterns) {
    SCOPED_TRACE(pattern);
    auto constraint = *Constraint::fromRegex(pattern, lazyLimits());
    // The reference steps the constraint's own DFA: lazy state numbers
    // are those of the order in which walks built them.
    const ByteDfa &dfa = constraint->grammar().rule(0).dfa;
    ConstraintMasks cached(constraint, vocabulary);
    for (const ReachedState &at : firstStates(dfa, 60)) {
      ConstraintMatcher matcher(cached);
      ASSERT_TRUE(acceptText(matcher, at.text, byteTokens));
      for (uint32_t left : {kNoBudget, 0u, 1u, 2u, 3u, 5u, 21u}) {
        std::vector<uint8_t> expected = referenceMask(
            dfa, generated.bytes, vocabulary.eosIds, at.state, left);
        ASSERT_TRUE(equalsReference(matcher.allowedTokens(left), expected))
            << "after '" << at.text << "' with " << left << " left";
        ++masks;
      }
      EXPECT_FALSE(matcher.failure());
    }
  }
  EXPECT_GT(masks, 5000);
}

TEST(LazyDfa, ABudgetThatRunsOutIsAnErrorNotAVerdict) {
  AutomatonLimits limits;
  limits.maxLazyStates = 40;
  auto constraint = *Constraint::fromRegex(kNthFromTheEnd, limits);
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/1, 100);
  ConstraintVocabulary vocabulary = generated.constraintVocabulary();
  ConstraintMasks masks(constraint, vocabulary);
  ConstraintMatcher matcher(masks);
  EXPECT_FALSE(matcher.failure());
  // Each new 'a' or 'b' near the start is a new state: 40 run out soon.
  std::mt19937_64 rng(3);
  std::vector<int32_t> byteTokens = singleByteTokens(generated.bytes);
  int accepted = 0;
  while (!matcher.failure() && accepted < 200) {
    matcher.allowedTokens(kNoBudget);
    if (matcher.accept(byteTokens[rng() % 2 ? 'a' : 'b']))
      ++accepted;
  }
  ASSERT_TRUE(matcher.failure());
  EXPECT_EQ(*matcher.failure(), "automaton built lazily exceeds 40 states");
  std::span<const uint64_t> none = matcher.allowedTokens(kNoBudget);
  EXPECT_TRUE(std::all_of(none.begin(), none.end(),
                          [](uint64_t word) { return word == 0; }));
  // A check no longer gives a verdict, but says why.
  ConstraintCheck check = constraint->check(std::string(30, 'b') + "ab");
  EXPECT_FALSE(check.accepted);
  EXPECT_EQ(check.failure, "automaton built lazily exceeds 40 states");
}

TEST(LazyDfa, TheMemoryOfItsStatesIsBoundedToo) {
  AutomatonLimits limits;
  limits.maxLazyEntries = 500; // NFA states of the sets, and transitions
  sgl::Expected<ByteDfa> dfa = compileRegex(kNthFromTheEnd, limits);
  ASSERT_TRUE(dfa && dfa->lazy());
  std::mt19937_64 rng(4);
  for (int i = 0; i < 100 && !dfa->lazy()->budget().exhausted(); ++i)
    dfa->matches(randomAbText(rng));
  EXPECT_EQ(dfa->lazy()->budget().error(),
            "automaton built lazily needs more than 500 entries of memory "
            "(NFA states in its sets, and transitions)");
  EXPECT_LT(dfa->numStates(), 100);
}

TEST(LazyDfa, AGrammarRuleIsBuiltLazilyAndCallsAsAnyOther) {
  GrammarSource source;
  source.rules.push_back(
      {"tail", seq({re("(a|b)*a(a|b){12}"), re("=\\("), call(1), re("\\)")})});
  source.rules.push_back({"digits", alt({re("[0-9]+"), call(0)})});
  AutomatonLimits limits;
  limits.maxDfaStates = 1000; // the first rule needs 2^13
  sgl::Expected<Grammar> grammar = compileGrammar(source, limits);
  ASSERT_TRUE(grammar) << grammar.error().message;
  EXPECT_TRUE(grammar->hasLazyRules());
  EXPECT_NE(grammar->rule(0).dfa.lazy(), nullptr);
  EXPECT_EQ(grammar->rule(1).dfa.lazy(), nullptr);
  EXPECT_EQ(grammar->shortestLength(0), 13u + 4u);
  std::mt19937_64 rng(9);
  int matched = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string text = randomText(source, rng, 3);
    if (rng() % 4 == 0 && !text.empty())
      text[rng() % text.size()] = "ab0=()"[rng() % 6];
    bool expected = GrammarReference(source, text).matches();
    ASSERT_EQ(grammar->matches(text), expected) << text;
    matched += expected;
  }
  EXPECT_GT(matched, 1000);
  EXPECT_FALSE(grammar->lazyFailure());
}

} // namespace

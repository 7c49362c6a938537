//===- ConstraintMasksTest.cpp - Grammar token masks by brute force -------===//
//
// Along random walks through recursive grammars, every mask is compared
// with the brute-force one: each token's bytes run through the grammar's
// stacks from the walk's text so far, with no trie, no per-top split and no
// cache. Budget-aware masks are checked against their definition, and the
// promise behind them: draws within a budget that covers the shortest
// match always end accepted.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/GrammarFrames.h"
#include "runtime/constraints/JsonSchema.h"
#include "runtime/constraints/RegexCompiler.h"
#include "runtime/constraints/TokenSlice.h"

#include "GeneratedVocabulary.h"
#include "GrammarReference.h"
#include "TestGrammars.h"

#include <gtest/gtest.h>

#include <random>

using namespace sgl::runtime::constraints;
using namespace sgl::runtime::constraints::test;

namespace {

ConstraintVocabulary makeVocabulary(const GeneratedVocabulary &generated) {
  return ConstraintVocabulary{
      VocabularyTrie(generated.tokens(), generated.vocabSize()),
      generated.bytes,
      {generated.eosId},
      nullptr};
}

bool allows(std::span<const uint64_t> mask, int32_t id) {
  return (mask[static_cast<size_t>(id) / 64] >> (id % 64)) & 1;
}

/// The stacks after `text`, from scratch.
std::vector<Frame> stacksAfter(FrameStepper &stepper, std::string_view text) {
  std::vector<Frame> frames = stepper.initial();
  for (char byte : text)
    stepper.step(frames, static_cast<uint8_t>(byte));
  return frames;
}

/// Bytes still needed after `text`: kNoPath when it cannot be finished.
uint32_t bytesLeft(const Grammar &grammar, std::string_view text) {
  FrameArena arena;
  FrameStepper stepper(grammar, arena);
  std::vector<Frame> frames = stacksAfter(stepper, text);
  return frames.empty() ? UINT32_MAX : stepper.shortest(frames);
}

struct Walker {
  std::mt19937_64 rng;
  /// A random allowed token, EOS only when it is the only one (or by luck
  /// once the text is long), -1 when none is allowed.
  int32_t pick(std::span<const uint64_t> mask, size_t vocab, int32_t eos,
               size_t length) {
    std::vector<int32_t> allowed;
    for (size_t id = 0; id < vocab; ++id)
      if (allows(mask, static_cast<int32_t>(id)))
        allowed.push_back(static_cast<int32_t>(id));
    if (allowed.empty())
      return -1;
    bool eosAllowed = allows(mask, eos);
    if (eosAllowed && (allowed.size() == 1 || (length > 30 && rng() % 4 == 0)))
      return eos;
    int32_t id;
    do
      id = allowed[rng() % allowed.size()];
    while (id == eos);
    return id;
  }
};

/// Masks along random walks through every test grammar equal the brute
/// force: each token's bytes stepped through the grammar on their own.
void checkMasksAlongRandomWalks(const AutomatonLimits &limits) {
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/5, 600);
  ConstraintVocabulary vocabulary = makeVocabulary(generated);
  const auto vocab = static_cast<int32_t>(generated.vocabSize());
  int64_t pairs = 0, allowedTotal = 0;
  Walker walker{std::mt19937_64(11)};
  for (const NamedGrammar &g : testGrammars()) {
    SCOPED_TRACE(g.name);
    auto constraint =
        Constraint::fromGrammar(*compileGrammar(g.source, limits));
    ConstraintMasks masks(constraint, vocabulary);
    for (int walk = 0; walk < 80; ++walk) {
      ConstraintMatcher matcher(masks);
      std::string text;
      for (int step = 0; step < 25 && !matcher.finished(); ++step) {
        std::span<const uint64_t> mask = matcher.allowedTokens(1u << 30);
        FrameArena arena;
        FrameStepper stepper(constraint->grammar(), arena);
        for (int32_t id = 0; id < vocab; ++id) {
          bool expected;
          if (id == generated.eosId) {
            expected = GrammarReference(g.source, text).matches();
          } else if (generated.bytes[id].empty()) {
            expected = false;
          } else {
            expected =
                !stacksAfter(stepper, text + generated.bytes[id]).empty();
          }
          ASSERT_EQ(allows(mask, id), expected)
              << "after '" << text << "' token " << id << " '"
              << generated.bytes[id] << "'";
          allowedTotal += expected;
        }
        ++pairs;
        ASSERT_EQ(matcher.accepting(),
                  GrammarReference(g.source, text).matches());
        int32_t id = walker.pick(mask, generated.vocabSize(), generated.eosId,
                                 text.size());
        ASSERT_GE(id, 0) << "a live walk with no token allowed after " << text;
        ASSERT_TRUE(matcher.accept(id));
        if (id != generated.eosId) {
          text += generated.bytes[id];
          ASSERT_TRUE(GrammarReference(g.source, text).viable()) << text;
        }
      }
    }
    ConstraintMasks::Stats stats = masks.stats();
    EXPECT_GT(stats.masksCached, 0);
  }
  EXPECT_GE(pairs, 1000);
  EXPECT_GT(allowedTotal, pairs); // masks are not trivially tiny
}

TEST(ConstraintMasks, EqualBruteForceAlongRandomWalks) {
  checkMasksAlongRandomWalks({});
}

/// Rules of more than 3 DFA states are built lazily (LazyDfa.h).
AutomatonLimits lazyLimits() {
  AutomatonLimits limits;
  limits.maxDfaStates = 3;
  return limits;
}

TEST(ConstraintMasks, EqualBruteForceWithLazyRules) {
  AutomatonLimits limits = lazyLimits();
  for (const NamedGrammar &g : testGrammars())
    EXPECT_TRUE(compileGrammar(g.source, limits)->hasLazyRules()) << g.name;
  checkMasksAlongRandomWalks(limits);
}

/// With budgets, masks refuse exactly the tokens after which the shortest
/// completion no longer fits, and walks that draw from them end accepted.
void checkBudgetsAlongRandomWalks(const AutomatonLimits &limits) {
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/8, 600);
  ConstraintVocabulary vocabulary = makeVocabulary(generated);
  const auto vocab = static_cast<int32_t>(generated.vocabSize());
  Walker walker{std::mt19937_64(3)};
  int64_t narrowedSteps = 0;
  for (const NamedGrammar &g : testGrammars()) {
    SCOPED_TRACE(g.name);
    auto constraint =
        Constraint::fromGrammar(*compileGrammar(g.source, limits));
    ConstraintMasks masks(constraint, vocabulary);
    for (int walk = 0; walk < 60; ++walk) {
      uint32_t budget = constraint->shortestBytes() + walk % 24;
      ConstraintMatcher matcher(masks);
      std::string text;
      bool ended = false;
      for (uint32_t left = budget; left > 0 && !ended; --left) {
        std::vector<uint64_t> full(matcher.allowedTokens(1u << 30).begin(),
                                   matcher.allowedTokens(1u << 30).end());
        std::span<const uint64_t> mask = matcher.allowedTokens(left);
        for (int32_t id = 0; id < vocab; ++id) {
          if (!allows(full, id) || id == generated.eosId) {
            ASSERT_EQ(allows(mask, id), allows(full, id)) << id;
            continue;
          }
          bool fits = bytesLeft(constraint->grammar(),
                                text + generated.bytes[id]) <= left - 1;
          ASSERT_EQ(allows(mask, id), fits)
              << "after '" << text << "' with " << left << " left, token '"
              << generated.bytes[id] << "'";
          narrowedSteps += !fits;
        }
        int32_t id = walker.pick(mask, generated.vocabSize(), generated.eosId,
                                 text.size());
        ASSERT_GE(id, 0) << "stuck after '" << text << "' with " << left;
        ASSERT_TRUE(matcher.accept(id));
        if (id == generated.eosId)
          ended = true;
        else
          text += generated.bytes[id];
        ended = ended || matcher.finished();
      }
      ASSERT_TRUE(matcher.accepting())
          << "budget " << budget << " ended at '" << text << "'";
    }
  }
  EXPECT_GT(narrowedSteps, 100); // the budgets did bite
}

TEST(ConstraintMasks, BudgetsAreExactInBytesAndAlwaysEndAccepted) {
  checkBudgetsAlongRandomWalks({});
}

TEST(ConstraintMasks, BudgetsAreExactWithLazyRules) {
  checkBudgetsAlongRandomWalks(lazyLimits());
}

TEST(ConstraintMatcher, FollowsARegex) {
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/2, 200);
  ConstraintVocabulary vocabulary = makeVocabulary(generated);
  auto constraint = Constraint::fromRegex("ab(c|d)[0-9]{2}");
  ASSERT_TRUE(constraint);
  EXPECT_EQ((*constraint)->shortestBytes(), 5u);
  ConstraintMasks masks(*constraint, vocabulary);
  ConstraintMatcher matcher(masks);
  EXPECT_EQ(matcher.forcedBytes(), "ab");
  EXPECT_FALSE(matcher.accept('x'));
  EXPECT_FALSE(matcher.accept(generated.eosId)); // not accepting yet
  for (char c : std::string("abd4"))
    ASSERT_TRUE(matcher.accept(static_cast<uint8_t>(c)));
  EXPECT_FALSE(matcher.accepting());
  EXPECT_FALSE(matcher.finished());
  EXPECT_EQ(matcher.forcedBytes(), "");
  ASSERT_TRUE(matcher.accept('2'));
  EXPECT_TRUE(matcher.accepting());
  EXPECT_TRUE(matcher.finished()); // nothing can follow
  std::span<const uint64_t> mask = matcher.allowedTokens(10);
  for (int32_t id = 0; id < static_cast<int32_t>(generated.vocabSize()); ++id)
    EXPECT_EQ(allows(mask, id), id == generated.eosId) << id;
  EXPECT_TRUE(matcher.accept(generated.eosId));
  EXPECT_FALSE(matcher.accept(generated.eosId));
}

TEST(Constraint, ChoicesAndTheirErrors) {
  std::vector<std::string> choices = {"yes", "no", "naïve"};
  auto constraint = Constraint::fromChoices(choices);
  ASSERT_TRUE(constraint);
  EXPECT_TRUE((*constraint)->check("naïve").accepted);
  EXPECT_FALSE((*constraint)->check("nay").accepted);
  EXPECT_EQ((*constraint)->check("nay").errorOffset, 2u);
  EXPECT_EQ((*constraint)->check("ye").errorOffset, 2u);
  EXPECT_EQ((*constraint)->shortestBytes(), 2u);
  std::vector<std::string> bad = {"ok", "\xff"};
  EXPECT_EQ(Constraint::fromChoices(bad).error().message,
            "choices: choice 2 is not valid UTF-8");
  EXPECT_EQ(Constraint::fromChoices({}).error().message,
            "choices: at least one choice is needed");
  EXPECT_EQ(Constraint::fromRegex("a(").error().message,
            "regex: 1: missing ')' for this '('");
}

} // namespace

namespace {

TEST(TokenSlice, AbsorbsTheRunsAStateSurvives) {
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/4, 300);
  VocabularyTrie trie(generated.tokens(), generated.vocabSize());
  std::vector<TokenSlice> slices = standardTokenSlices(trie);
  ASSERT_EQ(slices.size(), 6u);
  const TokenSlice &slice = slices[0];
  EXPECT_EQ(slice.name(), "string content");
  auto absorbed = [&](const TokenSlice &by, const char *pattern,
                      size_t prefix = 0) {
    ByteDfa dfa = *compileRegex(pattern);
    std::string_view text(pattern);
    return by.absorb(dfa, dfa.walk(dfa.start(), text.substr(0, prefix))).chars;
  };
  EXPECT_EQ(absorbed(slice, "\"([^\"\\\\]|\\\\.)*\"", 1), TokenSlice::kAny);
  EXPECT_EQ(absorbed(slice, ".*"), TokenSlice::kAny);
  EXPECT_EQ(absorbed(slice, "[^\"]{0,3}x"), 3);
  EXPECT_EQ(absorbed(slice, "[a-z]*"), 0);
  // The narrower slices, by name.
  auto named = [&](const char *name) -> const TokenSlice & {
    for (const TokenSlice &s : slices)
      if (s.name() == name)
        return s;
    ADD_FAILURE() << "no slice " << name;
    return slices[0];
  };
  EXPECT_EQ(absorbed(named("lower-case letters"), "[a-z]*"), TokenSlice::kAny);
  EXPECT_EQ(absorbed(named("word characters"), "[a-z]*"), 0);
  EXPECT_EQ(absorbed(named("word characters"), "[\\w.-]+@"), TokenSlice::kAny);
  EXPECT_EQ(absorbed(named("letters and digits"), "[A-Za-z0-9]{0,5}"), 5);
  EXPECT_EQ(absorbed(named("no white space"), "[^ ]*"), TokenSlice::kAny);
  EXPECT_EQ(absorbed(named("no white space"), "[^ a]*"), 0);
  EXPECT_EQ(absorbed(named("a line"), "[^\\n]*"), TokenSlice::kAny);
  EXPECT_EQ(slice.numTokensUpTo(TokenSlice::kAny) >
                named("word characters").numTokensUpTo(TokenSlice::kAny),
            true);
  EXPECT_EQ(slice.maskCountAtMost(3), 3);
  EXPECT_EQ(slice.maskCountAtMost(7), 6);
  EXPECT_EQ(slice.maskCountAtMost(0), 0);
  // The mask of one character: single characters, whole or cut.
  std::span<const uint64_t> one = slice.tokensUpTo(1);
  EXPECT_TRUE(allows(one, 'a'));
  EXPECT_FALSE(allows(one, '"'));
  EXPECT_FALSE(allows(one, '\\'));
  EXPECT_FALSE(allows(one, '\n'));
  EXPECT_TRUE(allows(one, 0xc3));  // a lead byte: a cut character
  EXPECT_FALSE(allows(one, 0xa9)); // a continuation byte cannot start
}

/// Grammars whose states sit inside strings: free, bounded and escaped.
std::vector<NamedGrammar> stringGrammars() {
  std::vector<NamedGrammar> grammars = testGrammars();
  GrammarSource strings;
  strings.rules.push_back(
      {"list",
       seq({re("\\["), opt(seq({call(1), star(seq({re(", "), call(1)}))})),
            re("\\]")})});
  strings.rules.push_back({"item", alt({re("\"([^\"\\\\]|\\\\[\"\\\\n])*\""),
                                        re("\"[^\"\\\\]{0,4}\""), call(0)})});
  grammars.push_back({"strings", std::move(strings)});
  return grammars;
}

TEST(TokenSlice, MasksAreTheSameWithAndWithoutThem) {
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/6, 800);
  ConstraintVocabulary plain = makeVocabulary(generated);
  ConstraintVocabulary sliced = makeVocabulary(generated);
  sliced.slices = std::make_shared<const std::vector<TokenSlice>>(
      standardTokenSlices(sliced.trie));
  Walker walker{std::mt19937_64(9)};
  int64_t compared = 0;
  std::vector<NamedGrammar> grammars = stringGrammars();
  std::vector<std::shared_ptr<Constraint>> constraints;
  for (const NamedGrammar &g : grammars)
    constraints.push_back(Constraint::fromGrammar(*compileGrammar(g.source)));
  constraints.push_back(*Constraint::fromRegex("\"([^\"\\\\]|\\\\.){0,40}\""));
  for (const char *pattern :
       {"[a-z]{0,30}!", "[\\w.-]+@[a-z]+", "[^ ]{2,}", "([A-Za-z0-9]|é)*"})
    constraints.push_back(*Constraint::fromRegex(pattern));
  for (size_t c = 0; c < constraints.size(); ++c) {
    const auto &constraint = constraints[c];
    ConstraintMasks plainMasks(constraint, plain);
    ConstraintMasks slicedMasks(constraint, sliced);
    for (int walk = 0; walk < 30; ++walk) {
      ConstraintMatcher a(plainMasks), b(slicedMasks);
      size_t length = 0;
      for (int step = 0; step < 30 && !a.finished(); ++step) {
        uint32_t left = step % 3 == 0 ? 6 : 1u << 30; // budgets too
        std::span<const uint64_t> expected = a.allowedTokens(left);
        std::span<const uint64_t> actual = b.allowedTokens(left);
        ASSERT_TRUE(std::equal(expected.begin(), expected.end(), actual.begin(),
                               actual.end()))
            << "walk " << walk << " step " << step;
        ++compared;
        int32_t id =
            walker.pick(a.allowedTokens(1u << 30), generated.vocabSize(),
                        generated.eosId, length);
        ASSERT_GE(id, 0);
        ASSERT_TRUE(a.accept(id));
        ASSERT_TRUE(b.accept(id));
        length += generated.bytes[id].size();
      }
    }
    EXPECT_EQ(plainMasks.stats().sliceSplits, 0);
    // The test grammars' strings hold only [a-z ]: no slice there.
    if (c >= testGrammars().size()) {
      EXPECT_GT(slicedMasks.stats().sliceSplits, 0);
    }
  }
  EXPECT_GT(compared, 1000);
}

TEST(TokenSlice, AKeyOnTheNamesTrieTakesStringContentFromTheSlice) {
  // Inside a key that may still become a declared name, or leave the
  // names for any other key, every run of string content is allowed: the
  // mask takes those tokens from the content slice. (With the free rest a
  // call of a content rule, the slice could not see past the call, and
  // each such state walked the whole vocabulary: about 1 ms with Llama 3.)
  GeneratedVocabulary generated = generateVocabulary(/*seed=*/6, 800);
  ConstraintVocabulary plain = generated.constraintVocabulary(false);
  ConstraintVocabulary sliced = generated.constraintVocabulary(true);
  sgl::Expected<std::shared_ptr<Constraint>> constraint = compileJsonSchema(
      R"({"properties": {"ab": {"type": "integer"}, "b": {"type": "integer"}}})");
  ASSERT_TRUE(constraint) << constraint.error().message;
  ConstraintMasks plainMasks(*constraint, plain);
  ConstraintMasks slicedMasks(*constraint, sliced);
  ConstraintMatcher a(plainMasks), b(slicedMasks);
  for (char c : std::string(R"({"a)")) { // single bytes are their own ids
    ASSERT_TRUE(a.accept(static_cast<uint8_t>(c)));
    ASSERT_TRUE(b.accept(static_cast<uint8_t>(c)));
  }
  int64_t before = slicedMasks.stats().sliceSplits;
  std::span<const uint64_t> expected = a.allowedTokens(1u << 30);
  std::span<const uint64_t> actual = b.allowedTokens(1u << 30);
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), actual.begin(),
                         actual.end()));
  EXPECT_EQ(slicedMasks.stats().sliceSplits, before + 1);
  // The walk skips the content tokens: under half the steps (908 of 1926
  // here; 1719 with a content call).
  EXPECT_LT(2 * slicedMasks.stats().automatonSteps,
            plainMasks.stats().automatonSteps);
}

} // namespace

//===- SamplerTest.cpp - Greedy, temperature, min-p, top-k, top-p, seeds -===//
#include "runtime/sampling/Sampler.h"
#include "runtime/sampling/Rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace sgl::runtime;

namespace {

/// Logits whose softmax is proportional to `weights`.
std::vector<float> logitsFor(std::initializer_list<double> weights) {
  std::vector<float> out;
  for (double w : weights)
    out.push_back(static_cast<float>(std::log(w)));
  return out;
}

void expectDistribution(const Distribution &d, std::vector<int32_t> ids,
                        std::vector<double> probs) {
  ASSERT_EQ(d.ids, ids);
  ASSERT_EQ(d.probs.size(), probs.size());
  for (size_t i = 0; i < probs.size(); ++i)
    EXPECT_NEAR(d.probs[i], probs[i], 1e-6) << "entry " << i;
}

TEST(Rng, SplitMix64MatchesReferenceOutputs) {
  // Published outputs of splitmix64 seeded with 1234567.
  uint64_t state = 1234567;
  EXPECT_EQ(splitMix64(state), 6457827717110365317ull);
  EXPECT_EQ(splitMix64(state), 3203168211198807973ull);
  EXPECT_EQ(splitMix64(state), 9817491932198370423ull);
}

TEST(Rng, XoshiroSequenceIsFixed) {
  // From an independent Python implementation of xoshiro256** seeded
  // through splitmix64.
  Rng rng(42);
  EXPECT_EQ(rng.next(), 1546998764402558742ull);
  EXPECT_EQ(rng.next(), 6990951692964543102ull);
  EXPECT_EQ(rng.next(), 12544586762248559009ull);
  Rng seven(7);
  EXPECT_DOUBLE_EQ(seven.uniform(), 0.7005764821796896);
  EXPECT_DOUBLE_EQ(seven.uniform(), 0.2787512294737843);
}

TEST(Rng, MixSeedSeparatesStepsAndSeeds) {
  EXPECT_EQ(mixSeed(0, 0), 7960286522194355700ull);
  EXPECT_EQ(mixSeed(0, 1), 8468297219712610898ull);
  EXPECT_EQ(mixSeed(1, 0), 13757245211066428519ull);
}

TEST(Sampler, ArgmaxBreaksTiesTowardLowestId) {
  std::vector<float> logits = {1.0f, 3.0f, 3.0f, 2.0f};
  EXPECT_EQ(argmax(logits), 1);
  std::vector<float> allEqual(5, 0.5f);
  EXPECT_EQ(argmax(allEqual), 0);
}

TEST(Sampler, ArgmaxSkipsNaN) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> logits = {nan, -4.0f, nan, -3.0f};
  EXPECT_EQ(argmax(logits), 3);
  std::vector<float> allNaN = {nan, nan};
  EXPECT_EQ(argmax(allNaN), -1);
}

TEST(Sampler, GreedyIgnoresTheGenerator) {
  std::vector<float> logits = {0.1f, 0.9f, 0.9f, 0.3f};
  SamplingParams greedy;
  greedy.temperature = 0.0f;
  Rng used(5), fresh(5);
  EXPECT_EQ(sampleToken(logits, greedy, used), 1);
  EXPECT_EQ(used.next(), fresh.next()) << "greedy must not draw a number";
}

TEST(Sampler, LogSoftmaxOfKnownDistribution) {
  std::vector<double> lp = logSoftmax(logitsFor({1, 3}));
  ASSERT_EQ(lp.size(), 2u);
  EXPECT_NEAR(lp[0], std::log(0.25), 1e-7);
  EXPECT_NEAR(lp[1], std::log(0.75), 1e-7);
  // Shift invariance with large logits (no overflow).
  std::vector<float> big = {1000.0f, 1000.0f};
  std::vector<double> half = logSoftmax(big);
  EXPECT_NEAR(half[0], std::log(0.5), 1e-12);
}

TEST(Sampler, TemperatureOneKeepsIdOrderAndSoftmax) {
  SamplingParams p; // T = 1, no top-k, no top-p
  expectDistribution(buildDistribution(logitsFor({1, 3}), p), {0, 1},
                     {0.25, 0.75});
}

TEST(Sampler, TemperatureSharpensAndFlattens) {
  SamplingParams p;
  p.temperature = 0.5f; // weights squared: 1 : 9
  expectDistribution(buildDistribution(logitsFor({1, 3}), p), {0, 1},
                     {0.1, 0.9});
  p.temperature = 2.0f; // square roots: 1 : 2
  expectDistribution(buildDistribution(logitsFor({1, 4}), p), {0, 1},
                     {1.0 / 3, 2.0 / 3});
}

TEST(Sampler, TopKKeepsTheKMostLikely) {
  SamplingParams p;
  p.topK = 2;
  expectDistribution(buildDistribution(logitsFor({1, 2, 3, 4}), p), {3, 2},
                     {4.0 / 7, 3.0 / 7});
  p.topK = 1;
  expectDistribution(buildDistribution(logitsFor({1, 2, 3, 4}), p), {3}, {1.0});
  p.topK = 10; // larger than the vocabulary: off
  expectDistribution(buildDistribution(logitsFor({1, 2, 3, 4}), p),
                     {0, 1, 2, 3}, {0.1, 0.2, 0.3, 0.4});
}

TEST(Sampler, TopKTiesGoToLowerIds) {
  SamplingParams p;
  p.topK = 2;
  std::vector<float> logits = {0.0f, 1.0f, 1.0f, 1.0f};
  expectDistribution(buildDistribution(logits, p), {1, 2}, {0.5, 0.5});
}

TEST(Sampler, TopPKeepsTheSmallestPrefixReachingP) {
  SamplingParams p;
  std::vector<float> logits = logitsFor({1, 2, 3, 4}); // 0.1 .. 0.4
  p.topP = 0.35f;                                      // 0.4 alone reaches it
  expectDistribution(buildDistribution(logits, p), {3}, {1.0});
  p.topP = 0.5f; // 0.4 < 0.5, 0.7 >= 0.5
  expectDistribution(buildDistribution(logits, p), {3, 2}, {4.0 / 7, 3.0 / 7});
  p.topP = 0.75f; // 0.7 < 0.75, 0.9 >= 0.75
  expectDistribution(buildDistribution(logits, p), {3, 2, 1},
                     {4.0 / 9, 3.0 / 9, 2.0 / 9});
  p.topP = 1.0f; // off: id order
  expectDistribution(buildDistribution(logits, p), {0, 1, 2, 3},
                     {0.1, 0.2, 0.3, 0.4});
}

TEST(Sampler, TopKThenTopPOnTheRenormalizedRest) {
  SamplingParams p;
  p.topK = 3;    // 0.4 0.3 0.2 -> 4/9 3/9 2/9
  p.topP = 0.7f; // 4/9 < 0.7, 7/9 >= 0.7
  expectDistribution(buildDistribution(logitsFor({1, 2, 3, 4}), p), {3, 2},
                     {4.0 / 7, 3.0 / 7});
}

TEST(Sampler, MinPKeepsTokensNearTheMostLikely) {
  SamplingParams p;
  std::vector<float> logits = logitsFor({1, 2, 3, 4}); // 0.1 .. 0.4
  p.minP = 0.3f; // keeps p >= 0.12, in id order (no top-k/top-p)
  expectDistribution(buildDistribution(logits, p), {1, 2, 3},
                     {2.0 / 9, 3.0 / 9, 4.0 / 9});
  p.minP = 0.7f; // keeps p >= 0.28
  expectDistribution(buildDistribution(logits, p), {2, 3}, {3.0 / 7, 4.0 / 7});
  p.minP = 1.0f; // only the most likely
  expectDistribution(buildDistribution(logits, p), {3}, {1.0});
  p.minP = 0.0f; // off
  expectDistribution(buildDistribution(logits, p), {0, 1, 2, 3},
                     {0.1, 0.2, 0.3, 0.4});
}

TEST(Sampler, MinPComesAfterTemperature) {
  SamplingParams p;
  p.temperature = 0.5f; // weights squared: 1 4 9 16, ratios 1/16 .. 1
  p.minP = 0.3f;        // 9/16 and 16/16 stay (at T = 1: 1, 2 and 3)
  expectDistribution(buildDistribution(logitsFor({1, 2, 3, 4}), p), {2, 3},
                     {9.0 / 25, 16.0 / 25});
}

TEST(Sampler, MinPComesBeforeTopKAndTopP) {
  SamplingParams p;
  p.minP = 0.3f;  // 1, 2, 3 stay: 2/9 3/9 4/9
  p.topP = 0.75f; // 4/9 < 0.75 <= 7/9; top-p first would keep 3, 2 and 1
  expectDistribution(buildDistribution(logitsFor({1, 2, 3, 4}), p), {3, 2},
                     {4.0 / 7, 3.0 / 7});
  SamplingParams k;
  k.minP = 0.6f; // 2 and 3 stay
  k.topK = 3;    // more than min-p left: off, id order
  expectDistribution(buildDistribution(logitsFor({1, 2, 3, 4}), k), {2, 3},
                     {3.0 / 7, 4.0 / 7});
  k.topK = 1;
  expectDistribution(buildDistribution(logitsFor({1, 2, 3, 4}), k), {3}, {1.0});
}

TEST(Sampler, MinPDoesNotChangeGreedy) {
  SamplingParams p;
  p.temperature = 0.0f;
  p.minP = 1.0f;
  Rng rng(3);
  EXPECT_EQ(sampleToken(logitsFor({4, 1, 3}), p, rng), 0);
}

TEST(Sampler, MinusInfinityIsNeverACandidate) {
  SamplingParams p;
  std::vector<float> logits = {-std::numeric_limits<float>::infinity(), 0.0f,
                               0.0f};
  expectDistribution(buildDistribution(logits, p), {1, 2}, {0.5, 0.5});
}

TEST(Sampler, SeededDrawsAreExact) {
  // Rng(7)'s uniforms: .70 .28 .84 .98 .99 .87 .06 .10 .40 .15; with
  // P(0) = 0.25 a draw is 0 exactly when u < 0.25.
  SamplingParams p;
  std::vector<float> logits = logitsFor({1, 3});
  Rng rng(7);
  std::vector<int32_t> got;
  for (int i = 0; i < 10; ++i)
    got.push_back(sampleToken(logits, p, rng));
  EXPECT_EQ(got, (std::vector<int32_t>{1, 1, 1, 1, 1, 1, 0, 0, 1, 0}));

  // Sorted candidates (top-p on): 3 (.4), 2 (.3), 1 (.2), 0 (.1) walked in
  // that order with Rng(2024)'s uniforms.
  p.topP = 0.999f;
  Rng rng2(2024);
  got.clear();
  for (int i = 0; i < 10; ++i)
    got.push_back(sampleToken(logitsFor({1, 2, 3, 4}), p, rng2));
  EXPECT_EQ(got, (std::vector<int32_t>{3, 1, 3, 3, 1, 3, 3, 3, 2, 3}));
}

TEST(Sampler, DrawFrequenciesFollowTheDistribution) {
  SamplingParams p;
  p.temperature = 1.0f;
  std::vector<float> logits = logitsFor({1, 2, 3, 4});
  Rng rng(99);
  std::vector<int> counts(4, 0);
  const int n = 40000;
  for (int i = 0; i < n; ++i)
    ++counts[sampleToken(logits, p, rng)];
  for (int id = 0; id < 4; ++id)
    EXPECT_NEAR(counts[id] / double(n), 0.1 * (id + 1), 0.01) << "id " << id;
}

TEST(Sampler, SameSeedSameTokensDifferentSeedDiffers) {
  std::vector<float> logits(1000);
  for (size_t i = 0; i < logits.size(); ++i)
    logits[i] = static_cast<float>(std::sin(i * 0.37) * 3.0);
  SamplingParams p;
  p.temperature = 1.5f;
  p.topK = 50;
  p.topP = 0.95f;
  auto run = [&](uint64_t seed) {
    Rng rng(seed);
    std::vector<int32_t> out;
    for (int i = 0; i < 32; ++i)
      out.push_back(sampleToken(logits, p, rng));
    return out;
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_NE(run(1), run(2));
}

/// A 128k-token vocabulary with distinct, unordered logits.
std::vector<float> bigVocabulary() {
  std::vector<float> logits(131072);
  Rng rng(17);
  for (float &l : logits)
    l = static_cast<float>(rng.uniform() * 20.0 - 10.0);
  return logits;
}

// The cost of one step must not depend on top_k / top_p: the old sampler
// sorted the whole vocabulary whenever top_p < 1 and top_k did not cut it
// (top_k 4294967295, top_p 0.0001: ~17 comparisons per token, 76 s per gen
// on a real model), or partial-sorted k of it.
TEST(Sampler, CostIsLinearInTheVocabularyWhateverTheParameters) {
  const std::vector<float> logits = bigVocabulary();
  const int64_t n = static_cast<int64_t>(logits.size());
  struct Case {
    const char *name;
    SamplingParams params;
  };
  std::vector<Case> cases = {
      {"huge top_k, tiny top_p", {1.0f, 0.0001f, 4294967295u}},
      {"top_k = vocab - 1", {1.0f, 1.0f, uint32_t(n - 1)}},
      {"top_k = vocab / 2, top_p 0.9", {0.7f, 0.9f, uint32_t(n / 2)}},
      {"huge temperature, top_p near 1", {3e38f, 0.9999f, 0}},
      {"tiny temperature, top_p 0.5", {1e-30f, 0.5f, 0}},
      {"min_p 0.01, huge top_k, top_p 0.9", {1.0f, 0.9f, 4294967295u, 0.01f}},
      {"min_p 0.001 alone", {1.0f, 1.0f, 0, 0.001f}},
  };
  for (const Case &c : cases) {
    for (uint64_t seed : {1, 2, 3}) {
      SamplingCost cost;
      Rng rng(seed);
      int32_t id = sampleToken(logits, c.params, rng, &cost);
      EXPECT_GE(id, 0) << c.name;
      // Selections take 3.5 n to 6.5 n comparisons here; a sort of the
      // vocabulary alone takes n log2(n) = 17 n.
      EXPECT_LT(cost.comparisons, 8 * n) << c.name << ", seed " << seed;
    }
  }
}

// The selection-based draw picks what walking the sorted distribution
// picks.
TEST(Sampler, SampleTokenDrawsWhatDrawFromPicks) {
  std::vector<float> logits(5000);
  for (size_t i = 0; i < logits.size(); ++i)
    logits[i] = static_cast<float>(std::sin(i * 0.731) * 4.0 +
                                   (i % 7 == 0 ? 1.0 : 0.0));
  logits[17] = logits[4000]; // a tie, broken toward the lower id
  std::vector<SamplingParams> params = {
      {1.0f, 0.9f, 0},          {0.5f, 1.0f, 40},        {1.3f, 0.5f, 300},
      {2.0f, 0.999f, 0},        {1.0f, 1.0f, 0},         {0.8f, 0.0f, 0},
      {1.0f, 0.95f, 4999},      {1.0f, 1.0f, 0, 0.05f},  {1.2f, 0.9f, 0, 0.02f},
      {0.7f, 1.0f, 2000, 0.1f}, {1.0f, 0.999f, 30, 0.5f}};
  for (const SamplingParams &p : params) {
    Distribution d = buildDistribution(logits, p);
    for (uint64_t seed = 0; seed < 200; ++seed) {
      Rng a(seed), b(seed);
      ASSERT_EQ(sampleToken(logits, p, a), drawFrom(d, b))
          << "T " << p.temperature << " top_p " << p.topP << " top_k " << p.topK
          << " min_p " << p.minP << " seed " << seed;
      EXPECT_EQ(a.next(), b.next()) << "one uniform per draw";
    }
  }
}

TEST(Sampler, ExtremeParametersStayFinite) {
  std::vector<float> logits = logitsFor({1, 2, 3, 4});
  SamplingParams p;
  // A temperature so small that only the largest logit keeps any weight:
  // the draw is the greedy token.
  p.temperature = 1e-30f;
  expectDistribution(buildDistribution(logits, p), {0, 1, 2, 3},
                     {0.0, 0.0, 0.0, 1.0});
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Rng rng(seed);
    EXPECT_EQ(sampleToken(logits, p, rng), 3);
  }
  p.topK = 2;
  expectDistribution(buildDistribution(logits, p), {3, 2}, {1.0, 0.0});
  // Huge (and infinite) temperatures flatten, without inf or NaN.
  for (float t : {3e38f, std::numeric_limits<float>::infinity()}) {
    SamplingParams flat;
    flat.temperature = t;
    expectDistribution(buildDistribution(logits, flat), {0, 1, 2, 3},
                       {0.25, 0.25, 0.25, 0.25});
    flat.topP = 0.5f; // equal probabilities, still ranked by logit
    expectDistribution(buildDistribution(logits, flat), {3, 2}, {0.5, 0.5});
  }
  // top_k at or past the vocabulary is off; top_p at or below 0 keeps the
  // most likely token, NaN or 1 is off.
  SamplingParams q;
  q.topK = 4294967295u;
  expectDistribution(buildDistribution(logits, q), {0, 1, 2, 3},
                     {0.1, 0.2, 0.3, 0.4});
  for (float topP : {0.0f, -1.0f, 1e-30f}) {
    q.topP = topP;
    expectDistribution(buildDistribution(logits, q), {3}, {1.0});
  }
  for (float topP : {1.0f, std::numeric_limits<float>::quiet_NaN()}) {
    q.topP = topP;
    expectDistribution(buildDistribution(logits, q), {0, 1, 2, 3},
                       {0.1, 0.2, 0.3, 0.4});
  }
  // NaN or negative temperatures are greedy.
  for (float t : {std::numeric_limits<float>::quiet_NaN(), -1.0f}) {
    SamplingParams g;
    g.temperature = t;
    Rng rng(1);
    EXPECT_EQ(sampleToken(logits, g, rng), 3);
  }
}

} // namespace

// The constraint engine's masks: a masked sampler only ever returns an
// allowed id, greedy or not, and says so when nothing is allowed.
TEST(Sampler, MaskedSamplingPicksOnlyAllowedTokens) {
  const size_t vocab = 130;
  std::vector<float> base(vocab);
  for (size_t i = 0; i < vocab; ++i)
    base[i] = static_cast<float>((i * 37) % 11) * 0.5f;
  std::vector<uint64_t> words(TokenMask::wordsFor(vocab), 0);
  for (int32_t id : {3, 64, 65, 129})
    words[id / 64] |= uint64_t{1} << (id % 64);
  const TokenMask mask{words};
  EXPECT_TRUE(mask.allows(64));
  EXPECT_FALSE(mask.allows(63));
  EXPECT_FALSE(mask.allows(130)); // past the vocabulary's words
  EXPECT_FALSE(mask.allows(-1));

  std::vector<float> logits = base;
  EXPECT_EQ(applyTokenMask(logits, mask), 4);
  EXPECT_EQ(logits[3], base[3]);
  EXPECT_EQ(logits[4], -std::numeric_limits<float>::infinity());

  // Greedy: the best allowed id, not the best overall.
  int32_t bestAllowed = 3;
  for (int32_t id : {64, 65, 129})
    if (base[id] > base[bestAllowed])
      bestAllowed = id;
  logits = base;
  Rng rng(1);
  SamplingParams greedy;
  greedy.temperature = 0;
  EXPECT_EQ(sampleMaskedToken(logits, mask, greedy, rng), bestAllowed);

  SamplingParams hot;
  hot.temperature = 5.0f;
  SamplingParams nucleus = hot;
  nucleus.topK = 50;
  nucleus.topP = 0.9f;
  for (const SamplingParams &params : {hot, nucleus})
    for (int i = 0; i < 200; ++i) {
      logits = base;
      int32_t id = sampleMaskedToken(logits, mask, params, rng);
      EXPECT_TRUE(mask.allows(id)) << id;
    }

  std::vector<uint64_t> none(words.size(), 0);
  logits = base;
  EXPECT_EQ(sampleMaskedToken(logits, TokenMask{none}, hot, rng), -1);
}

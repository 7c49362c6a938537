//===- PenaltiesTest.cpp - Repetition, frequency, presence penalties ------===//
//
// Small cases computed by hand from vLLM's definitions (Penalties.h); the
// random ones against NumPy are in SamplingReferenceTest.cpp.
//
//===----------------------------------------------------------------------===//
#include "runtime/sampling/Penalties.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace sgl::runtime;

namespace {

/// `logits` after the penalties of `params` over `prompt` and `output`.
std::vector<float> penalized(std::vector<float> logits,
                             const SamplingParams &params,
                             std::vector<int32_t> prompt,
                             std::vector<int32_t> output) {
  TokenPenalties penalties;
  penalties.start(params, prompt, output.size());
  for (int32_t id : output)
    penalties.addOutput(id);
  penalties.apply(logits);
  return logits;
}

TEST(Penalties, RepetitionDividesPositiveAndMultipliesNegativeLogits) {
  SamplingParams p;
  p.repetitionPenalty = 2.0f;
  // 0 and 1 in the prompt, 3 in the output; 2 and 4 in neither.
  EXPECT_EQ(penalized({2.0f, -1.0f, 0.5f, 3.0f, -2.0f}, p, {0, 1}, {3}),
            (std::vector<float>{1.0f, -2.0f, 0.5f, 1.5f, -2.0f}));
  // Once per id, however often it occurs, in the prompt, the output or
  // both.
  EXPECT_EQ(penalized({2.0f, 4.0f}, p, {0, 0, 0, 1}, {1, 1, 0}),
            (std::vector<float>{1.0f, 2.0f}));
  // A penalty below 1 favours repeats; a zero logit stays zero.
  p.repetitionPenalty = 0.5f;
  EXPECT_EQ(penalized({2.0f, -1.0f, 0.0f}, p, {0, 1, 2}, {}),
            (std::vector<float>{4.0f, -0.5f, 0.0f}));
}

TEST(Penalties, FrequencyCountsOutputOccurrencesOnly) {
  SamplingParams p;
  p.frequencyPenalty = 0.5f;
  // 1 twice, 2 once in the output; 0 only in the prompt.
  EXPECT_EQ(penalized({1.0f, 1.0f, 1.0f, 1.0f}, p, {0, 0}, {1, 2, 1}),
            (std::vector<float>{1.0f, 0.0f, 0.5f, 1.0f}));
  p.frequencyPenalty = -1.0f; // negative: repeats get likelier
  EXPECT_EQ(penalized({1.0f, 1.0f, 1.0f}, p, {}, {2, 2, 2}),
            (std::vector<float>{1.0f, 1.0f, 4.0f}));
}

TEST(Penalties, PresenceSubtractsOncePerOutputId) {
  SamplingParams p;
  p.presencePenalty = 0.75f;
  EXPECT_EQ(penalized({1.0f, 1.0f, 1.0f, 1.0f}, p, {0}, {1, 2, 1, 1}),
            (std::vector<float>{1.0f, 0.25f, 0.25f, 1.0f}));
  p.presencePenalty = -2.0f;
  EXPECT_EQ(penalized({1.0f, 1.0f}, p, {}, {0}),
            (std::vector<float>{3.0f, 1.0f}));
}

TEST(Penalties, AllThreeApplyInVllmOrder) {
  SamplingParams p;
  p.repetitionPenalty = 2.0f;
  p.frequencyPenalty = 0.5f;
  p.presencePenalty = 0.25f;
  // 0: prompt, 2 / 2 = 1. 1: output once, -1 * 2 - 0.5 - 0.25 = -2.75.
  // 2: neither. 3: output twice, 3 / 2 - 2 * 0.5 - 0.25 = 0.25 (frequency
  // first would give (3 - 1) / 2 - 0.25 = 0.75).
  EXPECT_EQ(penalized({2.0f, -1.0f, 0.5f, 3.0f}, p, {0}, {3, 3, 1}),
            (std::vector<float>{1.0f, -2.75f, 0.5f, 0.25f}));
}

TEST(Penalties, MaskedLogitsStayMaskedAndStrayIdsAreIgnored) {
  const float inf = std::numeric_limits<float>::infinity();
  SamplingParams p;
  p.repetitionPenalty = 1.5f;
  p.frequencyPenalty = -2.0f;
  p.presencePenalty = -2.0f;
  std::vector<float> out =
      penalized({-inf, inf, 1.5f}, p, {0, 1, 7, -3}, {0, 1, 2, 9});
  EXPECT_EQ(out[0], -inf);
  EXPECT_EQ(out[1], inf);
  EXPECT_EQ(out[2], 1.0f + 2.0f + 2.0f);
  p.repetitionPenalty = 3.0f;
  out = penalized({std::nanf("")}, p, {0}, {0});
  EXPECT_TRUE(std::isnan(out[0]));
}

TEST(Penalties, OffLeavesTheLogitsAlone) {
  SamplingParams p; // r = 1, f = 0, p = 0
  TokenPenalties penalties;
  penalties.start(p, std::vector<int32_t>{0, 1, 2}, 8);
  EXPECT_FALSE(penalties.active());
  penalties.addOutput(1);
  std::vector<float> logits = {-0.0f, 1.0f, -3.0f};
  std::vector<float> before = logits;
  penalties.apply(logits);
  EXPECT_EQ(std::memcmp(logits.data(), before.data(), sizeof(float) * 3), 0);
  // A default-constructed one is off too; any one penalty turns it on.
  EXPECT_FALSE(TokenPenalties().active());
  p.presencePenalty = 0.5f;
  penalties.start(p, std::vector<int32_t>{0}, 8);
  EXPECT_TRUE(penalties.active());
}

TEST(Penalties, StartForgetsThePreviousGen) {
  SamplingParams p;
  p.repetitionPenalty = 2.0f;
  p.frequencyPenalty = 1.0f;
  TokenPenalties penalties;
  penalties.start(p, std::vector<int32_t>{0}, 4);
  penalties.addOutput(1);
  penalties.addOutput(1);
  penalties.start(p, std::vector<int32_t>{2}, 4);
  penalties.addOutput(3);
  std::vector<float> logits = {4.0f, 4.0f, 4.0f, 4.0f};
  penalties.apply(logits);
  EXPECT_EQ(logits, (std::vector<float>{4.0f, 4.0f, 2.0f, 1.0f}));
}

} // namespace

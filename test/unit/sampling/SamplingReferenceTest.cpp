//===- SamplingReferenceTest.cpp - Penalties and filters against NumPy ----===//
//
// Random logits, prompts, outputs and parameters (penalties, temperature,
// min_p, top_k, top_p, alone and together) through TokenPenalties and
// buildDistribution, against test/reference/sampling_ref.py, a NumPy
// reference written from vLLM's definitions.
//
//===----------------------------------------------------------------------===//
#include "runtime/sampling/Penalties.h"
#include "runtime/sampling/Rng.h"
#include "runtime/sampling/Sampler.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

using namespace sgl::runtime;

namespace {

struct Case {
  std::vector<float> logits;
  std::vector<int32_t> prompt;
  std::vector<int32_t> output;
  SamplingParams params;
};

/// Picks one of `values` with `rng`.
template <typename T> T pick(Rng &rng, std::initializer_list<T> values) {
  const size_t i = static_cast<size_t>(rng.uniform() * values.size());
  return values.begin()[std::min(i, values.size() - 1)];
}

std::vector<Case> makeCases() {
  Rng rng(2025);
  std::vector<Case> cases;
  for (int n = 0; n < 240; ++n) {
    // Every tenth case has more candidates than top-k's heap and top-p's
    // sort take, so that they select instead.
    const bool large = n % 10 == 9;
    const size_t vocab = large ? 3000 : 257;
    Case c;
    c.logits.resize(vocab);
    for (float &l : c.logits)
      l = static_cast<float>(rng.uniform() * 12.0 - 6.0);
    // Prompts and outputs repeat ids, and the output favours a few.
    const size_t promptSize = static_cast<size_t>(rng.uniform() * 40);
    for (size_t i = 0; i < promptSize; ++i)
      c.prompt.push_back(static_cast<int32_t>(rng.uniform() * vocab));
    const size_t outputSize = static_cast<size_t>(rng.uniform() * 30);
    for (size_t i = 0; i < outputSize; ++i)
      c.output.push_back(static_cast<int32_t>(
          rng.uniform() < 0.5 ? rng.uniform() * 8 : rng.uniform() * vocab));
    SamplingParams &p = c.params;
    if (n < 6) {
      // Each option alone first, at temperature 1.
      switch (n) {
      case 0:
        p.repetitionPenalty = 1.7f;
        break;
      case 1:
        p.frequencyPenalty = 0.9f;
        break;
      case 2:
        p.presencePenalty = -1.3f;
        break;
      case 3:
        p.minP = 0.2f;
        break;
      case 4:
        p.repetitionPenalty = 0.6f;
        break;
      case 5:
        p.frequencyPenalty = -2.0f;
        p.presencePenalty = 2.0f;
        break;
      }
    } else {
      p.repetitionPenalty = pick(rng, {1.0f, 1.3f, 0.8f, 2.5f});
      p.frequencyPenalty = pick(rng, {0.0f, 0.7f, -0.4f, 2.0f});
      p.presencePenalty = pick(rng, {0.0f, 0.5f, -1.2f});
      p.temperature = pick(rng, {0.0f, 0.7f, 1.0f, 1.6f});
      p.minP = pick(rng, {0.0f, 0.05f, 0.3f});
      p.topK = large ? pick(rng, {0u, 1500u}) : pick(rng, {0u, 20u});
      p.topP = pick(rng, {1.0f, 0.8f});
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

nlohmann::json toJson(const Case &c) {
  const SamplingParams &p = c.params;
  // Floats widen to doubles exactly, so the reference sees the same values.
  return {{"logits", c.logits},
          {"prompt", c.prompt},
          {"output", c.output},
          {"temperature", static_cast<double>(p.temperature)},
          {"top_k", p.topK},
          {"top_p", static_cast<double>(p.topP)},
          {"min_p", static_cast<double>(p.minP)},
          {"repetition_penalty", static_cast<double>(p.repetitionPenalty)},
          {"frequency_penalty", static_cast<double>(p.frequencyPenalty)},
          {"presence_penalty", static_cast<double>(p.presencePenalty)}};
}

/// Runs the reference on `cases`; an empty result (with a failure) when it
/// cannot.
nlohmann::json runReference(const std::vector<Case> &cases) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("sgl-sampling-ref-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path in = dir / "cases.json", out = dir / "out.json";
  nlohmann::json all = nlohmann::json::array();
  for (const Case &c : cases)
    all.push_back(toJson(c));
  std::ofstream(in) << nlohmann::json{{"cases", all}}.dump();
  const std::string cmd = std::string(SGL_REFERENCE_PYTHON) + " '" +
                          SGL_SAMPLING_REF + "' '" + in.string() + "' '" +
                          out.string() + "' 2>&1";
  std::string log;
  FILE *pipe = ::popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while (pipe && (n = std::fread(buf, 1, sizeof(buf), pipe)) > 0)
    log.append(buf, n);
  const int rc = pipe ? ::pclose(pipe) : -1;
  nlohmann::json result;
  if (rc == 0)
    result = nlohmann::json::parse(std::ifstream(out));
  else
    ADD_FAILURE() << "the reference failed (" << cmd << "):\n" << log;
  std::filesystem::remove_all(dir);
  return result;
}

TEST(SamplingReference, PenaltiesAndFiltersMatchNumPy) {
  const std::vector<Case> cases = makeCases();
  const nlohmann::json reference = runReference(cases);
  ASSERT_EQ(reference.size(), cases.size());
  for (size_t n = 0; n < cases.size(); ++n) {
    const Case &c = cases[n];
    const nlohmann::json &want = reference[n];
    const SamplingParams &p = c.params;
    SCOPED_TRACE("case " + std::to_string(n) + ": r " +
                 std::to_string(p.repetitionPenalty) + " f " +
                 std::to_string(p.frequencyPenalty) + " p " +
                 std::to_string(p.presencePenalty) + " T " +
                 std::to_string(p.temperature) + " min_p " +
                 std::to_string(p.minP) + " top_k " + std::to_string(p.topK) +
                 " top_p " + std::to_string(p.topP));
    TokenPenalties penalties;
    penalties.start(p, c.prompt, c.output.size());
    for (int32_t id : c.output)
      penalties.addOutput(id);
    std::vector<float> logits = c.logits;
    penalties.apply(logits);
    const std::vector<float> penalized = want["penalized"];
    ASSERT_EQ(penalized.size(), logits.size());
    for (size_t i = 0; i < logits.size(); ++i)
      ASSERT_FLOAT_EQ(logits[i], penalized[i]) << "id " << i;

    if (p.temperature == 0.0f) {
      Rng rng(1);
      EXPECT_EQ(sampleToken(logits, p, rng), want["greedy"].get<int32_t>());
      continue;
    }
    const Distribution dist = buildDistribution(logits, p);
    std::map<int32_t, double> got;
    for (size_t i = 0; i < dist.ids.size(); ++i)
      got[dist.ids[i]] = dist.probs[i];
    const std::vector<int32_t> ids = want["ids"];
    const std::vector<double> probs = want["probs"];
    ASSERT_EQ(got.size(), ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      ASSERT_TRUE(got.count(ids[i])) << "id " << ids[i];
      EXPECT_NEAR(got[ids[i]], probs[i], 1e-9) << "id " << ids[i];
    }
  }
}

} // namespace

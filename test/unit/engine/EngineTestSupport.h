//===- EngineTestSupport.h - Hand-built plans, references -------*- C++ -*-===//
//
// Builds plan programs step by step and computes the reference results the
// interpreter must reproduce directly with LlamaModel + Tokenizer: greedy
// continuations and normalized choice log-probs, without SequenceContext.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_ENGINE_ENGINETESTSUPPORT_H
#define SGL_TEST_UNIT_ENGINE_ENGINETESTSUPPORT_H

#include "runtime/engine/Interpreter.h"
#include "runtime/engine/LoadedModel.h"
#include "runtime/engine/Value.h"
#include "runtime/model/SequenceRunner.h"
#include "runtime/plan/Plan.h"
#include "test/unit/support/PlanSteps.h"
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace sgl::test {

using runtime::plan::Capture;
using runtime::plan::GenParams;
using runtime::plan::Program;
using runtime::plan::Role;
using runtime::plan::Step;

using runtime::plan::test::append;
using runtime::plan::test::at;
using runtime::plan::test::gen;
using runtime::plan::test::select;
using runtime::plan::test::text;

/// A role step located at t.sgl:line:3, so errors can name it.
inline Step roleStep(Role role, bool begin, uint32_t line = 1) {
  return at(begin ? runtime::plan::test::roleBegin(role)
                  : runtime::plan::test::roleEnd(role),
            "t.sgl", line, 3);
}
/// A gen step located at t.sgl:9:9, so errors can name it.
inline Step genStep(uint32_t slot, GenParams params) {
  return at(gen(slot, std::move(params)), "t.sgl", 9, 9);
}

inline GenParams greedy(uint32_t maxTokens) {
  GenParams p;
  p.maxTokens = maxTokens;
  p.temperature = 0.0f;
  return p;
}

/// A program "test" with str arguments `args` whose gen/select slots follow
/// the arguments in step order; the captures name those slots `names` (in
/// that order unless `captures` is given). Completed as sglc would
/// (sites, slot types, capture depths: PlanSteps.h).
inline Program makeProgram(std::vector<std::string> args,
                           std::vector<Step> steps,
                           std::vector<std::string> names,
                           std::vector<Capture> captures = {}) {
  if (captures.empty())
    for (size_t i = 0; i < names.size(); ++i)
      captures.push_back({names[i], static_cast<uint32_t>(args.size() + i)});
  return runtime::plan::test::programOf("test",
                                        runtime::plan::test::strArgs(args),
                                        std::move(steps), std::move(captures));
}

/// Argument values of type str.
inline std::vector<runtime::Value>
strValues(const std::vector<std::string> &values) {
  return std::vector<runtime::Value>(values.begin(), values.end());
}

inline int32_t referenceArgmax(const std::vector<float> &row, size_t offset,
                               size_t vocab) {
  size_t best = 0;
  for (size_t i = 1; i < vocab; ++i)
    if (row[offset + i] > row[offset + best])
      best = i;
  return static_cast<int32_t>(best);
}

/// Up to `n` greedy tokens after `prompt` from a fresh sequence, stopping
/// before the first id in `stopIds` (also returned through `hitStop`).
inline std::vector<int32_t> greedyDirect(runtime::LlamaModel &model,
                                         const std::vector<int32_t> &prompt,
                                         int n,
                                         const std::vector<int32_t> &stopIds,
                                         bool *hitStop = nullptr) {
  auto runner = runtime::SequenceRunner::create(model, prompt.size() + n + 1);
  EXPECT_TRUE(runner) << runner.error().message;
  auto logits = runner->forward(prompt, 0);
  const size_t vocab = model.config().vocabSize;
  std::vector<int32_t> out;
  if (hitStop)
    *hitStop = false;
  for (int i = 0; i < n && logits; ++i) {
    int32_t id = referenceArgmax(*logits, 0, vocab);
    if (std::find(stopIds.begin(), stopIds.end(), id) != stopIds.end()) {
      if (hitStop)
        *hitStop = true;
      break;
    }
    out.push_back(id);
    const int32_t one[1] = {id};
    logits = runner->forward(one, runner->length());
  }
  return out;
}

/// The log-prob of each of `tokens[first..]` given the tokens before it,
/// from scratch.
inline std::vector<double>
tokenLogProbsDirect(runtime::LlamaModel &model,
                    const std::vector<int32_t> &tokens, size_t first) {
  auto runner = runtime::SequenceRunner::create(model, tokens.size());
  auto logits = runner->forward(tokens, 0, runtime::LogitsMode::AllTokens);
  const size_t vocab = model.config().vocabSize;
  std::vector<double> out;
  for (size_t pos = std::max<size_t>(first, 1); pos < tokens.size(); ++pos) {
    const float *row = logits->data() + (pos - 1) * vocab;
    double mx = row[0];
    for (size_t i = 1; i < vocab; ++i)
      mx = std::max(mx, static_cast<double>(row[i]));
    double z = 0.0;
    for (size_t i = 0; i < vocab; ++i)
      z += std::exp(row[i] - mx);
    out.push_back(row[tokens[pos]] - mx - std::log(z));
  }
  return out;
}

/// Mean log-prob of `choice`'s tokens (the choice tokenized alone, as plain
/// text) after the tokens of `prompt`, from scratch.
inline double choiceScoreDirect(runtime::LoadedModel &m,
                                const std::string &prompt,
                                const std::string &choice) {
  const runtime::Tokenizer &tok = m.tokenizer();
  std::vector<int32_t> full = tok.encode(prompt, true);
  const size_t first = full.size();
  const runtime::TextRun run{choice, false};
  auto ids = tok.tryEncodeRuns(std::span<const runtime::TextRun>(&run, 1));
  full.insert(full.end(), ids->begin(), ids->end());
  double sum = 0.0;
  for (double logProb : tokenLogProbsDirect(m.model(), full, first))
    sum += logProb;
  return sum / static_cast<double>(full.size() - first);
}

/// `program` run alone by the Interpreter, expected to succeed: its
/// captures (null after a failure, which the test reports), and its stats
/// in `stats` when given.
inline nlohmann::ordered_json
runExpectingSuccess(runtime::LoadedModel &m, const Program &program,
                    const runtime::ProgramArgs &args = {},
                    const runtime::RunOptions &options = {},
                    runtime::RunStats *stats = nullptr) {
  runtime::Interpreter interp(m);
  auto out = interp.run(program, args, options);
  EXPECT_TRUE(out) << (out ? "" : out.error().message);
  if (stats)
    *stats = interp.stats();
  return out ? *out : nlohmann::ordered_json();
}

/// `program` run alone by the Interpreter, expected to fail: the error.
inline std::string runExpectingError(runtime::LoadedModel &m,
                                     const Program &program,
                                     const runtime::ProgramArgs &args = {}) {
  runtime::Interpreter interp(m);
  auto out = interp.run(program, args);
  EXPECT_FALSE(out) << "expected an error, got " << (out ? out->dump() : "");
  return out ? "" : out.error().message;
}

/// A test suite over the built-in default model, loaded once per suite.
class DefaultModelTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    auto loaded = runtime::LoadedModel::load(SGL_DEFAULT_MODEL_DIR, 2);
    if (!loaded) {
      loadError_ = new std::string(loaded.error().message);
      return;
    }
    model_ = new runtime::LoadedModel(loaded.take());
  }
  static void TearDownTestSuite() {
    delete model_;
    delete loadError_;
    model_ = nullptr;
    loadError_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(model_, nullptr) << (loadError_ ? *loadError_ : "");
  }

  runtime::LoadedModel &m() { return *model_; }
  const runtime::Tokenizer &tok() { return model_->tokenizer(); }

private:
  static inline runtime::LoadedModel *model_ = nullptr;
  static inline std::string *loadError_ = nullptr;
};

} // namespace sgl::test

#endif // SGL_TEST_UNIT_ENGINE_ENGINETESTSUPPORT_H

//===- ConstrainedGenTest.cpp - regex and json_schema gens on the tiny model //
//
// A constrained gen samples only tokens its constraint allows, within its
// budget (max_tokens, and the room left in the context), and ends accepted
// whenever that budget covers the shortest output; a gen that cannot is an
// error naming it. Outputs are checked with hand-written matchers, not the
// engine, and a greedy constrained gen against the masked argmax computed
// directly with LlamaModel.
//
//===----------------------------------------------------------------------===//
#include "EngineTestSupport.h"

#include "runtime/constraints/TokenizerVocabulary.h"
#include "runtime/engine/GenConstraints.h"
#include "runtime/engine/Interpreter.h"
#include "runtime/engine/Scheduler.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

using namespace sgl;
using namespace sgl::runtime;
using namespace sgl::test;

namespace {

const char *const kModelDir = SGL_DEFAULT_MODEL_DIR;

GenParams regexGen(std::string pattern, uint32_t maxTokens,
                   float temperature = 1.0f) {
  GenParams p;
  p.maxTokens = maxTokens;
  p.temperature = temperature;
  p.constraint = {plan::GenConstraint::Kind::Regex, std::move(pattern)};
  return p;
}

/// `[A-Z]{3}-[0-9]{4}`, by hand.
bool isCode(const std::string &s) {
  if (s.size() != 8 || s[3] != '-')
    return false;
  for (size_t i = 0; i < 8; ++i)
    if (i != 3 && !(i < 3 ? std::isupper(static_cast<unsigned char>(s[i]))
                          : std::isdigit(static_cast<unsigned char>(s[i]))))
      return false;
  return true;
}

/// `[a-z]{lo,hi}`, by hand.
bool isLowerWord(const std::string &s, size_t lo, size_t hi) {
  if (s.size() < lo || s.size() > hi)
    return false;
  for (char c : s)
    if (c < 'a' || c > 'z')
      return false;
  return true;
}

class ConstrainedGenTest : public DefaultModelTest {
protected:
  Expected<nlohmann::ordered_json> runOn(LoadedModel &model, const Program &p,
                                         uint64_t seed = 0) {
    Interpreter interp(model);
    RunOptions options;
    options.seed = seed;
    auto out = interp.run(p, {}, options);
    stats_ = interp.stats();
    return out;
  }

  /// A model on the same files whose context holds `maxPositions`.
  std::unique_ptr<LoadedModel> withContext(int64_t maxPositions) {
    auto config = ModelConfig::load(kModelDir);
    EXPECT_TRUE(config);
    config->maxPositions = maxPositions;
    auto ckpt = Checkpoint::open(kModelDir);
    auto model = LlamaModel::create(config.take(), ckpt.take(), 2);
    EXPECT_TRUE(model);
    auto tokenizer = Tokenizer::fromFile(kModelDir);
    return std::make_unique<LoadedModel>(
        kModelDir, model.take(), tokenizer.take(), ChatTemplate::llama3());
  }

  RunStats stats_;
};

TEST_F(ConstrainedGenTest, RegexGenEndsAcceptedForEverySeed) {
  Program p = makeProgram(
      {},
      {text("Ticket code: "), genStep(0, regexGen("[A-Z]{3}-[0-9]{4}", 12))},
      {"code"});
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    auto out = runOn(m(), p, seed);
    ASSERT_TRUE(out) << out.error().message;
    const std::string code = (*out)["code"];
    EXPECT_TRUE(isCode(code)) << "seed " << seed << ": " << code;
    seen.insert(code);
    ASSERT_EQ(stats_.gens.size(), 1u);
    // Nothing can follow the last digit: the matcher ends the gen.
    EXPECT_EQ(stats_.gens[0].reason, FinishReason::ConstraintEnd);
    EXPECT_LE(stats_.gens[0].tokens, 12);
  }
  // Sampling really varies: the mask does not force one output.
  EXPECT_GT(seen.size(), 10u);
}

TEST_F(ConstrainedGenTest, ARegexBuiltLazilyEndsAcceptedForEverySeed) {
  // 2^21 DFA states: built as the masks reach them (LazyDfa.h).
  Program p = makeProgram(
      {}, {text("Bits: "), genStep(0, regexGen("(a|b)*a(a|b){20}", 40))},
      {"bits"});
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    auto out = runOn(m(), p, seed);
    ASSERT_TRUE(out) << out.error().message;
    const std::string bits = (*out)["bits"];
    ASSERT_GE(bits.size(), 21u) << "seed " << seed;
    EXPECT_EQ(bits.find_first_not_of("ab"), std::string::npos) << bits;
    EXPECT_EQ(bits[bits.size() - 21], 'a') << "seed " << seed << ": " << bits;
    seen.insert(bits);
  }
  EXPECT_GT(seen.size(), 10u);
}

TEST_F(ConstrainedGenTest, GreedyGenIsTheMaskedArgmaxOfTheModel) {
  const std::string prompt = "Answer in lower case: ";
  const uint32_t maxTokens = 9;
  Program p = makeProgram(
      {}, {text(prompt), genStep(0, regexGen("[a-z]{3,40}", maxTokens, 0.0f))},
      {"w"});
  auto out = runOn(m(), p);
  ASSERT_TRUE(out) << out.error().message;

  // The same gen by hand: argmax over the allowed ids of each step.
  auto constraint = constraints::Constraint::fromRegex("[a-z]{3,40}");
  ASSERT_TRUE(constraint);
  std::vector<int32_t> ends;
  for (int32_t id : m().eosIds())
    if (static_cast<size_t>(id) < tok().vocabSize())
      ends.push_back(id);
  constraints::ConstraintVocabulary vocabulary =
      constraints::buildConstraintVocabulary(tok(), ends);
  constraints::ConstraintMasks masks(*constraint, vocabulary);
  constraints::ConstraintMatcher matcher(masks);
  std::vector<int32_t> ids = tok().encode(prompt, true);
  auto runner = SequenceRunner::create(m().model(), ids.size() + maxTokens + 1);
  ASSERT_TRUE(runner);
  auto logits = runner->forward(ids, 0);
  std::string want;
  for (uint32_t step = 0; step < maxTokens && !matcher.finished(); ++step) {
    ASSERT_TRUE(logits);
    const TokenMask mask{matcher.allowedTokens(maxTokens - step)};
    int32_t best = -1;
    for (size_t id = 0; id < logits->size(); ++id)
      if (mask.allows(static_cast<int32_t>(id)) &&
          (best < 0 || (*logits)[id] > (*logits)[best]))
        best = static_cast<int32_t>(id);
    ASSERT_GE(best, 0) << "step " << step;
    ASSERT_TRUE(matcher.accept(best));
    if (std::find(ends.begin(), ends.end(), best) != ends.end())
      break;
    want += tok().tokenBytes(best);
    const int32_t one[1] = {best};
    logits = runner->forward(one, runner->length());
  }
  EXPECT_TRUE(matcher.accepting());
  EXPECT_EQ((*out)["w"], want);
  EXPECT_TRUE(isLowerWord(want, 3, 40)) << want;
  // Greedy is deterministic.
  EXPECT_EQ(*runOn(m(), p), *out);
}

TEST_F(ConstrainedGenTest, SchemaCaptureIsTheJsonValue) {
  GenParams schema;
  schema.maxTokens = 48;
  schema.constraint = {
      plan::GenConstraint::Kind::JsonSchema,
      R"({"type": "object", "properties": {"n": {"type": "integer",
          "minimum": 0, "maximum": 99}, "ok": {"type": "boolean"}},
          "required": ["n", "ok"], "additionalProperties": false})"};
  // Appending the capture again works on the text the model wrote.
  Program p = makeProgram({},
                          {text("Data: "), genStep(0, schema), text(" again "),
                           append(0), genStep(1, regexGen("[a-z]", 2, 0.0f))},
                          {"data", "after"});
  for (uint64_t seed = 0; seed < 10; ++seed) {
    auto out = runOn(m(), p, seed);
    ASSERT_TRUE(out) << out.error().message;
    const nlohmann::ordered_json &data = (*out)["data"];
    ASSERT_TRUE(data.is_object()) << data.dump();
    ASSERT_EQ(data.size(), 2u) << data.dump();
    ASSERT_TRUE(data["n"].is_number_integer()) << data.dump();
    EXPECT_GE(data["n"].get<int64_t>(), 0);
    EXPECT_LE(data["n"].get<int64_t>(), 99);
    EXPECT_TRUE(data["ok"].is_boolean()) << data.dump();
    EXPECT_TRUE((*out)["after"].is_string());
  }
}

TEST_F(ConstrainedGenTest, BudgetBelowTheShortestOutputFailsNamingTheGen) {
  Program p = makeProgram(
      {}, {text("Phone: "), genStep(0, regexGen("[0-9]{10}", 3))}, {"phone"});
  auto out = runOn(m(), p);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "t.sgl:9:9: gen 'phone': its output '' does not match its regex "
            "constraint: the gen stopped after 0 tokens because no token could "
            "continue it into a match of its regex within the 3 tokens left; "
            "raise max_tokens (the shortest output the constraint accepts is "
            "10 bytes)");
  // The budget that covers the shortest output always ends accepted.
  p.body.steps[1].gen.maxTokens = 10;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    auto ok = runOn(m(), p, seed);
    ASSERT_TRUE(ok) << ok.error().message;
    const std::string phone = (*ok)["phone"];
    EXPECT_EQ(phone.size(), 10u);
    EXPECT_EQ(phone.find_first_not_of("0123456789"), std::string::npos);
  }
}

TEST_F(ConstrainedGenTest, RoomLeftInTheContextIsPartOfTheBudget) {
  const std::string prompt = "Write a long number: ";
  const int64_t promptTokens =
      static_cast<int64_t>(tok().encode(prompt, true).size());
  // Room for 12 samples after the prompt, far below max_tokens: the gen
  // must close its number with '>' within the context, not run into its
  // end (it would with max_tokens alone as the budget).
  auto model = withContext(promptTokens + 11);
  Program p = makeProgram(
      {}, {text(prompt), genStep(0, regexGen("<[0-9]{10,200}>", 100))}, {"n"});
  for (uint64_t seed = 0; seed < 5; ++seed) {
    auto out = runOn(*model, p, seed);
    ASSERT_TRUE(out) << out.error().message;
    const std::string number = (*out)["n"];
    ASSERT_GE(number.size(), 12u);
    EXPECT_EQ(number.front(), '<');
    EXPECT_EQ(number.back(), '>');
    EXPECT_EQ(number.find_first_not_of("0123456789", 1), number.size() - 1)
        << number;
    EXPECT_LE(stats_.gens[0].tokens, 12);
  }
  // Room for 5: Llama 3 spells at most three digits a token, so no first
  // token leaves a rest that the 4 after it can write. An error at the gen.
  auto tiny = withContext(promptTokens + 4);
  auto out = runOn(*tiny, p);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "t.sgl:9:9: gen 'n': its output '' does not match its regex "
            "constraint: the gen stopped after 0 tokens because no token "
            "could continue it into a match of its regex within the 5 tokens "
            "left; raise max_tokens (the shortest output the constraint "
            "accepts is 12 bytes)");
}

TEST_F(ConstrainedGenTest, InstancesShareMasksAndEachMatchesItsRunAlone) {
  Program p = makeProgram({"q"},
                          {text("Question: "), append(0), text("\nCode: "),
                           genStep(1, regexGen("[A-Z]{3}-[0-9]{4}", 12))},
                          {"code"});
  Program tooSmall = makeProgram(
      {"q"}, {append(0), genStep(1, regexGen("[0-9]{10}", 2))}, {"n"});
  auto compiled = ProgramConstraints::compile(p);
  ASSERT_TRUE(compiled) << compiled.error().message;
  GenConstraintMasks masks(m(), p, compiled.take());
  auto compiledSmall = ProgramConstraints::compile(tooSmall);
  ASSERT_TRUE(compiledSmall);
  GenConstraintMasks smallMasks(m(), tooSmall, compiledSmall.take());

  SchedulerOptions options;
  options.numPages = 256;
  auto scheduler = Scheduler::create(m(), options);
  ASSERT_TRUE(scheduler) << scheduler.error().message;
  constexpr int kInstances = 8;
  std::vector<std::string> got(kInstances + 1);
  for (int i = 0; i <= kInstances; ++i) {
    RunOptions run;
    run.seed = 100 + i;
    const bool failing = i == kInstances;
    (*scheduler)
        ->submit(std::make_unique<ProgramInstance>(
                     m(), failing ? tooSmall : p,
                     strValues({"question " + std::to_string(i)}), run,
                     failing ? &smallMasks : &masks),
                 [&got, i](ProgramInstance &inst) {
                   auto r = inst.result();
                   got[i] = r ? r->dump() : "ERROR: " + r.error().message;
                 });
  }
  ASSERT_TRUE((*scheduler)->run());
  for (int i = 0; i < kInstances; ++i) {
    Interpreter interp(m());
    RunOptions run;
    run.seed = 100 + i;
    auto alone = interp.run(p, {{"q", "question " + std::to_string(i)}}, run);
    ASSERT_TRUE(alone) << alone.error().message;
    EXPECT_EQ(got[i], alone->dump()) << "instance " << i;
    EXPECT_TRUE(isCode((*alone)["code"]));
  }
  EXPECT_EQ(got[kInstances].rfind("ERROR: t.sgl:9:9: gen 'n': ", 0), 0u)
      << got[kInstances];
  // One mask cache served every instance: later ones hit it.
  const constraints::ConstraintMasks *shared = masks.forSite(3);
  ASSERT_NE(shared, nullptr);
  EXPECT_GT(shared->stats().masksCached, 0);
}

TEST_F(ConstrainedGenTest, BrokenConstraintInAPlanIsAnErrorNamingTheGen) {
  Program p =
      makeProgram({}, {text("x"), genStep(0, regexGen("ab(?=c)", 4))}, {"bad"});
  auto compiled = ProgramConstraints::compile(p);
  ASSERT_FALSE(compiled);
  EXPECT_EQ(compiled.error().message,
            "t.sgl:9:9: gen 'bad': cannot compile its regex constraint: "
            "regex: 2: unsupported lookahead '(?='");
  // The Interpreter compiles a program's constraints itself when given
  // none, and reports the same.
  auto out = runOn(m(), p);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, compiled.error().message);
}

TEST_F(ConstrainedGenTest, InstanceWithoutItsMasksFails) {
  Program p =
      makeProgram({}, {text("x"), genStep(0, regexGen("[0-9]", 4))}, {"digit"});
  ProgramInstance inst(m(), p, {}, RunOptions());
  inst.advance();
  ASSERT_TRUE(inst.finished());
  auto out = inst.result();
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "t.sgl:9:9: gen 'digit': its regex constraint was not compiled "
            "for this run (the instance was made without its program's "
            "GenConstraintMasks)");
}

TEST_F(ConstrainedGenTest, ConstrainedGenInsideAnAssistantMessage) {
  Program p = makeProgram(
      {},
      {roleStep(Role::User, true), text("Pick yes or no."),
       roleStep(Role::User, false), roleStep(Role::Assistant, true),
       genStep(0, regexGen("(yes|no)", 4)), roleStep(Role::Assistant, false)},
      {"answer"});
  for (uint64_t seed = 0; seed < 5; ++seed) {
    auto out = runOn(m(), p, seed);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_TRUE((*out)["answer"] == "yes" || (*out)["answer"] == "no")
        << (*out)["answer"];
  }
}

} // namespace

//===- InterpreterTest.cpp - Plans on the default tiny model --------------===//
//
// Every expectation is computed independently with LlamaModel + Tokenizer
// (EngineTestSupport.h): greedy gens must equal the direct greedy
// continuation, select must pick the argmax of the directly computed
// normalized log-prob, and later steps must see exactly the captured text.
//
//===----------------------------------------------------------------------===//
#include "EngineTestSupport.h"

#include "runtime/engine/Interpreter.h"
#include "runtime/tokenizer/Utf8.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <set>

using namespace sgl::runtime;
using namespace sgl::test;

namespace {

const char *const kModelDir = SGL_DEFAULT_MODEL_DIR;

class InterpreterTest : public DefaultModelTest {
protected:
  /// Runs `p`; fails the test on an error.
  nlohmann::ordered_json run(const Program &p, const ProgramArgs &args = {},
                             RunOptions options = {}) {
    Interpreter interp(m());
    auto out = interp.run(p, args, options);
    EXPECT_TRUE(out) << (out ? "" : out.error().message);
    lastStats_ = interp.stats();
    return out ? *out : nlohmann::ordered_json();
  }
  std::string runError(LoadedModel &model, const Program &p,
                       const ProgramArgs &args = {}) {
    Interpreter interp(model);
    auto out = interp.run(p, args);
    EXPECT_FALSE(out) << "expected an error";
    return out ? "" : out.error().message;
  }

  /// Text of ids as a capture holds it: specials dropped, valid UTF-8.
  std::string captured(const std::vector<int32_t> &ids) {
    return sanitizeUtf8(tok().decode(ids, /*skipSpecialTokens=*/true));
  }
  std::vector<int32_t> greedyRef(const std::string &prompt, int n) {
    return greedyDirect(m().model(), tok().encode(prompt, true), n,
                        m().eosIds());
  }

  /// A model on the same files with a changed config.
  std::unique_ptr<LoadedModel> variant(void (*edit)(ModelConfig &),
                                       bool withTemplate = true) {
    auto config = ModelConfig::load(kModelDir);
    EXPECT_TRUE(config);
    edit(*config);
    auto ckpt = Checkpoint::open(kModelDir);
    EXPECT_TRUE(ckpt);
    auto model = LlamaModel::create(config.take(), ckpt.take(), 2);
    EXPECT_TRUE(model);
    auto tokenizer = Tokenizer::fromFile(kModelDir);
    EXPECT_TRUE(tokenizer);
    return std::make_unique<LoadedModel>(
        kModelDir, model.take(), tokenizer.take(),
        withTemplate ? std::optional(ChatTemplate::llama3()) : std::nullopt);
  }

  RunStats lastStats_;
};

TEST_F(InterpreterTest, DefaultModelHasLlama3TemplateAndEosIds) {
  ASSERT_TRUE(m().chatTemplate());
  EXPECT_EQ(m().chatTemplate()->kind(), ChatTemplate::Kind::Llama3);
  const std::vector<int32_t> &eos = m().eosIds();
  for (int32_t id : {128001, 128008, 128009}) // end_of_text, eom, eot
    EXPECT_NE(std::find(eos.begin(), eos.end(), id), eos.end()) << id;
}

TEST_F(InterpreterTest, GreedyGenEqualsDirectGreedyContinuation) {
  const std::string prompt = "The capital of France is";
  Program p =
      makeProgram({}, {text(prompt), genStep(0, greedy(12))}, {"answer"});
  auto out = run(p);
  std::vector<int32_t> ref = greedyRef(prompt, 12);
  ASSERT_EQ(ref.size(), 12u) << "the reference hit an EOS; pick a new prompt";
  EXPECT_EQ(out["answer"], captured(ref));
  EXPECT_FALSE(out["answer"].get<std::string>().empty());
  EXPECT_EQ(lastStats_.generatedTokens, 12);
  ASSERT_EQ(lastStats_.gens.size(), 1u);
  EXPECT_EQ(lastStats_.gens[0].capture, "answer");
  EXPECT_EQ(lastStats_.gens[0].reason, FinishReason::MaxTokens);
  EXPECT_EQ(lastStats_.gens[0].tokens, 12);
  EXPECT_EQ(lastStats_.gensFinishedBy(FinishReason::ContextLimit), 0);
}

TEST_F(InterpreterTest, ArgumentsAreAppendedAsText) {
  Program p = makeProgram(
      {"who"}, {text("Hello, "), append(0), text("!"), genStep(1, greedy(5))},
      {"out"});
  auto out = run(p, {{"who", "Ada"}});
  EXPECT_EQ(out["out"], captured(greedyRef("Hello, Ada!", 5)));
}

TEST_F(InterpreterTest, StopStringSpanningTokensCutsTheCapture) {
  const std::string prompt = "Once upon a time";
  std::vector<int32_t> ref = greedyRef(prompt, 16);
  ASSERT_EQ(ref.size(), 16u);
  // A two-byte stop string made of the last byte of one token and the first
  // of the next, chosen where that is its first occurrence.
  std::string raw, stop;
  size_t tokensToStop = 0;
  for (size_t i = 0; i + 1 < ref.size() && stop.empty(); ++i) {
    std::string a(tok().tokenBytes(ref[i])), b(tok().tokenBytes(ref[i + 1]));
    std::string before = tok().decode(
        std::vector<int32_t>(ref.begin(), ref.begin() + i + 1), true);
    if (a.empty() || b.empty() || tok().isSpecial(ref[i]))
      continue;
    std::string candidate = std::string(1, a.back()) + b.front();
    std::string all = before + b;
    if (all.find(candidate) == before.size() - 1) {
      stop = candidate;
      raw = before.substr(0, before.size() - 1);
      tokensToStop = i + 2;
    }
  }
  ASSERT_FALSE(stop.empty()) << "no usable token boundary";

  GenParams params = greedy(16);
  params.stop = {"never-appears", stop};
  Program p = makeProgram({},
                          {text(prompt), genStep(0, params), text(" and then"),
                           genStep(1, greedy(6))},
                          {"x", "y"});
  auto out = run(p);
  EXPECT_EQ(out["x"], sanitizeUtf8(raw));
  // The gen stopped on the token that completed the stop string...
  EXPECT_EQ(lastStats_.generatedTokens, static_cast<int64_t>(tokensToStop) + 6);
  // ...and the next step continued from exactly the captured text.
  EXPECT_EQ(out["y"],
            captured(greedyRef(
                prompt + out["x"].get<std::string>() + " and then", 6)));
  ASSERT_EQ(lastStats_.gens.size(), 2u);
  EXPECT_EQ(lastStats_.gens[0].reason, FinishReason::StopString);
  EXPECT_EQ(lastStats_.gens[0].tokens, static_cast<int64_t>(tokensToStop));
  EXPECT_EQ(lastStats_.gens[1].capture, "y");
  EXPECT_EQ(lastStats_.gens[1].reason, FinishReason::MaxTokens);
}

TEST_F(InterpreterTest, MaxTokensLimitsTheGen) {
  Program p = makeProgram({}, {text("Numbers:"), genStep(0, greedy(3))}, {"n"});
  auto out = run(p);
  EXPECT_EQ(out["n"], captured(greedyRef("Numbers:", 3)));
  EXPECT_EQ(lastStats_.generatedTokens, 3);
}

TEST_F(InterpreterTest, MaxTokensDefaultsTo128) {
  GenParams params;
  params.temperature = 0.0f;
  Program p = makeProgram({}, {text("Tell me everything:"), genStep(0, params)},
                          {"all"});
  auto out = run(p);
  bool hitEos = false;
  std::vector<int32_t> ref =
      greedyDirect(m().model(), tok().encode("Tell me everything:", true),
                   kDefaultMaxTokens, m().eosIds(), &hitEos);
  EXPECT_EQ(out["all"], captured(ref));
  EXPECT_EQ(lastStats_.generatedTokens,
            static_cast<int64_t>(ref.size()) + (hitEos ? 1 : 0));
  if (!hitEos) {
    EXPECT_EQ(lastStats_.generatedTokens, int64_t(kDefaultMaxTokens));
  }
}

TEST_F(InterpreterTest, EosIdsFromTheConfigEndTheGen) {
  const std::string prompt = "Stop here:";
  std::vector<int32_t> ref = greedyRef(prompt, 6);
  ASSERT_EQ(ref.size(), 6u);
  static int32_t stopId;
  stopId = ref[3];
  auto model = variant([](ModelConfig &c) { c.eosTokenIds = {stopId}; });
  EXPECT_NE(std::find(model->eosIds().begin(), model->eosIds().end(), stopId),
            model->eosIds().end());
  Program p = makeProgram({}, {text(prompt), genStep(0, greedy(6))}, {"x"});
  Interpreter interp(*model);
  auto out = interp.run(p, {});
  ASSERT_TRUE(out) << out.error().message;
  size_t cut = std::find(ref.begin(), ref.end(), stopId) - ref.begin();
  EXPECT_EQ((*out)["x"],
            captured(std::vector<int32_t>(ref.begin(), ref.begin() + cut)));
  EXPECT_EQ(interp.stats().generatedTokens, static_cast<int64_t>(cut) + 1);
  ASSERT_EQ(interp.stats().gens.size(), 1u);
  EXPECT_EQ(interp.stats().gens[0].reason, FinishReason::Eos);
  EXPECT_EQ(interp.stats().gens[0].tokens, static_cast<int64_t>(cut) + 1);
}

TEST_F(InterpreterTest, GenStopsAtTheContextLimit) {
  const std::string prompt = "A short prompt";
  static int64_t limit;
  limit = static_cast<int64_t>(tok().encode(prompt, true).size()) + 2;
  auto model = variant([](ModelConfig &c) { c.maxPositions = limit; });
  Program p = makeProgram({}, {text(prompt), genStep(0, greedy(10))}, {"x"});
  Interpreter interp(*model);
  auto out = interp.run(p, {});
  ASSERT_TRUE(out) << out.error().message;
  // Prompt + 2 decoded tokens fill the cache; the third is sampled from the
  // last position's logits and not run.
  EXPECT_EQ((*out)["x"], captured(greedyRef(prompt, 3)));
  EXPECT_EQ(interp.stats().generatedTokens, 3);
  // The run succeeds, but says that the context, not max_tokens, cut it.
  EXPECT_EQ(interp.stats().gensFinishedBy(FinishReason::ContextLimit), 1);
  ASSERT_EQ(interp.stats().gens.size(), 1u);
  const GenFinish &finish = interp.stats().gens[0];
  EXPECT_EQ(finish.capture, "x");
  EXPECT_EQ(finish.reason, FinishReason::ContextLimit);
  EXPECT_EQ(finish.tokens, 3);
  EXPECT_EQ(finishReasonName(finish.reason), "context_limit");
  EXPECT_EQ(apiFinishReason(finish.reason), "length");

  // A max_tokens that ends exactly where the context does is max_tokens.
  Program exact = makeProgram({}, {text(prompt), genStep(0, greedy(3))}, {"x"});
  ASSERT_TRUE(interp.run(exact, {}));
  EXPECT_EQ(interp.stats().gensFinishedBy(FinishReason::ContextLimit), 0);
  ASSERT_EQ(interp.stats().gens.size(), 1u);
  EXPECT_EQ(interp.stats().gens[0].reason, FinishReason::MaxTokens);
}

TEST(FinishReason, NamesAndApiReasons) {
  EXPECT_EQ(finishReasonName(FinishReason::Eos), "eos");
  EXPECT_EQ(finishReasonName(FinishReason::StopString), "stop_string");
  EXPECT_EQ(finishReasonName(FinishReason::MaxTokens), "max_tokens");
  EXPECT_EQ(finishReasonName(FinishReason::ContextLimit), "context_limit");
  EXPECT_EQ(apiFinishReason(FinishReason::Eos), "stop");
  EXPECT_EQ(apiFinishReason(FinishReason::StopString), "stop");
  EXPECT_EQ(apiFinishReason(FinishReason::MaxTokens), "length");
  EXPECT_EQ(apiFinishReason(FinishReason::ContextLimit), "length");
}

TEST_F(InterpreterTest, PromptLongerThanTheModelIsAnError) {
  auto model = variant([](ModelConfig &c) { c.maxPositions = 4; });
  Program p = makeProgram(
      {}, {text("one two three four five six"), genStep(0, greedy(2))}, {"x"});
  std::string error = runError(*model, p);
  EXPECT_EQ(error, "t.sgl:9:9: gen 'x': the context has 7 tokens, more than "
                   "the model's max_position_embeddings (4)");
}

TEST_F(InterpreterTest, SelectPicksTheBestNormalizedLogProb) {
  struct Case {
    std::string prompt;
    std::vector<std::string> choices;
  };
  std::vector<Case> cases = {
      {"I need to use a ", {"calculator", "search engine", "calendar"}},
      {"The answer is", {" yes", " no", " maybe later", " définitivement"}},
      {"Pick a color:", {" red", " green", " blue", " ultraviolet light"}},
  };
  std::set<size_t> picks;
  for (const Case &c : cases) {
    std::vector<double> scores;
    for (const std::string &choice : c.choices)
      scores.push_back(choiceScoreDirect(m(), c.prompt, choice));
    size_t best = 0;
    for (size_t i = 1; i < scores.size(); ++i)
      if (scores[i] > scores[best])
        best = i;
    // Make sure the cases really discriminate.
    for (size_t i = 0; i < scores.size(); ++i)
      if (i != best) {
        ASSERT_GT(scores[best] - scores[i], 1e-4) << c.prompt;
      }
    picks.insert(best);
    Program p =
        makeProgram({}, {text(c.prompt), select(0, c.choices)}, {"pick"});
    auto out = run(p);
    EXPECT_EQ(out["pick"], c.choices[best]) << c.prompt;
  }
  EXPECT_GT(picks.size(), 1u) << "every case picked the same index";
}

TEST_F(InterpreterTest, SelectedChoiceIsPartOfTheContext) {
  const std::vector<std::string> choices = {"cats", "dogs"};
  Program p =
      makeProgram({},
                  {text("My favourite animals are "), select(0, choices),
                   text(" because"), genStep(1, greedy(5))},
                  {"pet", "why"});
  auto out = run(p);
  std::string pet = out["pet"];
  ASSERT_TRUE(pet == "cats" || pet == "dogs");
  // The context is frozen before the select, the choice's own tokens
  // follow, and the text after it starts a new run.
  std::vector<int32_t> prompt = tok().encode("My favourite animals are ", true);
  const TextRun run{pet, false};
  auto choiceIds = tok().tryEncodeRuns(std::span<const TextRun>(&run, 1));
  prompt.insert(prompt.end(), choiceIds->begin(), choiceIds->end());
  std::vector<int32_t> after = tok().encode(" because", false);
  prompt.insert(prompt.end(), after.begin(), after.end());
  EXPECT_EQ(out["why"],
            captured(greedyDirect(m().model(), prompt, 5, m().eosIds())));
}

TEST_F(InterpreterTest, RolesRenderTheLlama3Template) {
  Program p = makeProgram(
      {"q"},
      {roleStep(Role::System, true), text("Be brief."),
       roleStep(Role::System, false), roleStep(Role::User, true), append(0),
       roleStep(Role::User, false), roleStep(Role::Assistant, true),
       genStep(1, greedy(5)), roleStep(Role::Assistant, false),
       roleStep(Role::User, true), text("Thanks"), roleStep(Role::User, false),
       roleStep(Role::Assistant, true), genStep(2, greedy(4)),
       roleStep(Role::Assistant, false)},
      {"a1", "a2"});
  auto out = run(p, {{"q", "What is 2+2?"}});

  // What apply_chat_template(tokenize=True) would feed the model: the
  // rendered conversation, tokenized without adding another BOS.
  const ChatTemplate chat = ChatTemplate::llama3();
  std::vector<ChatTemplate::Message> messages = {{Role::System, "Be brief."},
                                                 {Role::User, "What is 2+2?"}};
  std::vector<int32_t> prompt =
      tok().encode(chat.render(messages, true), false);
  ASSERT_GE(prompt.size(), 2u);
  EXPECT_EQ(prompt[0], *tok().bosId());
  EXPECT_NE(prompt[1], *tok().bosId());
  EXPECT_EQ(out["a1"],
            captured(greedyDirect(m().model(), prompt, 5, m().eosIds())));

  messages.push_back({Role::Assistant, out["a1"]});
  messages.push_back({Role::User, "Thanks"});
  prompt = tok().encode(chat.render(messages, true), false);
  EXPECT_EQ(out["a2"],
            captured(greedyDirect(m().model(), prompt, 4, m().eosIds())));
}

TEST_F(InterpreterTest, RolesWithoutATemplateAreAnError) {
  auto model = variant([](ModelConfig &) {}, /*withTemplate=*/false);
  Program p = makeProgram({},
                          {text("Hi"), roleStep(Role::User, true, 3), text("x"),
                           roleStep(Role::User, false, 3)},
                          {});
  EXPECT_EQ(runError(*model, p),
            std::string("model at '") + kModelDir +
                "' has no chat template sglrun knows (supported: llama3, "
                "chatml, qwen3); the program uses roles at t.sgl:3:3");
  // Roles nested in an if, never run, are found too.
  Program nested = makeProgram(
      {},
      {text("Hi"), plan::test::ifStep(plan::test::boolean(false),
                                      {roleStep(Role::User, true, 5), text("x"),
                                       roleStep(Role::User, false, 5)})},
      {});
  EXPECT_EQ(runError(*model, nested),
            std::string("model at '") + kModelDir +
                "' has no chat template sglrun knows (supported: llama3, "
                "chatml, qwen3); the program uses roles at t.sgl:5:3");
}

TEST_F(InterpreterTest, ArgumentErrorsNameTheArguments) {
  Program p = makeProgram({"q1", "q2"}, {append(0), append(1)}, {});
  EXPECT_EQ(runError(m(), p, {{"q1", "a"}}),
            "missing argument 'q2' for program 'test' (it takes 'q1', 'q2')");
  EXPECT_EQ(runError(m(), p, {{"q1", "a"}, {"q2", "b"}, {"zz", "c"}}),
            "unknown argument 'zz' for program 'test' (it takes 'q1', 'q2')");
  EXPECT_EQ(runError(m(), p, {{"zz", "c"}}),
            "missing arguments 'q1', 'q2'; unknown argument 'zz' for program "
            "'test' (it takes 'q1', 'q2')");
  Program none = makeProgram({}, {text("x")}, {});
  EXPECT_EQ(runError(m(), none, {{"a", "b"}}),
            "unknown argument 'a' for program 'test' (it takes no arguments)");
}

TEST_F(InterpreterTest, CapturesFollowPlanOrder) {
  Program p = makeProgram({"a"}, {text("x"), select(1, {"p", "q"})}, {},
                          {{"second", 1}, {"first", 0}});
  auto out = run(p, {{"a", "value"}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out.begin().key(), "second");
  EXPECT_EQ(out.dump().find("\"second\""), 1u);
  EXPECT_EQ(out["first"], "value");
}

TEST_F(InterpreterTest, SeededSamplingIsReproducible) {
  GenParams sampled;
  sampled.maxTokens = 16; // temperature 1, no top-k/top-p
  Program p = makeProgram({}, {text("Random:"), genStep(0, sampled)}, {"x"});
  RunOptions one, two;
  one.seed = 1;
  two.seed = 2;
  EXPECT_EQ(run(p, {}, one), run(p, {}, one));
  EXPECT_NE(run(p, {}, one), run(p, {}, two));
  // A gen's own seed wins over the run seed.
  sampled.seed = 7;
  Program seeded =
      makeProgram({}, {text("Random:"), genStep(0, sampled)}, {"x"});
  EXPECT_EQ(run(seeded, {}, one), run(seeded, {}, two));
}

TEST(LoadedModel, MissingFolderIsAClearError) {
  auto m = LoadedModel::load("/nonexistent/model/dir");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message,
            "model folder '/nonexistent/model/dir' does not exist");
}

TEST(LoadedModel, FolderWithoutModelFilesIsAClearError) {
  auto m = LoadedModel::load(SGL_SOURCE_DIR "/examples");
  ASSERT_FALSE(m);
  EXPECT_EQ(
      m.error().message.rfind("model at '" SGL_SOURCE_DIR "/examples': ", 0),
      0u)
      << m.error().message;
  EXPECT_NE(m.error().message.find("config.json"), std::string::npos)
      << m.error().message;
}

} // namespace

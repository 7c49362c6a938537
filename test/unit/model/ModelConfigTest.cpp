//===- ModelConfigTest.cpp - config.json parsing --------------------------===//
#include "runtime/model/ModelConfig.h"
#include "test/unit/model/TestUtil.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sgl::runtime {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json llamaConfig() {
  return {{"architectures", {"LlamaForCausalLM"}},
          {"hidden_size", 4096},
          {"intermediate_size", 14336},
          {"num_hidden_layers", 32},
          {"num_attention_heads", 32},
          {"num_key_value_heads", 8},
          {"max_position_embeddings", 131072},
          {"rms_norm_eps", 1e-5},
          {"rope_theta", 500000.0},
          {"rope_scaling",
           {{"factor", 8.0},
            {"low_freq_factor", 1.0},
            {"high_freq_factor", 4.0},
            {"original_max_position_embeddings", 8192},
            {"rope_type", "llama3"}}},
          {"vocab_size", 128256},
          {"tie_word_embeddings", false},
          {"torch_dtype", "bfloat16"},
          {"bos_token_id", 128000},
          {"eos_token_id", {128001, 128008, 128009}}};
}

Expected<ModelConfig> parse(const json &j) {
  return ModelConfig::parse(j.dump(), "config.json");
}

TEST(ModelConfigTest, ParsesLlama31) {
  auto c = parse(llamaConfig());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->arch, ModelArch::Llama);
  EXPECT_EQ(c->hiddenSize, 4096);
  EXPECT_EQ(c->numKVHeads, 8);
  EXPECT_EQ(c->headDim, 128);
  EXPECT_EQ(c->vocabSize, 128256);
  EXPECT_DOUBLE_EQ(c->rmsNormEps, 1e-5);
  EXPECT_TRUE(c->ropeScaling.enabled);
  EXPECT_DOUBLE_EQ(c->ropeScaling.factor, 8.0);
  EXPECT_EQ(c->ropeScaling.originalMaxPositions, 8192);
  EXPECT_EQ(c->torchDtype, "bfloat16");
  EXPECT_EQ(c->bosTokenId, 128000);
  EXPECT_EQ(c->eosTokenIds, (std::vector<int64_t>{128001, 128008, 128009}));
  EXPECT_FALSE(c->attentionBias);
}

TEST(ModelConfigTest, DefaultsAndScalarEos) {
  json j = llamaConfig();
  j.erase("num_key_value_heads");
  j.erase("rope_scaling");
  j["eos_token_id"] = 2;
  j["head_dim"] = 64;
  auto c = parse(j);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->numKVHeads, 32);
  EXPECT_EQ(c->headDim, 64);
  EXPECT_FALSE(c->ropeScaling.enabled);
  EXPECT_EQ(c->eosTokenIds, std::vector<int64_t>{2});
}

TEST(ModelConfigTest, Qwen2HasBiasQwen3HasQkNorm) {
  json j = llamaConfig();
  j["architectures"] = {"Qwen2ForCausalLM"};
  j["sliding_window"] = 4096; // unused while use_sliding_window is false
  j["use_sliding_window"] = false;
  auto c = parse(j);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->attentionBias);
  j["use_sliding_window"] = true;
  auto bad = parse(j);
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("sliding_window attention"));

  j = llamaConfig();
  j["architectures"] = {"Qwen3ForCausalLM"};
  c = parse(j);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->qkNorm);
  EXPECT_FALSE(c->attentionBias);
}

TEST(ModelConfigTest, MistralSlidingWindow) {
  json j = llamaConfig();
  j["architectures"] = {"MistralForCausalLM"};
  j["max_position_embeddings"] = 32768;
  j["sliding_window"] = nullptr;
  EXPECT_TRUE(parse(j));
  j["sliding_window"] = 4096;
  auto c = parse(j);
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message,
              HasSubstr("sliding_window attention (window 4096 < "
                        "max_position_embeddings 32768) is not supported yet"));
}

TEST(ModelConfigTest, UnsupportedArchitecture) {
  json j = llamaConfig();
  j["architectures"] = {"GPT2LMHeadModel"};
  auto c = parse(j);
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message,
              HasSubstr("architecture 'GPT2LMHeadModel' is not supported"));
  EXPECT_THAT(c.error().message,
              HasSubstr("LlamaForCausalLM, MistralForCausalLM, "
                        "Qwen2ForCausalLM, Qwen3ForCausalLM"));
}

TEST(ModelConfigTest, UnsupportedRopeScaling) {
  json j = llamaConfig();
  j["rope_scaling"] = {{"type", "yarn"}, {"factor", 4.0}};
  auto c = parse(j);
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message,
              HasSubstr("rope_scaling type 'yarn' is not supported yet"));
  j["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}};
  c = parse(j);
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message, HasSubstr("low_freq_factor"));
}

TEST(ModelConfigTest, BadFields) {
  json j = llamaConfig();
  j.erase("hidden_size");
  EXPECT_THAT(parse(j).error().message,
              HasSubstr("missing required field 'hidden_size'"));
  j = llamaConfig();
  j["num_key_value_heads"] = 5;
  EXPECT_THAT(parse(j).error().message,
              HasSubstr("must be a multiple of num_key_value_heads"));
  j = llamaConfig();
  j["eos_token_id"] = "x";
  EXPECT_THAT(parse(j).error().message,
              HasSubstr("'eos_token_id' must be a token id or a list"));
  EXPECT_THAT(ModelConfig::parse("{", "cfg").error().message,
              HasSubstr("cfg: not a JSON object"));
}

TEST(ModelConfigTest, GenerationConfigOverridesEos) {
  test::TempDir dir("cfg");
  json j = llamaConfig();
  j["eos_token_id"] = 128001;
  test::writeFile(dir.path() / "config.json", j.dump());
  test::writeFile(dir.path() / "generation_config.json",
                  R"({"eos_token_id": [128001, 128009], "bos_token_id": 7})");
  auto c = ModelConfig::load(dir.str());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->eosTokenIds, (std::vector<int64_t>{128001, 128009}));
  EXPECT_EQ(c->bosTokenId, 7);

  test::writeFile(dir.path() / "generation_config.json",
                  R"({"eos_token_id": 5})");
  c = ModelConfig::load(dir.str());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->eosTokenIds, std::vector<int64_t>{5});
}

TEST(ModelConfigTest, MissingConfig) {
  auto c = ModelConfig::load("/nonexistent-model-dir");
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message,
              HasSubstr("cannot read '/nonexistent-model-dir/config.json'"));
}

} // namespace
} // namespace sgl::runtime

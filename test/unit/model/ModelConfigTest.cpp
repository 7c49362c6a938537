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
  EXPECT_EQ(ModelConfig::parse("{", "cfg").error().message,
            "cfg: invalid JSON at line 1, column 1: syntax error while "
            "parsing object key - unexpected end of input; expected string "
            "literal");
  EXPECT_EQ(ModelConfig::parse("[1, 2]", "cfg").error().message,
            "cfg: not a JSON object (the file holds array)");
}

/// The first error parsing `j` with `key` set to `value`.
std::string errorWith(const char *key, const json &value) {
  json j = llamaConfig();
  j[key] = value;
  auto c = parse(j);
  EXPECT_FALSE(c) << key << " = " << value.dump() << " was accepted";
  return c ? "" : c.error().message;
}

TEST(ModelConfigTest, InvalidJsonSaysWhereAndInWhichField) {
  // nlohmann rejects numbers that overflow a double; the message must say
  // so, where, and in which field, not "not a JSON object".
  std::string text = "{\n  \"architectures\": [\"LlamaForCausalLM\"],\n"
                     "  \"rms_norm_eps\": 1e400,\n  \"hidden_size\": 64\n}";
  EXPECT_EQ(ModelConfig::parse(text, "config.json").error().message,
            "config.json: invalid JSON at line 3, column 23 (in "
            "'rms_norm_eps'): number overflow parsing '1e400'");
  EXPECT_EQ(ModelConfig::parse(R"({"rope_scaling": {"factor": 8.0,, }})",
                               "config.json")
                .error()
                .message,
            "config.json: invalid JSON at line 1, column 33 (after "
            "'rope_scaling.factor'): syntax error while parsing object key - "
            "unexpected ','; expected string literal");
}

TEST(ModelConfigTest, FloatFieldsOutOfRangeNameTheField) {
  const std::string epsRange =
      "config.json: 'rms_norm_eps' must be a number from 1e-30 to 1 (got ";
  EXPECT_EQ(errorWith("rms_norm_eps", -1), epsRange + "-1)");
  EXPECT_EQ(errorWith("rms_norm_eps", 0), epsRange + "0)");
  EXPECT_EQ(errorWith("rms_norm_eps", 1e-50), epsRange + "1e-50)");
  EXPECT_EQ(errorWith("rms_norm_eps", 3.5), epsRange + "3.5)");
  EXPECT_EQ(errorWith("rms_norm_eps", "small"),
            "config.json: 'rms_norm_eps' must be a number (got \"small\")");
  const std::string thetaRange =
      "config.json: 'rope_theta' must be a number from 1 to 1e+300 (got ";
  EXPECT_EQ(errorWith("rope_theta", 0), thetaRange + "0)");
  EXPECT_EQ(errorWith("rope_theta", -10000.0), thetaRange + "-10000.0)");
  EXPECT_EQ(errorWith("rope_theta", 0.5), thetaRange + "0.5)");
  EXPECT_EQ(errorWith("rope_theta", 1e308), thetaRange + "1e+308)");
  EXPECT_TRUE(parse([] {
    json j = llamaConfig();
    j["rope_theta"] = 1;
    j["rms_norm_eps"] = 1;
    return j;
  }()));
}

TEST(ModelConfigTest, IntegerFieldsOutOfRangeNameTheField) {
  EXPECT_EQ(errorWith("num_hidden_layers", 2000000000),
            "config.json: 'num_hidden_layers' is 2000000000; at most 1048576 "
            "is supported");
  EXPECT_EQ(errorWith("hidden_size", json::number_unsigned_t(1) << 63),
            "config.json: 'hidden_size' is 9223372036854775808; at most "
            "1048576 is supported");
  EXPECT_EQ(errorWith("intermediate_size", -4),
            "config.json: 'intermediate_size' must be a positive integer (got "
            "-4)");
  EXPECT_EQ(errorWith("num_attention_heads", 2.5),
            "config.json: 'num_attention_heads' must be a positive integer "
            "(got 2.5)");
  EXPECT_EQ(errorWith("head_dim", 0),
            "config.json: 'head_dim' must be a positive integer (got 0)");
  EXPECT_EQ(errorWith("head_dim", 1 << 21),
            "config.json: 'head_dim' is 2097152; at most 1048576 is supported");
  EXPECT_EQ(errorWith("head_dim", 63),
            "config.json: head_dim must be even for rotary embeddings");
  EXPECT_EQ(errorWith("vocab_size", int64_t(1) << 31),
            "config.json: 'vocab_size' is 2147483648; at most 2147483647 is "
            "supported");
  EXPECT_EQ(errorWith("max_position_embeddings", 1e10),
            "config.json: 'max_position_embeddings' is 10000000000.0; at most "
            "2147483647 is supported");
  EXPECT_EQ(errorWith("num_key_value_heads", 0),
            "config.json: 'num_key_value_heads' must be a positive integer "
            "(got 0)");
  // Integral floats are integers.
  json j = llamaConfig();
  j["max_position_embeddings"] = 131072.0;
  auto c = parse(j);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->maxPositions, 131072);
}

TEST(ModelConfigTest, RopeScalingValuesAreChecked) {
  auto scaled = [](const char *key, const json &value) {
    json j = llamaConfig();
    j["rope_scaling"][key] = value;
    auto c = parse(j);
    return c ? std::string() : c.error().message;
  };
  EXPECT_EQ(scaled("factor", -1.0),
            "config.json: 'rope_scaling.factor' must be a number from 1e-30 "
            "to 1e+30 (got -1.0)");
  EXPECT_EQ(scaled("factor", 0),
            "config.json: 'rope_scaling.factor' must be a number from 1e-30 "
            "to 1e+30 (got 0)");
  EXPECT_EQ(scaled("low_freq_factor", 1e300),
            "config.json: 'rope_scaling.low_freq_factor' must be a number "
            "from 1e-30 to 1e+30 (got 1e+300)");
  EXPECT_EQ(scaled("high_freq_factor", 1.0),
            "config.json: 'rope_scaling.high_freq_factor' (1.0) must be "
            "greater than 'rope_scaling.low_freq_factor' (1.0)");
  // Cast to an integer, 1e300 was undefined behaviour.
  EXPECT_EQ(scaled("original_max_position_embeddings", 1e300),
            "config.json: 'rope_scaling.original_max_position_embeddings' "
            "must be a positive integer (got 1e+300)");
  EXPECT_EQ(scaled("original_max_position_embeddings", 8192.5),
            "config.json: 'rope_scaling.original_max_position_embeddings' "
            "must be a positive integer (got 8192.5)");
  EXPECT_EQ(scaled("original_max_position_embeddings", 8192.0), "");
}

TEST(ModelConfigTest, TokenIdsMustBeInTheVocabulary) {
  EXPECT_EQ(errorWith("eos_token_id", {128001, 128256}),
            "config.json: 'eos_token_id' holds token id 128256, outside the "
            "vocabulary (vocab_size 128256)");
  EXPECT_EQ(errorWith("bos_token_id", 5000000000),
            "config.json: 'bos_token_id' holds token id 5000000000, outside "
            "the vocabulary (vocab_size 128256)");
  EXPECT_EQ(errorWith("sliding_window", -4096),
            "config.json: 'sliding_window' must be a positive integer (got "
            "-4096)");
}

TEST(ModelConfigTest, GenerationConfigIsCheckedLikeConfig) {
  auto c = parse(llamaConfig());
  ASSERT_TRUE(c);
  Status s = c->applyGenerationConfig(R"({"eos_token_id": 1e400})",
                                      "generation_config.json");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "generation_config.json: invalid JSON at line 1, column 22 (in "
            "'eos_token_id'): number overflow parsing '1e400'");
  s = c->applyGenerationConfig(R"({"eos_token_id": [128009, 200000]})",
                               "generation_config.json");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "generation_config.json: 'eos_token_id' holds token id 200000, "
            "outside the vocabulary (vocab_size 128256)");
  ASSERT_TRUE(c->applyGenerationConfig(R"({"eos_token_id": [7, 8]})", "g"));
  EXPECT_EQ(c->eosTokenIds, (std::vector<int64_t>{7, 8}));

  // Through load(): the file's path names it.
  test::TempDir dir("gencfg");
  test::writeFile(dir.path() / "config.json", llamaConfig().dump());
  test::writeFile(dir.path() / "generation_config.json",
                  "{\"bos_token_id\": 1,\n \"eos_token_id\": [1, 2,]}");
  auto loaded = ModelConfig::load(dir.str());
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message,
            (dir.path() / "generation_config.json").string() +
                ": invalid JSON at line 2, column 24 (in 'eos_token_id'): "
                "syntax error while parsing value - unexpected ']'; expected "
                "'[', '{', or a literal");
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
              HasSubstr("/nonexistent-model-dir/config.json: cannot open"));
}

} // namespace
} // namespace sgl::runtime

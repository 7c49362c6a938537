//===- ModelConfig.cpp - Hugging Face config.json for Llama-family models -===//
#include "runtime/model/ModelConfig.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sgl::runtime {

namespace {

using nlohmann::json;

struct ArchName {
  std::string_view name;
  ModelArch arch;
};
constexpr ArchName kArchs[] = {
    {"LlamaForCausalLM", ModelArch::Llama},
    {"MistralForCausalLM", ModelArch::Mistral},
    {"Qwen2ForCausalLM", ModelArch::Qwen2},
    {"Qwen3ForCausalLM", ModelArch::Qwen3},
};

/// Field readers that report "<source>: 'field' ..." on a type mismatch.
class Reader {
public:
  Reader(const json &root, const std::string &source)
      : root_(root), source_(source) {}

  Error error(const std::string &what) const {
    return makeError(source_ + ": " + what);
  }

  /// Required positive integer.
  Status positiveInt(const char *key, int64_t &out) const {
    auto it = root_.find(key);
    if (it == root_.end() || it->is_null())
      return error("missing required field '" + std::string(key) + "'");
    if (!it->is_number_integer() || it->get<int64_t>() <= 0)
      return error("'" + std::string(key) + "' must be a positive integer");
    out = it->get<int64_t>();
    return Status::ok();
  }
  /// Optional positive integer (kept when absent or null).
  Status optionalInt(const char *key, int64_t &out) const {
    auto it = root_.find(key);
    if (it == root_.end() || it->is_null())
      return Status::ok();
    return positiveInt(key, out);
  }
  Status optionalNumber(const char *key, double &out) const {
    auto it = root_.find(key);
    if (it == root_.end() || it->is_null())
      return Status::ok();
    if (!it->is_number())
      return error("'" + std::string(key) + "' must be a number");
    out = it->get<double>();
    return Status::ok();
  }
  Status optionalBool(const char *key, bool &out) const {
    auto it = root_.find(key);
    if (it == root_.end() || it->is_null())
      return Status::ok();
    if (!it->is_boolean())
      return error("'" + std::string(key) + "' must be true or false");
    out = it->get<bool>();
    return Status::ok();
  }
  /// A token id field that may be an int, a list of ints, or null.
  Status tokenIds(const char *key, std::vector<int64_t> &out,
                  bool &present) const {
    present = false;
    auto it = root_.find(key);
    if (it == root_.end() || it->is_null())
      return Status::ok();
    std::vector<int64_t> ids;
    auto take = [&](const json &v) {
      if (!v.is_number_integer() || v.get<int64_t>() < 0)
        return false;
      ids.push_back(v.get<int64_t>());
      return true;
    };
    bool ok = true;
    if (it->is_array()) {
      for (const json &v : *it)
        ok = ok && take(v);
    } else {
      ok = take(*it);
    }
    if (!ok)
      return error("'" + std::string(key) +
                   "' must be a token id or a list of token ids");
    out = std::move(ids);
    present = true;
    return Status::ok();
  }

private:
  const json &root_;
  const std::string &source_;
};

#define SGL_TRY(expr)                                                          \
  do {                                                                         \
    if (::sgl::Status _s = (expr); !_s)                                        \
      return _s.error();                                                       \
  } while (false)

Status parseRopeScaling(const Reader &r, const json &node, RopeScaling &out) {
  if (node.is_null())
    return Status::ok();
  if (!node.is_object())
    return r.error("'rope_scaling' must be an object or null");
  std::string type;
  for (const char *key : {"rope_type", "type"}) {
    auto it = node.find(key);
    if (it != node.end() && it->is_string()) {
      type = it->get<std::string>();
      break;
    }
  }
  if (type == "default" || type.empty())
    return Status::ok();
  if (type != "llama3")
    return r.error("rope_scaling type '" + type +
                   "' is not supported yet (supported: llama3, default)");
  out.enabled = true;
  auto num = [&](const char *key, double &v) -> Status {
    auto it = node.find(key);
    if (it == node.end() || !it->is_number())
      return r.error("llama3 rope_scaling needs a number '" + std::string(key) +
                     "'");
    v = it->get<double>();
    return Status::ok();
  };
  SGL_TRY(num("factor", out.factor));
  SGL_TRY(num("low_freq_factor", out.lowFreqFactor));
  SGL_TRY(num("high_freq_factor", out.highFreqFactor));
  double orig = 0;
  SGL_TRY(num("original_max_position_embeddings", orig));
  out.originalMaxPositions = static_cast<int64_t>(orig);
  if (out.factor <= 0 || out.lowFreqFactor <= 0 ||
      out.highFreqFactor <= out.lowFreqFactor || out.originalMaxPositions <= 0)
    return r.error("llama3 rope_scaling needs factor > 0, 0 < "
                   "low_freq_factor < high_freq_factor and "
                   "original_max_position_embeddings > 0");
  return Status::ok();
}

Expected<json> readJsonFile(const std::filesystem::path &path) {
  std::ifstream in(path);
  if (!in)
    return makeError("cannot read '" + path.string() + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  json j = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return makeError("'" + path.string() + "' is not a JSON object");
  return j;
}

} // namespace

std::string supportedArchitectures() {
  std::string out;
  for (const ArchName &a : kArchs) {
    if (!out.empty())
      out += ", ";
    out += a.name;
  }
  return out;
}

Expected<ModelConfig> ModelConfig::parse(std::string_view text,
                                         const std::string &source) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object())
    return makeError(source + ": not a JSON object");
  Reader r(root, source);
  ModelConfig c;

  auto archIt = root.find("architectures");
  if (archIt == root.end() || !archIt->is_array() || archIt->empty() ||
      !(*archIt)[0].is_string())
    return r.error("missing 'architectures' (supported: " +
                   supportedArchitectures() + ")");
  c.architecture = (*archIt)[0].get<std::string>();
  bool known = false;
  for (const ArchName &a : kArchs)
    if (a.name == c.architecture) {
      c.arch = a.arch;
      known = true;
    }
  if (!known)
    return r.error(
        "architecture '" + c.architecture +
        "' is not supported (supported: " + supportedArchitectures() + ")");

  SGL_TRY(r.positiveInt("hidden_size", c.hiddenSize));
  SGL_TRY(r.positiveInt("intermediate_size", c.intermediateSize));
  SGL_TRY(r.positiveInt("num_hidden_layers", c.numLayers));
  SGL_TRY(r.positiveInt("num_attention_heads", c.numHeads));
  c.numKVHeads = c.numHeads;
  SGL_TRY(r.optionalInt("num_key_value_heads", c.numKVHeads));
  SGL_TRY(r.positiveInt("vocab_size", c.vocabSize));
  c.maxPositions = 2048;
  SGL_TRY(r.optionalInt("max_position_embeddings", c.maxPositions));
  if (c.hiddenSize % c.numHeads != 0 && root.find("head_dim") == root.end())
    return r.error("hidden_size is not a multiple of num_attention_heads and "
                   "no head_dim is given");
  c.headDim = c.hiddenSize / c.numHeads;
  SGL_TRY(r.optionalInt("head_dim", c.headDim));
  if (c.headDim % 2 != 0)
    return r.error("head_dim must be even for rotary embeddings");
  if (c.numHeads % c.numKVHeads != 0)
    return r.error("num_attention_heads (" + std::to_string(c.numHeads) +
                   ") must be a multiple of num_key_value_heads (" +
                   std::to_string(c.numKVHeads) + ")");
  SGL_TRY(r.optionalNumber("rms_norm_eps", c.rmsNormEps));
  SGL_TRY(r.optionalNumber("rope_theta", c.ropeTheta));
  if (auto it = root.find("rope_scaling"); it != root.end())
    SGL_TRY(parseRopeScaling(r, *it, c.ropeScaling));
  SGL_TRY(r.optionalBool("tie_word_embeddings", c.tieWordEmbeddings));
  SGL_TRY(r.optionalBool("attention_bias", c.attentionBias));
  if (c.arch == ModelArch::Qwen2)
    c.attentionBias = true;
  if (c.arch == ModelArch::Qwen3)
    c.qkNorm = true;
  for (const char *key : {"torch_dtype", "dtype"})
    if (auto it = root.find(key); it != root.end() && it->is_string()) {
      c.torchDtype = it->get<std::string>();
      break;
    }

  // Sliding-window attention is not implemented; refuse configs that use it.
  if (auto it = root.find("sliding_window");
      it != root.end() && !it->is_null()) {
    bool used = true;
    if (c.arch == ModelArch::Qwen2 || c.arch == ModelArch::Qwen3) {
      used = false;
      SGL_TRY(r.optionalBool("use_sliding_window", used));
    }
    if (used) {
      if (!it->is_number_integer())
        return r.error("'sliding_window' must be an integer or null");
      if (it->get<int64_t>() < c.maxPositions)
        return r.error(
            "sliding_window attention (window " +
            std::to_string(it->get<int64_t>()) + " < max_position_embeddings " +
            std::to_string(c.maxPositions) + ") is not supported yet");
    }
  }

  std::vector<int64_t> ids;
  bool present = false;
  SGL_TRY(r.tokenIds("bos_token_id", ids, present));
  if (present && !ids.empty())
    c.bosTokenId = ids[0];
  SGL_TRY(r.tokenIds("eos_token_id", c.eosTokenIds, present));
  return c;
}

Expected<ModelConfig> ModelConfig::load(const std::string &dir) {
  namespace fs = std::filesystem;
  fs::path configPath = fs::path(dir) / "config.json";
  std::ifstream in(configPath);
  if (!in)
    return makeError("cannot read '" + configPath.string() + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  Expected<ModelConfig> config = parse(buffer.str(), configPath.string());
  if (!config)
    return config;

  fs::path genPath = fs::path(dir) / "generation_config.json";
  std::error_code ec;
  if (!fs::exists(genPath, ec))
    return config;
  Expected<json> gen = readJsonFile(genPath);
  if (!gen)
    return gen.error();
  const std::string genSource = genPath.string();
  Reader r(*gen, genSource);
  std::vector<int64_t> ids;
  bool present = false;
  SGL_TRY(r.tokenIds("eos_token_id", ids, present));
  if (present)
    config->eosTokenIds = ids;
  SGL_TRY(r.tokenIds("bos_token_id", ids, present));
  if (present && !ids.empty())
    config->bosTokenId = ids[0];
  return config;
}

} // namespace sgl::runtime

//===- ModelConfig.cpp - Hugging Face config.json for Llama-family models -===//
#include "runtime/model/ModelConfig.h"

#include "runtime/support/InputFile.h"
#include "runtime/support/JsonText.h"
#include "runtime/support/MessageText.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>

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

/// A dimension (hidden size, heads, layers, ...) above this is refused: no
/// real model comes near it, and with every dimension below 2^20 products
/// of two of them cannot overflow. The checkpoint's tensors must back
/// whatever is accepted (LlamaModel::checkCheckpoint).
constexpr int64_t kMaxDimension = int64_t(1) << 20;
/// Token ids and positions are int32 in the runtime.
constexpr int64_t kMaxTokenCount = INT32_MAX;

/// The value as config.json spells it, for messages.
std::string spelled(const json &value) { return jsonExcerpt(value, 40); }

/// Field readers that report "<source>: 'field' ..." on a type mismatch or
/// a value out of range.
class Reader {
public:
  Reader(const json &root, const std::string &source)
      : root_(root), source_(source) {}

  Error error(const std::string &what) const {
    return makeError(source_ + ": " + what);
  }

  /// Required integer in [1, max].
  Status positiveInt(const char *key, int64_t &out, int64_t max) const {
    auto it = root_.find(key);
    if (it == root_.end() || it->is_null())
      return error("missing required field '" + std::string(key) + "'");
    return intIn(*it, key, out, max);
  }
  /// Optional integer in [1, max] (kept when absent or null).
  Status optionalInt(const char *key, int64_t &out, int64_t max) const {
    auto it = root_.find(key);
    if (it == root_.end() || it->is_null())
      return Status::ok();
    return intIn(*it, key, out, max);
  }
  /// Optional finite number in [min, max] (kept when absent or null).
  Status optionalNumber(const char *key, double &out, double min,
                        double max) const {
    auto it = root_.find(key);
    if (it == root_.end() || it->is_null())
      return Status::ok();
    return numberIn(*it, key, out, min, max);
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
  /// A token id field that may be an int, a list of ints, or null; every id
  /// must be below `vocabSize`.
  Status tokenIds(const char *key, int64_t vocabSize, std::vector<int64_t> &out,
                  bool &present) const {
    present = false;
    auto it = root_.find(key);
    if (it == root_.end() || it->is_null())
      return Status::ok();
    std::vector<int64_t> ids;
    auto take = [&](const json &v) -> Status {
      if (!v.is_number_integer() || v.get<int64_t>() < 0)
        return error(std::string("'").append(key).append(
            "' must be a token id or a list of token ids"));
      if (v.get<int64_t>() >= vocabSize)
        return error("'" + std::string(key) + "' holds token id " + spelled(v) +
                     ", outside the vocabulary (vocab_size " +
                     std::to_string(vocabSize) + ")");
      ids.push_back(v.get<int64_t>());
      return Status::ok();
    };
    if (it->is_array()) {
      for (const json &v : *it)
        if (Status s = take(v); !s)
          return s;
    } else if (Status s = take(*it); !s) {
      return s;
    }
    out = std::move(ids);
    present = true;
    return Status::ok();
  }

  /// `value` (named `name`) as an integer in [1, max]. Integral floats
  /// ("8192.0") are accepted.
  Status intIn(const json &value, const std::string &name, int64_t &out,
               int64_t max) const {
    bool integral = value.is_number_integer();
    if (value.is_number_float()) {
      double d = value.get<double>();
      integral = std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e18;
    }
    const bool tooLarge =
        value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(max);
    if (!integral || (!tooLarge && value.get<int64_t>() <= 0))
      return error("'" + name + "' must be a positive integer (got " +
                   spelled(value) + ")");
    if (tooLarge || value.get<int64_t>() > max)
      return error("'" + name + "' is " + spelled(value) + "; at most " +
                   std::to_string(max) + " is supported");
    out = value.get<int64_t>();
    return Status::ok();
  }
  /// `value` (named `name`) as a finite number in [min, max].
  Status numberIn(const json &value, const std::string &name, double &out,
                  double min, double max) const {
    if (!value.is_number())
      return error("'" + name + "' must be a number (got " + spelled(value) +
                   ")");
    double d = value.get<double>();
    if (!(d >= min && d <= max))
      return error("'" + name + "' must be a number from " + formatBound(min) +
                   " to " + formatBound(max) + " (got " + spelled(value) + ")");
    out = d;
    return Status::ok();
  }

private:
  static std::string formatBound(double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%g", v);
    return buf;
  }

  const json &root_;
  const std::string &source_;
};

#define SGL_TRY(expr)                                                          \
  do {                                                                         \
    if (::sgl::Status _s = (expr); !_s)                                        \
      return _s.error();                                                       \
  } while (false)

/// RMSNorm divides by sqrt(mean(x^2) + eps): eps must be a positive float.
constexpr double kMinRmsNormEps = 1e-30, kMaxRmsNormEps = 1.0;
/// RoPE frequencies are theta^(-2i/d): theta >= 1 keeps every angle within
/// its position; 0 or less gives inf/NaN.
constexpr double kMinRopeTheta = 1.0, kMaxRopeTheta = 1e300;
/// Scaling factors divide frequencies; keep them well inside double range.
constexpr double kMinRopeFactor = 1e-30, kMaxRopeFactor = 1e30;

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
    return r.error("rope_scaling type '" + abbreviate(type, 40) +
                   "' is not supported yet (supported: llama3, default)");
  out.enabled = true;
  auto field = [&](const char *key) -> const json * {
    auto it = node.find(key);
    return it == node.end() || it->is_null() ? nullptr : &*it;
  };
  auto num = [&](const char *key, double &v) -> Status {
    const json *value = field(key);
    if (!value)
      return r.error("llama3 rope_scaling needs a number '" + std::string(key) +
                     "'");
    return r.numberIn(*value, "rope_scaling." + std::string(key), v,
                      kMinRopeFactor, kMaxRopeFactor);
  };
  SGL_TRY(num("factor", out.factor));
  SGL_TRY(num("low_freq_factor", out.lowFreqFactor));
  SGL_TRY(num("high_freq_factor", out.highFreqFactor));
  const json *orig = field("original_max_position_embeddings");
  if (!orig)
    return r.error("llama3 rope_scaling needs a number "
                   "'original_max_position_embeddings'");
  SGL_TRY(r.intIn(*orig, "rope_scaling.original_max_position_embeddings",
                  out.originalMaxPositions, kMaxTokenCount));
  if (out.highFreqFactor <= out.lowFreqFactor)
    return r.error("'rope_scaling.high_freq_factor' (" +
                   spelled(*field("high_freq_factor")) +
                   ") must be greater than 'rope_scaling.low_freq_factor' (" +
                   spelled(*field("low_freq_factor")) + ")");
  return Status::ok();
}

Expected<json> readJsonFile(const std::filesystem::path &path) {
  Expected<std::string> text =
      readInputFile(path.string(), {"generation_config.json", kModelJsonLimit});
  if (!text)
    return text.error();
  return parseJsonObject(*text, path.string());
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

namespace {

/// eos/bos ids of generation_config.json over those of config.json.
Status applyGenerationJson(const json &root, const std::string &source,
                           ModelConfig &config) {
  Reader r(root, source);
  std::vector<int64_t> ids;
  bool present = false;
  SGL_TRY(r.tokenIds("eos_token_id", config.vocabSize, ids, present));
  if (present)
    config.eosTokenIds = ids;
  SGL_TRY(r.tokenIds("bos_token_id", config.vocabSize, ids, present));
  if (present && !ids.empty())
    config.bosTokenId = ids[0];
  return Status::ok();
}

} // namespace

Expected<ModelConfig> ModelConfig::parse(std::string_view text,
                                         const std::string &source) {
  Expected<json> parsed = parseJsonObject(text, source);
  if (!parsed)
    return parsed.error();
  const json &root = *parsed;
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
        "architecture '" + abbreviate(c.architecture, 80) +
        "' is not supported (supported: " + supportedArchitectures() + ")");

  SGL_TRY(r.positiveInt("hidden_size", c.hiddenSize, kMaxDimension));
  SGL_TRY(
      r.positiveInt("intermediate_size", c.intermediateSize, kMaxDimension));
  SGL_TRY(r.positiveInt("num_hidden_layers", c.numLayers, kMaxDimension));
  SGL_TRY(r.positiveInt("num_attention_heads", c.numHeads, kMaxDimension));
  c.numKVHeads = c.numHeads;
  SGL_TRY(r.optionalInt("num_key_value_heads", c.numKVHeads, kMaxDimension));
  SGL_TRY(r.positiveInt("vocab_size", c.vocabSize, kMaxTokenCount));
  c.maxPositions = 2048;
  SGL_TRY(
      r.optionalInt("max_position_embeddings", c.maxPositions, kMaxTokenCount));
  if (c.hiddenSize % c.numHeads != 0 && root.find("head_dim") == root.end())
    return r.error("hidden_size is not a multiple of num_attention_heads and "
                   "no head_dim is given");
  c.headDim = c.hiddenSize / c.numHeads;
  SGL_TRY(r.optionalInt("head_dim", c.headDim, kMaxDimension));
  if (c.headDim % 2 != 0)
    return r.error("head_dim must be even for rotary embeddings");
  if (c.numHeads % c.numKVHeads != 0)
    return r.error("num_attention_heads (" + std::to_string(c.numHeads) +
                   ") must be a multiple of num_key_value_heads (" +
                   std::to_string(c.numKVHeads) + ")");
  SGL_TRY(r.optionalNumber("rms_norm_eps", c.rmsNormEps, kMinRmsNormEps,
                           kMaxRmsNormEps));
  SGL_TRY(r.optionalNumber("rope_theta", c.ropeTheta, kMinRopeTheta,
                           kMaxRopeTheta));
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
      int64_t window = 0;
      if (!it->is_number_integer())
        return r.error("'sliding_window' must be an integer or null");
      SGL_TRY(r.intIn(*it, "sliding_window", window, INT64_MAX));
      if (window < c.maxPositions)
        return r.error("sliding_window attention (window " +
                       std::to_string(window) + " < max_position_embeddings " +
                       std::to_string(c.maxPositions) +
                       ") is not supported yet");
    }
  }

  std::vector<int64_t> ids;
  bool present = false;
  SGL_TRY(r.tokenIds("bos_token_id", c.vocabSize, ids, present));
  if (present && !ids.empty())
    c.bosTokenId = ids[0];
  SGL_TRY(r.tokenIds("eos_token_id", c.vocabSize, c.eosTokenIds, present));
  return c;
}

Status ModelConfig::applyGenerationConfig(std::string_view text,
                                          const std::string &source) {
  Expected<json> root = parseJsonObject(text, source);
  if (!root)
    return root.error();
  return applyGenerationJson(*root, source, *this);
}

Expected<ModelConfig> ModelConfig::load(const std::string &dir) {
  namespace fs = std::filesystem;
  fs::path configPath = fs::path(dir) / "config.json";
  Expected<std::string> text =
      readInputFile(configPath.string(), {"config.json", kModelJsonLimit});
  if (!text)
    return text.error();
  Expected<ModelConfig> config = parse(*text, configPath.string());
  if (!config)
    return config;

  fs::path genPath = fs::path(dir) / "generation_config.json";
  std::error_code ec;
  if (!fs::exists(genPath, ec))
    return config;
  Expected<json> gen = readJsonFile(genPath);
  if (!gen)
    return gen.error();
  SGL_TRY(applyGenerationJson(*gen, genPath.string(), *config));
  return config;
}

} // namespace sgl::runtime

//===- sgl-make-tiny-model.cpp - Writes a small random Llama-family model -===//
//
// Produces a complete model directory (config.json, generation_config.json,
// safetensors, tokenizer files) with random weights, for tests and demos:
//
//   sgl-make-tiny-model out/ --tokenizer llama3.1/ --layers 2 --hidden 128
//
// Weights come from a splitmix64 stream per tensor, seeded by --seed and the
// tensor's name, so the same flags give byte-identical files everywhere and
// sharding does not change any value.
//
//===----------------------------------------------------------------------===//
#include "runtime/model/SafetensorsWriter.h"
#include "runtime/support/CommandLine.h"
#include "runtime/support/OutputFile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;
using sgl::runtime::DType;
using sgl::runtime::SafetensorsWriter;

namespace {

constexpr const char *kTool = "sgl-make-tiny-model";

/// Size limits. Every dimension stays within what the runtime's config
/// reader accepts, and the weights, which are built in memory before they
/// are written, within kMaxWeightBytes: a tiny model is for tests and demos.
constexpr int64_t kMaxVocab = int64_t(1) << 20;
constexpr int64_t kMaxWidth = int64_t(1) << 16; // hidden, intermediate, head
constexpr int64_t kMaxCount = 1024;             // layers, heads, shards
constexpr int64_t kMaxPositions = INT32_MAX;
constexpr double kMaxWeightBytes = double(uint64_t(4) << 30);

struct Options {
  std::string outDir;
  std::string tokenizerDir;
  int64_t vocab = 0;
  int64_t layers = 2;
  int64_t hidden = 128;
  int64_t heads = 4;
  int64_t kvHeads = 2;
  int64_t headDim = 0; // 0: hidden / heads
  int64_t intermediate = 256;
  int64_t maxPositions = 4096;
  uint64_t seed = 0;
  std::string dtype = "f32";
  std::string arch = "llama";
  std::string ropeScaling = "none";
  double ropeTheta = 500000.0;
  int shards = 1;
  bool tieEmbeddings = false;
};

/// splitmix64: a tiny portable generator with a fixed output sequence.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [-1, 1), exactly representable (24-bit grid).
  double symmetric() {
    return static_cast<double>(next() >> 40) * (2.0 / 16777216.0) - 1.0;
  }

private:
  uint64_t state_;
};

uint64_t fnv1a(const std::string &s) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : s)
    h = (h ^ c) * 0x100000001B3ull;
  return h;
}

uint16_t f32ToBF16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7F800000u) == 0x7F800000u) // inf/nan: truncate
    return static_cast<uint16_t>(bits >> 16);
  bits += 0x7FFFu + ((bits >> 16) & 1u); // round to nearest even
  return static_cast<uint16_t>(bits >> 16);
}

/// How a tensor's values are drawn: center + spread * uniform[-1, 1).
struct Init {
  double center;
  double spread;
};
// Uniform(-a, a) has std a / sqrt(3); a = 0.02 * sqrt(3) gives std 0.02.
constexpr Init kMatrix{0.0, 0.034641016151377546};
constexpr Init kNorm{1.0, 0.1};
constexpr Init kBias{0.0, 0.1};

class ModelBuilder {
public:
  ModelBuilder(const Options &o) : o_(o) {}

  void add(const std::string &name, std::vector<int64_t> shape, Init init) {
    int64_t numel = 1;
    for (int64_t d : shape)
      numel *= d;
    SplitMix64 rng(o_.seed ^ fnv1a(name));
    bool bf16 = o_.dtype == "bf16";
    std::vector<uint8_t> bytes(static_cast<size_t>(numel) * (bf16 ? 2 : 4));
    for (int64_t i = 0; i < numel; ++i) {
      float v = static_cast<float>(init.center + init.spread * rng.symmetric());
      if (bf16) {
        uint16_t b = f32ToBF16(v);
        bytes[2 * i] = static_cast<uint8_t>(b);
        bytes[2 * i + 1] = static_cast<uint8_t>(b >> 8);
      } else {
        uint32_t b;
        std::memcpy(&b, &v, 4);
        for (int k = 0; k < 4; ++k)
          bytes[4 * i + k] = static_cast<uint8_t>(b >> (8 * k));
      }
    }
    tensors_.push_back({name, std::move(shape), std::move(bytes)});
  }

  /// Writes model.safetensors, or N shards plus the index.
  bool write(const fs::path &dir, std::string &error) {
    DType dtype = o_.dtype == "bf16" ? DType::BF16 : DType::F32;
    size_t total = 0;
    for (const Tensor &t : tensors_)
      total += t.bytes.size();
    const int shards = std::max(1, std::min<int>(o_.shards, tensors_.size()));
    std::map<std::string, std::string> metadata{{"format", "pt"}};
    if (shards == 1) {
      SafetensorsWriter w;
      for (Tensor &t : tensors_)
        w.add(t.name, dtype, t.shape, std::move(t.bytes));
      sgl::Status s = w.write((dir / "model.safetensors").string(), metadata);
      if (!s)
        error = s.error().message;
      return bool(s);
    }
    json weightMap = json::object();
    size_t next = 0;
    for (int shard = 0; shard < shards; ++shard) {
      char name[64];
      std::snprintf(name, sizeof(name), "model-%05d-of-%05d.safetensors",
                    shard + 1, shards);
      // Fill each shard up to its share of the bytes, leaving at least one
      // tensor for every later shard.
      SafetensorsWriter w;
      size_t target = total * (shard + 1) / shards;
      size_t cumulative = 0;
      for (size_t i = 0; i < next; ++i)
        cumulative += tensors_[i].bytes.size();
      do {
        Tensor &t = tensors_[next++];
        cumulative += t.bytes.size();
        weightMap[t.name] = name;
        w.add(t.name, dtype, t.shape, std::move(t.bytes));
      } while (next < tensors_.size() &&
               tensors_.size() - next > size_t(shards - shard - 1) &&
               (shard == shards - 1 ||
                cumulative + tensors_[next].bytes.size() <= target));
      sgl::Status s = w.write((dir / name).string(), metadata);
      if (!s) {
        error = s.error().message;
        return false;
      }
    }
    json index = {{"metadata", {{"total_size", total}}},
                  {"weight_map", weightMap}};
    std::ofstream(dir / "model.safetensors.index.json")
        << index.dump(2) << "\n";
    return true;
  }

private:
  struct Tensor {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
  };
  const Options &o_;
  std::vector<Tensor> tensors_;
};

bool readJson(const fs::path &path, json &out, std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read '" + path.string() + "'";
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  out = json::parse(buffer.str(), nullptr, false);
  if (out.is_discarded() || !out.is_object()) {
    error = "'" + path.string() + "' is not a JSON object";
    return false;
  }
  return true;
}

/// Token facts taken from tokenizer.json / tokenizer_config.json.
struct TokenizerFacts {
  int64_t vocab = 0;
  json bos = nullptr;     // id or null
  json eos = nullptr;     // id or null (config.json)
  json eosList = nullptr; // id list or null (generation_config.json)
};

bool readTokenizer(const fs::path &dir, TokenizerFacts &facts,
                   std::string &error) {
  json tok, cfg;
  if (!readJson(dir / "tokenizer.json", tok, error))
    return false;
  std::map<std::string, int64_t> ids;
  int64_t maxId = -1;
  if (auto model = tok.find("model"); model != tok.end() && model->is_object())
    if (auto vocab = model->find("vocab");
        vocab != model->end() && vocab->is_object())
      for (auto it = vocab->begin(); it != vocab->end(); ++it)
        if (it->is_number_integer()) {
          ids[it.key()] = it->get<int64_t>();
          maxId = std::max(maxId, it->get<int64_t>());
        }
  if (auto added = tok.find("added_tokens");
      added != tok.end() && added->is_array())
    for (const json &t : *added)
      if (t.contains("id") && t["id"].is_number_integer() &&
          t.contains("content") && t["content"].is_string()) {
        ids[t["content"].get<std::string>()] = t["id"].get<int64_t>();
        maxId = std::max(maxId, t["id"].get<int64_t>());
      }
  if (maxId < 0) {
    error = "'" + (dir / "tokenizer.json").string() +
            "' has no model.vocab or added_tokens ids";
    return false;
  }
  facts.vocab = maxId + 1;
  if (!fs::exists(dir / "tokenizer_config.json"))
    return true;
  if (!readJson(dir / "tokenizer_config.json", cfg, error))
    return false;
  auto lookup = [&](const char *key) -> json {
    auto it = cfg.find(key);
    if (it == cfg.end())
      return nullptr;
    std::string content;
    if (it->is_string())
      content = it->get<std::string>();
    else if (it->is_object() && it->contains("content") &&
             (*it)["content"].is_string())
      content = (*it)["content"].get<std::string>();
    auto id = ids.find(content);
    return id == ids.end() ? json(nullptr) : json(id->second);
  };
  facts.bos = lookup("bos_token");
  facts.eos = lookup("eos_token");
  // End-of-turn / end-of-text tokens a generation should stop on.
  std::set<int64_t> eos;
  if (facts.eos.is_number_integer())
    eos.insert(facts.eos.get<int64_t>());
  for (const char *stop : {"<|end_of_text|>", "<|eom_id|>", "<|eot_id|>",
                           "<|im_end|>", "<|endoftext|>"})
    if (auto id = ids.find(stop); id != ids.end())
      eos.insert(id->second);
  // Llama 3.1 stops on <|eom_id|> at 128008; some copies of its tokenizer
  // still name that slot <|reserved_special_token_4|>.
  if (auto eot = ids.find("<|eot_id|>");
      eot != ids.end() && eot->second == 128009 && maxId >= 128008)
    eos.insert(128008);
  if (!eos.empty())
    facts.eosList = json(std::vector<int64_t>(eos.begin(), eos.end()));
  return true;
}

json makeConfig(const Options &o, const TokenizerFacts &facts) {
  static const std::map<std::string, std::pair<std::string, std::string>>
      kArch = {{"llama", {"LlamaForCausalLM", "llama"}},
               {"qwen2", {"Qwen2ForCausalLM", "qwen2"}},
               {"qwen3", {"Qwen3ForCausalLM", "qwen3"}}};
  const auto &[archName, modelType] = kArch.at(o.arch);
  json c = {
      {"architectures", {archName}},
      {"model_type", modelType},
      {"hidden_act", "silu"},
      {"hidden_size", o.hidden},
      {"intermediate_size", o.intermediate},
      {"num_hidden_layers", o.layers},
      {"num_attention_heads", o.heads},
      {"num_key_value_heads", o.kvHeads},
      {"max_position_embeddings", o.maxPositions},
      {"rms_norm_eps", 1e-5},
      {"rope_theta", o.ropeTheta},
      {"rope_scaling", nullptr},
      {"vocab_size", facts.vocab},
      {"tie_word_embeddings", o.tieEmbeddings},
      {"torch_dtype", o.dtype == "bf16" ? "bfloat16" : "float32"},
      {"bos_token_id", facts.bos},
      {"eos_token_id", facts.eos},
  };
  if (o.headDim)
    c["head_dim"] = o.headDim;
  if (o.ropeScaling == "llama3")
    c["rope_scaling"] = {{"rope_type", "llama3"},
                         {"factor", 8.0},
                         {"low_freq_factor", 1.0},
                         {"high_freq_factor", 4.0},
                         {"original_max_position_embeddings", 8192}};
  if (o.arch == "qwen2") {
    c["use_sliding_window"] = false;
    c["sliding_window"] = 4096;
  }
  if (o.arch == "qwen3") {
    c["attention_bias"] = false;
    if (!o.headDim)
      c["head_dim"] = o.hidden / o.heads;
  }
  return c;
}

int run(const Options &o) {
  std::string error;
  auto fail = [&](const std::string &message) {
    return sgl::reportError(kTool, message);
  };
  TokenizerFacts facts;
  if (!o.tokenizerDir.empty()) {
    if (!readTokenizer(o.tokenizerDir, facts, error))
      return fail(error);
    if (o.vocab && o.vocab != facts.vocab)
      return fail("--vocab " + std::to_string(o.vocab) +
                  " disagrees with the tokenizer's " +
                  std::to_string(facts.vocab) + " ids");
  } else {
    if (!o.vocab)
      return fail("give --tokenizer DIR or --vocab N");
    facts.vocab = o.vocab;
  }
  const int64_t headDim = o.headDim ? o.headDim : o.hidden / o.heads;
  if (!o.headDim && o.hidden % o.heads)
    return fail("--hidden must be a multiple of --heads (or pass --head-dim)");
  if (o.heads % o.kvHeads)
    return fail("--heads must be a multiple of --kv-heads");
  if (headDim % 2)
    return fail("head dimension must be even");
  if (facts.vocab > kMaxVocab)
    return fail("the tokenizer has " + std::to_string(facts.vocab) +
                " ids; at most " + std::to_string(kMaxVocab) +
                " are supported");
  if (headDim > kMaxWidth)
    return fail("head dimension " + std::to_string(headDim) +
                " is too large (at most " + std::to_string(kMaxWidth) + ")");
  // Every tensor is built in memory first: refuse sizes that cannot be.
  {
    const double h = double(o.hidden), qDim = double(o.heads) * headDim,
                 kvDim = double(o.kvHeads) * headDim,
                 inter = double(o.intermediate);
    double perLayer = 2 * h + 2 * qDim * h + 2 * kvDim * h + 3 * inter * h;
    if (o.arch == "qwen2")
      perLayer += qDim + 2 * kvDim;
    if (o.arch == "qwen3")
      perLayer += 2.0 * headDim;
    const double elements =
        double(facts.vocab) * h * (o.tieEmbeddings ? 1 : 2) + h +
        perLayer * double(o.layers);
    const double bytes = elements * (o.dtype == "bf16" ? 2 : 4);
    if (bytes > kMaxWeightBytes) {
      char size[64];
      std::snprintf(size, sizeof(size), "%.1f GiB", bytes / double(1 << 30));
      return sgl::reportUsageError(
          kTool, std::string("the weights would take ") + size +
                     "; sgl-make-tiny-model writes at most 4 GiB (use "
                     "smaller --vocab, --hidden, --intermediate or --layers)");
    }
  }

  std::error_code ec;
  fs::path dir(o.outDir);
  fs::create_directories(dir, ec);
  if (ec)
    return fail("cannot create '" + o.outDir + "': " + ec.message());

  ModelBuilder b(o);
  const int64_t h = o.hidden, qDim = o.heads * headDim,
                kvDim = o.kvHeads * headDim, inter = o.intermediate;
  b.add("model.embed_tokens.weight", {facts.vocab, h}, kMatrix);
  for (int64_t i = 0; i < o.layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    b.add(p + "input_layernorm.weight", {h}, kNorm);
    b.add(p + "self_attn.q_proj.weight", {qDim, h}, kMatrix);
    b.add(p + "self_attn.k_proj.weight", {kvDim, h}, kMatrix);
    b.add(p + "self_attn.v_proj.weight", {kvDim, h}, kMatrix);
    if (o.arch == "qwen2") {
      b.add(p + "self_attn.q_proj.bias", {qDim}, kBias);
      b.add(p + "self_attn.k_proj.bias", {kvDim}, kBias);
      b.add(p + "self_attn.v_proj.bias", {kvDim}, kBias);
    }
    if (o.arch == "qwen3") {
      b.add(p + "self_attn.q_norm.weight", {headDim}, kNorm);
      b.add(p + "self_attn.k_norm.weight", {headDim}, kNorm);
    }
    b.add(p + "self_attn.o_proj.weight", {h, qDim}, kMatrix);
    b.add(p + "post_attention_layernorm.weight", {h}, kNorm);
    b.add(p + "mlp.gate_proj.weight", {inter, h}, kMatrix);
    b.add(p + "mlp.up_proj.weight", {inter, h}, kMatrix);
    b.add(p + "mlp.down_proj.weight", {h, inter}, kMatrix);
  }
  b.add("model.norm.weight", {h}, kNorm);
  if (!o.tieEmbeddings)
    b.add("lm_head.weight", {facts.vocab, h}, kMatrix);
  if (!b.write(dir, error))
    return fail(error);

  json gen = {
      {"bos_token_id", facts.bos},
      {"eos_token_id", facts.eosList.is_null() ? facts.eos : facts.eosList}};
  for (const auto &[file, content] :
       {std::pair{"config.json", makeConfig(o, facts)},
        std::pair{"generation_config.json", gen}})
    if (sgl::Status written =
            sgl::writeOutput((dir / file).string(), content.dump(2) + "\n");
        !written)
      return fail(written.error().message);
  if (!o.tokenizerDir.empty())
    for (const char *file : {"tokenizer.json", "tokenizer_config.json"}) {
      fs::path src = fs::path(o.tokenizerDir) / file;
      if (!fs::exists(src))
        continue;
      fs::copy_file(src, dir / file, fs::copy_options::overwrite_existing, ec);
      if (ec)
        return fail("cannot copy '" + src.string() + "': " + ec.message());
    }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"Writes a small Llama-family model with deterministic random "
               "weights (config.json, generation_config.json, safetensors, "
               "tokenizer files)."};
  Options o;
  app.add_option("outdir", o.outDir, "Directory to write the model into")
      ->required();
  app.add_option("--tokenizer", o.tokenizerDir,
                 "Directory with tokenizer.json (+ tokenizer_config.json); "
                 "sets the vocabulary size and bos/eos ids")
      ->check(CLI::ExistingDirectory);
  app.add_option("--vocab", o.vocab,
                 "Vocabulary size (required without --tokenizer)")
      ->check(sgl::UnsignedIn(1, kMaxVocab));
  app.add_option("--layers", o.layers, "Decoder layers")
      ->check(sgl::UnsignedIn(1, kMaxCount))
      ->capture_default_str();
  app.add_option("--hidden", o.hidden, "Hidden size")
      ->check(sgl::UnsignedIn(1, kMaxWidth))
      ->capture_default_str();
  app.add_option("--heads", o.heads, "Attention heads")
      ->check(sgl::UnsignedIn(1, kMaxCount))
      ->capture_default_str();
  app.add_option("--kv-heads", o.kvHeads, "Key/value heads (GQA)")
      ->check(sgl::UnsignedIn(1, kMaxCount))
      ->capture_default_str();
  app.add_option("--head-dim", o.headDim,
                 "Head dimension (default hidden/heads)")
      ->check(sgl::UnsignedIn(1, kMaxWidth));
  app.add_option("--intermediate", o.intermediate, "MLP intermediate size")
      ->check(sgl::UnsignedIn(1, kMaxWidth))
      ->capture_default_str();
  app.add_option("--max-positions", o.maxPositions, "max_position_embeddings")
      ->check(sgl::UnsignedIn(1, kMaxPositions))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Random seed")->capture_default_str();
  app.add_option("--dtype", o.dtype, "Weight dtype")
      ->check(CLI::IsMember({"f32", "bf16"}))
      ->capture_default_str();
  app.add_option("--arch", o.arch, "Architecture")
      ->check(CLI::IsMember({"llama", "qwen2", "qwen3"}))
      ->capture_default_str();
  app.add_option("--rope-theta", o.ropeTheta, "RoPE base")
      ->check(CLI::Validator(
          [](std::string &text) -> std::string {
            // RoPE frequencies theta^(-2i/d) must stay in (0, 1].
            char *end = nullptr;
            double v = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || !(v >= 1.0 && v <= 1e300))
              return "'" + text + "' is not a number from 1 to 1e300";
            return std::string();
          },
          "NUMBER in [1, 1e300]"))
      ->capture_default_str();
  app.add_option("--rope-scaling", o.ropeScaling,
                 "RoPE scaling (llama3: Llama 3.1 factors 8/1/4/8192)")
      ->check(CLI::IsMember({"none", "llama3"}))
      ->capture_default_str();
  app.add_option("--shards", o.shards, "Number of safetensors shards")
      ->check(sgl::UnsignedIn(1, kMaxCount))
      ->capture_default_str();
  app.add_flag("--tie-embeddings", o.tieEmbeddings,
               "Share the embedding matrix with the LM head");
  if (std::optional<int> exit = sgl::parseCommandLine(app, argc, argv, kTool))
    return *exit;
  return sgl::guardedMain(kTool, [&] { return run(o); });
}

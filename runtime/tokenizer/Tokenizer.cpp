//===- Tokenizer.cpp - HF tokenizer.json byte-level BPE tokenizer ---------===//
//
// Loading (tokenizer.json + tokenizer_config.json), encode and decode.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/Tokenizer.h"

#include "runtime/support/InputFile.h"
#include "runtime/tokenizer/PostProcessor.h"
#include "runtime/tokenizer/Utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

namespace sgl::runtime {

namespace {

Expected<std::vector<AddedToken>> parseAddedTokens(const nlohmann::json &root) {
  std::vector<AddedToken> tokens;
  auto list = root.find("added_tokens");
  if (list == root.end() || list->is_null())
    return tokens;
  if (!list->is_array())
    return makeError("'added_tokens' is not an array");
  for (const auto &entry : *list) {
    if (!entry.is_object() || !entry.contains("id") ||
        !entry["id"].is_number_integer() || entry["id"].get<int64_t>() < 0 ||
        !entry.contains("content") || !entry["content"].is_string())
      return makeError("added token needs an 'id' and a 'content': " +
                       entry.dump());
    AddedToken token;
    token.id = entry["id"].get<int32_t>();
    token.content = entry["content"].get<std::string>();
    if (token.content.empty() || !isValidUtf8(token.content))
      return makeError("added token " + std::to_string(token.id) +
                       " has empty or ill-formed content");
    token.special = entry.value("special", false);
    token.lstrip = entry.value("lstrip", false);
    token.rstrip = entry.value("rstrip", false);
    token.singleWord = entry.value("single_word", false);
    token.normalized = entry.value("normalized", false);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

/// A token named in tokenizer_config.json: "text" or {"content": "text"}.
std::optional<std::string> configToken(const nlohmann::json &value) {
  if (value.is_string())
    return value.get<std::string>();
  if (value.is_object() && value.contains("content") &&
      value["content"].is_string())
    return value["content"].get<std::string>();
  return std::nullopt;
}

Status checkDecoder(const nlohmann::json &decoder) {
  if (!decoder.is_object() || !decoder.contains("type") ||
      !decoder["type"].is_string())
    return makeError("a ByteLevel 'decoder' is required");
  const std::string &type = decoder["type"].get_ref<const std::string &>();
  if (type == "ByteLevel")
    return Status::ok();
  if (type == "Sequence" && decoder.contains("decoders") &&
      decoder["decoders"].is_array()) {
    for (const auto &item : decoder["decoders"])
      if (Status status = checkDecoder(item); !status)
        return status;
    return Status::ok();
  }
  return makeError("unsupported decoder type '" + type + "'");
}

} // namespace

Expected<Tokenizer> Tokenizer::fromFile(const std::string &path) {
  std::filesystem::path file(path);
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    file /= "tokenizer.json";
  auto text =
      readInputFile(file.string(), {"tokenizer.json", kTokenizerJsonLimit});
  if (!text)
    return text.error();
  std::string config;
  std::filesystem::path configPath =
      file.parent_path() / "tokenizer_config.json";
  if (std::filesystem::exists(configPath, ec)) {
    auto configText = readInputFile(
        configPath.string(), {"tokenizer_config.json", kModelJsonLimit});
    if (!configText)
      return configText.error();
    config = configText.take();
  }
  auto tokenizer = fromJson(*text, config);
  if (!tokenizer)
    return makeError(file.string() + ": " + tokenizer.error().message);
  return tokenizer;
}

Expected<Tokenizer> Tokenizer::fromJson(std::string_view tokenizerJson,
                                        std::string_view configJson) {
  nlohmann::json root = nlohmann::json::parse(tokenizerJson, nullptr,
                                              /*allow_exceptions=*/false);
  if (root.is_discarded())
    return makeError("tokenizer.json is not valid JSON");
  if (!root.is_object())
    return makeError("tokenizer.json is not a JSON object");
  nlohmann::json config = nlohmann::json::object();
  if (!configJson.empty()) {
    config = nlohmann::json::parse(configJson, nullptr, false);
    if (config.is_discarded() || !config.is_object())
      return makeError("tokenizer_config.json is not a valid JSON object");
  }

  try {
    auto model = root.find("model");
    if (model == root.end() || !model->is_object())
      return makeError("tokenizer.json has no 'model' object");
    std::string type = model->value("type", std::string());
    if (type.empty() && model->contains("merges"))
      type = "BPE"; // old files omit the type of BPE models
    if (type != "BPE")
      return makeError("unsupported tokenizer model type '" + type +
                       "' (only byte-level BPE is supported)");

    auto added = parseAddedTokens(root);
    if (!added)
      return added.error();
    auto bpe = BpeModel::fromJson(*model, *added);
    if (!bpe)
      return bpe.error();
    auto normalizer =
        Normalizer::fromJson(root.value("normalizer", nlohmann::json()));
    if (!normalizer)
      return normalizer.error();
    auto preTokenizer =
        PreTokenizer::fromJson(root.value("pre_tokenizer", nlohmann::json()));
    if (!preTokenizer)
      return preTokenizer.error();
    if (!preTokenizer->hasByteLevel())
      return makeError("BPE without a ByteLevel pre_tokenizer "
                       "(SentencePiece-style BPE) is not supported yet");
    if (Status status = checkDecoder(root.value("decoder", nlohmann::json()));
        !status)
      return status.error();

    Tokenizer tokenizer(bpe.take(), normalizer.take(), preTokenizer.take());
    tokenizer.addedTokens_ = added.take();
    tokenizer.addedMatcher_ = AddedTokenMatcher(tokenizer.addedTokens_);

    auto frame = parsePostProcessor(
        root.value("post_processor", nlohmann::json()),
        [&](std::string_view token) { return tokenizer.tokenToId(token); });
    if (!frame)
      return frame.error();
    tokenizer.prefix_ = std::move(frame->prefix);
    tokenizer.suffix_ = std::move(frame->suffix);

    // Id-indexed tables: spelling, decoded bytes, presence, specialness.
    int32_t maxId = -1;
    for (const auto &[token, id] : tokenizer.model_.vocab())
      maxId = std::max(maxId, id);
    size_t size = static_cast<size_t>(maxId + 1);
    tokenizer.tokens_.assign(size, std::string());
    tokenizer.bytes_.assign(size, std::string());
    tokenizer.present_.assign(size, 0);
    tokenizer.special_.assign(size, 0);
    for (const auto &[token, id] : tokenizer.model_.vocab()) {
      tokenizer.tokens_[id] = token;
      tokenizer.bytes_[id] = byteLevelToBytes(token);
      tokenizer.present_[id] = 1;
    }
    for (const AddedToken &token : tokenizer.addedTokens_) {
      tokenizer.tokens_[token.id] = token.content;
      tokenizer.bytes_[token.id] = token.content;
      tokenizer.special_[token.id] = token.special;
    }
    for (int32_t id : tokenizer.prefix_)
      if (id < 0 || static_cast<size_t>(id) >= size)
        return makeError("post_processor id " + std::to_string(id) +
                         " is outside the vocabulary");
    for (int32_t id : tokenizer.suffix_)
      if (id < 0 || static_cast<size_t>(id) >= size)
        return makeError("post_processor id " + std::to_string(id) +
                         " is outside the vocabulary");

    // tokenizer_config.json: BOS/EOS and extra special tokens.
    auto configId = [&](const char *key) -> std::optional<int32_t> {
      auto it = config.find(key);
      if (it == config.end())
        return std::nullopt;
      auto name = configToken(*it);
      return name ? tokenizer.tokenToId(*name) : std::nullopt;
    };
    tokenizer.bosId_ = configId("bos_token");
    tokenizer.eosId_ = configId("eos_token");
    if (auto extra = config.find("additional_special_tokens");
        extra != config.end() && extra->is_array())
      for (const auto &item : *extra)
        if (auto name = configToken(item))
          if (auto id = tokenizer.tokenToId(*name))
            tokenizer.special_[*id] = 1;
    return tokenizer;
  } catch (const nlohmann::json::exception &error) {
    return makeError(std::string("malformed tokenizer.json: ") + error.what());
  }
}

std::optional<int32_t> Tokenizer::tokenToId(std::string_view token) const {
  return model_.tokenToId(token);
}

std::optional<std::string_view> Tokenizer::idToToken(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= tokens_.size() || !present_[id])
    return std::nullopt;
  return std::string_view(tokens_[id]);
}

std::string_view Tokenizer::tokenBytes(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= bytes_.size())
    return {};
  return bytes_[id];
}

bool Tokenizer::isSpecial(int32_t id) const {
  return id >= 0 && static_cast<size_t>(id) < special_.size() && special_[id];
}

void Tokenizer::encodePlain(std::string_view text,
                            std::vector<int32_t> &out) const {
  if (text.empty())
    return;
  std::string normalized;
  if (!normalizer_.isIdentity()) {
    normalized = normalizer_.normalize(text);
    text = normalized;
    if (text.empty())
      return;
  }
  PreTokenizer::Pieces pieces = preTokenizer_.split(text);
  for (std::string_view piece : pieces.views)
    model_.encodePiece(piece, out);
}

std::vector<int32_t> Tokenizer::encode(std::string_view text,
                                       bool addSpecialTokens) const {
  std::string sanitized;
  if (!isValidUtf8(text)) {
    sanitized = sanitizeUtf8(text);
    text = sanitized;
  }
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 3 + prefix_.size() + suffix_.size() + 4);
  if (addSpecialTokens)
    ids.insert(ids.end(), prefix_.begin(), prefix_.end());
  for (const TextSection &section : addedMatcher_.split(text)) {
    if (section.addedIndex >= 0)
      ids.push_back(addedTokens_[section.addedIndex].id);
    else
      encodePlain(section.text, ids);
  }
  if (addSpecialTokens)
    ids.insert(ids.end(), suffix_.begin(), suffix_.end());
  return ids;
}

std::string Tokenizer::decode(std::span<const int32_t> ids,
                              bool skipSpecialTokens) const {
  std::string text;
  for (int32_t id : ids) {
    if (skipSpecialTokens && isSpecial(id))
      continue;
    text.append(tokenBytes(id));
  }
  return text;
}

} // namespace sgl::runtime

//===- Tokenizer.cpp - HF tokenizer.json byte-level BPE tokenizer ---------===//
//
// Loading (tokenizer.json + tokenizer_config.json), encode and decode.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/Tokenizer.h"

#include "runtime/support/InputFile.h"
#include "runtime/support/JsonText.h"
#include "runtime/tokenizer/JsonInput.h"
#include "runtime/tokenizer/PostProcessor.h"
#include "runtime/tokenizer/Utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

namespace sgl::runtime {

namespace {

Expected<std::vector<AddedToken>> parseAddedTokens(const nlohmann::json &root) {
  std::vector<AddedToken> tokens;
  const nlohmann::json &list = member(root, "added_tokens");
  if (list.is_null())
    return tokens;
  if (!list.is_array())
    return makeError("'added_tokens' is not an array");
  tokens.reserve(list.size());
  for (const auto &entry : list) {
    const nlohmann::json &content = member(entry, "content");
    const nlohmann::json &idValue = member(entry, "id");
    if (!content.is_string() || idValue.is_null())
      return makeError("added token needs an 'id' and a 'content': " +
                       excerpt(entry));
    AddedToken token;
    token.content = content.get<std::string>();
    if (token.content.empty() || !isValidUtf8(token.content))
      return makeError("added token " + excerpt(idValue) +
                       " has empty or ill-formed content");
    // Range-check before narrowing: 4294967297 must not become id 1.
    std::optional<uint64_t> id = nonNegativeInteger(idValue);
    if (!id || *id > static_cast<uint64_t>(INT32_MAX))
      return makeError("added token " + singleQuoted(token.content) +
                       " has id " + excerpt(idValue) +
                       ", which is not a token id (an integer in 0.." +
                       std::to_string(INT32_MAX) + ")");
    token.id = static_cast<int32_t>(*id);
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
  if (const nlohmann::json &content = member(value, "content");
      content.is_string())
    return content.get<std::string>();
  return std::nullopt;
}

Status checkDecoder(const nlohmann::json &decoder) {
  const nlohmann::json &type = member(decoder, "type");
  if (!type.is_string())
    return makeError("a ByteLevel 'decoder' is required");
  const std::string &name = type.get_ref<const std::string &>();
  if (name == "ByteLevel")
    return Status::ok();
  if (const nlohmann::json &list = member(decoder, "decoders");
      name == "Sequence" && list.is_array()) {
    for (const auto &item : list)
      if (Status status = checkDecoder(item); !status)
        return status;
    return Status::ok();
  }
  return makeError("unsupported decoder type " + singleQuoted(name));
}

/// The text of some runs as the encoder sees it: their concatenation, valid
/// UTF-8, and the byte ranges in it where special tokens may be matched.
struct JoinedRuns {
  std::string_view text;
  std::string storage; // backs `text` unless it is the caller's own
  std::vector<ByteRange> specialRanges;
};

void joinRuns(std::span<const TextRun> runs, JoinedRuns &joined) {
  // Run edges in the concatenation: [0, end of run 0, end of run 1, ...].
  std::vector<size_t> edges;
  edges.reserve(runs.size() + 1);
  edges.push_back(0);
  if (runs.size() == 1) {
    joined.text = runs[0].text; // the common case: no copy
    edges.push_back(runs[0].text.size());
  } else {
    size_t size = 0;
    for (const TextRun &run : runs)
      size += run.text.size();
    joined.storage.reserve(size);
    for (const TextRun &run : runs) {
      joined.storage += run.text;
      edges.push_back(joined.storage.size());
    }
    joined.text = joined.storage;
  }

  if (!isValidUtf8(joined.text)) {
    // Replace ill-formed sequences as encode does, mapping every edge to
    // the output offset of the first code point at or after it.
    std::string sanitized;
    sanitized.reserve(joined.text.size() + 8);
    std::string_view text = joined.text;
    size_t pos = 0, edge = 0;
    while (pos < text.size()) {
      for (; edge < edges.size() && edges[edge] <= pos; ++edge)
        edges[edge] = sanitized.size();
      if (auto cp = nextCodePoint(text, pos))
        appendUtf8(sanitized, *cp);
      else
        appendUtf8(sanitized, 0xFFFD);
    }
    for (; edge < edges.size(); ++edge)
      edges[edge] = sanitized.size();
    joined.storage = std::move(sanitized);
    joined.text = joined.storage;
  }

  for (size_t i = 0; i < runs.size(); ++i)
    if (runs[i].allowSpecial && edges[i] < edges[i + 1])
      joined.specialRanges.push_back({edges[i], edges[i + 1]});
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
    auto configText = readInputFile(configPath.string(),
                                    {"tokenizer_config.json", kModelJsonLimit});
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
  auto parsedRoot = parseJsonObject(tokenizerJson, "tokenizer.json");
  if (!parsedRoot)
    return parsedRoot.error();
  const nlohmann::json &root = *parsedRoot;
  nlohmann::json config = nlohmann::json::object();
  if (!configJson.empty()) {
    auto parsedConfig = parseJsonObject(configJson, "tokenizer_config.json");
    if (!parsedConfig)
      return parsedConfig.error();
    config = parsedConfig.take();
  }

  try {
    const nlohmann::json &model = member(root, "model");
    if (!model.is_object())
      return makeError("tokenizer.json has no 'model' object");
    std::string type = model.value("type", std::string());
    if (type.empty() && model.contains("merges"))
      type = "BPE"; // old files omit the type of BPE models
    if (type != "BPE")
      return makeError("unsupported tokenizer model type " +
                       singleQuoted(type) +
                       " (only byte-level BPE is supported)");

    auto added = parseAddedTokens(root);
    if (!added)
      return added.error();
    auto bpe = BpeModel::fromJson(model, *added);
    if (!bpe)
      return bpe.error();
    auto normalizer = Normalizer::fromJson(member(root, "normalizer"));
    if (!normalizer)
      return normalizer.error();
    auto preTokenizer = PreTokenizer::fromJson(member(root, "pre_tokenizer"));
    if (!preTokenizer)
      return preTokenizer.error();
    if (!preTokenizer->hasByteLevel())
      return makeError("BPE without a ByteLevel pre_tokenizer "
                       "(SentencePiece-style BPE) is not supported yet");
    if (Status status = checkDecoder(member(root, "decoder")); !status)
      return status.error();

    Tokenizer tokenizer(bpe.take(), normalizer.take(), preTokenizer.take());
    tokenizer.addedTokens_ = added.take();
    tokenizer.addedMatcher_ = AddedTokenMatcher(tokenizer.addedTokens_);
    // BpeModel bounded every id: the tables below are at most a small
    // multiple of the number of tokens the file lists.
    const size_t size = tokenizer.model_.idCount();

    auto frame = parsePostProcessor(
        member(root, "post_processor"),
        [&](std::string_view token) { return tokenizer.tokenToId(token); },
        size);
    if (!frame)
      return frame.error();
    tokenizer.prefix_ = std::move(frame->prefix);
    tokenizer.suffix_ = std::move(frame->suffix);

    // Id-indexed tables: spelling, decoded bytes, presence, specialness.
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
      tokenizer.present_[token.id] = 1;
      tokenizer.special_[token.id] = token.special;
    }

    // tokenizer_config.json names tokens (never ids); a name must resolve,
    // or EOS would silently never stop generation.
    auto configId = [&](const char *key) -> Expected<std::optional<int32_t>> {
      const nlohmann::json &value = member(config, key);
      if (value.is_null())
        return std::optional<int32_t>();
      auto name = configToken(value);
      if (!name)
        return makeError(std::string("tokenizer_config.json: '") + key +
                         "' is " + excerpt(value) + ", not a token");
      auto id = tokenizer.tokenToId(*name);
      if (!id)
        return makeError(std::string("tokenizer_config.json: '") + key +
                         "' names " + singleQuoted(*name) +
                         ", which is not in tokenizer.json's vocabulary");
      return id;
    };
    auto bos = configId("bos_token");
    if (!bos)
      return bos.error();
    auto eos = configId("eos_token");
    if (!eos)
      return eos.error();
    tokenizer.bosId_ = *bos;
    tokenizer.eosId_ = *eos;
    const nlohmann::json &extra = member(config, "additional_special_tokens");
    if (!extra.is_null() && !extra.is_array())
      return makeError("tokenizer_config.json: 'additional_special_tokens' "
                       "is not an array");
    if (extra.is_array()) {
      for (const auto &item : extra) {
        auto name = configToken(item);
        if (!name)
          return makeError("tokenizer_config.json: an "
                           "'additional_special_tokens' entry is " +
                           excerpt(item) + ", not a token");
        auto id = tokenizer.tokenToId(*name);
        if (!id)
          return makeError("tokenizer_config.json: additional special token " +
                           singleQuoted(*name) +
                           " is not in tokenizer.json's vocabulary");
        tokenizer.special_[*id] = 1;
      }
    }
    // An added token that the config calls special but tokenizer.json does
    // not is special for matching too: plain runs must not match it.
    bool promoted = false;
    for (AddedToken &token : tokenizer.addedTokens_) {
      if (!token.special && tokenizer.special_[token.id]) {
        token.special = true;
        promoted = true;
      }
    }
    if (promoted)
      tokenizer.addedMatcher_ = AddedTokenMatcher(tokenizer.addedTokens_);
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

Status Tokenizer::encodePlain(std::string_view text,
                              std::vector<int32_t> &out) const {
  if (text.empty())
    return Status::ok();
  std::string normalized;
  if (!normalizer_.isIdentity()) {
    normalized = normalizer_.normalize(text);
    text = normalized;
    if (text.empty())
      return Status::ok();
  }
  PreTokenizer::Pieces pieces = preTokenizer_.split(text);
  for (std::string_view piece : pieces.views)
    model_.encodePiece(piece, out);
  return pieces.status;
}

Status Tokenizer::encodeInto(std::span<const TextRun> runs,
                             bool addSpecialTokens,
                             std::vector<int32_t> &ids) const {
  JoinedRuns joined;
  joinRuns(runs, joined);
  std::string_view text = joined.text;
  ids.reserve(text.size() / 3 + prefix_.size() + suffix_.size() + 4);
  if (addSpecialTokens)
    ids.insert(ids.end(), prefix_.begin(), prefix_.end());
  Status status;
  for (const TextSection &section :
       addedMatcher_.split(text, joined.specialRanges)) {
    if (section.addedIndex >= 0) {
      ids.push_back(addedTokens_[section.addedIndex].id);
    } else if (Status plain = encodePlain(section.text, ids);
               !plain && status) {
      status = plain;
    }
  }
  if (addSpecialTokens)
    ids.insert(ids.end(), suffix_.begin(), suffix_.end());
  return status;
}

std::vector<int32_t> Tokenizer::encode(std::string_view text,
                                       bool addSpecialTokens) const {
  const TextRun run{text, true};
  std::vector<int32_t> ids;
  (void)encodeInto(std::span<const TextRun>(&run, 1), addSpecialTokens, ids);
  return ids;
}

Expected<std::vector<int32_t>>
Tokenizer::tryEncode(std::string_view text, bool addSpecialTokens) const {
  const TextRun run{text, true};
  std::vector<int32_t> ids;
  if (Status status =
          encodeInto(std::span<const TextRun>(&run, 1), addSpecialTokens, ids);
      !status)
    return status.error();
  return ids;
}

Expected<std::vector<int32_t>>
Tokenizer::tryEncodeRuns(std::span<const TextRun> runs) const {
  std::vector<int32_t> ids;
  if (Status status = encodeInto(runs, /*addSpecialTokens=*/false, ids);
      !status)
    return status.error();
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

//===- PostProcessor.cpp - Special tokens around an encoding --------------===//
//
// Reads TemplateProcessing and friends into a prefix/suffix id frame.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/PostProcessor.h"

#include <nlohmann/json.hpp>

#include <string>

namespace sgl::runtime {

namespace {

/// Ids of one `SpecialToken` template item: from the template's own
/// `special_tokens` table when present, else by looking the token up.
Expected<std::vector<int32_t>> specialTokenIds(const nlohmann::json &config,
                                               const std::string &name,
                                               const TokenLookup &lookup) {
  auto table = config.find("special_tokens");
  if (table != config.end() && table->is_object() && table->contains(name)) {
    const auto &entry = (*table)[name];
    if (entry.contains("ids") && entry["ids"].is_array()) {
      std::vector<int32_t> ids;
      for (const auto &id : entry["ids"]) {
        if (!id.is_number_integer())
          return makeError("post_processor special token '" + name +
                           "' has a non-integer id");
        ids.push_back(id.get<int32_t>());
      }
      return ids;
    }
  }
  if (auto id = lookup(name))
    return std::vector<int32_t>{*id};
  return makeError("post_processor names unknown special token '" + name + "'");
}

Status collect(const nlohmann::json &config, const TokenLookup &lookup,
               SpecialTokenFrame &frame) {
  if (config.is_null())
    return Status::ok();
  if (!config.is_object() || !config.contains("type") ||
      !config["type"].is_string())
    return makeError("post_processor has no 'type'");
  const std::string &type = config["type"].get_ref<const std::string &>();

  if (type == "ByteLevel")
    return Status::ok();
  if (type == "Sequence") {
    auto list = config.find("processors");
    if (list == config.end() || !list->is_array())
      return makeError("post_processor Sequence has no 'processors' array");
    for (const auto &item : *list)
      if (Status status = collect(item, lookup, frame); !status)
        return status;
    return Status::ok();
  }
  if (type == "TemplateProcessing") {
    auto single = config.find("single");
    if (single == config.end() || !single->is_array())
      return makeError("TemplateProcessing has no 'single' template");
    SpecialTokenFrame parsed;
    bool seenSequence = false;
    for (const auto &item : *single) {
      if (item.contains("Sequence")) {
        seenSequence = true;
        continue;
      }
      if (!item.contains("SpecialToken") ||
          !item["SpecialToken"].contains("id") ||
          !item["SpecialToken"]["id"].is_string())
        return makeError("TemplateProcessing item is neither Sequence nor "
                         "SpecialToken");
      auto ids = specialTokenIds(
          config, item["SpecialToken"]["id"].get<std::string>(), lookup);
      if (!ids)
        return ids.error();
      auto &target = seenSequence ? parsed.suffix : parsed.prefix;
      target.insert(target.end(), ids->begin(), ids->end());
    }
    frame = std::move(parsed);
    return Status::ok();
  }
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    // "cls": ["[CLS]", 101], "sep": ["[SEP]", 102]
    auto idOf = [&](const char *key) -> std::optional<int32_t> {
      auto it = config.find(key);
      if (it == config.end() || !it->is_array() || it->size() != 2 ||
          !(*it)[1].is_number_integer())
        return std::nullopt;
      return (*it)[1].get<int32_t>();
    };
    auto cls = idOf("cls"), sep = idOf("sep");
    if (!cls || !sep)
      return makeError(type + " needs 'cls' and 'sep' as [token, id]");
    frame = SpecialTokenFrame{{*cls}, {*sep}};
    return Status::ok();
  }
  return makeError("unsupported post_processor type '" + type + "'");
}

} // namespace

Expected<SpecialTokenFrame> parsePostProcessor(const nlohmann::json &config,
                                               const TokenLookup &lookup) {
  SpecialTokenFrame frame;
  if (Status status = collect(config, lookup, frame); !status)
    return status.error();
  return frame;
}

} // namespace sgl::runtime

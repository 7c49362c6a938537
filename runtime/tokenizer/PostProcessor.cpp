//===- PostProcessor.cpp - Special tokens around an encoding --------------===//
//
// Reads TemplateProcessing and friends into a prefix/suffix id frame.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/PostProcessor.h"

#include "runtime/tokenizer/JsonInput.h"

#include <nlohmann/json.hpp>

#include <string>

namespace sgl::runtime {

namespace {

/// What the walk over the post_processor needs besides the config.
struct Context {
  const TokenLookup &lookup;
  size_t idCount;
};

/// A numeric id of `what` (e.g. "special token '<s>'"), checked against
/// the vocabulary before it is narrowed.
Expected<int32_t> readId(const nlohmann::json &value, const std::string &what,
                         const Context &context) {
  std::optional<uint64_t> id = nonNegativeInteger(value);
  if (!id)
    return makeError("post_processor " + what + " has id " + excerpt(value) +
                     ", which is not a token id (a non-negative integer)");
  if (*id >= context.idCount)
    return makeError("post_processor " + what + " has id " +
                     std::to_string(*id) + ", outside the vocabulary (ids 0.." +
                     std::to_string(context.idCount - 1) + ")");
  return static_cast<int32_t>(*id);
}

/// Ids of one `SpecialToken` template item: from the template's own
/// `special_tokens` table when present, else by looking the token up.
Expected<std::vector<int32_t>> specialTokenIds(const nlohmann::json &config,
                                               const std::string &name,
                                               const Context &context) {
  const nlohmann::json &ids =
      member(member(member(config, "special_tokens"), name), "ids");
  if (ids.is_array()) {
    std::vector<int32_t> result;
    for (const auto &value : ids) {
      auto id = readId(value, "special token " + singleQuoted(name), context);
      if (!id)
        return id.error();
      result.push_back(*id);
    }
    return result;
  }
  if (auto id = context.lookup(name))
    return std::vector<int32_t>{*id};
  return makeError("post_processor names unknown special token " +
                   singleQuoted(name));
}

Status collect(const nlohmann::json &config, const Context &context,
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
      if (Status status = collect(item, context, frame); !status)
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
          config, item["SpecialToken"]["id"].get<std::string>(), context);
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
    auto idOf = [&](const char *key) -> Expected<int32_t> {
      const nlohmann::json &pair = member(config, key);
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string())
        return makeError(type + " needs 'cls' and 'sep' as [token, id]");
      return readId(pair[1],
                    std::string(key) + " token " +
                        singleQuoted(pair[0].get_ref<const std::string &>()),
                    context);
    };
    auto cls = idOf("cls");
    if (!cls)
      return cls.error();
    auto sep = idOf("sep");
    if (!sep)
      return sep.error();
    frame = SpecialTokenFrame{{*cls}, {*sep}};
    return Status::ok();
  }
  return makeError("unsupported post_processor type " + singleQuoted(type));
}

} // namespace

Expected<SpecialTokenFrame> parsePostProcessor(const nlohmann::json &config,
                                               const TokenLookup &lookup,
                                               size_t idCount) {
  SpecialTokenFrame frame;
  if (Status status = collect(config, Context{lookup, idCount}, frame); !status)
    return status.error();
  return frame;
}

} // namespace sgl::runtime

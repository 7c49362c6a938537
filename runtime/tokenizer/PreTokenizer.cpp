//===- PreTokenizer.cpp - tokenizer.json pre-tokenizers -------------------===//
//
// Parses pre-tokenizer configs and splits text into pieces.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/PreTokenizer.h"

#include "runtime/tokenizer/JsonInput.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace sgl::runtime {

namespace {

/// The GPT-2 pattern ByteLevel uses when `use_regex` is true.
constexpr std::string_view kGpt2Pattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|"
    "\\s+(?!\\S)|\\s+";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

} // namespace

Status PreTokenizer::collect(const nlohmann::json &config,
                             std::vector<Step> &steps) {
  if (config.is_null())
    return Status::ok();
  const nlohmann::json &typeValue = member(config, "type");
  if (!typeValue.is_string())
    return makeError("pre_tokenizer has no 'type'");
  const std::string &type = typeValue.get_ref<const std::string &>();

  if (type == "Sequence") {
    const nlohmann::json &list = member(config, "pretokenizers");
    if (!list.is_array())
      return makeError("pre_tokenizer Sequence has no 'pretokenizers' array");
    for (const auto &item : list)
      if (Status status = collect(item, steps); !status)
        return status;
    return Status::ok();
  }

  if ((type == "ByteLevel" || type == "Split") && steps.size() >= kMaxSteps)
    return makeError("pre_tokenizer has more than " +
                     std::to_string(kMaxSteps) + " steps");

  if (type == "ByteLevel") {
    Step step;
    step.kind = Step::Kind::ByteLevel;
    step.addPrefixSpace = config.value("add_prefix_space", false);
    if (config.value("use_regex", true)) {
      auto regex = Regex::compile(kGpt2Pattern);
      if (!regex)
        return regex.error();
      step.regex = regex.take();
      step.invert = true; // ByteLevel keeps only the matches
    }
    steps.push_back(std::move(step));
    return Status::ok();
  }

  if (type == "Split") {
    Step step;
    const nlohmann::json &pattern = member(config, "pattern");
    if (!pattern.is_object())
      return makeError("Split pre_tokenizer has no 'pattern'");
    if (const nlohmann::json &regexText = member(pattern, "Regex");
        regexText.is_string()) {
      auto regex = Regex::compile(regexText.get_ref<const std::string &>());
      if (!regex)
        return regex.error();
      step.regex = regex.take();
    } else if (const nlohmann::json &literal = member(pattern, "String");
               literal.is_string()) {
      step.literal = literal.get<std::string>();
      if (step.literal.empty())
        return makeError("Split pre_tokenizer has an empty String pattern");
    } else {
      return makeError("Split pre_tokenizer pattern is neither Regex nor "
                       "String");
    }
    std::string behavior = lower(config.value("behavior", "Isolated"));
    if (behavior == "removed")
      step.removeDelimiters = true;
    else if (behavior != "isolated")
      return makeError("unsupported Split behavior " +
                       singleQuoted(config.value("behavior", std::string())));
    // The reference keeps only the matches of an inverted Split, dropping
    // whatever lies between them; refuse rather than lose input.
    if (config.value("invert", false))
      return makeError("Split pre_tokenizer with 'invert': true is not "
                       "supported (it drops the text between matches)");
    steps.push_back(std::move(step));
    return Status::ok();
  }

  return makeError("unsupported pre_tokenizer type " + singleQuoted(type));
}

Expected<PreTokenizer> PreTokenizer::fromJson(const nlohmann::json &config) {
  PreTokenizer preTokenizer;
  if (Status status = collect(config, preTokenizer.steps_); !status)
    return status.error();
  return preTokenizer;
}

bool PreTokenizer::hasByteLevel() const {
  return std::any_of(steps_.begin(), steps_.end(), [](const Step &step) {
    return step.kind == Step::Kind::ByteLevel;
  });
}

Expected<std::vector<MatchRange>> PreTokenizer::matches(const Step &step,
                                                        std::string_view text) {
  if (step.regex)
    return step.regex->findAll(text);
  std::vector<MatchRange> found;
  for (size_t pos = text.find(step.literal); pos != std::string_view::npos;
       pos = text.find(step.literal, pos + step.literal.size()))
    found.push_back({pos, pos + step.literal.size()});
  return found;
}

PreTokenizer::Pieces PreTokenizer::split(std::string_view text) const {
  Pieces result;
  result.views.push_back(text);
  std::vector<std::string_view> next;
  for (const Step &step : steps_) {
    next.clear();
    for (std::string_view piece : result.views) {
      if (step.kind == Step::Kind::ByteLevel && step.addPrefixSpace &&
          (piece.empty() || piece[0] != ' ')) {
        std::string &prefixed = result.owned.emplace_back(1, ' ');
        prefixed.append(piece);
        piece = prefixed;
      }
      if (step.kind == Step::Kind::ByteLevel && !step.regex) {
        next.push_back(piece);
        continue;
      }
      auto found = matches(step, piece);
      if (!found) {
        // Keep the piece whole rather than lose what the regex did not get
        // to; tryEncode turns this into an error.
        if (result.status)
          result.status = found.error();
        next.push_back(piece);
        continue;
      }
      size_t previous = 0;
      for (const MatchRange &match : *found) {
        if (!step.invert && match.begin > previous)
          next.push_back(piece.substr(previous, match.begin - previous));
        if (step.invert || !step.removeDelimiters)
          next.push_back(piece.substr(match.begin, match.end - match.begin));
        previous = match.end;
      }
      if (!step.invert && previous < piece.size())
        next.push_back(piece.substr(previous));
    }
    result.views.swap(next);
  }
  return result;
}

} // namespace sgl::runtime

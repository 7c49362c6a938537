//===- ChatTemplate.cpp - Built-in chat templates (Llama 3, ChatML) -------===//
#include "runtime/chat/ChatTemplate.h"

#include "runtime/support/InputFile.h"
#include "runtime/support/JsonText.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>

namespace sgl::runtime {

namespace {

/// The text of `path`, or nullopt when there is no such file.
Expected<std::optional<std::string>>
readOptionalFile(const std::filesystem::path &path, const char *kind) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return std::optional<std::string>();
  Expected<std::string> text =
      readInputFile(path.string(), {kind, kModelJsonLimit});
  if (!text)
    return text.error();
  return std::optional<std::string>(text.take());
}

} // namespace

std::optional<ChatTemplate>
ChatTemplate::detect(std::string_view jinjaText,
                     const std::function<bool(std::string_view)> &hasToken) {
  if (jinjaText.find("<|start_header_id|>") != std::string_view::npos)
    return llama3();
  if (jinjaText.find("<|im_start|>") != std::string_view::npos)
    return chatml();
  if (!jinjaText.empty())
    return std::nullopt; // a template, but not one of ours
  if (hasToken("<|start_header_id|>") && hasToken("<|end_header_id|>") &&
      hasToken("<|eot_id|>"))
    return llama3();
  if (hasToken("<|im_start|>") && hasToken("<|im_end|>"))
    return chatml();
  return std::nullopt;
}

Expected<std::string> ChatTemplate::readJinja(const std::string &modelDir) {
  namespace fs = std::filesystem;
  const fs::path configPath = fs::path(modelDir) / "tokenizer_config.json";
  Expected<std::optional<std::string>> config =
      readOptionalFile(configPath, "tokenizer_config.json");
  if (!config)
    return config.error();
  if (*config) {
    Expected<nlohmann::json> parsed =
        parseJsonObject(**config, configPath.string());
    if (!parsed)
      return parsed.error();
    const nlohmann::json &json = *parsed;
    auto it = json.find("chat_template");
    if (it != json.end() && it->is_string())
      return it->get<std::string>();
    if (it != json.end() && it->is_array()) {
      std::string first;
      for (const nlohmann::json &entry : *it) {
        if (!entry.is_object() || !entry.contains("template") ||
            !entry["template"].is_string())
          continue;
        std::string body = entry["template"].get<std::string>();
        if (entry.value("name", "") == "default")
          return body;
        if (first.empty())
          first = std::move(body);
      }
      return first;
    }
  }
  Expected<std::optional<std::string>> jinja = readOptionalFile(
      fs::path(modelDir) / "chat_template.jinja", "chat_template.jinja");
  if (!jinja)
    return jinja.error();
  if (*jinja)
    return std::move(**jinja);
  return std::string();
}

const char *ChatTemplate::name() const {
  return kind_ == Kind::Llama3 ? "llama3" : "chatml";
}

std::string_view ChatTemplate::beginText() const {
  return kind_ == Kind::Llama3 ? "<|begin_of_text|>" : "";
}

std::string ChatTemplate::roleBegin(plan::Role role) const {
  const std::string name = plan::roleName(role);
  if (kind_ == Kind::Llama3)
    return "<|start_header_id|>" + name + "<|end_header_id|>\n\n";
  return "<|im_start|>" + name + "\n";
}

std::string_view ChatTemplate::roleEnd() const {
  return kind_ == Kind::Llama3 ? "<|eot_id|>" : "<|im_end|>\n";
}

std::string_view ChatTemplate::endOfTurn() const {
  return kind_ == Kind::Llama3 ? "<|eot_id|>" : "<|im_end|>";
}

std::string ChatTemplate::render(std::span<const Message> messages,
                                 bool addGenerationPrompt) const {
  std::string out(beginText());
  for (const Message &m : messages) {
    out += roleBegin(m.role);
    out += m.content;
    out += roleEnd();
  }
  if (addGenerationPrompt)
    out += roleBegin(plan::Role::Assistant);
  return out;
}

} // namespace sgl::runtime

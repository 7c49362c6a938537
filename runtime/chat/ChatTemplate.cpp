//===- ChatTemplate.cpp - Built-in chat templates (Llama 3, ChatML, Qwen3) ===//
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

/// Appends template text, merging it into a template piece before it.
void addText(std::vector<ChatTemplate::Piece> &out, std::string_view text) {
  if (text.empty())
    return;
  if (!out.empty() && !out.back().isContent())
    out.back().text += text;
  else
    out.push_back({std::string(text), 0, 0});
}

/// Appends content bytes [begin, end), unless empty.
void addContent(std::vector<ChatTemplate::Piece> &out, size_t begin,
                size_t end) {
  if (begin < end)
    out.push_back({std::string(), begin, end});
}

/// Moves `begin` forward past newlines, up to `end`.
size_t skipNewlines(std::string_view s, size_t begin, size_t end) {
  while (begin < end && s[begin] == '\n')
    ++begin;
  return begin;
}

/// Moves `end` back past newlines, down to `begin`.
size_t dropNewlines(std::string_view s, size_t begin, size_t end) {
  while (end > begin && s[end - 1] == '\n')
    --end;
  return end;
}

/// Qwen3's assistant message, as its Jinja template renders it without
/// tools or `reasoning_content`: the content after the last `</think>`
/// (newlines stripped in front), and the reasoning between the last
/// `<think>` before the first `</think>` and that `</think>` (newlines
/// stripped on both sides). The reasoning is kept, as
/// `<think>\nREASONING\n</think>\n\n`, only for messages after the last
/// user message, and there always on the last message.
void renderQwen3Assistant(std::vector<ChatTemplate::Piece> &out,
                          std::string_view content, bool afterLastQuery,
                          bool last) {
  constexpr std::string_view kOpen = "<think>", kClose = "</think>";
  size_t answer = 0, reasonBegin = 0, reasonEnd = 0;
  if (size_t lastClose = content.rfind(kClose);
      lastClose != std::string_view::npos) {
    answer = skipNewlines(content, lastClose + kClose.size(), content.size());
    reasonEnd = dropNewlines(content, 0, content.find(kClose));
    const size_t open = content.substr(0, reasonEnd).rfind(kOpen);
    reasonBegin = open == std::string_view::npos ? 0 : open + kOpen.size();
    reasonBegin = skipNewlines(content, reasonBegin, reasonEnd);
  }
  addText(out, "<|im_start|>assistant\n");
  if (afterLastQuery && (last || reasonBegin < reasonEnd)) {
    addText(out, "<think>\n");
    addContent(out, reasonBegin, reasonEnd);
    addText(out, "\n</think>\n\n");
    answer = skipNewlines(content, answer, content.size());
  }
  addContent(out, answer, content.size());
  addText(out, "<|im_end|>\n");
}

} // namespace

std::optional<ChatTemplate>
ChatTemplate::detect(std::string_view jinjaText,
                     const std::function<bool(std::string_view)> &hasToken) {
  auto has = [&](std::string_view s) {
    return jinjaText.find(s) != std::string_view::npos;
  };
  if (has("<|start_header_id|>"))
    return llama3();
  // Qwen3 is ChatML that drops past reasoning: it splits on </think> and
  // tracks the last user query.
  if (has("<|im_start|>") && has("</think>") && has("last_query_index"))
    return qwen3();
  if (has("<|im_start|>"))
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
  switch (kind_) {
  case Kind::Llama3:
    return "llama3";
  case Kind::ChatML:
    return "chatml";
  case Kind::Qwen3:
    return "qwen3";
  }
  return "unknown";
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

std::vector<ChatTemplate::Piece>
ChatTemplate::streamedPieces(plan::Role role, size_t contentSize) const {
  std::vector<Piece> out;
  addText(out, roleBegin(role));
  addContent(out, 0, contentSize);
  addText(out, roleEnd());
  return out;
}

std::string ChatTemplate::spell(std::span<const Piece> pieces,
                                std::string_view content) {
  std::string text;
  for (const Piece &p : pieces)
    text += p.isContent() ? content.substr(p.begin, p.end - p.begin)
                          : std::string_view(p.text);
  return text;
}

std::vector<std::vector<ChatTemplate::Piece>>
ChatTemplate::renderMessages(std::span<const MessageView> messages) const {
  // Qwen3's last user message; without one the template takes the last
  // message. (Tool responses, which also come as user messages in its
  // Jinja, are not a role of ours.)
  size_t lastQuery = messages.empty() ? 0 : messages.size() - 1;
  for (size_t i = messages.size(); i-- > 0;)
    if (messages[i].role == plan::Role::User) {
      lastQuery = i;
      break;
    }
  std::vector<std::vector<Piece>> out(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    const MessageView &m = messages[i];
    if (kind_ == Kind::Qwen3 && m.role == plan::Role::Assistant)
      renderQwen3Assistant(out[i], m.content, i > lastQuery,
                           i + 1 == messages.size());
    else
      out[i] = streamedPieces(m.role, m.content.size());
  }
  return out;
}

std::string ChatTemplate::render(std::span<const Message> messages,
                                 bool addGenerationPrompt) const {
  std::vector<MessageView> views;
  for (const Message &m : messages)
    views.push_back({m.role, m.content});
  std::string out(beginText());
  const std::vector<std::vector<Piece>> pieces = renderMessages(views);
  for (size_t i = 0; i < views.size(); ++i)
    out += spell(pieces[i], views[i].content);
  if (addGenerationPrompt)
    out += roleBegin(plan::Role::Assistant);
  return out;
}

} // namespace sgl::runtime

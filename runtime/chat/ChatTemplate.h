//===- ChatTemplate.h - Built-in chat templates -----------------*- C++ -*-===//
//
// sglrun does not run Jinja: it recognizes a model's chat template and renders
// roles with a built-in equivalent. Each template is a header and a footer
// per message plus, for Llama 3, `<|begin_of_text|>` once at the start:
//
//   llama3  <|begin_of_text|><|start_header_id|>ROLE<|end_header_id|>\n\n
//           CONTENT<|eot_id|>
//   chatml  <|im_start|>ROLE\nCONTENT<|im_end|>\n
//   qwen3   chatml, but an assistant message's `<think>` block is dropped
//           once a later user message follows it, and the last assistant
//           message after the last user message is rendered with one
//           (empty when it had none)
//
// For plain messages these equal what the models' own Jinja templates
// render, except that Llama 3's template trims the content and these do not
// (a program's text is appended as written, like SGLang's templates).
//
// A template renders a message as pieces: its own text, and byte ranges of
// the message's content. A template that rewritesHistory() renders a message
// differently as later messages arrive (Qwen3 above); the engine then
// re-renders the earlier messages and recomputes from the first token that
// changed.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CHAT_CHATTEMPLATE_H
#define SGL_RUNTIME_CHAT_CHATTEMPLATE_H

#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

class ChatTemplate {
public:
  enum class Kind { Llama3, ChatML, Qwen3 };

  /// One message for render().
  struct Message {
    plan::Role role;
    std::string content;
  };

  /// A message as renderMessages() sees it.
  struct MessageView {
    plan::Role role;
    std::string_view content;
  };

  /// A piece of a rendered message: template text, or the bytes
  /// [begin, end) of the message's content.
  struct Piece {
    std::string text; ///< template text; empty for content
    size_t begin = 0, end = 0;
    bool isContent() const { return text.empty(); }
    bool operator==(const Piece &) const = default;
  };

  static ChatTemplate llama3() { return ChatTemplate(Kind::Llama3); }
  static ChatTemplate chatml() { return ChatTemplate(Kind::ChatML); }
  static ChatTemplate qwen3() { return ChatTemplate(Kind::Qwen3); }

  /// Recognizes a template from the Jinja text of `chat_template` (may be
  /// empty), else from the special tokens the vocabulary holds (`hasToken`
  /// answers for one token spelling). nullopt: none sglrun knows.
  static std::optional<ChatTemplate>
  detect(std::string_view jinjaText,
         const std::function<bool(std::string_view)> &hasToken);

  /// The Jinja chat template of a model folder: `chat_template` of
  /// tokenizer_config.json (a string, or a list of {name, template} where
  /// "default" wins), else chat_template.jinja. Empty when there is none; an
  /// Error for an unreadable or malformed tokenizer_config.json.
  static Expected<std::string> readJinja(const std::string &modelDir);

  /// "llama3", "chatml" or "qwen3".
  const char *name() const;
  /// Comma separated names of the supported templates.
  static const char *supportedNames() { return "llama3, chatml, qwen3"; }
  Kind kind() const { return kind_; }

  /// Text the template puts once before the first message (Llama 3's
  /// `<|begin_of_text|>`; empty for ChatML).
  std::string_view beginText() const;
  /// Header that opens a message of `role`.
  std::string roleBegin(plan::Role role) const;
  /// Footer that closes a message.
  std::string_view roleEnd() const;
  /// The token that ends an assistant turn (`<|eot_id|>`, `<|im_end|>`):
  /// generation inside an assistant message stops on it.
  std::string_view endOfTurn() const;

  /// True when how a message renders depends on the messages after it, so
  /// that earlier text changes as the conversation grows.
  bool rewritesHistory() const { return kind_ == Kind::Qwen3; }

  /// How each of `messages` renders in the conversation they form: every
  /// message so far, an open user or system message last with its content
  /// so far (an assistant message being generated is the generation prompt,
  /// not one of them). Adjacent template texts are merged and empty content
  /// ranges left out, so two renderings compare with ==.
  std::vector<std::vector<Piece>>
  renderMessages(std::span<const MessageView> messages) const;

  /// A message as it is written while it streams: the role's header, the
  /// `contentSize` content bytes, the footer (what renderMessages gives for
  /// a message the template does nothing else to).
  std::vector<Piece> streamedPieces(plan::Role role, size_t contentSize) const;

  /// The text `pieces` of a message with `content` spell.
  static std::string spell(std::span<const Piece> pieces,
                           std::string_view content);

  /// The whole conversation: beginText, then each message's pieces, then an
  /// assistant header when `addGenerationPrompt`.
  std::string render(std::span<const Message> messages,
                     bool addGenerationPrompt) const;

private:
  explicit ChatTemplate(Kind kind) : kind_(kind) {}
  Kind kind_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_CHAT_CHATTEMPLATE_H

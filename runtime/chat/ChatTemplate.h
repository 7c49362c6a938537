//===- ChatTemplate.h - Built-in chat templates -----------------*- C++ -*-===//
//
// sglrun does not run Jinja: it recognizes a model's chat template and renders
// roles with a built-in equivalent. Each template is a header and a footer
// per message plus, for Llama 3, `<|begin_of_text|>` once at the start:
//
//   llama3  <|begin_of_text|><|start_header_id|>ROLE<|end_header_id|>\n\n
//           CONTENT<|eot_id|>
//   chatml  <|im_start|>ROLE\nCONTENT<|im_end|>\n
//
// For plain messages these equal what the models' own Jinja templates
// render, except that Llama 3's template trims the content and these do not
// (a program's text is appended as written, like SGLang's templates).
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

namespace sgl::runtime {

class ChatTemplate {
public:
  enum class Kind { Llama3, ChatML };

  /// One message for render().
  struct Message {
    plan::Role role;
    std::string content;
  };

  static ChatTemplate llama3() { return ChatTemplate(Kind::Llama3); }
  static ChatTemplate chatml() { return ChatTemplate(Kind::ChatML); }

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

  /// "llama3" or "chatml".
  const char *name() const;
  /// Comma separated names of the supported templates.
  static const char *supportedNames() { return "llama3, chatml"; }
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

  /// The whole conversation: beginText, then header + content + footer per
  /// message, then an assistant header when `addGenerationPrompt`.
  std::string render(std::span<const Message> messages,
                     bool addGenerationPrompt) const;

private:
  explicit ChatTemplate(Kind kind) : kind_(kind) {}
  Kind kind_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_CHAT_CHATTEMPLATE_H

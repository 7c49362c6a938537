//===- Conversation.h - Chat messages rendered into a context ---*- C++ -*-===//
//
// An instance's context as the chat template renders it. Text, arguments
// and tokens are appended to the open message (or, outside any message, as
// they are); beginMessage/endMessage add the template's header and footer.
//
// Most templates render a message once and never again: the context only
// grows. A template that rewritesHistory() (Qwen3 drops the reasoning of an
// assistant message once a later user message follows it) renders earlier
// messages differently as the conversation grows. The conversation then
// keeps what each message holds and how it was rendered; at every message
// boundary it renders every message again, and from the first one whose
// rendering changed it truncates the context and appends the new rendering.
// Content keeps its kind through that: argument text stays plain, sampled
// ids stay the ids (a template that cuts inside a token keeps the token's
// remaining bytes as plain text).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_CONVERSATION_H
#define SGL_RUNTIME_ENGINE_CONVERSATION_H

#include "runtime/chat/ChatTemplate.h"
#include "runtime/engine/ContextSegments.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

class Conversation {
public:
  /// `chat` may be null for programs without roles (beginMessage is then
  /// never called).
  Conversation(const Tokenizer &tokenizer, const ChatTemplate *chat,
               bool allowSpecialInArguments);

  const ContextSegments &context() const { return context_; }
  /// The message being written, if any.
  std::optional<plan::Role> openRole() const { return openRole_; }

  void appendProgramText(std::string_view text);
  void appendArgumentText(std::string_view text);
  /// Freezes the pending text, then appends `ids` (Generated or Choice).
  Status appendTokens(std::span<const int32_t> ids, SegmentKind kind);
  /// Freezes the pending text (ContextSegments::freeze).
  Expected<std::span<const int32_t>> freeze();

  /// Opens a message: the template's begin text first (once, before
  /// anything else, unless the tokenizer already adds it), then the role's
  /// header.
  Status beginMessage(plan::Role role);
  /// Closes the open message with the template's footer.
  Status endMessage();

  /// Times a model call found that the template had rewritten tokens an
  /// earlier model call saw, and how many of those tokens it found changed
  /// (counted from the first that differs: the scheduler keeps the
  /// keys/values before it).
  int64_t rewrites() const { return rewrites_; }
  int64_t rewrittenTokens() const { return rewrittenTokens_; }

private:
  /// A piece of what was appended: text of one kind, or ids.
  struct Part {
    SegmentKind kind;
    bool allowSpecial = false;
    std::string text;
    std::vector<int32_t> ids;
  };
  /// A message, or what was appended between messages.
  struct Element {
    std::optional<plan::Role> role; // nullopt: between messages
    bool open = false;
    size_t mark = 0; // where it starts in the context
    std::vector<Part> parts;
    std::string content; // the parts' bytes, as the template sees them
    std::vector<ChatTemplate::Piece> rendered; // closed messages
  };

  bool recording() const { return chat_ && chat_->rewritesHistory(); }
  /// The element text goes into: the open message, else one between
  /// messages.
  Element &current();
  void recordText(SegmentKind kind, bool allowSpecial, std::string_view text);
  void appendTemplateText(std::string_view text);
  /// Appends element `e`'s content bytes [begin, end) to the context.
  Status appendContent(const Element &e, size_t begin, size_t end);
  Status appendPart(const Part &part);
  /// At a freeze or after appended ids: counts a rewrite of what the model
  /// saw, and remembers how much it sees now.
  void noteSeen();
  /// Renders every closed message again and, from the first whose
  /// rendering changed, truncates and appends the conversation anew.
  Status rerender();

  const Tokenizer &tokenizer_;
  const ChatTemplate *chat_;
  ContextSegments context_;
  std::optional<plan::Role> openRole_;
  bool begun_ = false;            // the template's begin text was handled
  std::vector<Element> elements_; // only when recording()
  size_t seenLength_ = 0;         // tokens the model has seen (or is about to)
  bool truncated_ = false;        // a rewrite truncated frozen tokens since
  std::vector<int32_t> seen_;     // those tokens, kept from the truncation on
  int64_t rewrites_ = 0, rewrittenTokens_ = 0;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_CONVERSATION_H

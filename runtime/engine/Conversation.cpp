//===- Conversation.cpp - Chat messages rendered into a context ----------===//
//
// Recording what each message holds, and re-rendering the conversation when
// the template renders an earlier message differently.
//
//===----------------------------------------------------------------------===//
#include "runtime/engine/Conversation.h"

#include <algorithm>

namespace sgl::runtime {

namespace {

/// The bytes a token adds to a message's content as the template sees it:
/// special tokens none (a chat client drops them), others their text.
std::string_view contentBytes(const Tokenizer &tokenizer, int32_t id) {
  return tokenizer.isSpecial(id) ? std::string_view()
                                 : tokenizer.tokenBytes(id);
}

bool isTextKind(SegmentKind kind) {
  return kind == SegmentKind::Template || kind == SegmentKind::Program ||
         kind == SegmentKind::Argument;
}

} // namespace

Conversation::Conversation(const Tokenizer &tokenizer, const ChatTemplate *chat,
                           bool allowSpecialInArguments)
    : tokenizer_(tokenizer), chat_(chat), context_(allowSpecialInArguments) {}

Conversation::Element &Conversation::current() {
  if (elements_.empty() || (elements_.back().role && !elements_.back().open)) {
    elements_.emplace_back();
    elements_.back().mark = context_.mark();
  }
  return elements_.back();
}

void Conversation::recordText(SegmentKind kind, bool allowSpecial,
                              std::string_view text) {
  if (!recording() || text.empty())
    return;
  Element &e = current();
  if (!e.parts.empty() && e.parts.back().kind == kind &&
      e.parts.back().allowSpecial == allowSpecial && isTextKind(kind))
    e.parts.back().text += text;
  else
    e.parts.push_back({kind, allowSpecial, std::string(text), {}});
  e.content += text;
}

void Conversation::appendProgramText(std::string_view text) {
  recordText(SegmentKind::Program, true, text);
  context_.appendProgramText(text);
}

void Conversation::appendArgumentText(std::string_view text) {
  recordText(SegmentKind::Argument, context_.allowSpecialInArguments(), text);
  context_.appendArgumentText(text);
}

void Conversation::appendTemplateText(std::string_view text) {
  recordText(SegmentKind::Template, true, text);
  context_.appendTemplateText(text);
}

Status Conversation::appendTokens(std::span<const int32_t> ids,
                                  SegmentKind kind) {
  if (Status s = context_.appendTokens(tokenizer_, ids, kind); !s)
    return s;
  noteSeen();
  if (recording() && !ids.empty()) {
    Element &e = current();
    e.parts.push_back({kind, false, {}, {ids.begin(), ids.end()}});
    for (int32_t id : ids)
      e.content += contentBytes(tokenizer_, id);
  }
  return Status::ok();
}

Expected<std::span<const int32_t>> Conversation::freeze() {
  auto frozen = context_.freeze(tokenizer_);
  if (frozen)
    noteSeen();
  return frozen;
}

void Conversation::noteSeen() {
  const std::vector<int32_t> &tokens = context_.tokens();
  if (truncated_) {
    size_t same = 0;
    while (same < seen_.size() && same < tokens.size() &&
           seen_[same] == tokens[same])
      ++same;
    if (same < seen_.size()) {
      ++rewrites_;
      rewrittenTokens_ += static_cast<int64_t>(seen_.size() - same);
    }
    truncated_ = false;
    seen_.clear();
  }
  seenLength_ = tokens.size();
}

Status Conversation::beginMessage(plan::Role role) {
  // The template's begin text (Llama 3's <|begin_of_text|>) goes first,
  // once, unless the tokenizer's post-processor already adds it as BOS.
  if (!begun_ && context_.tokens().empty() && !context_.hasPendingText() &&
      !chat_->beginText().empty()) {
    std::vector<int32_t> begin = tokenizer_.encode(chat_->beginText(), false);
    if (begin != tokenizer_.prefixTokens())
      appendTemplateText(chat_->beginText());
  }
  begun_ = true;
  openRole_ = role;
  if (recording()) {
    Element e;
    e.role = role;
    e.open = true;
    e.mark = context_.mark();
    elements_.push_back(std::move(e));
  }
  context_.appendTemplateText(chat_->roleBegin(role));
  return recording() ? rerender() : Status::ok();
}

Status Conversation::endMessage() {
  context_.appendTemplateText(chat_->roleEnd());
  openRole_.reset();
  if (!recording())
    return Status::ok();
  Element &e = elements_.back();
  e.open = false;
  e.rendered = chat_->streamedPieces(*e.role, e.content.size());
  return rerender();
}

Status Conversation::appendPart(const Part &part) {
  if (!isTextKind(part.kind))
    return context_.appendTokens(tokenizer_, part.ids, part.kind);
  context_.appendText(part.text, part.allowSpecial, part.kind);
  return Status::ok();
}

Status Conversation::appendContent(const Element &e, size_t begin, size_t end) {
  size_t offset = 0;
  for (const Part &part : e.parts) {
    if (offset >= end)
      break;
    if (isTextKind(part.kind)) {
      const size_t from = std::max(begin, offset);
      const size_t to = std::min(end, offset + part.text.size());
      if (from < to)
        context_.appendText(
            std::string_view(part.text).substr(from - offset, to - from),
            part.allowSpecial, part.kind);
      offset += part.text.size();
      continue;
    }
    // Ids wholly inside the range stay ids; of one the range cuts, the
    // bytes inside it become plain text.
    std::vector<int32_t> kept;
    auto flush = [&]() -> Status {
      if (kept.empty())
        return Status::ok();
      Status s = context_.appendTokens(tokenizer_, kept, part.kind);
      kept.clear();
      return s;
    };
    for (int32_t id : part.ids) {
      const std::string_view bytes = contentBytes(tokenizer_, id);
      const size_t from = offset, to = offset + bytes.size();
      offset = to;
      if (from >= begin && to <= end && (from < end || bytes.empty()))
        kept.push_back(id);
      else if (std::max(begin, from) < std::min(end, to)) {
        if (Status s = flush(); !s)
          return s;
        const size_t a = std::max(begin, from), b = std::min(end, to);
        context_.appendText(bytes.substr(a - from, b - a), false,
                            SegmentKind::Argument);
      }
    }
    if (Status s = flush(); !s)
      return s;
  }
  return Status::ok();
}

Status Conversation::rerender() {
  // What the template sees: the closed messages, and an open user or
  // system message with its content so far (an open assistant message is
  // the generation prompt).
  std::vector<ChatTemplate::MessageView> views;
  std::vector<size_t> viewOf(elements_.size(), 0);
  for (size_t i = 0; i < elements_.size(); ++i) {
    const Element &e = elements_[i];
    if (!e.role || (e.open && *e.role == plan::Role::Assistant))
      continue;
    viewOf[i] = views.size();
    views.push_back({*e.role, e.content});
  }
  std::vector<std::vector<ChatTemplate::Piece>> rendered =
      chat_->renderMessages(views);
  std::vector<std::vector<ChatTemplate::Piece>> fresh(elements_.size());
  size_t first = elements_.size();
  for (size_t i = 0; i < elements_.size(); ++i) {
    Element &e = elements_[i];
    if (!e.role || e.open)
      continue;
    fresh[i] = std::move(rendered[viewOf[i]]);
    if (first < elements_.size() || fresh[i] == e.rendered)
      continue;
    // Different pieces may still spell the same text (Qwen3 renders a
    // <think> block the program wrote as its own template text): then the
    // context stands.
    if (ChatTemplate::spell(fresh[i], e.content) ==
        ChatTemplate::spell(e.rendered, e.content))
      e.rendered = std::move(fresh[i]);
    else
      first = i;
  }
  if (first == elements_.size())
    return Status::ok();

  // Keep what the model has seen, to count the rewrite at the next freeze
  // (the text may still come back the same before then).
  if (!truncated_)
    seen_.assign(context_.tokens().begin(),
                 context_.tokens().begin() + seenLength_);
  if (context_.truncate(elements_[first].mark) > 0)
    truncated_ = true;
  for (size_t i = first; i < elements_.size(); ++i) {
    Element &e = elements_[i];
    e.mark = context_.mark();
    if (!e.role || e.open) {
      if (e.open)
        context_.appendTemplateText(chat_->roleBegin(*e.role));
      for (const Part &part : e.parts)
        if (Status s = appendPart(part); !s)
          return s;
      continue;
    }
    for (const ChatTemplate::Piece &piece : fresh[i]) {
      if (!piece.isContent()) {
        context_.appendTemplateText(piece.text);
      } else if (Status s = appendContent(e, piece.begin, piece.end); !s) {
        return s;
      }
    }
    e.rendered = std::move(fresh[i]);
  }
  return Status::ok();
}

} // namespace sgl::runtime

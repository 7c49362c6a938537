//===- ContextSegments.cpp - An instance's context as typed segments ------===//
//
// Pending text runs, freezing them through Tokenizer::tryEncodeRuns, and the
// per-kind token counts.
//
//===----------------------------------------------------------------------===//
#include "runtime/engine/ContextSegments.h"

#include <cassert>

namespace sgl::runtime {

const char *segmentKindName(SegmentKind kind) {
  switch (kind) {
  case SegmentKind::Prefix:
    return "prefix";
  case SegmentKind::Template:
    return "template";
  case SegmentKind::Program:
    return "program";
  case SegmentKind::Argument:
    return "argument";
  case SegmentKind::Generated:
    return "generated";
  case SegmentKind::Choice:
    return "choice";
  }
  return "unknown";
}

void ContextSegments::appendTemplateText(std::string_view text) {
  appendText(text, true, SegmentKind::Template);
}

void ContextSegments::appendProgramText(std::string_view text) {
  appendText(text, true, SegmentKind::Program);
}

void ContextSegments::appendArgumentText(std::string_view text) {
  appendText(text, allowSpecialInArguments_, SegmentKind::Argument);
}

void ContextSegments::appendText(std::string_view text, bool allowSpecial,
                                 SegmentKind kind) {
  if (text.empty())
    return;
  // Consecutive appends of one kind are one stretch: a special token
  // written across two program-text pieces is still recognised.
  if (!pending_.empty() && pending_.back().kind == kind &&
      pending_.back().allowSpecial == allowSpecial) {
    pending_.back().text += text;
    return;
  }
  pending_.push_back({std::string(text), allowSpecial, kind});
}

Expected<std::vector<int32_t>>
ContextSegments::choiceTokens(const Tokenizer &tokenizer,
                              std::string_view choice) {
  const TextRun run{choice, false};
  return tokenizer.tryEncodeRuns(std::span<const TextRun>(&run, 1));
}

Expected<std::span<const int32_t>>
ContextSegments::freeze(const Tokenizer &tokenizer) {
  std::vector<TextRun> runs;
  runs.reserve(pending_.size());
  for (const PendingRun &run : pending_)
    runs.push_back({run.text, run.allowSpecial});
  // Tokenize before changing anything, so a failure leaves the state whole.
  auto ids = tokenizer.tryEncodeRuns(runs);
  if (!ids)
    return ids.error();

  const size_t first = tokens_.size();
  if (tokens_.empty()) {
    const std::vector<int32_t> &prefix = tokenizer.prefixTokens();
    tokens_.insert(tokens_.end(), prefix.begin(), prefix.end());
    frozenText_ += tokenizer.decode(prefix);
    counts_[static_cast<size_t>(SegmentKind::Prefix)] +=
        static_cast<int64_t>(prefix.size());
  }
  countRunTokens(tokenizer, *ids);
  tokens_.insert(tokens_.end(), ids->begin(), ids->end());
  for (const PendingRun &run : pending_)
    frozenText_ += run.text;
  pending_.clear();
  return std::span<const int32_t>(tokens_).subspan(first);
}

Status ContextSegments::appendTokens(const Tokenizer &tokenizer,
                                     std::span<const int32_t> ids,
                                     SegmentKind kind) {
  assert((kind == SegmentKind::Generated || kind == SegmentKind::Choice) &&
         "appendTokens takes generated ids or a choice's tokens");
  if (auto frozen = freeze(tokenizer); !frozen)
    return frozen.error();
  tokens_.insert(tokens_.end(), ids.begin(), ids.end());
  frozenText_ += tokenizer.decode(ids);
  counts_[static_cast<size_t>(kind)] += static_cast<int64_t>(ids.size());
  return Status::ok();
}

void ContextSegments::countRunTokens(const Tokenizer &tokenizer,
                                     std::span<const int32_t> ids) {
  // Token bytes concatenate to the runs' text, give or take normalization
  // and U+FFFD replacement; credit each token to the run its first byte
  // falls in (the last run for anything past the end).
  if (pending_.empty())
    return;
  size_t run = 0, runEnd = pending_[0].text.size();
  size_t offset = 0;
  for (int32_t id : ids) {
    while (offset >= runEnd && run + 1 < pending_.size())
      runEnd += pending_[++run].text.size();
    counts_[static_cast<size_t>(pending_[run].kind)] += 1;
    offset += tokenizer.tokenBytes(id).size();
  }
}

std::string ContextSegments::text() const {
  std::string text = frozenText_;
  for (const PendingRun &run : pending_)
    text += run.text;
  return text;
}

} // namespace sgl::runtime

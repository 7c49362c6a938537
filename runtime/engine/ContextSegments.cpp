//===- ContextSegments.cpp - An instance's context as typed segments ------===//
//
// Pending text runs, freezing them through Tokenizer::tryEncodeRuns, and the
// per-kind token counts.
//
//===----------------------------------------------------------------------===//
#include "runtime/engine/ContextSegments.h"

#include <algorithm>
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
  if (!startSegment_ && hasPendingText() && segments_.back().kind == kind &&
      segments_.back().allowSpecial == allowSpecial) {
    segments_.back().text += text;
    return;
  }
  startSegment_ = false;
  segments_.push_back({kind, allowSpecial, std::string(text), {}});
}

size_t ContextSegments::mark() {
  startSegment_ = true;
  return segments_.size();
}

int64_t ContextSegments::truncate(size_t mark) {
  assert(mark <= segments_.size() && "a mark past the end");
  startSegment_ = true;
  if (mark >= frozenSegments_) {
    segments_.resize(mark);
    return 0;
  }
  // The freeze the mark lies in: its tokens go, its text before the mark
  // is pending again.
  auto it = std::upper_bound(
      freezes_.begin(), freezes_.end(), mark,
      [](size_t m, const Freeze &f) { return m < f.firstSegment; });
  assert(it != freezes_.begin() && "frozen segments without a freeze");
  const Freeze f = *--it;
  const int64_t dropped = static_cast<int64_t>(tokens_.size() - f.firstToken);
  tokens_.resize(f.firstToken);
  frozenText_.resize(f.firstTextByte);
  counts_ = f.countsBefore;
  frozenSegments_ = f.firstSegment;
  freezes_.erase(it, freezes_.end());
  segments_.resize(mark);
  return dropped;
}

void ContextSegments::beginFreeze() {
  freezes_.push_back(
      {frozenSegments_, tokens_.size(), frozenText_.size(), counts_});
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
  for (size_t i = frozenSegments_; i < segments_.size(); ++i)
    runs.push_back({segments_[i].text, segments_[i].allowSpecial});
  // Tokenize before changing anything, so a failure leaves the state whole.
  auto ids = tokenizer.tryEncodeRuns(runs);
  if (!ids)
    return ids.error();

  const size_t first = tokens_.size();
  if (runs.empty() && !tokens_.empty())
    return std::span<const int32_t>(tokens_).subspan(first);
  beginFreeze();
  if (tokens_.empty()) {
    const std::vector<int32_t> &prefix = tokenizer.prefixTokens();
    tokens_.insert(tokens_.end(), prefix.begin(), prefix.end());
    frozenText_ += tokenizer.decode(prefix);
    counts_[static_cast<size_t>(SegmentKind::Prefix)] +=
        static_cast<int64_t>(prefix.size());
  }
  countPendingTokens(tokenizer, *ids);
  tokens_.insert(tokens_.end(), ids->begin(), ids->end());
  for (size_t i = frozenSegments_; i < segments_.size(); ++i)
    frozenText_ += segments_[i].text;
  frozenSegments_ = segments_.size();
  return std::span<const int32_t>(tokens_).subspan(first);
}

Status ContextSegments::appendTokens(const Tokenizer &tokenizer,
                                     std::span<const int32_t> ids,
                                     SegmentKind kind) {
  assert((kind == SegmentKind::Generated || kind == SegmentKind::Choice) &&
         "appendTokens takes generated ids or a choice's tokens");
  if (auto frozen = freeze(tokenizer); !frozen)
    return frozen.error();
  if (ids.empty())
    return Status::ok();
  beginFreeze();
  segments_.push_back({kind, false, {}, {ids.begin(), ids.end()}});
  frozenSegments_ = segments_.size();
  startSegment_ = false;
  tokens_.insert(tokens_.end(), ids.begin(), ids.end());
  frozenText_ += tokenizer.decode(ids);
  counts_[static_cast<size_t>(kind)] += static_cast<int64_t>(ids.size());
  return Status::ok();
}

void ContextSegments::countPendingTokens(const Tokenizer &tokenizer,
                                         std::span<const int32_t> ids) {
  // Token bytes concatenate to the segments' text, give or take
  // normalization and U+FFFD replacement; credit each token to the segment
  // its first byte falls in (the last one for anything past the end).
  size_t seg = frozenSegments_;
  if (seg == segments_.size())
    return;
  size_t segEnd = segments_[seg].text.size();
  size_t offset = 0;
  for (int32_t id : ids) {
    while (offset >= segEnd && seg + 1 < segments_.size())
      segEnd += segments_[++seg].text.size();
    counts_[static_cast<size_t>(segments_[seg].kind)] += 1;
    offset += tokenizer.tokenBytes(id).size();
  }
}

std::string ContextSegments::text() const {
  std::string text = frozenText_;
  for (size_t i = frozenSegments_; i < segments_.size(); ++i)
    text += segments_[i].text;
  return text;
}

} // namespace sgl::runtime

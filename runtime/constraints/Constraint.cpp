//===- Constraint.cpp - What a gen's output must match --------------------===//
#include "runtime/constraints/Constraint.h"

#include "runtime/constraints/GrammarMasks.h"
#include "runtime/constraints/RegexCompiler.h"

#include <algorithm>

namespace sgl::runtime::constraints {

namespace {

/// The code points of `text`, or nothing when it is not valid UTF-8.
std::optional<std::u32string> decodeUtf8(std::string_view text) {
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<uint8_t>(text[i]);
    int length = byte < 0x80       ? 1
                 : byte >> 5 == 6  ? 2
                 : byte >> 4 == 14 ? 3
                 : byte >> 3 == 30 ? 4
                                   : 0;
    if (length == 0 || i + length > text.size())
      return std::nullopt;
    char32_t cp = length == 1 ? byte : byte & (0x7f >> length);
    for (int k = 1; k < length; ++k) {
      auto next = static_cast<uint8_t>(text[i + k]);
      if (next >> 6 != 2)
        return std::nullopt;
      cp = cp << 6 | (next & 0x3f);
    }
    static constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[length] || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return std::nullopt;
    out.push_back(cp);
    i += length;
  }
  return out;
}

} // namespace

Expected<std::shared_ptr<Constraint>>
Constraint::fromRegex(std::string_view pattern, const AutomatonLimits &limits) {
  Expected<ByteDfa> dfa = compileRegex(pattern, limits);
  if (!dfa)
    return dfa.error();
  return std::make_shared<Constraint>(
      Grammar::regular("regex", std::move(*dfa)));
}

Expected<std::shared_ptr<Constraint>>
Constraint::fromChoices(std::span<const std::string> choices,
                        const AutomatonLimits &limits) {
  if (choices.empty())
    return makeError("choices: at least one choice is needed");
  std::vector<RegexNode> alternatives;
  for (size_t i = 0; i < choices.size(); ++i) {
    std::optional<std::u32string> codePoints = decodeUtf8(choices[i]);
    if (!codePoints)
      return makeError("choices: choice " + std::to_string(i + 1) +
                       " is not valid UTF-8");
    std::vector<RegexNode> literal;
    for (char32_t cp : *codePoints)
      literal.push_back(RegexNode::set(CodePointSet::single(cp), 0));
    alternatives.push_back(RegexNode::concat(std::move(literal), 0));
  }
  Expected<ByteDfa> dfa = compileRegexTree(
      RegexNode::alternate(std::move(alternatives), 0), limits);
  if (!dfa)
    return makeError("choices: " + dfa.error().message);
  return std::make_shared<Constraint>(
      Grammar::regular("choices", std::move(*dfa)));
}

std::shared_ptr<Constraint> Constraint::fromGrammar(Grammar grammar) {
  return std::make_shared<Constraint>(std::move(grammar));
}

ConstraintCheck Constraint::check(std::string_view text) const {
  FrameArena arena;
  FrameStepper stepper(grammar_, arena);
  std::vector<Frame> frames = stepper.initial();
  for (size_t i = 0; i < text.size(); ++i) {
    stepper.step(frames, static_cast<uint8_t>(text[i]));
    if (frames.empty())
      return {false, i, grammar_.lazyFailure()};
  }
  if (stepper.accepting(frames))
    return {true, 0, std::nullopt};
  return {false, text.size(), grammar_.lazyFailure()};
}

ConstraintMasks::ConstraintMasks(std::shared_ptr<const Constraint> constraint,
                                 const ConstraintVocabulary &vocabulary)
    : constraint_(std::move(constraint)), vocabulary_(vocabulary),
      masks_(
          std::make_unique<GrammarMasks>(constraint_->grammar(), vocabulary)) {}

ConstraintMasks::~ConstraintMasks() = default;

size_t ConstraintMasks::numWords() const { return masks_->numWords(); }

ConstraintMasks::Stats ConstraintMasks::stats() const {
  return masks_->stats();
}

ConstraintMatcher::ConstraintMatcher(ConstraintMasks &masks)
    : masks_(&masks), stacks_(std::make_unique<GrammarStacks>()) {
  stacks_->frames = masks.masks_->stepper().initial();
}

ConstraintMatcher::~ConstraintMatcher() = default;
ConstraintMatcher::ConstraintMatcher(ConstraintMatcher &&) noexcept = default;
ConstraintMatcher &
ConstraintMatcher::operator=(ConstraintMatcher &&) noexcept = default;

std::span<const uint64_t>
ConstraintMatcher::allowedTokens(uint32_t tokensLeft) {
  if (ended_)
    return masks_->masks_->mask({}, 0);
  return masks_->masks_->mask(stacks_->frames, tokensLeft);
}

bool ConstraintMatcher::accept(int32_t token) {
  if (ended_ || token < 0 ||
      static_cast<size_t>(token) >= masks_->vocabulary_.tokenBytes.size())
    return false;
  const std::vector<int32_t> &eos = masks_->vocabulary_.eosIds;
  if (std::find(eos.begin(), eos.end(), token) != eos.end()) {
    if (!accepting())
      return false;
    ended_ = true;
    return true;
  }
  const std::string &bytes = masks_->vocabulary_.tokenBytes[token];
  if (bytes.empty())
    return false; // special tokens never spell part of a value
  FrameStepper &stepper = masks_->masks_->stepper();
  std::vector<Frame> frames = stacks_->frames;
  for (char byte : bytes) {
    stepper.step(frames, static_cast<uint8_t>(byte));
    if (frames.empty())
      return false;
  }
  stacks_->frames = std::move(frames);
  return true;
}

bool ConstraintMatcher::accepting() const {
  return masks_->masks_->stepper().accepting(stacks_->frames);
}

bool ConstraintMatcher::finished() const {
  return ended_ || masks_->masks_->stepper().atEnd(stacks_->frames);
}

std::optional<std::string> ConstraintMatcher::failure() const {
  return masks_->constraint().grammar().lazyFailure();
}

std::string ConstraintMatcher::forcedBytes() const {
  FrameStepper &stepper = masks_->masks_->stepper();
  std::vector<Frame> frames = stacks_->frames, closed, next;
  std::string forced;
  // Forcing stops at accepting states, so an endless forced run needs a
  // cycle of single-byte states that never accepts: bounded all the same.
  for (size_t guard = 0; guard < 4096; ++guard) {
    if (stepper.accepting(frames))
      break;
    stepper.closure(frames, closed);
    int found = -1;
    for (int byte = 0; byte < 256 && found != -2; ++byte) {
      stepper.stepClosed(closed, static_cast<uint8_t>(byte), next);
      if (!next.empty())
        found = found == -1 ? byte : -2;
    }
    if (found < 0)
      break;
    forced.push_back(static_cast<char>(found));
    stepper.step(frames, static_cast<uint8_t>(found));
  }
  return forced;
}

} // namespace sgl::runtime::constraints

//===- ProgramInstance.cpp - One program run as a resumable state machine -===//
#include "runtime/engine/ProgramInstance.h"

#include "runtime/support/MessageText.h"
#include "runtime/tokenizer/Utf8.h"

#include <algorithm>
#include <cassert>

namespace sgl::runtime {

using plan::Step;

std::string_view finishReasonName(FinishReason reason) {
  switch (reason) {
  case FinishReason::Eos:
    return "eos";
  case FinishReason::StopString:
    return "stop_string";
  case FinishReason::MaxTokens:
    return "max_tokens";
  case FinishReason::ContextLimit:
    return "context_limit";
  case FinishReason::ConstraintEnd:
    return "constraint_end";
  }
  return "unknown";
}

std::string_view apiFinishReason(FinishReason reason) {
  return reason == FinishReason::MaxTokens ||
                 reason == FinishReason::ContextLimit
             ? "length"
             : "stop";
}

int64_t RunStats::gensFinishedBy(FinishReason reason) const {
  return std::count_if(gens.begin(), gens.end(), [&](const GenFinish &gen) {
    return gen.reason == reason;
  });
}

std::string formatLocation(const plan::SourceLocation &loc) {
  if (loc.file.empty() && loc.line == 0)
    return "<unknown>";
  return loc.file + ":" + std::to_string(loc.line) + ":" +
         std::to_string(loc.col);
}

ProgramInstance::ProgramInstance(const LoadedModel &model,
                                 const plan::Program &program,
                                 std::vector<std::string> argValues,
                                 const RunOptions &options,
                                 GenConstraintMasks *constraints)
    : model_(model), program_(program), options_(options),
      constraints_(constraints),
      conversation_(model.tokenizer(),
                    model.chatTemplate() ? &*model.chatTemplate() : nullptr,
                    options.allowSpecialTokensInArguments) {
  slots_.assign(std::max<size_t>(program_.numSlots, argValues.size()), "");
  std::move(argValues.begin(), argValues.end(), slots_.begin());
  // Fail before any work when the program needs a template we lack.
  if (!model_.chatTemplate())
    for (const Step &s : program_.steps)
      if (s.kind == Step::Kind::RoleBegin || s.kind == Step::Kind::RoleEnd) {
        state_ = State::Failed;
        error_ = "model at '" + model_.dir() +
                 "' has no chat template sglrun knows (supported: " +
                 ChatTemplate::supportedNames() +
                 "); the program uses roles at " + formatLocation(s.loc);
        return;
      }
}

Error ProgramInstance::at(const Step &s, const std::string &message) const {
  return makeError(formatLocation(s.loc) + ": " + message);
}

std::string ProgramInstance::slotName(uint32_t slot) const {
  for (const plan::Capture &c : program_.captures)
    if (c.slot == slot)
      return c.name;
  return "slot " + std::to_string(slot);
}

std::string ProgramInstance::pendingLabel() const {
  if (!pending_)
    return "";
  return std::string(pending_->kind == Step::Kind::Gen ? "gen" : "select") +
         " '" + slotName(pending_->slot) + "': ";
}

void ProgramInstance::fail(const std::string &message) {
  state_ = State::Failed;
  error_ = pending_ ? formatLocation(pending_->loc) + ": " + message : message;
}

void ProgramInstance::advance() {
  while (state_ == State::Ready) {
    if (next_ == program_.steps.size()) {
      state_ = State::Done;
      return;
    }
    const size_t index = next_++;
    if (Status s = step(program_.steps[index], index); !s) {
      state_ = State::Failed;
      error_ = s.error().message;
    }
  }
}

Status ProgramInstance::step(const Step &s, size_t index) {
  switch (s.kind) {
  case Step::Kind::Text:
    conversation_.appendProgramText(s.text);
    return Status::ok();
  case Step::Kind::Append:
    if (s.slot >= slots_.size())
      return at(s, "append of slot " + std::to_string(s.slot) +
                       " past the program's " + std::to_string(slots_.size()));
    // Arguments and earlier captures are data: never control tokens.
    conversation_.appendArgumentText(slots_[s.slot]);
    return Status::ok();
  case Step::Kind::RoleBegin:
    return countRewrites(conversation_.beginMessage(s.role));
  case Step::Kind::RoleEnd:
    return countRewrites(conversation_.endMessage());
  case Step::Kind::Gen:
    if (s.slot >= slots_.size())
      return at(s, "gen writes slot " + std::to_string(s.slot) +
                       " past the program's " + std::to_string(slots_.size()));
    beginGen(s, index);
    return Status::ok();
  case Step::Kind::Select:
    return beginSelect(s);
  }
  return at(s, "unknown step kind");
}

Status ProgramInstance::countRewrites(Status status) {
  stats_.templateRewrites = conversation_.rewrites();
  stats_.templateRewrittenTokens = conversation_.rewrittenTokens();
  return status;
}

void ProgramInstance::beginGen(const Step &s, size_t index) {
  pending_ = &s;
  const plan::GenParams &p = s.gen;
  sampling_ = SamplingParams();
  if (p.temperature)
    sampling_.temperature = *p.temperature;
  if (p.topP)
    sampling_.topP = *p.topP;
  if (p.topK)
    sampling_.topK = *p.topK;
  rng_ = Rng(p.seed ? *p.seed : mixSeed(options_.seed, index));
  maxTokens_ = p.maxTokens ? *p.maxTokens : kDefaultMaxTokens;
  const std::vector<int32_t> ends =
      model_.genEndIds(conversation_.openRole() == plan::Role::Assistant);
  stopIds_ = std::set<int32_t>(ends.begin(), ends.end());
  stops_.emplace(p.stop);
  sampled_.clear();
  out_.clear();
  cut_ = std::string::npos;
  finish_ = GenFinish{slotName(s.slot), FinishReason::MaxTokens, 0};
  matcher_.reset();
  if (p.constraint.kind != plan::GenConstraint::Kind::None) {
    constraints::ConstraintMasks *masks =
        constraints_ && &constraints_->program() == &program_
            ? constraints_->forStep(index)
            : nullptr;
    if (!masks) {
      fail(pendingLabel() + "its " + constraintKindName(p.constraint.kind) +
           " constraint was not compiled for this run (the instance was "
           "made without its program's GenConstraintMasks)");
      return;
    }
    matcher_.emplace(*masks);
    constraintShortest_ = masks->constraint().shortestBytes();
  }
  Expected<std::span<const int32_t>> frozen = conversation_.freeze();
  if (!frozen) {
    fail(pendingLabel() + frozen.error().message);
    return;
  }
  state_ = State::NeedsGen;
}

uint32_t ProgramInstance::tokensLeft() const {
  return finish_.tokens >= static_cast<int64_t>(maxTokens_)
             ? 0
             : maxTokens_ - static_cast<uint32_t>(finish_.tokens);
}

std::span<const uint64_t> ProgramInstance::allowedTokens(uint32_t tokensLeft) {
  assert(matcher_ && "allowedTokens of an unconstrained gen");
  return matcher_->allowedTokens(tokensLeft);
}

bool ProgramInstance::endConstrainedGen(uint32_t tokensLeft) {
  endTokensLeft_ = tokensLeft;
  finishGen(FinishReason::ConstraintEnd);
  return true;
}

bool ProgramInstance::acceptToken(int32_t id, bool contextFull) {
  const Tokenizer &tok = model_.tokenizer();
  ++stats_.generatedTokens;
  ++finish_.tokens;
  if (matcher_ && !matcher_->accept(id)) {
    // The scheduler samples from the matcher's own mask, unless the
    // constraint's lazily built automaton ran out of room meanwhile.
    if (std::optional<std::string> why = matcher_->failure())
      fail(pendingLabel() + "its " +
           constraintKindName(pending_->gen.constraint.kind) +
           " constraint cannot go on: " + *why);
    else
      fail(pendingLabel() + "sampled token " + std::to_string(id) +
           ", which its constraint does not allow");
    return true;
  }
  if (stopIds_.count(id)) {
    finishGen(FinishReason::Eos);
    return true;
  }
  sampled_.push_back(id);
  const size_t oldSize = out_.size();
  if (!tok.isSpecial(id))
    out_ += tok.tokenBytes(id);
  if (size_t stop = stops_->find(out_, oldSize); stop != std::string::npos) {
    cut_ = stop;
    finishGen(FinishReason::StopString);
    return true;
  }
  if (matcher_ && matcher_->finished()) {
    finishGen(FinishReason::ConstraintEnd);
    return true;
  }
  if (finish_.tokens == static_cast<int64_t>(maxTokens_)) {
    finishGen(FinishReason::MaxTokens);
    return true;
  }
  if (contextFull) {
    finishGen(FinishReason::ContextLimit);
    return true;
  }
  return false;
}

std::string ProgramInstance::unacceptedMessage(FinishReason reason) const {
  const char *kind = constraintKindName(pending_->gen.constraint.kind);
  if (std::optional<std::string> why = matcher_->failure())
    return pendingLabel() + "its " + kind + " constraint cannot go on: " + *why;
  std::string why = reason == FinishReason::MaxTokens ? "it reached max_tokens"
                    : reason == FinishReason::ContextLimit
                        ? "it reached the model's context limit"
                        : "no token could continue it into a match of its " +
                              std::string(kind) + " within the " +
                              std::to_string(endTokensLeft_) + " tokens left";
  return pendingLabel() + "its output " + quoted(sanitizeUtf8(out_), 80) +
         " does not match its " + kind + " constraint: the gen stopped after " +
         std::to_string(finish_.tokens) + " tokens because " + why +
         "; raise max_tokens (the shortest output the constraint accepts is " +
         std::to_string(constraintShortest_) + " bytes)";
}

void ProgramInstance::finishGen(FinishReason reason) {
  const Tokenizer &tok = model_.tokenizer();
  finish_.reason = reason;
  stats_.gens.push_back(finish_);
  if (matcher_ && !matcher_->accepting()) {
    fail(unacceptedMessage(reason));
    sampled_.clear();
    matcher_.reset();
    return;
  }
  matcher_.reset();
  // The context keeps the sampled ids that end before the capture does,
  // then the capture's remaining bytes as text.
  const size_t end = cut_ == std::string::npos ? out_.size() : cut_;
  size_t bytes = 0, kept = 0;
  for (; kept < sampled_.size(); ++kept) {
    const size_t size = tok.isSpecial(sampled_[kept])
                            ? 0
                            : tok.tokenBytes(sampled_[kept]).size();
    if (bytes + size > end)
      break;
    bytes += size;
  }
  // The pending text was frozen when the gen began, so this cannot fail.
  Status appended = conversation_.appendTokens(
      std::span<const int32_t>(sampled_).subspan(0, kept),
      SegmentKind::Generated);
  assert(appended && "nothing pending to tokenize");
  (void)appended;
  if (bytes < end)
    conversation_.appendArgumentText(
        std::string_view(out_).substr(bytes, end - bytes));
  std::string capture = sanitizeUtf8(out_.substr(0, end));
  slots_[pending_->slot] = std::move(capture);
  pending_ = nullptr;
  sampled_.clear();
  state_ = State::Ready;
}

Status ProgramInstance::beginSelect(const Step &s) {
  if (s.choices.empty())
    return at(s, "select has no choices");
  if (s.slot >= slots_.size())
    return at(s, "select writes slot " + std::to_string(s.slot) +
                     " past the program's " + std::to_string(slots_.size()));
  pending_ = &s;
  choiceTokens_.clear();
  for (const std::string &choice : s.choices) {
    Expected<std::vector<int32_t>> ids =
        ContextSegments::choiceTokens(model_.tokenizer(), choice);
    if (!ids)
      return at(s, pendingLabel() + ids.error().message);
    if (ids->empty())
      return at(s, pendingLabel() + "a choice encodes to no tokens");
    choiceTokens_.push_back(ids.take());
  }
  Expected<std::span<const int32_t>> frozen = conversation_.freeze();
  if (!frozen)
    return at(s, pendingLabel() + frozen.error().message);
  state_ = State::NeedsSelect;
  return Status::ok();
}

void ProgramInstance::finishSelect(size_t best) {
  Status appended =
      conversation_.appendTokens(choiceTokens_[best], SegmentKind::Choice);
  assert(appended && "the context was frozen when the select began");
  (void)appended;
  slots_[pending_->slot] = pending_->choices[best];
  pending_ = nullptr;
  choiceTokens_.clear();
  state_ = State::Ready;
}

Expected<nlohmann::ordered_json> ProgramInstance::result() const {
  if (state_ == State::Failed)
    return makeError(error_);
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const plan::Capture &c : program_.captures) {
    if (c.slot >= slots_.size())
      return makeError("capture '" + c.name + "' names slot " +
                       std::to_string(c.slot) + " of " +
                       std::to_string(slots_.size()));
    Expected<nlohmann::ordered_json> value = captureValue(c.slot);
    if (!value)
      return makeError("capture '" + c.name + "': " + value.error().message);
    out[c.name] = value.take();
  }
  return out;
}

Expected<nlohmann::ordered_json>
ProgramInstance::captureValue(uint32_t slot) const {
  const std::string &text = slots_[slot];
  for (const Step &s : program_.steps)
    if (s.kind == Step::Kind::Gen && s.slot == slot &&
        s.gen.constraint.kind == plan::GenConstraint::Kind::JsonSchema) {
      // The schema accepted the text, so it is one JSON value; only a
      // number beyond a double's range cannot be held.
      try {
        return nlohmann::ordered_json::parse(text);
      } catch (const nlohmann::json::exception &e) {
        return makeError("its JSON output " + quoted(text, 80) +
                         " cannot be returned as a JSON value: " + e.what());
      }
    }
  return nlohmann::ordered_json(text);
}

} // namespace sgl::runtime

//===- ProgramInstance.cpp - One program run as a resumable state machine -===//
#include "runtime/engine/ProgramInstance.h"

#include "runtime/engine/JsonValues.h"
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

ProgramInstance::ProgramInstance(const LoadedModel &model,
                                 const plan::Program &program,
                                 std::vector<Value> argValues,
                                 const RunOptions &options,
                                 GenConstraintMasks *constraints)
    : model_(model), program_(program), options_(options),
      constraints_(constraints),
      conversation_(model.tokenizer(),
                    model.chatTemplate() ? &*model.chatTemplate() : nullptr,
                    options.allowSpecialTokensInArguments) {
  const size_t numSlots = std::max<size_t>(program_.numSlots, argValues.size());
  slots_.resize(numSlots);
  slotSet_.assign(numSlots, 0);
  outputs_.resize(program_.captures.size());
  capturesBySlot_.reserve(program_.captures.size());
  for (uint32_t c = 0; c < program_.captures.size(); ++c)
    capturesBySlot_.emplace_back(program_.captures[c].slot, c);
  std::sort(capturesBySlot_.begin(), capturesBySlot_.end());
  captureScope_.assign(program_.captures.size(), nullptr);
  plan::forEachStep(program_.body, [&](const Step &s) {
    if (plan::isCaptureScope(s.kind))
      for (uint32_t c : s.bodyCaptures)
        if (c < captureScope_.size())
          captureScope_[c] = &s;
  });
  frames_.emplace_back().block = &program_.body;

  // Fail before any work when the program needs a template we lack.
  if (!model_.chatTemplate()) {
    const Step *role = nullptr;
    plan::forEachStep(program_.body, [&](const Step &s) {
      if (!role &&
          (s.kind == Step::Kind::RoleBegin || s.kind == Step::Kind::RoleEnd))
        role = &s;
    });
    if (role) {
      state_ = State::Failed;
      error_ = "model at '" + model_.dir() +
               "' has no chat template sglrun knows (supported: " +
               ChatTemplate::supportedNames() +
               "); the program uses roles at " + formatLocation(role->loc);
      return;
    }
  }
  // Arguments are set on entry; captures of them are reached at once.
  Step entry;
  for (uint32_t i = 0; i < argValues.size(); ++i)
    if (Status s = setSlot(i, std::move(argValues[i]), entry); !s) {
      state_ = State::Failed;
      error_ = s.error().message;
      return;
    }
}

ProgramInstance::ProgramInstance(const ProgramInstance &parent, int64_t index)
    : model_(parent.model_), program_(parent.program_),
      options_(parent.options_), constraints_(parent.constraints_),
      conversation_(parent.conversation_), slots_(parent.slots_),
      slotSet_(parent.slotSet_), outputs_(parent.outputs_),
      capturesBySlot_(parent.capturesBySlot_), frames_(parent.frames_),
      captureScope_(parent.captureScope_), genRuns_(parent.genRuns_),
      forkRuns_(parent.forkRuns_), budget_(parent.budget_) {
  const Step &fork = *parent.pendingFork_;
  // The parent's frames stay readable; the branch's own captures start
  // unset.
  base_ = frames_.size();
  enterScope(fork);
  branchOf_ = &fork;
  branchKey_ = mixSeed(
      mixSeed(mixSeed(parent.branchKey_, fork.site + 1), parent.forkRun_),
      static_cast<uint64_t>(index));
  stats_.templateRewrites = conversation_.rewrites();
  stats_.templateRewrittenTokens = conversation_.rewrittenTokens();
  if (Status s = setSlot(fork.branchSlot, Value::integer(index), fork); !s) {
    state_ = State::Failed;
    error_ = s.error().message;
  }
}

std::unique_ptr<ProgramInstance> ProgramInstance::branch(int64_t index) const {
  assert(state_ == State::NeedsFork && "branch() without a pending fork");
  return std::unique_ptr<ProgramInstance>(new ProgramInstance(*this, index));
}

Value ProgramInstance::branchValue() const { return objectOf(*branchOf_); }

Value ProgramInstance::objectOf(const Step &scope) const {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (uint32_t c : scope.bodyCaptures)
    object[program_.captures[c].name] = toJson(outputs_[c]);
  // Captured text is valid UTF-8 (sanitized), so this never throws.
  std::string text = object.dump();
  return Value::json(std::move(text), std::move(object));
}

void ProgramInstance::joinBranches(
    std::vector<std::unique_ptr<ProgramInstance>> branches) {
  assert(state_ == State::NeedsFork && "joinBranches() without a fork");
  const Step &fork = *pendingFork_;
  Value::List objects;
  objects.reserve(branches.size());
  for (size_t i = 0; i < branches.size(); ++i) {
    const ProgramInstance &b = *branches[i];
    // The branch's work is this instance's.
    const RunStats &s = b.stats_;
    stats_.promptTokens += s.promptTokens;
    stats_.promptTokensCached += s.promptTokensCached;
    stats_.promptTokensComputed += s.promptTokensComputed;
    stats_.recomputedTokens += s.recomputedTokens;
    stats_.templateRewrites += s.templateRewrites - conversation_.rewrites();
    stats_.templateRewrittenTokens +=
        s.templateRewrittenTokens - conversation_.rewrittenTokens();
    stats_.generatedTokens += s.generatedTokens;
    stats_.gens.insert(stats_.gens.end(), s.gens.begin(), s.gens.end());
    if (b.state_ != State::Done) {
      if (state_ != State::Failed) {
        state_ = State::Failed;
        error_ = formatLocation(fork.loc) + ": branch " + std::to_string(i) +
                 " of fork '" + slotName(fork.slot) + "' failed: " +
                 (b.state_ == State::Failed ? b.error_ : "it did not finish");
      }
      continue;
    }
    objects.push_back(b.branchValue());
  }
  pendingFork_ = nullptr;
  if (state_ == State::Failed)
    return;
  if (Status s = setSlot(fork.slot, Value::list(std::move(objects)), fork);
      !s) {
    fail(s.error().message);
    return;
  }
  state_ = State::Ready;
}

Status ProgramInstance::beginFork(const Step &s) {
  Expected<Value> count = evaluate(s.expr, *this, s.loc);
  if (!count)
    return count.error();
  if (count->kind() != Value::Kind::Int)
    return at(s, std::string("a fork's branch count is an int, not ") +
                     kindName(count->kind()));
  const int64_t n = count->integer();
  if (n < 0)
    return at(s, "fork '" + slotName(s.slot) + "' has " + std::to_string(n) +
                     " branches; the count must be >= 0");
  if (n > budget_->branches)
    return at(s, "fork '" + slotName(s.slot) + "' starts " + std::to_string(n) +
                     " branches, more than the " +
                     std::to_string(budget_->branches) + " left of the " +
                     std::to_string(kMaxForkBranches) + " a program may start");
  budget_->branches -= n;
  forkRun_ = forkRuns_[s.site]++;
  if (n == 0)
    return setSlot(s.slot, Value::list({}), s);
  pendingFork_ = &s;
  forkCount_ = n;
  state_ = State::NeedsFork;
  return Status::ok();
}

Status ProgramInstance::beginCall(const Step &s) {
  Expected<Value> args = evaluate(s.expr, *this, s.loc);
  if (!args)
    return args.error();
  if (args->kind() != Value::Kind::List)
    return at(s, std::string("a call's arguments are a list, not ") +
                     kindName(args->kind()));
  const Value::List &values = args->list();
  for (size_t i = 0; i < values.size(); ++i)
    if (Status set =
            setSlot(s.branchSlot + static_cast<uint32_t>(i), values[i], s);
        !set)
      return set;
  // Each run of the callee starts with its captures unset.
  enterScope(s);
  return Status::ok();
}

void ProgramInstance::enterScope(const Step &scope) {
  for (uint32_t c : scope.bodyCaptures)
    if (c < outputs_.size())
      outputs_[c] = Value();
  Frame body;
  body.block = &scope.blocks[0];
  body.scope = &scope;
  frames_.push_back(std::move(body));
}

Status ProgramInstance::finishCall(const Step &s) {
  return setSlot(s.slot, objectOf(s), s);
}

Error ProgramInstance::at(const Step &s, const std::string &message) const {
  return makeError(formatLocation(s.loc) + ": " + message);
}

std::string ProgramInstance::slotName(uint32_t slot) const {
  auto it = std::lower_bound(capturesBySlot_.begin(), capturesBySlot_.end(),
                             std::make_pair(slot, uint32_t{0}));
  if (it != capturesBySlot_.end() && it->first == slot)
    return program_.captures[it->second].name;
  if (slot < program_.args.size())
    return program_.args[slot].name;
  return "slot " + std::to_string(slot);
}

const Value *ProgramInstance::slot(uint32_t slot) const {
  return slot < slots_.size() && slotSet_[slot] ? &slots_[slot] : nullptr;
}

const Value *ProgramInstance::output(uint32_t capture) const {
  if (capture >= outputs_.size())
    return nullptr;
  // Inside loops that also hold the capture, the entry of their current
  // iterations: the loops around a capture and the running loops are both
  // chains from the top, so those are the first running loops that list it
  // (body_captures is sorted: PlanVerifier).
  // A branch capture's loops are inside its fork: skip the frames before
  // the fork's body.
  const Value *v = &outputs_[capture];
  const Step *scope = captureScope_[capture];
  bool inScope = scope == nullptr;
  for (const Frame &frame : frames_) {
    if (!inScope) {
      inScope = frame.scope == scope;
      continue;
    }
    if (!frame.loop)
      continue;
    const std::vector<uint32_t> &listed = frame.loop->bodyCaptures;
    if (!std::binary_search(listed.begin(), listed.end(), capture))
      break;
    if (v->kind() != Value::Kind::List || v->list().empty())
      break;
    v = &v->list().back();
  }
  return v;
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
    if (frames_.size() <= base_) {
      state_ = State::Done;
      return;
    }
    Frame &frame = frames_.back();
    Status status;
    if (frame.next < frame.block->steps.size()) {
      status = step(frame.block->steps[frame.next++]);
    } else if (frame.loop) {
      status = nextIteration();
    } else {
      const Step *scope = frame.scope;
      frames_.pop_back();
      if (scope && scope->kind == Step::Kind::Call)
        status = finishCall(*scope);
    }
    if (!status) {
      state_ = State::Failed;
      error_ = status.error().message;
    }
  }
}

Value *ProgramInstance::captureAt(uint32_t c, uint32_t level) {
  Value *v = &outputs_[c];
  for (uint32_t i = 0; i < level; ++i) {
    if (v->kind() != Value::Kind::List || v->list().empty())
      return nullptr;
    v = &v->mutableList().back();
  }
  return v;
}

Status ProgramInstance::setSlot(uint32_t slot, Value value,
                                const Step &writer) {
  if (slot >= slots_.size())
    return at(writer, std::string(plan::stepKindName(writer.kind)) +
                          " writes slot " + std::to_string(slot) +
                          " past the program's " +
                          std::to_string(slots_.size()));
  auto it = std::lower_bound(capturesBySlot_.begin(), capturesBySlot_.end(),
                             std::make_pair(slot, uint32_t{0}));
  for (; it != capturesBySlot_.end() && it->first == slot; ++it) {
    const plan::Capture &capture = program_.captures[it->second];
    Value *entry = captureAt(it->second, capture.depth);
    if (!entry)
      return at(writer, "capture '" + capture.name + "' is made inside " +
                            std::to_string(capture.depth) +
                            " loops, but not inside that many here");
    *entry = value;
  }
  slots_[slot] = std::move(value);
  slotSet_[slot] = 1;
  return Status::ok();
}

Status ProgramInstance::step(const Step &s) {
  switch (s.kind) {
  case Step::Kind::Text:
    conversation_.appendProgramText(s.text);
    return Status::ok();
  case Step::Kind::Append: {
    Expected<Value> value = evaluate(s.expr, *this, s.loc);
    if (!value)
      return value.error();
    // Arguments, captures and computed values are data: never control
    // tokens.
    conversation_.appendArgumentText(toText(*value));
    return Status::ok();
  }
  case Step::Kind::RoleBegin:
    return countRewrites(conversation_.beginMessage(s.role));
  case Step::Kind::RoleEnd:
    return countRewrites(conversation_.endMessage());
  case Step::Kind::Gen:
    if (s.slot >= slots_.size())
      return at(s, "gen writes slot " + std::to_string(s.slot) +
                       " past the program's " + std::to_string(slots_.size()));
    beginGen(s);
    return Status::ok();
  case Step::Kind::Select:
    return beginSelect(s);
  case Step::Kind::If: {
    Expected<bool> cond = evaluateBool(s.expr, *this, s.loc, "if");
    if (!cond)
      return cond.error();
    if (s.blocks.size() != 2)
      return at(s, "if without its two blocks");
    frames_.emplace_back().block = &s.blocks[*cond ? 0 : 1];
    return Status::ok();
  }
  case Step::Kind::ForEach:
  case Step::Kind::ForRange:
    return startLoop(s);
  case Step::Kind::Break:
    breakLoop();
    return Status::ok();
  case Step::Kind::Fork:
    if (s.blocks.size() != 1)
      return at(s, "fork without its body");
    return beginFork(s);
  case Step::Kind::Call:
    if (s.blocks.size() != 1)
      return at(s, "call without its body");
    return beginCall(s);
  }
  return at(s, "unknown step kind");
}

Status ProgramInstance::startLoop(const Step &s) {
  if (s.blocks.size() != 1)
    return at(s, std::string(plan::stepKindName(s.kind)) + " without its body");
  Frame frame;
  frame.block = &s.blocks[0];
  frame.loop = &s;
  // Loops count inside the innermost fork, as its captures' depths do.
  for (const Frame &f : frames_)
    frame.level = f.scope ? 0 : frame.level + (f.loop != nullptr);
  if (s.kind == Step::Kind::ForEach) {
    Expected<Value> list = evaluate(s.expr, *this, s.loc);
    if (!list)
      return list.error();
    // A JSON array (a json_schema gen's output, or a part of one) runs over
    // the values of its items.
    if (list->kind() == Value::Kind::Json && list->json().is_array())
      *list = jsonItemValue(list->json());
    if (list->kind() != Value::Kind::List)
      return makeError(formatLocation(s.expr.loc.line ? s.expr.loc : s.loc) +
                       ": for needs a list to run over, not " +
                       kindName(list->kind()));
    frame.list = list.take();
  } else {
    Expected<Value> from = evaluate(s.expr, *this, s.loc);
    if (!from)
      return from.error();
    Expected<Value> to = evaluate(s.end, *this, s.loc);
    if (!to)
      return to.error();
    if (from->kind() != Value::Kind::Int || to->kind() != Value::Kind::Int)
      return at(s, std::string("range needs two ints, not ") +
                       kindName(from->kind()) + " and " + kindName(to->kind()));
    frame.index = from->integer();
    frame.end = to->integer();
    // The difference of two int64 fits in a uint64.
    const uint64_t count = frame.end > frame.index
                               ? static_cast<uint64_t>(frame.end) -
                                     static_cast<uint64_t>(frame.index)
                               : 0;
    if (count > static_cast<uint64_t>(kMaxLoopIterations))
      return at(s, "range(" + std::to_string(frame.index) + ", " +
                       std::to_string(frame.end) + ") has " +
                       std::to_string(count) + " iterations, more than the " +
                       std::to_string(kMaxLoopIterations) +
                       " a program may run");
  }
  // The loop's list of each capture in its body starts empty.
  for (uint32_t c : s.bodyCaptures) {
    Value *list = c < outputs_.size() ? captureAt(c, frame.level) : nullptr;
    if (!list)
      return at(s, "capture " + std::to_string(c) +
                       " cannot be collected by this loop");
    *list = Value::list({});
  }
  frames_.push_back(std::move(frame));
  return nextIteration();
}

Status ProgramInstance::nextIteration() {
  Frame &frame = frames_.back();
  const Step &loop = *frame.loop;
  const bool more =
      loop.kind == Step::Kind::ForEach
          ? static_cast<uint64_t>(frame.index) < frame.list.list().size()
          : frame.index < frame.end;
  if (!more) {
    frames_.pop_back();
    return Status::ok();
  }
  if (--budget_->iterations < 0)
    return at(loop, "the program ran more than " +
                        std::to_string(kMaxLoopIterations) +
                        " loop iterations");
  // A new entry in each capture's list: null for a capture made directly
  // in this loop, a list for one made in a loop inside it.
  for (uint32_t c : loop.bodyCaptures) {
    Value *list = captureAt(c, frame.level);
    if (!list || list->kind() != Value::Kind::List)
      return at(loop, "capture " + std::to_string(c) +
                          " cannot be collected by this loop");
    list->mutableList().push_back(program_.captures[c].depth == frame.level + 1
                                      ? Value()
                                      : Value::list({}));
  }
  Value element = loop.kind == Step::Kind::ForEach
                      ? frame.list.list()[static_cast<size_t>(frame.index)]
                      : Value::integer(frame.index);
  ++frame.index;
  frame.next = 0;
  return setSlot(loop.slot, std::move(element), loop);
}

void ProgramInstance::breakLoop() {
  // A verified plan has a loop inside the branch's fork to leave.
  while (frames_.size() > base_) {
    const bool loop = frames_.back().loop != nullptr;
    frames_.pop_back();
    if (loop)
      return;
  }
}

Status ProgramInstance::countRewrites(Status status) {
  stats_.templateRewrites = conversation_.rewrites();
  stats_.templateRewrittenTokens = conversation_.rewrittenTokens();
  return status;
}

void ProgramInstance::beginGen(const Step &s) {
  pending_ = &s;
  const plan::GenParams &p = s.gen;
  sampling_ = SamplingParams();
  if (p.temperature)
    sampling_.temperature = *p.temperature;
  if (p.topP)
    sampling_.topP = *p.topP;
  if (p.topK)
    sampling_.topK = *p.topK;
  if (p.minP)
    sampling_.minP = *p.minP;
  if (p.repetitionPenalty)
    sampling_.repetitionPenalty = *p.repetitionPenalty;
  if (p.frequencyPenalty)
    sampling_.frequencyPenalty = *p.frequencyPenalty;
  if (p.presencePenalty)
    sampling_.presencePenalty = *p.presencePenalty;
  // The k-th run of this site: as in a straight-line program the first
  // time, then mixed with k, so that loop iterations sample differently.
  const uint32_t run = genRuns_[s.site]++;
  uint64_t base = p.seed ? *p.seed : mixSeed(options_.seed, s.site);
  if (branchOf_)
    base = mixSeed(base, branchKey_);
  rng_ = Rng(run == 0 ? base : mixSeed(base, run));
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
            ? constraints_->forSite(s.site)
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
  // The penalties' prompt is the whole context; the gen samples at most
  // max_tokens distinct ids of the vocabulary.
  penalties_.start(
      sampling_, *frozen,
      std::min<size_t>(maxTokens_, model_.tokenizer().vocabSize()));
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
  penalties_.addOutput(id);
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
  Value value;
  if (pending_->gen.constraint.kind == plan::GenConstraint::Kind::JsonSchema) {
    // The schema accepted the text, so it is one JSON value; only a number
    // beyond a double's range cannot be held.
    try {
      nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(capture);
      // A typed gen's slot is of the type its schema always gives.
      Expected<Value> typed = genJsonValue(program_.slotTypes[pending_->slot],
                                           capture, std::move(parsed));
      if (!typed) {
        fail(pendingLabel() + typed.error().message + ": " +
             quoted(capture, 80));
        sampled_.clear();
        return;
      }
      value = typed.take();
    } catch (const nlohmann::json::exception &e) {
      fail(pendingLabel() + "its JSON output " + quoted(capture, 80) +
           " cannot be held as a JSON value: " + e.what());
      sampled_.clear();
      return;
    }
  } else {
    value = Value(std::move(capture));
  }
  const Step &gen = *pending_;
  pending_ = nullptr;
  sampled_.clear();
  if (Status s = setSlot(gen.slot, std::move(value), gen); !s) {
    fail(s.error().message);
    return;
  }
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
  const Step &select = *pending_;
  pending_ = nullptr;
  choiceTokens_.clear();
  if (Status s = setSlot(select.slot, Value(select.choices[best]), select);
      !s) {
    fail(s.error().message);
    return;
  }
  state_ = State::Ready;
}

Expected<nlohmann::ordered_json> ProgramInstance::result() const {
  if (state_ == State::Failed)
    return makeError(error_);
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  // A fork's captures are fields of its branch objects, not the program's.
  for (size_t c = 0; c < program_.captures.size(); ++c)
    if (!captureScope_[c])
      out[program_.captures[c].name] = toJson(outputs_[c]);
  return out;
}

} // namespace sgl::runtime

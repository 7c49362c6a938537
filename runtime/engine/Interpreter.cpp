//===- Interpreter.cpp - Runs one plan program on a loaded model ----------===//
#include "runtime/engine/Interpreter.h"

#include "runtime/engine/SequenceContext.h"
#include "runtime/engine/StopMatcher.h"
#include "runtime/sampling/Rng.h"
#include "runtime/sampling/Sampler.h"
#include "runtime/tokenizer/Utf8.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>

namespace sgl::runtime {

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
  }
  return "unknown";
}

int64_t RunStats::gensFinishedBy(FinishReason reason) const {
  return std::count_if(gens.begin(), gens.end(), [&](const GenFinish &gen) {
    return gen.reason == reason;
  });
}

std::string_view apiFinishReason(FinishReason reason) {
  return reason == FinishReason::Eos || reason == FinishReason::StopString
             ? "stop"
             : "length";
}

std::string formatLocation(const plan::SourceLocation &loc) {
  if (loc.file.empty() && loc.line == 0)
    return "<unknown>";
  return loc.file + ":" + std::to_string(loc.line) + ":" +
         std::to_string(loc.col);
}

namespace {

using plan::Step;

/// State of one program run.
class ProgramRun {
public:
  ProgramRun(LoadedModel &model, const plan::Program &program,
             const RunOptions &options, RunStats &stats)
      : model_(model), program_(program), options_(options), stats_(stats),
        ctx_(model.model(), model.tokenizer()) {}

  Expected<nlohmann::ordered_json> run(std::vector<std::string> argValues);

private:
  Status step(const Step &s, size_t index);
  Status roleBegin(const Step &s);
  Status gen(const Step &s, size_t index);
  Status select(const Step &s);
  Error at(const Step &s, const std::string &message) const {
    return makeError(formatLocation(s.loc) + ": " + message);
  }
  Status setSlot(const Step &s, std::string value);
  /// The capture name of a slot, for messages.
  std::string slotName(uint32_t slot) const {
    for (const plan::Capture &c : program_.captures)
      if (c.slot == slot)
        return c.name;
    return "slot " + std::to_string(slot);
  }

  LoadedModel &model_;
  const plan::Program &program_;
  const RunOptions &options_;
  RunStats &stats_;
  SequenceContext ctx_;
  std::vector<std::string> slots_;
  std::optional<plan::Role> openRole_;
  bool begun_ = false;  // the template's begin text was handled
  int64_t decoded_ = 0; // sampled tokens run through the model
};

Expected<nlohmann::ordered_json>
ProgramRun::run(std::vector<std::string> argValues) {
  slots_.assign(std::max<size_t>(program_.numSlots, argValues.size()), "");
  std::move(argValues.begin(), argValues.end(), slots_.begin());

  // Fail before any work when the program needs a template we lack.
  if (!model_.chatTemplate())
    for (const Step &s : program_.steps)
      if (s.kind == Step::Kind::RoleBegin || s.kind == Step::Kind::RoleEnd)
        return makeError("model at '" + model_.dir() +
                         "' has no chat template sglrun knows (supported: " +
                         ChatTemplate::supportedNames() +
                         "); the program uses roles at " +
                         formatLocation(s.loc));

  for (size_t i = 0; i < program_.steps.size(); ++i)
    if (Status s = step(program_.steps[i], i); !s)
      return s.error();

  stats_.promptTokensComputed = ctx_.tokensComputed() - decoded_;
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const plan::Capture &c : program_.captures) {
    if (c.slot >= slots_.size())
      return makeError("capture '" + c.name + "' names slot " +
                       std::to_string(c.slot) + " of " +
                       std::to_string(slots_.size()));
    out[c.name] = slots_[c.slot];
  }
  return out;
}

Status ProgramRun::step(const Step &s, size_t index) {
  switch (s.kind) {
  case Step::Kind::Text:
    ctx_.appendText(s.text);
    return Status::ok();
  case Step::Kind::Append:
    if (s.slot >= slots_.size())
      return at(s, "append of slot " + std::to_string(s.slot) +
                       " past the program's " + std::to_string(slots_.size()));
    ctx_.appendText(slots_[s.slot]);
    return Status::ok();
  case Step::Kind::RoleBegin:
    return roleBegin(s);
  case Step::Kind::RoleEnd:
    ctx_.appendText(model_.chatTemplate()->roleEnd());
    openRole_.reset();
    return Status::ok();
  case Step::Kind::Gen:
    return gen(s, index);
  case Step::Kind::Select:
    return select(s);
  }
  return at(s, "unknown step kind");
}

Status ProgramRun::roleBegin(const Step &s) {
  const ChatTemplate &chat = *model_.chatTemplate();
  // The template's begin text (Llama 3's <|begin_of_text|>) goes first,
  // once, unless the tokenizer's post-processor already adds it as BOS.
  if (!begun_ && ctx_.text().empty() && !chat.beginText().empty()) {
    std::vector<int32_t> begin =
        model_.tokenizer().encode(chat.beginText(), false);
    const std::vector<int32_t> &prefix = ctx_.prefixTokens();
    if (!std::equal(begin.begin(), begin.end(), prefix.begin(), prefix.end()))
      ctx_.appendText(chat.beginText());
  }
  begun_ = true;
  ctx_.appendText(chat.roleBegin(s.role));
  openRole_ = s.role;
  return Status::ok();
}

Status ProgramRun::setSlot(const Step &s, std::string value) {
  if (s.slot >= slots_.size())
    return at(s, std::string(plan::stepKindName(s.kind)) + " writes slot " +
                     std::to_string(s.slot) + " past the program's " +
                     std::to_string(slots_.size()));
  ctx_.appendText(value);
  slots_[s.slot] = std::move(value);
  return Status::ok();
}

Status ProgramRun::gen(const Step &s, size_t index) {
  const plan::GenParams &p = s.gen;
  SamplingParams params;
  if (p.temperature)
    params.temperature = *p.temperature;
  if (p.topP)
    params.topP = *p.topP;
  if (p.topK)
    params.topK = *p.topK;
  Rng rng(p.seed ? *p.seed : mixSeed(options_.seed, index));
  const uint32_t maxTokens = p.maxTokens ? *p.maxTokens : kDefaultMaxTokens;

  std::set<int32_t> stopIds(model_.eosIds().begin(), model_.eosIds().end());
  if (openRole_ == plan::Role::Assistant)
    if (auto eot =
            model_.tokenizer().tokenToId(model_.chatTemplate()->endOfTurn()))
      stopIds.insert(*eot);
  StopMatcher stops(p.stop);

  Expected<std::span<const float>> logits = ctx_.prefill();
  if (!logits)
    return at(s, "gen '" + slotName(s.slot) + "': " + logits.error().message);

  const Tokenizer &tok = model_.tokenizer();
  const auto started = std::chrono::steady_clock::now();
  std::string out;
  GenFinish finish{slotName(s.slot), FinishReason::MaxTokens, 0};
  for (uint32_t n = 0; n < maxTokens; ++n) {
    const int32_t id = sampleToken(*logits, params, rng);
    if (id < 0)
      return at(s, "the model produced no usable logits (NaN)");
    ++stats_.generatedTokens;
    ++finish.tokens;
    if (stopIds.count(id)) {
      finish.reason = FinishReason::Eos;
      break;
    }
    const size_t oldSize = out.size();
    if (!tok.isSpecial(id))
      out += tok.tokenBytes(id);
    if (size_t stop = stops.find(out, oldSize); stop != std::string::npos) {
      out.resize(stop);
      finish.reason = FinishReason::StopString;
      break;
    }
    // Nothing more to decode: max_tokens reached, or the context is full.
    if (n + 1 == maxTokens)
      break;
    if (static_cast<int64_t>(ctx_.cachedTokens().size()) >=
        ctx_.maxPositions()) {
      finish.reason = FinishReason::ContextLimit;
      break;
    }
    logits = ctx_.decode(id);
    ++decoded_;
    if (!logits)
      return at(s, "gen '" + slotName(s.slot) + "': " + logits.error().message);
  }
  stats_.decodeSeconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  stats_.gens.push_back(std::move(finish));
  return setSlot(s, sanitizeUtf8(out));
}

Status ProgramRun::select(const Step &s) {
  if (s.choices.empty())
    return at(s, "select has no choices");
  size_t best = 0;
  double bestScore = 0.0;
  for (size_t i = 0; i < s.choices.size(); ++i) {
    Expected<ContinuationScore> score = ctx_.scoreContinuation(s.choices[i]);
    if (!score)
      return at(s,
                "select '" + slotName(s.slot) + "': " + score.error().message);
    if (i == 0 || score->normalized() > bestScore) {
      best = i;
      bestScore = score->normalized();
    }
  }
  return setSlot(s, s.choices[best]);
}

} // namespace

Expected<nlohmann::ordered_json> Interpreter::run(const plan::Program &program,
                                                  const ProgramArgs &args,
                                                  const RunOptions &options) {
  stats_ = RunStats();
  Expected<std::vector<std::string>> values = bindProgramArgs(program, args);
  if (!values)
    return values.error();
  ProgramRun run(model_, program, options, stats_);
  return run.run(values.take());
}

} // namespace sgl::runtime

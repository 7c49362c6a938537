//===- JsonSchemaFuzzer.cpp - Fuzz compiling JSON Schemas -----------------===//
//
// `gen(json_schema: ...)` schemas come from programs and API requests: any
// bytes must compile into a grammar or give a one-line error naming a JSON
// pointer ("/...: ..."), never a crash, a hang or a grammar that breaks the
// engine's promises. Under small limits, so one input takes milliseconds.
// When the schema compiles:
//
//   rules        every rule's DFA has its dead state 0, and the root's
//                shortest match is finite
//   texts        random walks through the grammar's stacks, steered to end,
//                spell texts that Grammar::matches and Constraint::check
//                accept, that are valid JSON, and whose length is at least
//                the shortest match; every strict prefix is viable (check
//                points past it) and accepting() agrees with check()
//
//===----------------------------------------------------------------------===//

#include "runtime/constraints/GrammarFrames.h"
#include "runtime/constraints/JsonSchema.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace sgl::runtime::constraints;
using sgl::Expected;

namespace {

constexpr size_t kMaxInputBytes = 8192;
constexpr int kNumTexts = 8;
constexpr size_t kMaxTextBytes = 2048;

JsonSchemaOptions fuzzOptions() {
  JsonSchemaOptions options;
  options.maxDepth = 16;
  options.maxEnumValues = 256;
  options.maxCompileSeconds = 2.0;
  options.automaton.maxRepeatCount = 100;
  options.automaton.maxNfaStates = 20'000;
  options.automaton.maxDfaStates = 2000;
  options.automaton.maxSubsetVisits = 200'000;
  options.automaton.maxGrammarRules = 200;
  options.automaton.maxGrammarStates = 20'000;
  return options;
}

std::string_view currentSchema;

[[noreturn]] void fail(const char *what, std::string_view detail = {}) {
  std::fprintf(stderr, "JsonSchemaFuzzer: %s\n  schema: %.*s\n  detail: %.*s\n",
               what, static_cast<int>(currentSchema.size()),
               currentSchema.data(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

/// A random text of the grammar: random live bytes, biased towards those
/// that bring acceptance nearer as the text grows; empty when it ran long.
std::string randomText(const Grammar &grammar, std::mt19937_64 &rng) {
  FrameArena arena;
  FrameStepper stepper(grammar, arena);
  std::vector<Frame> frames = stepper.initial(), closed, next;
  std::string text;
  while (text.size() < kMaxTextBytes) {
    bool accepting = stepper.accepting(frames);
    if (accepting && rng() % 8 == 0)
      return text;
    uint32_t left = stepper.shortest(frames);
    stepper.closure(frames, closed);
    std::vector<uint8_t> live, nearer;
    for (int b = 0; b < 256; ++b) {
      stepper.stepClosed(closed, static_cast<uint8_t>(b), next);
      if (next.empty())
        continue;
      live.push_back(static_cast<uint8_t>(b));
      if (stepper.shortest(next) < left)
        nearer.push_back(static_cast<uint8_t>(b));
    }
    if (live.empty()) {
      if (!accepting)
        fail("a live text with no byte to follow", text);
      return text;
    }
    // Past 64 bytes, head for acceptance more and more often.
    bool hurry =
        !nearer.empty() && rng() % 256 < std::min<size_t>(text.size() * 2, 240);
    const std::vector<uint8_t> &pool = hurry ? nearer : live;
    uint8_t byte = pool[rng() % pool.size()];
    text.push_back(static_cast<char>(byte));
    stepper.step(frames, byte);
    if (frames.empty())
      fail("a live byte killed every stack", text);
  }
  return {};
}

void checkText(const Constraint &constraint, std::string_view text) {
  if (!constraint.grammar().matches(text))
    fail("Grammar::matches refuses a walked text", text);
  if (!constraint.check(text).accepted)
    fail("check refuses a walked text", text);
  if (text.size() < constraint.shortestBytes())
    fail("a text shorter than the shortest match", text);
  if (!nlohmann::json::accept(text))
    fail("an accepted text is not JSON", text);
  for (size_t cut = 0; cut < text.size(); ++cut) {
    ConstraintCheck prefix = constraint.check(text.substr(0, cut));
    if (!prefix.accepted && prefix.errorOffset != cut)
      fail("a prefix of an accepted text is not viable", text.substr(0, cut));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxInputBytes)
    return 0;
  std::string_view schema(reinterpret_cast<const char *>(data), size);
  currentSchema = schema;
  Expected<std::shared_ptr<Constraint>> constraint =
      compileJsonSchema(schema, fuzzOptions());
  if (!constraint) {
    const std::string &message = constraint.error().message;
    if (message.empty() || message.front() != '/' ||
        message.find(": ") == std::string::npos ||
        message.find('\n') != std::string::npos)
      fail("an error without a JSON pointer", message);
    return 0;
  }
  const Grammar &grammar = (*constraint)->grammar();
  for (int32_t r = 0; r < grammar.numRules(); ++r) {
    const ByteDfa &dfa = grammar.rule(r).dfa;
    for (int b = 0; b < 256; ++b)
      if (dfa.step(ByteDfa::kDead, static_cast<uint8_t>(b)) != ByteDfa::kDead)
        fail("a rule's dead state steps out");
  }
  if ((*constraint)->shortestBytes() == ByteDfa::kNever)
    fail("a compiled schema with no instance");
  std::mt19937_64 rng(std::hash<std::string_view>{}(schema));
  for (int i = 0; i < kNumTexts; ++i) {
    std::string text = randomText(grammar, rng);
    if (!text.empty() || grammar.matches(""))
      checkText(**constraint, text);
  }
  return 0;
}

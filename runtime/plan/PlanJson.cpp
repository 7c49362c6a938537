//===- PlanJson.cpp - Readable JSON rendering of a plan -------------------===//
//
// Built with nlohmann::ordered_json so keys keep insertion order. Floats are
// printed by their shortest decimal form ("0.7", not "0.699999988").
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/PlanJson.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace sgl::runtime::plan {
namespace {

using Json = nlohmann::ordered_json;

/// The double whose shortest decimal form equals that of `value`, so JSON
/// shows the number the author wrote. Non-finite values become strings,
/// which plain JSON cannot hold as numbers.
Json floatToJson(float value) {
  if (!std::isfinite(value))
    return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf) - 1, value);
  if (ec != std::errc())
    return static_cast<double>(value);
  *end = '\0';
  return std::strtod(buf, nullptr);
}

std::string locToString(const SourceLocation &loc) {
  std::string out = loc.file.empty() ? std::string("<input>") : loc.file;
  return out + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

Json stepToJson(const Step &step) {
  Json out;
  out["op"] = stepKindName(step.kind);
  switch (step.kind) {
  case Step::Kind::Text:
    out["text"] = step.text;
    break;
  case Step::Kind::Append:
    out["slot"] = step.slot;
    break;
  case Step::Kind::RoleBegin:
  case Step::Kind::RoleEnd:
    out["role"] = roleName(step.role);
    break;
  case Step::Kind::Gen: {
    out["slot"] = step.slot;
    const GenParams &gen = step.gen;
    if (gen.maxTokens)
      out["max_tokens"] = *gen.maxTokens;
    if (!gen.stop.empty())
      out["stop"] = gen.stop;
    if (gen.temperature)
      out["temperature"] = floatToJson(*gen.temperature);
    if (gen.topP)
      out["top_p"] = floatToJson(*gen.topP);
    if (gen.topK)
      out["top_k"] = *gen.topK;
    if (gen.seed)
      out["seed"] = *gen.seed;
    if (gen.constraint.kind != GenConstraint::Kind::None)
      out[constraintKindName(gen.constraint.kind)] = gen.constraint.text;
    break;
  }
  case Step::Kind::Select:
    out["slot"] = step.slot;
    out["choices"] = step.choices;
    break;
  }
  if (step.loc.line != 0)
    out["loc"] = locToString(step.loc);
  return out;
}

Json programToJson(const Program &program) {
  Json out;
  out["name"] = program.name;
  out["args"] = Json::array();
  for (const std::string &arg : program.args)
    out["args"].push_back(arg);
  out["num_slots"] = program.numSlots;
  out["steps"] = Json::array();
  for (const Step &step : program.steps)
    out["steps"].push_back(stepToJson(step));
  out["captures"] = Json::array();
  for (const Capture &capture : program.captures) {
    Json c;
    c["name"] = capture.name;
    c["slot"] = capture.slot;
    out["captures"].push_back(std::move(c));
  }
  return out;
}

} // namespace

std::string planToJson(const Plan &plan) {
  Json out;
  out["format"] = "sgl-plan";
  out["version"] = std::to_string(plan.majorVersion) + "." +
                   std::to_string(plan.minorVersion);
  out["producer"] = plan.producer;
  out["programs"] = Json::array();
  for (const Program &program : plan.programs)
    out["programs"].push_back(programToJson(program));
  // Plans may hold arbitrary bytes in strings (e.g. a hand-made file); show
  // invalid UTF-8 as U+FFFD instead of throwing.
  return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

} // namespace sgl::runtime::plan

//===- PlanJson.cpp - Readable JSON rendering of a plan -------------------===//
//
// Built with nlohmann::ordered_json so keys keep insertion order, then
// printed by printPretty. Floats are printed by their shortest decimal form
// ("0.7", not "0.699999988"). Recursive over blocks and expressions, as
// deep as a verified plan (Plan.h's limits).
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/PlanJson.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

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

/// A non-finite number as a string ("inf"), which JSON cannot hold as a
/// number; finite ones as themselves (printed in their shortest form).
Json numberToJson(double value) {
  if (!std::isfinite(value))
    return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
  return value;
}

Json typeToJson(const ValueType &type) { return typeName(type); }

/// A literal as the JSON value it stands for; a number always shows a
/// fraction or an exponent ("2.0"), so it reads apart from an int. A
/// non-finite number (which the verifier refuses) reads {"number": "inf"}.
Json literalToJson(const Literal &literal) {
  switch (literal.kind) {
  case ValueType::Kind::Str:
    return literal.str;
  case ValueType::Kind::Int:
    return literal.integer;
  case ValueType::Kind::Number:
    if (!std::isfinite(literal.number))
      return Json{{"number", numberToJson(literal.number)}};
    return literal.number;
  case ValueType::Kind::Bool:
    return literal.boolean;
  case ValueType::Kind::List:
  case ValueType::Kind::Json:
    break;
  }
  return Json{{"literal", static_cast<unsigned>(literal.kind)}};
}

Json exprToJson(const Expr &expr) {
  if (expr.kind == Expr::Kind::Literal)
    return literalToJson(expr.literal);
  Json out;
  if (expr.kind == Expr::Kind::Slot || expr.kind == Expr::Kind::Output) {
    out[exprKindName(expr.kind)] = expr.slot;
  } else {
    Json operands = Json::array();
    for (const Expr &operand : expr.operands)
      operands.push_back(exprToJson(operand));
    out[exprKindName(expr.kind)] = std::move(operands);
  }
  if (expr.loc.line != 0)
    out["loc"] = locToString(expr.loc);
  return out;
}

Json blockToJson(const Block &block);

Json stepToJson(const Step &step) {
  Json out;
  out["op"] = stepKindName(step.kind);
  switch (step.kind) {
  case Step::Kind::Text:
    out["text"] = step.text;
    break;
  case Step::Kind::Append:
    out["value"] = exprToJson(step.expr);
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
    if (gen.minP)
      out["min_p"] = floatToJson(*gen.minP);
    if (gen.repetitionPenalty)
      out["repetition_penalty"] = floatToJson(*gen.repetitionPenalty);
    if (gen.frequencyPenalty)
      out["frequency_penalty"] = floatToJson(*gen.frequencyPenalty);
    if (gen.presencePenalty)
      out["presence_penalty"] = floatToJson(*gen.presencePenalty);
    if (gen.constraint.kind != GenConstraint::Kind::None)
      out[constraintKindName(gen.constraint.kind)] = gen.constraint.text;
    break;
  }
  case Step::Kind::Select:
    out["slot"] = step.slot;
    out["choices"] = step.choices;
    if (step.selectMethod != SelectMethod::Normalized)
      out["method"] = selectMethodName(step.selectMethod);
    break;
  case Step::Kind::If:
    out["cond"] = exprToJson(step.expr);
    if (step.blocks.size() > 0)
      out["then"] = blockToJson(step.blocks[0]);
    if (step.blocks.size() > 1 && !step.blocks[1].steps.empty())
      out["else"] = blockToJson(step.blocks[1]);
    break;
  case Step::Kind::ForEach:
  case Step::Kind::ForRange:
    out["slot"] = step.slot;
    if (step.kind == Step::Kind::ForEach) {
      out["list"] = exprToJson(step.expr);
    } else {
      out["from"] = exprToJson(step.expr);
      out["to"] = exprToJson(step.end);
    }
    if (!step.bodyCaptures.empty())
      out["captures"] = step.bodyCaptures;
    if (!step.blocks.empty())
      out["body"] = blockToJson(step.blocks[0]);
    break;
  case Step::Kind::Break:
    break;
  case Step::Kind::Fork:
    out["slot"] = step.slot;
    out["index_slot"] = step.branchSlot;
    out["count"] = exprToJson(step.expr);
    if (!step.bodyCaptures.empty())
      out["captures"] = step.bodyCaptures;
    if (!step.blocks.empty())
      out["body"] = blockToJson(step.blocks[0]);
    break;
  case Step::Kind::Call:
    out["slot"] = step.slot;
    out["arg_slot"] = step.branchSlot;
    out["args"] = exprToJson(step.expr);
    if (!step.bodyCaptures.empty())
      out["captures"] = step.bodyCaptures;
    if (!step.blocks.empty())
      out["body"] = blockToJson(step.blocks[0]);
    break;
  }
  if (step.loc.line != 0)
    out["loc"] = locToString(step.loc);
  return out;
}

Json blockToJson(const Block &block) {
  Json out = Json::array();
  for (const Step &step : block.steps)
    out.push_back(stepToJson(step));
  return out;
}

Json programToJson(const Program &program) {
  Json out;
  out["name"] = program.name;
  out["args"] = Json::array();
  for (const Arg &arg : program.args) {
    Json a;
    a["name"] = arg.name;
    a["type"] = typeToJson(arg.type);
    if (arg.defaultValue)
      a["default"] = exprToJson(*arg.defaultValue);
    out["args"].push_back(std::move(a));
  }
  out["num_slots"] = program.numSlots;
  out["slot_types"] = Json::array();
  for (const ValueType &type : program.slotTypes)
    out["slot_types"].push_back(typeToJson(type));
  out["steps"] = blockToJson(program.body);
  out["captures"] = Json::array();
  for (const Capture &capture : program.captures) {
    Json c;
    c["name"] = capture.name;
    c["slot"] = capture.slot;
    if (capture.depth != 0)
      c["depth"] = capture.depth;
    out["captures"].push_back(std::move(c));
  }
  return out;
}

/// The keys whose values are expressions: printed on one line.
bool isExprKey(std::string_view key) {
  return key == "value" || key == "cond" || key == "list" || key == "from" ||
         key == "to" || key == "default";
}

std::string dumpCompact(const Json &json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

/// nlohmann's pretty form (2-space indents), except that an expression, the
/// value of one of isExprKey's keys, takes one line.
void printPretty(const Json &json, size_t indent, std::string &out) {
  const bool object = json.is_object();
  if ((!object && !json.is_array()) || json.empty()) {
    out += dumpCompact(json);
    return;
  }
  out += object ? "{\n" : "[\n";
  bool first = true;
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (!first)
      out += ",\n";
    first = false;
    out.append(indent + 2, ' ');
    if (object) {
      out += dumpCompact(Json(it.key()));
      out += ": ";
      if (isExprKey(it.key())) {
        out += dumpCompact(*it);
        continue;
      }
    }
    printPretty(*it, indent + 2, out);
  }
  out += '\n';
  out.append(indent, ' ');
  out += object ? '}' : ']';
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
  std::string text;
  printPretty(out, 0, text);
  return text + "\n";
}

} // namespace sgl::runtime::plan

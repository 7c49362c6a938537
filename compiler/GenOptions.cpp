//===- GenOptions.cpp - Validation of `gen` options -----------------------===//

#include "compiler/GenOptions.h"

#include <map>

namespace sgl::compiler {

namespace {

enum class OptionType { PositiveInt, NonNegativeInt, Temperature, Probability, StopList };

struct OptionSpec {
  const char *name;
  OptionType type;
};

constexpr OptionSpec kOptions[] = {
    {"max_tokens", OptionType::PositiveInt},  {"stop", OptionType::StopList},
    {"temperature", OptionType::Temperature}, {"top_p", OptionType::Probability},
    {"top_k", OptionType::NonNegativeInt},    {"seed", OptionType::NonNegativeInt},
};

const OptionSpec *findOption(const std::string &name) {
  for (const OptionSpec &spec : kOptions)
    if (name == spec.name)
      return &spec;
  return nullptr;
}

void typeError(DiagnosticEngine &diags, const GenOption &option, const char *expected) {
  diags.error(option.value.range, "option '" + option.name + "' expects " + expected +
                                      ", found " + option.value.kindName());
}

/// Numbers accept integer literals too: `temperature: 0` means 0.0.
bool asNumber(const OptionValue &value, double &number) {
  if (value.kind == OptionValue::Kind::Float)
    number = value.number;
  else if (value.kind == OptionValue::Kind::Integer)
    number = static_cast<double>(value.integer);
  else
    return false;
  return true;
}

/// Stop strings are matched against generated text, so they must be known
/// at compile time and non-empty.
bool checkStopString(const StringLiteral &literal, DiagnosticEngine &diags) {
  if (!literal.isConstant()) {
    diags.error(literal.range, "stop strings must be constant; interpolation is not allowed");
    return false;
  }
  if (literal.constantText().empty()) {
    diags.error(literal.range, "stop string must not be empty");
    return false;
  }
  return true;
}

void checkOption(const GenOption &option, const OptionSpec &spec, GenParams &params,
                 DiagnosticEngine &diags) {
  const OptionValue &value = option.value;
  switch (spec.type) {
  case OptionType::PositiveInt:
    if (value.kind != OptionValue::Kind::Integer)
      return typeError(diags, option, "an integer");
    if (value.integer <= 0 || value.integer > (int64_t{1} << 31))
      return diags.error(value.range, "option '" + option.name +
                                          "' must be between 1 and 2147483648");
    params.maxTokens = value.integer;
    return;
  case OptionType::NonNegativeInt:
    if (value.kind != OptionValue::Kind::Integer)
      return typeError(diags, option, "an integer");
    if (value.integer < 0)
      return diags.error(value.range, "option '" + option.name + "' must not be negative");
    (option.name == "seed" ? params.seed : params.topK) = value.integer;
    return;
  case OptionType::Temperature: {
    double number;
    if (!asNumber(value, number))
      return typeError(diags, option, "a number");
    if (number < 0)
      return diags.error(value.range, "option 'temperature' must not be negative");
    params.temperature = number;
    return;
  }
  case OptionType::Probability: {
    double number;
    if (!asNumber(value, number))
      return typeError(diags, option, "a number");
    if (number <= 0 || number > 1)
      return diags.error(value.range, "option '" + option.name + "' must be in (0, 1]");
    params.topP = number;
    return;
  }
  case OptionType::StopList:
    if (value.kind == OptionValue::Kind::String) {
      if (checkStopString(value.string, diags))
        params.stop.push_back(value.string.constantText());
      return;
    }
    if (value.kind != OptionValue::Kind::StringList)
      return typeError(diags, option, "a string or a list of strings");
    if (value.list.empty())
      return diags.error(value.range, "option 'stop' needs at least one string");
    for (const StringLiteral &literal : value.list)
      if (checkStopString(literal, diags))
        params.stop.push_back(literal.constantText());
    return;
  }
}

} // namespace

const char *genOptionNames() { return "max_tokens, stop, temperature, top_p, top_k, seed"; }

void checkGenOptions(GenStmt &gen, DiagnosticEngine &diags) {
  std::map<std::string, const GenOption *> seen;
  for (const GenOption &option : gen.options) {
    const OptionSpec *spec = findOption(option.name);
    if (!spec) {
      diags.error(option.nameRange, "unknown gen option '" + option.name +
                                        "'; expected one of " + genOptionNames());
      continue;
    }
    auto [it, inserted] = seen.emplace(option.name, &option);
    if (!inserted) {
      diags.error(option.nameRange, "duplicate gen option '" + option.name + "'");
      diags.note(it->second->nameRange, "previous value is here");
      continue;
    }
    if (!option.value.invalid)
      checkOption(option, *spec, gen.params, diags);
  }
}

} // namespace sgl::compiler

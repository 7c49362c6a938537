//===- GenOptions.cpp - Validation of `gen` options -----------------------===//

#include "compiler/GenOptions.h"
#include "compiler/GenConstraintCheck.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>

namespace sgl::compiler {

namespace {

/// How an option's value is checked. Every range is that of the field the
/// plan stores it in (runtime/plan/Plan.fbs), so a checked value survives
/// the narrowing on the way there unchanged: a value that only breaks
/// after narrowing is reported here, at the literal.
enum class OptionType {
  Integer,
  Temperature,
  Probability,
  /// A 32-bit float in a range (min_p, the penalties).
  Number,
  StopList,
  Constraint
};

struct OptionSpec {
  const char *name;
  OptionType type;
  /// Constraint options: which constraint.
  GenConstraint::Kind constraint = GenConstraint::Kind::None;
  /// Integer options: the accepted range and the GenParams field.
  int64_t min = 0;
  int64_t max = 0;
  std::optional<int64_t> GenParams::*field = nullptr;
  /// Number options: the range [low, high], (low, high] when lowOpen, as
  /// messages write it, and the GenParams field.
  double low = 0;
  double high = 0;
  bool lowOpen = false;
  const char *range = nullptr;
  std::optional<double> GenParams::*number = nullptr;
};

constexpr int64_t kMaxU32 = std::numeric_limits<uint32_t>::max();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

constexpr OptionSpec kOptions[] = {
    {"max_tokens", OptionType::Integer, GenConstraint::Kind::None, 1,
     int64_t{1} << 31, &GenParams::maxTokens},
    {"stop", OptionType::StopList},
    {"temperature", OptionType::Temperature},
    {"top_p", OptionType::Probability},
    // uint32 in the plan.
    {"top_k", OptionType::Integer, GenConstraint::Kind::None, 0, kMaxU32,
     &GenParams::topK},
    // vLLM's ranges (vllm/sampling_params.py, SamplingParams._verify_args).
    {.name = "min_p",
     .type = OptionType::Number,
     .low = 0,
     .high = 1,
     .range = "in [0, 1]",
     .number = &GenParams::minP},
    {.name = "repetition_penalty",
     .type = OptionType::Number,
     .low = 0,
     .high = kInfinity,
     .lowOpen = true,
     .range = "greater than 0",
     .number = &GenParams::repetitionPenalty},
    {.name = "frequency_penalty",
     .type = OptionType::Number,
     .low = -2,
     .high = 2,
     .range = "in [-2, 2]",
     .number = &GenParams::frequencyPenalty},
    {.name = "presence_penalty",
     .type = OptionType::Number,
     .low = -2,
     .high = 2,
     .range = "in [-2, 2]",
     .number = &GenParams::presencePenalty},
    // uint64 in the plan; integer literals stop at INT64_MAX.
    {"seed", OptionType::Integer, GenConstraint::Kind::None, 0,
     std::numeric_limits<int64_t>::max(), &GenParams::seed},
    {"regex", OptionType::Constraint, GenConstraint::Kind::Regex},
    {"json_schema", OptionType::Constraint, GenConstraint::Kind::JsonSchema},
};

const OptionSpec *findOption(const std::string &name) {
  for (const OptionSpec &spec : kOptions)
    if (name == spec.name)
      return &spec;
  return nullptr;
}

void typeError(DiagnosticEngine &diags, const GenOption &option,
               const char *expected) {
  diags.error(option.value.range, "option '" + option.name + "' expects " +
                                      expected + ", found " +
                                      option.value.kindName());
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

/// Checks a value the plan stores as a 32-bit float: finite, and finite
/// still after narrowing.
bool checkFloat32(const GenOption &option, double number,
                  DiagnosticEngine &diags) {
  if (!std::isfinite(number)) {
    diags.error(option.value.range,
                "option '" + option.name + "' must be a finite number");
    return false;
  }
  if (!std::isfinite(static_cast<float>(number))) {
    diags.error(
        option.value.range,
        "option '" + option.name +
            "' is too large: it is stored as a 32-bit float, whose largest "
            "value is about 3.4e38");
    return false;
  }
  return true;
}

/// Whether `number` is in the range of `spec`.
bool inRange(const OptionSpec &spec, double number) {
  return (spec.lowOpen ? number > spec.low : number >= spec.low) &&
         number <= spec.high;
}

void checkNumber(const GenOption &option, const OptionSpec &spec,
                 GenParams &params, DiagnosticEngine &diags) {
  double number;
  if (!asNumber(option.value, number))
    return typeError(diags, option, "a number");
  if (!inRange(spec, number))
    return diags.error(option.value.range,
                       "option '" + option.name + "' must be " + spec.range);
  if (!checkFloat32(option, number, diags))
    return;
  // The bounds are floats, so narrowing can only take a value out of range
  // by rounding it onto an open bound: a tiny penalty onto 0.
  if (!inRange(spec, static_cast<float>(number)))
    return diags.error(option.value.range,
                       "option '" + option.name + "' must be " + spec.range +
                           "; it is stored as a 32-bit float, in which this "
                           "value is 0");
  // -0 is 0.
  params.*spec.number = number == 0 ? 0.0 : number;
}

void checkInteger(const GenOption &option, const OptionSpec &spec,
                  GenParams &params, DiagnosticEngine &diags) {
  const OptionValue &value = option.value;
  if (value.kind != OptionValue::Kind::Integer)
    return typeError(diags, option, "an integer");
  if (value.integer < 0 && spec.min == 0)
    return diags.error(value.range,
                       "option '" + option.name + "' must not be negative");
  if (value.integer < spec.min || value.integer > spec.max)
    return diags.error(value.range, "option '" + option.name +
                                        "' must be between " +
                                        std::to_string(spec.min) + " and " +
                                        std::to_string(spec.max));
  params.*spec.field = value.integer;
}

/// Stop strings are matched against generated text, so they must be known
/// at compile time and non-empty.
bool checkStopString(const StringLiteral &literal, DiagnosticEngine &diags) {
  if (!literal.isConstant()) {
    diags.error(literal.range,
                "stop strings must be constant; interpolation is not allowed");
    return false;
  }
  if (literal.constantText().empty()) {
    diags.error(literal.range, "stop string must not be empty");
    return false;
  }
  return true;
}

void checkOption(const GenOption &option, const OptionSpec &spec,
                 GenParams &params, DiagnosticEngine &diags) {
  const OptionValue &value = option.value;
  switch (spec.type) {
  case OptionType::Integer:
    return checkInteger(option, spec, params, diags);
  case OptionType::Number:
    return checkNumber(option, spec, params, diags);
  case OptionType::Temperature: {
    double number;
    if (!asNumber(value, number))
      return typeError(diags, option, "a number");
    if (number < 0)
      return diags.error(value.range,
                         "option 'temperature' must not be negative");
    if (!checkFloat32(option, number, diags))
      return;
    params.temperature = number;
    return;
  }
  case OptionType::Probability: {
    double number;
    if (!asNumber(value, number))
      return typeError(diags, option, "a number");
    if (!(number > 0 && number <= 1))
      return diags.error(value.range,
                         "option '" + option.name + "' must be in (0, 1]");
    if (!(static_cast<float>(number) > 0))
      return diags.error(value.range,
                         "option '" + option.name +
                             "' must be in (0, 1]; it is stored as a 32-bit "
                             "float, in which this value is 0");
    params.topP = number;
    return;
  }
  case OptionType::Constraint:
    if (value.kind != OptionValue::Kind::String)
      return typeError(diags, option, "a string");
    if (!value.string.isConstant())
      return diags.error(value.range,
                         "option '" + option.name +
                             "' must be constant; interpolation is not "
                             "allowed (write '{{' for a literal brace)");
    params.constraint.kind = spec.constraint;
    params.constraint.text = value.string.constantText();
    params.constraint.valueRange = value.range;
    return;
  case OptionType::StopList:
    if (value.kind == OptionValue::Kind::String) {
      if (checkStopString(value.string, diags))
        params.stop.push_back(value.string.constantText());
      return;
    }
    if (value.kind != OptionValue::Kind::StringList)
      return typeError(diags, option, "a string or a list of strings");
    if (value.list.empty())
      return diags.error(value.range,
                         "option 'stop' needs at least one string");
    for (const StringLiteral &literal : value.list)
      if (checkStopString(literal, diags))
        params.stop.push_back(literal.constantText());
    return;
  }
}

} // namespace

const char *genOptionNames() {
  return "max_tokens, stop, temperature, top_p, top_k, min_p, "
         "repetition_penalty, frequency_penalty, presence_penalty, seed, "
         "regex, "
         "json_schema";
}

void checkGenOptions(GenStmt &gen, DiagnosticEngine &diags) {
  std::map<std::string, const GenOption *> seen;
  const GenOption *constraint = nullptr;
  for (const GenOption &option : gen.options) {
    const OptionSpec *spec = findOption(option.name);
    if (!spec) {
      diags.error(option.nameRange,
                  "unknown gen option " + quoteSource(option.name) +
                      "; expected one of " + genOptionNames());
      continue;
    }
    auto [it, inserted] = seen.emplace(option.name, &option);
    if (!inserted) {
      diags.error(option.nameRange,
                  "duplicate gen option '" + option.name + "'");
      diags.note(it->second->nameRange, "previous value is here");
      continue;
    }
    if (spec->type == OptionType::Constraint) {
      if (gen.params.constraint.fromType) {
        diags.error(option.nameRange,
                    "gen " + quoteSource(gen.name) +
                        " has a type, which is its constraint; it takes no '" +
                        option.name + "'");
        diags.note(gen.params.constraint.valueRange, "the type is here");
        continue;
      }
      if (constraint) {
        diags.error(option.nameRange,
                    "gen " + quoteSource(gen.name) + " has two constraints, '" +
                        constraint->name + "' and '" + option.name +
                        "'; a gen takes at most one");
        diags.note(constraint->nameRange, "the first one is here");
        continue;
      }
      constraint = &option;
    }
    if (!option.value.invalid)
      checkOption(option, *spec, gen.params, diags);
  }
  checkGenConstraint(gen, diags);
}

} // namespace sgl::compiler

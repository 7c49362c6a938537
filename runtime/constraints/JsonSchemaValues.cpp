//===- JsonSchemaValues.cpp - enum / const values of a schema -------------===//
//
// An enum (or const) allows a finite set of values; each is spelled as
// json.dumps writes it, with the layout's gaps in arrays and objects (keys
// in the value's order). Values that other keywords of the same schema
// refuse are left out; so are values that cannot be checked against them
// (an unsupported keyword), which refuses valid ones rather than accepting
// invalid ones.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/JsonSchemaCompiler.h"

#include "runtime/constraints/JsonStringRegex.h"
#include "runtime/constraints/PythonJson.h"

#include <algorithm>
#include <cmath>

namespace sgl::runtime::constraints {

namespace {

/// Nesting of the value check through arrays, objects and branches.
constexpr uint32_t kMaxCheckDepth = 16;

uint8_t typeOf(const Json &value) {
  switch (value.type()) {
  case Json::value_t::null:
    return kNullType;
  case Json::value_t::boolean:
    return kBooleanType;
  case Json::value_t::number_integer:
  case Json::value_t::number_unsigned:
    return kIntegerType;
  case Json::value_t::number_float: {
    double d = value.get<double>();
    return std::isfinite(d) && std::floor(d) == d ? kIntegerType
                                                  : kFractionType;
  }
  case Json::value_t::string:
    return kStringType;
  case Json::value_t::array:
    return kArrayType;
  case Json::value_t::object:
    return kObjectType;
  default:
    return 0;
  }
}

/// Folds a verdict of one keyword into the running one.
void combine(Verdict &verdict, Verdict part) {
  if (part == Verdict::Invalid)
    verdict = Verdict::Invalid;
  else if (part == Verdict::Unknown && verdict == Verdict::Valid)
    verdict = Verdict::Unknown;
}

} // namespace

RegexNode SchemaCompiler::spellValue(const Json &value) const {
  auto list = [&](std::vector<RegexNode> items, const char *open,
                  const char *close) {
    std::vector<RegexNode> parts{literalText(open), layout_.gap()};
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0)
        parts.push_back(layout_.separator(','));
      parts.push_back(std::move(items[i]));
    }
    if (!items.empty())
      parts.push_back(layout_.gap());
    parts.push_back(literalText(close));
    return RegexNode::concat(std::move(parts), 0);
  };
  if (value.is_string())
    return jsonStringLiteral(value.get_ref<const std::string &>());
  if (value.is_array()) {
    std::vector<RegexNode> items;
    for (const Json &item : value)
      items.push_back(spellValue(item));
    return list(std::move(items), "[", "]");
  }
  if (value.is_object()) {
    std::vector<RegexNode> members;
    for (const auto &[key, item] : value.items())
      members.push_back(RegexNode::concat(
          {jsonStringLiteral(key), layout_.separator(':'), spellValue(item)},
          0));
    return list(std::move(members), "{", "}");
  }
  if (value.is_number()) {
    // Equal numbers are one value: 1 and 1.0 both, where exact.
    long double v = *numberValue(value);
    std::vector<RegexNode> ways;
    if (std::floor(v) == v && std::fabs(v) < 1.8446744073709552e19L)
      ways.push_back(
          literalText(v < 0 ? "-" + std::to_string(static_cast<uint64_t>(-v))
                            : std::to_string(static_cast<uint64_t>(v))));
    double d = static_cast<double>(v);
    if (static_cast<long double>(d) == v)
      ways.push_back(literalText(pythonFloatRepr(d)));
    if (v == 0)
      ways.push_back(literalText("-0.0"));
    return RegexNode::alternate(std::move(ways), 0);
  }
  return literalText(dumpLikePython(value));
}

Expected<RegexNode> SchemaCompiler::emitValues(const SchemaFacts &facts) {
  std::vector<RegexNode> ways;
  for (const Json *value : *facts.values) {
    Expected<Verdict> verdict = check(*value, facts, 0);
    if (!verdict)
      return verdict.error();
    if (*verdict == Verdict::Valid)
      ways.push_back(spellValue(*value));
  }
  if (ways.empty())
    return nothing();
  return RegexNode::alternate(std::move(ways), 0);
}

Expected<Verdict> SchemaCompiler::check(const Json &value,
                                        const SchemaFacts &facts,
                                        uint32_t depth) {
  if (depth > kMaxCheckDepth)
    return Verdict::Unknown;
  uint8_t type = typeOf(value);
  if (!(type & facts.types))
    return Verdict::Invalid;
  if (facts.values &&
      std::none_of(facts.values->begin(), facts.values->end(),
                   [&](const Json *v) { return jsonEqual(*v, value); }))
    return Verdict::Invalid;
  for (const Json *v : facts.excludedValues)
    if (jsonEqual(*v, value))
      return Verdict::Invalid;
  Verdict verdict = Verdict::Valid;
  for (const SchemaFacts::Unsupported &u : facts.unsupported)
    if (u.types & type)
      verdict = Verdict::Unknown;

  if (type == kStringType) {
    const std::string &text = value.get_ref<const std::string &>();
    size_t length = codePointCount(text);
    if (length < facts.minLength || length > facts.maxLength)
      return Verdict::Invalid;
    for (const SchemaFacts::Text &pattern : facts.patterns) {
      Expected<bool> hit = patternMatches(pattern.text, pattern.pointer, text);
      combine(verdict, !hit ? Verdict::Unknown
                            : (*hit ? Verdict::Valid : Verdict::Invalid));
    }
    for (const SchemaFacts::Text &format : facts.formats) {
      Expected<bool> hit = formatMatches(format.text, format.pointer, text);
      combine(verdict, !hit ? Verdict::Unknown
                            : (*hit ? Verdict::Valid : Verdict::Invalid));
    }
  } else if (type & kNumberType) {
    long double v = *numberValue(value);
    if (facts.lower && (v < facts.lower->value ||
                        (v == facts.lower->value && facts.lower->exclusive)))
      return Verdict::Invalid;
    if (facts.upper && (v > facts.upper->value ||
                        (v == facts.upper->value && facts.upper->exclusive)))
      return Verdict::Invalid;
    if (facts.integral && type != kIntegerType)
      return Verdict::Invalid;
  } else if (type == kArrayType) {
    if (value.size() < facts.minItems || value.size() > facts.maxItems)
      return Verdict::Invalid;
    if (!facts.uniqueItemsPointer.empty())
      for (size_t i = 0; i < value.size(); ++i)
        for (size_t j = i + 1; j < value.size(); ++j)
          if (jsonEqual(value[i], value[j]))
            return Verdict::Invalid;
    if (!facts.arrayNodes.empty())
      combine(verdict, Verdict::Unknown); // item schemas: not followed
  } else if (type == kObjectType) {
    for (const std::string &name : facts.required)
      if (!value.contains(name))
        return Verdict::Invalid;
    for (const std::string &name : facts.forbidden)
      if (value.contains(name))
        return Verdict::Invalid;
    for (const auto &[name, member] : value.items()) {
      Expected<std::vector<int32_t>> seeds = memberSeeds(facts, name);
      if (!seeds)
        return Verdict::Unknown;
      Expected<SchemaFacts> memberFacts = gatherer_.gather(*seeds);
      if (!memberFacts)
        return Verdict::Unknown;
      if (!memberFacts->groups.empty()) {
        combine(verdict, Verdict::Unknown);
        continue;
      }
      Expected<Verdict> part = check(member, *memberFacts, depth + 1);
      if (!part)
        return part;
      combine(verdict, *part);
    }
  }
  return verdict;
}

} // namespace sgl::runtime::constraints

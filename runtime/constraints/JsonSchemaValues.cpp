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

/// The types `value` has: `integralFloat` (integralFloatTypes) for a float
/// of integral value, which some drafts call an integer and others not.
uint8_t typeOf(const Json &value, uint8_t integralFloat) {
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
    return std::isfinite(d) && std::floor(d) == d ? integralFloat
                                                  : uint8_t{kFractionType};
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

/// Equality as Python's == sees JSON values (what `enum` compares with):
/// like jsonEqual, except that below the top true == 1 and false == 0.
bool pythonEqual(const Json &a, const Json &b, bool top) {
  auto number = [&](const Json &v) -> std::optional<long double> {
    if (!top && v.is_boolean())
      return v.get<bool>() ? 1 : 0;
    return numberValue(v);
  };
  std::optional<long double> x = number(a), y = number(b);
  if (x || y)
    return x && y && *x == *y;
  if (a.type() != b.type())
    return false;
  if (a.is_object()) {
    if (a.size() != b.size())
      return false;
    for (const auto &[key, item] : a.items()) {
      auto other = b.find(key);
      if (other == b.end() || !pythonEqual(item, *other, false))
        return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size())
      return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!pythonEqual(a[i], b[i], false))
        return false;
    return true;
  }
  return a == b;
}

/// Whether `value` equals one of `values`: Valid when as jsonEqual says
/// (so under const and enum both), Unknown when only as Python's == says
/// (enum yes, const no), Invalid when neither.
Verdict amongValues(const Json &value,
                    const std::vector<const Json *> &values) {
  Verdict found = Verdict::Invalid;
  for (const Json *v : values) {
    if (jsonEqual(*v, value))
      return Verdict::Valid;
    if (pythonEqual(*v, value, true))
      found = Verdict::Unknown;
  }
  return found;
}

/// Whether Python's re.search(pattern, text) finds a match, where that is
/// sure without Python: for "^literal$" with no metacharacter in between,
/// which matches the literal, and the literal with a newline after it.
std::optional<bool> literalPatternMatches(std::string_view pattern,
                                          std::string_view text) {
  if (pattern.size() < 2 || pattern.front() != '^' || pattern.back() != '$')
    return std::nullopt;
  std::string_view literal = pattern.substr(1, pattern.size() - 2);
  if (literal.find_first_of("\\^$.|?*+()[]{}") != std::string_view::npos)
    return std::nullopt;
  return text == literal || (text.size() == literal.size() + 1 &&
                             text.starts_with(literal) && text.back() == '\n');
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
    // Equal numbers are one value: 1 and 1.0 both, where exact. Where
    // draft 3 / 4 may apply, 1.0 is no integer and 1 no float: each number
    // keeps the kind it has (typeOf), which check() judged.
    long double v = *numberValue(value);
    bool anyKind = !(gatherer_.drafts() & kDraft3Or4);
    bool isFloat = value.is_number_float();
    std::vector<RegexNode> ways;
    if ((anyKind || !isFloat) && std::floor(v) == v &&
        std::fabs(v) < 1.8446744073709552e19L) {
      std::string digits = std::to_string(static_cast<uint64_t>(std::fabs(v)));
      if (v < 0)
        digits.insert(digits.begin(), '-');
      ways.push_back(literalText(digits));
    }
    double d = static_cast<double>(v);
    if ((anyKind || isFloat) && static_cast<long double>(d) == v)
      ways.push_back(literalText(pythonFloatRepr(d)));
    if ((anyKind || isFloat) && v == 0)
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
  uint8_t type = typeOf(value, integralFloatTypes(gatherer_.drafts()));
  // What the facts refuse, the validator does, unless they are stricter.
  const Verdict invalid =
      (facts.stricterTypes & type) ? Verdict::Unknown : Verdict::Invalid;
  if (!(type & facts.types))
    return invalid;
  Verdict verdict = Verdict::Valid;
  if (type & ~facts.types) // a type some draft gives it is refused
    verdict = Verdict::Unknown;
  if (facts.values) {
    Verdict among = amongValues(value, *facts.values);
    if (among == Verdict::Invalid)
      return invalid;
    combine(verdict, among);
  }
  for (const Json *v : facts.excludedValues) {
    if (jsonEqual(*v, value))
      return invalid;
    if (pythonEqual(*v, value, true)) // equal to enum, not to const
      combine(verdict, Verdict::Unknown);
  }
  for (const SchemaFacts::Unsupported &u : facts.unsupported)
    if (u.types & type)
      verdict = Verdict::Unknown;
  if (!facts.groups.empty()) // anyOf / oneOf: not followed
    combine(verdict, Verdict::Unknown);

  if (type == kStringType) {
    const std::string &text = value.get_ref<const std::string &>();
    size_t length = codePointCount(text);
    if (length < facts.minLength || length > facts.maxLength)
      return invalid;
    // Our pattern and format languages are subsets of what Python's re and
    // FormatChecker accept: a string outside them may still be valid.
    for (const SchemaFacts::Text &pattern : facts.patterns) {
      if (literalPatternMatches(pattern.text, text) == false)
        return invalid;
      Expected<bool> hit = patternMatches(pattern.text, pattern.pointer, text);
      if (!hit || !*hit)
        combine(verdict, Verdict::Unknown);
    }
    for (const SchemaFacts::Text &format : facts.formats) {
      Expected<bool> hit = formatMatches(format.text, format.pointer, text);
      if (!hit || !*hit)
        combine(verdict, Verdict::Unknown);
    }
  } else if (type & kNumberType) {
    long double v = *numberValue(value);
    if (facts.lower && (v < facts.lower->value ||
                        (v == facts.lower->value && facts.lower->exclusive)))
      return invalid;
    if (facts.upper && (v > facts.upper->value ||
                        (v == facts.upper->value && facts.upper->exclusive)))
      return invalid;
    if (facts.integral && std::floor(v) != v) // multipleOf 1: by value
      return invalid;
  } else if (type == kArrayType) {
    if (value.size() < facts.minItems || value.size() > facts.maxItems)
      return invalid;
    if (!facts.uniqueItemsPointer.empty())
      for (size_t i = 0; i < value.size(); ++i)
        for (size_t j = i + 1; j < value.size(); ++j)
          if (jsonEqual(value[i], value[j]))
            return invalid;
    if (!facts.arrayNodes.empty())
      combine(verdict, Verdict::Unknown); // item schemas: not followed
  } else if (type == kObjectType) {
    if (value.size() < facts.minProperties ||
        value.size() > facts.maxProperties)
      return invalid;
    for (const std::string &name : facts.required)
      if (!value.contains(name))
        return invalid;
    for (const std::string &name : facts.forbidden)
      if (value.contains(name))
        return invalid;
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

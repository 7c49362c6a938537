//===- JsonSchemaFacts.cpp - What schemas together ask of a value ---------===//
//
// Keywords fall in four kinds:
//   - annotations and structure, skipped: title, description, $comment,
//     default, examples, example, deprecated, readOnly, writeOnly, $schema,
//     $id, id, $anchor, $dynamicAnchor, $recursiveAnchor, $vocabulary,
//     $defs, definitions, contentMediaType, contentEncoding, contentSchema
//     (content* assert nothing by default), and every keyword no draft
//     defines (x-..., vendor extensions);
//   - applicators followed here: $ref, allOf, anyOf / oneOf (left open);
//   - assertions folded into the facts;
//   - the rest, recorded as unsupported for the types they constrain.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/JsonSchemaFacts.h"

#include "runtime/constraints/JsonSchemaNegation.h"

#include "runtime/support/MessageText.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace sgl::runtime::constraints {

namespace {

constexpr std::array<std::string_view, 22> kAnnotations = {"title",
                                                           "description",
                                                           "$comment",
                                                           "default",
                                                           "examples",
                                                           "example",
                                                           "deprecated",
                                                           "readOnly",
                                                           "writeOnly",
                                                           "$schema",
                                                           "$id",
                                                           "id",
                                                           "$anchor",
                                                           "$dynamicAnchor",
                                                           "$recursiveAnchor",
                                                           "$vocabulary",
                                                           "$defs",
                                                           "definitions",
                                                           "contentMediaType",
                                                           "contentEncoding",
                                                           "contentSchema",
                                                           "$ref"};

/// Every keyword some draft gives a meaning that constrains instances.
constexpr std::array<std::string_view, 44> kAssertions = {
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "format",
    "items",
    "prefixItems",
    "additionalItems",
    "maxItems",
    "minItems",
    "uniqueItems",
    "contains",
    "maxContains",
    "minContains",
    "unevaluatedItems",
    "properties",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "unevaluatedProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "$dynamicRef",
    "$recursiveRef",
    "disallow",
    "extends"};

bool isAssertion(std::string_view name) {
  return std::find(kAssertions.begin(), kAssertions.end(), name) !=
             kAssertions.end() ||
         name == "divisibleBy";
}

/// The type bits of a type name, 0 for an unknown one.
uint8_t typeBits(std::string_view name) {
  if (name == "null")
    return kNullType;
  if (name == "boolean")
    return kBooleanType;
  if (name == "integer")
    return kIntegerType;
  if (name == "number")
    return kNumberType;
  if (name == "string")
    return kStringType;
  if (name == "array")
    return kArrayType;
  if (name == "object")
    return kObjectType;
  if (name == "any")
    return kAnyType;
  return 0;
}

/// A count keyword's value (non-negative integer, 1.0 allowed), clamped to
/// kNoLimit.
std::optional<uint64_t> countValue(const Json &value) {
  std::optional<long double> number = numberValue(value);
  if (!number || *number < 0 || std::floor(*number) != *number)
    return std::nullopt;
  if (*number >= 18446744073709551615.0L)
    return kNoLimit;
  return static_cast<uint64_t>(*number);
}

bool isEmptySchema(const Json &value) {
  if (value.is_boolean())
    return value.get<bool>();
  if (!value.is_object())
    return false;
  for (const auto &[name, item] : value.items())
    if (isAssertion(name))
      return false;
  return true;
}

void tighten(std::optional<NumberBound> &bound, NumberBound candidate,
             bool lower) {
  if (!bound) {
    bound = candidate;
    return;
  }
  bool tighter =
      lower ? candidate.value > bound->value : candidate.value < bound->value;
  if (tighter || (candidate.value == bound->value && candidate.exclusive))
    bound = candidate;
}

void addUnique(std::vector<std::string> &names, const std::string &name) {
  if (std::find(names.begin(), names.end(), name) == names.end())
    names.push_back(name);
}

/// Whether Python takes `value` for true.
bool truthy(const Json &value) {
  if (value.is_null())
    return false;
  if (value.is_boolean())
    return value.get<bool>();
  if (value.is_number())
    return *numberValue(value) != 0;
  return !value.empty(); // string, array, object
}

/// The drafts validator_for takes a `$schema` of `uri` for. It looks the
/// URI up as urlsplit(uri).geturl() writes it: the scheme lower-cased, an
/// empty fragment or query dropped ("...schema#" is "...schema").
uint8_t draftsOfUri(const std::string &uri) {
  auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  std::string s = uri;
  size_t colon = s.find(':');
  for (size_t i = 0; colon != std::string::npos && i < colon; ++i)
    s[i] = lower(s[i]);
  if (s.ends_with('#'))
    s.pop_back();
  if (s.ends_with('?'))
    s.pop_back();
  static constexpr std::pair<std::string_view, uint8_t> kKnown[] = {
      {"http://json-schema.org/draft-03/schema", kDraft3},
      {"http://json-schema.org/draft-04/schema", kDraft4},
      {"http://json-schema.org/draft-06/schema", kDraft6To2019},
      {"http://json-schema.org/draft-07/schema", kDraft6To2019},
      {"https://json-schema.org/draft/2019-09/schema", kDraft6To2019},
      {"https://json-schema.org/draft/2020-12/schema", kDraft2020}};
  for (const auto &[known, drafts] : kKnown)
    if (s == known)
      return drafts;
  // Unknown: the latest, unless a normalization not copied here (white
  // space or control characters removed, ...) might make it a known one.
  std::string squeezed;
  for (char c : uri)
    if (static_cast<unsigned char>(c) > 0x20)
      squeezed += lower(c);
  return squeezed.find("json-schema.org") != std::string::npos ? kAnyDraft
                                                               : kDraft2020;
}

/// The drafts of every string `$schema` below `json` (also in values that
/// are no schemas, which only adds drafts).
void addNestedDrafts(const Json &json, uint8_t &drafts) {
  if (json.is_object()) {
    for (const auto &[name, item] : json.items()) {
      if (name == "$schema" && item.is_string())
        drafts |= draftsOfUri(item.get_ref<const std::string &>());
      addNestedDrafts(item, drafts);
    }
  } else if (json.is_array()) {
    for (const Json &item : json)
      addNestedDrafts(item, drafts);
  }
}

} // namespace

uint8_t schemaDrafts(const Json &root) {
  uint8_t drafts = kDraft2020;
  if (root.is_object()) {
    if (auto uri = root.find("$schema"); uri != root.end())
      // A non-string one makes validator_for fail: no draft is sure.
      drafts = uri->is_string()
                   ? draftsOfUri(uri->get_ref<const std::string &>())
                   : uint8_t{kAnyDraft};
    addNestedDrafts(root, drafts);
  }
  return drafts;
}

std::optional<long double> numberValue(const Json &value) {
  if (value.is_number_integer() && !value.is_number_unsigned())
    return static_cast<long double>(value.get<int64_t>());
  if (value.is_number_unsigned())
    return static_cast<long double>(value.get<uint64_t>());
  if (value.is_number_float())
    return static_cast<long double>(value.get<double>());
  return std::nullopt;
}

bool jsonEqual(const Json &a, const Json &b) {
  if (a.is_number() && b.is_number())
    return *numberValue(a) == *numberValue(b);
  if (a.type() != b.type())
    return false;
  if (a.is_object()) {
    if (a.size() != b.size())
      return false;
    for (const auto &[key, item] : a.items()) {
      auto other = b.find(key);
      if (other == b.end() || !jsonEqual(item, *other))
        return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size())
      return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!jsonEqual(a[i], b[i]))
        return false;
    return true;
  }
  return a == b;
}

bool saysMoreThanRef(const Json &node) {
  if (!node.is_object())
    return node.is_boolean() && !node.get<bool>();
  for (const auto &[name, item] : node.items())
    if (isAssertion(name))
      return true;
  return false;
}

Expected<int32_t> FactsGatherer::canonical(int32_t node) {
  for (uint32_t hops = 0; hops <= maxDepth_; ++hops) {
    const Json &json = document_.json(node);
    if (!json.is_object() || saysMoreThanRef(json))
      return node;
    auto ref = json.find("$ref");
    if (ref == json.end() || !ref->is_string())
      return node;
    Expected<int32_t> target =
        document_.resolveRef(node, ref->get_ref<const std::string &>());
    if (!target)
      return target;
    node = *target;
  }
  return schemaError(document_.pointer(node),
                     "$ref chain longer than " + std::to_string(maxDepth_));
}

Status FactsGatherer::checkNoLeftRecursion(int32_t node, uint32_t depth) {
  if (cycleState_.size() < size_t(document_.numNodes()))
    cycleState_.resize(document_.numNodes(), kUnvisited);
  if (cycleState_[node] == kAcyclic)
    return Status::ok();
  if (cycleState_[node] == kOnPath)
    return schemaError(document_.pointer(node),
                       "schema refers to itself through $ref / allOf / anyOf "
                       "/ oneOf / not without an enclosing array or object "
                       "(left recursion)");
  if (depth > maxDepth_)
    return schemaError(document_.pointer(node),
                       "$ref / allOf / anyOf / oneOf nest deeper than " +
                           std::to_string(maxDepth_));
  cycleState_[node] = kOnPath;
  const Json &json = document_.json(node);
  std::vector<int32_t> next;
  if (json.is_object()) {
    if (auto ref = json.find("$ref"); ref != json.end() && ref->is_string()) {
      Expected<int32_t> target =
          document_.resolveRef(node, ref->get_ref<const std::string &>());
      if (!target)
        return target.error();
      next.push_back(*target);
    }
    for (const char *applicator : {"allOf", "anyOf", "oneOf"}) {
      auto list = json.find(applicator);
      if (list == json.end() || !list->is_array())
        continue;
      for (size_t i = 0; i < list->size(); ++i)
        next.push_back(document_.child(node, (*list)[i],
                                       "/" + std::string(applicator) + "/" +
                                           std::to_string(i)));
    }
    if (auto n = json.find("not"); n != json.end())
      next.push_back(document_.child(node, *n, "/not"));
  }
  for (int32_t target : next) {
    if (cycleState_.size() < size_t(document_.numNodes()))
      cycleState_.resize(document_.numNodes(), kUnvisited);
    if (Status status = checkNoLeftRecursion(target, depth + 1); !status)
      return status;
  }
  cycleState_[node] = kAcyclic;
  return Status::ok();
}

Expected<SchemaFacts> FactsGatherer::gather(std::span<const int32_t> seeds) {
  SchemaFacts facts;
  std::vector<int32_t> visited;
  for (int32_t seed : seeds)
    if (Status status = expand(seed, 0, facts, visited); !status)
      return status.error();
  // A group is settled when one of its branches (or what a branch that is
  // only a $ref names) is among the expanded schemas.
  std::vector<SchemaFacts::Group> open;
  for (SchemaFacts::Group &group : facts.groups) {
    bool chosen = false;
    for (int32_t branch : group.branches) {
      Expected<int32_t> target = canonical(branch);
      if (!target)
        return target.error();
      auto has = [&](int32_t id) {
        return std::find(visited.begin(), visited.end(), id) != visited.end();
      };
      if (has(branch) || has(*target)) {
        chosen = true;
        if (has(branch))
          facts.key.push_back(branch);
      }
    }
    if (!chosen)
      open.push_back(std::move(group));
  }
  facts.groups = std::move(open);
  std::sort(facts.key.begin(), facts.key.end());
  facts.key.erase(std::unique(facts.key.begin(), facts.key.end()),
                  facts.key.end());
  return facts;
}

Status FactsGatherer::expand(int32_t node, uint32_t depth, SchemaFacts &facts,
                             std::vector<int32_t> &visited) {
  if (std::find(visited.begin(), visited.end(), node) != visited.end())
    return Status::ok();
  if (Status status = checkNoLeftRecursion(node, depth); !status)
    return status;
  visited.push_back(node);
  const Json &json = document_.json(node);
  if (json.is_boolean()) {
    if (!json.get<bool>()) {
      facts.types = 0;
      facts.key.push_back(node);
    }
    return Status::ok();
  }
  if (!json.is_object())
    return schemaError(document_.pointer(node),
                       "a schema must be an object or a boolean, not " +
                           std::string(json.type_name()));
  bool synthetic = document_.isSynthetic(node);
  if (saysMoreThanRef(json) || synthetic)
    facts.key.push_back(node);
  // Before 2019-09 a `$ref` makes its siblings ignored; they hold here.
  // Draft 3 lacks much that holds here (allOf, anyOf, oneOf, not, required
  // lists, minProperties, multipleOf, ...).
  if (!synthetic && saysMoreThanRef(json) &&
      ((drafts_ & kDraft3) ||
       ((drafts_ & (kDraft3Or4 | kDraft6To2019)) && json.contains("$ref"))))
    facts.stricterTypes = kAnyType;
  for (const auto &[name, value] : json.items()) {
    if (synthetic && name.starts_with("$sgl-")) {
      internalKeyword(node, name, value, facts);
      continue;
    }
    if (name == "not") {
      // An instance valid here fails the subschema: expand a schema of
      // conditions that make it fail (JsonSchemaNegation.h).
      int32_t inner = document_.child(node, value, "/not");
      // {"not": {"not": X}} is X (a negation is only a part of "fails
      // X", and a negation of that would not be X).
      if (auto twice = value.is_object() ? value.find("not") : value.end();
          value.is_object() && twice != value.end() &&
          !value.contains("$ref") &&
          std::none_of(value.items().begin(), value.items().end(),
                       [](const auto &item) {
                         return item.key() != "not" && isAssertion(item.key());
                       })) {
        int32_t x = document_.child(inner, *twice, "/not");
        if (Status status = expand(x, depth + 2, facts, visited); !status)
          return status;
        continue;
      }
      std::vector<int32_t> innerSeeds{inner};
      Expected<SchemaFacts> negated = gather(innerSeeds);
      if (!negated)
        return negated.error();
      std::string at = document_.pointer(node) + "/not";
      Expected<Json> negationJson =
          negationOf(*negated, {}, at, *this, document_);
      if (!negationJson)
        return negationJson.error();
      int32_t negation = document_.addSynthetic(negationJson.take(), at);
      if (Status status = expand(negation, depth + 1, facts, visited); !status)
        return status;
      continue;
    }
    if (name == "$ref") {
      if (!value.is_string())
        return schemaError(document_.pointer(node) + "/$ref",
                           "$ref must be a string");
      Expected<int32_t> target =
          document_.resolveRef(node, value.get_ref<const std::string &>());
      if (!target)
        return target.error();
      if (Status status = expand(*target, depth + 1, facts, visited); !status)
        return status;
      continue;
    }
    if (name == "allOf") {
      if (!value.is_array())
        return schemaError(document_.pointer(node) + "/allOf",
                           "allOf must be an array of schemas");
      for (size_t i = 0; i < value.size(); ++i) {
        int32_t member =
            document_.child(node, value[i], "/allOf/" + std::to_string(i));
        if (Status status = expand(member, depth + 1, facts, visited); !status)
          return status;
      }
      continue;
    }
    if (Status status = keyword(node, name, value, facts); !status)
      return status;
  }
  return Status::ok();
}

void FactsGatherer::internalKeyword(int32_t node, const std::string &name,
                                    const Json &value, SchemaFacts &facts) {
  if (name == "$sgl-types") {
    facts.types &= value.get<uint8_t>();
  } else if (name == "$sgl-excluded") {
    for (const Json &item : value)
      facts.excludedValues.push_back(&item);
    facts.excludedPointer = document_.pointer(node);
  } else if (name == "$sgl-forbidden") {
    for (const Json &item : value)
      addUnique(facts.forbidden, item.get<std::string>());
  } else if (name == "$sgl-unsupported") {
    for (const Json &item : value)
      facts.unsupported.push_back(
          {item["types"].get<uint8_t>(),
           makeError(item["message"].get<std::string>())});
  } else if (name == "$sgl-stricter") {
    facts.stricterTypes |= value.get<uint8_t>();
  }
}

Status FactsGatherer::keyword(int32_t node, const std::string &name,
                              const Json &value, SchemaFacts &facts) {
  const Json &schema = document_.json(node);
  std::string at = document_.pointer(node) + "/" + pointerToken(name);
  auto invalid = [&](std::string_view what) {
    return Status(schemaError(at, std::string(what)));
  };
  auto unsupported = [&](uint8_t types, std::string_view why = "") {
    std::string message = "unsupported keyword " + sgl::quoted(name);
    if (!why.empty())
      message += " (" + std::string(why) + ")";
    facts.unsupported.push_back({types, schemaError(at, message)});
    return Status::ok();
  };
  if (std::find(kAnnotations.begin(), kAnnotations.end(), name) !=
          kAnnotations.end() ||
      !isAssertion(name))
    return Status::ok();

  if (name == "type") {
    uint8_t bits = 0;
    auto add = [&](const Json &item) {
      if (!item.is_string())
        return false;
      uint8_t b = typeBits(item.get_ref<const std::string &>());
      bits |= b;
      return b != 0;
    };
    if (value.is_array()) {
      for (const Json &item : value)
        if (!add(item))
          return invalid("unknown type " + sgl::quoted(item.dump()));
    } else if (!add(value)) {
      return invalid("unknown type " + sgl::quoted(value.dump()));
    }
    facts.types &= bits;
    return Status::ok();
  }
  if (name == "enum" || name == "const") {
    std::vector<const Json *> values;
    if (name == "const") {
      values.push_back(&value);
      if ((drafts_ & kDraft3Or4) && !document_.isSynthetic(node))
        facts.stricterTypes = kAnyType; // no keyword there
    } else {
      if (!value.is_array())
        return invalid("enum must be an array");
      if (value.size() > maxEnumValues_)
        return invalid("enum has " + std::to_string(value.size()) +
                       " values, more than the limit of " +
                       std::to_string(maxEnumValues_));
      for (const Json &item : value)
        values.push_back(&item);
    }
    if (!facts.values) {
      facts.values = std::move(values);
      facts.valuesPointer = at;
      return Status::ok();
    }
    std::vector<const Json *> both;
    for (const Json *kept : *facts.values)
      for (const Json *other : values)
        if (jsonEqual(*kept, *other)) {
          both.push_back(kept);
          break;
        }
    facts.values = std::move(both);
    return Status::ok();
  }
  if (name == "minProperties" || name == "maxProperties") {
    std::optional<uint64_t> count = countValue(value);
    if (!count)
      return invalid(name + " must be a non-negative integer");
    if (name == "minProperties")
      facts.minProperties = std::max(facts.minProperties, *count);
    else
      facts.maxProperties = std::min(facts.maxProperties, *count);
    facts.propertiesCountPointer = at;
    return Status::ok();
  }
  if (name == "minLength" || name == "maxLength" || name == "minItems" ||
      name == "maxItems") {
    std::optional<uint64_t> count = countValue(value);
    if (!count)
      return invalid(name + " must be a non-negative integer");
    if (name == "minLength")
      facts.minLength = std::max(facts.minLength, *count);
    else if (name == "maxLength")
      facts.maxLength = std::min(facts.maxLength, *count);
    else if (name == "minItems")
      facts.minItems = std::max(facts.minItems, *count);
    else
      facts.maxItems = std::min(facts.maxItems, *count);
    (name.ends_with("Length") ? facts.lengthPointer : facts.itemsCountPointer) =
        at;
    return Status::ok();
  }
  if (name == "pattern" || name == "format") {
    if (!value.is_string())
      return invalid(name + " must be a string");
    auto &list = name == "pattern" ? facts.patterns : facts.formats;
    const std::string &text = value.get_ref<const std::string &>();
    if (std::none_of(list.begin(), list.end(), [&](const SchemaFacts::Text &t) {
          return t.text == text;
        }))
      list.push_back({text, at});
    return Status::ok();
  }
  if (name == "minimum" || name == "maximum") {
    std::optional<long double> bound = numberValue(value);
    if (!bound)
      return invalid(name + " must be a number");
    // Draft 3 / 4: exclusiveMinimum / exclusiveMaximum beside it makes it
    // exclusive when Python takes it for true (any value). Later drafts
    // and the compiler's own schemas do not read it so.
    auto flag = schema.find(name == "minimum" ? "exclusiveMinimum"
                                              : "exclusiveMaximum");
    bool exclusive = (drafts_ & kDraft3Or4) && !document_.isSynthetic(node) &&
                     flag != schema.end() && truthy(*flag);
    if (exclusive && (drafts_ & ~kDraft3Or4))
      facts.stricterTypes |= kNumberType; // where a later draft reads it
    tighten(name == "minimum" ? facts.lower : facts.upper, {*bound, exclusive},
            name == "minimum");
    return Status::ok();
  }
  if (name == "exclusiveMinimum" || name == "exclusiveMaximum") {
    // A number is a bound (in draft 3 / 4 too, where alone it asserts
    // nothing: stricter). A boolean is draft 4's flag, read with minimum /
    // maximum; later drafts compare with it, true as 1 and false as 0.
    std::optional<long double> bound = numberValue(value);
    if (value.is_boolean()) {
      if (!(drafts_ & ~kDraft3Or4))
        return Status::ok();
      bound = value.get<bool>() ? 1 : 0;
    }
    if (!bound)
      return invalid(name + " must be a number");
    if ((drafts_ & kDraft3Or4) && !document_.isSynthetic(node))
      facts.stricterTypes |= kNumberType; // where draft 3 / 4 reads it
    tighten(name == "exclusiveMinimum" ? facts.lower : facts.upper,
            {*bound, true}, name == "exclusiveMinimum");
    return Status::ok();
  }
  if (name == "multipleOf" || name == "divisibleBy") {
    std::optional<long double> divisor = numberValue(value);
    if (!divisor || *divisor <= 0)
      return invalid(name + " must be a positive number");
    if (*divisor == 1) {
      facts.integral = true;
      // divisibleBy is draft 3's, multipleOf any later one's.
      if (!document_.isSynthetic(node) &&
          (drafts_ & (name == "divisibleBy" ? ~kDraft3 : kDraft3)))
        facts.stricterTypes |= kNumberType;
      return Status::ok();
    }
    return unsupported(kNumberType, "only multipleOf 1 is expressible");
  }
  if (name == "items" || name == "prefixItems" || name == "additionalItems") {
    if (!value.is_object() && !value.is_boolean() && !value.is_array())
      return invalid(name + " must be a schema");
    if (name == "prefixItems" && !value.is_array())
      return invalid("prefixItems must be an array of schemas");
    if (name == "additionalItems" && value.is_array())
      return invalid("additionalItems must be a schema");
    if (std::find(facts.arrayNodes.begin(), facts.arrayNodes.end(), node) ==
        facts.arrayNodes.end())
      facts.arrayNodes.push_back(node);
    return Status::ok();
  }
  if (name == "uniqueItems") {
    if (!value.is_boolean())
      return invalid("uniqueItems must be a boolean");
    if (value.get<bool>())
      facts.uniqueItemsPointer = at;
    return Status::ok();
  }
  if (name == "properties" || name == "additionalProperties" ||
      name == "patternProperties") {
    if (name != "additionalProperties" && !value.is_object())
      return invalid(name + " must be an object of schemas");
    if (std::find(facts.objectNodes.begin(), facts.objectNodes.end(), node) ==
        facts.objectNodes.end())
      facts.objectNodes.push_back(node);
    return Status::ok();
  }
  if (name == "required") {
    if (value.is_boolean()) // draft 3, inside properties: not ours to say
      return unsupported(kAnyType, "draft 3 boolean form");
    if (!value.is_array())
      return invalid("required must be an array of strings");
    for (const Json &item : value) {
      if (!item.is_string())
        return invalid("required must be an array of strings");
      addUnique(facts.required, item.get<std::string>());
    }
    return Status::ok();
  }
  // Vacuous forms of keywords that are otherwise unsupported.
  if ((name == "propertyNames" || name == "unevaluatedProperties" ||
       name == "unevaluatedItems" || name == "contains") &&
      isEmptySchema(value) && name != "contains")
    return Status::ok();
  if ((name == "dependencies" || name == "dependentRequired" ||
       name == "dependentSchemas") &&
      value.is_object() && value.empty())
    return Status::ok();
  if (name == "minContains" && countValue(value) == uint64_t(0))
    return Status::ok();
  if (name == "maxContains" || name == "minContains")
    return schema.contains("contains") ? unsupported(kArrayType) : Status::ok();
  if (name == "then" || name == "else")
    return schema.contains("if") ? unsupported(kAnyType) : Status::ok();
  if (name == "if")
    return schema.contains("then") || schema.contains("else")
               ? unsupported(kAnyType)
               : Status::ok();
  if (name == "contains" || name == "unevaluatedItems")
    return unsupported(kArrayType);
  if (name == "propertyNames" || name == "dependencies" ||
      name == "dependentRequired" || name == "dependentSchemas" ||
      name == "unevaluatedProperties")
    return unsupported(kObjectType);
  // anyOf / oneOf: open groups, chosen by the compiler.
  if (name == "anyOf" || name == "oneOf") {
    if (!value.is_array() || value.empty())
      return invalid(name + " must be a non-empty array of schemas");
    SchemaFacts::Group group{node, name == "oneOf", at, {}};
    for (size_t i = 0; i < value.size(); ++i)
      group.branches.push_back(document_.child(
          node, value[i], "/" + name + "/" + std::to_string(i)));
    facts.groups.push_back(std::move(group));
    return Status::ok();
  }
  return unsupported(kAnyType);
}

} // namespace sgl::runtime::constraints

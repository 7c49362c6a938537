//===- JsonSchemaNegation.cpp - Schemas that a schema's facts fail --------===//
#include "runtime/constraints/JsonSchemaNegation.h"

#include <algorithm>
#include <cmath>

namespace sgl::runtime::constraints {

namespace {

/// A bound's value as JSON: an integer when it is one (within 64 bits).
Json boundJson(long double value) {
  if (std::floor(value) == value && value >= -9223372036854775808.0L &&
      value < 9223372036854775808.0L)
    return static_cast<int64_t>(value);
  return static_cast<double>(value);
}

const char *typeName(uint8_t type) {
  switch (type) {
  case kNullType:
    return "null";
  case kBooleanType:
    return "boolean";
  case kIntegerType:
  case kFractionType:
    return "number";
  case kStringType:
    return "string";
  case kArrayType:
    return "array";
  default:
    return "object";
  }
}

constexpr uint32_t kMaxNegationDepth = 4;

/// Whether `schema` may refuse a value (it is not true, {} or annotations).
bool mayRefuse(const Json &schema) {
  if (schema.is_boolean())
    return !schema.get<bool>();
  return saysMoreThanRef(schema) || schema.contains("$ref");
}

/// The member schemas of object schemas `nodes` that may refuse a value.
size_t memberConditions(const std::vector<int32_t> &nodes,
                        const SchemaDocument &document) {
  size_t count = 0;
  for (int32_t node : nodes) {
    const Json &json = document.json(node);
    for (const char *keyword : {"properties", "patternProperties"})
      if (auto it = json.find(keyword); it != json.end() && it->is_object())
        for (const auto &[name, schema] : it->items())
          count += mayRefuse(schema);
    if (auto it = json.find("additionalProperties"); it != json.end())
      count += mayRefuse(*it);
  }
  return count;
}

/// {"name": n, "schema": s} for a member that `facts` declares and whose
/// schema s's negation says something, or nothing.
Expected<std::optional<Json>> failingMember(const SchemaFacts &facts,
                                            FactsGatherer &gatherer,
                                            SchemaDocument &document,
                                            uint32_t depth) {
  for (int32_t node : facts.objectNodes) {
    const Json &json = document.json(node);
    auto props = json.find("properties");
    if (props == json.end() || !props->is_object())
      continue;
    for (const auto &[name, schema] : props->items()) {
      std::string at =
          document.pointer(node) + "/properties/" + pointerToken(name);
      std::vector<int32_t> seeds{
          document.child(node, schema, "/properties/" + pointerToken(name))};
      Expected<SchemaFacts> memberFacts = gatherer.gather(seeds);
      if (!memberFacts)
        return memberFacts.error();
      Expected<Json> negation =
          negationOf(*memberFacts, {}, at, gatherer, document, depth + 1);
      if (!negation)
        return negation.error();
      // Usable when it refuses nothing it cannot check and allows a value.
      if (negation->contains("$sgl-unsupported"))
        continue;
      if (negation->contains("$sgl-types") &&
          (*negation)["$sgl-types"].get<uint8_t>() == 0)
        continue;
      return std::optional<Json>(Json{{"name", name}, {"schema", *negation}});
    }
  }
  return std::optional<Json>();
}

} // namespace

Expected<Json> negationOf(const SchemaFacts &facts,
                          const std::vector<std::string> &keepRequired,
                          const std::string &pointer, FactsGatherer &gatherer,
                          SchemaDocument &document, uint32_t depth) {
  Json out = Json::object();
  const std::string approximated =
      "a schema approximated here (a keyword some draft lacks or reads "
      "otherwise, or a not / oneOf within)";
  if (facts.stricterTypes != 0 &&
      (facts.types == 0 || !facts.excludedValues.empty() || facts.values)) {
    // The values these facts refuse need not fail the schema.
    out["$sgl-types"] = kAnyType;
    out["$sgl-unsupported"] = Json::array(
        {{{"types", kAnyType},
          {"message", (pointer.empty() ? std::string("/") : pointer) +
                          ": unsupported: the negation (not / oneOf) of " +
                          approximated}}});
    return out;
  }
  // The result is all that fails `facts` only where `facts` say one thing
  // and no anyOf / oneOf is left open; elsewhere it is a part of that
  // (SchemaFacts::stricterTypes), which a proof must not rely on.
  bool onlyValues =
      facts.types == kAnyType && facts.groups.empty() && facts.minLength == 0 &&
      facts.maxLength == kNoLimit && facts.patterns.empty() &&
      facts.formats.empty() && !facts.lower && !facts.upper &&
      !facts.integral && facts.minItems == 0 && facts.maxItems == kNoLimit &&
      facts.arrayNodes.empty() && facts.uniqueItemsPointer.empty() &&
      facts.objectNodes.empty() && facts.required.empty() &&
      facts.forbidden.empty() && facts.minProperties == 0 &&
      facts.maxProperties == kNoLimit && facts.unsupported.empty();
  if (facts.types == 0)
    return out; // nothing is valid under it: everything fails it
  if (!facts.excludedValues.empty()) {
    // It refuses these values, so they fail it.
    Json values = Json::array();
    for (const Json *value : facts.excludedValues)
      values.push_back(*value);
    out["enum"] = std::move(values);
    if (!onlyValues || facts.values)
      out["$sgl-stricter"] = kAnyType;
    return out;
  }
  if (facts.values) {
    Json excluded = Json::array();
    for (const Json *value : *facts.values)
      excluded.push_back(*value);
    out["$sgl-excluded"] = std::move(excluded);
    if (!onlyValues)
      out["$sgl-stricter"] = kAnyType;
    return out;
  }
  uint8_t allowed = static_cast<uint8_t>(kAnyType & ~facts.types);
  Json unsupported = Json::array();
  auto cannot = [&](uint8_t types, const std::string &what) {
    unsupported.push_back(
        {{"types", types},
         {"message", (pointer.empty() ? std::string("/") : pointer) +
                         ": unsupported: the negation (not / oneOf) of " +
                         what}});
    allowed |= types;
  };
  uint8_t opaque = 0; // types whose verdict under `facts` is unknown
  for (const SchemaFacts::Unsupported &u : facts.unsupported)
    opaque |= u.types;
  // Where the facts may be stricter than the validator, failing them
  // need not fail the schema.
  if (uint8_t refused = facts.stricterTypes & ~facts.types)
    cannot(refused, approximated);
  // Types where the result holds part of what fails `facts` only.
  uint8_t inexact = facts.groups.empty() ? 0 : kAnyType;
  if ((facts.types & kNumberType) == kFractionType &&
      (facts.lower || facts.upper || facts.integral))
    inexact |= kNumberType; // fractions are refused below

  for (uint8_t type = 1; type != 0 && type <= kObjectType; type <<= 1) {
    if (!(facts.types & type) || (type == kFractionType))
      continue; // allowed already; fractions go with integers below
    uint8_t bits =
        type == kIntegerType ? uint8_t(facts.types & kNumberType) : type;
    if (facts.stricterTypes & bits) {
      cannot(bits, approximated);
      continue;
    }
    if (opaque & bits) {
      cannot(bits, std::string("a schema with an unsupported keyword for ") +
                       typeName(type) + " values");
      continue;
    }
    // What `facts` say of this type: the one condition written below
    // fails them all only when it is all they say.
    size_t conditions = 0;
    if (type == kStringType)
      conditions = (facts.maxLength != kNoLimit) + (facts.minLength > 0) +
                   facts.patterns.size() + facts.formats.size();
    else if (type == kIntegerType)
      // A bound written for integers alone would refuse the fractions
      // that are allowed freely.
      conditions = bool(facts.upper) + bool(facts.lower) +
                   (facts.integral && (facts.types & kFractionType)) +
                   (bits != kNumberType);
    else if (type == kArrayType)
      conditions = (facts.maxItems != kNoLimit) + (facts.minItems > 0) +
                   !facts.arrayNodes.empty() +
                   !facts.uniqueItemsPointer.empty();
    else if (type == kObjectType)
      conditions = facts.required.size() + (facts.maxProperties != kNoLimit) +
                   (facts.minProperties > 0) + facts.forbidden.size() +
                   memberConditions(facts.objectNodes, document);
    bool failed = false;
    if (type == kStringType) {
      if (facts.maxLength != kNoLimit) {
        out["minLength"] = facts.maxLength + 1;
        failed = true;
      } else if (facts.minLength > 0) {
        out["maxLength"] = facts.minLength - 1;
        failed = true;
      } else if (!facts.patterns.empty() || !facts.formats.empty()) {
        cannot(bits, "a pattern or format");
        continue;
      }
    } else if (type == kIntegerType) {
      if (facts.upper) {
        out[facts.upper->exclusive ? "minimum" : "exclusiveMinimum"] =
            boundJson(facts.upper->value);
        failed = true;
      } else if (facts.lower) {
        out[facts.lower->exclusive ? "maximum" : "exclusiveMaximum"] =
            boundJson(facts.lower->value);
        failed = true;
      } else if (facts.integral && (facts.types & kFractionType)) {
        cannot(bits, "multipleOf");
        continue;
      }
    } else if (type == kArrayType) {
      if (facts.maxItems != kNoLimit) {
        out["minItems"] = facts.maxItems + 1;
        failed = true;
      } else if (facts.minItems > 0) {
        out["maxItems"] = facts.minItems - 1;
        failed = true;
      } else if (!facts.arrayNodes.empty() ||
                 !facts.uniqueItemsPointer.empty()) {
        cannot(bits, "item schemas");
        continue;
      }
    } else if (type == kObjectType) {
      auto missing = std::find_if(
          facts.required.begin(), facts.required.end(),
          [&](const std::string &name) {
            return std::find(keepRequired.begin(), keepRequired.end(), name) ==
                   keepRequired.end();
          });
      if (missing != facts.required.end()) {
        out["$sgl-forbidden"] = Json::array({*missing});
        failed = true;
      } else if (facts.maxProperties != kNoLimit) {
        out["minProperties"] = facts.maxProperties + 1;
        failed = true;
      } else if (facts.minProperties > 0) {
        out["maxProperties"] = facts.minProperties - 1;
        failed = true;
      } else if (!facts.forbidden.empty()) {
        out["required"] = Json::array({facts.forbidden.front()});
        failed = true;
      } else if (depth < kMaxNegationDepth) {
        // A declared member that is there and fails its schema.
        Expected<std::optional<Json>> member =
            failingMember(facts, gatherer, document, depth);
        if (!member)
          return member.error();
        if (*member) {
          out["required"] = Json::array({(**member)["name"]});
          out["properties"] = {
              {(**member)["name"].get<std::string>(), (**member)["schema"]}};
          failed = true;
          // All that fails `facts` when that member is all they say (the
          // one that may refuse, so the one chosen), negated exactly.
          if ((**member)["schema"].contains("$sgl-stricter"))
            conditions = 2;
        }
      }
      if (!failed && (!facts.required.empty() || !facts.objectNodes.empty())) {
        cannot(bits, "an object schema whose required names the other "
                     "side requires too, or whose members' schemas cannot be "
                     "negated");
        continue;
      }
    }
    // Without a condition on this type, all of its values are valid under
    // `facts`: refuse the type.
    if (failed) {
      allowed |= bits;
      if (conditions != 1)
        inexact |= type == kIntegerType ? uint8_t(kNumberType) : type;
    }
  }
  out["$sgl-types"] = allowed;
  if (!unsupported.empty())
    out["$sgl-unsupported"] = std::move(unsupported);
  if (inexact)
    out["$sgl-stricter"] = inexact;
  return out;
}

} // namespace sgl::runtime::constraints

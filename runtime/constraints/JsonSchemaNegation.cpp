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
  if (facts.types == 0)
    return out; // nothing is valid under it: everything fails it
  if (!facts.excludedValues.empty()) {
    // It refuses these values, so they fail it.
    Json values = Json::array();
    for (const Json *value : facts.excludedValues)
      values.push_back(*value);
    out["enum"] = std::move(values);
    return out;
  }
  if (facts.values) {
    Json excluded = Json::array();
    for (const Json *value : *facts.values)
      excluded.push_back(*value);
    out["$sgl-excluded"] = std::move(excluded);
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

  for (uint8_t type = 1; type != 0 && type <= kObjectType; type <<= 1) {
    if (!(facts.types & type) || (type == kFractionType))
      continue; // allowed already; fractions go with integers below
    uint8_t bits =
        type == kIntegerType ? uint8_t(facts.types & kNumberType) : type;
    if (opaque & bits) {
      cannot(bits, std::string("a schema with an unsupported keyword for ") +
                       typeName(type) + " values");
      continue;
    }
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
    if (failed)
      allowed |= bits;
  }
  out["$sgl-types"] = allowed;
  if (!unsupported.empty())
    out["$sgl-unsupported"] = std::move(unsupported);
  return out;
}

} // namespace sgl::runtime::constraints

//===- JsonValues.cpp - JSON a model wrote as program values --------------===//

#include "runtime/engine/JsonValues.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace sgl::runtime {

namespace {

using Json = nlohmann::ordered_json;
using Kind = plan::ValueType::Kind;

/// `json` as a value of `type`, or nullopt when it is not one.
std::optional<Value> typedValue(const plan::ValueType &type, const Json &json) {
  switch (type.kind) {
  case Kind::Str:
    if (json.is_string())
      return Value(json.get<std::string>());
    return std::nullopt;
  case Kind::Int:
    if (json.is_number_unsigned()) {
      if (json.get<uint64_t>() >
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return std::nullopt;
      return Value::integer(json.get<int64_t>());
    }
    if (json.is_number_integer())
      return Value::integer(json.get<int64_t>());
    // JSON Schema's integers are the numbers without a fraction: 109.0 is
    // one too.
    if (json.is_number_float()) {
      const double d = json.get<double>();
      if (std::trunc(d) == d && d >= -0x1p63 && d < 0x1p63)
        return Value::integer(static_cast<int64_t>(d));
    }
    return std::nullopt;
  case Kind::Number:
    if (json.is_number())
      return Value::number(json.get<double>());
    return std::nullopt;
  case Kind::Bool:
    if (json.is_boolean())
      return Value::boolean(json.get<bool>());
    return std::nullopt;
  case Kind::List: {
    if (!json.is_array() || type.element.empty())
      return std::nullopt;
    Value::List items;
    items.reserve(json.size());
    for (const Json &item : json) {
      std::optional<Value> value = typedValue(type.element.front(), item);
      if (!value)
        return std::nullopt;
      items.push_back(std::move(*value));
    }
    return Value::list(std::move(items));
  }
  case Kind::Json:
    return Value::json(json.dump(), json);
  }
  return std::nullopt;
}

} // namespace

Value jsonItemValue(const Json &json) {
  switch (json.type()) {
  case Json::value_t::string:
    return Value(json.get<std::string>());
  case Json::value_t::number_integer:
    return Value::integer(json.get<int64_t>());
  case Json::value_t::number_unsigned:
    if (json.get<uint64_t>() <=
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return Value::integer(json.get<int64_t>());
    return Value::number(json.get<double>());
  case Json::value_t::number_float:
    return Value::number(json.get<double>());
  case Json::value_t::boolean:
    return Value::boolean(json.get<bool>());
  case Json::value_t::array: {
    Value::List items;
    items.reserve(json.size());
    for (const Json &item : json)
      items.push_back(jsonItemValue(item));
    return Value::list(std::move(items));
  }
  case Json::value_t::object:
    return Value::json(json.dump(), json);
  default:
    return Value();
  }
}

Expected<Value> genJsonValue(const plan::ValueType &type, std::string text,
                             Json json) {
  if (type.kind == Kind::Json)
    return Value::json(std::move(text), std::move(json));
  if (std::optional<Value> value = typedValue(type, json))
    return *value;
  const std::string name = plan::typeName(type);
  return makeError(std::string("its JSON output is not ") +
                   (name == "int" ? "an " : "a ") + name);
}

} // namespace sgl::runtime

//===- Value.cpp - A run-time value of a program --------------------------===//
#include "runtime/engine/Value.h"

#include <nlohmann/json.hpp>

#include <ostream>

namespace sgl::runtime {

struct Value::JsonData {
  std::string text;
  nlohmann::ordered_json value;
};

Value Value::list(List elements) {
  return Value(Data(std::make_shared<List>(std::move(elements))));
}

Value Value::json(std::string text, nlohmann::ordered_json value) {
  return Value(Data(std::make_shared<const JsonData>(
      JsonData{std::move(text), std::move(value)})));
}

const std::string &Value::str() const {
  if (kind() == Kind::Json)
    return std::get<JsonPtr>(data_)->text;
  return std::get<std::string>(data_);
}

Value::List &Value::mutableList() {
  ListPtr &list = std::get<ListPtr>(data_);
  // One scheduler thread runs an instance: the count is exact here.
  if (list.use_count() > 1)
    list = std::make_shared<List>(*list);
  return *list;
}

const nlohmann::ordered_json &Value::json() const {
  return std::get<JsonPtr>(data_)->value;
}

bool operator==(const Value &a, const Value &b) {
  if (a.kind() != b.kind())
    return false;
  switch (a.kind()) {
  case Value::Kind::Null:
    return true;
  case Value::Kind::Str:
  case Value::Kind::Json:
    return a.str() == b.str();
  case Value::Kind::Int:
    return a.integer() == b.integer();
  case Value::Kind::Number:
    return a.number() == b.number();
  case Value::Kind::Bool:
    return a.boolean() == b.boolean();
  case Value::Kind::List:
    return a.list() == b.list();
  }
  return false;
}

const char *kindName(Value::Kind kind) {
  switch (kind) {
  case Value::Kind::Null:
    return "null";
  case Value::Kind::Str:
    return "str";
  case Value::Kind::Int:
    return "int";
  case Value::Kind::Number:
    return "number";
  case Value::Kind::Bool:
    return "bool";
  case Value::Kind::List:
    return "list";
  case Value::Kind::Json:
    return "json";
  }
  return "?";
}

namespace {

using Json = nlohmann::ordered_json;

std::string dumpJson(const Json &json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

/// An element of a list as JSON text: strings quoted and escaped.
void appendElement(const Value &value, std::string &out) {
  switch (value.kind()) {
  case Value::Kind::Str:
    out += dumpJson(Json(value.str()));
    return;
  case Value::Kind::List: {
    out += '[';
    bool first = true;
    for (const Value &element : value.list()) {
      if (!first)
        out += ", ";
      first = false;
      appendElement(element, out);
    }
    out += ']';
    return;
  }
  default:
    appendText(value, out);
    return;
  }
}

} // namespace

void appendText(const Value &value, std::string &out) {
  switch (value.kind()) {
  case Value::Kind::Null:
    out += "null";
    return;
  case Value::Kind::Str:
  case Value::Kind::Json:
    out += value.str();
    return;
  case Value::Kind::Int:
    out += std::to_string(value.integer());
    return;
  case Value::Kind::Number:
    // nlohmann writes the shortest form that reads back as the same double,
    // with ".0" on an integral value.
    out += dumpJson(Json(value.number()));
    return;
  case Value::Kind::Bool:
    out += value.boolean() ? "true" : "false";
    return;
  case Value::Kind::List:
    appendElement(value, out);
    return;
  }
}

std::string toText(const Value &value) {
  std::string out;
  appendText(value, out);
  return out;
}

Json toJson(const Value &value) {
  switch (value.kind()) {
  case Value::Kind::Null:
    return nullptr;
  case Value::Kind::Str:
    return value.str();
  case Value::Kind::Int:
    return value.integer();
  case Value::Kind::Number:
    return value.number();
  case Value::Kind::Bool:
    return value.boolean();
  case Value::Kind::List: {
    Json out = Json::array();
    for (const Value &element : value.list())
      out.push_back(toJson(element));
    return out;
  }
  case Value::Kind::Json:
    return value.json();
  }
  return nullptr;
}

std::ostream &operator<<(std::ostream &os, const Value &value) {
  os << kindName(value.kind()) << ' ';
  if (value.kind() == Value::Kind::Str)
    return os << dumpJson(Json(value.str()));
  return os << toText(value);
}

} // namespace sgl::runtime

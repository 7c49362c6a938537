//===- ProgramArgs.cpp - A program's typed arguments ----------------------===//
#include "runtime/engine/ProgramArgs.h"

#include "runtime/engine/ExprEval.h"
#include "runtime/support/MessageText.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace sgl::runtime {

namespace {

using json = nlohmann::json;
using plan::ValueType;

constexpr const char kArgumentKinds[] =
    " (an argument is a string, a number, a boolean or an array)";

/// Accepts exactly one object whose values are strings, numbers, booleans
/// or arrays of them. Any other event stops the parse with `error` set.
class ArgsHandler : public nlohmann::json_sax<json> {
public:
  ProgramArgs args;
  std::string error;

  bool start_object(std::size_t) override {
    if (!started_) {
      started_ = true;
      return true;
    }
    return refuse("cannot be an object");
  }
  bool end_object() override { return true; }
  bool key(string_t &name) override {
    if (!seen_.insert(name).second)
      return fail("--args gives '" + abbreviate(name, 80) + "' twice");
    key_ = name;
    return true;
  }
  bool string(string_t &value) override {
    if (!started_)
      return notAnObject("string");
    return push(Value(std::move(value)));
  }
  bool null() override {
    if (!started_)
      return notAnObject("null");
    return refuse(lists_.empty() ? "cannot be null" : "cannot hold a null");
  }
  bool boolean(bool value) override {
    if (!started_)
      return notAnObject("boolean");
    return push(Value::boolean(value));
  }
  bool number_integer(number_integer_t value) override {
    if (!started_)
      return notAnObject("number");
    return push(Value::integer(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (!started_)
      return notAnObject("number");
    // Beyond int64 only a number can hold it (approximately).
    if (value >
        static_cast<number_unsigned_t>(std::numeric_limits<int64_t>::max()))
      return push(Value::number(static_cast<double>(value)));
    return push(Value::integer(static_cast<int64_t>(value)));
  }
  bool number_float(number_float_t value, const string_t &) override {
    if (!started_)
      return notAnObject("number");
    if (!std::isfinite(value))
      return fail("--args value of '" + abbreviate(key_, 80) +
                  "' is a number out of range");
    return push(Value::number(value));
  }
  bool binary(binary_t &) override { return refuse("cannot be binary"); }
  bool start_array(std::size_t) override {
    if (!started_)
      return notAnObject("array");
    if (lists_.size() >= static_cast<size_t>(kMaxArgNesting))
      return fail("--args value of '" + abbreviate(key_, 80) +
                  "' nests arrays deeper than " +
                  std::to_string(kMaxArgNesting) + " levels");
    lists_.emplace_back();
    return true;
  }
  bool end_array() override {
    Value::List list = std::move(lists_.back());
    lists_.pop_back();
    return push(Value::list(std::move(list)));
  }
  bool parse_error(std::size_t, const std::string &,
                   const nlohmann::detail::exception &e) override {
    return fail("--args is not valid JSON: " + std::string(e.what()));
  }

private:
  bool fail(std::string message) {
    if (error.empty())
      error = std::move(message);
    return false;
  }
  bool notAnObject(const char *type) {
    return fail(std::string("--args must be a JSON object, not ") + type);
  }
  bool refuse(const char *what) {
    return fail("--args value of '" + abbreviate(key_, 80) + "' " + what +
                kArgumentKinds);
  }
  bool push(Value value) {
    if (lists_.empty())
      args.emplace_back(key_, std::move(value));
    else
      lists_.back().push_back(std::move(value));
    return true;
  }

  bool started_ = false;
  std::string key_;
  std::vector<Value::List> lists_; // the arrays being read, innermost last
  std::unordered_set<std::string> seen_;
};

/// "'a', 'b', 'c'", or "'a', ..., 'h' and 92 more" past kShownNames.
std::string joinNames(const std::vector<std::string> &names) {
  constexpr size_t kShownNames = 8;
  std::string out;
  for (size_t i = 0; i < names.size() && i < kShownNames; ++i)
    out += (i ? ", '" : "'") + abbreviate(names[i], 80) + "'";
  if (names.size() > kShownNames)
    out += " and " + std::to_string(names.size() - kShownNames) + " more";
  return out;
}

/// "strings", "integers", "arrays of strings": what a JSON array of
/// `type` holds.
std::string jsonPlural(const ValueType &type) {
  switch (type.kind) {
  case ValueType::Kind::Str:
    return "strings";
  case ValueType::Kind::Int:
    return "integers";
  case ValueType::Kind::Number:
    return "numbers";
  case ValueType::Kind::Bool:
    return "booleans";
  case ValueType::Kind::List:
    return "arrays of " + jsonPlural(type.element.front());
  case ValueType::Kind::Json:
    break;
  }
  return "values";
}

/// "an int (a JSON integer in int64)": what an argument of `type` takes.
std::string expected(const ValueType &type) {
  std::string name = plan::typeName(type);
  std::string article = type.kind == ValueType::Kind::Int ? "an " : "a ";
  switch (type.kind) {
  case ValueType::Kind::Str:
    return article + name + " (a JSON string)";
  case ValueType::Kind::Int:
    return article + name + " (a JSON integer in int64)";
  case ValueType::Kind::Number:
    return article + name + " (a JSON number)";
  case ValueType::Kind::Bool:
    return article + name + " (true or false)";
  case ValueType::Kind::List:
    return article + name + " (a JSON array of " +
           jsonPlural(type.element.front()) + ")";
  case ValueType::Kind::Json:
    break;
  }
  return article + name;
}

/// "a string", "an integer": a given value in JSON's words.
const char *given(const Value &value) {
  switch (value.kind()) {
  case Value::Kind::Str:
    return "a string";
  case Value::Kind::Int:
    return "an integer";
  case Value::Kind::Number:
    return "a number";
  case Value::Kind::Bool:
    return "a boolean";
  case Value::Kind::List:
    return "an array";
  case Value::Kind::Null:
  case Value::Kind::Json:
    break;
  }
  return "null";
}

/// `value` as an argument of `type` (an int made a number for a number),
/// or nullopt with `path` naming the element that does not fit ("" for
/// the value itself, "[1][0]" for an element).
std::optional<Value> convert(const Value &value, const ValueType &type,
                             std::string &path) {
  switch (type.kind) {
  case ValueType::Kind::Str:
    if (value.kind() == Value::Kind::Str)
      return value;
    return std::nullopt;
  case ValueType::Kind::Int:
    if (value.kind() == Value::Kind::Int)
      return value;
    return std::nullopt;
  case ValueType::Kind::Number:
    if (value.kind() == Value::Kind::Number)
      return value;
    if (value.kind() == Value::Kind::Int)
      return Value::number(static_cast<double>(value.integer()));
    return std::nullopt;
  case ValueType::Kind::Bool:
    if (value.kind() == Value::Kind::Bool)
      return value;
    return std::nullopt;
  case ValueType::Kind::List: {
    if (value.kind() != Value::Kind::List)
      return std::nullopt;
    const ValueType &element = type.element.front();
    // Lists whose elements need no change are shared, not copied.
    const bool unchanged = element.kind != ValueType::Kind::Number &&
                           element.kind != ValueType::Kind::List;
    Value::List out;
    if (!unchanged)
      out.reserve(value.list().size());
    for (size_t i = 0; i < value.list().size(); ++i) {
      std::optional<Value> e = convert(value.list()[i], element, path);
      if (!e) {
        path = "[" + std::to_string(i) + "]" + path;
        return std::nullopt;
      }
      if (!unchanged)
        out.push_back(std::move(*e));
    }
    return unchanged ? value : Value::list(std::move(out));
  }
  case ValueType::Kind::Json:
    break;
  }
  return std::nullopt;
}

/// The element of `value` at `path` ("[1][0]"), for a message.
const Value &elementAt(const Value &value, std::string_view path) {
  const Value *v = &value;
  while (!path.empty() && v->kind() == Value::Kind::List) {
    const size_t close = path.find(']');
    const size_t i = std::stoul(std::string(path.substr(1, close - 1)));
    v = &v->list()[i];
    path.remove_prefix(close + 1);
  }
  return *v;
}

} // namespace

Expected<ProgramArgs> parseProgramArgsJson(std::string_view text) {
  ArgsHandler handler;
  bool ok = json::sax_parse(text.begin(), text.end(), &handler,
                            json::input_format_t::json, /*strict=*/true);
  if (!ok || !handler.error.empty())
    return makeError(handler.error.empty() ? "--args is not valid JSON"
                                           : handler.error);
  return std::move(handler.args);
}

Value defaultArgValue(const plan::Expr &constant, const ValueType &type) {
  if (type.kind == ValueType::Kind::List) {
    Value::List elements;
    elements.reserve(constant.operands.size());
    for (const plan::Expr &operand : constant.operands)
      elements.push_back(defaultArgValue(operand, type.element.front()));
    return Value::list(std::move(elements));
  }
  Value value = literalValue(constant.literal);
  if (type.kind == ValueType::Kind::Number && value.kind() == Value::Kind::Int)
    return Value::number(static_cast<double>(value.integer()));
  return value;
}

Expected<std::vector<Value>> bindProgramArgs(const plan::Program &program,
                                             const ProgramArgs &args) {
  const std::vector<plan::Arg> &params = program.args;
  std::unordered_map<std::string_view, size_t> slotOf;
  slotOf.reserve(params.size());
  for (size_t i = 0; i < params.size(); ++i)
    slotOf.emplace(params[i].name, i);

  std::vector<const Value *> givenValues(params.size(), nullptr);
  std::vector<std::string> unknown, missing, repeated;
  for (const auto &[name, value] : args) {
    auto slot = slotOf.find(name);
    if (slot == slotOf.end()) {
      unknown.push_back(name);
      continue;
    }
    if (givenValues[slot->second])
      repeated.push_back(name);
    givenValues[slot->second] = &value;
  }
  for (size_t i = 0; i < params.size(); ++i)
    if (!givenValues[i] && !params[i].defaultValue)
      missing.push_back(params[i].name);
  const std::string programName =
      "program '" + abbreviate(program.name, 80) + "'";
  if (!unknown.empty() || !missing.empty() || !repeated.empty()) {
    std::vector<std::string> names;
    names.reserve(params.size());
    for (const plan::Arg &param : params)
      names.push_back(param.name);
    std::string takes = params.empty() ? "it takes no arguments"
                                       : "it takes " + joinNames(names);
    std::string problem;
    if (!missing.empty())
      problem = "missing argument" +
                std::string(missing.size() > 1 ? "s " : " ") +
                joinNames(missing);
    if (!unknown.empty())
      problem += (problem.empty() ? "" : "; ") +
                 std::string("unknown argument") +
                 (unknown.size() > 1 ? "s " : " ") + joinNames(unknown);
    if (!repeated.empty())
      problem += (problem.empty() ? "" : "; ") +
                 std::string("argument given twice: ") + joinNames(repeated);
    return makeError(problem + " for " + programName + " (" + takes + ")");
  }

  std::vector<Value> values;
  values.reserve(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const plan::Arg &param = params[i];
    if (!givenValues[i]) {
      values.push_back(defaultArgValue(*param.defaultValue, param.type));
      continue;
    }
    std::string path;
    std::optional<Value> value = convert(*givenValues[i], param.type, path);
    if (!value) {
      const std::string head = "argument '" + abbreviate(param.name, 80) +
                               "' of " + programName + " must be " +
                               expected(param.type);
      if (path.empty())
        return makeError(head + ", not " + given(*givenValues[i]));
      const std::string element = path.find('[', 1) == std::string::npos
                                      ? path.substr(1, path.size() - 2)
                                      : path;
      return makeError(head + ", but its element " + element + " is " +
                       given(elementAt(*givenValues[i], path)));
    }
    values.push_back(std::move(*value));
  }
  return values;
}

} // namespace sgl::runtime

//===- Value.h - A run-time value of a program ------------------*- C++ -*-===//
//
// What arguments, slots, expressions and captures hold while a program runs:
// a str, int, number, bool or list (plan::ValueType), the JSON value a
// json_schema gen wrote, or null (a capture never reached, the entry of a
// loop iteration that did not reach it).
//
// Lists are shared: copying a Value copies a pointer, so reading a long
// list argument in every iteration of a loop costs nothing; a list is
// copied only when one of its holders changes it (mutableList). A json
// value keeps the exact text the model wrote beside the parsed value, so
// appending it to the context appends what the model saw.
//
// Light to include: the JSON library is only forward-declared.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_VALUE_H
#define SGL_RUNTIME_ENGINE_VALUE_H

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sgl::runtime {

class Value {
public:
  enum class Kind : uint8_t { Null, Str, Int, Number, Bool, List, Json };
  using List = std::vector<Value>;

  /// Null.
  Value() = default;
  /// A str.
  Value(std::string s) : data_(std::move(s)) {}
  Value(const char *s) : data_(std::string(s)) {}

  static Value integer(int64_t i) { return Value(Data(i)); }
  static Value number(double d) { return Value(Data(d)); }
  static Value boolean(bool b) { return Value(Data(b)); }
  static Value list(List elements);
  /// The value of a json_schema gen: `text` is what the model wrote,
  /// `value` its parse.
  static Value json(std::string text, nlohmann::ordered_json value);

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool isNull() const { return kind() == Kind::Null; }

  /// Str: the string. Json: the text the model wrote.
  const std::string &str() const;
  int64_t integer() const { return std::get<int64_t>(data_); }
  double number() const { return std::get<double>(data_); }
  bool boolean() const { return std::get<bool>(data_); }
  const List &list() const { return *std::get<ListPtr>(data_); }
  /// The list, copied first when another Value shares it.
  List &mutableList();
  /// Json: the parsed value.
  const nlohmann::ordered_json &json() const;

  /// The same kind and contents (a json value: the same text). Not the
  /// `==` of programs, which also compares an int with a number (ExprEval).
  friend bool operator==(const Value &a, const Value &b);

private:
  struct JsonData;
  using ListPtr = std::shared_ptr<List>;
  using JsonPtr = std::shared_ptr<const JsonData>;
  // The order of the alternatives is that of Kind.
  using Data = std::variant<std::monostate, std::string, int64_t, double, bool,
                            ListPtr, JsonPtr>;

  explicit Value(Data data) : data_(std::move(data)) {}

  Data data_;
};

/// "null", "str", "int", "number", "bool", "list" or "json", for messages.
const char *kindName(Value::Kind kind);

/// Appends `value` as program text: a str as it is, an int in decimal, a
/// number in the shortest form that reads back as the same double (as JSON
/// writes it: "2.0", "0.1", "1e+20"), true/false, a json value as the exact
/// text the model wrote, null as "null", and a list as JSON text with ", "
/// between its elements (["a", "b"]; strings escaped as JSON, invalid UTF-8
/// as U+FFFD).
void appendText(const Value &value, std::string &out);
std::string toText(const Value &value);

/// For test failures: the kind and the text, e.g. int 3, str "a".
std::ostream &operator<<(std::ostream &os, const Value &value);

/// The value as JSON, for a program's captures: a json value as its parse.
nlohmann::ordered_json toJson(const Value &value);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_VALUE_H

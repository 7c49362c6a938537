//===- JsonText.cpp - Parsing JSON files from outside ---------------------===//
#include "runtime/support/JsonText.h"

#include "runtime/support/MessageText.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

namespace sgl {

namespace {

using json = nlohmann::json;

/// Records where a failed parse stopped and in which field, for
/// describeJsonError. Builds nothing.
class JsonErrorLocator : public nlohmann::json_sax<json> {
public:
  size_t position = 0;
  std::string message;

  /// "in 'rope_scaling.factor'" while its value was being read, "after
  /// ..." once it was complete; empty at the top level.
  std::string field() const {
    std::string path;
    bool inValue = false;
    for (const Frame &f : stack_)
      if (!f.isArray && !f.key.empty()) {
        path += (path.empty() ? "" : ".") + f.key;
        inValue = f.valuePending;
      }
    if (path.empty())
      return "";
    return std::string(inValue ? "in" : "after") + " '" + abbreviate(path, 80) +
           "'";
  }

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t &) override {
    return value();
  }
  bool string(string_t &) override { return value(); }
  bool binary(binary_t &) override { return value(); }
  bool start_object(std::size_t) override {
    stack_.push_back({false, "", false});
    return true;
  }
  bool key(string_t &name) override {
    stack_.back().key = name;
    stack_.back().valuePending = true;
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return value();
  }
  bool start_array(std::size_t) override {
    stack_.push_back({true, "", false});
    return true;
  }
  bool end_array() override {
    stack_.pop_back();
    return value();
  }
  bool parse_error(std::size_t pos, const std::string &,
                   const nlohmann::detail::exception &e) override {
    position = pos;
    message = e.what();
    return false;
  }

private:
  struct Frame {
    bool isArray;
    std::string key;
    bool valuePending;
  };
  /// A value completed: the enclosing object's key has its value.
  bool value() {
    if (!stack_.empty() && !stack_.back().isArray)
      stack_.back().valuePending = false;
    return true;
  }
  std::vector<Frame> stack_;
};

/// Why `text` does not parse: "line 3, column 18 (in 'rms_norm_eps'):
/// number overflow parsing '1e400'".
std::string describeJsonError(std::string_view text) {
  JsonErrorLocator locator;
  json::sax_parse(text, &locator);
  // nlohmann's message: "[json.exception.parse_error.101] parse error at
  // line 1, column 5: syntax error ..."; keep what follows the position.
  std::string what = locator.message;
  if (size_t close = what.find("] ");
      what.rfind("[json.", 0) == 0 && close != std::string::npos)
    what.erase(0, close + 2);
  if (what.rfind("parse error", 0) == 0)
    if (size_t colon = what.find(": "); colon != std::string::npos)
      what.erase(0, colon + 2);
  // The position is the count of bytes read; the error is at the last one.
  const size_t at = std::min(locator.position, text.size());
  size_t line = 1, lineStart = 0;
  for (size_t i = 0; i + 1 < at; ++i)
    if (text[i] == '\n') {
      ++line;
      lineStart = i + 1;
    }
  std::string where = "line " + std::to_string(line) + ", column " +
                      std::to_string(at > lineStart ? at - lineStart : 1);
  std::string field = locator.field();
  if (!field.empty())
    where += " (" + field + ")";
  return where + ": " + abbreviate(what, 200);
}

} // namespace

Expected<json> parseJsonObject(std::string_view text, std::string_view source) {
  // The callback drops what lies below the bound, so it is never built.
  bool tooDeep = false;
  auto bound = [&tooDeep](int depth, json::parse_event_t event, json &) {
    if (depth >= kMaxJsonDepth && (event == json::parse_event_t::object_start ||
                                   event == json::parse_event_t::array_start)) {
      tooDeep = true;
      return false;
    }
    return true;
  };
  json root = json::parse(text, bound, /*allow_exceptions=*/false);
  const std::string name(source);
  if (tooDeep)
    return makeError(name + ": arrays and objects nest more than " +
                     std::to_string(kMaxJsonDepth) + " levels deep");
  if (root.is_discarded())
    return makeError(name + ": invalid JSON at " + describeJsonError(text));
  if (!root.is_object())
    return makeError(name + ": not a JSON object (the file holds " +
                     std::string(root.type_name()) + ")");
  return root;
}

std::string jsonExcerpt(const json &value, size_t maxBytes) {
  return abbreviate(value.dump(-1, ' ', /*ensure_ascii=*/false,
                               json::error_handler_t::replace),
                    maxBytes);
}

} // namespace sgl

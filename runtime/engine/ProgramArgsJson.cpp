//===- ProgramArgsJson.cpp - Program arguments from a JSON object ---------===//
#include "runtime/engine/ProgramArgsJson.h"

#include "runtime/support/MessageText.h"

#include <nlohmann/json.hpp>

#include <unordered_set>

namespace sgl::runtime {

namespace {

using json = nlohmann::json;

/// Accepts exactly one object whose values are strings. Any other event
/// stops the parse with `error` set.
class ArgsHandler : public nlohmann::json_sax<json> {
public:
  ProgramArgs args;
  std::string error;

  bool start_object(std::size_t) override {
    if (depth_++ == 0)
      return true;
    return valueIsNot("object");
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool key(string_t &name) override {
    if (!seen_.insert(name).second)
      return fail("--args gives '" + abbreviate(name, 80) + "' twice");
    key_ = name;
    return true;
  }
  bool string(string_t &value) override {
    if (depth_ == 0)
      return notAnObject("string");
    args.emplace_back(std::move(key_), std::move(value));
    return true;
  }
  bool null() override { return valueIsNot("null"); }
  bool boolean(bool) override { return valueIsNot("boolean"); }
  bool number_integer(number_integer_t) override {
    return valueIsNot("number");
  }
  bool number_unsigned(number_unsigned_t) override {
    return valueIsNot("number");
  }
  bool number_float(number_float_t, const string_t &) override {
    return valueIsNot("number");
  }
  bool binary(binary_t &) override { return valueIsNot("binary"); }
  bool start_array(std::size_t) override { return valueIsNot("array"); }
  bool end_array() override { return true; }
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
    return fail(std::string("--args must be a JSON object of strings, not ") +
                type);
  }
  /// A value of the wrong type: at the top it is not an object at all.
  bool valueIsNot(const char *type) {
    if (depth_ == 0)
      return notAnObject(type);
    return fail("--args value of '" + abbreviate(key_, 80) +
                "' must be a string, not " + type);
  }

  int depth_ = 0;
  std::string key_;
  std::unordered_set<std::string> seen_;
};

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

} // namespace sgl::runtime

//===- ProgramArgs.cpp - A program's named string arguments --------------===//
#include "runtime/engine/ProgramArgs.h"

#include "runtime/support/MessageText.h"

#include <nlohmann/json.hpp>

#include <unordered_map>
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

Expected<std::vector<std::string>> bindProgramArgs(const plan::Program &program,
                                                   const ProgramArgs &args) {
  std::unordered_map<std::string_view, size_t> slotOf;
  slotOf.reserve(program.args.size());
  for (size_t i = 0; i < program.args.size(); ++i)
    slotOf.emplace(program.args[i], i);

  std::vector<std::string> values(program.args.size());
  std::vector<bool> given(program.args.size(), false);
  std::vector<std::string> unknown, missing, repeated;
  for (const auto &[name, value] : args) {
    auto slot = slotOf.find(name);
    if (slot == slotOf.end()) {
      unknown.push_back(name);
      continue;
    }
    if (given[slot->second])
      repeated.push_back(name);
    given[slot->second] = true;
    values[slot->second] = value;
  }
  for (size_t i = 0; i < program.args.size(); ++i)
    if (!given[i])
      missing.push_back(program.args[i]);
  if (unknown.empty() && missing.empty() && repeated.empty())
    return values;
  std::string takes = program.args.empty()
                          ? "it takes no arguments"
                          : "it takes " + joinNames(program.args);
  std::string problem;
  if (!missing.empty())
    problem = "missing argument" +
              std::string(missing.size() > 1 ? "s " : " ") + joinNames(missing);
  if (!unknown.empty())
    problem += (problem.empty() ? "" : "; ") + std::string("unknown argument") +
               (unknown.size() > 1 ? "s " : " ") + joinNames(unknown);
  if (!repeated.empty())
    problem += (problem.empty() ? "" : "; ") +
               std::string("argument given twice: ") + joinNames(repeated);
  return makeError(problem + " for program '" + abbreviate(program.name, 80) +
                   "' (" + takes + ")");
}

} // namespace sgl::runtime

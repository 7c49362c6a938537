//===- ConstraintInput.cpp - What sgl-constraint compiles and checks ------===//
#include "runtime/tools/sgl-constraint/ConstraintInput.h"

#include "runtime/constraints/JsonSchema.h"
#include "runtime/constraints/PythonJson.h"
#include "runtime/support/InputFile.h"

#include <nlohmann/json.hpp>

namespace sgl::tools {

using runtime::constraints::Constraint;

namespace {

/// Schemas and instances are small; a schema of the benchmark's largest
/// kind (Kubernetes) is about 1 MiB.
constexpr uint64_t kJsonFileLimit = 64 * kMiB;

/// Deepest nesting of an instance: writing it again recurses once per
/// level, so a million-deep `[[[[` must be refused before it is built.
constexpr int kMaxInstanceDepth = 512;

/// Whether arrays and objects in `text` nest deeper than the limit,
/// counting brackets outside strings (the text may not be JSON at all).
bool nestsTooDeep(std::string_view text) {
  int depth = 0;
  bool inString = false, escaped = false;
  for (char c : text) {
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxInstanceDepth)
        return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

/// nlohmann's "[json.exception.parse_error.101] parse error at line 1,
/// column 5: syntax error ..." as "line 1, column 5: syntax error ...".
std::string parseErrorText(const std::string &what) {
  std::string text = what;
  if (size_t close = text.find("] ");
      text.rfind("[json.", 0) == 0 && close != std::string::npos)
    text.erase(0, close + 2);
  if (text.rfind("parse error at ", 0) == 0)
    text.erase(0, std::string_view("parse error at ").size());
  return text;
}

Expected<std::string> readJsonFile(const std::string &path, const char *kind) {
  return readInputFile(path, {kind, kJsonFileLimit});
}

} // namespace

Expected<std::shared_ptr<Constraint>>
compileConstraint(const ConstraintSource &source) {
  switch (source.kind) {
  case ConstraintSource::Kind::Schema: {
    Expected<std::string> text = readJsonFile(source.schemaPath, "JSON Schema");
    if (!text)
      return text.error();
    Expected<std::shared_ptr<Constraint>> compiled =
        runtime::constraints::compileJsonSchema(*text);
    if (!compiled)
      return makeError(source.schemaPath + ": " + compiled.error().message);
    return compiled;
  }
  case ConstraintSource::Kind::Regex:
    return Constraint::fromRegex(source.pattern);
  case ConstraintSource::Kind::Choices:
    return Constraint::fromChoices(source.choices);
  }
  return makeError("no constraint given");
}

Expected<std::string> readCheckedText(const std::string &path,
                                      const ConstraintSource &source) {
  if (source.kind != ConstraintSource::Kind::Schema)
    return readInputFile(path, {"text to check", kJsonFileLimit});
  Expected<std::string> text = readJsonFile(path, "JSON instance");
  if (!text)
    return text.error();
  if (nestsTooDeep(*text))
    return makeError(path + ": arrays and objects nest more than " +
                     std::to_string(kMaxInstanceDepth) + " levels deep");
  try {
    return runtime::constraints::dumpLikePython(
        nlohmann::ordered_json::parse(*text));
  } catch (const nlohmann::json::parse_error &e) {
    return makeError(path + ": invalid JSON at " + parseErrorText(e.what()));
  }
}

} // namespace sgl::tools

//===- ConstraintInput.h - What sgl-constraint compiles ---------*- C++ -*-===//
//
// sgl-constraint takes its constraint from exactly one of --schema FILE,
// --regex PATTERN or --choices A,B,... and the text to check from a file.
// A JSON Schema's instance is parsed and written again the way the
// benchmark and a model write JSON (Python's json.dumps, PythonJson.h), so
// that `{"a":1}` and `{"a": 1}` in the file are checked alike; for a regex
// or choices the file's bytes are the text, exactly (a trailing newline
// included).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOOLS_SGL_CONSTRAINT_CONSTRAINTINPUT_H
#define SGL_RUNTIME_TOOLS_SGL_CONSTRAINT_CONSTRAINTINPUT_H

#include "runtime/constraints/Constraint.h"
#include "runtime/support/Expected.h"

#include <memory>
#include <string>
#include <vector>

namespace sgl::tools {

struct ConstraintSource {
  enum class Kind { Schema, Regex, Choices };
  Kind kind = Kind::Regex;
  std::string schemaPath;           ///< Kind::Schema
  std::string pattern;              ///< Kind::Regex
  std::vector<std::string> choices; ///< Kind::Choices
};

/// Reads and compiles the constraint. Errors are the engine's, a schema's
/// prefixed by its path: "s.json: /properties/age: ...".
Expected<std::shared_ptr<runtime::constraints::Constraint>>
compileConstraint(const ConstraintSource &source);

/// The text to check or trace from `path`, as the header says.
Expected<std::string> readCheckedText(const std::string &path,
                                      const ConstraintSource &source);

} // namespace sgl::tools

#endif // SGL_RUNTIME_TOOLS_SGL_CONSTRAINT_CONSTRAINTINPUT_H

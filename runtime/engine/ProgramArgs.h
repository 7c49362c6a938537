//===- ProgramArgs.h - A program's named string arguments ------*- C++ -*-===//
//
// `sglrun --args '{"q": "..."}'` and every later front door take a program's
// arguments as one JSON object of strings, then bind them to the program's
// argument slots.
//
// The object is read with a SAX handler rather than into a json value so
// that a key given twice is reported (a json object would silently keep the
// last value) and nothing but the argument strings is ever built. Binding
// is linear in the number of arguments, and its messages name at most a few
// of them, however many a program has.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_PROGRAMARGS_H
#define SGL_RUNTIME_ENGINE_PROGRAMARGS_H

#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sgl::runtime {

/// Named string arguments, in any order.
using ProgramArgs = std::vector<std::pair<std::string, std::string>>;

/// Parses `{"name": "value", ...}`. Errors: not JSON (with the position),
/// not an object, a value that is not a string, a name given twice.
Expected<ProgramArgs> parseProgramArgsJson(std::string_view text);

/// Checks that `args` gives every argument of `program` exactly once and
/// nothing else (the error names what is missing or unknown); returns the
/// values in slot order.
Expected<std::vector<std::string>> bindProgramArgs(const plan::Program &program,
                                                   const ProgramArgs &args);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_PROGRAMARGS_H

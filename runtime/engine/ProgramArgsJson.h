//===- ProgramArgsJson.h - Program arguments from a JSON object -*- C++ -*-===//
//
// `sglrun --args '{"q": "..."}'` and every later front door take a program's
// arguments as one JSON object of strings. The object is read with a SAX
// handler rather than into a json value so that a key given twice is
// reported (a json object would silently keep the last value) and nothing
// but the argument strings is ever built.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_PROGRAMARGSJSON_H
#define SGL_RUNTIME_ENGINE_PROGRAMARGSJSON_H

#include "runtime/engine/Interpreter.h"
#include "runtime/support/Expected.h"

#include <string_view>

namespace sgl::runtime {

/// Parses `{"name": "value", ...}`. Errors: not JSON (with the position),
/// not an object, a value that is not a string, a name given twice.
Expected<ProgramArgs> parseProgramArgsJson(std::string_view text);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_PROGRAMARGSJSON_H

//===- ProgramArgs.h - A program's typed arguments --------------*- C++ -*-===//
//
// `sglrun --args '{"q": "...", "n": 3}'` and every later front door (batch
// input lines) take a program's arguments as one JSON object, then bind
// them to the program's argument slots, checking each against its
// argument's type:
//
//   str      a JSON string          int     a JSON integer in int64
//   number   any JSON number        bool    true or false
//   [T]      a JSON array of T (e.g. [str], an array of strings)
//
// An argument with a default may be left out.
//
// The object is read with a SAX handler rather than into a json value so
// that a key given twice is reported (a json object would silently keep the
// last value) and nothing but the argument values is ever built: null and
// objects are refused as they are met, and arrays nest at most
// kMaxArgNesting deep. Binding is linear in the number of arguments, and
// its messages name at most a few of them, however many a program has.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_PROGRAMARGS_H
#define SGL_RUNTIME_ENGINE_PROGRAMARGS_H

#include "runtime/engine/Value.h"
#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sgl::runtime {

/// Named argument values as given, in any order: a JSON string is a str,
/// an integer in int64 an int, any other number a number, true/false a
/// bool, an array a list.
using ProgramArgs = std::vector<std::pair<std::string, Value>>;

/// How deeply a value's arrays may nest in --args.
inline constexpr int kMaxArgNesting = 64;

/// Parses `{"name": value, ...}`. Errors: not JSON (with the position), not
/// an object, a null or object value, arrays nested too deep, a number out
/// of range, a name given twice.
Expected<ProgramArgs> parseProgramArgsJson(std::string_view text);

/// Checks that `args` gives every argument of `program` without a default
/// exactly once, each at most once and nothing else (the error names what
/// is missing or unknown), each of its argument's type (the error names the
/// argument, the expected and the given type); returns the values in slot
/// order, defaults filled in and ints given for a number made numbers.
Expected<std::vector<Value>> bindProgramArgs(const plan::Program &program,
                                             const ProgramArgs &args);

/// The value of an argument's default (a constant of `type`, as
/// PlanVerifier checks).
Value defaultArgValue(const plan::Expr &constant, const plan::ValueType &type);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_PROGRAMARGS_H

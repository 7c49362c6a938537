//===- PythonJson.h - JSON text as Python's json.dumps writes it -*- C++
//-*-===//
//
// Benchmarks and tests compare a grammar against instances as a model that
// imitates Python would write them: json.dumps(data, ensure_ascii=False),
// i.e. ", " and ": " separators, keys in their order, raw UTF-8, escapes
// only for '"', '\\' and control characters (\n \r \t \b \f, else \u00XX
// in lower case), integers exactly and floats as repr() spells them
// (shortest round trip: 1.0, 0.0001, 1e-05, 1e+16, 1.5e+300).
//
// nlohmann parses integers beyond 64 bits as doubles, so those print as
// Python would print the float, not the int.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_PYTHONJSON_H
#define SGL_RUNTIME_CONSTRAINTS_PYTHONJSON_H

#include <nlohmann/json.hpp>

#include <string>

namespace sgl::runtime::constraints {

/// `value` as json.dumps(value, ensure_ascii=False) writes it.
std::string dumpLikePython(const nlohmann::ordered_json &value);

/// A double as Python's repr(float) writes it ("Infinity", "-Infinity" and
/// "NaN" for the values JSON cannot hold, as json.dumps does).
std::string pythonFloatRepr(double value);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_PYTHONJSON_H

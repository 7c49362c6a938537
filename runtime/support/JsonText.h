//===- JsonText.h - Parsing JSON files from outside -------------*- C++ -*-===//
//
// Every JSON document the runtime reads (config.json, tokenizer.json, a
// safetensors header, ...) comes from its user. `parseJsonObject` is where
// their text enters:
//
//   - nesting is bounded while parsing: nlohmann's parser is iterative, but
//     copies, dumps and our own walks recurse once per level, so a
//     million-deep `[[[[` must never be built;
//   - a syntax error says where and in which field: "config.json: invalid
//     JSON at line 15, column 23 (in 'rms_norm_eps'): number overflow
//     parsing '1e400'";
//   - a document that is not an object says what it holds instead.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_SUPPORT_JSONTEXT_H
#define SGL_RUNTIME_SUPPORT_JSONTEXT_H

#include "runtime/support/Expected.h"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace sgl {

/// Deepest nesting of arrays and objects accepted. Real model files nest
/// fewer than ten levels; 64 keeps every recursive walk far from the stack
/// limit.
constexpr int kMaxJsonDepth = 64;

/// Parses `text` as one JSON object. Errors start with `source` (a file
/// name or path): "SOURCE: invalid JSON at ...", "SOURCE: arrays and
/// objects nest more than 64 levels deep", "SOURCE: not a JSON object (the
/// file holds array)".
Expected<nlohmann::json> parseJsonObject(std::string_view text,
                                         std::string_view source);

/// `value` as compact JSON text for a message, cut by `abbreviate` to about
/// `maxBytes` (control characters escaped, so it stays on one line).
std::string jsonExcerpt(const nlohmann::json &value, size_t maxBytes);

} // namespace sgl

#endif // SGL_RUNTIME_SUPPORT_JSONTEXT_H

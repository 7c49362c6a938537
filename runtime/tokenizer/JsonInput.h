//===- JsonInput.h - Checked reading of tokenizer JSON files ---*- C++ -*-===//
//
// tokenizer.json and tokenizer_config.json come with downloaded models, so
// the loader treats them as hostile. Their text is parsed by
// sgl::parseJsonObject (runtime/support/JsonText.h, nesting bounded); these
// helpers read what it gives: token ids without narrowing, members without
// copies, and short excerpts of file content for error messages.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOKENIZER_JSONINPUT_H
#define SGL_RUNTIME_TOKENIZER_JSONINPUT_H

#include "runtime/support/Expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sgl::runtime {

/// The value of a non-negative JSON integer, unnarrowed; nullopt for
/// anything else (negative, fractional, not a number).
std::optional<uint64_t> nonNegativeInteger(const nlohmann::json &value);

/// `object[key]`, or a null value when `object` is not an object or lacks
/// `key`. Unlike `json::value` it copies nothing.
const nlohmann::json &member(const nlohmann::json &object,
                             std::string_view key);

/// `text` in single quotes for an error message, through `abbreviate`: about
/// 64 bytes at most, control characters escaped, so a hostile token name
/// keeps the message short and on one line.
std::string singleQuoted(std::string_view text);

/// A short, one-line rendering of `value` (its JSON text, cut like
/// singleQuoted() but without the quotes).
std::string excerpt(const nlohmann::json &value);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_TOKENIZER_JSONINPUT_H

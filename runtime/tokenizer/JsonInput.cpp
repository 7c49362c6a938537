//===- JsonInput.cpp - Checked reading of tokenizer JSON files ------------===//
//
// Id reading, member access and message excerpts.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/JsonInput.h"

#include "runtime/support/JsonText.h"
#include "runtime/support/MessageText.h"

namespace sgl::runtime {

namespace {

/// Bytes of file content quoted in one error message.
constexpr size_t kExcerptBytes = 64;

} // namespace

std::optional<uint64_t> nonNegativeInteger(const nlohmann::json &value) {
  if (value.is_number_unsigned())
    return value.get<uint64_t>();
  if (value.is_number_integer() && value.get<int64_t>() >= 0)
    return static_cast<uint64_t>(value.get<int64_t>());
  return std::nullopt;
}

const nlohmann::json &member(const nlohmann::json &object,
                             std::string_view key) {
  static const nlohmann::json kNull;
  if (!object.is_object())
    return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string singleQuoted(std::string_view text) {
  return quoted(text, kExcerptBytes);
}

std::string excerpt(const nlohmann::json &value) {
  return jsonExcerpt(value, kExcerptBytes);
}

} // namespace sgl::runtime

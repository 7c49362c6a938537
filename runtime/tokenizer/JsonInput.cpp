//===- JsonInput.cpp - Checked reading of tokenizer JSON files ------------===//
//
// Depth-bounded parsing, id reading and message excerpts.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/JsonInput.h"

#include "runtime/support/MessageText.h"

namespace sgl::runtime {

namespace {

/// Bytes of file content quoted in one error message.
constexpr size_t kExcerptBytes = 64;

} // namespace

Expected<nlohmann::json> parseJsonObject(std::string_view text,
                                         std::string_view fileName) {
  // nlohmann's parser itself is iterative, but copying, dumping and our own
  // Sequence walks recurse per level; refuse deep documents while parsing
  // (the callback drops what lies below the bound, so it is never built).
  bool tooDeep = false;
  auto bound = [&tooDeep](int depth, nlohmann::json::parse_event_t event,
                          nlohmann::json &) {
    if (depth >= kMaxJsonDepth &&
        (event == nlohmann::json::parse_event_t::object_start ||
         event == nlohmann::json::parse_event_t::array_start)) {
      tooDeep = true;
      return false;
    }
    return true;
  };
  nlohmann::json root =
      nlohmann::json::parse(text, bound, /*allow_exceptions=*/false);
  if (root.is_discarded())
    return makeError(std::string(fileName) + " is not valid JSON");
  if (tooDeep)
    return makeError(std::string(fileName) +
                     " nests arrays and objects more than " +
                     std::to_string(kMaxJsonDepth) + " levels deep");
  if (!root.is_object())
    return makeError(std::string(fileName) + " is not a JSON object");
  return root;
}

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
  return "'" + abbreviate(text, kExcerptBytes) + "'";
}

std::string excerpt(const nlohmann::json &value) {
  return abbreviate(value.dump(-1, ' ', /*ensure_ascii=*/false,
                               nlohmann::json::error_handler_t::replace),
                    kExcerptBytes);
}

} // namespace sgl::runtime

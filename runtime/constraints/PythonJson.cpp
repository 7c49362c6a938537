//===- PythonJson.cpp - JSON text as Python's json.dumps writes it --------===//
#include "runtime/constraints/PythonJson.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace sgl::runtime::constraints {

namespace {

/// The JSON string literal of UTF-8 `text`, escaped as json.dumps does with
/// ensure_ascii=False.
void appendString(std::string &out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char escape[8];
        std::snprintf(escape, sizeof escape, "\\u%04x",
                      static_cast<unsigned>(static_cast<unsigned char>(c)));
        out += escape;
      } else {
        out += c;
      }
    }
  }
  out += '"';
}

void appendValue(std::string &out, const nlohmann::ordered_json &value) {
  using Type = nlohmann::ordered_json::value_t;
  switch (value.type()) {
  case Type::null:
  case Type::discarded:
    out += "null";
    return;
  case Type::boolean:
    out += value.get<bool>() ? "true" : "false";
    return;
  case Type::number_integer:
    out += std::to_string(value.get<int64_t>());
    return;
  case Type::number_unsigned:
    out += std::to_string(value.get<uint64_t>());
    return;
  case Type::number_float:
    out += pythonFloatRepr(value.get<double>());
    return;
  case Type::string:
    appendString(out, value.get_ref<const std::string &>());
    return;
  case Type::array: {
    out += '[';
    bool first = true;
    for (const auto &item : value) {
      if (!first)
        out += ", ";
      first = false;
      appendValue(out, item);
    }
    out += ']';
    return;
  }
  case Type::object: {
    out += '{';
    bool first = true;
    for (const auto &[key, item] : value.items()) {
      if (!first)
        out += ", ";
      first = false;
      appendString(out, key);
      out += ": ";
      appendValue(out, item);
    }
    out += '}';
    return;
  }
  case Type::binary:
    out += "null"; // never produced by the JSON parser
    return;
  }
}

} // namespace

std::string pythonFloatRepr(double value) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value < 0 ? "-Infinity" : "Infinity";
  // The shortest digits that round-trip, as repr() takes them; only the
  // layout differs from to_chars.
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value,
                                 std::chars_format::scientific);
  std::string_view text(buffer, static_cast<size_t>(end - buffer));
  std::string out;
  if (text.front() == '-') {
    out += '-';
    text.remove_prefix(1);
  }
  size_t ePos = text.find('e');
  std::string digits;
  for (char c : text.substr(0, ePos))
    if (c != '.')
      digits += c;
  int exponent = 0;
  std::from_chars(text.data() + ePos + 1 + (text[ePos + 1] == '+'),
                  text.data() + text.size(), exponent);
  while (digits.size() > 1 && digits.back() == '0')
    digits.pop_back();
  // repr() switches to exponent notation outside 1e-4 <= |x| < 1e16.
  int pointAt = exponent + 1; // digits before the decimal point
  if (pointAt > -4 && pointAt <= 16) {
    if (pointAt <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-pointAt), '0');
      out += digits;
    } else if (static_cast<size_t>(pointAt) >= digits.size()) {
      out += digits;
      out.append(static_cast<size_t>(pointAt) - digits.size(), '0');
      out += ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(pointAt));
      out += '.';
      out += digits.substr(static_cast<size_t>(pointAt));
    }
    return out;
  }
  out += digits.front();
  if (digits.size() > 1) {
    out += '.';
    out += digits.substr(1);
  }
  char exponentText[16];
  std::snprintf(exponentText, sizeof exponentText, "e%c%02d",
                exponent < 0 ? '-' : '+', exponent < 0 ? -exponent : exponent);
  out += exponentText;
  return out;
}

std::string dumpLikePython(const nlohmann::ordered_json &value) {
  std::string out;
  appendValue(out, value);
  return out;
}

} // namespace sgl::runtime::constraints

//===- CheckReport.cpp - Where a checked text leaves its constraint -------===//
#include "runtime/tools/sgl-constraint/CheckReport.h"

#include <cstdio>

namespace sgl::tools {

namespace {

/// Bytes of context shown on each side of the offending byte.
constexpr size_t kContextBytes = 40;

/// Length of the whole UTF-8 character starting at text[at], or 0 when
/// none starts there (a stray continuation byte, a cut or bad sequence).
size_t utf8Length(std::string_view text, size_t at) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  size_t length = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 0;
  if (length == 0 || at + length > text.size())
    return 0;
  for (size_t i = 1; i < length; ++i)
    if ((byte(at + i) & 0xC0) != 0x80)
      return 0;
  return length;
}

/// One piece of text as it is displayed: escapes for what a terminal
/// would not show on one line. `columns` counts what it appends.
void appendDisplayed(std::string &out, size_t &columns, std::string_view text,
                     size_t &at, bool escapeQuote) {
  unsigned char c = static_cast<unsigned char>(text[at]);
  size_t length = utf8Length(text, at);
  const char *escape = c == '\n'   ? "\\n"
                       : c == '\r' ? "\\r"
                       : c == '\t' ? "\\t"
                       : c == '\\' ? "\\\\"
                                   : nullptr;
  if (escapeQuote && c == '"')
    escape = "\\\"";
  if (escape) {
    out += escape;
    columns += 2;
    ++at;
  } else if (length == 0 || c < 0x20 || c == 0x7F) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02X", c);
    out += hex;
    columns += 4;
    ++at;
  } else {
    out.append(text.substr(at, length));
    columns += 1; // one character, as a terminal shows most of them
    at += length;
  }
}

} // namespace

std::string displayBytes(std::string_view bytes) {
  std::string out = "\"";
  size_t columns = 0;
  for (size_t at = 0; at < bytes.size();)
    appendDisplayed(out, columns, bytes, at, true);
  return out + "\"";
}

std::string describeCheck(std::string_view text,
                          const runtime::constraints::ConstraintCheck &check) {
  std::string size = std::to_string(text.size());
  if (check.accepted)
    return "accepted (" + size + (text.size() == 1 ? " byte)\n" : " bytes)\n");
  size_t offset = std::min(check.errorOffset, text.size());
  std::string headline;
  if (offset == text.size()) {
    headline = "rejected at byte " + size + " of " + size +
               ": the text ends before an accepted value is complete";
  } else {
    size_t at = offset, columns = 0;
    std::string shown;
    appendDisplayed(shown, columns, text, at, false);
    headline = "rejected at byte " + std::to_string(offset) + " of " + size +
               ": '" + shown + "' cannot come here";
  }

  // The excerpt starts on a character boundary at most kContextBytes back.
  size_t begin = offset > kContextBytes ? offset - kContextBytes : 0;
  while (begin > 0 && begin < text.size() &&
         (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80)
    --begin;
  size_t end = std::min(text.size(), offset + kContextBytes);
  // The caret goes under the character holding the offending byte.
  std::string excerpt = begin > 0 ? "..." : "";
  size_t columns = excerpt.size(), caret = columns;
  for (size_t at = begin; at < end;) {
    if (at <= offset)
      caret = columns;
    appendDisplayed(excerpt, columns, text, at, false);
  }
  if (offset >= end)
    caret = columns;
  if (end < text.size())
    excerpt += "...";
  return headline + "\n  " + excerpt + "\n  " + std::string(caret, ' ') + "^\n";
}

} // namespace sgl::tools

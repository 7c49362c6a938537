//===- MessageText.cpp - Quoting outside text inside messages -------------===//
#include "runtime/support/MessageText.h"

namespace sgl {

std::string escapeControlChars(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      out += c;
      continue;
    }
    switch (c) {
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

std::string abbreviate(std::string_view text, size_t maxBytes) {
  if (text.size() <= maxBytes)
    return escapeControlChars(text);
  size_t cut = maxBytes;
  // Back up over UTF-8 continuation bytes so no sequence is split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return escapeControlChars(text.substr(0, cut)) + "... (" +
         std::to_string(text.size() - cut) + " more bytes)";
}

std::string quoted(std::string_view text, size_t maxBytes) {
  // Built with append: GCC 12 warns falsely (-Wrestrict) on "'" + string.
  std::string out = "'";
  out.append(abbreviate(text, maxBytes)).append("'");
  return out;
}

} // namespace sgl

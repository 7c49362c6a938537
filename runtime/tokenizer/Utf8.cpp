//===- Utf8.cpp - UTF-8 helpers for the tokenizer ------------------------===//
//
// Implements UTF-8 decoding, sanitising, white space and the byte-level
// alphabet used by GPT-2 style BPE vocabularies.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/Utf8.h"

namespace sgl::runtime {

std::optional<char32_t> nextCodePoint(std::string_view text, size_t &pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  // Sequence length and the allowed range of the second byte (Unicode
  // Table 3-7); the ranges rule out overlongs, surrogates and > U+10FFFF.
  size_t length;
  char32_t cp;
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, cp = lead & 0x0F;
    low = lead == 0xE0 ? 0xA0 : low;
    high = lead == 0xED ? 0x9F : high;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, cp = lead & 0x07;
    low = lead == 0xF0 ? 0x90 : low;
    high = lead == 0xF4 ? 0x8F : high;
  } else {
    ++pos;
    return std::nullopt;
  }
  size_t i = 1;
  for (; i < length && pos + i < text.size(); ++i) {
    unsigned char next = byte(pos + i);
    if (next < (i == 1 ? low : 0x80) || next > (i == 1 ? high : 0xBF))
      break;
    cp = (cp << 6) | (next & 0x3F);
  }
  // An ill-formed sequence is skipped by its maximal valid prefix, so it
  // becomes one U+FFFD, as WHATWG's decoder and Python's 'replace' do.
  pos += i;
  if (i < length)
    return std::nullopt;
  return cp;
}

void appendUtf8(std::string &out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool isValidUtf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    if (!nextCodePoint(text, pos))
      return false;
  }
  return true;
}

std::string sanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    if (auto cp = nextCodePoint(text, pos))
      appendUtf8(out, *cp);
    else
      appendUtf8(out, 0xFFFD);
  }
  return out;
}

bool isJsWhitespace(char32_t cp) {
  switch (cp) {
  case 0x09:
  case 0x0A:
  case 0x0B:
  case 0x0C:
  case 0x0D:
  case 0x20:
  case 0xA0:
  case 0x1680:
  case 0x2028:
  case 0x2029:
  case 0x202F:
  case 0x205F:
  case 0x3000:
  case 0xFEFF:
    return true;
  default:
    return cp >= 0x2000 && cp <= 0x200A;
  }
}

std::string_view trimJsWhitespaceStart(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t next = pos;
    auto cp = nextCodePoint(text, next);
    if (!cp || !isJsWhitespace(*cp))
      break;
    pos = next;
  }
  return text.substr(pos);
}

std::string_view trimJsWhitespaceEnd(std::string_view text) {
  size_t end = text.size();
  while (end > 0) {
    // Step back to the start of the last code point.
    size_t start = end - 1;
    while (start > 0 &&
           (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
      --start;
    size_t next = start;
    auto cp = nextCodePoint(text, next);
    if (!cp || next != end || !isJsWhitespace(*cp))
      break;
    end = start;
  }
  return text.substr(0, end);
}

const std::array<char32_t, 256> &byteToCodePoint() {
  static const std::array<char32_t, 256> table = [] {
    std::array<char32_t, 256> t{};
    char32_t shifted = 256;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) ||
                       (b >= 0xAE && b <= 0xFF);
      t[b] = printable ? static_cast<char32_t>(b) : shifted++;
    }
    return t;
  }();
  return table;
}

std::string bytesToByteLevel(std::string_view bytes) {
  const auto &table = byteToCodePoint();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes)
    appendUtf8(out, table[b]);
  return out;
}

std::string byteLevelToBytes(std::string_view token) {
  // The alphabet maps bytes into U+0000..U+0143; invert it once.
  static const std::array<int16_t, 324> inverse = [] {
    std::array<int16_t, 324> t;
    t.fill(-1);
    const auto &forward = byteToCodePoint();
    for (int b = 0; b < 256; ++b)
      t[forward[b]] = static_cast<int16_t>(b);
    return t;
  }();
  std::string out;
  out.reserve(token.size());
  size_t pos = 0;
  while (pos < token.size()) {
    size_t start = pos;
    auto cp = nextCodePoint(token, pos);
    if (cp && *cp < inverse.size() && inverse[*cp] >= 0)
      out.push_back(static_cast<char>(inverse[*cp]));
    else
      out.append(token.substr(start, pos - start));
  }
  return out;
}

} // namespace sgl::runtime

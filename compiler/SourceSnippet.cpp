//===- SourceSnippet.cpp - The source line shown under a diagnostic -------===//

#include "compiler/SourceSnippet.h"

#include <algorithm>

namespace sgl::compiler {

namespace {

constexpr char kHex[] = "0123456789abcdef";

/// Length of the well-formed UTF-8 sequence starting at `pos`, or 0 when the
/// byte there does not start one.
size_t utf8Length(std::string_view text, size_t pos) {
  unsigned char lead = static_cast<unsigned char>(text[pos]);
  size_t length = lead < 0x80                             ? 1
                  : (lead & 0xE0) == 0xC0 && lead >= 0xC2 ? 2
                  : (lead & 0xF0) == 0xE0                 ? 3
                  : (lead & 0xF8) == 0xF0 && lead <= 0xF4 ? 4
                                                          : 0;
  if (length == 0 || pos + length > text.size())
    return 0;
  for (size_t k = 1; k < length; ++k)
    if ((static_cast<unsigned char>(text[pos + k]) & 0xC0) != 0x80)
      return 0;
  return length;
}

/// The code point of a well-formed sequence of `length` bytes at `pos`.
uint32_t decode(std::string_view text, size_t pos, size_t length) {
  static constexpr unsigned char kLeadMask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  uint32_t cp = static_cast<unsigned char>(text[pos]) & kLeadMask[length];
  for (size_t k = 1; k < length; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(text[pos + k]) & 0x3F);
  return cp;
}

/// Characters that are valid UTF-8 but would still mislead on a terminal:
/// C1 controls, line/paragraph separators and bidirectional overrides.
bool isInvisibleControl(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/// One shown character: `bytes` bytes of the line, displayed as `shown`
/// in `width` columns.
struct Glyph {
  size_t bytes = 1;
  std::string shown;
  size_t width = 1;
  bool isTab = false;
};

Glyph glyphAt(std::string_view line, size_t pos) {
  static constexpr char kUpperHex[] = "0123456789ABCDEF";
  Glyph glyph;
  unsigned char byte = static_cast<unsigned char>(line[pos]);
  size_t length = utf8Length(line, pos);
  if (length > 1) {
    glyph.bytes = length;
    uint32_t cp = decode(line, pos, length);
    if (!isInvisibleControl(cp)) {
      glyph.shown.assign(line.substr(pos, length));
      return glyph;
    }
    glyph.shown = {'<', 'U', '+'};
    for (int shift = 12; shift >= 0; shift -= 4)
      glyph.shown += kUpperHex[(cp >> shift) & 15];
    glyph.shown += '>';
  } else if (byte == '\t') {
    glyph.isTab = true;
    glyph.shown.assign(1, '\t');
  } else if (byte == '\n') {
    glyph.shown = {'\\', 'n'};
  } else if (byte == '\r') {
    glyph.shown = {'\\', 'r'};
  } else if (length == 1 && byte >= 0x20 && byte != 0x7F) {
    glyph.shown.assign(1, static_cast<char>(byte));
  } else {
    glyph.shown = {'\\', 'x', kHex[byte >> 4], kHex[byte & 15]};
  }
  glyph.width = glyph.isTab ? 1 : glyph.shown.size();
  return glyph;
}

/// Start of the character that ends at `pos` (> 0).
size_t previousStart(std::string_view line, size_t pos) {
  for (size_t k = 2; k <= 4 && k <= pos; ++k) {
    unsigned char byte = static_cast<unsigned char>(line[pos - k + 1]);
    if ((byte & 0xC0) != 0x80)
      break;
    if (utf8Length(line, pos - k) == k)
      return pos - k;
  }
  return pos - 1;
}

} // namespace

SourceSnippet renderSnippet(std::string_view line, uint32_t beginCol,
                            uint32_t endCol, size_t maxColumns) {
  size_t caret = std::min<size_t>(beginCol > 0 ? beginCol - 1 : 0, line.size());
  size_t end =
      endCol > beginCol ? std::min<size_t>(endCol - 1, line.size()) : caret;

  // Left context first (a third of the width), then everything to the right
  // that fits, then more left context if the line ended early.
  size_t used = 0;
  size_t first = caret;
  auto growLeft = [&](size_t budget) {
    while (first > 0) {
      size_t start = previousStart(line, first);
      size_t width = glyphAt(line, start).width;
      if (used + width > budget)
        break;
      used += width;
      first = start;
    }
  };
  growLeft(maxColumns / 3);
  size_t last = caret;
  while (last < line.size()) {
    Glyph glyph = glyphAt(line, last);
    size_t width = glyph.width;
    // The character under the caret is always shown.
    if (used + width > maxColumns && last != caret)
      break;
    used += width;
    last += glyph.bytes;
  }
  if (last == line.size())
    growLeft(maxColumns);

  SourceSnippet snippet;
  if (first > 0) {
    snippet.line = "...";
    snippet.caret = "   ";
  }
  bool caretPlaced = false;
  for (size_t pos = first; pos < last;) {
    Glyph glyph = glyphAt(line, pos);
    size_t width = glyph.width;
    snippet.line += glyph.shown;
    if (!caretPlaced && pos + glyph.bytes > caret) {
      snippet.caret += '^';
      snippet.caret.append(width - 1, '~');
      caretPlaced = true;
    } else if (!caretPlaced) {
      snippet.caret.append(width, glyph.isTab ? '\t' : ' ');
    } else if (pos < end) {
      snippet.caret.append(width, '~');
    }
    pos += glyph.bytes;
  }
  if (!caretPlaced)
    snippet.caret += '^';
  if (last < line.size())
    snippet.line += "...";
  return snippet;
}

} // namespace sgl::compiler

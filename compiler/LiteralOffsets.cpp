//===- LiteralOffsets.cpp - Decoded bytes of a literal to columns ---------===//
//
// Walks the literal's source text again with the lexer's rules for one
// decoded byte: an escape (`\n`, `\"`) or a doubled brace (`{{`, `}}`) is
// two source bytes, anything else one. Constant literals have no `{name}`.
//
//===----------------------------------------------------------------------===//
#include "compiler/LiteralOffsets.h"

#include <string_view>

namespace sgl::compiler {

SourceLoc sourceLocOfDecodedByte(const StringLiteral &literal,
                                 const SourceManager &sources, size_t offset) {
  const SourceLoc begin = literal.range.begin;
  if (!begin.isValid())
    return begin;
  std::string_view line = sources.lineText(begin.file, begin.line);
  // 0-based position of the first content byte, after `"` or `r"`.
  size_t pos = begin.col - 1 + (literal.raw ? 2 : 1);
  // The closing quote: the literal's last byte.
  size_t closing = literal.range.end.line == begin.line && literal.range.end.col
                       ? literal.range.end.col - 2
                       : line.size();
  if (literal.raw) {
    pos += offset;
  } else {
    for (size_t decoded = 0; decoded < offset && pos < closing; ++decoded) {
      const char c = line[pos];
      const bool twoBytes =
          c == '\\' || ((c == '{' || c == '}') && pos + 1 < line.size() &&
                        line[pos + 1] == c);
      pos += twoBytes ? 2 : 1;
    }
  }
  if (pos > closing)
    pos = closing;
  return SourceLoc{begin.file, begin.line, static_cast<uint32_t>(pos + 1)};
}

} // namespace sgl::compiler

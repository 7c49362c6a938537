//===- SourceMap.h - ANTLR code-point positions to source locations -*- C++
//-*-===//
//
// ANTLR indexes its input by Unicode code point, while diagnostics count
// bytes (as clang does). SourceMap converts between the two for one file.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_PARSE_SOURCEMAP_H
#define SGL_COMPILER_PARSE_SOURCEMAP_H

#include "compiler/SourceLocation.h"

#include <cstddef>
#include <vector>

namespace antlr4 {
class Token;
class ParserRuleContext;
} // namespace antlr4

namespace sgl::compiler::parse {

class SourceMap {
public:
  SourceMap(const SourceManager &sources, uint32_t file);

  /// Location of the code point at `index` (one past the end is allowed).
  SourceLoc locAt(size_t index) const;
  /// The range a token covers.
  SourceRange rangeOf(antlr4::Token *token) const;
  /// The range from the first to the last token of a rule.
  SourceRange rangeOf(antlr4::ParserRuleContext *ctx) const;

  /// Byte offset of the first invalid UTF-8 sequence, or -1 when valid.
  static long firstInvalidUtf8(const std::string &text);

private:
  const SourceManager &sources_;
  uint32_t file_;
  /// Byte offset of each code point, plus the end offset.
  std::vector<uint32_t> byteOffsets_;
};

} // namespace sgl::compiler::parse

#endif // SGL_COMPILER_PARSE_SOURCEMAP_H

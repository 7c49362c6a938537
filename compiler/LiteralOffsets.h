//===- LiteralOffsets.h - Decoded bytes of a literal to columns -*- C++ -*-===//
//
// A check that finds a problem at byte N of a string's decoded text (the
// regex engine's "regex: 3: ...") reports it where that byte was written:
// in `"a\\.b"` decoded byte 2 (`.`) is source column +4, because `\\` is
// two source bytes for one decoded byte. Raw strings map one to one.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_LITERALOFFSETS_H
#define SGL_COMPILER_LITERALOFFSETS_H

#include "compiler/AST.h"
#include "compiler/SourceLocation.h"

#include <cstddef>

namespace sgl::compiler {

/// The source location of byte `offset` of the decoded text of constant
/// literal `literal` (a literal lies on one line). An offset at or past
/// the end of the text is the closing quote.
SourceLoc sourceLocOfDecodedByte(const StringLiteral &literal,
                                 const SourceManager &sources, size_t offset);

} // namespace sgl::compiler

#endif // SGL_COMPILER_LITERALOFFSETS_H

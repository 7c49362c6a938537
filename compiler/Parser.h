//===- Parser.h - .sgl source to AST ----------------------------*- C++ -*-===//
//
// The one entry point into the ANTLR-generated parser. Callers see no ANTLR
// types and no exceptions: syntax errors go to the DiagnosticEngine.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_PARSER_H
#define SGL_COMPILER_PARSER_H

#include "compiler/AST.h"
#include "compiler/Diagnostics.h"

namespace sgl::compiler {

/// Parses file `fileId` of `sources` and appends its programs to `module`.
/// Returns false when a syntax error left no AST to check; lexical errors
/// found while building the AST (bad escapes, huge integers) are reported
/// but the AST is still complete enough for Sema.
bool parseFile(uint32_t fileId, const SourceManager &sources,
               DiagnosticEngine &diags, Module &module);

} // namespace sgl::compiler

#endif // SGL_COMPILER_PARSER_H

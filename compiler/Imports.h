//===- Imports.h - Load the files a .sgl file imports -----------*- C++ -*-===//
//
// `import "lib.sgl"` makes the programs and types of another file callable
// and usable here. Paths are relative to the importing file (to the working
// directory for standard input); a file imported twice, directly or
// through others, is loaded once; a cycle of imports is an error.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_IMPORTS_H
#define SGL_COMPILER_IMPORTS_H

#include "compiler/AST.h"
#include "compiler/Diagnostics.h"

namespace sgl::compiler {

/// Loads the imports of `module` (parsed from file `fileId`) and of the
/// files they import, appending their programs (marked `imported`) and
/// types to `module`. A missing or unreadable file, a path that is not a
/// constant string and an import cycle are errors at the import's path.
/// Returns false when any error was reported.
bool loadImports(Module &module, uint32_t fileId, SourceManager &sources,
                 DiagnosticEngine &diags);

} // namespace sgl::compiler

#endif // SGL_COMPILER_IMPORTS_H

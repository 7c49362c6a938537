//===- GenOptions.h - Validation of `gen` options ---------------*- C++ -*-===//
//
// The table of options `gen` accepts, their types and ranges, kept apart from
// name resolution so adding an option touches one file.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_GENOPTIONS_H
#define SGL_COMPILER_GENOPTIONS_H

#include "compiler/AST.h"
#include "compiler/Diagnostics.h"

namespace sgl::compiler {

/// Validates `gen.options` and fills `gen.params`; reports unknown,
/// duplicate, ill-typed and out-of-range options.
void checkGenOptions(GenStmt &gen, DiagnosticEngine &diags);

/// The option names `gen` accepts, comma separated, for messages and docs.
const char *genOptionNames();

} // namespace sgl::compiler

#endif // SGL_COMPILER_GENOPTIONS_H

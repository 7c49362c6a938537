//===- Sema.h - Name resolution and checks on the AST -----------*- C++ -*-===//
//
// Sema resolves every name to an argument or an earlier capture, assigns
// capture indices, and validates gen options into GenParams. It reports
// every problem it finds (not just the first) to the DiagnosticEngine.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_SEMA_H
#define SGL_COMPILER_SEMA_H

#include "compiler/AST.h"
#include "compiler/Diagnostics.h"

namespace sgl::compiler {

/// Checks and annotates `module` in place. Returns false when an error was
/// reported.
bool checkModule(Module &module, DiagnosticEngine &diags);

} // namespace sgl::compiler

#endif // SGL_COMPILER_SEMA_H

//===- DiagnosticBridge.h - MLIR diagnostics in clang style -----*- C++ -*-===//
//
// Routes diagnostics emitted by MLIRGen, verifiers and passes through the
// front end's DiagnosticEngine, so every error sglc prints has the same
// file:line:col + source line + caret shape.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_MLIR_DIAGNOSTICBRIDGE_H
#define SGL_COMPILER_MLIR_DIAGNOSTICBRIDGE_H

#include "compiler/Diagnostics.h"

#include "mlir/IR/Diagnostics.h"

namespace sgl::compiler {

/// Installs a handler on `context` for its lifetime. While installed, the
/// context does not attach the offending operation (in generic form) or a
/// stack trace to diagnostics: users see the message at the source
/// location the op came from, never IR.
class DiagnosticBridge {
public:
  DiagnosticBridge(mlir::MLIRContext &context, const SourceManager &sources,
                   DiagnosticEngine &diags);
  ~DiagnosticBridge();
  DiagnosticBridge(const DiagnosticBridge &) = delete;
  DiagnosticBridge &operator=(const DiagnosticBridge &) = delete;

private:
  mlir::MLIRContext &context_;
  mlir::DiagnosticEngine::HandlerID handler_;
  /// The context's settings before the bridge, restored by the destructor.
  bool printedOp_;
  bool printedStackTrace_;
};

} // namespace sgl::compiler

#endif // SGL_COMPILER_MLIR_DIAGNOSTICBRIDGE_H

//===- DiagnosticBridge.cpp - MLIR diagnostics in clang style -------------===//

#include "compiler/mlir/DiagnosticBridge.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"

namespace sgl::compiler {

namespace {

/// The first file:line:col inside `loc` (fused and call-site locations
/// included), or nullptr.
mlir::FileLineColLoc findFileLoc(mlir::Location loc) {
  mlir::FileLineColLoc found;
  loc->walk([&](mlir::Location inner) {
    if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(inner)) {
      found = file;
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  return found;
}

SourceRange toRange(mlir::Location loc, const SourceManager &sources) {
  mlir::FileLineColLoc file = findFileLoc(loc);
  if (!file)
    return {};
  // sglc compiles one file; locations name it by the path it was opened with.
  for (uint32_t id = 0; id < sources.size(); ++id) {
    if (sources.name(id) == file.getFilename().strref()) {
      SourceLoc begin{id, file.getLine(), file.getColumn()};
      return {begin, begin};
    }
  }
  return {};
}

Severity toSeverity(mlir::DiagnosticSeverity severity) {
  switch (severity) {
  case mlir::DiagnosticSeverity::Error:
    return Severity::Error;
  case mlir::DiagnosticSeverity::Warning:
    return Severity::Warning;
  default:
    return Severity::Note;
  }
}

} // namespace

DiagnosticBridge::DiagnosticBridge(mlir::MLIRContext &context,
                                   const SourceManager &sources,
                                   DiagnosticEngine &diags)
    : context_(context), printedOp_(context.shouldPrintOpOnDiagnostic()),
      printedStackTrace_(context.shouldPrintStackTraceOnDiagnostic()) {
  // A verifier failure would otherwise carry a "see current operation:"
  // note holding the op in generic form.
  context.printOpOnDiagnostic(false);
  context.printStackTraceOnDiagnostic(false);
  handler_ = context.getDiagEngine().registerHandler(
      [&sources, &diags](mlir::Diagnostic &diag) {
        diags.report(toSeverity(diag.getSeverity()),
                     toRange(diag.getLocation(), sources), diag.str());
        for (mlir::Diagnostic &note : diag.getNotes())
          diags.report(Severity::Note, toRange(note.getLocation(), sources),
                       note.str());
        return mlir::success();
      });
}

DiagnosticBridge::~DiagnosticBridge() {
  context_.getDiagEngine().eraseHandler(handler_);
  context_.printOpOnDiagnostic(printedOp_);
  context_.printStackTraceOnDiagnostic(printedStackTrace_);
}

} // namespace sgl::compiler

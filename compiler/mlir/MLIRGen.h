//===- MLIRGen.h - Lower the checked AST to the sgl dialect -----*- C++ -*-===//
//
// Turns a module that Sema accepted into an MLIR module of `sgl.program`
// ops. Every op carries the FileLineColLoc of the AST node it came from.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_MLIR_MLIRGEN_H
#define SGL_COMPILER_MLIR_MLIRGEN_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace sgl::compiler {

struct Module;
class SourceManager;

/// Emits the sgl dialect for `module`, which must have passed Sema (names
/// resolved, GenParams filled, capture indices set). Loads the sgl dialect
/// into `context`. Returns nullptr after reporting errors through the
/// context's diagnostic engine (with the AST node's location), including
/// any failure of `mlir::verify` on the result.
mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &context,
                                          const Module &module,
                                          const SourceManager &sources);

} // namespace sgl::compiler

#endif // SGL_COMPILER_MLIR_MLIRGEN_H

//===- SGLPasses.h - Passes over the sgl dialect ----------------*- C++ -*-===//
#ifndef SGL_DIALECT_SGLPASSES_H
#define SGL_DIALECT_SGLPASSES_H

#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace sgl::dialect {

#define GEN_PASS_DECL
#include "sgl/SGLPasses.h.inc"

/// Adds the `sgl.text` folding patterns (merge adjacent text, drop empty
/// text); shared by `-canonicalize` and `-sgl-fold-text`.
void populateFoldTextPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "sgl/SGLPasses.h.inc"

} // namespace sgl::dialect

#endif // SGL_DIALECT_SGLPASSES_H

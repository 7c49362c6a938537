//===- Pipeline.h - The pass pipeline sglc runs -----------------*- C++ -*-===//
#ifndef SGL_COMPILER_MLIR_PIPELINE_H
#define SGL_COMPILER_MLIR_PIPELINE_H

namespace mlir {
class PassManager;
} // namespace mlir

namespace sgl::compiler {

/// Adds the passes sglc runs between MLIRGen and plan translation, in order.
void buildPipeline(mlir::PassManager &pm);

} // namespace sgl::compiler

#endif // SGL_COMPILER_MLIR_PIPELINE_H

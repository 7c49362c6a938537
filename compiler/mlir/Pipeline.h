//===- Pipeline.h - The pass pipeline sglc runs -----------------*- C++ -*-===//
#ifndef SGL_COMPILER_MLIR_PIPELINE_H
#define SGL_COMPILER_MLIR_PIPELINE_H

#include <set>
#include <string>
#include <vector>

namespace mlir {
class PassManager;
} // namespace mlir

namespace sgl::compiler {

/// The flags of the passes sglc runs, in order ("sgl-fold-text", ...).
std::vector<std::string> pipelinePassNames();

/// Adds the passes sglc runs between MLIRGen and plan translation, in
/// order, less those named in `disabled` (flags of pipelinePassNames()).
void buildPipeline(mlir::PassManager &pm,
                   const std::set<std::string> &disabled = {});

} // namespace sgl::compiler

#endif // SGL_COMPILER_MLIR_PIPELINE_H

//===- Pipeline.cpp - The pass pipeline sglc runs -------------------------===//

#include "compiler/mlir/Pipeline.h"

#include "sgl/SGLPasses.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace sgl::compiler {

void buildPipeline(mlir::PassManager &pm) {
  // Constant text first, so later passes see whole static stretches.
  pm.addPass(dialect::createSGLFoldText());
  pm.addPass(mlir::createCanonicalizerPass());
}

} // namespace sgl::compiler

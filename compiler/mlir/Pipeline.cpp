//===- Pipeline.cpp - The pass pipeline sglc runs -------------------------===//

#include "compiler/mlir/Pipeline.h"

#include "sgl/SGLPasses.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include <functional>
#include <memory>
#include <utility>

namespace sgl::compiler {
namespace {

using PassFactory = std::function<std::unique_ptr<mlir::Pass>()>;

/// The pipeline, by flag. Constant text first, so later passes see whole
/// static stretches.
std::vector<std::pair<std::string, PassFactory>> pipeline() {
  return {
      {"sgl-fold-text", [] { return dialect::createSGLFoldText(); }},
      {"canonicalize", [] { return mlir::createCanonicalizerPass(); }},
  };
}

} // namespace

std::vector<std::string> pipelinePassNames() {
  std::vector<std::string> names;
  for (auto &[name, factory] : pipeline())
    names.push_back(name);
  return names;
}

void buildPipeline(mlir::PassManager &pm,
                   const std::set<std::string> &disabled) {
  for (auto &[name, factory] : pipeline())
    if (!disabled.count(name))
      pm.addPass(factory());
}

} // namespace sgl::compiler

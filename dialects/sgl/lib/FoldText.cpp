//===- FoldText.cpp - The sgl-fold-text pass ------------------------------===//
//
// Runs the sgl.text folding patterns greedily over a module, on their own.
//
//===----------------------------------------------------------------------===//
#include "sgl/SGLOps.h"
#include "sgl/SGLPasses.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace sgl::dialect {
#define GEN_PASS_DEF_SGLFOLDTEXT
#include "sgl/SGLPasses.h.inc"
} // namespace sgl::dialect

using namespace mlir;

namespace {

struct SGLFoldTextPass : sgl::dialect::impl::SGLFoldTextBase<SGLFoldTextPass> {
  using SGLFoldTextBase::SGLFoldTextBase;

  void runOnOperation() final {
    RewritePatternSet patterns(&getContext());
    sgl::dialect::populateFoldTextPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

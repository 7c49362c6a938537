//===- TextCanonicalization.cpp - Folding of constant sgl.text ------------===//
//
// Two rewrites on `sgl.text`, used by `-canonicalize` (through
// TextOp::getCanonicalizationPatterns) and by `-sgl-fold-text`:
//   * MergeAdjacentText: text(text(%c, "a"), "b") -> text(%c, "ab") when the
//     inner op has no other use; the location fuses both pieces.
//   * DropEmptyText: text(%c, "") -> %c.
//
//===----------------------------------------------------------------------===//
#include "sgl/SGLOps.h"
#include "sgl/SGLPasses.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace sgl::dialect;

namespace {

struct MergeAdjacentText : OpRewritePattern<TextOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TextOp outer,
                                PatternRewriter &rewriter) const final {
    auto inner = outer.getCtx().getDefiningOp<TextOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(outer,
                                         "context does not come from sgl.text");
    // Another user would still need the prompt as it was after `inner`.
    if (!inner->hasOneUse())
      return rewriter.notifyMatchFailure(outer,
                                         "inner sgl.text has other uses");

    std::string merged = (inner.getText() + outer.getText()).str();
    Location loc = rewriter.getFusedLoc({inner.getLoc(), outer.getLoc()});
    auto folded = TextOp::create(rewriter, loc, inner.getCtx(), merged);
    rewriter.replaceOp(outer, folded.getResult());
    rewriter.eraseOp(inner);
    return success();
  }
};

struct DropEmptyText : OpRewritePattern<TextOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TextOp op,
                                PatternRewriter &rewriter) const final {
    if (!op.getText().empty())
      return rewriter.notifyMatchFailure(op, "text is not empty");
    rewriter.replaceOp(op, op.getCtx());
    return success();
  }
};

} // namespace

void sgl::dialect::populateFoldTextPatterns(RewritePatternSet &patterns) {
  patterns.add<MergeAdjacentText, DropEmptyText>(patterns.getContext());
}

void TextOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                         MLIRContext *context) {
  populateFoldTextPatterns(patterns);
}

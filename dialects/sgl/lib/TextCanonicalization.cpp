//===- TextCanonicalization.cpp - Folding of constant sgl.text ------------===//
//
// Two rewrites on `sgl.text`, used by `-canonicalize` (through
// TextOp::getCanonicalizationPatterns) and by `-sgl-fold-text`:
//   * MergeTextRun: a chain text(text(text(%c, "a"), "b"), "c") in which
//     every op but the last has no other use becomes text(%c, "abc") in one
//     rewrite, whichever op of the chain the driver visits first. Merging
//     the whole run at once keeps folding linear in the number of pieces:
//     pairwise merging copied the growing string (and grew a FusedLoc)
//     once per piece. The location fuses the pieces' locations, first
//     piece first, keeping at most kMaxMergedLocations of them.
//   * DropEmptyText: text(%c, "") -> %c.
//
//===----------------------------------------------------------------------===//
#include "sgl/SGLOps.h"
#include "sgl/SGLPasses.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallVector.h"

using namespace mlir;
using namespace sgl::dialect;

namespace {

/// A merged op's FusedLoc keeps the locations of its first pieces only: the
/// plan and diagnostics use the first one, and a run of thousands of
/// pieces must not carry thousands of locations.
constexpr size_t kMaxMergedLocations = 8;

/// The sgl.text before `op` in its run: the op defining `op`'s context,
/// when `op` is its only user and both are in the same block.
TextOp previousInRun(TextOp op) {
  auto previous = op.getCtx().getDefiningOp<TextOp>();
  if (!previous || !previous->hasOneUse() ||
      previous->getBlock() != op->getBlock())
    return nullptr;
  return previous;
}

/// The sgl.text after `op` in its run: the only user of `op`'s context,
/// when that is an sgl.text in the same block.
TextOp nextInRun(TextOp op) {
  if (!op->hasOneUse())
    return nullptr;
  auto next = dyn_cast<TextOp>(*op->user_begin());
  if (!next || next->getBlock() != op->getBlock())
    return nullptr;
  return next;
}

/// Adds `loc` (or, for a plain FusedLoc, its parts) to `locs` while there is
/// room; repeated locations are kept once.
void addLocation(Location loc, llvm::SetVector<Location> &locs) {
  if (auto fused = dyn_cast<FusedLoc>(loc); fused && !fused.getMetadata()) {
    for (Location part : fused.getLocations())
      if (locs.size() < kMaxMergedLocations)
        locs.insert(part);
    return;
  }
  if (locs.size() < kMaxMergedLocations)
    locs.insert(loc);
}

struct MergeTextRun : OpRewritePattern<TextOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TextOp op,
                                PatternRewriter &rewriter) const final {
    TextOp first = op;
    while (TextOp previous = previousInRun(first))
      first = previous;
    llvm::SmallVector<TextOp> run{first};
    while (TextOp next = nextInRun(run.back()))
      run.push_back(next);
    if (run.size() < 2)
      return rewriter.notifyMatchFailure(
          op, "no adjacent sgl.text without other uses");

    size_t size = 0;
    for (TextOp piece : run)
      size += piece.getText().size();
    std::string merged;
    merged.reserve(size);
    llvm::SetVector<Location> locs;
    for (TextOp piece : run) {
      merged += piece.getText();
      addLocation(piece.getLoc(), locs);
    }

    TextOp last = run.back();
    rewriter.setInsertionPoint(last);
    auto folded =
        TextOp::create(rewriter, rewriter.getFusedLoc(locs.getArrayRef()),
                       first.getCtx(), merged);
    rewriter.replaceOp(last, folded.getResult());
    // Each remaining piece's only user was the next one: erase back to front.
    for (TextOp piece : llvm::reverse(llvm::ArrayRef(run).drop_back()))
      rewriter.eraseOp(piece);
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
  patterns.add<MergeTextRun, DropEmptyText>(patterns.getContext());
}

void TextOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                         MLIRContext *context) {
  populateFoldTextPatterns(patterns);
}

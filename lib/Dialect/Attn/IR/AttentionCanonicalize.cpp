//===- AttentionCanonicalize.cpp - attn.attention canonical forms ---------===//
//
// Regions are opaque to the tile-skipping analysis of the lowering, so a
// region that is exactly a named mask is rewritten into the attribute, and a
// region that changes nothing is dropped.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attn;

namespace {
/// True when `cmp` computes `j <= i` for the given block arguments, spelled
/// `j <= i` or `i >= j`, signed or unsigned.
bool isKeyBeforeQuery(arith::CmpIOp cmp, Value i, Value j) {
  using P = arith::CmpIPredicate;
  Value lhs = cmp.getLhs(), rhs = cmp.getRhs();
  P pred = cmp.getPredicate();
  if (lhs == j && rhs == i)
    return pred == P::sle || pred == P::ule;
  if (lhs == i && rhs == j)
    return pred == P::sge || pred == P::uge;
  return false;
}

/// mask_mod { j <= i } -> causal.
struct CausalMaskModToAttr : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    Region &region = op.getMaskMod();
    if (region.empty())
      return failure();
    Block &block = region.front();
    auto yield = cast<YieldOp>(block.getTerminator());
    auto cmp = yield.getValue().getDefiningOp<arith::CmpIOp>();
    // The body must be the comparison alone: anything else would be a
    // different mask.
    if (!cmp || cmp->getBlock() != &block ||
        std::next(block.begin()) != Block::iterator(yield) ||
        !isKeyBeforeQuery(cmp, block.getArgument(2), block.getArgument(3)))
      return failure();
    rewriter.eraseBlock(&block);
    rewriter.modifyOpInPlace(op, [&] { op.setCausal(true); });
    return success();
  }
};

/// score_mod { yield %s } -> no score_mod.
struct DropIdentityScoreMod : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    Region &region = op.getScoreMod();
    if (region.empty())
      return failure();
    Block &block = region.front();
    auto yield = cast<YieldOp>(block.getTerminator());
    if (yield.getValue() != block.getArgument(0))
      return failure();
    rewriter.eraseBlock(&block);
    return success();
  }
};
} // namespace

void AttentionOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<CausalMaskModToAttr, DropIdentityScoreMod>(context);
}

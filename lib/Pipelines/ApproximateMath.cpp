//===- ApproximateMath.cpp - polynomial math for vector code --------------===//

#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNAPPROXIMATEMATH
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

#include <cmath>

namespace {
/// exp2(x) -> exp(x * ln 2) on f32: upstream approximates exp but not exp2,
/// and the range reduction inside the exp approximation makes the extra
/// multiply nearly free.
struct Exp2ToExp : OpRewritePattern<math::Exp2Op> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::Exp2Op op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return failure();
    Location loc = op.getLoc();
    Value ln2 = arith::ConstantOp::create(
        rewriter, loc, type,
        DenseElementsAttr::get(isa<VectorType>(type)
                                   ? cast<ShapedType>(type)
                                   : RankedTensorType::get({}, type),
                               rewriter.getF32FloatAttr(M_LN2)));
    if (!isa<VectorType>(type))
      ln2 = arith::ConstantOp::create(rewriter, loc,
                                      rewriter.getF32FloatAttr(M_LN2));
    Value scaled = arith::MulFOp::create(rewriter, loc, op.getOperand(), ln2,
                                         op.getFastmath());
    rewriter.replaceOpWithNewOp<math::ExpOp>(op, scaled, op.getFastmath());
    return success();
  }
};

struct AttnApproximateMathPass
    : mlir::attn::impl::AttnApproximateMathBase<AttnApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<Exp2ToExp>(&getContext());
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace

//===- ApproximateMath.cpp - polynomial math for vector code --------------===//

#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
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

/// An f32 unary math op as an NVVM intrinsic, lane by lane on vectors, with
/// its operand scaled by `inputScale` first (exp(x) = ex2(x log2 e)); with
/// `tanh`, 1 - 2 / (ex2(2 x log2 e) + 1) (LLVM has no tanh.approx
/// intrinsic; the absolute error stays near 1e-7).
template <typename MathOp> struct ToNvvmIntrinsic : OpRewritePattern<MathOp> {
  ToNvvmIntrinsic(MLIRContext *context, StringRef intrinsic,
                  double inputScale = 1.0, bool tanh = false)
      : OpRewritePattern<MathOp>(context), intrinsic(intrinsic),
        inputScale(inputScale), tanh(tanh) {}

  LogicalResult matchAndRewrite(MathOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return failure();
    Location loc = op.getLoc();
    auto scalar = [&](Value x) -> Value {
      if (inputScale != 1.0)
        x = arith::MulFOp::create(
            rewriter, loc, x,
            arith::ConstantOp::create(rewriter, loc,
                                      rewriter.getF32FloatAttr(inputScale)));
      Value y = LLVM::CallIntrinsicOp::create(
                    rewriter, loc, rewriter.getF32Type(),
                    rewriter.getStringAttr(intrinsic), ValueRange{x})
                    .getResult(0);
      if (!tanh)
        return y;
      auto one = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getF32FloatAttr(1.0));
      auto two = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getF32FloatAttr(2.0));
      return arith::SubFOp::create(
          rewriter, loc, one,
          arith::DivFOp::create(rewriter, loc, two,
                                arith::AddFOp::create(rewriter, loc, y, one)));
    };
    auto vt = dyn_cast<VectorType>(type);
    if (!vt) {
      rewriter.replaceOp(op, scalar(op.getOperand()));
      return success();
    }
    if (vt.getRank() != 1 || vt.isScalable())
      return failure();
    SmallVector<Value> lanes;
    for (int64_t l = 0; l < vt.getNumElements(); ++l)
      lanes.push_back(scalar(vector::ExtractOp::create(
          rewriter, loc, op.getOperand(), ArrayRef<int64_t>{l})));
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(op, vt, lanes);
    return success();
  }

  std::string intrinsic;
  double inputScale;
  bool tanh;
};

struct AttnApproximateMathPass
    : mlir::attn::impl::AttnApproximateMathBase<AttnApproximateMathPass> {
  using AttnApproximateMathBase::AttnApproximateMathBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (nvptx) {
      MLIRContext *context = &getContext();
      patterns.add<ToNvvmIntrinsic<math::Exp2Op>>(context,
                                                  "llvm.nvvm.ex2.approx.f32");
      patterns.add<ToNvvmIntrinsic<math::ExpOp>>(
          context, "llvm.nvvm.ex2.approx.f32", M_LOG2E);
      patterns.add<ToNvvmIntrinsic<math::Log2Op>>(context,
                                                  "llvm.nvvm.lg2.approx.f");
      patterns.add<ToNvvmIntrinsic<math::TanhOp>>(
          context, "llvm.nvvm.ex2.approx.f32", 2.0 * M_LOG2E, /*tanh=*/true);
    } else {
      patterns.add<Exp2ToExp>(&getContext());
      populateMathPolynomialApproximationPatterns(patterns);
    }
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace

//===- ApproximateMath.cpp - polynomial math for vector code --------------===//

#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNAPPROXIMATEMATH
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

#include <cmath>

namespace {
/// exp2(x) on f32 (scalars and vectors) without going through exp: the
/// product x ln 2 that exp(x ln 2) needs rounds x's argument and costs up
/// to 35 ulp near x = -126. Instead
///
///   n = floor(x), f = x - n in [0, 1) (exact),
///   exp2(x) = p(f) * 2^n,
///
/// with p a degree-6 polynomial fitted to 2^f for relative error, in
/// Horner form with FMAs. Measured bound (exp2-error-bound.mlir and
/// exp2-error-bound-avx512.test in test/Pipelines): relative error below
/// 1e-7 (under one ulp) wherever the result is normal, x in [-126, 128);
/// exp2(-inf) = 0, exp2(x >= 128) = +inf, NaN stays NaN.
///
/// How 2^n is applied depends on the target:
/// - portable: 2^n is built in the exponent bits, n clamped to [-127, 128],
///   and the infinities are selected afterwards; results below 2^-126 are
///   flushed to 0 (absolute error below 2^-126).
/// - `scalef` (AVX-512, vectors of 16 lanes): x is clamped to [-160, 129]
///   first (which keeps NaN, and sends -inf to 0 and +inf to +inf), and
///   vscalefps multiplies by 2^n with IEEE overflow and gradual underflow:
///   six instructions fewer per exponential of the softmax, and results
///   below 2^-126 are the rounded subnormals instead of 0.
struct Exp2Polynomial : OpRewritePattern<math::Exp2Op> {
  Exp2Polynomial(MLIRContext *context, bool scalef)
      : OpRewritePattern(context), scalef(scalef) {}

  LogicalResult matchAndRewrite(math::Exp2Op op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return failure();
    auto vt = dyn_cast<VectorType>(type);
    if (vt && (vt.getRank() != 1 || vt.isScalable()))
      return failure();
    Location loc = op.getLoc();
    ImplicitLocOpBuilder b(loc, rewriter);
    Type i32 = vt ? Type(VectorType::get(vt.getShape(), b.getI32Type()))
                  : Type(b.getI32Type());
    auto f32 = [&](double v) -> Value {
      TypedAttr attr = b.getF32FloatAttr(v);
      if (vt)
        attr = DenseElementsAttr::get(vt, attr);
      return arith::ConstantOp::create(b, attr);
    };
    auto i32Const = [&](int32_t v) -> Value {
      TypedAttr attr = b.getI32IntegerAttr(v);
      if (vt)
        attr = DenseElementsAttr::get(cast<ShapedType>(i32), attr);
      return arith::ConstantOp::create(b, attr);
    };
    // 2^f on [0, 1), highest degree first (fitted for relative error;
    // 0.55 ulp in f32 Horner evaluation).
    static constexpr float kCoefficients[] = {2.1702121011912823e-04f,
                                              1.243968727067113e-03f,
                                              9.678846225142479e-03f,
                                              5.548333749175072e-02f,
                                              2.4022984504699707e-01f,
                                              6.931470036506653e-01f,
                                              1.0f};
    auto polynomial = [&](Value f) {
      Value p = f32(kCoefficients[0]);
      for (float c : ArrayRef(kCoefficients).drop_front())
        p = math::FmaOp::create(b, p, f, f32(c));
      return p;
    };
    Value x = op.getOperand();
    if (scalef && vt && vt.getNumElements() == 16) {
      // select(x < lo, lo, x) is maxps(lo, x): a NaN x stays x.
      auto clamp = [&](Value v, double bound, arith::CmpFPredicate pred) {
        Value c = f32(bound);
        return arith::SelectOp::create(b, arith::CmpFOp::create(b, pred, v, c),
                                       c, v);
      };
      Value xc = clamp(clamp(x, -160.0, arith::CmpFPredicate::OLT), 129.0,
                       arith::CmpFPredicate::OGT);
      Value n = math::FloorOp::create(b, xc);
      Value p = polynomial(arith::SubFOp::create(b, xc, n));
      // Operands: a, b, pass-through, lane mask (all lanes), rounding
      // (4: the current mode).
      Value all = arith::ConstantOp::create(b, b.getI16IntegerAttr(-1));
      Value current = arith::ConstantOp::create(b, b.getI32IntegerAttr(4));
      Value scaled =
          LLVM::CallIntrinsicOp::create(
              b, type, b.getStringAttr("llvm.x86.avx512.mask.scalef.ps.512"),
              ValueRange{p, n, p, all, current})
              .getResult(0);
      rewriter.replaceOp(op, scaled);
      return success();
    }
    Value n = math::FloorOp::create(b, x);
    Value p = polynomial(arith::SubFOp::create(b, x, n));
    // 2^n for n in [-127, 128]: biased exponent 0 (the scale is 0) to 255
    // (the scale is +inf). maxnumf/minnumf turn a NaN n into a bound, and
    // the NaN of f carries through the product.
    Value clamped = arith::MinNumFOp::create(
        b, arith::MaxNumFOp::create(b, n, f32(-127.0)), f32(128.0));
    Value biased = arith::AddIOp::create(
        b, arith::FPToSIOp::create(b, i32, clamped), i32Const(127));
    Value scale = arith::BitcastOp::create(
        b, type, arith::ShLIOp::create(b, biased, i32Const(23)));
    Value result = arith::MulFOp::create(b, p, scale);
    // +-inf make f NaN: their results are set here.
    Value below =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, x, f32(-127.0));
    Value above =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OGE, x, f32(128.0));
    result = arith::SelectOp::create(b, below, f32(0.0), result);
    result = arith::SelectOp::create(b, above, f32(INFINITY), result);
    rewriter.replaceOp(op, result);
    return success();
  }

  bool scalef;
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

/// A math op on f32 scalars as a call of the LLVM intrinsic `name` of the
/// same semantics (convert-gpu-to-nvvm would turn the intrinsic ops into
/// libdevice calls too).
template <typename MathOp> struct ToLLVMIntrinsic : OpRewritePattern<MathOp> {
  ToLLVMIntrinsic(MLIRContext *context, StringRef name)
      : OpRewritePattern<MathOp>(context), name(name) {}
  LogicalResult matchAndRewrite(MathOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getType().isF32())
      return failure();
    rewriter.replaceOp(op, LLVM::CallIntrinsicOp::create(
                               rewriter, op.getLoc(), op.getType(),
                               rewriter.getStringAttr(name), op->getOperands())
                               .getResults());
    return success();
  }
  std::string name;
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
      // Correctly rounded (sqrt.rn), like math.sqrt on the CPU.
      patterns.add<ToNvvmIntrinsic<math::SqrtOp>>(context,
                                                  "llvm.nvvm.sqrt.rn.f");
      // The math of the linalg kernels (GELU's erf, LayerNorm's rsqrt, the
      // bilinear sampler's floor) without libdevice: LLVM intrinsics that
      // NVPTX selects to one instruction, expansions, and the polynomials
      // of the CPU, on f32 (f16 and bf16 math is computed in f32).
      patterns.add<ToLLVMIntrinsic<math::FloorOp>>(context, "llvm.floor.f32");
      patterns.add<ToLLVMIntrinsic<math::CeilOp>>(context, "llvm.ceil.f32");
      patterns.add<ToLLVMIntrinsic<math::TruncOp>>(context, "llvm.trunc.f32");
      patterns.add<ToLLVMIntrinsic<math::RoundOp>>(context, "llvm.round.f32");
      patterns.add<ToLLVMIntrinsic<math::RoundEvenOp>>(context,
                                                       "llvm.roundeven.f32");
      patterns.add<ToLLVMIntrinsic<math::AbsFOp>>(context, "llvm.fabs.f32");
      patterns.add<ToLLVMIntrinsic<math::CopySignOp>>(context,
                                                      "llvm.copysign.f32");
      patterns.add<ToLLVMIntrinsic<math::FmaOp>>(context, "llvm.fma.f32");
      patterns.add<ToLLVMIntrinsic<arith::MaximumFOp>>(context,
                                                       "llvm.maximum.f32");
      patterns.add<ToLLVMIntrinsic<arith::MinimumFOp>>(context,
                                                       "llvm.minimum.f32");
      patterns.add<ToLLVMIntrinsic<arith::MaxNumFOp>>(context,
                                                      "llvm.maxnum.f32");
      patterns.add<ToLLVMIntrinsic<arith::MinNumFOp>>(context,
                                                      "llvm.minnum.f32");
      math::populateExpansionPatterns(patterns, {"rsqrt", "powf", "fpowi"});
      auto notIntrinsic = [](StringRef name) {
        name.consume_front("math.");
        return !llvm::is_contained(
            ArrayRef<StringRef>{"exp", "exp2", "log2", "tanh", "sqrt"}, name);
      };
      populateMathF32ExpansionPatterns(patterns, notIntrinsic);
      populateMathPolynomialApproximationPatterns(patterns, notIntrinsic);
    } else {
      patterns.add<Exp2Polynomial>(&getContext(), avx512);
      populateMathPolynomialApproximationPatterns(patterns);
    }
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace

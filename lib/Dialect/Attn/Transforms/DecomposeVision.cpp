//===- DecomposeVision.cpp - vision attention ops to attn.attention -------===//
//
// attn.non_local and attn.channel_self are attention over the positions and
// over the channels of an NCHW feature map; both become one fused
// attn.attention on single-head views of the map, so neither the HW x HW
// nor the C x C affinity is materialised. attn.spatial_transformer has no
// attention: it becomes one linalg.generic that samples the input.
//
// non_local (x3 = x as [N, C, P], P = H*W):
//   theta[n,p,i] = sum_c x3[n,c,p] w_theta[c,i]        phi, g likewise
//   y            = attn.attention theta, phi, g {scale = 1.0}  [N,1,P,Ci]
//   z[n,c,h,w]   = x[n,c,h,w] + sum_i y[n,h*W+w,i] w_z[i,c] (onto a copy of x)
//
// channel_self (A = x as [N, 1, C, P]):
//   softmax_row(max_row(E) - E) = softmax_row(-E) because softmax is
//   invariant to a per-row shift, and -E = (-A) A^T, so
//   o = attn.attention -A, A, A {scale = 1.0}; y = gamma * o + x.
//   The attention's scale must be positive, hence the negated query; its
//   online softmax subtracts the running row maximum, so -E of any
//   magnitude stays finite.
//
//===----------------------------------------------------------------------===//

#include "DecomposeUtils.h"

#include "attn/Dialect/Attn/Transforms/Decompose.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::decompose;

namespace {
int64_t staticDim(Value v, int64_t d) {
  return cast<RankedTensorType>(v.getType()).getDimSize(d);
}

/// [N, C, H, W] -> [N, C, H*W].
Value flattenPositions(OpBuilder &b, Location loc, Value x) {
  return collapse(b, loc, x, {{0}, {1}, {2, 3}});
}

/// [N, C, H*W] -> [N, C, H, W] with the sizes of `like` (an NCHW tensor),
/// cast to `type`.
Value unflattenPositions(OpBuilder &b, Location loc, Value x3, Value like,
                         RankedTensorType type) {
  Value x = expand(b, loc, x3,
                   {dimOf(b, loc, like, 0), dimOf(b, loc, like, 1),
                    dimOf(b, loc, like, 2), dimOf(b, loc, like, 3)},
                   {{0}, {1}, {2, 3}});
  return castTo(b, loc, x, type.getShape());
}

struct DecomposeNonLocal : OpRewritePattern<NonLocalOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(NonLocalOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value x = op.getInput();
    int64_t c = staticDim(x, 1), ci = op.getInnerDim();
    Value x3 = flattenPositions(rewriter, loc, x);
    OpFoldResult n = dimOf(rewriter, loc, x3, 0);
    OpFoldResult p = dimOf(rewriter, loc, x3, 2);

    // x3 [N,C,P] . W [C,Ci] -> [N,1,P,Ci]; loops (n, p, c, i), the
    // contiguous output dimension innermost.
    auto project = [&](Value w) {
      Value proj =
          contract(rewriter, loc, {x3, castTo(rewriter, loc, w, {c, ci})},
                   {loopMap(ctx, 4, {0, 2, 1}), loopMap(ctx, 4, {2, 3}),
                    loopMap(ctx, 4, {0, 1, 3})},
                   {kPar, kPar, kRed, kPar}, {n, p, rewriter.getIndexAttr(ci)});
      return asSingleHead(rewriter, loc, proj, ci);
    };
    Value theta = project(op.getWTheta());
    Value phi = project(op.getWPhi());
    Value g = project(op.getWG());
    // f = softmax_q(theta_p . phi_q): unscaled.
    Value y = attention(rewriter, loc, theta, phi, g, /*scale=*/1.0f).output;
    // y [N,1,P,Ci] -> [N,H,W,Ci].
    Value y4 =
        expand(rewriter, loc, collapse(rewriter, loc, y, {{0, 1}, {2}, {3}}),
               {n, dimOf(rewriter, loc, x, 2), dimOf(rewriter, loc, x, 3),
                rewriter.getIndexAttr(ci)},
               {{0}, {1, 2}, {3}});

    // z[n,c,h,w] = x[n,c,h,w] + sum_i y4[n,h,w,i] w_z[i,c]: a copy of the
    // input is the accumulator's initial value, which adds the residual.
    // The copy is explicit because bufferization would otherwise write the
    // sums into the caller's input buffer (arguments are const in the C
    // ABI). Written in NCHW, the result's buffer is the one the caller
    // passes for it. Loops (n, c, h, i, w).
    Value residual =
        linalg::CopyOp::create(
            rewriter, loc, x,
            emptyF32(rewriter, loc,
                     {n, rewriter.getIndexAttr(c), dimOf(rewriter, loc, x, 2),
                      dimOf(rewriter, loc, x, 3)}))
            .getResult(0);
    Value wz = castTo(rewriter, loc, op.getWZ(), {ci, c});
    auto z = linalg::GenericOp::create(
        rewriter, loc, residual.getType(), ValueRange{y4, wz},
        ValueRange{residual},
        SmallVector<AffineMap>{loopMap(ctx, 5, {0, 2, 4, 3}),
                               loopMap(ctx, 5, {3, 1}),
                               loopMap(ctx, 5, {0, 1, 2, 4})},
        SmallVector<utils::IteratorType>{kPar, kPar, kPar, kRed, kPar},
        [](OpBuilder &nb, Location nl, ValueRange args) {
          Value product = arith::MulFOp::create(nb, nl, args[0], args[1]);
          Value sum = arith::AddFOp::create(nb, nl, args[2], product);
          linalg::YieldOp::create(nb, nl, sum);
        });
    replaceWithCast(rewriter, op, z.getResult(0));
    return success();
  }
};

struct DecomposeChannelSelf : OpRewritePattern<ChannelSelfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ChannelSelfOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    int64_t p = staticDim(x, 2) * staticDim(x, 3);
    Value x3 = flattenPositions(rewriter, loc, x);
    OpFoldResult n = dimOf(rewriter, loc, x3, 0);
    OpFoldResult c = dimOf(rewriter, loc, x3, 1);

    // Channels as the sequence of one head: A [N,1,C,P].
    Value a = asSingleHead(rewriter, loc, x3, p);
    Value negA =
        elementwise(rewriter, loc, {a},
                    {n, rewriter.getIndexAttr(1), c, rewriter.getIndexAttr(p)},
                    [](OpBuilder &nb, Location nl, ValueRange args) {
                      return arith::NegFOp::create(nb, nl, args[0]);
                    });
    // softmax_row(max_row(E) - E) = softmax_row((-A) A^T).
    Value o = attention(rewriter, loc, negA, a, a, /*scale=*/1.0f).output;
    Value o3 = collapse(rewriter, loc, o, {{0, 1}, {2}, {3}});

    Value gamma = tensor::ExtractOp::create(
        rewriter, loc, op.getGamma(),
        ValueRange{arith::ConstantIndexOp::create(rewriter, loc, 0)});
    Value y3 =
        elementwise(rewriter, loc, {o3, x3}, {n, c, rewriter.getIndexAttr(p)},
                    [&](OpBuilder &nb, Location nl, ValueRange args) {
                      Value scaled =
                          arith::MulFOp::create(nb, nl, gamma, args[0]);
                      return arith::AddFOp::create(nb, nl, scaled, args[1]);
                    });
    rewriter.replaceOp(
        op, unflattenPositions(rewriter, loc, y3, x, op.getOutput().getType()));
    return success();
  }
};

Value indexToF32(ImplicitLocOpBuilder &b, Value i) {
  return arith::SIToFPOp::create(
      b, b.getF32Type(), arith::IndexCastOp::create(b, b.getI64Type(), i));
}

/// Builds output[n, c, h, w] of PyTorch's affine_grid + grid_sample
/// (bilinear, zero padding, align_corners = false). The constants and the
/// sizes as f32 are made once, outside the linalg.generic; `build` emits
/// the body.
class Sampler {
public:
  Sampler(ImplicitLocOpBuilder &b, Value input, Value theta,
          ArrayRef<OpFoldResult> sizes)
      : input(input), theta(theta) {
    zero = f32Const(b, 0.0);
    one = f32Const(b, 1.0);
    two = f32Const(b, 2.0);
    height =
        indexToF32(b, getValueOrCreateConstantIndexOp(b, b.getLoc(), sizes[2]));
    width =
        indexToF32(b, getValueOrCreateConstantIndexOp(b, b.getLoc(), sizes[3]));
    lastRow = arith::SubFOp::create(b, height, one);
    lastCol = arith::SubFOp::create(b, width, one);
  }

  Value build(ImplicitLocOpBuilder &b) {
    this->b = &b;
    Value n = linalg::IndexOp::create(b, 0), c = linalg::IndexOp::create(b, 1),
          h = linalg::IndexOp::create(b, 2), w = linalg::IndexOp::create(b, 3);
    Value xs = normalised(w, width), ys = normalised(h, height);
    auto affine = [&](int64_t row) {
      return add(add(mul(thetaAt(n, row, 0), xs), mul(thetaAt(n, row, 1), ys)),
                 thetaAt(n, row, 2));
    };
    Value ix = unnormalised(affine(0), width);
    Value iy = unnormalised(affine(1), height);
    Value x0 = math::FloorOp::create(b, ix), y0 = math::FloorOp::create(b, iy);
    Value wx1 = sub(ix, x0), wy1 = sub(iy, y0);
    Value wx[2] = {sub(one, wx1), wx1};
    Value wy[2] = {sub(one, wy1), wy1};
    Value acc;
    for (int dy = 0; dy < 2; ++dy) {
      Value yc = dy ? add(y0, one) : y0;
      Value yIn = inRange(yc, lastRow);
      Value yi = clampedIndex(yc, lastRow);
      for (int dx = 0; dx < 2; ++dx) {
        Value xc = dx ? add(x0, one) : x0;
        Value valid = arith::AndIOp::create(b, yIn, inRange(xc, lastCol));
        Value v = tensor::ExtractOp::create(
            b, input, ValueRange{n, c, yi, clampedIndex(xc, lastCol)});
        // A neighbour outside the image contributes exactly zero: a select
        // rather than a product with 0, so that an infinity read at the
        // clamped position cannot turn into NaN.
        Value term = mul(v, mul(wy[dy], wx[dx]));
        Value masked = arith::SelectOp::create(b, valid, term, zero);
        acc = acc ? add(acc, masked) : masked;
      }
    }
    return acc;
  }

private:
  static Value f32Const(ImplicitLocOpBuilder &b, double v) {
    return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(*b, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(*b, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(*b, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(*b, x, y); }

  /// Pixel centre `i` of an axis of length `size`, in [-1, 1]:
  /// (2i + 1) / size - 1.
  Value normalised(Value i, Value size) {
    return sub(div(add(mul(two, indexToF32(*b, i)), one), size), one);
  }
  /// Grid coordinate in [-1, 1] back to pixels: ((g + 1) size - 1) / 2.
  Value unnormalised(Value g, Value size) {
    return div(sub(mul(add(g, one), size), one), two);
  }
  Value thetaAt(Value n, int64_t row, int64_t col) {
    return tensor::ExtractOp::create(
        *b, theta,
        ValueRange{n, arith::ConstantIndexOp::create(*b, row),
                   arith::ConstantIndexOp::create(*b, col)});
  }
  /// `coord` (an integer-valued f32) clamped to [0, last], as an index. The
  /// clamp happens in f32 so that huge or NaN coordinates (maxnumf picks
  /// the number) never reach fptosi, whose result would be poison.
  Value clampedIndex(Value coord, Value last) {
    Value clamped = arith::MinNumFOp::create(
        *b, arith::MaxNumFOp::create(*b, coord, zero), last);
    return arith::IndexCastOp::create(
        *b, b->getIndexType(),
        arith::FPToSIOp::create(*b, b->getI64Type(), clamped));
  }
  /// 0 <= coord <= last; false for NaN.
  Value inRange(Value coord, Value last) {
    return arith::AndIOp::create(
        *b, arith::CmpFOp::create(*b, arith::CmpFPredicate::OGE, coord, zero),
        arith::CmpFOp::create(*b, arith::CmpFPredicate::OLE, coord, last));
  }

  ImplicitLocOpBuilder *b = nullptr;
  Value input, theta;
  Value zero, one, two;
  Value height, width;    // H, W as f32
  Value lastRow, lastCol; // H - 1, W - 1 as f32
};

struct DecomposeSpatialTransformer : OpRewritePattern<SpatialTransformerOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SpatialTransformerOp op,
                                PatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Value x = op.getInput();
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < 4; ++d)
      sizes.push_back(dimOf(b, b.getLoc(), x, d));
    Value init = emptyF32(b, b.getLoc(), sizes);
    Sampler sampler(b, x, op.getTheta(), sizes);
    // No inputs: the body reads the input at computed positions.
    auto generic = linalg::GenericOp::create(
        b, init.getType(), ValueRange{}, ValueRange{init},
        SmallVector<AffineMap>{b.getMultiDimIdentityMap(4)},
        SmallVector<utils::IteratorType>(4, kPar),
        [&](OpBuilder &nb, Location nl, ValueRange) {
          ImplicitLocOpBuilder ib(nl, nb);
          linalg::YieldOp::create(ib, sampler.build(ib));
        });
    replaceWithCast(rewriter, op, generic.getResult(0));
    return success();
  }
};
} // namespace

void mlir::attn::populateDecomposeVisionPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeNonLocal, DecomposeChannelSelf,
               DecomposeSpatialTransformer>(patterns.getContext());
}

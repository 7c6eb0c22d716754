//===- DecomposeGates.cpp - pooling, gate, rescale ------------------------===//
//
// attn.squeeze_excite, attn.eca, attn.spatial_gate, attn.cbam and
// attn.selective_kernel become linalg.generic ops in three stages, each
// reading the feature map x [N, C, H, W] at most once:
//
//   pool     one generic over x with one result per statistic (sum, and max
//            where the gate needs it), reducing H, W (channel gates) or C
//            (spatial gate)
//   gate     small generics on the pooled [N, C] or [N, H, W] values: the
//            channel MLP, the 1-D or 2-D convolution of the statistics
//            (zero padded), the sigmoid
//   rescale  one generic that reads x and the gate and writes the result
//
// The convolutions read the statistics with a bounds check rather than
// through tensor.pad: a pad bufferizes to a second buffer plus a strided
// memref.copy, which lowers to a runtime-library call the compiled modules
// do not link.
//
// Means are sums divided by the element count inside the gate stage, so
// pooling carries no division. CBAM's x' = x * s_c is never stored: the
// spatial pooling and the rescale recompute it from x and s_c, which costs
// one multiply per element instead of a tensor the size of x.
//
//===----------------------------------------------------------------------===//

#include "DecomposeUtils.h"

#include "attn/Dialect/Attn/Transforms/Decompose.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::decompose;

namespace {
using BodyFn =
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>;

/// linalg.generic reading `ins` and updating `inits` (maps: ins then
/// inits); `body` gets the block arguments and returns the yielded values.
SmallVector<Value> generic(OpBuilder &b, Location loc, ValueRange ins,
                           ValueRange inits, ArrayRef<AffineMap> maps,
                           ArrayRef<utils::IteratorType> iterators,
                           BodyFn body) {
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange(inits), ins, inits, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, body(nb, nl, args));
      });
  return SmallVector<Value>(op.getResults());
}

Value constF32(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

/// The product of `sizes` as f32: the divisor of a mean.
Value countF32(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes) {
  int64_t known = 1;
  Value dynamic;
  for (OpFoldResult s : sizes) {
    if (std::optional<int64_t> c = getConstantIntValue(s)) {
      known *= *c;
      continue;
    }
    Value v = cast<Value>(s);
    dynamic = dynamic ? arith::MulIOp::create(b, loc, dynamic, v) : v;
  }
  if (!dynamic)
    return constF32(b, loc, static_cast<double>(known));
  if (known != 1)
    dynamic = arith::MulIOp::create(
        b, loc, dynamic, arith::ConstantIndexOp::create(b, loc, known));
  Value i64 = arith::IndexCastUIOp::create(b, loc, b.getI64Type(), dynamic);
  return arith::UIToFPOp::create(b, loc, b.getF32Type(), i64);
}

Value sigmoid(OpBuilder &b, Location loc, Value v) {
  // 1 / (1 + e^-v): e^-v overflows to +inf for v << 0 and the gate is
  // then exactly 0, never NaN.
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, v));
  Value one = constF32(b, loc, 1.0);
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, e));
}

Value relu(OpBuilder &b, Location loc, Value v) {
  return arith::MaximumFOp::create(b, loc, v, constF32(b, loc, 0.0));
}

/// Sizes [N, C, H, W] of the feature map `x`.
SmallVector<OpFoldResult> mapSizes(OpBuilder &b, Location loc, Value x) {
  return {dimOf(b, loc, x, 0), dimOf(b, loc, x, 1), dimOf(b, loc, x, 2),
          dimOf(b, loc, x, 3)};
}

/// Statistics of a feature map over some of its dimensions.
struct Pooled {
  Value sum;
  Value max; // null unless requested
};

/// One pass over the feature map (loops n, c, h, w in memory order): sums
/// (and maxima) of elem(ins) over the loops not in `kept`. Each input is
/// read at its map; elem combines the elements, e.g. u1 + u2 or x * s.
Pooled pool(OpBuilder &b, Location loc, ValueRange ins,
            ArrayRef<AffineMap> inMaps, ArrayRef<OpFoldResult> sizes,
            ArrayRef<unsigned> kept, bool withMax,
            function_ref<Value(OpBuilder &, Location, ValueRange)> elem) {
  MLIRContext *ctx = b.getContext();
  SmallVector<OpFoldResult> outSizes;
  SmallVector<utils::IteratorType> iterators(4, kRed);
  for (unsigned d : kept) {
    outSizes.push_back(sizes[d]);
    iterators[d] = kPar;
  }
  SmallVector<Value> inits = {filledF32(b, loc, outSizes, 0.0)};
  if (withMax)
    inits.push_back(
        filledF32(b, loc, outSizes, -std::numeric_limits<double>::infinity()));
  SmallVector<AffineMap> maps(inMaps);
  maps.append(inits.size(), loopMap(ctx, 4, kept));
  unsigned numIns = ins.size();
  SmallVector<Value> results = generic(
      b, loc, ins, inits, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value v = elem(nb, nl, args.take_front(numIns));
        SmallVector<Value> out = {
            arith::AddFOp::create(nb, nl, args[numIns], v)};
        if (withMax)
          out.push_back(arith::MaximumFOp::create(nb, nl, args[numIns + 1], v));
        return out;
      });
  return {results[0], withMax ? results[1] : Value()};
}

/// Sum (and max) over H and W of x [N, C, H, W]: [N, C] each.
Pooled poolSpace(OpBuilder &b, Location loc, Value x,
                 ArrayRef<OpFoldResult> sizes, bool withMax) {
  return pool(b, loc, x, b.getMultiDimIdentityMap(4), sizes, {0, 1}, withMax,
              [](OpBuilder &, Location, ValueRange a) { return a[0]; });
}

/// Where to read a zero-padded tensor without materialising the padding:
/// `at` is the index clamped into range (so a load never leaves the
/// tensor) and `inside` whether every index of `shifted` lay in [0, size).
struct PaddedIndex {
  SmallVector<Value> at;
  Value inside;
};

/// `sizes` are index values of the tensor's sizes, computed outside the
/// loop nest.
PaddedIndex padIndex(OpBuilder &b, Location loc, ArrayRef<Value> idx,
                     ArrayRef<Value> sizes, ArrayRef<bool> shifted) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  PaddedIndex p{SmallVector<Value>(idx), Value()};
  for (auto [d, i] : llvm::enumerate(idx)) {
    if (!shifted[d])
      continue;
    Value lo =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, i, zero);
    Value hi =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, sizes[d]);
    Value ok = arith::AndIOp::create(b, loc, lo, hi);
    p.inside = p.inside ? arith::AndIOp::create(b, loc, p.inside, ok) : ok;
    Value last = arith::SubIOp::create(b, loc, sizes[d], one);
    p.at[d] = arith::MaxSIOp::create(
        b, loc, arith::MinSIOp::create(b, loc, i, last), zero);
  }
  return p;
}

/// src[p.at], or 0 in the padding.
Value readOrZero(OpBuilder &b, Location loc, Value src, const PaddedIndex &p) {
  Value v = tensor::ExtractOp::create(b, loc, src, p.at);
  return arith::SelectOp::create(b, loc, p.inside, v, constF32(b, loc, 0.0));
}

/// Index values of the sizes of `v`.
SmallVector<Value> sizeValues(OpBuilder &b, Location loc, Value v) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < cast<RankedTensorType>(v.getType()).getRank(); ++d)
    sizes.push_back(
        getValueOrCreateConstantIndexOp(b, loc, dimOf(b, loc, v, d)));
  return sizes;
}

/// loop(a) + loop(b) - offset inside a linalg.generic body.
Value shiftedIndex(OpBuilder &b, Location loc, unsigned a, unsigned c,
                   int64_t offset) {
  Value sum = arith::AddIOp::create(b, loc, linalg::IndexOp::create(b, loc, a),
                                    linalg::IndexOp::create(b, loc, c));
  return arith::SubIOp::create(b, loc, sum,
                               arith::ConstantIndexOp::create(b, loc, offset));
}

/// The logits relu(z w1 + b1) w2 summed over the pooled statistics z [N, C]
/// (each divided by its divisor, when there is one; no bias b2). Loops
/// (n, c, r) then (n, r, c): the reduction sits over the rows of the
/// weight and the innermost loop walks its columns.
Value channelMlp(OpBuilder &b, Location loc, ArrayRef<Value> pooled,
                 ArrayRef<Value> divisors, Value w1, Value b1, Value w2) {
  MLIRContext *ctx = b.getContext();
  OpFoldResult n = dimOf(b, loc, pooled[0], 0), c = dimOf(b, loc, pooled[0], 1),
               r = dimOf(b, loc, w1, 1);
  unsigned k = pooled.size();

  // pre_i[n, r] = sum_c z_i[n, c] w1[c, r], all branches in one generic.
  SmallVector<Value> ins(pooled);
  ins.push_back(w1);
  SmallVector<AffineMap> maps(k, loopMap(ctx, 3, {0, 1}));
  maps.push_back(loopMap(ctx, 3, {1, 2}));
  SmallVector<Value> inits;
  for (unsigned i = 0; i < k; ++i)
    inits.push_back(filledF32(b, loc, {n, r}, 0.0));
  maps.append(k, loopMap(ctx, 3, {0, 2}));
  SmallVector<Value> pre = generic(
      b, loc, ins, inits, maps, {kPar, kRed, kPar},
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        SmallVector<Value> out;
        for (unsigned i = 0; i < k; ++i)
          out.push_back(arith::AddFOp::create(
              nb, nl, a[k + 1 + i], arith::MulFOp::create(nb, nl, a[i], a[k])));
        return out;
      });

  // t[n, c] = sum_r (sum_i relu(pre_i[n, r] / divisor_i + b1[r])) w2[r, c].
  ins.assign(pre.begin(), pre.end());
  ins.append({b1, w2});
  maps.assign(k, loopMap(ctx, 3, {0, 1}));
  maps.append(
      {loopMap(ctx, 3, {1}), loopMap(ctx, 3, {1, 2}), loopMap(ctx, 3, {0, 2})});
  Value init = filledF32(b, loc, {n, c}, 0.0);
  return generic(b, loc, ins, init, maps, {kPar, kRed, kPar},
                 [&](OpBuilder &nb, Location nl, ValueRange a) {
                   Value h;
                   for (unsigned i = 0; i < k; ++i) {
                     Value p = a[i];
                     if (divisors[i])
                       p = arith::DivFOp::create(nb, nl, p, divisors[i]);
                     p = relu(nb, nl, arith::AddFOp::create(nb, nl, p, a[k]));
                     h = h ? arith::AddFOp::create(nb, nl, h, p) : p;
                   }
                   Value t = arith::MulFOp::create(nb, nl, h, a[k + 1]);
                   return SmallVector<Value>{
                       arith::AddFOp::create(nb, nl, a[k + 2], t)};
                 })
      .front();
}

/// s[n, c] = sigmoid(t[n, c] + copies * b2[c]) ([N, C]; one b2 per MLP
/// branch summed into t).
Value channelGate(OpBuilder &b, Location loc, Value t, Value b2,
                  unsigned copies) {
  MLIRContext *ctx = b.getContext();
  OpFoldResult n = dimOf(b, loc, t, 0), c = dimOf(b, loc, t, 1);
  return generic(b, loc, {t, b2}, emptyF32(b, loc, {n, c}),
                 {loopMap(ctx, 2, {0, 1}), loopMap(ctx, 2, {1}),
                  loopMap(ctx, 2, {0, 1})},
                 {kPar, kPar},
                 [&](OpBuilder &nb, Location nl, ValueRange a) {
                   Value v = a[0];
                   for (unsigned i = 0; i < copies; ++i)
                     v = arith::AddFOp::create(nb, nl, v, a[1]);
                   return SmallVector<Value>{sigmoid(nb, nl, v)};
                 })
      .front();
}

/// The spatial gate s [N, H, W] from the channel sum and max [N, H, W] of
/// a map with `channels` channels: one cross-correlation with
/// ws [1, 2, K, K] (loops n, h, w, i, j) reading both statistics at
/// (h + i - p, w + j - p), zero outside (p = (K-1)/2), then
/// sigmoid(. + bs[0]).
Value spatialGate(OpBuilder &b, Location loc, Pooled stats, Value channels,
                  Value ws, Value bs) {
  MLIRContext *ctx = b.getContext();
  int64_t pad = cast<RankedTensorType>(ws.getType()).getDimSize(2) / 2;
  SmallVector<OpFoldResult> sizes = {dimOf(b, loc, stats.sum, 0),
                                     dimOf(b, loc, stats.sum, 1),
                                     dimOf(b, loc, stats.sum, 2)};
  SmallVector<Value> statSizes = sizeValues(b, loc, stats.sum);
  AffineExpr i = getAffineDimExpr(3, ctx), j = getAffineDimExpr(4, ctx);
  AffineExpr zero = getAffineConstantExpr(0, ctx),
             one = getAffineConstantExpr(1, ctx);
  Value conv =
      generic(b, loc, {ws, ws}, filledF32(b, loc, sizes, 0.0),
              {AffineMap::get(5, 0, {zero, zero, i, j}, ctx),
               AffineMap::get(5, 0, {zero, one, i, j}, ctx),
               loopMap(ctx, 5, {0, 1, 2})},
              {kPar, kPar, kPar, kRed, kRed},
              [&](OpBuilder &nb, Location nl, ValueRange a) {
                SmallVector<Value> at = {linalg::IndexOp::create(nb, nl, 0),
                                         shiftedIndex(nb, nl, 1, 3, pad),
                                         shiftedIndex(nb, nl, 2, 4, pad)};
                PaddedIndex p =
                    padIndex(nb, nl, at, statSizes, {false, true, true});
                Value sum = readOrZero(nb, nl, stats.sum, p);
                Value max = readOrZero(nb, nl, stats.max, p);
                Value mean = arith::DivFOp::create(nb, nl, sum, channels);
                Value t = arith::AddFOp::create(
                    nb, nl, arith::MulFOp::create(nb, nl, a[0], mean),
                    arith::MulFOp::create(nb, nl, a[1], max));
                return SmallVector<Value>{
                    arith::AddFOp::create(nb, nl, a[2], t)};
              })
          .front();
  return generic(b, loc, {conv, bs}, emptyF32(b, loc, sizes),
                 {loopMap(ctx, 3, {0, 1, 2}),
                  AffineMap::get(3, 0, {getAffineConstantExpr(0, ctx)}, ctx),
                  loopMap(ctx, 3, {0, 1, 2})},
                 {kPar, kPar, kPar},
                 [&](OpBuilder &nb, Location nl, ValueRange a) {
                   return SmallVector<Value>{sigmoid(
                       nb, nl, arith::AddFOp::create(nb, nl, a[0], a[1]))};
                 })
      .front();
}

/// The result [N, C, H, W]: fn of `ins` read at `inMaps` (over loops
/// n, c, h, w), one pass.
Value rescale(OpBuilder &b, Location loc, ValueRange ins,
              ArrayRef<AffineMap> inMaps, ArrayRef<OpFoldResult> sizes,
              function_ref<Value(OpBuilder &, Location, ValueRange)> fn) {
  SmallVector<AffineMap> maps(inMaps);
  maps.push_back(b.getMultiDimIdentityMap(4));
  return generic(b, loc, ins, emptyF32(b, loc, sizes), maps,
                 {kPar, kPar, kPar, kPar},
                 [&](OpBuilder &nb, Location nl, ValueRange a) {
                   return SmallVector<Value>{fn(nb, nl, a.drop_back())};
                 })
      .front();
}

Value multiply(OpBuilder &b, Location loc, ValueRange a) {
  return arith::MulFOp::create(b, loc, a[0], a[1]);
}

/// x * gate, with the gate indexed by the loops `gateDims` of (n, c, h, w):
/// {0, 1} for a channel gate [N, C], {0, 2, 3} for a spatial gate [N, H, W].
Value gateMap(OpBuilder &b, Location loc, Value x, Value gate,
              ArrayRef<unsigned> gateDims, ArrayRef<OpFoldResult> sizes) {
  return rescale(
      b, loc, {x, gate},
      {b.getMultiDimIdentityMap(4), loopMap(b.getContext(), 4, gateDims)},
      sizes, multiply);
}

struct DecomposeSqueezeExcite : OpRewritePattern<SqueezeExciteOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SqueezeExciteOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    SmallVector<OpFoldResult> sizes = mapSizes(rewriter, loc, x);
    Value count = countF32(rewriter, loc, {sizes[2], sizes[3]});
    Pooled z = poolSpace(rewriter, loc, x, sizes, /*withMax=*/false);
    Value t = channelMlp(rewriter, loc, z.sum, count, op.getW1(), op.getB1(),
                         op.getW2());
    Value s = channelGate(rewriter, loc, t, op.getB2(), 1);
    replaceWithCast(rewriter, op, gateMap(rewriter, loc, x, s, {0, 1}, sizes));
    return success();
  }
};

struct DecomposeEca : OpRewritePattern<EcaOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(EcaOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value x = op.getInput();
    int64_t k = op.getW().getType().getDimSize(0);
    SmallVector<OpFoldResult> sizes = mapSizes(rewriter, loc, x);
    Value count = countF32(rewriter, loc, {sizes[2], sizes[3]});
    Pooled z = poolSpace(rewriter, loc, x, sizes, /*withMax=*/false);

    // logit[n, c] = sum_t w[t] z[n, c + t - (K-1)/2] (zero outside),
    // loops (n, c, t); the sums are divided by H*W once, with the sigmoid.
    SmallVector<Value> zSizes = sizeValues(rewriter, loc, z.sum);
    Value logit =
        generic(
            rewriter, loc, op.getW(),
            filledF32(rewriter, loc, {sizes[0], sizes[1]}, 0.0),
            {loopMap(ctx, 3, {2}), loopMap(ctx, 3, {0, 1})}, {kPar, kPar, kRed},
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value zc = readOrZero(b, l, z.sum,
                                    padIndex(b, l,
                                             {linalg::IndexOp::create(b, l, 0),
                                              shiftedIndex(b, l, 1, 2, k / 2)},
                                             zSizes, {false, true}));
              return SmallVector<Value>{arith::AddFOp::create(
                  b, l, a[1], arith::MulFOp::create(b, l, a[0], zc))};
            })
            .front();
    Value s = generic(rewriter, loc, logit,
                      emptyF32(rewriter, loc, {sizes[0], sizes[1]}),
                      {loopMap(ctx, 2, {0, 1}), loopMap(ctx, 2, {0, 1})},
                      {kPar, kPar},
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        return SmallVector<Value>{sigmoid(
                            b, l, arith::DivFOp::create(b, l, a[0], count))};
                      })
                  .front();
    replaceWithCast(rewriter, op, gateMap(rewriter, loc, x, s, {0, 1}, sizes));
    return success();
  }
};

struct DecomposeSpatialGate : OpRewritePattern<SpatialGateOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SpatialGateOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    SmallVector<OpFoldResult> sizes = mapSizes(rewriter, loc, x);
    Pooled stats =
        pool(rewriter, loc, x, rewriter.getMultiDimIdentityMap(4), sizes,
             {0, 2, 3}, /*withMax=*/true,
             [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    Value s =
        spatialGate(rewriter, loc, stats, countF32(rewriter, loc, sizes[1]),
                    op.getWs(), op.getBs());
    replaceWithCast(rewriter, op,
                    gateMap(rewriter, loc, x, s, {0, 2, 3}, sizes));
    return success();
  }
};

struct DecomposeCbam : OpRewritePattern<CbamOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CbamOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value x = op.getInput();
    SmallVector<OpFoldResult> sizes = mapSizes(rewriter, loc, x);
    AffineMap id = rewriter.getMultiDimIdentityMap(4),
              perChannel = loopMap(ctx, 4, {0, 1}),
              perPosition = loopMap(ctx, 4, {0, 2, 3});

    // Channel gate from the mean and max over H, W (first read of x).
    Pooled z = poolSpace(rewriter, loc, x, sizes, /*withMax=*/true);
    Value count = countF32(rewriter, loc, {sizes[2], sizes[3]});
    Value t = channelMlp(rewriter, loc, {z.sum, z.max}, {count, Value()},
                         op.getW1(), op.getB1(), op.getW2());
    Value sc = channelGate(rewriter, loc, t, op.getB2(), 2);

    // Spatial gate from the channel statistics of x' = x * s_c, formed on
    // the fly (second read of x).
    Pooled stats = pool(rewriter, loc, {x, sc}, {id, perChannel}, sizes,
                        {0, 2, 3}, /*withMax=*/true, multiply);
    Value s =
        spatialGate(rewriter, loc, stats, countF32(rewriter, loc, sizes[1]),
                    op.getWs(), op.getBs());

    // (x * s_c) * s, rounded as x' would be (third read of x).
    replaceWithCast(
        rewriter, op,
        rescale(rewriter, loc, {x, sc, s}, {id, perChannel, perPosition}, sizes,
                [](OpBuilder &b, Location l, ValueRange a) -> Value {
                  Value xc = arith::MulFOp::create(b, l, a[0], a[1]);
                  return arith::MulFOp::create(b, l, xc, a[2]);
                }));
    return success();
  }
};

struct DecomposeSelectiveKernel : OpRewritePattern<SelectiveKernelOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SelectiveKernelOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value u1 = op.getU1(), u2 = op.getU2();
    SmallVector<OpFoldResult> sizes = mapSizes(rewriter, loc, u1);
    AffineMap id = rewriter.getMultiDimIdentityMap(4);
    OpFoldResult n = sizes[0], c = sizes[1],
                 z = dimOf(rewriter, loc, op.getWfc(), 1);

    // sum_{h,w} (u1 + u2): one read of each branch.
    Pooled sum = pool(rewriter, loc, {u1, u2}, {id, id}, sizes, {0, 1},
                      /*withMax=*/false,
                      [](OpBuilder &b, Location l, ValueRange a) -> Value {
                        return arith::AddFOp::create(b, l, a[0], a[1]);
                      });
    Value count = countF32(rewriter, loc, {sizes[2], sizes[3]});

    // pre[n, z] = sum_c sum[n, c] wfc[c, z], loops (n, c, z).
    Value pre = contract(rewriter, loc, {sum.sum, op.getWfc()},
                         {loopMap(ctx, 3, {0, 1}), loopMap(ctx, 3, {1, 2}),
                          loopMap(ctx, 3, {0, 2})},
                         {kPar, kRed, kPar}, {n, z});

    // a, b = relu(pre / HW + bfc) (wa, wb): one generic, loops (n, z, c).
    SmallVector<Value> ab = generic(
        rewriter, loc, {pre, op.getBfc(), op.getWa(), op.getWb()},
        {filledF32(rewriter, loc, {n, c}, 0.0),
         filledF32(rewriter, loc, {n, c}, 0.0)},
        {loopMap(ctx, 3, {0, 1}), loopMap(ctx, 3, {1}), loopMap(ctx, 3, {1, 2}),
         loopMap(ctx, 3, {1, 2}), loopMap(ctx, 3, {0, 2}),
         loopMap(ctx, 3, {0, 2})},
        {kPar, kRed, kPar}, [&](OpBuilder &b, Location l, ValueRange a) {
          Value h =
              relu(b, l,
                   arith::AddFOp::create(
                       b, l, arith::DivFOp::create(b, l, a[0], count), a[1]));
          return SmallVector<Value>{
              arith::AddFOp::create(b, l, a[4],
                                    arith::MulFOp::create(b, l, h, a[2])),
              arith::AddFOp::create(b, l, a[5],
                                    arith::MulFOp::create(b, l, h, a[3]))};
        });

    // The softmax over two branches: alpha = sigmoid(a - b), beta =
    // sigmoid(b - a), each exact in relative terms even when tiny.
    AffineMap nc = loopMap(ctx, 2, {0, 1});
    SmallVector<Value> weights = generic(
        rewriter, loc, ab,
        {emptyF32(rewriter, loc, {n, c}), emptyF32(rewriter, loc, {n, c})},
        {nc, nc, nc, nc}, {kPar, kPar},
        [&](OpBuilder &b, Location l, ValueRange a) {
          return SmallVector<Value>{
              sigmoid(b, l, arith::SubFOp::create(b, l, a[0], a[1])),
              sigmoid(b, l, arith::SubFOp::create(b, l, a[1], a[0]))};
        });

    // alpha u1 + beta u2: the second read of each branch.
    AffineMap perChannel = loopMap(ctx, 4, {0, 1});
    replaceWithCast(
        rewriter, op,
        rescale(rewriter, loc, {u1, u2, weights[0], weights[1]},
                {id, id, perChannel, perChannel}, sizes,
                [](OpBuilder &b, Location l, ValueRange a) -> Value {
                  return arith::AddFOp::create(
                      b, l, arith::MulFOp::create(b, l, a[2], a[0]),
                      arith::MulFOp::create(b, l, a[3], a[1]));
                }));
    return success();
  }
};
} // namespace

void mlir::attn::populateDecomposeGatePatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeSqueezeExcite, DecomposeEca, DecomposeSpatialGate,
               DecomposeCbam, DecomposeSelectiveKernel>(patterns.getContext());
}

//===- DecomposeMultiHead.cpp - attn.multi_head to attn.attention ---------===//
//
//   Q[b,h,s,d] = sum_e xq[b,s,e]  Wq[e,h,d]       (Wq expanded to [E,H,D])
//   K[b,g,t,d] = sum_e xkv[b,t,e] Wk[e,g,d]       (g < Hkv), V likewise
//   O          = attn.attention Q, K, V {causal?}  [B,H,Sq,D], fused
//   y[b,s,f]   = sum_{h,d} O[b,h,s,d] (gate[h]) Wo[h,d,f]   (Wo as [H,D,E])
//
// The projections write the head-split layout [B,H,S,D] directly and the
// output projection reads it, so splitting and merging heads costs no copy.
// Loops are ordered with the contiguous output dimension innermost (d, f),
// which is what the loops of convert-linalg-to-loops vectorise best.
//
//===----------------------------------------------------------------------===//

#include "DecomposeUtils.h"

#include "attn/Dialect/Attn/Transforms/Decompose.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::decompose;

namespace {
struct DecomposeMultiHead : OpRewritePattern<MultiHeadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MultiHeadOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    int64_t h = op.getNumHeads(), hkv = op.getKeyValueHeads(),
            d = op.getHeadDim(), e = h * d;
    Value xq = op.getQueryInput(), xkv = op.getKvInput();
    OpFoldResult bSize = dimOf(rewriter, loc, xq, 0);
    OpFoldResult sq = dimOf(rewriter, loc, xq, 1);
    OpFoldResult skv = dimOf(rewriter, loc, xkv, 1);
    auto idx = [&](int64_t v) -> OpFoldResult {
      return rewriter.getIndexAttr(v);
    };

    // x [B,S,E] . W [E,heads*D] -> [B,heads,S,D]; loops (b, h, s, e, d).
    auto project = [&](Value x, OpFoldResult s, Value w, int64_t heads) {
      Value w3 = expand(rewriter, loc, castTo(rewriter, loc, w, {e, heads * d}),
                        {idx(e), idx(heads), idx(d)}, {{0}, {1, 2}});
      SmallVector<AffineMap> maps = {loopMap(ctx, 5, {0, 2, 3}),
                                     loopMap(ctx, 5, {3, 1, 4}),
                                     loopMap(ctx, 5, {0, 1, 2, 4})};
      return contract(rewriter, loc, {x, w3}, maps,
                      {kPar, kPar, kPar, kRed, kPar},
                      {bSize, idx(heads), s, idx(d)});
    };
    Value q = project(xq, sq, op.getWq(), h);
    Value k = project(xkv, skv, op.getWk(), hkv);
    Value v = project(xkv, skv, op.getWv(), hkv);
    Value o = attention(rewriter, loc, q, k, v, /*scale=*/std::nullopt,
                        op.getCausal())
                  .output;

    // O [B,H,Sq,D] (. gate [H]) . Wo [H,D,E] -> [B,Sq,E];
    // loops (b, s, h, d, f).
    Value wo3 = expand(rewriter, loc, castTo(rewriter, loc, op.getWo(), {e, e}),
                       {idx(h), idx(d), idx(e)}, {{0, 1}, {2}});
    SmallVector<Value> ins = {o, wo3};
    SmallVector<AffineMap> maps = {loopMap(ctx, 5, {0, 2, 1, 3}),
                                   loopMap(ctx, 5, {2, 3, 4})};
    if (Value gates = op.getHeadGates()) {
      ins.push_back(castTo(rewriter, loc, gates, {h}));
      maps.push_back(loopMap(ctx, 5, {2}));
    }
    maps.push_back(loopMap(ctx, 5, {0, 1, 4}));
    Value y = contract(rewriter, loc, ins, maps, {kPar, kPar, kRed, kRed, kPar},
                       {bSize, sq, idx(e)});
    replaceWithCast(rewriter, op, y);
    return success();
  }
};
} // namespace

void mlir::attn::populateDecomposeMultiHeadPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DecomposeMultiHead>(patterns.getContext());
}

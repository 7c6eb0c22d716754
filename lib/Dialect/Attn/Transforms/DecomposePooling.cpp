//===- DecomposePooling.cpp - attention with a single query ---------------===//
//
// attn.feed_forward_pool and attn.memory_network attend with one query per
// batch row. Both become an attn.attention with Hq = Sq = 1, so the softmax
// (safe, with the running max) and the weighted sum run in the fused
// kernel:
//
// feed_forward_pool, h [..., S, E] collapsed to [N, S, E]:
//   P[n,s,a] = sum_e h[n,s,e] W[e,a]
//   e[n,s]   = sum_a u[a] tanh(P[n,s,a] + b[a])
//   c        = attn.attention(ones [N,1,1,1], e as [N,1,S,1],
//                             h as [N,1,S,E]) {scale = 1.0}
//   i.e. one unit query of dimension 1 whose keys are the scores.
//
// memory_network, per hop:
//   o = attn.attention(u as [B,1,1,D], m as [B,1,N,D], c as [B,1,N,D])
//       {scale = 1.0};   u = u + o
//
//===----------------------------------------------------------------------===//

#include "DecomposeUtils.h"

#include "attn/Dialect/Attn/Transforms/Decompose.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::decompose;

namespace {
struct DecomposeFeedForwardPool : OpRewritePattern<FeedForwardPoolOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(FeedForwardPoolOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value h = op.getHidden();
    auto hType = cast<RankedTensorType>(h.getType());
    int64_t rank = hType.getRank(), e = hType.getDimSize(rank - 1);
    auto idx = [&](int64_t v) -> OpFoldResult {
      return rewriter.getIndexAttr(v);
    };

    // All batch dimensions in one: [N, S, E].
    SmallVector<OpFoldResult> batch;
    ReassociationIndices lead;
    Value hc = h;
    if (rank > 3) {
      for (int64_t i = 0; i < rank - 2; ++i) {
        batch.push_back(dimOf(rewriter, loc, h, i));
        lead.push_back(i);
      }
      hc = collapse(rewriter, loc, h, {lead, {rank - 2}, {rank - 1}});
    }
    OpFoldResult n = dimOf(rewriter, loc, hc, 0);
    OpFoldResult s = dimOf(rewriter, loc, hc, 1);
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    int64_t aStatic = wType.getDimSize(1);
    Value w = castTo(rewriter, loc, op.getWeight(), {e, aStatic});
    OpFoldResult a = dimOf(rewriter, loc, w, 1);

    // P = h W: loops (n, s, e, a).
    Value proj = contract(rewriter, loc, {hc, w},
                          {loopMap(ctx, 4, {0, 1, 2}), loopMap(ctx, 4, {2, 3}),
                           loopMap(ctx, 4, {0, 1, 3})},
                          {kPar, kPar, kRed, kPar}, {n, s, a});

    // e = sum_a u_a tanh(P + b): loops (n, s, a).
    Value init = filledF32(rewriter, loc, {n, s}, 0.0);
    auto scoreOp = linalg::GenericOp::create(
        rewriter, loc, init.getType(),
        ValueRange{proj, op.getBias(), op.getContextVector()}, ValueRange{init},
        ArrayRef<AffineMap>{loopMap(ctx, 3, {0, 1, 2}), loopMap(ctx, 3, {2}),
                            loopMap(ctx, 3, {2}), loopMap(ctx, 3, {0, 1})},
        ArrayRef<utils::IteratorType>{kPar, kPar, kRed},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value t = arith::AddFOp::create(b, l, args[0], args[1]);
          t = math::TanhOp::create(b, l, t);
          t = arith::MulFOp::create(b, l, args[2], t);
          linalg::YieldOp::create(
              b, l, arith::AddFOp::create(b, l, args[3], t).getResult());
        });
    Value scores = scoreOp.getResult(0);

    // softmax_j(e) . h in the fused kernel: one unit query, keys = scores.
    Value query = filledF32(rewriter, loc, {n, idx(1), idx(1), idx(1)}, 1.0);
    Value keys =
        expand(rewriter, loc, scores, {n, idx(1), s, idx(1)}, {{0, 1}, {2, 3}});
    Value values =
        expand(rewriter, loc, hc, {n, idx(1), s, idx(e)}, {{0, 1}, {2}, {3}});
    Value pooled =
        attention(rewriter, loc, query, keys, values, /*scale=*/1.0f).output;
    Value result = collapse(rewriter, loc, pooled, {{0, 1, 2}, {3}});
    if (rank > 3) {
      SmallVector<OpFoldResult> sizes(batch);
      sizes.push_back(idx(e));
      result = expand(rewriter, loc, result, sizes, {lead, {rank - 2}});
    }
    replaceWithCast(rewriter, op, result);
    return success();
  }
};

struct DecomposeMemoryNetwork : OpRewritePattern<MemoryNetworkOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MemoryNetworkOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value u = op.getQuery();
    int64_t d = op.getQuery().getType().getDimSize(1);
    OpFoldResult bSize = dimOf(rewriter, loc, u, 0);
    OpFoldResult one = rewriter.getIndexAttr(1),
                 dSize = rewriter.getIndexAttr(d);
    Value keys = asSingleHead(rewriter, loc, op.getMemory(), d);
    Value values = asSingleHead(rewriter, loc, op.getOutputMemory(), d);
    // One hop, u -> u + read(u), as the body of an scf.for over the hops:
    // the IR (and the compiled code) stays one fused nest however many
    // hops there are.
    auto hopBody = [&](OpBuilder &b, Location l, Value, ValueRange iter) {
      Value uIn = iter.front();
      Value query =
          expand(b, l, uIn, {bSize, one, one, dSize}, {{0, 1, 2}, {3}});
      Value read = attention(b, l, query, keys, values, /*scale=*/1.0f).output;
      Value read2 = collapse(b, l, read, {{0, 1, 2}, {3}});
      Value next =
          elementwise(b, l, {uIn, read2}, {bSize, dSize},
                      [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                        return arith::AddFOp::create(nb, nl, args[0], args[1]);
                      });
      auto type = cast<RankedTensorType>(uIn.getType());
      scf::YieldOp::create(b, l, castTo(b, l, next, type.getShape()));
    };
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value hops = arith::ConstantIndexOp::create(
        rewriter, loc, static_cast<int64_t>(op.getHops()));
    Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    u = scf::ForOp::create(rewriter, loc, zero, hops, step, ValueRange{u},
                           hopBody)
            .getResult(0);
    replaceWithCast(rewriter, op, u);
    return success();
  }
};
} // namespace

void mlir::attn::populateDecomposePoolingPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeFeedForwardPool, DecomposeMemoryNetwork>(
      patterns.getContext());
}

//===- DecomposeCoAttention.cpp - two-way attention over one affinity -----===//
//
// attn.co_attention and attn.attention_over_attention normalise one
// affinity matrix along both of its axes. Neither decomposition builds the
// matrix: each normalisation is a fused attn.attention (scale 1.0) over
// the sequences as single-head [B, 1, N, D] tensors.
//
// co_attention (L = a b^T, and L^T = b a^T):
//   a' = attn.attention(a, b, b),  b' = attn.attention(b, a, a)
//
// attention_over_attention (M = d q^T), from the log-sum-exp results:
//   r_i = lse_j(M_ij)                  attention(d, q) lse
//   t_j = lse_i(M_ij - r_i)            attention(q, d, bias -r) lse
//       = log(sum_i beta_ij) = log(Nd beta_bar_j)
//   c_j = lse_i(M_ij)                  attention(q, d) lse
//   s_i = sum_j exp(M_ij - c_j) beta_bar_j
//       = exp(lse_j(M_ij + t_j - c_j - log Nd))
//                                      attention(d, q, bias t - c - log Nd)
// The value operand of these four is a zero [B, 1, N, 1] tensor; only the
// lse result is used.
//
//===----------------------------------------------------------------------===//

#include "DecomposeUtils.h"

#include "attn/Dialect/Attn/Transforms/Decompose.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::decompose;

namespace {
int64_t lastDim(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape().back();
}

struct DecomposeCoAttention : OpRewritePattern<CoAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CoAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t d = lastDim(op.getA());
    Value a = asSingleHead(rewriter, loc, op.getA(), d);
    Value b = asSingleHead(rewriter, loc, op.getB(), d);
    Value aOut = attention(rewriter, loc, a, b, b, /*scale=*/1.0f).output;
    Value bOut = attention(rewriter, loc, b, a, a, /*scale=*/1.0f).output;
    SmallVector<Value> outputs = {aOut, bOut}, results;
    for (auto [value, result] : llvm::zip(outputs, op.getResults())) {
      Value merged = collapse(rewriter, loc, value, {{0, 1}, {2}, {3}});
      results.push_back(
          castTo(rewriter, loc, merged,
                 cast<RankedTensorType>(result.getType()).getShape()));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct DecomposeAttentionOverAttention
    : OpRewritePattern<AttentionOverAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOverAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t dSize = lastDim(op.getDocument());
    Value doc = asSingleHead(rewriter, loc, op.getDocument(), dSize);
    Value qry = asSingleHead(rewriter, loc, op.getQuery(), dSize);
    OpFoldResult b = dimOf(rewriter, loc, doc, 0);
    OpFoldResult nd = dimOf(rewriter, loc, doc, 2);
    OpFoldResult nq = dimOf(rewriter, loc, qry, 2);
    OpFoldResult one = rewriter.getIndexAttr(1);

    // Only the lse results are used; the values are a zero column.
    Value docValues = filledF32(rewriter, loc, {b, one, nd, one}, 0.0);
    Value qryValues = filledF32(rewriter, loc, {b, one, nq, one}, 0.0);
    // [B, 1, N] -> [B, 1, 1, N]: a bias per key, broadcast over queries.
    auto keyBias = [&](Value rows, OpFoldResult len) {
      return expand(rewriter, loc, rows, {b, one, one, len},
                    {{0}, {1, 2}, {3}});
    };
    auto lse = [&](Value q, Value k, Value v, Value bias) {
      return attention(rewriter, loc, q, k, v, /*scale=*/1.0f,
                       /*causal=*/false, bias, /*withLse=*/true)
          .lse;
    };

    Value r = lse(doc, qry, qryValues, Value());
    Value negR =
        elementwise(rewriter, loc, {r}, {b, one, nd},
                    [](OpBuilder &nb, Location l, ValueRange args) -> Value {
                      return arith::NegFOp::create(nb, l, args[0]);
                    });
    Value t = lse(qry, doc, docValues, keyBias(negR, nd));
    Value c = lse(qry, doc, docValues, Value());

    Value ndIndex = getValueOrCreateConstantIndexOp(rewriter, loc, nd);
    Value ndInt = arith::IndexCastOp::create(rewriter, loc,
                                             rewriter.getI64Type(), ndIndex);
    Value ndFloat =
        arith::SIToFPOp::create(rewriter, loc, rewriter.getF32Type(), ndInt);
    Value logNd = math::LogOp::create(rewriter, loc, ndFloat);
    Value shift =
        elementwise(rewriter, loc, {t, c}, {b, one, nq},
                    [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                      Value x = arith::SubFOp::create(nb, l, args[0], args[1]);
                      return arith::SubFOp::create(nb, l, x, logNd);
                    });
    Value logS = lse(doc, qry, qryValues, keyBias(shift, nq));
    Value s = elementwise(
        rewriter, loc, {collapse(rewriter, loc, logS, {{0, 1}, {2}})}, {b, nd},
        [](OpBuilder &nb, Location l, ValueRange args) -> Value {
          return math::ExpOp::create(nb, l, args[0]);
        });
    replaceWithCast(rewriter, op, s);
    return success();
  }
};
} // namespace

void mlir::attn::populateDecomposeCoAttentionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DecomposeCoAttention, DecomposeAttentionOverAttention>(
      patterns.getContext());
}

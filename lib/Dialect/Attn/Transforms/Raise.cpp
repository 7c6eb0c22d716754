//===- Raise.cpp - attention written in linalg to attn.attention ----------===//
//
// attn-raise: contraction(Q, K^T) [* c] [+ bias] -> linalg.softmax over the
// keys -> contraction(P, V) becomes one attn.attention (Passes.td). The
// match walks up from each softmax; every step checks the exact form and
// gives up (leaving the IR unchanged) on anything else. A bias that is the
// -inf upper triangle (torch.triu(full(-inf), diagonal=1), as PyTorch
// users write the causal mask) becomes the `causal` attribute, so the
// fused kernel skips the hidden key tiles instead of adding -inf.
//
//===----------------------------------------------------------------------===//

#include "DecomposeUtils.h"
#include "RaiseMatchers.h"
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNRAISE
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::raise;

namespace {

/// The operands of a batched contraction out[batch.., m, n] += a * b over k
/// into a zero fill, with one or two batch dimensions: A read as
/// [batch.., m, k]; B as [batch.., k, n] or, with `bTransposed`,
/// [batch.., n, k].
struct Contraction {
  Value a, b;
  bool bTransposed = false;
};

bool isZeroFill(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  return fill && matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
}

std::optional<Contraction> matchContraction(Value result) {
  auto op = result.getDefiningOp<linalg::LinalgOp>();
  if (!op || op->getNumResults() != 1 || op.getNumDpsInputs() != 2 ||
      !linalg::isaContractionOpInterface(op) ||
      !isZeroFill(op.getDpsInits()[0]))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->batch.empty() || dims->batch.size() > 2 ||
      dims->m.size() != 1 || dims->n.size() != 1 || dims->k.size() != 1)
    return std::nullopt;
  unsigned m = dims->m[0], n = dims->n[0], k = dims->k[0];
  MLIRContext *ctx = op->getContext();
  unsigned loops = op.getNumLoops();
  auto map = [&](unsigned row, unsigned col) {
    SmallVector<AffineExpr> exprs;
    for (unsigned b : dims->batch)
      exprs.push_back(getAffineDimExpr(b, ctx));
    exprs.push_back(getAffineDimExpr(row, ctx));
    exprs.push_back(getAffineDimExpr(col, ctx));
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0] != map(m, k) || maps[2] != map(m, n))
    return std::nullopt;
  Contraction c{op.getDpsInputs()[0], op.getDpsInputs()[1]};
  if (maps[1] == map(n, k))
    c.bTransposed = true;
  else if (maps[1] != map(k, n))
    return std::nullopt;
  return c;
}

/// s = x + bias (either order): x, the bias, and how many leading unit
/// dimensions make the bias the scores' rank.
struct Bias {
  Value scores, bias;
  int64_t lead = 0;
};
std::optional<Bias> matchBias(Value s) {
  if (!matchBinaryStep<arith::AddFOp>(s))
    return std::nullopt;
  auto g = s.getDefiningOp<linalg::GenericOp>();
  for (unsigned chain : {0u, 1u}) {
    Value bias = g.getDpsInputs()[1 - chain];
    if (!readsIdentity(s, chain))
      continue;
    if (std::optional<int64_t> lead = leadingUnitDims(
            bias, g.getIndexingMapsArray()[1 - chain], g.getNumLoops()))
      return Bias{g.getDpsInputs()[chain], bias, *lead};
  }
  return std::nullopt;
}

/// s = x * c, c * x or x / c with c a constant splat: x, and the factor.
std::optional<std::pair<Value, float>> matchScale(Value s) {
  auto g = s.getDefiningOp<linalg::GenericOp>();
  if (matchBinaryStep<arith::MulFOp>(s)) {
    for (unsigned chain : {0u, 1u})
      if (std::optional<double> c = splat(g.getDpsInputs()[1 - chain]))
        if (readsIdentity(s, chain))
          return std::make_pair(g.getDpsInputs()[chain], float(*c));
  }
  if (std::optional<bool> swapped = matchBinaryStep<arith::DivFOp>(s)) {
    unsigned numerator = *swapped ? 1 : 0;
    std::optional<double> c = splat(g.getDpsInputs()[1 - numerator]);
    if (c && *c != 0.0 && readsIdentity(s, numerator))
      return std::make_pair(g.getDpsInputs()[numerator], float(1.0 / *c));
  }
  return std::nullopt;
}

/// `v` without the steps that leave its values as they are: unit-dim
/// expand_shape and multiplication by 1 (PyTorch's baddbmm export scales
/// the mask by beta = 1).
Value throughIdentitySteps(Value v) {
  while (true) {
    if (auto e = v.getDefiningOp<tensor::ExpandShapeOp>()) {
      v = e.getSrc();
      continue;
    }
    std::optional<std::pair<Value, float>> scale = matchScale(v);
    if (!scale || scale->second != 1.0f)
      return v;
    v = scale->first;
  }
}

/// Whether `v` is a -inf splat: a constant or a linalg.fill.
bool isNegativeInfinity(Value v) {
  std::optional<double> c = fillValue(v);
  return c && std::isinf(*c) && *c < 0;
}

/// Whether `bias` is -inf where key j > query i and 0 elsewhere, over its
/// last two dimensions: a generic selecting a -inf input where
/// `j - i >= 1` (ONNX Trilu with upper = 1, k = 1) and 0 otherwise.
bool isCausalTriangle(Value bias) {
  auto g = throughIdentitySteps(bias).getDefiningOp<linalg::GenericOp>();
  if (!g || g.getNumDpsInputs() != 1 || g->getNumResults() != 1 ||
      g.getNumReductionLoops() != 0 || !isNegativeInfinity(g.getDpsInputs()[0]))
    return false;
  int64_t rank = g.getNumLoops();
  if (rank < 2 || !llvm::all_of(g.getIndexingMapsArray(),
                                [](AffineMap m) { return m.isIdentity(); }))
    return false;
  Block &body = g.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto select = yield.getValues()[0].getDefiningOp<arith::SelectOp>();
  if (!select || select.getTrueValue() != body.getArgument(0) ||
      !matchPattern(select.getFalseValue(), m_AnyZeroFloat()))
    return false;
  auto cmp = select.getCondition().getDefiningOp<arith::CmpIOp>();
  auto diff = cmp ? cmp.getLhs().getDefiningOp<arith::SubIOp>() : nullptr;
  auto index = [&](Value v, int64_t dim) {
    auto i = v.getDefiningOp<linalg::IndexOp>();
    return i && int64_t(i.getDim()) == dim;
  };
  APInt bound;
  if (!diff || !index(diff.getLhs(), rank - 1) ||
      !index(diff.getRhs(), rank - 2) ||
      !matchPattern(cmp.getRhs(), m_ConstantInt(&bound)))
    return false;
  // Masked iff j - i >= 1, or j - i > 0.
  return (cmp.getPredicate() == arith::CmpIPredicate::sge && bound == 1) ||
         (cmp.getPredicate() == arith::CmpIPredicate::sgt && bound == 0);
}

/// K or V with each kv head repeated for grouped-query attention, as
/// exporters write it: [B,Hkv,S,D] -> expand_shape to [B,Hkv,1,S,D] ->
/// a broadcast copy to [B,Hkv,G,S,D] (ONNX Expand) -> collapse_shape to
/// [B,Hkv*G,S,D]. Query head h then reads kv head h / G, which is
/// attn.attention's GQA: returns [B,Hkv,S,D] and appends the three ops to
/// `replaced`; returns `t` itself for anything else.
Value withoutHeadRepeat(Value t, SmallVectorImpl<Operation *> &replaced) {
  using Groups = SmallVector<ReassociationIndices>;
  const Groups headsAndCopies = {{0}, {1, 2}, {3}, {4}};
  auto collapse = t.getDefiningOp<tensor::CollapseShapeOp>();
  if (!collapse || !t.hasOneUse() ||
      collapse.getReassociationIndices() != headsAndCopies)
    return t;
  Value repeated = collapse.getSrc();
  auto copy = repeated.getDefiningOp<linalg::GenericOp>();
  if (!copy || !repeated.hasOneUse() || copy.getNumDpsInputs() != 1 ||
      copy.getNumReductionLoops() != 0 || copy.getNumLoops() != 5)
    return t;
  Block &body = copy.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  MLIRContext *ctx = t.getContext();
  AffineMap broadcast =
      AffineMap::get(5, 0,
                     {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx),
                      getAffineConstantExpr(0, ctx), getAffineDimExpr(3, ctx),
                      getAffineDimExpr(4, ctx)},
                     ctx);
  if (&body.front() != yield.getOperation() ||
      yield.getValues()[0] != body.getArgument(0) ||
      copy.getIndexingMapsArray()[0] != broadcast ||
      !copy.getIndexingMapsArray()[1].isIdentity())
    return t;
  auto unit = copy.getDpsInputs()[0].getDefiningOp<tensor::ExpandShapeOp>();
  if (!unit || !unit->hasOneUse() || unit.getResultType().getDimSize(2) != 1 ||
      (unit.getReassociationIndices() != headsAndCopies &&
       unit.getReassociationIndices() != Groups{{0}, {1}, {2, 3}, {4}}))
    return t;
  replaced.append({collapse, copy, unit});
  return unit.getSrc();
}

struct RaisedAttention {
  /// 4 ([B,H,S,D]) or 3 ([N,S,D], one head per batch entry).
  int64_t rank = 4;
  Value q, v, bias, mask;
  /// Leading unit dimensions that make the bias and the mask the scores'
  /// rank.
  int64_t biasLead = 0, maskLead = 0;
  /// The bias was the causal triangle (top-left aligned): no bias.
  bool causal = false;
  /// K [..,Skv,D] is `kSource` permuted by `kPermutation` (empty: as is).
  Value kSource;
  SmallVector<int64_t> kPermutation;
  float scale = 1.0f;
  /// The ops the attention replaces, consumers first.
  SmallVector<Operation *> replaced;
};

/// Walks up from P*V; fills `match` or fails without touching the IR.
LogicalResult matchAttention(Value output, RaisedAttention &match) {
  std::optional<Contraction> pv = matchContraction(output);
  if (!pv || pv->bTransposed)
    return failure();
  std::optional<Value> scores = matchSoftmax(pv->a, match.replaced);
  if (!scores)
    return failure();
  Value s = *scores;
  match.rank = cast<ShapedType>(s.getType()).getRank();
  if (match.rank != 3 && match.rank != 4)
    return failure();
  match.v = pv->b;
  // The scores after the mask and the bias feed only the softmax (one op,
  // or the max and the subtraction of its decomposed form).
  auto feedsOnlyReplaced = [&](Value v) {
    return llvm::all_of(v.getUsers(), [&](Operation *user) {
      return llvm::is_contained(match.replaced, user);
    });
  };
  if (!feedsOnlyReplaced(s))
    return failure();
  if (std::optional<MaskSelect> select = matchMaskSelect(s)) {
    match.replaced.push_back(s.getDefiningOp());
    s = select->scores;
    match.mask = select->mask;
    match.maskLead =
        *leadingUnitDims(select->mask, select->maskMap, match.rank);
  }
  std::optional<Bias> bias = matchBias(s);
  if (bias && feedsOnlyReplaced(s)) {
    match.replaced.push_back(s.getDefiningOp());
    s = bias->scores;
    match.bias = bias->bias;
    match.biasLead = bias->lead;
    if (isCausalTriangle(match.bias)) {
      match.causal = true;
      match.bias = Value();
    }
  }
  std::optional<std::pair<Value, float>> scale = matchScale(s);
  if (scale && feedsOnlyReplaced(s)) {
    match.replaced.push_back(s.getDefiningOp());
    s = scale->first;
    match.scale = scale->second;
  }
  std::optional<Contraction> qk = matchContraction(s);
  if (!qk || !feedsOnlyReplaced(s))
    return failure();
  match.replaced.push_back(s.getDefiningOp());
  match.q = qk->a;
  // A scale applied to Q instead of the scores (PyTorch's exporter).
  if (auto scale = match.q.hasOneUse() ? matchScale(match.q) : std::nullopt) {
    match.replaced.push_back(match.q.getDefiningOp());
    match.q = scale->first;
    match.scale *= scale->second;
  }
  match.kSource = qk->b;
  // The contraction reads K^T: K is K^T with its last two dimensions
  // swapped, and K^T itself may be a transpose (of [B,Skv,H,D] from a head
  // split), whose permutation then composes with the swap.
  if (!qk->bTransposed) {
    SmallVector<int64_t> swap =
        llvm::to_vector(llvm::seq<int64_t>(0, match.rank));
    std::swap(swap[match.rank - 2], swap[match.rank - 1]);
    match.kPermutation = swap;
    // Through every transpose that only feeds this one (PyTorch's export
    // transposes the head split, then K^T).
    while (auto t = match.kSource.getDefiningOp<linalg::TransposeOp>()) {
      if (!match.kSource.hasOneUse())
        break;
      ArrayRef<int64_t> inner = t.getPermutation();
      for (int64_t &p : match.kPermutation)
        p = inner[p];
      match.kSource = t.getInput();
      match.replaced.push_back(t);
    }
    if (llvm::equal(match.kPermutation, llvm::seq<int64_t>(0, match.rank)))
      match.kPermutation.clear();
  }
  // Heads repeated for GQA before the transposes: the kv heads themselves
  // (the permutation keeps the batch and head dimensions in place).
  if (match.rank == 4 &&
      (match.kPermutation.empty() ||
       (match.kPermutation[0] == 0 && match.kPermutation[1] == 1))) {
    Value k = withoutHeadRepeat(match.kSource, match.replaced);
    Value v = withoutHeadRepeat(match.v, match.replaced);
    if ((k == match.kSource) != (v == match.v))
      return failure(); // one repeated and not the other: not GQA
    match.kSource = k;
    match.v = v;
  }
  Type element = cast<ShapedType>(match.q.getType()).getElementType();
  for (Value v : {match.kSource, match.v})
    if (cast<ShapedType>(v.getType()).getElementType() != element)
      return failure();
  return success(isa<Float32Type, Float16Type, BFloat16Type>(element));
}

/// [N, X, Y] -> [N, 1, X, Y].
Value withUnitHead(RewriterBase &rewriter, Location loc, Value t) {
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, t);
  sizes.insert(sizes.begin() + 1, rewriter.getIndexAttr(1));
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + 1, 1);
  return tensor::ExpandShapeOp::create(
      rewriter, loc, type.clone(shape), t,
      ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}}, sizes);
}

/// `t` with `lead` unit dimensions in front ([X, Y] -> [1, .., X, Y]).
Value withLeadingUnitDims(RewriterBase &rewriter, Location loc, Value t,
                          int64_t lead) {
  if (lead == 0)
    return t;
  auto type = cast<RankedTensorType>(t.getType());
  SmallVector<OpFoldResult> sizes(lead, rewriter.getIndexAttr(1));
  llvm::append_range(sizes, tensor::getMixedSizes(rewriter, loc, t));
  SmallVector<int64_t> shape(lead, 1);
  llvm::append_range(shape, type.getShape());
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < type.getRank(); ++i)
    groups.push_back({lead + i});
  for (int64_t i = 0; i < lead; ++i)
    groups.front().insert(groups.front().begin() + i, i);
  return tensor::ExpandShapeOp::create(rewriter, loc, type.clone(shape), t,
                                       groups, sizes);
}

/// K in the [..,Skv,D] layout attn.attention reads.
Value keyOperand(RewriterBase &rewriter, Location loc,
                 const RaisedAttention &match) {
  if (match.kPermutation.empty())
    return match.kSource;
  SmallVector<OpFoldResult> from =
      tensor::getMixedSizes(rewriter, loc, match.kSource);
  SmallVector<OpFoldResult> sizes;
  for (int64_t p : match.kPermutation)
    sizes.push_back(from[p]);
  Type element = cast<ShapedType>(match.kSource.getType()).getElementType();
  Value init = tensor::EmptyOp::create(rewriter, loc, sizes, element);
  return linalg::TransposeOp::create(rewriter, loc, match.kSource, init,
                                     match.kPermutation)
      .getResult()[0];
}

struct AttnRaisePass : mlir::attn::impl::AttnRaiseBase<AttnRaisePass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> outputs;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->getNumResults() == 1 && linalg::isaContractionOpInterface(op))
        outputs.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp pv : outputs) {
      RaisedAttention match;
      if (failed(matchAttention(pv->getResult(0), match)))
        continue;
      rewriter.setInsertionPoint(pv);
      Location loc = pv.getLoc();
      Value q = match.q, k = keyOperand(rewriter, loc, match), v = match.v;
      Value bias = match.bias ? withLeadingUnitDims(rewriter, loc, match.bias,
                                                    match.biasLead)
                              : Value();
      Value mask = match.mask ? withLeadingUnitDims(rewriter, loc, match.mask,
                                                    match.maskLead)
                              : Value();
      if (match.rank == 3) {
        // [N, S, D] as [N, 1, S, D]: one head per batch entry.
        q = withUnitHead(rewriter, loc, q);
        k = withUnitHead(rewriter, loc, k);
        v = withUnitHead(rewriter, loc, v);
        if (bias)
          bias = withUnitHead(rewriter, loc, bias);
        if (mask)
          mask = withUnitHead(rewriter, loc, mask);
      }
      decompose::Attention raised = decompose::attention(
          rewriter, loc, q, k, v, match.scale, match.causal, bias,
          /*withLse=*/false,
          match.causal ? Alignment::top_left : Alignment::bottom_right);
      Value out = raised.output;
      if (mask)
        out.getDefiningOp<AttentionOp>().getMaskMutable().assign(mask);
      if (match.rank == 3)
        out = tensor::CollapseShapeOp::create(
            rewriter, loc, out,
            ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
      if (out.getType() != pv->getResult(0).getType())
        out = tensor::CastOp::create(rewriter, loc, pv->getResult(0).getType(),
                                     out);
      rewriter.replaceOp(pv, out);
      // The scores, their scale and bias, the softmax: now unused.
      for (Operation *op : match.replaced)
        if (op->use_empty())
          rewriter.eraseOp(op);
    }
  }
};

} // namespace

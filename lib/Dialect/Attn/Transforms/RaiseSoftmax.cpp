//===- RaiseSoftmax.cpp - softmax and mask forms for attn-raise -----------===//
//
// The softmax over the keys as frontends write it without linalg.softmax
// (ONNX ReduceMax/Sub/Exp/ReduceSum/Div, the same ops from other
// compilers), and a boolean mask applied with a select (ONNX Where).
//
//===----------------------------------------------------------------------===//

#include "RaiseMatchers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::attn::raise;

namespace {

/// A fill value that hides a key as -inf does: -inf, or one at or below
/// -1e30 (the lowest float, as exporters write it).
bool hidesKey(std::optional<double> c) { return c && *c <= -1e30; }

/// `r` = a linalg.generic or linalg.reduce reducing its one input over its
/// last loop with a body `Combine(out, in)` (either order) into a fill
/// accepted by `isInit`: the input.
template <typename... Combine>
std::optional<Value> matchLastDimReduction(Value r,
                                           function_ref<bool(double)> isInit) {
  auto g = r.getDefiningOp<linalg::LinalgOp>();
  if (!g || !isa<linalg::GenericOp, linalg::ReduceOp>(g) ||
      g.getNumDpsInputs() != 1 || g->getNumResults() != 1)
    return std::nullopt;
  int64_t n = g.getNumLoops();
  SmallVector<utils::IteratorType> iterators = g.getIteratorTypesArray();
  for (int64_t i = 0; i < n; ++i)
    if ((iterators[i] == utils::IteratorType::reduction) != (i == n - 1))
      return std::nullopt;
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  if (!maps[0].isIdentity())
    return std::nullopt;
  // The output reads loops 0 .. n-2 in order.
  if (maps[1].getNumResults() != unsigned(n - 1))
    return std::nullopt;
  for (auto [i, e] : llvm::enumerate(maps[1].getResults()))
    if (e != getAffineDimExpr(i, g.getContext()))
      return std::nullopt;
  Block &body = g->getRegion(0).front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  Operation *step = yield.getValues()[0].getDefiningOp();
  if (!step || !isa<Combine...>(step) || &body.front() != step)
    return std::nullopt;
  Value in = body.getArgument(0), out = body.getArgument(1);
  if (!((step->getOperand(0) == out && step->getOperand(1) == in) ||
        (step->getOperand(0) == in && step->getOperand(1) == out)))
    return std::nullopt;
  std::optional<double> init = fillValue(g.getDpsInits()[0]);
  if (!init || !isInit(*init))
    return std::nullopt;
  return g.getDpsInputs()[0];
}

/// The row-reduced value that input `i` of the generic making `v` reads
/// broadcast along the last loop: read as loops 0 .. n-2, or as a unit-dim
/// expand_shape of it read as (0 .. n-2, 0). Appends the expand_shape.
std::optional<Value> reducedRows(Value v, unsigned i,
                                 SmallVectorImpl<Operation *> &covered) {
  auto g = v.getDefiningOp<linalg::GenericOp>();
  int64_t n = g.getNumLoops();
  AffineMap map = g.getIndexingMapsArray()[i];
  Value operand = g.getDpsInputs()[i];
  for (int64_t d = 0; d < n - 1; ++d)
    if (int64_t(map.getNumResults()) <= d ||
        map.getResult(d) != getAffineDimExpr(d, g.getContext()))
      return std::nullopt;
  if (int64_t(map.getNumResults()) == n - 1)
    return operand;
  auto last = dyn_cast<AffineConstantExpr>(map.getResult(n - 1));
  auto expand = operand.getDefiningOp<tensor::ExpandShapeOp>();
  if (int64_t(map.getNumResults()) != n || !last || last.getValue() != 0 ||
      !expand || expand.getSrcType().getRank() != n - 1 ||
      expand.getResultType().getDimSize(n - 1) != 1 || !expand->hasOneUse())
    return std::nullopt;
  covered.push_back(expand);
  return expand.getSrc();
}

/// `v` = a one-input generic with body `OpTy(in)`, read with the identity
/// map: its input.
template <typename OpTy> std::optional<Value> matchUnaryStep(Value v) {
  auto g = v.getDefiningOp<linalg::GenericOp>();
  if (!g || g.getNumDpsInputs() != 1 || g->getNumResults() != 1 ||
      g.getNumReductionLoops() != 0 || !readsIdentity(v, 0))
    return std::nullopt;
  Block &body = g.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto step = yield.getValues()[0].getDefiningOp<OpTy>();
  if (!step || &body.front() != step.getOperation() ||
      step->getOperand(0) != body.getArgument(0))
    return std::nullopt;
  return g.getDpsInputs()[0];
}

/// `v` = a one-input generic computing `1 / in` with identity maps: its
/// input.
std::optional<Value> matchReciprocal(Value v) {
  auto g = v.getDefiningOp<linalg::GenericOp>();
  if (!g || !v.hasOneUse() || g.getNumDpsInputs() != 1 ||
      g->getNumResults() != 1 || g.getNumReductionLoops() != 0 ||
      !readsIdentity(v, 0))
    return std::nullopt;
  Block &body = g.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto div = yield.getValues()[0].getDefiningOp<arith::DivFOp>();
  FloatAttr one;
  if (!div || div.getRhs() != body.getArgument(0) ||
      !matchPattern(div.getLhs(), m_Constant(&one)) ||
      !one.getValue().isExactlyValue(1.0))
    return std::nullopt;
  return g.getDpsInputs()[0];
}

/// p = e / rows(z), or e * rows(1 / z) (TOSA's reciprocal and mul, the
/// reciprocal taken on the [.., 1] rows): e and z. Appends what it covers.
std::optional<std::pair<Value, Value>>
matchNormalisation(Value p, SmallVectorImpl<Operation *> &covered) {
  auto g = p.getDefiningOp<linalg::GenericOp>();
  if (std::optional<bool> swapped = matchBinaryStep<arith::DivFOp>(p)) {
    if (*swapped || !readsIdentity(p, 0))
      return std::nullopt;
    covered.push_back(g);
    std::optional<Value> z = reducedRows(p, 1, covered);
    if (!z)
      return std::nullopt;
    return std::make_pair(g.getDpsInputs()[0], *z);
  }
  if (!matchBinaryStep<arith::MulFOp>(p))
    return std::nullopt;
  int64_t n = g.getNumLoops();
  for (unsigned e : {0u, 1u}) {
    // The reciprocal of the [.., 1] rows, read as (0 .. n-2, 0).
    Value rows = g.getDpsInputs()[1 - e];
    std::optional<Value> z = matchReciprocal(rows);
    auto expand = z ? z->getDefiningOp<tensor::ExpandShapeOp>() : nullptr;
    AffineMap map = g.getIndexingMapsArray()[1 - e];
    if (!readsIdentity(p, e) || !expand || !expand->hasOneUse() ||
        expand.getSrcType().getRank() != n - 1 ||
        map.getNumResults() != unsigned(n) ||
        map.getResult(n - 1) != getAffineConstantExpr(0, g.getContext()))
      continue;
    bool rowsInOrder = true;
    for (int64_t d = 0; d < n - 1; ++d)
      rowsInOrder &= map.getResult(d) == getAffineDimExpr(d, g.getContext());
    if (!rowsInOrder)
      continue;
    covered.append({g, rows.getDefiningOp(), expand});
    return std::make_pair(g.getDpsInputs()[e], expand.getSrc());
  }
  return std::nullopt;
}

/// p = e / rows(sum(e)) (or e times the rows' reciprocal), e = exp(x),
/// x = s - rows(max(s)).
std::optional<Value>
matchDecomposedSoftmax(Value p, SmallVectorImpl<Operation *> &replaced) {
  SmallVector<Operation *> covered;
  std::optional<std::pair<Value, Value>> normalised =
      matchNormalisation(p, covered);
  if (!normalised)
    return std::nullopt;
  auto [e, z] = *normalised;
  if (!z.hasOneUse())
    return std::nullopt;
  std::optional<Value> summed = matchLastDimReduction<arith::AddFOp>(
      z, [](double c) { return c == 0.0; });
  if (!summed || *summed != e || !llvm::hasNItems(e.getUses(), 2))
    return std::nullopt;
  covered.push_back(z.getDefiningOp());
  std::optional<Value> x = matchUnaryStep<math::ExpOp>(e);
  if (!x || !x->hasOneUse())
    return std::nullopt;
  covered.push_back(e.getDefiningOp());
  std::optional<bool> subSwapped = matchBinaryStep<arith::SubFOp>(*x);
  if (!subSwapped || *subSwapped || !readsIdentity(*x, 0))
    return std::nullopt;
  covered.push_back(x->getDefiningOp());
  Value s = x->getDefiningOp<linalg::GenericOp>().getDpsInputs()[0];
  std::optional<Value> m = reducedRows(*x, 1, covered);
  if (!m || !m->hasOneUse())
    return std::nullopt;
  std::optional<Value> maxed =
      matchLastDimReduction<arith::MaximumFOp, arith::MaxNumFOp>(
          *m, [](double c) { return hidesKey(c); });
  if (!maxed || *maxed != s || !llvm::hasNItems(s.getUses(), 2))
    return std::nullopt;
  covered.push_back(m->getDefiningOp());
  replaced.append(covered.begin(), covered.end());
  return s;
}

} // namespace

std::optional<Value>
mlir::attn::raise::matchSoftmax(Value p,
                                SmallVectorImpl<Operation *> &replaced) {
  if (auto softmax = p.getDefiningOp<linalg::SoftmaxOp>()) {
    int64_t rank = softmax.getInputOperandType().getRank();
    if (!softmax->hasOneUse() || int64_t(softmax.getDimension()) != rank - 1)
      return std::nullopt;
    replaced.push_back(softmax);
    return softmax.getInput();
  }
  if (!p.hasOneUse())
    return std::nullopt;
  return matchDecomposedSoftmax(p, replaced);
}

std::optional<MaskSelect> mlir::attn::raise::matchMaskSelect(Value s) {
  auto g = s.getDefiningOp<linalg::GenericOp>();
  if (!g || g.getNumDpsInputs() != 3 || g->getNumResults() != 1 ||
      g.getNumReductionLoops() != 0)
    return std::nullopt;
  Block &body = g.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto select = yield.getValues()[0].getDefiningOp<arith::SelectOp>();
  if (!select || &body.front() != select.getOperation() ||
      select.getCondition() != body.getArgument(0) ||
      select.getTrueValue() != body.getArgument(1) ||
      select.getFalseValue() != body.getArgument(2) || !readsIdentity(s, 1) ||
      !hidesKey(splat(g.getDpsInputs()[2])))
    return std::nullopt;
  Value mask = g.getDpsInputs()[0];
  AffineMap map = g.getIndexingMapsArray()[0];
  if (!leadingUnitDims(mask, map, g.getNumLoops()))
    return std::nullopt;
  return MaskSelect{g.getDpsInputs()[1], mask, map};
}

std::optional<int64_t>
mlir::attn::raise::leadingUnitDims(Value operand, AffineMap map, int64_t rank) {
  auto type = dyn_cast<RankedTensorType>(operand.getType());
  int64_t k = rank - map.getNumResults();
  if (!type || type.getRank() != int64_t(map.getNumResults()) || k < 0)
    return std::nullopt;
  for (auto [i, e] : llvm::enumerate(map.getResults())) {
    if (e == getAffineDimExpr(k + i, map.getContext()))
      continue;
    auto c = dyn_cast<AffineConstantExpr>(e);
    if (!c || c.getValue() != 0 || type.getDimSize(i) != 1)
      return std::nullopt;
  }
  return k;
}

//===- RaiseMatchers.h - the steps attn-raise recognises ------*- C++ -*-===//
//
// Matchers shared by attn-raise's files: the elementwise steps of an
// attention chain as linalg.generic ops, the softmax over the keys (named
// or decomposed into max/sub/exp/sum/div) and a boolean mask applied with
// a select. Each returns the value further up the chain, or nothing
// without touching the IR.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_TRANSFORMS_RAISEMATCHERS_H
#define ATTN_LIB_DIALECT_ATTN_TRANSFORMS_RAISEMATCHERS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"

#include <optional>

namespace mlir::attn::raise {

/// For an all-parallel two-input linalg.generic whose body is one `OpTy`
/// of its two inputs: whether the body swaps them (`OpTy(in1, in0)`).
template <typename OpTy> std::optional<bool> matchBinaryStep(Value result) {
  auto g = result.getDefiningOp<linalg::GenericOp>();
  if (!g || g.getNumDpsInputs() != 2 || g->getNumResults() != 1 ||
      g.getNumReductionLoops() != 0)
    return std::nullopt;
  Block &body = g.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto step = yield.getValues()[0].getDefiningOp<OpTy>();
  if (!step || &body.front() != step.getOperation() ||
      step->getNextNode() != yield)
    return std::nullopt;
  Value in0 = body.getArgument(0), in1 = body.getArgument(1);
  if (step->getOperand(0) == in0 && step->getOperand(1) == in1)
    return false;
  if (step->getOperand(0) == in1 && step->getOperand(1) == in0)
    return true;
  return std::nullopt;
}

/// Whether `result` comes from a linalg.generic that reads its input `i`
/// with the identity map.
inline bool readsIdentity(Value result, unsigned i) {
  auto g = result.getDefiningOp<linalg::GenericOp>();
  return g && g.getIndexingMapsArray()[i].isIdentity();
}

/// A constant splat float (any shape), as a double.
inline std::optional<double> splat(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat() ||
      !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

/// The constant a linalg.fill writes, or a constant splat.
inline std::optional<double> fillValue(Value init) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    FloatAttr f;
    if (matchPattern(fill.getInputs()[0], m_Constant(&f)))
      return f.getValue().convertToDouble();
    return std::nullopt;
  }
  return splat(init);
}

/// A softmax over the last dimension of `p`'s producer: linalg.softmax,
/// or its decomposition `e = exp(s - max(s)); p = e / sum(e)` as generics
/// (reductions over the last loop into -inf and 0 fills, the reduced rows
/// broadcast back with or without a unit-dim expand_shape). Returns the
/// scores `s` and appends the ops it covers to `replaced`, consumers first.
std::optional<Value> matchSoftmax(Value p,
                                  SmallVectorImpl<Operation *> &replaced);

/// A boolean mask applied as `select(mask, s, -inf)` (or a fill value at
/// or below -1e30): the scores `s`, the mask, and the map the select reads
/// the mask with.
struct MaskSelect {
  Value scores, mask;
  AffineMap maskMap;
};
std::optional<MaskSelect> matchMaskSelect(Value s);

/// How many leading unit dimensions make an operand read with `map` (by a
/// generic with `rank` loops) an operand of the scores' rank: 0 when every
/// dimension is read in place (or a size-1 dimension at 0), k when the map
/// reads exactly the last rank - k loops in order. Nothing otherwise.
std::optional<int64_t> leadingUnitDims(Value operand, AffineMap map,
                                       int64_t rank);

} // namespace mlir::attn::raise

#endif // ATTN_LIB_DIALECT_ATTN_TRANSFORMS_RAISEMATCHERS_H

//===- ContractionLayout.cpp - register-tile view of a contraction --------===//

#include "attn/Dialect/Attn/Transforms/ContractionLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::attn;

/// True when `block` is exactly `yield(acc + x * y)` with x, y the two
/// input arguments and acc the output argument, in any operand order.
static bool isMultiplyAccumulate(Block &block) {
  if (block.getNumArguments() != 3 || !llvm::hasNItems(block, 3))
    return false;
  auto mul = dyn_cast<arith::MulFOp>(block.front());
  auto add = dyn_cast<arith::AddFOp>(*std::next(block.begin()));
  auto yield = dyn_cast<linalg::YieldOp>(block.back());
  if (!mul || !add || !yield || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != add.getResult())
    return false;
  auto isArg = [&](Value v, unsigned n) { return v == block.getArgument(n); };
  bool inputs = (isArg(mul.getLhs(), 0) && isArg(mul.getRhs(), 1)) ||
                (isArg(mul.getLhs(), 1) && isArg(mul.getRhs(), 0));
  bool sum = (isArg(add.getLhs(), 2) && add.getRhs() == mul.getResult()) ||
             (isArg(add.getRhs(), 2) && add.getLhs() == mul.getResult());
  return inputs && sum;
}

/// The loop of the last result of `map`.
static unsigned lastLoop(AffineMap map) {
  return cast<AffineDimExpr>(map.getResults().back()).getPosition();
}

FailureOr<ContractionLayout>
mlir::attn::matchContractionLayout(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op->getNumRegions() != 1)
    return failure();
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<ShapedType>(operand.get().getType());
    if (!type || !type.getElementType().isF32() || type.getRank() == 0)
      return failure();
  }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!llvm::all_of(maps, [](AffineMap m) {
        return m.isProjectedPermutation() && m.getNumResults() > 0;
      }))
    return failure();
  if (!isMultiplyAccumulate(*op.getBlock()))
    return failure();
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.empty() || dims->n.empty() || dims->k.empty())
    return failure();

  ContractionLayout layout;
  layout.columnLoop = lastLoop(maps[2]);
  if (!llvm::is_contained(dims->n, layout.columnLoop))
    return failure();
  // The n loop appears in exactly one input: that one is B.
  layout.rhsOperand = maps[0].isFunctionOfDim(layout.columnLoop) ? 0 : 1;
  layout.lhsOperand = 1 - layout.rhsOperand;
  if (lastLoop(maps[layout.rhsOperand]) != layout.columnLoop)
    return failure();

  auto lastOf = [](AffineMap map,
                   ArrayRef<unsigned> loops) -> std::optional<unsigned> {
    for (AffineExpr e : llvm::reverse(map.getResults()))
      if (llvm::is_contained(loops, cast<AffineDimExpr>(e).getPosition()))
        return cast<AffineDimExpr>(e).getPosition();
    return std::nullopt;
  };
  std::optional<unsigned> row = lastOf(maps[2], dims->m);
  std::optional<unsigned> depth = lastOf(maps[layout.lhsOperand], dims->k);
  if (!row || !depth)
    return failure();
  layout.rowLoop = *row;
  layout.depthLoop = *depth;
  return layout;
}

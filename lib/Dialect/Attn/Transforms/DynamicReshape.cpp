//===- DynamicReshape.cpp - expand_shape with several dynamic sizes -------===//

#include "attn/Dialect/Attn/Transforms/DynamicReshape.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"

using namespace mlir;

bool mlir::attn::splitsIntoDynamicSizes(tensor::ExpandShapeOp op) {
  RankedTensorType type = op.getResultType();
  return llvm::any_of(op.getReassociationIndices(), [&](auto &group) {
    return llvm::count_if(group,
                          [&](int64_t d) { return type.isDynamicDim(d); }) > 1;
  });
}

void mlir::attn::replaceWithReshape(RewriterBase &rewriter,
                                    tensor::ExpandShapeOp op) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  SmallVector<Value> sizes;
  for (OpFoldResult size : op.getMixedOutputShape())
    sizes.push_back(arith::IndexCastOp::create(
        rewriter, loc, rewriter.getI64Type(),
        getValueOrCreateConstantIndexOp(rewriter, loc, size)));
  Value shape = tensor::FromElementsOp::create(
      rewriter, loc,
      RankedTensorType::get({int64_t(sizes.size())}, rewriter.getI64Type()),
      sizes);
  rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, op.getResultType(),
                                                 op.getSrc(), shape);
}

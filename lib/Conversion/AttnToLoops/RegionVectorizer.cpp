//===- RegionVectorizer.cpp - score_mod / mask_mod on vectors -------------===//
//
// The regions of attn.attention are scalar bodies of side-effect-free
// elementwise ops (the verifier guarantees no side effects). The tile body
// evaluates them for a whole vector of keys at once by re-creating each op
// with vector operand and result types; scalar constants are broadcast.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

static Value toVector(ImplicitLocOpBuilder &b, Value v, int64_t width) {
  if (isa<VectorType>(v.getType()))
    return v;
  return vector::BroadcastOp::create(b, VectorType::get({width}, v.getType()),
                                     v);
}

FailureOr<Value> lowering::vectorizeRegion(ImplicitLocOpBuilder &b,
                                           Region &region, ValueRange args,
                                           int64_t width) {
  Block &block = region.front();
  IRMapping map;
  for (auto [arg, value] : llvm::zip(block.getArguments(), args))
    map.map(arg, value);

  for (Operation &op : block.without_terminator()) {
    if (op.hasTrait<OpTrait::ConstantLike>()) {
      Operation *scalar = b.clone(op);
      map.map(op.getResult(0), toVector(b, scalar->getResult(0), width));
      continue;
    }
    if (!op.hasTrait<OpTrait::Elementwise>() || op.getNumResults() != 1)
      return op.emitOpError()
             << "cannot be evaluated on vectors by attn-tile: region ops must "
                "be elementwise with one result";
    OperationState state(op.getLoc(), op.getName());
    for (Value operand : op.getOperands())
      state.operands.push_back(toVector(b, map.lookup(operand), width));
    state.types.push_back(VectorType::get({width}, op.getResult(0).getType()));
    state.attributes = op.getAttrDictionary().getValue();
    if (op.getPropertiesStorageSize()) {
      state.propertiesAttr = op.getPropertiesAsAttribute();
    }
    Operation *vectorOp = b.create(state);
    map.map(op.getResult(0), vectorOp->getResult(0));
  }
  Value yielded = cast<YieldOp>(block.getTerminator()).getValue();
  return toVector(b, map.lookup(yielded), width);
}

LogicalResult lowering::checkRegionsVectorize(AttentionOp op, StringRef where) {
  for (Region *region : {&op.getScoreMod(), &op.getMaskMod()}) {
    if (region->empty())
      continue;
    for (Operation &inner : region->front().without_terminator())
      if (!inner.hasTrait<OpTrait::ConstantLike>() &&
          (!inner.hasTrait<OpTrait::Elementwise>() ||
           inner.getNumResults() != 1))
        return inner.emitOpError()
               << "cannot be evaluated " << where
               << ": region ops must be constants or elementwise with one "
                  "result";
  }
  return success();
}

//===- StructureOps.cpp - verifiers of the structural attn ops ------------===//
//
// Shape rules and dimension relations of the ops of AttnStructureOps.td
// (shared/VARIANTS.md section D). Messages name the operand, the expected
// shape in symbols and sizes, and what was found.
//
//===----------------------------------------------------------------------===//

#include "ShapeRules.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::shape_rules;

namespace {
/// Checks the rank of `value` and that its dimension `dim` (named `name`) is
/// static; returns its size.
FailureOr<int64_t> staticDim(Operation *op, StringRef what, Value value,
                             int64_t rank, StringRef layout, int64_t dim,
                             StringRef name) {
  if (failed(verifyRank(op, what, value, rank, layout)))
    return failure();
  return verifyStaticPositive(op, what, value, dim, name);
}
} // namespace

//===----------------------------------------------------------------------===//
// multi_head
//===----------------------------------------------------------------------===//

int64_t MultiHeadOp::getKeyValueHeads() {
  return getNumKvHeads() ? static_cast<int64_t>(*getNumKvHeads())
                         : static_cast<int64_t>(getNumHeads());
}

int64_t MultiHeadOp::getHeadDim() {
  return dimOf(getQueryInput(), 2) / static_cast<int64_t>(getNumHeads());
}

LogicalResult MultiHeadOp::verify() {
  Operation *op = getOperation();
  FailureOr<int64_t> e =
      staticDim(op, "query_input", getQueryInput(), 3, "[B, Sq, E]", 2, "E");
  if (failed(e))
    return failure();
  int64_t h = static_cast<int64_t>(getNumHeads());
  if (h < 1 || h > *e || *e % h != 0)
    return emitOpError() << "expects num_heads to divide the model dimension "
                            "E = "
                         << *e << ", but got " << h;
  int64_t hkv = getKeyValueHeads();
  if (hkv < 1 || h % hkv != 0)
    return emitOpError() << "expects num_kv_heads to divide num_heads = " << h
                         << ", but got " << hkv;
  int64_t d = *e / h, b = dimOf(getQueryInput(), 0),
          sq = dimOf(getQueryInput(), 1);
  if (failed(verifyShape(op, "kv_input", getKvInput(),
                         {{"B", b}, {"Skv", ShapedType::kDynamic}, {"E", *e}})))
    return failure();
  Dim eDim{"E", *e}, ekv{"Hkv*D", hkv * d};
  if (failed(verifyShape(op, "Wq", getWq(), {eDim, eDim})) ||
      failed(verifyShape(op, "Wk", getWk(), {eDim, ekv})) ||
      failed(verifyShape(op, "Wv", getWv(), {eDim, ekv})) ||
      failed(verifyShape(op, "Wo", getWo(), {eDim, eDim})))
    return failure();
  if (Value g = getHeadGates())
    if (failed(verifyShape(op, "head_gates", g, {{"num_heads", h}})))
      return failure();
  return verifyShape(op, "output", getOutput(),
                     {{"B", b}, {"Sq", sq}, {"E", *e}});
}

void MultiHeadOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  Value xq = getQueryInput(), xkv = getKvInput(), out = getOutput();
  same(eqs, xq, 0, xkv, 0);
  same(eqs, xq, 0, out, 0);
  same(eqs, xq, 1, out, 1);
  same(eqs, xq, 2, xkv, 2);
  same(eqs, xq, 2, out, 2);
  for (Value w : {getWq(), getWk(), getWv(), getWo()})
    same(eqs, w, 0, xq, 2);
  same(eqs, getWq(), 1, xq, 2);
  same(eqs, getWo(), 1, xq, 2);
  same(eqs, getWk(), 1, getWv(), 1);
}

//===----------------------------------------------------------------------===//
// feed_forward_pool
//===----------------------------------------------------------------------===//

LogicalResult FeedForwardPoolOp::verify() {
  Operation *op = getOperation();
  RankedTensorType hType = tensorType(getHidden());
  int64_t rank = hType.getRank();
  if (rank < 3)
    return emitOpError() << "expects hidden of rank >= 3 ([..., S, E], at "
                            "least one batch dimension), but got "
                         << hType;
  FailureOr<int64_t> e =
      staticDim(op, "hidden", getHidden(), rank, "[..., S, E]", rank - 1, "E");
  if (failed(e))
    return failure();
  RankedTensorType wType = tensorType(getWeight());
  int64_t a = wType.getRank() == 2 ? wType.getDimSize(1) : ShapedType::kDynamic;
  if (failed(verifyShape(op, "W", getWeight(), {{"E", *e}, {"A", a}})) ||
      failed(verifyShape(op, "b", getBias(), {{"A", a}})) ||
      failed(verifyShape(op, "u", getContextVector(), {{"A", a}})))
    return failure();
  SmallVector<Dim> outDims;
  for (int64_t i = 0; i < rank - 2; ++i)
    outDims.push_back({"N" + std::to_string(i), hType.getDimSize(i)});
  outDims.push_back({"E", *e});
  return verifyShape(op, "output", getOutput(), outDims);
}

void FeedForwardPoolOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  Value h = getHidden(), out = getOutput();
  int64_t rank = tensorType(h).getRank();
  for (int64_t i = 0; i < rank - 2; ++i)
    same(eqs, h, i, out, i);
  same(eqs, h, rank - 1, out, rank - 2);
  same(eqs, h, rank - 1, getWeight(), 0);
  same(eqs, getWeight(), 1, getBias(), 0);
  same(eqs, getWeight(), 1, getContextVector(), 0);
}

//===----------------------------------------------------------------------===//
// co_attention
//===----------------------------------------------------------------------===//

LogicalResult CoAttentionOp::verify() {
  Operation *op = getOperation();
  FailureOr<int64_t> d = staticDim(op, "a", getA(), 3, "[B, Na, D]", 2, "D");
  if (failed(d))
    return failure();
  int64_t b = dimOf(getA(), 0), na = dimOf(getA(), 1);
  if (failed(verifyShape(op, "b", getB(),
                         {{"B", b}, {"Nb", ShapedType::kDynamic}, {"D", *d}})))
    return failure();
  int64_t nb = dimOf(getB(), 1);
  if (failed(verifyShape(op, "result a'", getAOut(),
                         {{"B", b}, {"Na", na}, {"D", *d}})))
    return failure();
  return verifyShape(op, "result b'", getBOut(),
                     {{"B", b}, {"Nb", nb}, {"D", *d}});
}

void CoAttentionOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  Value a = getA(), b = getB();
  same(eqs, a, 0, b, 0);
  same(eqs, a, 2, b, 2);
  for (int64_t i = 0; i < 3; ++i) {
    same(eqs, a, i, getAOut(), i);
    same(eqs, b, i, getBOut(), i);
  }
}

//===----------------------------------------------------------------------===//
// attention_over_attention
//===----------------------------------------------------------------------===//

LogicalResult AttentionOverAttentionOp::verify() {
  Operation *op = getOperation();
  FailureOr<int64_t> d =
      staticDim(op, "document", getDocument(), 3, "[B, Nd, D]", 2, "D");
  if (failed(d))
    return failure();
  int64_t b = dimOf(getDocument(), 0), nd = dimOf(getDocument(), 1);
  if (failed(verifyShape(op, "query", getQuery(),
                         {{"B", b}, {"Nq", ShapedType::kDynamic}, {"D", *d}})))
    return failure();
  return verifyShape(op, "scores", getScores(), {{"B", b}, {"Nd", nd}});
}

void AttentionOverAttentionOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  Value d = getDocument();
  same(eqs, d, 0, getQuery(), 0);
  same(eqs, d, 2, getQuery(), 2);
  same(eqs, d, 0, getScores(), 0);
  same(eqs, d, 1, getScores(), 1);
}

//===----------------------------------------------------------------------===//
// memory_network
//===----------------------------------------------------------------------===//

LogicalResult MemoryNetworkOp::verify() {
  Operation *op = getOperation();
  FailureOr<int64_t> d =
      staticDim(op, "query", getQuery(), 2, "[B, D]", 1, "D");
  if (failed(d))
    return failure();
  int64_t b = dimOf(getQuery(), 0);
  if (failed(verifyShape(op, "memory", getMemory(),
                         {{"B", b}, {"N", ShapedType::kDynamic}, {"D", *d}})))
    return failure();
  int64_t n = dimOf(getMemory(), 1);
  if (failed(verifyShape(op, "output_memory", getOutputMemory(),
                         {{"B", b}, {"N", n}, {"D", *d}})) ||
      failed(verifyShape(op, "output", getOutput(), {{"B", b}, {"D", *d}})))
    return failure();
  int64_t hops = static_cast<int64_t>(getHops());
  if (hops < 1 || hops > 1024)
    return emitOpError() << "expects hops in [1, 1024], but got " << hops;
  return success();
}

void MemoryNetworkOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  Value u = getQuery(), m = getMemory(), c = getOutputMemory();
  same(eqs, u, 0, m, 0);
  same(eqs, u, 0, c, 0);
  same(eqs, u, 0, getOutput(), 0);
  same(eqs, m, 1, c, 1);
  same(eqs, u, 1, m, 2);
  same(eqs, u, 1, c, 2);
  same(eqs, u, 1, getOutput(), 1);
}

//===- KeyRange.cpp - live key range of a query tile ----------------------===//
//
// For query row i (aligned position p = i + Skv - Sq) the named masks allow
//   causal:       j <= p
//   window[l,r]:  p - l <= j <= p + r
//   key_lengths:  j < len[b]
//   gaussian:     lo_i <= j <= hi_i, per-row windows from the positions p
//                 (Positions.cpp computes their union and intersection)
// Over the rows [row0, row0 + rows) of a tile, the union of these intervals
// bounds the key loop (tiles outside it are never visited), and their
// intersection is the range in which a key tile needs no mask at all.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

KeyRange lowering::computeKeyRange(ImplicitLocOpBuilder &b,
                                   const KernelConfig &cfg,
                                   const QueryTile &tile) {
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, v);
  };
  auto minS = [&](Value x, Value y) -> Value {
    return arith::MinSIOp::create(b, x, y);
  };
  auto maxS = [&](Value x, Value y) -> Value {
    return arith::MaxSIOp::create(b, x, y);
  };
  AttentionOp op = cfg.op;
  Value zero = cst(0);
  Value firstPos = arith::AddIOp::create(b, tile.row0, cfg.alignOffset);
  Value lastPos = arith::AddIOp::create(
      b,
      arith::SubIOp::create(b, arith::AddIOp::create(b, tile.row0, tile.rows),
                            cst(1)),
      cfg.alignOffset);

  // Upper bounds (exclusive), as functions of a row position.
  Value end = tile.keyLimit ? tile.keyLimit : cfg.keyLen;
  Value fullEnd = end;
  auto [left, right] = op.getWindowBounds();
  int64_t rightExtent = -1; // -1: unbounded on the right.
  if (op.getCausal())
    rightExtent = 0;
  if (right >= 0)
    rightExtent = rightExtent < 0 ? right : std::min(rightExtent, right);
  if (rightExtent >= 0) {
    end = minS(end, arith::AddIOp::create(b, lastPos, cst(rightExtent + 1)));
    fullEnd =
        minS(fullEnd, arith::AddIOp::create(b, firstPos, cst(rightExtent + 1)));
  }

  // Lower bounds (inclusive).
  Value begin = zero, fullBegin = zero;
  if (left >= 0) {
    begin = maxS(zero, arith::SubIOp::create(b, firstPos, cst(left)));
    fullBegin = maxS(zero, arith::SubIOp::create(b, lastPos, cst(left)));
  }
  if (tile.posBegin) {
    begin = maxS(begin, tile.posBegin);
    end = minS(end, tile.posEnd);
    fullBegin = maxS(fullBegin, tile.posFullBegin);
    fullEnd = minS(fullEnd, tile.posFullEnd);
  }
  // Top-left, a window's rows past Skv + l see no key: their range must not
  // start past the keys (bottom-right, p - l < Skv always).
  if (left >= 0 && op.getAlign() == Alignment::top_left)
    begin = minS(begin, tile.keyLimit ? tile.keyLimit : cfg.keyLen);
  // An empty range must not run backwards.
  end = maxS(end, begin);
  return {begin, end, fullBegin, fullEnd};
}

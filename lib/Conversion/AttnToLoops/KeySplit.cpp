//===- KeySplit.cpp - parts of a key range and their log-sum-exp merge ----===//
//
// Decode (one query row) and short queries give fewer (batch, head, query
// tile) work items than there are threads. The key range of each query tile
// is then split into parts that run as work items of their own; each part
// leaves its online softmax state (running max m, sum l, unnormalised
// accumulator) in a slot of flat heap buffers, and a combine step merges a
// tile's parts,
//
//   m = max_p m_p,   l = sum_p l_p 2^(m_p - m),   acc = sum_p acc_p 2^(m_p -
//   m),
//
// into the normaliser's own state, from which its epilogue writes the output
// and the lse exactly as for an unsplit tile.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

SplitStates lowering::allocateSplitStates(ImplicitLocOpBuilder &b,
                                          const KernelConfig &cfg,
                                          Value slots) {
  auto flat = [&](int64_t perSlot) -> Value {
    Value size = arith::MulIOp::create(b, slots, indexConst(b, perSlot));
    return memref::AllocOp::create(
        b, MemRefType::get({ShapedType::kDynamic}, b.getF32Type()),
        ValueRange{size}, b.getI64IntegerAttr(64));
  };
  return {flat(cfg.paddedRows), flat(cfg.paddedRows),
          flat(cfg.queryTile * cfg.valueDim)};
}

void lowering::narrowToPart(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                            KeyRange &range, Value part, Value parts) {
  Value span = arith::MaxSIOp::create(
      b, arith::SubIOp::create(b, range.end, range.begin), indexConst(b, 0));
  Value tiles = arith::CeilDivUIOp::create(b, span, indexConst(b, cfg.keyTile));
  Value stride =
      arith::MulIOp::create(b, arith::CeilDivUIOp::create(b, tiles, parts),
                            indexConst(b, cfg.keyTile));
  Value begin = arith::AddIOp::create(b, range.begin,
                                      arith::MulIOp::create(b, part, stride));
  range.end = arith::MinSIOp::create(b, range.end,
                                     arith::AddIOp::create(b, begin, stride));
  range.begin = begin;
}

/// Index of row r's element of slot `slot` in a [slots * rows] buffer.
static Value rowSlot(ImplicitLocOpBuilder &b, Value slot, int64_t rows,
                     Value r) {
  return arith::AddIOp::create(
      b, arith::MulIOp::create(b, slot, indexConst(b, rows)), r);
}

/// Calls `body(column)` for each vector chunk of an accumulator row.
static void
forEachValueChunk(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                  function_ref<void(ImplicitLocOpBuilder &, Value)> body) {
  forEachChunkBlock(b, cfg.valueDim / cfg.valueWidth, cfg.valueWidth,
                    [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
                      for (int64_t c = 0; c < block.count; ++c)
                        body(cb, block.column(cb, c));
                    });
}

/// Position of acc[r, col] of slot `slot` in the flat accumulators.
static Value accSlot(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                     Value slot, Value r, Value col) {
  Value row = rowSlot(b, slot, cfg.queryTile, r);
  return arith::AddIOp::create(
      b, arith::MulIOp::create(b, row, indexConst(b, cfg.valueDim)), col);
}

void lowering::exportSoftmaxState(ImplicitLocOpBuilder &b,
                                  const KernelConfig &cfg,
                                  const QueryTile &tile,
                                  const RowNormalizer::SoftmaxState &state,
                                  const SplitStates &states, Value slot) {
  VectorType accType = VectorType::get({cfg.valueWidth}, b.getF32Type());
  buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
    Value at = rowSlot(rb, slot, cfg.paddedRows, r);
    memref::StoreOp::create(rb, memref::LoadOp::create(rb, state.rowMax, r),
                            states.rowMax, at);
    memref::StoreOp::create(rb, memref::LoadOp::create(rb, state.rowSum, r),
                            states.rowSum, at);
    forEachValueChunk(rb, cfg, [&](ImplicitLocOpBuilder &cb, Value col) {
      Value a =
          vector::LoadOp::create(cb, accType, state.acc, ValueRange{r, col});
      vector::StoreOp::create(cb, a, states.acc,
                              accSlot(cb, cfg, slot, r, col));
    });
  });
}

void lowering::mergeSoftmaxStates(ImplicitLocOpBuilder &b,
                                  const KernelConfig &cfg,
                                  const QueryTile &tile,
                                  const SplitStates &states, Value first,
                                  Value count,
                                  const RowNormalizer::SoftmaxState &state) {
  VectorType accType = VectorType::get({cfg.valueWidth}, b.getF32Type());
  Value negInf = f32Const(b, -std::numeric_limits<double>::infinity());
  Value zero = f32Const(b, 0.0);
  Value zeros = splat(b, zero, cfg.valueWidth);
  buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
    forEachValueChunk(rb, cfg, [&](ImplicitLocOpBuilder &cb, Value col) {
      vector::StoreOp::create(cb, zeros, state.acc, ValueRange{r, col});
    });
    auto slotOf = [&](ImplicitLocOpBuilder &pb, Value p) -> Value {
      return arith::AddIOp::create(pb, first, p);
    };
    auto partMax = [&](ImplicitLocOpBuilder &pb, Value p) -> Value {
      return memref::LoadOp::create(
          pb, states.rowMax, rowSlot(pb, slotOf(pb, p), cfg.paddedRows, r));
    };
    auto max =
        buildCountedLoop(rb, count, ValueRange{negInf},
                         [&](ImplicitLocOpBuilder &pb, Value p, ValueRange m) {
                           return SmallVector<Value>{arith::MaximumFOp::create(
                               pb, m[0], partMax(pb, p))};
                         });
    Value m = max.getResult(0);
    auto sum = buildCountedLoop(
        rb, count, ValueRange{zero},
        [&](ImplicitLocOpBuilder &pb, Value p, ValueRange l) {
          Value slot = slotOf(pb, p);
          Value mp = partMax(pb, p);
          // A part that saw no visible key (m_p = -inf) weighs 0, also when
          // every part is empty and m - m_p would be NaN.
          Value empty =
              arith::CmpFOp::create(pb, arith::CmpFPredicate::OEQ, mp, negInf);
          Value factor = arith::SelectOp::create(
              pb, empty, zero,
              math::Exp2Op::create(pb, arith::SubFOp::create(pb, mp, m)));
          Value lp = memref::LoadOp::create(
              pb, states.rowSum, rowSlot(pb, slot, cfg.paddedRows, r));
          Value scaled = splat(pb, factor, cfg.valueWidth);
          forEachValueChunk(pb, cfg, [&](ImplicitLocOpBuilder &cb, Value col) {
            Value part = vector::LoadOp::create(cb, accType, states.acc,
                                                accSlot(cb, cfg, slot, r, col));
            Value a = vector::LoadOp::create(cb, accType, state.acc,
                                             ValueRange{r, col});
            vector::StoreOp::create(cb,
                                    vector::FMAOp::create(cb, scaled, part, a),
                                    state.acc, ValueRange{r, col});
          });
          return SmallVector<Value>{math::FmaOp::create(pb, lp, factor, l[0])};
        });
    memref::StoreOp::create(rb, m, state.rowMax, r);
    memref::StoreOp::create(rb, sum.getResult(0), state.rowSum, r);
  });
}

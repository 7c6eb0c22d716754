//===- FragmentFeatures.cpp - multi_dimensional's softmax per feature -----===//
//
// multi_dimensional: e_ijf = tanh(q_i W1 + b + k_j W2)_f, one softmax over j
// for every value feature f, o_if = sum_j P_ijf v_jf. Its weights are not
// one scalar per (i, j), so there is no score fragment and no P V on the
// tensor cores; each thread keeps, for its rows g, g + 8 and its output
// columns 8 ot + 2t, + 1 (the accumulator layout of the other kernels), a
// sum l and an accumulator per (row, column).
//
// The CTA projects its query tile once (q W1 + b) and each key tile (k W2)
// into f32 tables in shared memory (projectRows); each thread keeps its q W1
// + b in registers. Per key of the tile it reads the key's table row and
// value row (both from shared memory), and for its columns adds
// p = exp2(tanh(.) scale log2 e) to l and p v to the accumulator: one tanh
// and one exp2 per (row, key, column). As on the CPU
// (AdditiveScores.cpp), there is no running max: tanh lies in [-1, 1], so
// exp2 stays in f32 range for scale <= 40 (checkFeatureSoftmax). Hidden
// keys (masks, keys past the sequence) weigh 0, from the same visibility
// as the other kernels. Columns past Dv are computed on whatever the table
// holds there and never stored.
//
//===----------------------------------------------------------------------===//

#include "FragmentFeatures.h"
#include "FlashShape.h"
#include "FragmentScores.h"
#include "Fragments.h"

#include "../AttnToLoops/AttentionLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;
using lowering::indexConst;

FragmentFeatureSoftmax::FragmentFeatureSoftmax(
    ImplicitLocOpBuilder &b, const WarpTiles &tiles,
    const lowering::KernelConfig &cfg, const lowering::QueryTile &tile,
    Value raw, Value threadId, ArrayRef<Value> rows)
    : b(b), t(tiles), cfg(cfg), tile(tile), threadId(threadId),
      rows(rows.begin(), rows.end()) {
  std::tie(queryTable, keyTable) = projectionTables(b, t.shape, raw);
}

int64_t FragmentFeatureSoftmax::blocks() const { return t.shape.valueDim / 8; }

Value FragmentFeatureSoftmax::tableColumn(int64_t ot, int64_t c) {
  return arith::AddIOp::create(
      b, arith::MulIOp::create(b, t.lane.quad, indexConst(b, 2)),
      indexConst(b, 8 * ot + c));
}

void FragmentFeatureSoftmax::prepareQuery() {
  projectRows(b, t.shape, threadId, t.query, indexConst(b, 0),
              t.shape.queryTile, cfg.scoreWeights[0], cfg.scoreWeights[2],
              t.shape.inputValueDim, queryTable);
  Value stride = indexConst(b, t.shape.projectionStride());
  for (int64_t half = 0; half < 2; ++half) {
    Value row = arith::AddIOp::create(
        b, t.warpRow0,
        arith::AddIOp::create(b, t.lane.group, indexConst(b, 8 * half)));
    Value base = arith::MulIOp::create(b, row, stride);
    for (int64_t ot = 0; ot < blocks(); ++ot)
      for (int64_t c = 0; c < 2; ++c)
        projectedQuery.push_back(memref::LoadOp::create(
            b, queryTable,
            ValueRange{arith::AddIOp::create(b, base, tableColumn(ot, c))}));
  }
}

SmallVector<Value> FragmentFeatureSoftmax::initialState() {
  return SmallVector<Value>(
      8 * blocks(), arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f)));
}

SmallVector<Value> FragmentFeatureSoftmax::update(ValueRange state, Value k0,
                                                  Value keyBase,
                                                  Value valueBase,
                                                  Value keyEnd) {
  projectRows(b, t.shape, threadId, t.key, keyBase, t.shape.keyTile,
              cfg.scoreWeights[1], /*bias=*/Value(), t.shape.inputValueDim,
              keyTable);
  int64_t n = blocks() * 4;
  Type elem = cast<MemRefType>(t.value.getType()).getElementType();
  auto pairType = VectorType::get({2}, elem);
  auto f32Pair = VectorType::get({2}, b.getF32Type());
  Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
  Value unit = arith::ConstantOp::create(
      b, b.getF32FloatAttr(float(cfg.scale * M_LOG2E)));
  Value stride = indexConst(b, t.shape.projectionStride());
  // Keys in pairs: the visibility of a pair is one vector<2 x i1>.
  auto loop = scf::ForOp::create(
      b, indexConst(b, 0), indexConst(b, t.shape.keyTile), indexConst(b, 2),
      state, [&](OpBuilder &nb, Location, Value j, ValueRange carried) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        Value keys = fragmentKeyPair(b, arith::AddIOp::create(b, k0, j));
        Value visible[2];
        for (int64_t half = 0; half < 2; ++half)
          visible[half] = lowering::emitVisibility(
              b, cfg, tile,
              {rows[half],
               arith::AddIOp::create(b, rows[half], cfg.alignOffset), keys},
              keyEnd);
        SmallVector<Value> next(carried);
        for (int64_t e = 0; e < 2; ++e) {
          Value key = arith::AddIOp::create(b, j, indexConst(b, e));
          Value keyRow = arith::MulIOp::create(b, key, stride);
          for (int64_t ot = 0; ot < blocks(); ++ot) {
            Value col = tableColumn(ot, 0);
            Value v = vector::LoadOp::create(
                b, pairType, t.value,
                ValueRange{arith::AddIOp::create(
                    b, valueBase,
                    tileElementOffset(b, t.shape, key, col, t.shape.keyTile,
                                      t.shape.valueDim))});
            if (!elem.isF32())
              v = arith::ExtFOp::create(b, f32Pair, v);
            for (int64_t c = 0; c < 2; ++c) {
              Value kw =
                  memref::LoadOp::create(b, keyTable,
                                         ValueRange{arith::AddIOp::create(
                                             b, keyRow, tableColumn(ot, c))});
              Value vc = vector::ExtractOp::create(b, v, ArrayRef<int64_t>{c});
              for (int64_t half = 0; half < 2; ++half) {
                Value th = math::TanhOp::create(
                    b,
                    arith::AddFOp::create(
                        b, projectedQuery[(half * blocks() + ot) * 2 + c], kw));
                Value p = fastExp2(b, arith::MulFOp::create(b, th, unit));
                p = arith::SelectOp::create(
                    b,
                    vector::ExtractOp::create(b, visible[half],
                                              ArrayRef<int64_t>{e}),
                    p, zero);
                // Accumulator layout: 4 ot + 2 half + c; the sums follow.
                int64_t i = 4 * ot + 2 * half + c;
                next[n + i] = arith::AddFOp::create(b, next[n + i], p);
                next[i] = math::FmaOp::create(b, p, vc, next[i]);
              }
            }
          }
        }
        scf::YieldOp::create(b, next);
      });
  return SmallVector<Value>(loop.getResults());
}

void FragmentFeatureSoftmax::storeRows(ValueRange state,
                                       ArrayRef<Value> outRows) {
  int64_t n = blocks() * 4;
  Type outElem = cast<MemRefType>(cfg.output.getType()).getElementType();
  Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
  for (int64_t half = 0; half < 2; ++half)
    // Column pairs, and the last column of an odd Dv alone.
    storeOutputColumns(
        b, t, cfg, tile, outRows[half], [&](int64_t ot, Value, int64_t width) {
          SmallVector<Value, 2> o;
          for (int64_t c = 0; c < width; ++c) {
            int64_t i = 4 * ot + 2 * half + c;
            // A row without a visible key has l = 0: zeros.
            Value l = state[n + i];
            Value positive =
                arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, l, zero);
            o.push_back(arith::SelectOp::create(
                b, positive, arith::DivFOp::create(b, state[i], l), zero));
          }
          Value pair = vector::FromElementsOp::create(
              b, VectorType::get({width}, b.getF32Type()), o);
          if (!outElem.isF32())
            pair = arith::TruncFOp::create(b, VectorType::get({width}, outElem),
                                           pair);
          return pair;
        });
}

//===- FragmentScores.cpp - score functions on a warp's fragments ---------===//
//
// The dot family of scores from the dot products a contraction leaves in
// the accumulator fragments (thread g = lane / 4, t = lane % 4 holds rows
// g, g + 8 and keys 2t, 2t + 1 of every 8-key block):
//
//   dot      s = q.k
//   cosine   s = q.k * (1 / |q|) * (1 / |k|)
//   neg_l2   s = 2 q.k - |q|^2 - |k|^2   (= -|q - k|^2)
//   general  s = (q W).k: the Q tile in shared memory becomes q W before
//            the key loop, in the input's element type for the tensor cores
//   compositional  s = tanh(q.k scale) sigmoid(-|q - k|_1 scale)
//            (lowering::compositionalWeights): each thread sums the L1
//            distances of its (row, key) pairs from the Q and K tiles, one
//            16-byte chunk of the row at a time
//   additive s = sum_a va_a tanh((q Wq)_a + (k Wk)_a): the CTA projects its
//            query tile once and each key tile into f32 tables in shared
//            memory (rows of A + 1 floats, so the rows a warp reads at once
//            fall in distinct banks); each thread then loops over a for its
//            (row, key) pairs. The contraction's dot products are unused.
//
// The row terms come once per CTA from the Q tile in shared memory, in f32;
// the key terms from each K tile: lane l computes those of keys l, l + 32,
// ..., and each thread gathers the terms of its keys with shfl.idx. The
// kernel then scales the scores as for dot.
//
//===----------------------------------------------------------------------===//

#include "FragmentScores.h"
#include "FlashShape.h"
#include "Fragments.h"

#include "../AttnToLoops/AttentionLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

static Value indexAdd(ImplicitLocOpBuilder &b, Value x, int64_t y) {
  return arith::AddIOp::create(b, x, arith::ConstantIndexOp::create(b, y));
}

FragmentScore::FragmentScore(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
                             ScoreKind kind, ValueRange weights, Value raw,
                             Value threadId, float scale)
    : b(b), t(tiles), kind(kind), weights(weights.begin(), weights.end()),
      threadId(threadId), scale(scale) {
  if (kind == ScoreKind::additive)
    std::tie(projectedQuery, projectedKeys) = projectionTables(b, t.shape, raw);
}

std::pair<Value, Value> gpu_lowering::projectionTables(ImplicitLocOpBuilder &b,
                                                       const FlashShape &shape,
                                                       Value raw) {
  auto space = cast<MemRefType>(raw.getType()).getMemorySpace();
  int64_t stride = shape.projectionStride();
  auto table = [&](int64_t byteOffset, int64_t rows) -> Value {
    auto type = MemRefType::get({rows * stride}, b.getF32Type(),
                                MemRefLayoutAttrInterface(), space);
    return memref::ViewOp::create(b, type, raw,
                                  arith::ConstantIndexOp::create(b, byteOffset),
                                  ValueRange{});
  };
  return {
      table(shape.scoreOffset, shape.queryTile),
      table(shape.scoreOffset + 4 * shape.queryTile * stride, shape.keyTile)};
}

Value FragmentScore::normTerm(Value squares) {
  return kind == ScoreKind::cosine ? lowering::inverseNorm(b, squares)
                                   : squares;
}

Value gpu_lowering::tileRowDot(ImplicitLocOpBuilder &b, const FlashShape &shape,
                               Value view, Value base, int64_t rows, Value row,
                               function_ref<Value(int64_t, int64_t)> rhs) {
  // One 16-byte chunk per load, widened to f32; the padding columns past
  // the operand's head dim are left out (rhs has none).
  int64_t n = shape.chunkElems();
  Type elem = cast<MemRefType>(view.getType()).getElementType();
  auto f32Vec = VectorType::get({n}, b.getF32Type());
  Value acc = arith::ConstantOp::create(
      b, DenseElementsAttr::get(f32Vec, b.getF32FloatAttr(0.0f)));
  Value tail;
  for (int64_t c = 0; c * n < shape.inputHeadDim; ++c) {
    Value at = arith::AddIOp::create(
        b, base,
        tileOffset(b, shape, row, arith::ConstantIndexOp::create(b, c), rows,
                   shape.headDim));
    Value x = vector::LoadOp::create(b, VectorType::get({n}, elem), view,
                                     ValueRange{at}, /*nontemporal=*/false,
                                     llvm::MaybeAlign(16));
    if (!elem.isF32())
      x = arith::ExtFOp::create(b, f32Vec, x);
    int64_t count = std::min(n, shape.inputHeadDim - c * n);
    if (count == n) {
      acc = vector::FMAOp::create(b, x, rhs ? rhs(c * n, n) : x, acc);
      continue;
    }
    // The chunk the operand's columns end in: its first `count` lanes, one
    // by one.
    Value r = rhs ? rhs(c * n, count) : Value();
    for (int64_t i = 0; i < count; ++i) {
      Value xi = vector::ExtractOp::create(b, x, ArrayRef<int64_t>{i});
      Value ri =
          r ? vector::ExtractOp::create(b, r, ArrayRef<int64_t>{i}).getResult()
            : xi;
      Value product = arith::MulFOp::create(b, xi, ri);
      tail =
          tail ? arith::AddFOp::create(b, tail, product).getResult() : product;
    }
  }
  Value sum = vector::ExtractOp::create(b, acc, ArrayRef<int64_t>{0});
  for (int64_t i = 1; i < n; ++i)
    sum = arith::AddFOp::create(
        b, sum, vector::ExtractOp::create(b, acc, ArrayRef<int64_t>{i}));
  if (tail)
    sum = arith::AddFOp::create(b, sum, tail);
  return sum;
}

Value FragmentScore::sumOfSquares(Value view, Value base, int64_t rows,
                                  Value row) {
  return tileRowDot(b, t.shape, view, base, rows, row, nullptr);
}

Value FragmentScore::queryElement(Value row, Value col) {
  return tileElementOffset(b, t.shape, row, col, t.shape.queryTile,
                           t.shape.headDim);
}

void FragmentScore::prepareQuery() {
  if (kind == ScoreKind::general)
    return projectQuery();
  if (kind == ScoreKind::additive)
    return projectRows(b, t.shape, threadId, t.query,
                       arith::ConstantIndexOp::create(b, 0), t.shape.queryTile,
                       weights[0], /*bias=*/Value(), t.shape.projectedCols,
                       projectedQuery);
  if (!hasNormTerms())
    return;
  // Rows past the sequence are zeros: their terms are 0, never NaN.
  for (int64_t half = 0; half < 2; ++half) {
    Value row = arith::AddIOp::create(b, t.warpRow0,
                                      indexAdd(b, t.lane.group, 8 * half));
    rowTerms[half] = normTerm(sumOfSquares(
        t.query, arith::ConstantIndexOp::create(b, 0), t.shape.queryTile, row));
  }
}

void FragmentScore::projectQuery() {
  // Each lane computes columns lane, lane + 32, ... of one row at a time
  // (the last column again where D is not a multiple of 32), with f32
  // FMAs over W's rows; the warp's rows are its own (the contraction reads
  // no other warp's rows), but every lane reads the whole row before any
  // lane overwrites it: a barrier between the sums and the stores.
  int64_t d = t.shape.inputHeadDim;
  int64_t perLane = (d + kThreadsPerWarp - 1) / kThreadsPerWarp;
  Type elem = cast<MemRefType>(t.query.getType()).getElementType();
  SmallVector<Value> cols;
  for (int64_t c = 0; c < perLane; ++c)
    cols.push_back(
        arith::MinUIOp::create(b, indexAdd(b, t.lane.lane, kThreadsPerWarp * c),
                               arith::ConstantIndexOp::create(b, d - 1)));
  Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
  Value c0 = arith::ConstantIndexOp::create(b, 0);
  Value c1 = arith::ConstantIndexOp::create(b, 1);
  scf::ForOp::create(
      b, c0, arith::ConstantIndexOp::create(b, kWarpRows), c1, ValueRange{},
      [&](OpBuilder &rb, Location, Value r, ValueRange) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(rb.getInsertionBlock(), rb.getInsertionPoint());
        Value row = arith::AddIOp::create(b, t.warpRow0, r);
        auto sums = scf::ForOp::create(
            b, c0, arith::ConstantIndexOp::create(b, d), c1,
            SmallVector<Value>(perLane, zero),
            [&](OpBuilder &eb, Location, Value e, ValueRange acc) {
              OpBuilder::InsertionGuard guard(b);
              b.setInsertionPoint(eb.getInsertionBlock(),
                                  eb.getInsertionPoint());
              Value q = lowering::loadAsF32(b, t.query,
                                            ValueRange{queryElement(row, e)});
              SmallVector<Value> next;
              for (int64_t c = 0; c < perLane; ++c)
                next.push_back(arith::AddFOp::create(
                    b, acc[c],
                    arith::MulFOp::create(
                        b, q,
                        lowering::loadAsF32(b, weights[0],
                                            ValueRange{e, cols[c]}))));
              scf::YieldOp::create(b, next);
            });
        gpu::BarrierOp::create(b);
        for (int64_t c = 0; c < perLane; ++c) {
          Value x = sums.getResult(c);
          SmallVector<Value, 1> at = {queryElement(row, cols[c])};
          if (elem.isF32()) {
            memref::StoreOp::create(b, x, t.query, at);
            continue;
          }
          Value hi = arith::TruncFOp::create(b, elem, x);
          memref::StoreOp::create(b, hi, t.query, at);
          // A split query keeps what hi rounds off in the lo tile.
          if (t.queryLow)
            memref::StoreOp::create(
                b,
                arith::TruncFOp::create(
                    b, elem,
                    arith::SubFOp::create(
                        b, x, arith::ExtFOp::create(b, b.getF32Type(), hi))),
                t.queryLow, at);
        }
        scf::YieldOp::create(b);
      });
  // The contraction reads the projected rows through other lanes.
  gpu::BarrierOp::create(b);
}

void FragmentScore::prepareKeys(Value keyBase) {
  if (kind == ScoreKind::additive) {
    projectRows(b, t.shape, threadId, t.key, keyBase, t.shape.keyTile,
                weights[1], /*bias=*/Value(), t.shape.projectedCols,
                projectedKeys);
    tileTerms = additiveScores();
    return;
  }
  if (kind == ScoreKind::compositional) {
    tileTerms = distances(keyBase);
    return;
  }
  if (!hasNormTerms())
    return;
  int64_t keyTile = t.shape.keyTile;
  int64_t perLane = (keyTile + kThreadsPerWarp - 1) / kThreadsPerWarp;
  SmallVector<Value> own;
  for (int64_t j = 0; j < perLane; ++j) {
    Value key =
        arith::MinUIOp::create(b, indexAdd(b, t.lane.lane, kThreadsPerWarp * j),
                               arith::ConstantIndexOp::create(b, keyTile - 1));
    own.push_back(normTerm(sumOfSquares(t.key, keyBase, t.shape.keyTile, key)));
  }
  // Key 8 nt + 2t + e (2t + e < 8) is in register 8 nt / 32 of lane
  // (8 nt) % 32 + 2t + e.
  keyTerms.clear();
  Value twoT = arith::MulIOp::create(b, t.lane.quad,
                                     arith::ConstantIndexOp::create(b, 2));
  for (int64_t nt = 0; nt < keyTile / 8; ++nt)
    for (int64_t e = 0; e < 2; ++e) {
      Value src = arith::IndexCastOp::create(
          b, b.getI32Type(), indexAdd(b, twoT, (8 * nt) % 32 + e));
      Value width = arith::ConstantIntOp::create(b, b.getI32Type(), 32);
      keyTerms.push_back(gpu::ShuffleOp::create(b, own[8 * nt / 32], src, width,
                                                gpu::ShuffleMode::IDX)
                             .getShuffleResult());
    }
}

Value FragmentScore::finish(Value pair, int64_t nt, int64_t half) {
  auto v2 = VectorType::get({2}, b.getF32Type());
  if (!tileTerms.empty()) {
    int64_t i = 4 * nt + 2 * half;
    Value terms = vector::FromElementsOp::create(
        b, v2, ValueRange{tileTerms[i], tileTerms[i + 1]});
    if (kind == ScoreKind::additive)
      return terms;
    return lowering::compositionalWeights(b, pair, terms, scale);
  }
  if (!hasNormTerms())
    return pair;
  Value rows = vector::BroadcastOp::create(b, v2, rowTerms[half]);
  Value keys = vector::FromElementsOp::create(
      b, v2, ValueRange{keyTerms[2 * nt], keyTerms[2 * nt + 1]});
  if (kind == ScoreKind::cosine)
    return arith::MulFOp::create(b, arith::MulFOp::create(b, pair, rows), keys);
  // neg_l2: 2 q.k - |q|^2 - |k|^2.
  Value twice = arith::AddFOp::create(b, pair, pair);
  return arith::SubFOp::create(b, arith::SubFOp::create(b, twice, rows), keys);
}

SmallVector<Value, 2> FragmentScore::localRows() {
  Value row = arith::AddIOp::create(b, t.warpRow0, t.lane.group);
  return {row, indexAdd(b, row, 8)};
}

SmallVector<Value> FragmentScore::localKeys() {
  Value twoT = arith::MulIOp::create(b, t.lane.quad,
                                     arith::ConstantIndexOp::create(b, 2));
  SmallVector<Value> keys;
  for (int64_t nt = 0; nt < t.shape.keyTile / 8; ++nt)
    for (int64_t e = 0; e < 2; ++e)
      keys.push_back(indexAdd(b, twoT, 8 * nt + e));
  return keys;
}

void gpu_lowering::projectRows(ImplicitLocOpBuilder &b, const FlashShape &shape,
                               Value threadId, Value view, Value base,
                               int64_t rows, Value w, Value bias, int64_t cols,
                               Value dest) {
  // Entry i = r cols + c of the table goes to thread i mod threads; the
  // rows past the operand are zeros in the tile, so their entries are the
  // bias.
  Value cCols = arith::ConstantIndexOp::create(b, cols);
  Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
  scf::ForOp::create(
      b, threadId, arith::ConstantIndexOp::create(b, rows * cols),
      arith::ConstantIndexOp::create(b, shape.threads()), ValueRange{},
      [&](OpBuilder &nb, Location, Value i, ValueRange) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        Value r = arith::DivUIOp::create(b, i, cCols);
        Value c = arith::RemUIOp::create(b, i, cCols);
        Value init = bias ? lowering::loadAsF32(b, bias, ValueRange{c}) : zero;
        auto sum = scf::ForOp::create(
            b, arith::ConstantIndexOp::create(b, 0),
            arith::ConstantIndexOp::create(b, shape.inputHeadDim),
            arith::ConstantIndexOp::create(b, 1), ValueRange{init},
            [&](OpBuilder &db, Location, Value d, ValueRange acc) {
              OpBuilder::InsertionGuard guard(b);
              b.setInsertionPoint(db.getInsertionBlock(),
                                  db.getInsertionPoint());
              Value at = arith::AddIOp::create(
                  b, base,
                  tileElementOffset(b, shape, r, d, rows, shape.headDim));
              Value x = lowering::loadAsF32(b, view, ValueRange{at});
              Value y = lowering::loadAsF32(b, w, ValueRange{d, c});
              scf::YieldOp::create(
                  b, ValueRange{arith::AddFOp::create(
                         b, acc[0], arith::MulFOp::create(b, x, y))});
            });
        Value slot = arith::AddIOp::create(
            b,
            arith::MulIOp::create(
                b, r,
                arith::ConstantIndexOp::create(b, shape.projectionStride())),
            c);
        memref::StoreOp::create(b, sum.getResult(0), dest, ValueRange{slot});
        scf::YieldOp::create(b);
      });
  gpu::BarrierOp::create(b);
}

SmallVector<Value> FragmentScore::additiveScores() {
  int64_t stride = t.shape.projectionStride();
  Value cStride = arith::ConstantIndexOp::create(b, stride);
  auto rowBase = [&](Value row) {
    return arith::MulIOp::create(b, row, cStride).getResult();
  };
  SmallVector<Value, 2> rows = llvm::map_to_vector<2>(localRows(), rowBase);
  SmallVector<Value> keys = llvm::map_to_vector(localKeys(), rowBase);
  // Flat fragment order: 4 nt + 2 half + e.
  int64_t n = 2 * keys.size();
  Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
  auto loop = scf::ForOp::create(
      b, arith::ConstantIndexOp::create(b, 0),
      arith::ConstantIndexOp::create(b, t.shape.projectedCols),
      arith::ConstantIndexOp::create(b, 1), SmallVector<Value>(n, zero),
      [&](OpBuilder &nb, Location, Value a, ValueRange acc) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        Value va = lowering::loadAsF32(b, weights[2], ValueRange{a});
        Value qa[2];
        for (int64_t half = 0; half < 2; ++half)
          qa[half] = memref::LoadOp::create(
              b, projectedQuery,
              ValueRange{arith::AddIOp::create(b, rows[half], a)});
        SmallVector<Value> next(n);
        for (auto [k, key] : llvm::enumerate(keys)) {
          Value ka = memref::LoadOp::create(
              b, projectedKeys, ValueRange{arith::AddIOp::create(b, key, a)});
          int64_t nt = k / 2, e = k % 2;
          for (int64_t half = 0; half < 2; ++half) {
            int64_t i = 4 * nt + 2 * half + e;
            Value th =
                math::TanhOp::create(b, arith::AddFOp::create(b, qa[half], ka));
            next[i] = math::FmaOp::create(b, va, th, acc[i]);
          }
        }
        scf::YieldOp::create(b, next);
      });
  return SmallVector<Value>(loop.getResults());
}

SmallVector<Value> FragmentScore::distances(Value keyBase) {
  // One 16-byte chunk of each row per step; the padding columns are zeros
  // in both tiles and add nothing.
  int64_t chunkElems = t.shape.chunkElems();
  Type elem = cast<MemRefType>(t.query.getType()).getElementType();
  auto vecType = VectorType::get({chunkElems}, elem);
  auto f32Vec = VectorType::get({chunkElems}, b.getF32Type());
  SmallVector<Value, 2> rows = localRows();
  SmallVector<Value> keys = localKeys();
  int64_t n = 2 * keys.size();
  Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
  auto loadChunk = [&](Value view, Value base, int64_t tileRows, Value row,
                       Value c) -> Value {
    Value at = arith::AddIOp::create(
        b, base, tileOffset(b, t.shape, row, c, tileRows, t.shape.headDim));
    Value x =
        vector::LoadOp::create(b, vecType, view, ValueRange{at},
                               /*nontemporal=*/false, llvm::MaybeAlign(16));
    return elem.isF32() ? x : arith::ExtFOp::create(b, f32Vec, x).getResult();
  };
  auto loop = scf::ForOp::create(
      b, arith::ConstantIndexOp::create(b, 0),
      arith::ConstantIndexOp::create(b, t.shape.headDim / chunkElems),
      arith::ConstantIndexOp::create(b, 1), SmallVector<Value>(n, zero),
      [&](OpBuilder &nb, Location, Value c, ValueRange acc) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        Value q[2];
        for (int64_t half = 0; half < 2; ++half)
          q[half] = loadChunk(t.query, arith::ConstantIndexOp::create(b, 0),
                              t.shape.queryTile, rows[half], c);
        SmallVector<Value> next(n);
        for (auto [k, key] : llvm::enumerate(keys)) {
          Value kc = loadChunk(t.key, keyBase, t.shape.keyTile, key, c);
          int64_t nt = k / 2, e = k % 2;
          for (int64_t half = 0; half < 2; ++half) {
            int64_t i = 4 * nt + 2 * half + e;
            // |.| lane by lane: the GPU's math lowering takes f32 scalars.
            Value d = arith::SubFOp::create(b, q[half], kc);
            Value sum = acc[i];
            for (int64_t l = 0; l < chunkElems; ++l)
              sum = arith::AddFOp::create(
                  b, sum,
                  math::AbsFOp::create(b, vector::ExtractOp::create(
                                              b, d, ArrayRef<int64_t>{l})));
            next[i] = sum;
          }
        }
        scf::YieldOp::create(b, next);
      });
  return SmallVector<Value>(loop.getResults());
}

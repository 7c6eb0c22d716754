//===- FragmentPositions.cpp - positional terms on a warp's fragments -----===//
//
// The positional terms of lib/Conversion/AttnToLoops/Positions.cpp on the
// accumulator fragments (thread g = lane / 4, t = lane % 4 holds rows g,
// g + 8 and keys 2t, 2t + 1 of every 8-key block), with the same math on
// global (i, j) indices.
//
// relative_position (Shaw, clip kappa, r = clamp(j - i, -kappa, kappa) +
// kappa):
//   key side    s_ij = scale * (q_i . k_j + q_i . aK_r). q_i . aK_t takes
//               2 kappa + 1 values per row: each warp computes them for its
//               16 rows once per CTA (f32 FMAs from the Q tile in shared
//               memory and aK in global memory) into a [queryTile, 2 kappa
//               + 1] table in shared memory; every score adds one entry of
//               it (an ld.shared) before the scale.
//   value side  o_i += sum_j P_ij aV_r = sum_t w_t aV_t. The inner buckets
//               (|j - i| < kappa) hold one key each, so w_t is that key's
//               weight: its score (log2 units, hidden keys -inf) goes to a
//               second table, and the epilogue takes exp2(s - m) with the
//               row's final max m, the same rescaling the accumulator had.
//               The edge buckets 0 and 2 kappa gather every key beyond the
//               band: each thread sums its keys' weights in registers,
//               rescaled by the online softmax's correction like the row
//               sum, and the quad adds them in the epilogue. The epilogue
//               then does (2 kappa + 1) Dv / 4 FMAs per row and thread with
//               aV from global memory.
//
// local_gaussian (window w, sigma): each thread turns the centres p_i of
// its two rows into windows [lo, hi] (lowering::gaussianWindow), which
// mask the scores; every thread also runs the union and intersection of
// the CTA's windows (lowering::gaussianTileBounds), which bound the key
// loop and pick the tiles that need no mask. The weights of V are the
// softmax weights times exp(-(j - p_i)^2 / (2 sigma^2))
// (lowering::gaussianFactor); the row sum is not.
//
// grid_window (radii ry, rx, a dilation r per head, the map width W a
// scalar kernel argument): the CTA's key loop is bounded by the band of
// map rows its first and last positions reach, widened by r ry
// (lowering::gridTileBounds); every key pair finds its cells and steps
// with lowering::gridNeighbours, which masks the hidden keys. With the
// relative tables rows [Hq, 2 ry + 1, D] and cols [Hq, 2 rx + 1, D], each
// warp computes q . rows[h, t] and q . cols[h, t] for its 16 rows once per
// CTA into one [queryTile, 2 ry + 2 rx + 2] table in shared memory, and
// every score adds its two entries before the scale.
//
//===----------------------------------------------------------------------===//

#include "FragmentPositions.h"
#include "FlashShape.h"
#include "FragmentScores.h"
#include "Fragments.h"

#include "../AttnToLoops/AttentionLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;
using lowering::indexConst;

FragmentPositions::FragmentPositions(ImplicitLocOpBuilder &b,
                                     const WarpTiles &tiles,
                                     const lowering::KernelConfig &cfg,
                                     ArrayRef<Value> rows, Value raw,
                                     Value gridWidth)
    : b(b), t(tiles), cfg(cfg), gridWidth(gridWidth) {
  AttentionOp op = cfg.op;
  for (int64_t half = 0; half < 2; ++half) {
    rowIdx[half] = rows[half];
    localRow[half] = arith::AddIOp::create(
        b, t.warpRow0,
        arith::AddIOp::create(b, t.lane.group, indexConst(b, 8 * half)));
  }
  if (std::optional<uint64_t> c = op.getRelativeClip()) {
    clip = static_cast<int64_t>(*c);
    int64_t buckets = t.shape.relativeBuckets;
    relKeys = sharedTable(raw, 0, buckets);
    relScores = sharedTable(raw, 4 * t.shape.queryTile * buckets, buckets);
  }
  if (t.shape.gridSlots)
    gridDots = sharedTable(raw, 0, t.shape.gridSlots);
  if (std::optional<uint64_t> w = op.getGaussianWindow()) {
    window = static_cast<int64_t>(*w);
    sigma = op.getGaussianSigma()->convertToFloat();
  }
}

Value FragmentPositions::sharedTable(Value raw, int64_t byteOffset,
                                     int64_t slots) {
  auto space = cast<MemRefType>(raw.getType()).getMemorySpace();
  auto type = MemRefType::get({t.shape.queryTile * slots}, b.getF32Type(),
                              MemRefLayoutAttrInterface(), space);
  return memref::ViewOp::create(
      b, type, raw, indexConst(b, t.shape.positionOffset + byteOffset),
      ValueRange{});
}

Value FragmentPositions::tableElement(Value r, Value bucket) {
  return arith::AddIOp::create(
      b, arith::MulIOp::create(b, r, indexConst(b, t.shape.relativeBuckets)),
      bucket);
}

Value FragmentPositions::bucket(Value key, int64_t half) {
  return lowering::relativeSlot(b, key, rowIdx[half], clip, /*width=*/1);
}

void FragmentPositions::prepareTile(lowering::QueryTile &tile) {
  if (hasGrid()) {
    head = tile.h;
    grid = lowering::gridWindow(b, cfg.op, gridWidth, tile.h);
    lowering::gridTileBounds(b, cfg, grid, tile);
    for (int64_t half = 0; half < 2; ++half)
      gridPos[half] = arith::AddIOp::create(b, rowIdx[half], cfg.alignOffset);
  }
  if (!hasGaussian())
    return;
  lowering::gaussianTileBounds(b, cfg, tile, window, nullptr);
  for (int64_t half = 0; half < 2; ++half) {
    center[half] = memref::LoadOp::create(
        b, cfg.positionInputs[0], ValueRange{tile.b, tile.h, rowIdx[half]});
    lowering::GaussianWindow w =
        lowering::gaussianWindow(b, center[half], cfg.keyLen, window);
    lo[half] = w.lo;
    hi[half] = w.hi;
  }
}

void FragmentPositions::storeRowDots(Value table, ValueRange prefix,
                                     int64_t count, Value dest, int64_t stride,
                                     int64_t offset,
                                     function_ref<void(Value)> also) {
  // The key loop's first barrier makes the entries visible to the other
  // lanes.
  scf::ForOp::create(
      b, t.lane.lane, indexConst(b, kWarpRows * count),
      indexConst(b, kThreadsPerWarp), ValueRange{},
      [&](OpBuilder &nb, Location, Value e, ValueRange) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        Value r = arith::AddIOp::create(
            b, t.warpRow0, arith::DivUIOp::create(b, e, indexConst(b, count)));
        Value slot = arith::RemUIOp::create(b, e, indexConst(b, count));
        Value dot =
            tileRowDot(b, t.shape, t.query, indexConst(b, 0), t.shape.queryTile,
                       r, [&](int64_t col, int64_t n) {
                         SmallVector<Value> at(prefix);
                         at.append({slot, indexConst(b, col)});
                         return lowering::loadVectorAsF32(b, table, at, n);
                       });
        Value at = arith::AddIOp::create(
            b, arith::MulIOp::create(b, r, indexConst(b, stride)),
            arith::AddIOp::create(b, slot, indexConst(b, offset)));
        memref::StoreOp::create(b, dot, dest, ValueRange{at});
        if (also)
          also(at);
        scf::YieldOp::create(b);
      });
}

void FragmentPositions::prepareQuery() {
  if (gridDots) {
    int64_t slots = t.shape.gridSlots, rowSlots = 2 * grid.ry + 1;
    storeRowDots(cfg.positionInputs[0], head, rowSlots, gridDots, slots, 0,
                 nullptr);
    storeRowDots(cfg.positionInputs[1], head, 2 * grid.rx + 1, gridDots, slots,
                 rowSlots, nullptr);
  }
  if (!hasRelative())
    return;
  // The q . aK_t table, and the score table cleared (buckets whose key lies
  // outside the sequence keep -inf: weight 0).
  Value negInf = arith::ConstantOp::create(
      b, b.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
  int64_t buckets = t.shape.relativeBuckets;
  storeRowDots(cfg.positionInputs[0], {}, buckets, relKeys, buckets, 0,
               [&](Value at) {
                 memref::StoreOp::create(b, negInf, relScores, ValueRange{at});
               });
}

Value FragmentPositions::addToScore(Value pair, Value key, int64_t half) {
  if (gridDots) {
    // q . rows[h, a] + q . cols[h, c] from the row's slots; the steps of
    // hidden keys are clamped into the tables (their scores are masked).
    lowering::GridNeighbours cells = lowering::gridNeighbours(
        b, grid, gridPos[half], fragmentKeyPair(b, key));
    Value rowBase = arith::MulIOp::create(b, localRow[half],
                                          indexConst(b, t.shape.gridSlots));
    auto entry = [&](Value steps, int64_t e, int64_t offset) -> Value {
      Value step = arith::IndexCastOp::create(
          b, b.getIndexType(),
          vector::ExtractOp::create(b, steps, ArrayRef<int64_t>{e}));
      Value at = arith::AddIOp::create(
          b, rowBase, arith::AddIOp::create(b, step, indexConst(b, offset)));
      return memref::LoadOp::create(b, gridDots, ValueRange{at});
    };
    SmallVector<Value, 2> terms;
    for (int64_t e = 0; e < 2; ++e)
      terms.push_back(
          arith::AddFOp::create(b, entry(cells.rowStep, e, 0),
                                entry(cells.colStep, e, 2 * grid.ry + 1)));
    return arith::AddFOp::create(
        b, pair,
        vector::FromElementsOp::create(b, VectorType::get({2}, b.getF32Type()),
                                       terms));
  }
  if (!hasRelative())
    return pair;
  SmallVector<Value, 2> terms;
  for (int64_t e = 0; e < 2; ++e) {
    Value j = arith::AddIOp::create(b, key, indexConst(b, e));
    terms.push_back(memref::LoadOp::create(
        b, relKeys, ValueRange{tableElement(localRow[half], bucket(j, half))}));
  }
  return arith::AddFOp::create(
      b, pair,
      vector::FromElementsOp::create(b, VectorType::get({2}, b.getF32Type()),
                                     terms));
}

Value FragmentPositions::visibility(Value keys, int64_t half) {
  if (hasGrid())
    return lowering::gridNeighbours(b, grid, gridPos[half], keys).visible;
  if (!hasGaussian())
    return {};
  return lowering::inGaussianWindow(b, keys, lo[half], hi[half]);
}

Value FragmentPositions::valueWeights(Value pair, Value keys, int64_t half) {
  if (!hasGaussian())
    return pair;
  // Hidden keys weigh 0 even where the factor is not finite (a NaN centre
  // hides its whole row, but the CTA may visit keys for other rows).
  auto v2 = VectorType::get({2}, b.getF32Type());
  Value zero = arith::ConstantOp::create(
      b, DenseElementsAttr::get(v2, b.getF32FloatAttr(0.0f)));
  Value weighted = arith::MulFOp::create(
      b, pair, lowering::gaussianFactor(b, keys, center[half], sigma));
  Value positive =
      arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, pair, zero);
  return arith::SelectOp::create(b, positive, weighted, zero);
}

SmallVector<Value> FragmentPositions::initialState() {
  if (!hasRelative())
    return {};
  Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
  return SmallVector<Value>(4, zero);
}

void FragmentPositions::accumulate(int64_t half, Value corr, Value k0,
                                   ArrayRef<Value> scores, ArrayRef<Value> p) {
  if (!hasRelative())
    return;
  // edges: left and right of row half 0, then of row half 1.
  Value &left = edges[2 * half], &right = edges[2 * half + 1];
  left = arith::MulFOp::create(b, left, corr);
  right = arith::MulFOp::create(b, right, corr);
  Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
  Value last = indexConst(b, 2 * clip);
  for (int64_t nt = 0; nt < int64_t(scores.size()) / 4; ++nt)
    for (int64_t e = 0; e < 2; ++e) {
      int64_t i = 4 * nt + 2 * half + e;
      Value j = arith::AddIOp::create(b, fragmentKey(b, t.lane, k0, nt),
                                      indexConst(b, e));
      Value bk = bucket(j, half);
      auto isBucket = [&](Value x) {
        return arith::CmpIOp::create(b, arith::CmpIPredicate::eq, bk, x);
      };
      left = arith::AddFOp::create(
          b, left,
          arith::SelectOp::create(b, isBucket(indexConst(b, 0)), p[i], zero));
      right = arith::AddFOp::create(
          b, right, arith::SelectOp::create(b, isBucket(last), p[i], zero));
      // The edge buckets' entries of the score table are never read, so
      // every key stores without a branch.
      memref::StoreOp::create(b, scores[i], relScores,
                              ValueRange{tableElement(localRow[half], bk)});
    }
}

void FragmentPositions::finish(SmallVectorImpl<Value> &acc,
                               ArrayRef<Value> rowMax) {
  if (!hasRelative())
    return;
  // The score tables were written by the other lanes of the warp.
  gpu::BarrierOp::create(b);
  Value aV = cfg.positionInputs[1];
  Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
  Value negInf = arith::ConstantOp::create(
      b, b.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
  Value twoT = arith::MulIOp::create(b, t.lane.quad, indexConst(b, 2));
  int64_t oTiles = t.shape.valueDim / 8;
  for (int64_t half = 0; half < 2; ++half) {
    Value left = quadReduce(b, edges[2 * half], /*max=*/false);
    Value right = quadReduce(b, edges[2 * half + 1], /*max=*/false);
    // A row that saw no key keeps m = -inf: subtract 0 instead (its scores
    // are all -inf), as the online softmax does.
    Value m = rowMax[half];
    Value base = arith::SelectOp::create(
        b, arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, m, negInf), zero,
        m);
    SmallVector<Value> init;
    for (int64_t ot = 0; ot < oTiles; ++ot)
      for (int64_t e = 0; e < 2; ++e)
        init.push_back(acc[4 * ot + 2 * half + e]);
    auto loop = scf::ForOp::create(
        b, indexConst(b, 0), indexConst(b, 2 * clip + 1), indexConst(b, 1),
        init, [&](OpBuilder &nb, Location, Value bk, ValueRange carried) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          Value s = memref::LoadOp::create(
              b, relScores, ValueRange{tableElement(localRow[half], bk)});
          Value w = fastExp2(b, arith::SubFOp::create(b, s, base));
          auto isBucket = [&](int64_t x) {
            return arith::CmpIOp::create(b, arith::CmpIPredicate::eq, bk,
                                         indexConst(b, x));
          };
          w = arith::SelectOp::create(b, isBucket(0), left, w);
          w = arith::SelectOp::create(b, isBucket(2 * clip), right, w);
          SmallVector<Value> next;
          for (int64_t ot = 0; ot < oTiles; ++ot) {
            Value col = arith::AddIOp::create(b, twoT, indexConst(b, 8 * ot));
            int64_t dv = t.shape.inputValueDim;
            Value a;
            if (8 * ot + 8 <= dv) {
              a = lowering::loadVectorAsF32(b, aV, ValueRange{bk, col}, 2);
            } else {
              // The padding columns of the accumulator are never stored:
              // they read the row's last column instead of past the row
              // (an odd Dv ends inside a pair).
              Value last = indexConst(b, dv - 1);
              SmallVector<Value, 2> pair;
              for (int64_t e = 0; e < 2; ++e)
                pair.push_back(lowering::loadAsF32(
                    b, aV,
                    ValueRange{
                        bk,
                        arith::MinUIOp::create(
                            b, arith::AddIOp::create(b, col, indexConst(b, e)),
                            last)}));
              a = vector::FromElementsOp::create(
                  b, VectorType::get({2}, b.getF32Type()), pair);
            }
            for (int64_t e = 0; e < 2; ++e)
              next.push_back(arith::AddFOp::create(
                  b, carried[2 * ot + e],
                  arith::MulFOp::create(
                      b, w,
                      vector::ExtractOp::create(b, a, ArrayRef<int64_t>{e}))));
          }
          scf::YieldOp::create(b, next);
        });
    for (int64_t ot = 0; ot < oTiles; ++ot)
      for (int64_t e = 0; e < 2; ++e)
        acc[4 * ot + 2 * half + e] = loop.getResult(2 * ot + e);
  }
}

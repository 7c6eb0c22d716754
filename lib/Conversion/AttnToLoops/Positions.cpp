//===- Positions.cpp - relative_position tables, local_gaussian windows ---===//
//
// relative_position (Shaw et al., clip kappa): with r = clip(j - i, -kappa,
// kappa) + kappa and i the query row index,
//   s_ij = scale * q_i . (k_j + aK_r),   o_i = sum_j P_ij (v_j + aV_r).
// Key side: q_i . aK_r takes only 2 kappa + 1 values per row, computed once
// per query tile from the scaled query (so in the score's units) and added
// per (i, j). Value side: sum_j P_ij aV_r = sum_r w_r aV_r with bucket
// weights w_r = sum_{j in bucket r} P_ij, accumulated next to acc with the
// same online rescaling and applied once in the epilogue.
//
// Both tables are kept per row in a padded layout that turns the clamped
// index into a contiguous vector access. With W the vector width, slot x
// stands for bucket clamp(x - (W - 1), 0, 2 kappa); the W keys of a chunk
// starting at j0 use the slots off + [0, W) with
//   off = clamp(j0 - i + kappa + W - 1, 0, 2 kappa + W - 1).
// Inside the band this is the exact bucket of every lane; a chunk wholly
// left (right) of the band reads W copies of bucket 0 (2 kappa). So the
// score term is one vector load and the bucket update one vector
// load-add-store per chunk: no gather, no branch.
//
// local_gaussian (Luong local-p): key j is visible to row i iff
// |j - p_i| <= window; the weights of V are softmax_visible(s) times
// exp(-(j - p_i)^2 / (2 sigma^2)), without renormalisation (l sums the
// softmax weights only). The window of each row is turned into an integer
// interval [lo, hi] once per query tile (in f64, so that p +- window is
// exact); the union and the intersection over the tile's rows bound the key
// loop and pick the tiles that need no mask, as the named masks do.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

PositionTerms::PositionTerms(const KernelConfig &cfg,
                             const ScoreFunction &score)
    : cfg(cfg), score(score) {
  AttentionOp op = cfg.op;
  if (std::optional<uint64_t> c = op.getRelativeClip()) {
    clip = static_cast<int64_t>(*c);
    int64_t slots = 2 * clip + 1 + 2 * (cfg.width - 1);
    padded = (slots + cfg.width - 1) / cfg.width * cfg.width;
  }
  if (std::optional<uint64_t> w = op.getGaussianWindow()) {
    window = static_cast<int64_t>(*w);
    sigma = op.getGaussianSigma()->convertToFloat();
  }
}

void PositionTerms::allocate(ImplicitLocOpBuilder &b) {
  if (hasRelative()) {
    relKeys = scratchBuffer(b, cfg, {cfg.queryTile, padded});
    relWeights = scratchBuffer(b, cfg, {cfg.queryTile, padded});
  }
  if (hasGaussian()) {
    center = scratchBuffer(b, cfg, {cfg.queryTile});
    lo = scratchBuffer(b, cfg, {cfg.queryTile}, b.getIndexType());
    hi = scratchBuffer(b, cfg, {cfg.queryTile}, b.getIndexType());
  }
}

void PositionTerms::prepareQueryTile(ImplicitLocOpBuilder &b, QueryTile &tile) {
  if (hasRelative()) {
    // relKeys[r, W - 1 + t] = q'_r . aK_t (vectorised over D), then the
    // pads on both sides copy buckets 0 and 2 kappa.
    Value q = score.scaledQuery();
    Value aK = cfg.positionInputs[0];
    int64_t dw = widthFor(cfg.headDim, cfg.width);
    int64_t first = cfg.width - 1, lastSlot = first + 2 * clip;
    VectorType vt = VectorType::get({dw}, b.getF32Type());
    int64_t dChunks = cfg.headDim / dw;
    buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
      // The query row stays in registers across the buckets when it fits
      // in one block of chunks; a wider one is read block by block.
      SmallVector<Value> qRow;
      if (dChunks <= kMaxUnrolledChunks)
        for (int64_t c = 0; c < dChunks; ++c)
          qRow.push_back(vector::LoadOp::create(
              rb, vt, q, ValueRange{r, indexConst(rb, c * dw)}));
      buildCountedLoop(
          rb, indexConst(rb, 2 * clip + 1),
          [&](ImplicitLocOpBuilder &tb, Value t) {
            Value zero = splat(tb, f32Const(tb, 0.0), dw);
            Value acc = forEachChunkBlock(
                tb, dChunks, dw, {zero},
                [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block,
                    ValueRange carried) {
                  Value sum = carried[0];
                  for (int64_t c = 0; c < block.count; ++c) {
                    Value col = block.column(cb, c);
                    Value qc = block.base ? vector::LoadOp::create(
                                                cb, vt, q, ValueRange{r, col})
                                          : qRow[c];
                    sum = vector::FMAOp::create(
                        cb, qc, loadVectorAsF32(cb, aK, {t, col}, dw), sum);
                  }
                  return SmallVector<Value>{sum};
                })[0];
            Value dot = vector::ReductionOp::create(
                tb, vector::CombiningKind::ADD, acc);
            memref::StoreOp::create(
                tb, dot, relKeys,
                ValueRange{
                    r, arith::AddIOp::create(tb, t, indexConst(tb, first))});
          });
      Value left = memref::LoadOp::create(rb, relKeys,
                                          ValueRange{r, indexConst(rb, first)});
      Value right = memref::LoadOp::create(
          rb, relKeys, ValueRange{r, indexConst(rb, lastSlot)});
      for (int64_t x = 0; x < first; ++x) {
        memref::StoreOp::create(rb, left, relKeys,
                                ValueRange{r, indexConst(rb, x)});
        memref::StoreOp::create(
            rb, right, relKeys,
            ValueRange{r, indexConst(rb, lastSlot + 1 + x)});
      }
    });
  }
  if (!hasGaussian())
    return;

  gaussianTileBounds(
      b, cfg, tile, window,
      [&](ImplicitLocOpBuilder &rb, Value r, Value p, const GaussianWindow &w) {
        memref::StoreOp::create(rb, p, center, ValueRange{r});
        memref::StoreOp::create(rb, w.lo, lo, ValueRange{r});
        memref::StoreOp::create(rb, w.hi, hi, ValueRange{r});
      });
}

GaussianWindow lowering::gaussianWindow(ImplicitLocOpBuilder &b, Value p,
                                        Value keyLen, int64_t window) {
  // [lo, hi] = [ceil(p - w), floor(p + w)] clamped to the keys, in f64 so
  // that p +- w is exact; an empty window (or a NaN position) becomes
  // [Skv, -1] so that it widens neither the union nor the intersection of
  // a tile's windows. The bounds are clamped before they are rounded (the
  // same, for integer bounds) and rounded from the truncation, so that no
  // target needs a floor or ceil routine.
  Type f64 = b.getF64Type(), i64 = b.getI64Type();
  auto f64Const = [&](double v) -> Value {
    return arith::ConstantOp::create(b, b.getF64FloatAttr(v));
  };
  Value keyLenI = arith::IndexCastOp::create(b, i64, keyLen);
  Value keyLenF = arith::SIToFPOp::create(b, f64, keyLenI);
  Value pd = arith::ExtFOp::create(b, f64, p);
  Value nan = arith::CmpFOp::create(b, arith::CmpFPredicate::UNO, pd, pd);
  Value w = f64Const(double(window));
  auto clamp = [&](Value x, Value lower, Value upper) -> Value {
    x = arith::SelectOp::create(b, nan, f64Const(0.0), x);
    return arith::MinimumFOp::create(b, arith::MaximumFOp::create(b, x, lower),
                                     upper);
  };
  Value loF = clamp(arith::SubFOp::create(b, pd, w), f64Const(0.0), keyLenF);
  Value hiF = clamp(arith::AddFOp::create(b, pd, w), f64Const(-1.0),
                    arith::SubFOp::create(b, keyLenF, f64Const(1.0)));
  // ceil(x) = t + (t < x), floor(x) = t - (t > x), t = trunc(x).
  auto round = [&](Value x, bool up) -> Value {
    Value t = arith::FPToSIOp::create(b, i64, x);
    Value tf = arith::SIToFPOp::create(b, f64, t);
    Value off = arith::CmpFOp::create(
        b, up ? arith::CmpFPredicate::OLT : arith::CmpFPredicate::OGT, tf, x);
    Value step = arith::ExtUIOp::create(b, i64, off);
    return up ? arith::AddIOp::create(b, t, step).getResult()
              : arith::SubIOp::create(b, t, step).getResult();
  };
  Value lo = arith::IndexCastOp::create(b, b.getIndexType(), round(loF, true));
  Value hi = arith::IndexCastOp::create(b, b.getIndexType(), round(hiF, false));
  Value empty = arith::OrIOp::create(
      b, nan, arith::CmpIOp::create(b, arith::CmpIPredicate::sgt, lo, hi));
  return {arith::SelectOp::create(b, empty, keyLen, lo),
          arith::SelectOp::create(b, empty, indexConst(b, -1), hi)};
}

void lowering::gaussianTileBounds(
    ImplicitLocOpBuilder &b, const KernelConfig &cfg, QueryTile &tile,
    int64_t window,
    function_ref<void(ImplicitLocOpBuilder &, Value, Value,
                      const GaussianWindow &)>
        perRow) {
  auto loop = buildCountedLoop(
      b, tile.rows,
      {cfg.keyLen, indexConst(b, -1), indexConst(b, 0),
       arith::SubIOp::create(b, cfg.keyLen, indexConst(b, 1))},
      [&](ImplicitLocOpBuilder &rb, Value r, ValueRange st) {
        Value row = arith::AddIOp::create(rb, tile.row0, r);
        Value p = memref::LoadOp::create(rb, cfg.positionInputs[0],
                                         ValueRange{tile.b, tile.h, row});
        GaussianWindow w = gaussianWindow(rb, p, cfg.keyLen, window);
        if (perRow)
          perRow(rb, r, p, w);
        return SmallVector<Value>{arith::MinSIOp::create(rb, st[0], w.lo),
                                  arith::MaxSIOp::create(rb, st[1], w.hi),
                                  arith::MaxSIOp::create(rb, st[2], w.lo),
                                  arith::MinSIOp::create(rb, st[3], w.hi)};
      });
  Value one = indexConst(b, 1);
  tile.posBegin = loop.getResult(0);
  tile.posEnd = arith::AddIOp::create(b, loop.getResult(1), one);
  tile.posFullBegin = loop.getResult(2);
  tile.posFullEnd = arith::AddIOp::create(b, loop.getResult(3), one);
}

Value lowering::inGaussianWindow(ImplicitLocOpBuilder &b, Value keys, Value lo,
                                 Value hi) {
  int64_t width = cast<VectorType>(keys.getType()).getNumElements();
  return arith::AndIOp::create(
      b,
      arith::CmpIOp::create(b, arith::CmpIPredicate::sge, keys,
                            splat(b, lo, width)),
      arith::CmpIOp::create(b, arith::CmpIPredicate::sle, keys,
                            splat(b, hi, width)));
}

Value lowering::gaussianFactor(ImplicitLocOpBuilder &b, Value keys,
                               Value center, float sigma) {
  // g = exp(-(j - p)^2 / (2 sigma^2)) = exp2(-(j - p)^2 * log2(e) / (2
  // sigma^2)); j - p is exact in f32 for any key of a visible window.
  int64_t width = cast<VectorType>(keys.getType()).getNumElements();
  VectorType f32Vec = VectorType::get({width}, b.getF32Type());
  Value j = arith::SIToFPOp::create(
      b, f32Vec,
      arith::IndexCastOp::create(b, VectorType::get({width}, b.getI64Type()),
                                 keys));
  Value d = arith::SubFOp::create(b, j, splat(b, center, width));
  Value k = splat(b, f32Const(b, -M_LOG2E / (2.0 * sigma * sigma)), width);
  return math::Exp2Op::create(
      b, arith::MulFOp::create(b, arith::MulFOp::create(b, d, d), k));
}

Value lowering::relativeSlot(ImplicitLocOpBuilder &b, Value keyBase, Value row,
                             int64_t clip, int64_t width) {
  Value off = arith::AddIOp::create(b, arith::SubIOp::create(b, keyBase, row),
                                    indexConst(b, clip + width - 1));
  return arith::MinSIOp::create(
      b, arith::MaxSIOp::create(b, off, indexConst(b, 0)),
      indexConst(b, 2 * clip + width - 1));
}

Value PositionTerms::addToScore(ImplicitLocOpBuilder &b, Value r, Value row,
                                Value keyBase, Value s) {
  if (!hasRelative())
    return s;
  Value off = relativeSlot(b, keyBase, row, clip, cfg.width);
  Value rel =
      vector::LoadOp::create(b, VectorType::get({cfg.width}, b.getF32Type()),
                             relKeys, ValueRange{r, off});
  return arith::AddFOp::create(b, s, rel);
}

Value PositionTerms::visibility(ImplicitLocOpBuilder &b, Value r, Value keys) {
  if (!hasGaussian())
    return {};
  return inGaussianWindow(b, keys, memref::LoadOp::create(b, lo, ValueRange{r}),
                          memref::LoadOp::create(b, hi, ValueRange{r}));
}

Value PositionTerms::rowMeetsTile(ImplicitLocOpBuilder &b, Value r, Value k0,
                                  Value n) {
  if (!hasGaussian())
    return {};
  // The windows of a tile's rows are short and scattered: the union that
  // bounds the key loop can be much wider than any one row's window.
  Value l = memref::LoadOp::create(b, lo, ValueRange{r});
  Value h = memref::LoadOp::create(b, hi, ValueRange{r});
  return arith::AndIOp::create(
      b,
      arith::CmpIOp::create(b, arith::CmpIPredicate::slt, l,
                            arith::AddIOp::create(b, k0, n)),
      arith::CmpIOp::create(b, arith::CmpIPredicate::sge, h, k0));
}

void PositionTerms::initState(ImplicitLocOpBuilder &b, const QueryTile &) {
  if (!hasRelative())
    return;
  Value zero = splat(b, f32Const(b, 0.0), cfg.width);
  buildCountedLoop(
      b, indexConst(b, cfg.queryTile), [&](ImplicitLocOpBuilder &rb, Value r) {
        forEachChunkBlock(
            rb, padded / cfg.width, cfg.width,
            [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
              for (int64_t x = 0; x < block.count; ++x)
                vector::StoreOp::create(cb, zero, relWeights,
                                        ValueRange{r, block.column(cb, x)});
            });
      });
}

Value PositionTerms::valueWeights(ImplicitLocOpBuilder &b, Value r, Value keys,
                                  Value p) {
  if (!hasGaussian())
    return p;
  return arith::MulFOp::create(
      b, p,
      gaussianFactor(b, keys, memref::LoadOp::create(b, center, ValueRange{r}),
                     sigma));
}

void PositionTerms::accumulate(ImplicitLocOpBuilder &b, const RowTile &row,
                               ArrayRef<Value> p, Value corr) {
  if (!hasRelative())
    return;
  VectorType vt = VectorType::get({cfg.width}, b.getF32Type());
  Value corrV = splat(b, corr, cfg.width);
  forEachChunkBlock(
      b, padded / cfg.width, cfg.width,
      [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
        for (int64_t x = 0; x < block.count; ++x) {
          SmallVector<Value> at = {row.r, block.column(cb, x)};
          Value w = vector::LoadOp::create(cb, vt, relWeights, at);
          vector::StoreOp::create(cb, arith::MulFOp::create(cb, w, corrV),
                                  relWeights, at);
        }
      });
  // Chunks may share slots (all left or all right of the band): each one is
  // a load-add-store after the previous.
  for (auto [c, pc] : llvm::enumerate(p)) {
    Value keyBase =
        arith::AddIOp::create(b, row.k0, indexConst(b, c * cfg.width));
    SmallVector<Value> at = {
        row.r, relativeSlot(b, keyBase, row.row, clip, cfg.width)};
    Value w = vector::LoadOp::create(b, vt, relWeights, at);
    vector::StoreOp::create(b, arith::AddFOp::create(b, w, pc), relWeights, at);
  }
}

void PositionTerms::finishRow(ImplicitLocOpBuilder &b, Value r,
                              const ChunkBlock &block,
                              SmallVectorImpl<Value> &acc) {
  if (!hasRelative())
    return;
  // acc += sum_x w[x] aV[clamp(x - (W - 1), 0, 2 kappa)], over the slots the
  // chunks can reach.
  int64_t slots = 2 * clip + 1 + 2 * (cfg.width - 1);
  auto loop = buildCountedLoop(
      b, indexConst(b, slots), acc,
      [&](ImplicitLocOpBuilder &xb, Value x, ValueRange accs) {
        Value t = arith::MinSIOp::create(
            xb,
            arith::MaxSIOp::create(
                xb, arith::SubIOp::create(xb, x, indexConst(xb, cfg.width - 1)),
                indexConst(xb, 0)),
            indexConst(xb, 2 * clip));
        Value w =
            splat(xb, memref::LoadOp::create(xb, relWeights, ValueRange{r, x}),
                  cfg.valueWidth);
        SmallVector<Value> next;
        for (auto [e, a] : llvm::enumerate(accs))
          next.push_back(vector::FMAOp::create(
              xb, w,
              loadVectorAsF32(xb, cfg.positionInputs[1],
                              {t, block.column(xb, int64_t(e))},
                              cfg.valueWidth),
              a));
        return next;
      });
  for (auto [e, a] : llvm::enumerate(acc))
    a = loop.getResult(e);
}

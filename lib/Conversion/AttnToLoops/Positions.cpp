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
// The key-major tile holds W query rows i0 + l (l < W) of one key j in a
// vector, so there the tables are skewed instead: with y = j - i0 + kappa
// clamped to [0, 2 kappa + W - 1], lane l of slot y stands for bucket
// clamp(y - l, 0, 2 kappa), the bucket of every lane inside the band and
// bucket 0 (2 kappa) for all lanes of a key left (right) of it. The term
// of a key is again one vector load and its bucket update one vector
// load-add-store, per vector of rows. The skewed q . aK table is copied
// from the padded one once per query tile: lane l of slot y is slot
// y + W - 1 - l of row i0 + l.
//
// local_gaussian (Luong local-p): key j is visible to row i iff
// |j - p_i| <= window; the weights of V are softmax_visible(s) times
// exp(-(j - p_i)^2 / (2 sigma^2)), without renormalisation (l sums the
// softmax weights only). The window of each row is turned into an integer
// interval [lo, hi] once per query tile (in f64, so that p +- window is
// exact); the union and the intersection over the tile's rows bound the key
// loop and pick the tiles that need no mask, as the named masks do.
//
// grid_window (stand-alone and dilated 2-D attention): positions are cells
// of a row-major map W wide. A key's cell is found without an integer
// division per lane: y = trunc((j + 1/2) / W) in f64 is exact for every
// j < 2^50 (the quotient is at least 1/(2W) away from an integer and the
// rounding error is below j 2^-52 / W), and so is the step a = dy / r
// tested the same way. A query tile's keys lie in the map rows of its
// first and last cell, widened by r ry: that band bounds the key loop, and
// a row outside a key tile's band skips it. The relative tables of
// stand_alone take 2 ry + 1 and 2 rx + 1 values per row, computed once per
// query tile like relative_position's; each score gathers its two.
//
//===----------------------------------------------------------------------===//

#include "Positions.h"
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
    skewedSlots = 2 * clip + cfg.width;
  }
  if (std::optional<uint64_t> w = op.getGaussianWindow()) {
    window = static_cast<int64_t>(*w);
    sigma = op.getGaussianSigma()->convertToFloat();
  }
  if (std::optional<ArrayRef<int64_t>> g = op.getGridWindow()) {
    grid.ry = (*g)[0];
    grid.rx = (*g)[1];
  }
}

void PositionTerms::allocate(ImplicitLocOpBuilder &b) {
  if (hasRelative()) {
    relKeys = scratchBuffer(b, cfg, {cfg.queryTile, padded});
    if (cfg.keyMajor) {
      relKeysSkewed = scratchBuffer(b, cfg, {skewedSlots, cfg.paddedRows});
      relWeights = scratchBuffer(b, cfg, {skewedSlots, cfg.paddedRows});
    } else {
      relWeights = scratchBuffer(b, cfg, {cfg.queryTile, padded});
    }
  }
  if (hasGaussian()) {
    center = scratchBuffer(b, cfg, {cfg.queryTile});
    lo = scratchBuffer(b, cfg, {cfg.queryTile}, b.getIndexType());
    hi = scratchBuffer(b, cfg, {cfg.queryTile}, b.getIndexType());
  }
  if (hasGrid() && !cfg.positionInputs.empty()) {
    gridDots =
        scratchBuffer(b, cfg, {cfg.queryTile, 2 * grid.ry + 2 * grid.rx + 2});
  }
}

void PositionTerms::storeTableDots(ImplicitLocOpBuilder &b,
                                   const QueryTile &tile, Value table,
                                   ValueRange prefix, int64_t count, Value dest,
                                   int64_t offset) {
  // Vectorised over D; the query row stays in registers across the table
  // rows when it fits in one block of chunks, a wider one is read block by
  // block.
  int64_t dw = widthFor(cfg.headDim, cfg.width);
  int64_t dChunks = cfg.headDim / dw;
  buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
    SmallVector<Value> qRow;
    if (dChunks <= kMaxUnrolledChunks)
      for (int64_t c = 0; c < dChunks; ++c)
        qRow.push_back(
            score.loadScaledQuery(rb, r, indexConst(rb, c * dw), dw));
    buildCountedLoop(
        rb, indexConst(rb, count), [&](ImplicitLocOpBuilder &tb, Value t) {
          Value zero = splat(tb, f32Const(tb, 0.0), dw);
          Value acc = forEachChunkBlock(
              tb, dChunks, dw, {zero},
              [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block,
                  ValueRange carried) {
                Value sum = carried[0];
                for (int64_t c = 0; c < block.count; ++c) {
                  Value col = block.column(cb, c);
                  Value qc = block.base ? score.loadScaledQuery(cb, r, col, dw)
                                        : qRow[c];
                  SmallVector<Value> at(prefix);
                  at.append({t, col});
                  sum = vector::FMAOp::create(
                      cb, qc, loadVectorAsF32(cb, table, at, dw), sum);
                }
                return SmallVector<Value>{sum};
              })[0];
          Value dot =
              vector::ReductionOp::create(tb, vector::CombiningKind::ADD, acc);
          memref::StoreOp::create(
              tb, dot, dest,
              ValueRange{r,
                         arith::AddIOp::create(tb, t, indexConst(tb, offset))});
        });
  });
}

void PositionTerms::prepareQueryTile(ImplicitLocOpBuilder &b, QueryTile &tile) {
  if (hasRelative()) {
    // relKeys[r, W - 1 + t] = q'_r . aK_t, then the pads on both sides copy
    // buckets 0 and 2 kappa.
    int64_t first = cfg.width - 1, lastSlot = first + 2 * clip;
    storeTableDots(b, tile, cfg.positionInputs[0], {}, 2 * clip + 1, relKeys,
                   first);
    buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
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
    if (cfg.keyMajor)
      skewRelativeKeys(b, tile);
  }
  if (hasGrid()) {
    AttentionOp op = cfg.op;
    grid = gridWindow(b, op, op.getGridWidth(), tile.h);
    gridFirstPos = gridTileBounds(b, cfg, grid, tile);
    if (gridDots) {
      storeTableDots(b, tile, cfg.positionInputs[0], {tile.h}, 2 * grid.ry + 1,
                     gridDots, 0);
      storeTableDots(b, tile, cfg.positionInputs[1], {tile.h}, 2 * grid.rx + 1,
                     gridDots, 2 * grid.ry + 1);
    }
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

PositionTerms::ChunkTerms PositionTerms::applyToChunk(ImplicitLocOpBuilder &b,
                                                      Value r, Value row,
                                                      Value pos, Value keyBase,
                                                      Value keys, Value s) {
  VectorType vt = VectorType::get({cfg.width}, b.getF32Type());
  if (hasRelative()) {
    Value off = relativeSlot(b, keyBase, row, clip, cfg.width);
    Value rel = vector::LoadOp::create(b, vt, relKeys, ValueRange{r, off});
    return {arith::AddFOp::create(b, s, rel), Value()};
  }
  if (hasGaussian())
    return {s, inGaussianWindow(b, keys,
                                memref::LoadOp::create(b, lo, ValueRange{r}),
                                memref::LoadOp::create(b, hi, ValueRange{r}))};
  if (!hasGrid())
    return {s, Value()};
  GridNeighbours cells = gridNeighbours(b, grid, pos, keys);
  if (gridDots) {
    // s += q' . rows[h, a] + q' . cols[h, c], gathered from the row's dots.
    Value all = vector::BroadcastOp::create(
        b, VectorType::get({cfg.width}, b.getI1Type()),
        arith::ConstantIntOp::create(b, 1, 1));
    Value zero = splat(b, f32Const(b, 0.0), cfg.width);
    auto gather = [&](Value steps, int64_t offset) -> Value {
      return vector::GatherOp::create(b, vt, gridDots,
                                      ValueRange{r, indexConst(b, offset)},
                                      steps, all, zero);
    };
    s = arith::AddFOp::create(
        b, s,
        arith::AddFOp::create(b, gather(cells.rowStep, 0),
                              gather(cells.colStep, 2 * grid.ry + 1)));
  }
  return {s, cells.visible};
}

Value PositionTerms::rowMeetsTile(ImplicitLocOpBuilder &b, Value r, Value k0,
                                  Value n) {
  Value l, h;
  if (hasGaussian()) {
    // The windows of a tile's rows are short and scattered: the union that
    // bounds the key loop can be much wider than any one row's window.
    l = memref::LoadOp::create(b, lo, ValueRange{r});
    h = memref::LoadOp::create(b, hi, ValueRange{r});
  } else if (hasGrid()) {
    // A row's band of map rows is a fraction of its tile's.
    Value pos = arith::AddIOp::create(b, gridFirstPos, r);
    auto [begin, end] = gridKeyBand(b, grid, pos, pos, cfg.keyLen);
    l = begin;
    h = arith::SubIOp::create(b, end, indexConst(b, 1));
  } else {
    return {};
  }
  return arith::AndIOp::create(
      b,
      arith::CmpIOp::create(b, arith::CmpIPredicate::slt, l,
                            arith::AddIOp::create(b, k0, n)),
      arith::CmpIOp::create(b, arith::CmpIPredicate::sge, h, k0));
}

GridWindow lowering::gridWindow(ImplicitLocOpBuilder &b, AttentionOp op,
                                Value width, Value head) {
  GridWindow g;
  ArrayRef<int64_t> radii = *op.getGridWindow();
  g.ry = radii[0];
  g.rx = radii[1];
  Type f64 = b.getF64Type(), i64 = b.getI64Type();
  auto toF64 = [&](Value x) -> Value {
    return arith::SIToFPOp::create(b, f64,
                                   arith::IndexCastOp::create(b, i64, x));
  };
  auto reciprocal = [&](Value x) -> Value {
    return arith::DivFOp::create(
        b, arith::ConstantOp::create(b, b.getF64FloatAttr(1.0)), toF64(x));
  };
  g.width = arith::MinSIOp::create(
      b, arith::MaxSIOp::create(b, width, indexConst(b, 1)),
      indexConst(b, std::numeric_limits<int32_t>::max()));
  g.invWidth = reciprocal(g.width);
  // The head's dilation: a chain of selects over the query heads.
  int64_t heads = op.getQueryHeads();
  g.dilation = indexConst(b, op.getGridDilationOf(heads - 1));
  for (int64_t h = heads - 2; h >= 0; --h) {
    Value isHead = arith::CmpIOp::create(b, arith::CmpIPredicate::eq, head,
                                         indexConst(b, h));
    g.dilation = arith::SelectOp::create(
        b, isHead, indexConst(b, op.getGridDilationOf(h)), g.dilation);
  }
  for (int64_t h = 0; h < heads; ++h)
    g.unitDilation = g.unitDilation && op.getGridDilationOf(h) == 1;
  g.invDilation = reciprocal(g.dilation);
  return g;
}

std::pair<Value, Value> lowering::gridKeyBand(ImplicitLocOpBuilder &b,
                                              const GridWindow &g,
                                              Value firstPos, Value lastPos,
                                              Value keyLen) {
  // Positions may be negative (bottom-right with Sq > Skv): floor division.
  Value reach = arith::MulIOp::create(b, g.dilation, indexConst(b, g.ry));
  Value firstRow = arith::SubIOp::create(
      b, arith::FloorDivSIOp::create(b, firstPos, g.width), reach);
  Value lastRow = arith::AddIOp::create(
      b, arith::FloorDivSIOp::create(b, lastPos, g.width), reach);
  Value begin = arith::MaxSIOp::create(
      b, arith::MulIOp::create(b, firstRow, g.width), indexConst(b, 0));
  Value end = arith::MinSIOp::create(
      b,
      arith::MulIOp::create(
          b, arith::AddIOp::create(b, lastRow, indexConst(b, 1)), g.width),
      keyLen);
  return {arith::MinSIOp::create(b, begin, keyLen),
          arith::MaxSIOp::create(b, end, indexConst(b, 0))};
}

Value lowering::gridTileBounds(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                               const GridWindow &g, QueryTile &tile) {
  Value firstPos = arith::AddIOp::create(b, tile.row0, cfg.alignOffset);
  Value lastPos = arith::AddIOp::create(
      b, firstPos, arith::SubIOp::create(b, tile.rows, indexConst(b, 1)));
  std::tie(tile.posBegin, tile.posEnd) =
      gridKeyBand(b, g, firstPos, lastPos, cfg.keyLen);
  tile.posFullBegin = cfg.keyLen;
  tile.posFullEnd = indexConst(b, 0);
  return firstPos;
}

GridNeighbours lowering::gridNeighbours(ImplicitLocOpBuilder &b,
                                        const GridWindow &g, Value pos,
                                        Value keys) {
  int64_t width = cast<VectorType>(keys.getType()).getNumElements();
  Type i64 = b.getI64Type(), f64 = b.getF64Type();
  VectorType i64Vec = VectorType::get({width}, i64);
  VectorType f64Vec = VectorType::get({width}, f64);
  auto vecOf = [&](Value scalar) -> Value {
    if (scalar.getType().isIndex())
      scalar = arith::IndexCastOp::create(b, i64, scalar);
    return vector::BroadcastOp::create(
        b, VectorType::get({width}, scalar.getType()), scalar);
  };
  auto i64Const = [&](int64_t v) -> Value {
    return vecOf(arith::ConstantIntOp::create(b, v, 64));
  };
  // trunc((x + 1/2) * inv) for x >= 0: x / d, exact (see the header).
  auto quotient = [&](Value x, Value inv) -> Value {
    Value xf = arith::SIToFPOp::create(b, f64Vec, x);
    Value half = vecOf(arith::ConstantOp::create(b, b.getF64FloatAttr(0.5)));
    return arith::FPToSIOp::create(
        b, i64Vec,
        arith::MulFOp::create(b, arith::AddFOp::create(b, xf, half),
                              vecOf(inv)));
  };
  Value width64 = vecOf(g.width);
  Value j = arith::IndexCastOp::create(b, i64Vec, keys);
  Value keyRow = quotient(j, g.invWidth);
  Value keyCol =
      arith::SubIOp::create(b, j, arith::MulIOp::create(b, keyRow, width64));
  Value queryRow = arith::FloorDivSIOp::create(b, pos, g.width);
  Value queryCol = arith::SubIOp::create(
      b, pos, arith::MulIOp::create(b, queryRow, g.width));

  // Per axis: u = d + r * radius in [0, 2 r radius] and a multiple of r;
  // the step u / r indexes the axis's table.
  auto axis = [&](Value keyCell, Value queryCell, int64_t radius,
                  Value &step) -> Value {
    Value reach =
        arith::MulIOp::create(b, arith::IndexCastOp::create(b, i64, g.dilation),
                              arith::ConstantIntOp::create(b, radius, 64));
    Value u = arith::AddIOp::create(
        b, arith::SubIOp::create(b, keyCell, vecOf(queryCell)), vecOf(reach));
    Value inside = arith::AndIOp::create(
        b, arith::CmpIOp::create(b, arith::CmpIPredicate::sge, u, i64Const(0)),
        arith::CmpIOp::create(
            b, arith::CmpIPredicate::sle, u,
            arith::AddIOp::create(b, vecOf(reach), vecOf(reach))));
    Value t = u;
    if (!g.unitDilation) {
      t = quotient(arith::MaxSIOp::create(b, u, i64Const(0)), g.invDilation);
      Value exact = arith::CmpIOp::create(
          b, arith::CmpIPredicate::eq,
          arith::MulIOp::create(b, t, vecOf(g.dilation)), u);
      inside = arith::AndIOp::create(b, inside, exact);
    }
    step = arith::MinSIOp::create(b, arith::MaxSIOp::create(b, t, i64Const(0)),
                                  i64Const(2 * radius));
    return inside;
  };
  GridNeighbours n;
  Value rowsOk = axis(keyRow, queryRow, g.ry, n.rowStep);
  Value colsOk = axis(keyCol, queryCol, g.rx, n.colStep);
  n.visible = arith::AndIOp::create(b, rowsOk, colsOk);
  return n;
}

void PositionTerms::initState(ImplicitLocOpBuilder &b, const QueryTile &) {
  if (!hasRelative())
    return;
  Value zero = splat(b, f32Const(b, 0.0), cfg.width);
  int64_t rows = cfg.keyMajor ? skewedSlots : cfg.queryTile;
  int64_t columns = cfg.keyMajor ? cfg.paddedRows : padded;
  buildCountedLoop(
      b, indexConst(b, rows), [&](ImplicitLocOpBuilder &rb, Value r) {
        forEachChunkBlock(
            rb, columns / cfg.width, cfg.width,
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
  // acc += sum_x w[x] aV[clamp(x - shift, 0, 2 kappa)], over the slots the
  // keys can reach: shift is W - 1 in the padded layout, the row's lane in
  // the skewed one.
  int64_t slots = 2 * clip + 1 + 2 * (cfg.width - 1);
  Value shift = indexConst(b, cfg.width - 1);
  if (cfg.keyMajor) {
    slots = skewedSlots;
    shift = arith::RemUIOp::create(b, r, indexConst(b, cfg.width));
  }
  auto loop = buildCountedLoop(
      b, indexConst(b, slots), acc,
      [&](ImplicitLocOpBuilder &xb, Value x, ValueRange accs) {
        Value t = arith::MinSIOp::create(
            xb,
            arith::MaxSIOp::create(xb, arith::SubIOp::create(xb, x, shift),
                                   indexConst(xb, 0)),
            indexConst(xb, 2 * clip));
        SmallVector<Value> at = {r, x};
        if (cfg.keyMajor)
          std::swap(at[0], at[1]);
        Value w = splat(xb, memref::LoadOp::create(xb, relWeights, at),
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

void PositionTerms::skewRelativeKeys(ImplicitLocOpBuilder &b,
                                     const QueryTile &tile) {
  // Padding rows (r >= rows) get zeros, so that their scores stay finite.
  Value width = indexConst(b, cfg.width);
  Value lastRow = arith::SubIOp::create(b, tile.rows, indexConst(b, 1));
  Value zero = f32Const(b, 0.0);
  buildCountedLoop(
      b, indexConst(b, cfg.paddedRows), [&](ImplicitLocOpBuilder &rb, Value r) {
        Value valid =
            arith::CmpIOp::create(rb, arith::CmpIPredicate::ult, r, tile.rows);
        Value source = arith::MinUIOp::create(rb, r, lastRow);
        // Slot y of lane l reads the padded slot y + (W - 1 - l).
        Value shift =
            arith::SubIOp::create(rb, indexConst(rb, cfg.width - 1),
                                  arith::RemUIOp::create(rb, r, width));
        buildCountedLoop(
            rb, indexConst(rb, skewedSlots),
            [&](ImplicitLocOpBuilder &yb, Value y) {
              Value x = memref::LoadOp::create(
                  yb, relKeys,
                  ValueRange{source, arith::AddIOp::create(yb, y, shift)});
              memref::StoreOp::create(
                  yb, arith::SelectOp::create(yb, valid, x, zero),
                  relKeysSkewed, ValueRange{y, r});
            });
      });
}

Value PositionTerms::keyMajorSlot(ImplicitLocOpBuilder &b,
                                  const QueryTile &tile, Value key, Value col) {
  Value firstRow = arith::AddIOp::create(b, tile.row0, col);
  Value y = arith::AddIOp::create(b, arith::SubIOp::create(b, key, firstRow),
                                  indexConst(b, clip));
  return arith::MinSIOp::create(b,
                                arith::MaxSIOp::create(b, y, indexConst(b, 0)),
                                indexConst(b, skewedSlots - 1));
}

Value PositionTerms::keyMajorTerm(ImplicitLocOpBuilder &b,
                                  const QueryTile &tile, Value key, Value col,
                                  Value s) {
  if (!hasRelative())
    return s;
  VectorType vt = VectorType::get({cfg.width}, b.getF32Type());
  Value rel = vector::LoadOp::create(
      b, vt, relKeysSkewed, ValueRange{keyMajorSlot(b, tile, key, col), col});
  return arith::AddFOp::create(b, s, rel);
}

void PositionTerms::accumulateKeyMajor(ImplicitLocOpBuilder &b,
                                       const QueryTile &tile, Value k0, Value n,
                                       Value corr) {
  if (!hasRelative())
    return;
  VectorType vt = VectorType::get({cfg.width}, b.getF32Type());
  forEachRowVectorBlock(
      b, cfg, tile, [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
        SmallVector<Value> cols, factors;
        for (int64_t c = 0; c < block.count; ++c) {
          cols.push_back(block.column(cb, c));
          factors.push_back(
              vector::LoadOp::create(cb, vt, corr, ValueRange{cols[c]}));
        }
        buildCountedLoop(cb, indexConst(cb, skewedSlots),
                         [&](ImplicitLocOpBuilder &yb, Value y) {
                           for (int64_t c = 0; c < block.count; ++c) {
                             SmallVector<Value> at = {y, cols[c]};
                             Value w =
                                 vector::LoadOp::create(yb, vt, relWeights, at);
                             vector::StoreOp::create(
                                 yb, arith::MulFOp::create(yb, w, factors[c]),
                                 relWeights, at);
                           }
                         });
        // Keys outside the band share a slot: each update is a
        // load-add-store after the previous one.
        buildCountedLoop(cb, n, [&](ImplicitLocOpBuilder &jb, Value j) {
          Value key = arith::AddIOp::create(jb, k0, j);
          for (int64_t c = 0; c < block.count; ++c) {
            SmallVector<Value> at = {keyMajorSlot(jb, tile, key, cols[c]),
                                     cols[c]};
            Value p = vector::LoadOp::create(jb, vt, tile.scores,
                                             ValueRange{j, cols[c]});
            Value w = vector::LoadOp::create(jb, vt, relWeights, at);
            vector::StoreOp::create(jb, arith::AddFOp::create(jb, w, p),
                                    relWeights, at);
          }
        });
      });
}

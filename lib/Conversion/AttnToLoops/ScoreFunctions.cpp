//===- ScoreFunctions.cpp - dot-product family of score functions ---------===//
//
// Scores that reduce to one dot product per (query, key) pair once the query
// tile and the key tile are prepared. The row loop is the same for all of
// them: for each d, broadcast q'[r, d] and FMA it with the transposed key
// tile kT[d, j0 .. j0 + width), one accumulator per chunk of keys.
//
//   dot            q' = q * scale                       kT = k^T
//   general        q' = (q W) * scale, W applied once per query tile
//   cosine         q' = q / |q| * scale                 kT = (k / |k|)^T
//   neg_l2         -|q - k|^2 = 2 q.k - |q|^2 - |k|^2:  q' = 2 q * scale,
//                  plus -|q|^2 * scale per row and -|k|^2 * scale per key
//                  (computed with the key tile)
//   compositional  q' = q; a second accumulator sums |q_d - k_dj| on the
//                  same loads; M = tanh(q.k * scale) * sigmoid(-l1 * scale)
//
// Every prepared value carries cfg.scoreUnit (log2(e) under an exp2-based
// normaliser), so the scores come out in the normaliser's units for free.
// Nothing here is Sq x Skv: the prepared query is [queryTile, D], the key
// tile [D, keyTile] plus at most keyTile norms.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

namespace {
class DotFamilyScore : public ScoreFunction {
public:
  DotFamilyScore(const KernelConfig &cfg)
      : ScoreFunction(cfg), kind(AttentionOp(cfg.op).getScore()) {}

  void allocate(ImplicitLocOpBuilder &b) override {
    if (cfg.keyMajor) {
      // qT[d, r]: the right operand of S^T = K Q'^T. general projects into
      // qPrep first. f32 keys are read in place (a copy per key tile costs
      // more than the address registers it saves); narrower keys are
      // packed to f32 once per key tile.
      qT = scratchBuffer(b, cfg, {cfg.headDim, cfg.paddedRows});
      if (cfg.bf16Dot)
        qPairs = scratchBuffer(b, cfg, {cfg.headDim / 2, 2 * cfg.paddedRows},
                               b.getBF16Type());
      if (kind == ScoreKind::general)
        qPrep = scratchBuffer(b, cfg, {cfg.queryTile, cfg.headDim});
      // vdpbf16ps reads bf16 key pairs in place (and the few-row kernel
      // converts them as it goes): no f32 copy then.
      if (!cfg.elementType.isF32() && !cfg.bf16Dot)
        kPack = scratchBuffer(b, cfg, {cfg.keyTile, cfg.headDim});
      qRow = scratchBuffer(b, cfg, {cfg.headDim});
    } else {
      qPrep = scratchBuffer(b, cfg, {cfg.queryTile, cfg.headDim});
      kT = scratchBuffer(b, cfg, {cfg.headDim, cfg.keyTile});
    }
    if (kind == ScoreKind::neg_l2)
      rowTerm = scratchBuffer(b, cfg, {cfg.paddedRows});
    if (kind == ScoreKind::neg_l2 ||
        (cfg.keyMajor && kind == ScoreKind::cosine))
      keyTerm = scratchBuffer(b, cfg, {cfg.keyTile});
  }

  void prepareQueryTile(ImplicitLocOpBuilder &b,
                        const QueryTile &tile) override;
  void prepareKeyTile(ImplicitLocOpBuilder &b, const QueryTile &tile, Value k0,
                      Value n) override;
  SmallVector<Value> rowScores(ImplicitLocOpBuilder &b, const QueryTile &tile,
                               Value r) override;
  Value loadScaledQuery(ImplicitLocOpBuilder &b, Value r, Value d,
                        int64_t width) const override;
  bool supportsKeyMajor() const override { return true; }
  void keyMajorScores(ImplicitLocOpBuilder &b, const QueryTile &tile, Value k0,
                      Value n) override;

private:
  /// sum_d x(d)^2 over the head dimension, scalar (once per row or key).
  Value sumOfSquares(ImplicitLocOpBuilder &b,
                     function_ref<Value(ImplicitLocOpBuilder &, Value)> x);
  /// Key-major kernels: register tiles of keys x row vectors, or dot
  /// products along the head dimension for each of a few rows.
  void registerTileScores(ImplicitLocOpBuilder &b, const QueryTile &tile,
                          Value k0, Value n);
  void fewRowScores(ImplicitLocOpBuilder &b, const QueryTile &tile, Value k0,
                    Value n);
  /// Key f32 vector k[k0 + j, d .. d + width) (packed when narrow).
  Value keyVector(ImplicitLocOpBuilder &b, const QueryTile &tile, Value k0,
                  Value j, Value d, int64_t width);
  /// The dot products `s` with the per-key and per-row terms of cosine and
  /// neg_l2 applied (both vectors of the lanes of s, or null).
  Value finishScores(ImplicitLocOpBuilder &b, Value s, Value keyTerms,
                     Value rowTerms);
  /// Compositional's weights from its two sums (vectors of the same lanes).
  Value compositionalWeights(ImplicitLocOpBuilder &b, Value dot, Value l1);
  /// Stores the bf16 query value at (r, d) in qPairs.
  void storePair(ImplicitLocOpBuilder &b, Value x, Value r, Value d) {
    Value two = indexConst(b, 2);
    Value lane = arith::AddIOp::create(b, arith::MulIOp::create(b, r, two),
                                       arith::RemUIOp::create(b, d, two));
    memref::StoreOp::create(
        b, x, qPairs, ValueRange{arith::DivUIOp::create(b, d, two), lane});
  }
  /// Stores a prepared query value at (r, d), in the layout of the tile.
  void storeQuery(ImplicitLocOpBuilder &b, Value x, Value r, Value d);
  /// Key-major: zero queries (and neg_l2 row terms) for the padding rows
  /// [rows, paddedRows), so that their scores are finite.
  void zeroPaddingRows(ImplicitLocOpBuilder &b, const QueryTile &tile);

  ScoreKind kind;
  // Row-major: qPrep [queryTile, D] and kT [D, keyTile]. Key-major: qT
  // [D, paddedRows], kPack [keyTile, D] for non-f32 keys (and qPrep for
  // general). Row terms [paddedRows] (neg_l2) and key terms [keyTile]
  // (neg_l2: -|k|^2, key-major cosine: 1 / |k|).
  // bf16 dot products: qPairs [D / 2, 2 paddedRows] bf16, the unscaled
  // query in pairs along d (qPairs[p, 2 r + t] = q[r, 2 p + t]), and the
  // factor the sums are scaled by.
  // qRow [D]: one row of qT, row-major, for the few-row kernel.
  Value qPrep, kT, qT, kPack, rowTerm, keyTerm, qPairs, qRow;
  float pairFactor = 1.0f;
};
} // namespace

Value DotFamilyScore::sumOfSquares(
    ImplicitLocOpBuilder &b,
    function_ref<Value(ImplicitLocOpBuilder &, Value)> x) {
  auto loop = buildCountedLoop(
      b, indexConst(b, cfg.headDim), {f32Const(b, 0.0)},
      [&](ImplicitLocOpBuilder &db, Value d, ValueRange acc) {
        Value v = x(db, d);
        return SmallVector<Value>{math::FmaOp::create(db, v, v, acc[0])};
      });
  return loop.getResult(0);
}

Value lowering::inverseNorm(ImplicitLocOpBuilder &b, Value squares) {
  Value zero = f32Const(b, 0.0);
  Value positive =
      arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, squares, zero);
  Value inv = arith::DivFOp::create(b, f32Const(b, 1.0),
                                    math::SqrtOp::create(b, squares));
  return arith::SelectOp::create(b, positive, inv, zero);
}

void DotFamilyScore::prepareQueryTile(ImplicitLocOpBuilder &b,
                                      const QueryTile &tile) {
  float factor = cfg.scale * cfg.scoreUnit;
  pairFactor = factor;
  auto loadQ = [&](ImplicitLocOpBuilder &lb, Value r, Value d) {
    Value row = arith::AddIOp::create(lb, tile.row0, r);
    return loadAsF32(lb, cfg.query, {tile.b, tile.h, row, d});
  };
  if (kind == ScoreKind::general) {
    // q' = q W once per query tile: the key loop then costs what dot costs.
    emitRowProjection(b, tile.rows, cfg.headDim, loadQ, cfg.scoreWeights[0],
                      /*bias=*/Value(), factor, qPrep,
                      widthFor(cfg.headDim, cfg.width));
    if (cfg.keyMajor) {
      buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
        buildCountedLoop(
            rb, indexConst(rb, cfg.headDim),
            [&](ImplicitLocOpBuilder &db, Value d) {
              storeQuery(db,
                         memref::LoadOp::create(db, qPrep, ValueRange{r, d}), r,
                         d);
            });
      });
      zeroPaddingRows(b, tile);
    }
    return;
  }
  if (kind == ScoreKind::compositional)
    factor = 1.0f; // the scale goes inside tanh and the sigmoid.
  if (kind == ScoreKind::neg_l2)
    factor *= 2.0f;
  Value headDim = indexConst(b, cfg.headDim);
  buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
    Value mul = f32Const(rb, factor);
    if (kind == ScoreKind::cosine || kind == ScoreKind::neg_l2) {
      Value squares = sumOfSquares(rb, [&](ImplicitLocOpBuilder &db, Value d) {
        return loadQ(db, r, d);
      });
      if (kind == ScoreKind::cosine)
        mul = arith::MulFOp::create(rb, mul, inverseNorm(rb, squares));
      else
        memref::StoreOp::create(
            rb,
            arith::MulFOp::create(rb, squares,
                                  f32Const(rb, -cfg.scale * cfg.scoreUnit)),
            rowTerm, ValueRange{r});
    }
    buildCountedLoop(rb, headDim, [&](ImplicitLocOpBuilder &db, Value d) {
      storeQuery(db, arith::MulFOp::create(db, loadQ(db, r, d), mul), r, d);
      if (qPairs)
        storePair(
            db,
            memref::LoadOp::create(
                db, cfg.query,
                {tile.b, tile.h, arith::AddIOp::create(db, tile.row0, r), d}),
            r, d);
    });
  });
  if (cfg.keyMajor)
    zeroPaddingRows(b, tile);
}

Value DotFamilyScore::loadScaledQuery(ImplicitLocOpBuilder &b, Value r, Value d,
                                      int64_t width) const {
  if (kind != ScoreKind::dot)
    return {};
  if (!cfg.keyMajor)
    return vector::LoadOp::create(b, VectorType::get({width}, b.getF32Type()),
                                  qPrep, ValueRange{r, d});
  // qT[d, r] holds the row as a column: its elements one by one (once per
  // row and query tile, for the positional tables).
  SmallVector<Value> elements;
  for (int64_t e = 0; e < width; ++e)
    elements.push_back(memref::LoadOp::create(
        b, qT, ValueRange{arith::AddIOp::create(b, d, indexConst(b, e)), r}));
  return vector::FromElementsOp::create(
      b, VectorType::get({width}, b.getF32Type()), elements);
}

void DotFamilyScore::storeQuery(ImplicitLocOpBuilder &b, Value x, Value r,
                                Value d) {
  if (cfg.keyMajor)
    memref::StoreOp::create(b, x, qT, ValueRange{d, r});
  else
    memref::StoreOp::create(b, x, qPrep, ValueRange{r, d});
}

void DotFamilyScore::zeroPaddingRows(ImplicitLocOpBuilder &b,
                                     const QueryTile &tile) {
  Value zero = f32Const(b, 0.0), one = indexConst(b, 1);
  scf::ForOp::create(
      b, tile.rows, indexConst(b, cfg.paddedRows), one, ValueRange{},
      [&](OpBuilder &nb, Location loc, Value r, ValueRange) {
        ImplicitLocOpBuilder rb(loc, nb);
        if (rowTerm)
          memref::StoreOp::create(rb, zero, rowTerm, ValueRange{r});
        buildCountedLoop(
            rb, indexConst(rb, cfg.headDim),
            [&](ImplicitLocOpBuilder &db, Value d) {
              storeQuery(db, zero, r, d);
              if (qPairs)
                storePair(db,
                          arith::ConstantOp::create(
                              db, db.getFloatAttr(db.getBF16Type(), 0.0)),
                          r, d);
            });
        scf::YieldOp::create(rb);
      });
}

void DotFamilyScore::prepareKeyTile(ImplicitLocOpBuilder &b,
                                    const QueryTile &tile, Value k0, Value n) {
  // kT[d, j] = k[b, kvHead, k0 + j, d]: the row loop then reads keys as
  // contiguous vectors. Cost D * n per tile, shared by all query rows; the
  // per-key norms of cosine and neg_l2 come with it. Key-major reads the
  // keys in place and needs only the norms, or f32 copies of narrow keys.
  if (cfg.keyMajor && !kPack && !keyTerm)
    return;
  Value headDim = indexConst(b, cfg.headDim);
  buildCountedLoop(b, n, [&](ImplicitLocOpBuilder &jb, Value j) {
    Value key = arith::AddIOp::create(jb, k0, j);
    auto loadK = [&](ImplicitLocOpBuilder &lb, Value d) {
      return loadAsF32(lb, cfg.key, kvIndices(lb, cfg, tile, key, d));
    };
    Value mul;
    if (kind == ScoreKind::cosine || kind == ScoreKind::neg_l2) {
      Value squares = sumOfSquares(jb, loadK);
      if (kind == ScoreKind::cosine)
        mul = inverseNorm(jb, squares);
      else
        memref::StoreOp::create(
            jb,
            arith::MulFOp::create(jb, squares,
                                  f32Const(jb, -cfg.scale * cfg.scoreUnit)),
            keyTerm, ValueRange{j});
    }
    if (cfg.keyMajor) {
      // The cosine's key norm multiplies the scores of the key instead.
      if (kind == ScoreKind::cosine)
        memref::StoreOp::create(jb, mul, keyTerm, ValueRange{j});
      if (kPack) {
        int64_t w = widthFor(cfg.headDim, cfg.width);
        forEachChunkBlock(
            jb, cfg.headDim / w, w,
            [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
              for (int64_t c = 0; c < block.count; ++c) {
                Value d = block.column(cb, c);
                vector::StoreOp::create(
                    cb,
                    loadVectorAsF32(cb, cfg.key,
                                    kvIndices(cb, cfg, tile, key, d), w),
                    kPack, ValueRange{j, d});
              }
            });
      }
      return;
    }
    buildCountedLoop(jb, headDim, [&](ImplicitLocOpBuilder &db, Value d) {
      Value x = loadK(db, d);
      if (mul)
        x = arith::MulFOp::create(db, x, mul);
      memref::StoreOp::create(db, x, kT, ValueRange{d, j});
    });
  });
}

SmallVector<Value> DotFamilyScore::rowScores(ImplicitLocOpBuilder &b,
                                             const QueryTile &tile, Value r) {
  int64_t chunks = cfg.keyTile / cfg.width;
  VectorType vecType = VectorType::get({cfg.width}, b.getF32Type());
  bool l1 = kind == ScoreKind::compositional;
  // Accumulators: chunks dot products, then (compositional) chunks L1
  // distances fed by the same key loads.
  SmallVector<Value> init(l1 ? 2 * chunks : chunks,
                          splat(b, f32Const(b, 0.0), cfg.width));
  auto loop = buildCountedLoop(
      b, indexConst(b, cfg.headDim), init,
      [&](ImplicitLocOpBuilder &ib, Value d, ValueRange accs) {
        Value q = memref::LoadOp::create(ib, qPrep, ValueRange{r, d});
        Value qv = vector::BroadcastOp::create(ib, vecType, q);
        SmallVector<Value> next(accs.begin(), accs.end());
        for (int64_t c = 0; c < chunks; ++c) {
          Value kv = vector::LoadOp::create(
              ib, vecType, kT, ValueRange{d, indexConst(ib, c * cfg.width)});
          next[c] = vector::FMAOp::create(ib, qv, kv, accs[c]);
          if (l1)
            next[chunks + c] = arith::AddFOp::create(
                ib, accs[chunks + c],
                math::AbsFOp::create(ib, arith::SubFOp::create(ib, qv, kv)));
        }
        return next;
      });

  SmallVector<Value> scores;
  for (int64_t c = 0; c < chunks; ++c) {
    Value s = loop.getResult(c);
    if (kind == ScoreKind::neg_l2) {
      Value row = memref::LoadOp::create(b, rowTerm, ValueRange{r});
      Value keys = vector::LoadOp::create(
          b, vecType, keyTerm, ValueRange{indexConst(b, c * cfg.width)});
      s = arith::AddFOp::create(
          b, arith::AddFOp::create(b, s, splat(b, row, cfg.width)), keys);
    }
    if (l1)
      s = compositionalWeights(b, s, loop.getResult(chunks + c));
    scores.push_back(s);
  }
  return scores;
}

Value lowering::compositionalWeights(ImplicitLocOpBuilder &b, Value dot,
                                     Value l1, float scale) {
  // M = tanh(q.k * scale) * sigmoid(-l1 * scale), with
  // sigmoid(-y) = 1 / (1 + exp(y)) and exp(y) = exp2(y log2 e) (the CPU's
  // exp2 has its own reduction): exp2 overflows to +inf for a far key and
  // M becomes 0, its limit.
  int64_t width = cast<VectorType>(dot.getType()).getNumElements();
  Value t = math::TanhOp::create(
      b, arith::MulFOp::create(b, dot, splat(b, f32Const(b, scale), width)));
  Value e = math::Exp2Op::create(
      b, arith::MulFOp::create(b, l1,
                               splat(b, f32Const(b, scale * M_LOG2E), width)));
  Value one = splat(b, f32Const(b, 1.0), width);
  return arith::DivFOp::create(b, t, arith::AddFOp::create(b, one, e));
}

Value DotFamilyScore::compositionalWeights(ImplicitLocOpBuilder &b, Value dot,
                                           Value l1) {
  Value m = lowering::compositionalWeights(b, dot, l1, cfg.scale);
  if (cfg.scoreUnit != 1.0f) {
    int64_t width = cast<VectorType>(dot.getType()).getNumElements();
    m = arith::MulFOp::create(b, m,
                              splat(b, f32Const(b, cfg.scoreUnit), width));
  }
  return m;
}

/// Query tiles of at most this many rows (decode, the last rows of a
/// sequence) take dot products along the head dimension: a register tile
/// over row vectors would compute mostly padding rows.
constexpr int64_t kFewRows = 4;

void DotFamilyScore::keyMajorScores(ImplicitLocOpBuilder &b,
                                    const QueryTile &tile, Value k0, Value n) {
  // Compositional's second sum has no few-row kernel: its short tiles run
  // the register tile on padded rows.
  if (kind == ScoreKind::compositional) {
    registerTileScores(b, tile, k0, n);
    return;
  }
  Value few = arith::CmpIOp::create(b, arith::CmpIPredicate::ule, tile.rows,
                                    indexConst(b, kFewRows));
  scf::IfOp::create(
      b, few,
      [&](OpBuilder &nb, Location loc) {
        ImplicitLocOpBuilder ib(loc, nb);
        fewRowScores(ib, tile, k0, n);
        scf::YieldOp::create(ib);
      },
      [&](OpBuilder &nb, Location loc) {
        ImplicitLocOpBuilder ib(loc, nb);
        registerTileScores(ib, tile, k0, n);
        scf::YieldOp::create(ib);
      });
}

Value DotFamilyScore::keyVector(ImplicitLocOpBuilder &b, const QueryTile &tile,
                                Value k0, Value j, Value d, int64_t width) {
  if (kPack)
    return vector::LoadOp::create(b, VectorType::get({width}, b.getF32Type()),
                                  kPack, ValueRange{j, d});
  Value key = arith::AddIOp::create(b, k0, j);
  return loadVectorAsF32(b, cfg.key, kvIndices(b, cfg, tile, key, d), width);
}

Value DotFamilyScore::finishScores(ImplicitLocOpBuilder &b, Value s,
                                   Value keyTerms, Value rowTerms) {
  if (kind == ScoreKind::cosine)
    return arith::MulFOp::create(b, s, keyTerms);
  if (kind == ScoreKind::neg_l2)
    return arith::AddFOp::create(b, arith::AddFOp::create(b, s, keyTerms),
                                 rowTerms);
  return s;
}

void DotFamilyScore::fewRowScores(ImplicitLocOpBuilder &b,
                                  const QueryTile &tile, Value k0, Value n) {
  // For each row: groups of `width` keys, each key's dot product split in
  // chunks of the head dimension and the group reduced at once into a
  // vector of its scores; the last keys one by one.
  int64_t width = widthFor(cfg.headDim, cfg.width);
  int64_t chunks = cfg.headDim / width;
  VectorType vecType = VectorType::get({width}, b.getF32Type());
  Value groups = arith::DivUIOp::create(b, n, indexConst(b, width));
  Value grouped = arith::MulIOp::create(b, groups, indexConst(b, width));
  buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
    // The row's query, copied from the transposed tile once per key tile.
    buildCountedLoop(rb, indexConst(rb, cfg.headDim),
                     [&](ImplicitLocOpBuilder &db, Value d) {
                       memref::StoreOp::create(
                           db, memref::LoadOp::create(db, qT, ValueRange{d, r}),
                           qRow, ValueRange{d});
                     });
    auto query = [&](ImplicitLocOpBuilder &lb, Value col) -> Value {
      return vector::LoadOp::create(lb, vecType, qRow, ValueRange{col});
    };
    Value rowTerm1 =
        rowTerm ? memref::LoadOp::create(rb, rowTerm, ValueRange{r}) : Value();
    auto store = [&](ImplicitLocOpBuilder &sb, Value score, Value j) {
      memref::StoreOp::create(sb, score, tile.scores, ValueRange{j, r});
    };
    buildCountedLoop(rb, groups, [&](ImplicitLocOpBuilder &gb, Value g) {
      Value j0 = arith::MulIOp::create(gb, g, indexConst(gb, width));
      SmallVector<Value> j;
      for (int64_t l = 0; l < width; ++l)
        j.push_back(arith::AddIOp::create(gb, j0, indexConst(gb, l)));
      Value s =
          emitDotProducts(gb, width, chunks, query,
                          [&](ImplicitLocOpBuilder &lb, int64_t l, Value col) {
                            return keyVector(lb, tile, k0, j[l], col, width);
                          });
      Value keys =
          keyTerm ? vector::LoadOp::create(gb, vecType, keyTerm, ValueRange{j0})
                  : Value();
      Value rows = rowTerm1 ? splat(gb, rowTerm1, width) : Value();
      s = finishScores(gb, s, keys, rows);
      for (int64_t l = 0; l < width; ++l)
        store(gb, vector::ExtractOp::create(gb, s, ArrayRef<int64_t>{l}), j[l]);
    });
    scf::ForOp::create(
        rb, grouped, n, indexConst(rb, 1), ValueRange{},
        [&](OpBuilder &nb, Location loc, Value j, ValueRange) {
          ImplicitLocOpBuilder jb(loc, nb);
          SmallVector<Value> acc = forEachChunkBlock(
              jb, chunks, width, {splat(jb, f32Const(jb, 0.0), width)},
              [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block,
                  ValueRange sum) {
                Value next = sum[0];
                for (int64_t c = 0; c < block.count; ++c) {
                  Value col = block.column(cb, c);
                  next = vector::FMAOp::create(
                      cb, query(cb, col),
                      keyVector(cb, tile, k0, j, col, width), next);
                }
                return SmallVector<Value>{next};
              });
          Value s = vector::ReductionOp::create(jb, vector::CombiningKind::ADD,
                                                acc[0]);
          Value keyT = keyTerm
                           ? memref::LoadOp::create(jb, keyTerm, ValueRange{j})
                           : Value();
          store(jb, finishScores(jb, s, keyT, rowTerm1), j);
          scf::YieldOp::create(jb);
        });
  });
}

void DotFamilyScore::registerTileScores(ImplicitLocOpBuilder &b,
                                        const QueryTile &tile, Value k0,
                                        Value n) {
  // S^T[j, r] = sum_d k[j, d] qT[d, r]: keys are the rows of the register
  // tile (one broadcast scalar each), query rows its vector columns.
  int64_t vectors = cfg.paddedRows / cfg.width;
  // Compositional keeps two sums per cell (dot product and L1 distance),
  // so its tile has half the cells.
  bool l1 = kind == ScoreKind::compositional;
  TileShape shape = chooseTileShape(
      l1 ? cfg.vectorRegisters / 2 : cfg.vectorRegisters, vectors);
  VectorType vecType = VectorType::get({cfg.width}, b.getF32Type());
  // With bf16 dot products each step takes a pair of the head dimension:
  // the K pair of a key is one 32-bit broadcast, the query pairs of 16 rows
  // one vector of 32 bf16, and vdpbf16ps adds both products to each sum.
  bool pairs = cfg.bf16Dot;
  Value depth = indexConst(b, pairs ? cfg.headDim / 2 : cfg.headDim);
  VectorType pairType = VectorType::get({2 * cfg.width}, b.getBF16Type());
  auto keyPair = [&](ImplicitLocOpBuilder &lb, Value key, Value p) -> Value {
    Value d = arith::MulIOp::create(lb, p, indexConst(lb, 2));
    return broadcastPair(lb, cfg.key, kvIndices(lb, cfg, tile, key, d),
                         cfg.width);
  };
  auto pairDot = [](ImplicitLocOpBuilder &ab, Value acc, Value l, Value r) {
    return Value(x86vector::DotBF16Op::create(ab, acc.getType(), acc, l, r));
  };
  auto l1Sum = [](ImplicitLocOpBuilder &ab, Value acc, Value l, Value r) {
    return Value(arith::AddFOp::create(
        ab, acc, math::AbsFOp::create(ab, arith::SubFOp::create(ab, l, r))));
  };
  auto emitBlock = [&](ImplicitLocOpBuilder &bb, const ChunkBlock &block) {
    int64_t cols = block.count;
    forEachRowBlock(
        bb, n, shape.rows,
        [&](ImplicitLocOpBuilder &kb, Value j0, int64_t keys) {
          SmallVector<Value> j, column;
          for (int64_t i = 0; i < keys; ++i)
            j.push_back(arith::AddIOp::create(kb, j0, indexConst(kb, i)));
          for (int64_t c = 0; c < cols; ++c)
            column.push_back(block.column(kb, c));
          SmallVector<Value> init((l1 ? 2 : 1) * keys * cols,
                                  splat(kb, f32Const(kb, 0.0), cfg.width));
          SmallVector<Value> acc = emitRegisterTile(
              kb, keys, cols, depth, init,
              [&](ImplicitLocOpBuilder &lb, int64_t i, Value d) -> Value {
                Value key = arith::AddIOp::create(lb, k0, j[i]);
                if (pairs)
                  return keyPair(lb, key, d);
                if (kPack)
                  return memref::LoadOp::create(lb, kPack, ValueRange{j[i], d});
                return memref::LoadOp::create(lb, cfg.key,
                                              kvIndices(lb, cfg, tile, key, d));
              },
              [&](ImplicitLocOpBuilder &lb, Value d, int64_t c) -> Value {
                if (pairs)
                  return vector::LoadOp::create(
                      lb, pairType, qPairs,
                      ValueRange{d, arith::MulIOp::create(lb, column[c],
                                                          indexConst(lb, 2))});
                return vector::LoadOp::create(lb, vecType, qT,
                                              ValueRange{d, column[c]});
              },
              pairs ? TileAccumulate(pairDot) : TileAccumulate(),
              l1 ? TileAccumulate(l1Sum) : TileAccumulate());
          if (pairs)
            for (Value &a : acc)
              a = arith::MulFOp::create(
                  kb, a, splat(kb, f32Const(kb, pairFactor), cfg.width));
          for (int64_t i = 0; i < keys; ++i) {
            Value term;
            if (keyTerm)
              term = splat(kb, memref::LoadOp::create(kb, keyTerm, j[i]),
                           cfg.width);
            for (int64_t c = 0; c < cols; ++c) {
              Value rows = rowTerm
                               ? vector::LoadOp::create(kb, vecType, rowTerm,
                                                        ValueRange{column[c]})
                               : Value();
              Value s = acc[i * cols + c];
              s = l1 ? compositionalWeights(kb, s, acc[(keys + i) * cols + c])
                     : finishScores(kb, s, term, rows);
              vector::StoreOp::create(kb, s, tile.scores,
                                      ValueRange{j[i], column[c]});
            }
          }
        });
  };
  forEachChunkBlock(b, vectors, cfg.width, emitBlock, shape.cols);
}

std::unique_ptr<ScoreFunction>
lowering::createDotFamilyScore(const KernelConfig &cfg) {
  return std::make_unique<DotFamilyScore>(cfg);
}

std::unique_ptr<ScoreFunction>
lowering::createScoreFunction(const KernelConfig &cfg) {
  switch (AttentionOp(cfg.op).getScore()) {
  case ScoreKind::dot:
  case ScoreKind::general:
  case ScoreKind::cosine:
  case ScoreKind::neg_l2:
  case ScoreKind::compositional:
    return createDotFamilyScore(cfg);
  case ScoreKind::additive:
    return createAdditiveScore(cfg);
  case ScoreKind::multi_dimensional:
    return createMultiDimensionalScore(cfg);
  }
  llvm_unreachable("unknown score kind");
}

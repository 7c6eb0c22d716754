//===- AdditiveScores.cpp - scores over tanh of projected q and k ---------===//
//
// additive (Bahdanau):    s_ij  = sum_a va_a tanh((q_i Wq)_a + (k_j Wk)_a)
// multi_dimensional:      e_ijf = tanh(q_i W1 + k_j W2 + b)_f, a softmax
//                         over j for every value feature f
//
// Both need Sq * Skv * A (or * Dv) tanh evaluations, but only Sq * A and
// Skv * A projections. The projections are computed once per tile, outside
// the per-row loop: q Wq (q W1 + b) once per query tile, k Wk (k W2) once per
// key tile. The tanh work then runs per (row, key tile) on the projected
// tiles; no Sq x Skv x A tensor exists.
//
// additive vectorises over keys like the dot family: the projected key tile
// is kept transposed, kaT[a, j], so for each a one broadcast of qa[r, a] and
// one tanh per chunk of keys accumulate va_a * tanh(.) into the scores.
//
// multi_dimensional vectorises over the feature f instead, and its weights
// are not one scalar per (i, j): it comes with its own normaliser here, a
// softmax per (row, f). Its state is l[r, f] and acc[r, f]. The running max
// of the online softmax is dropped: e = tanh(.) lies in [-1, 1], so
// exp(scale * e) lies in [exp(-scale), exp(scale)], which cannot overflow or
// underflow f32 for scale <= 40 (checked before lowering), and neither can
// the sum over any realistic Skv. So no max, no rescaling, no corr: one
// exp2 and two FMAs per (row, key, feature).
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

namespace {
Value loadQueryAsF32(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                     const QueryTile &tile, Value r, Value d) {
  Value row = arith::AddIOp::create(b, tile.row0, r);
  return loadAsF32(b, cfg.query, {tile.b, tile.h, row, d});
}

//===----------------------------------------------------------------------===//
// additive
//===----------------------------------------------------------------------===//

class AdditiveScore : public ScoreFunction {
public:
  AdditiveScore(const KernelConfig &cfg)
      : ScoreFunction(cfg),
        attnDim(cast<RankedTensorType>(
                    AttentionOp(cfg.op).getScoreOperands()[0].getType())
                    .getDimSize(1)) {}

  void allocate(ImplicitLocOpBuilder &b) override {
    qa = scratchBuffer(b, cfg, {cfg.queryTile, attnDim});
    kT = scratchBuffer(b, cfg, {cfg.headDim, cfg.keyTile});
    kaT = scratchBuffer(b, cfg, {attnDim, cfg.keyTile});
    va = scratchBuffer(b, cfg, {attnDim});
  }

  void prepareQueryTile(ImplicitLocOpBuilder &b,
                        const QueryTile &tile) override {
    emitRowProjection(
        b, tile.rows, cfg.headDim,
        [&](ImplicitLocOpBuilder &lb, Value r, Value d) {
          return loadQueryAsF32(lb, cfg, tile, r, d);
        },
        cfg.scoreWeights[0], /*bias=*/Value(), 1.0f, qa,
        widthFor(attnDim, cfg.width));
    // va * scale * unit: the scale and the exp2 units ride on va.
    buildCountedLoop(b, indexConst(b, attnDim),
                     [&](ImplicitLocOpBuilder &ab, Value a) {
                       Value x = loadAsF32(ab, cfg.scoreWeights[2], {a});
                       memref::StoreOp::create(
                           ab,
                           arith::MulFOp::create(
                               ab, x, f32Const(ab, cfg.scale * cfg.scoreUnit)),
                           va, ValueRange{a});
                     });
  }

  void prepareKeyTile(ImplicitLocOpBuilder &b, const QueryTile &tile, Value k0,
                      Value n) override {
    Value headDim = indexConst(b, cfg.headDim);
    buildCountedLoop(b, n, [&](ImplicitLocOpBuilder &jb, Value j) {
      Value key = arith::AddIOp::create(jb, k0, j);
      buildCountedLoop(jb, headDim, [&](ImplicitLocOpBuilder &db, Value d) {
        memref::StoreOp::create(
            db, loadAsF32(db, cfg.key, kvIndices(db, cfg, tile, key, d)), kT,
            ValueRange{d, j});
      });
    });
    // kaT[a, :] = sum_d Wk[d, a] kT[d, :], vectorised over the keys so the
    // row loop reads it as contiguous vectors.
    int64_t chunks = cfg.keyTile / cfg.width;
    VectorType vt = VectorType::get({cfg.width}, b.getF32Type());
    Value wk = cfg.scoreWeights[1];
    buildCountedLoop(
        b, indexConst(b, attnDim), [&](ImplicitLocOpBuilder &ab, Value a) {
          SmallVector<Value> init(chunks,
                                  splat(ab, f32Const(ab, 0.0), cfg.width));
          auto loop = buildCountedLoop(
              ab, headDim, init,
              [&](ImplicitLocOpBuilder &db, Value d, ValueRange accs) {
                Value w = vector::BroadcastOp::create(
                    db, vt, loadAsF32(db, wk, {d, a}));
                SmallVector<Value> next;
                for (int64_t c = 0; c < chunks; ++c) {
                  Value kv = vector::LoadOp::create(
                      db, vt, kT, ValueRange{d, indexConst(db, c * cfg.width)});
                  next.push_back(vector::FMAOp::create(db, w, kv, accs[c]));
                }
                return next;
              });
          for (int64_t c = 0; c < chunks; ++c)
            vector::StoreOp::create(
                ab, loop.getResult(c), kaT,
                ValueRange{a, indexConst(ab, c * cfg.width)});
        });
  }

  SmallVector<Value> rowScores(ImplicitLocOpBuilder &b, const QueryTile &tile,
                               Value r) override {
    int64_t chunks = cfg.keyTile / cfg.width;
    VectorType vt = VectorType::get({cfg.width}, b.getF32Type());
    SmallVector<Value> init(chunks, splat(b, f32Const(b, 0.0), cfg.width));
    auto loop = buildCountedLoop(
        b, indexConst(b, attnDim), init,
        [&](ImplicitLocOpBuilder &ab, Value a, ValueRange accs) {
          Value x = vector::BroadcastOp::create(
              ab, vt, memref::LoadOp::create(ab, qa, ValueRange{r, a}));
          Value w = vector::BroadcastOp::create(
              ab, vt, memref::LoadOp::create(ab, va, ValueRange{a}));
          SmallVector<Value> next;
          for (int64_t c = 0; c < chunks; ++c) {
            Value kv = vector::LoadOp::create(
                ab, vt, kaT, ValueRange{a, indexConst(ab, c * cfg.width)});
            Value t =
                math::TanhOp::create(ab, arith::AddFOp::create(ab, x, kv));
            next.push_back(vector::FMAOp::create(ab, w, t, accs[c]));
          }
          return next;
        });
    return SmallVector<Value>(loop.getResults());
  }

private:
  int64_t attnDim;
  // qa = q Wq [queryTile, A]; kT [D, keyTile]; kaT = (k Wk)^T [A, keyTile];
  // va * scale * unit [A].
  Value qa, kT, kaT, va;
};

//===----------------------------------------------------------------------===//
// multi_dimensional
//===----------------------------------------------------------------------===//

class MultiDimensionalScore : public ScoreFunction {
public:
  using ScoreFunction::ScoreFunction;

  void allocate(ImplicitLocOpBuilder &b) override {
    qw = scratchBuffer(b, cfg, {cfg.queryTile, cfg.valueDim});
    kw = scratchBuffer(b, cfg, {cfg.keyTile, cfg.valueDim});
  }

  void prepareQueryTile(ImplicitLocOpBuilder &b,
                        const QueryTile &tile) override {
    // q W1 + b once per query tile (the bias rides with the query side).
    emitRowProjection(
        b, tile.rows, cfg.headDim,
        [&](ImplicitLocOpBuilder &lb, Value r, Value d) {
          return loadQueryAsF32(lb, cfg, tile, r, d);
        },
        cfg.scoreWeights[0], cfg.scoreWeights[2], 1.0f, qw, cfg.valueWidth);
  }

  void prepareKeyTile(ImplicitLocOpBuilder &b, const QueryTile &tile, Value k0,
                      Value n) override {
    emitRowProjection(
        b, n, cfg.headDim,
        [&](ImplicitLocOpBuilder &lb, Value j, Value d) {
          Value key = arith::AddIOp::create(lb, k0, j);
          return loadAsF32(lb, cfg.key, kvIndices(lb, cfg, tile, key, d));
        },
        cfg.scoreWeights[1], /*bias=*/Value(), 1.0f, kw, cfg.valueWidth);
  }

  /// No scalar score: zeros, which the tile body turns into the additive
  /// mask (0 visible, -inf hidden) that the feature softmax adds.
  SmallVector<Value> rowScores(ImplicitLocOpBuilder &b, const QueryTile &,
                               Value) override {
    return SmallVector<Value>(cfg.keyTile / cfg.width,
                              splat(b, f32Const(b, 0.0), cfg.width));
  }

  // q W1 + b [queryTile, Dv] and k W2 [keyTile, Dv].
  Value qw, kw;
};

class FeatureSoftmax : public RowNormalizer {
public:
  FeatureSoftmax(const KernelConfig &cfg, MultiDimensionalScore &score)
      : RowNormalizer(cfg), score(score) {}

  bool usesLog2Units() const override { return true; }

  void allocate(ImplicitLocOpBuilder &b) override {
    sum = scratchBuffer(b, cfg, {cfg.queryTile, cfg.valueDim});
    acc = scratchBuffer(b, cfg, {cfg.queryTile, cfg.valueDim});
  }

  void initState(ImplicitLocOpBuilder &b, const QueryTile &) override {
    Value zero = splat(b, f32Const(b, 0.0), cfg.valueWidth);
    buildCountedLoop(
        b, indexConst(b, cfg.queryTile),
        [&](ImplicitLocOpBuilder &rb, Value r) {
          forEachChunkBlock(
              rb, chunks(), cfg.valueWidth,
              [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
                for (int64_t e = 0; e < block.count; ++e) {
                  Value col = block.column(cb, e);
                  vector::StoreOp::create(cb, zero, sum, ValueRange{r, col});
                  vector::StoreOp::create(cb, zero, acc, ValueRange{r, col});
                }
              });
        });
  }

  void updateRow(ImplicitLocOpBuilder &b, const QueryTile &tile,
                 const RowTile &row, unsigned) override {
    // A wide Dv goes in blocks of features, each a pass over the keys.
    int64_t vw = cfg.valueWidth;
    Value unit = splat(b, f32Const(b, cfg.scale * M_LOG2E), vw);
    VectorType f32Vec = VectorType::get({vw}, b.getF32Type());
    forEachChunkBlock(
        b, chunks(), vw,
        [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
          int64_t e = block.count;
          SmallVector<Value> init, qws;
          for (Value buffer : {sum, acc})
            for (int64_t c = 0; c < e; ++c)
              init.push_back(vector::LoadOp::create(
                  cb, f32Vec, buffer, ValueRange{row.r, block.column(cb, c)}));
          for (int64_t c = 0; c < e; ++c)
            qws.push_back(vector::LoadOp::create(
                cb, f32Vec, score.qw, ValueRange{row.r, block.column(cb, c)}));
          auto loop = buildCountedLoop(
              cb, row.n, init,
              [&](ImplicitLocOpBuilder &jb, Value j, ValueRange st) {
                Value key = arith::AddIOp::create(jb, row.k0, j);
                Value hidden;
                if (row.masked)
                  hidden = splat(jb,
                                 memref::LoadOp::create(jb, tile.scores,
                                                        ValueRange{row.r, j}),
                                 vw);
                SmallVector<Value> next(st.begin(), st.end());
                for (int64_t c = 0; c < e; ++c) {
                  Value col = block.column(jb, c);
                  Value kv = vector::LoadOp::create(jb, f32Vec, score.kw,
                                                    ValueRange{j, col});
                  Value t = math::TanhOp::create(
                      jb, arith::AddFOp::create(jb, qws[c], kv));
                  Value arg = arith::MulFOp::create(jb, t, unit);
                  if (hidden)
                    arg = arith::AddFOp::create(jb, arg, hidden);
                  Value p = math::Exp2Op::create(jb, arg);
                  next[c] = arith::AddFOp::create(jb, st[c], p);
                  Value v = loadVectorAsF32(
                      jb, cfg.value, kvIndices(jb, cfg, tile, key, col), vw);
                  next[e + c] = vector::FMAOp::create(jb, p, v, st[e + c]);
                }
                return next;
              });
          for (int64_t c = 0; c < e; ++c) {
            Value col = block.column(cb, c);
            vector::StoreOp::create(cb, loop.getResult(c), sum,
                                    ValueRange{row.r, col});
            vector::StoreOp::create(cb, loop.getResult(e + c), acc,
                                    ValueRange{row.r, col});
          }
        });
  }

  void emitEpilogue(ImplicitLocOpBuilder &b, const QueryTile &tile) override {
    int64_t vw = cfg.valueWidth;
    VectorType f32Vec = VectorType::get({vw}, b.getF32Type());
    buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
      Value row = arith::AddIOp::create(rb, tile.row0, r);
      Value zero = splat(rb, f32Const(rb, 0.0), vw);
      forEachChunkBlock(
          rb, chunks(), vw,
          [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
            for (int64_t c = 0; c < block.count; ++c) {
              Value col = block.column(cb, c);
              Value l =
                  vector::LoadOp::create(cb, f32Vec, sum, ValueRange{r, col});
              Value a =
                  vector::LoadOp::create(cb, f32Vec, acc, ValueRange{r, col});
              // A row without a visible key has l = 0 in every feature:
              // zeros.
              Value positive =
                  arith::CmpFOp::create(cb, arith::CmpFPredicate::OGT, l, zero);
              Value o = arith::SelectOp::create(
                  cb, positive, arith::DivFOp::create(cb, a, l), zero);
              if (!cfg.elementType.isF32())
                o = arith::TruncFOp::create(
                    cb, VectorType::get({vw}, cfg.elementType), o);
              vector::StoreOp::create(cb, o, cfg.output,
                                      ValueRange{tile.b, tile.h, row, col});
            }
          });
    });
  }

private:
  int64_t chunks() const { return cfg.valueDim / cfg.valueWidth; }
  MultiDimensionalScore &score;
  Value sum, acc; // [queryTile, Dv]
};
} // namespace

LogicalResult lowering::checkFeatureSoftmax(AttentionOp op, StringRef pass) {
  if (op.getScore() != ScoreKind::multi_dimensional)
    return success();
  // One softmax per value feature: there is no scalar score for bias,
  // ALiBi, softcap, score_mod or positional terms to change.
  if (op.getBias() || op.getAlibi() || op.getSoftcap() ||
      !op.getScoreMod().empty() || op.getRelativeClip() ||
      op.getGaussianWindow() || op.getGridWindow())
    return op.emitOpError()
           << "score 'multi_dimensional' with bias, alibi, softcap, "
              "score_mod or positional terms is not supported by "
           << pass;
  // Its softmax runs without a running max, which keeps exp(scale * tanh)
  // in f32 range only for a bounded scale.
  if (op.getEffectiveScale() > 40.0f)
    return op.emitOpError()
           << "score 'multi_dimensional' is lowered without a running max, "
              "which needs scale <= 40, but got "
           << op.getEffectiveScale();
  return success();
}

std::unique_ptr<ScoreFunction>
lowering::createAdditiveScore(const KernelConfig &cfg) {
  return std::make_unique<AdditiveScore>(cfg);
}

std::unique_ptr<ScoreFunction>
lowering::createMultiDimensionalScore(const KernelConfig &cfg) {
  return std::make_unique<MultiDimensionalScore>(cfg);
}

std::unique_ptr<RowNormalizer>
lowering::createFeatureSoftmax(const KernelConfig &cfg, ScoreFunction &score) {
  return std::make_unique<FeatureSoftmax>(
      cfg, static_cast<MultiDimensionalScore &>(score));
}

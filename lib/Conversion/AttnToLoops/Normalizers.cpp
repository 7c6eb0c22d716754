//===- Normalizers.cpp - softmax, sigmoid and none normalisers ------------===//
//
// Normalisers whose weights multiply V inside the key loop:
//
// softmax   online (FlashAttention-2), in log2 units, per row r:
//             m' = max(m, max_j s[j]), corr = exp2(m - m'),
//             p[j] = exp2(s[j] - m'), l = l * corr + sum_j p[j],
//             acc[r] = acc[r] * corr + sum_j p[j] v[j];
//           epilogue acc / l. While every key seen so far is hidden, m' is
//           -inf; exp2 is then taken against 0 instead of -inf, so no NaN
//           appears, and a row that never sees a key has l = 0 and outputs
//           zeros (safe softmax). Positional terms hook in here: the
//           Gaussian factor of local_gaussian multiplies the weights of V
//           but not l (no renormalisation), and the relative_position value
//           table accumulates bucket weights rescaled like acc.
// sigmoid   p[j] = sigmoid(s[j]) = 1 / (1 + exp2(-s[j] log2 e)): no max and
//           no sum, so no rescaling; acc += sum_j p[j] v[j], output acc. A
//           hidden key has s = -inf and weight exactly 0.
// none      the scores are the weights (compositional); a hidden key
//           stores 0. Output acc.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"
#include "Positions.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

double RowNormalizer::hiddenScore() const {
  return -std::numeric_limits<double>::infinity();
}

namespace {
/// One step of the online max, on a scalar (row-major tile) or on a vector
/// of rows (key-major tile): the new running max, the base the weights are
/// taken against (0 while every key seen is hidden, so that no
/// -inf - -inf = NaN appears) and the correction exp2(m - base) of what
/// was accumulated so far.
struct MaxStep {
  Value newMax, base, corr;
};
MaxStep emitMaxStep(ImplicitLocOpBuilder &b, Value oldMax, Value tileMax) {
  auto constant = [&](double v) -> Value {
    Value c = f32Const(b, v);
    if (auto vt = dyn_cast<VectorType>(oldMax.getType()))
      c = vector::BroadcastOp::create(b, vt, c);
    return c;
  };
  Value newMax = arith::MaximumFOp::create(b, oldMax, tileMax);
  Value allHidden =
      arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, newMax,
                            constant(-std::numeric_limits<double>::infinity()));
  Value base = arith::SelectOp::create(b, allHidden, constant(0.0), newMax);
  Value corr = math::Exp2Op::create(b, arith::SubFOp::create(b, oldMax, base));
  return {newMax, base, corr};
}
} // namespace

void lowering::emitKeyMajorSoftmaxUpdate(ImplicitLocOpBuilder &b,
                                         const KernelConfig &cfg,
                                         const QueryTile &tile, Value n,
                                         Value rowMax, Value rowSum, Value corr,
                                         bool storeWeights) {
  // The same update as emitOnlineSoftmaxUpdate, with rows in the lanes:
  // maxima and sums run along the keys, lane by lane.
  int64_t width = cfg.width;
  VectorType vecType = VectorType::get({width}, b.getF32Type());
  Value negInf =
      splat(b, f32Const(b, -std::numeric_limits<double>::infinity()), width);
  Value zero = splat(b, f32Const(b, 0.0), width);
  forEachRowVectorBlock(
      b, cfg, tile, [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
        SmallVector<Value> cols;
        for (int64_t c = 0; c < block.count; ++c)
          cols.push_back(block.column(cb, c));
        // The max only keeps exp2 in range: a NaN score reaches its row's
        // output through its own weight and the sum whatever the max is,
        // so the max may ignore NaNs and signed zeros. As llvm.maximum
        // with nnan and nsz it is one vmaxps; arith.maximumf would be
        // expanded (arith-expand) to two compares and a select.
        auto fastMax = LLVM::FastmathFlagsAttr::get(
            b.getContext(),
            LLVM::FastmathFlags::nnan | LLVM::FastmathFlags::nsz);
        auto tileMax = buildCountedLoop(
            cb, n, SmallVector<Value>(block.count, negInf),
            [&](ImplicitLocOpBuilder &jb, Value j, ValueRange m) {
              SmallVector<Value> next;
              for (int64_t c = 0; c < block.count; ++c)
                next.push_back(LLVM::MaximumOp::create(
                    jb, m[c],
                    vector::LoadOp::create(jb, vecType, tile.scores,
                                           ValueRange{j, cols[c]}),
                    fastMax));
              return next;
            });
        SmallVector<Value> base;
        for (int64_t c = 0; c < block.count; ++c) {
          Value oldMax =
              vector::LoadOp::create(cb, vecType, rowMax, ValueRange{cols[c]});
          MaxStep step = emitMaxStep(cb, oldMax, tileMax.getResult(c));
          base.push_back(step.base);
          vector::StoreOp::create(cb, step.corr, corr, ValueRange{cols[c]});
          vector::StoreOp::create(cb, step.newMax, rowMax, ValueRange{cols[c]});
        }
        auto tileSum = buildCountedLoop(
            cb, n, SmallVector<Value>(block.count, zero),
            [&](ImplicitLocOpBuilder &jb, Value j, ValueRange sum) {
              SmallVector<Value> next;
              for (int64_t c = 0; c < block.count; ++c) {
                Value s = vector::LoadOp::create(jb, vecType, tile.scores,
                                                 ValueRange{j, cols[c]});
                Value p = math::Exp2Op::create(
                    jb, arith::SubFOp::create(jb, s, base[c]));
                if (storeWeights)
                  vector::StoreOp::create(jb, p, tile.scores,
                                          ValueRange{j, cols[c]});
                next.push_back(arith::AddFOp::create(jb, sum[c], p));
              }
              return next;
            });
        for (int64_t c = 0; c < block.count; ++c) {
          Value l =
              vector::LoadOp::create(cb, vecType, rowSum, ValueRange{cols[c]});
          Value factor =
              vector::LoadOp::create(cb, vecType, corr, ValueRange{cols[c]});
          vector::StoreOp::create(
              cb, vector::FMAOp::create(cb, l, factor, tileSum.getResult(c)),
              rowSum, ValueRange{cols[c]});
        }
      });
}

OnlineUpdate lowering::emitOnlineSoftmaxUpdate(ImplicitLocOpBuilder &b,
                                               const KernelConfig &cfg,
                                               Value rowMax, Value rowSum,
                                               const RowTile &row) {
  Value negInf = f32Const(b, -std::numeric_limits<double>::infinity());
  Value maxV = splat(b, negInf, cfg.width);
  for (Value s : row.scores)
    maxV = arith::MaximumFOp::create(b, maxV, s);
  Value tileMax =
      vector::ReductionOp::create(b, vector::CombiningKind::MAXIMUMF, maxV);
  Value oldMax = memref::LoadOp::create(b, rowMax, ValueRange{row.r});
  auto [newMax, base, corr] = emitMaxStep(b, oldMax, tileMax);
  Value baseV = splat(b, base, cfg.width);
  OnlineUpdate update{corr, {}};
  Value sumV = splat(b, f32Const(b, 0.0), cfg.width);
  for (Value s : row.scores) {
    Value p = math::Exp2Op::create(b, arith::SubFOp::create(b, s, baseV));
    update.p.push_back(p);
    sumV = arith::AddFOp::create(b, sumV, p);
  }
  Value tileSum =
      vector::ReductionOp::create(b, vector::CombiningKind::ADD, sumV);
  Value oldSum = memref::LoadOp::create(b, rowSum, ValueRange{row.r});
  memref::StoreOp::create(
      b,
      arith::AddFOp::create(b, arith::MulFOp::create(b, oldSum, corr), tileSum),
      rowSum, ValueRange{row.r});
  memref::StoreOp::create(b, newMax, rowMax, ValueRange{row.r});
  return update;
}

void lowering::emitWeightedValues(ImplicitLocOpBuilder &b,
                                  const KernelConfig &cfg,
                                  const QueryTile &tile, Value acc, Value r,
                                  Value k0, Value n, Value corr) {
  // Vectorised over Dv; V is read in place, row-major, no copy. A wide Dv
  // goes in blocks of chunks, each a pass over the keys of the tile.
  VectorType accType = VectorType::get({cfg.valueWidth}, b.getF32Type());
  int64_t accChunks = cfg.valueDim / cfg.valueWidth;
  Value corrV = corr ? splat(b, corr, cfg.valueWidth) : Value();
  forEachChunkBlock(
      b, accChunks, cfg.valueWidth,
      [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
        SmallVector<Value> accInit;
        for (int64_t e = 0; e < block.count; ++e) {
          Value a = vector::LoadOp::create(cb, accType, acc,
                                           ValueRange{r, block.column(cb, e)});
          accInit.push_back(corrV ? arith::MulFOp::create(cb, a, corrV) : a);
        }
        auto pv = buildCountedLoop(
            cb, n, accInit,
            [&](ImplicitLocOpBuilder &ib, Value j, ValueRange accs) {
              Value p =
                  memref::LoadOp::create(ib, tile.scores, ValueRange{r, j});
              Value pV = vector::BroadcastOp::create(ib, accType, p);
              Value key = arith::AddIOp::create(ib, k0, j);
              SmallVector<Value> next;
              for (int64_t e = 0; e < block.count; ++e) {
                Value v = loadVectorAsF32(
                    ib, cfg.value,
                    kvIndices(ib, cfg, tile, key, block.column(ib, e)),
                    cfg.valueWidth);
                next.push_back(vector::FMAOp::create(ib, pV, v, accs[e]));
              }
              return next;
            });
        for (int64_t e = 0; e < block.count; ++e)
          vector::StoreOp::create(cb, pv.getResult(e), acc,
                                  ValueRange{r, block.column(cb, e)});
      });
}

namespace {
/// Stores the chunks `acc` of `block` times factor (factor may be null) in
/// output row `row`.
void storeOutputRow(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                    const QueryTile &tile, Value row, const ChunkBlock &block,
                    ArrayRef<Value> acc, Value factor) {
  VectorType outType = VectorType::get({cfg.valueWidth}, cfg.elementType);
  Value factorV = factor ? splat(b, factor, cfg.valueWidth) : Value();
  for (auto [e, a] : llvm::enumerate(acc)) {
    Value o = factorV ? arith::MulFOp::create(b, a, factorV) : a;
    if (!cfg.elementType.isF32())
      o = arith::TruncFOp::create(b, outType, o);
    vector::StoreOp::create(
        b, o, cfg.output,
        ValueRange{tile.b, tile.h, row, block.column(b, int64_t(e))});
  }
}

/// The chunks of `block` of accumulator row r.
SmallVector<Value> loadAccRow(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                              Value acc, Value r, const ChunkBlock &block) {
  VectorType accType = VectorType::get({cfg.valueWidth}, b.getF32Type());
  SmallVector<Value> out;
  for (int64_t e = 0; e < block.count; ++e)
    out.push_back(vector::LoadOp::create(b, accType, acc,
                                         ValueRange{r, block.column(b, e)}));
  return out;
}

void zeroAcc(ImplicitLocOpBuilder &b, const KernelConfig &cfg, Value acc) {
  Value zero = splat(b, f32Const(b, 0.0), cfg.valueWidth);
  buildCountedLoop(
      b, indexConst(b, cfg.queryTile), [&](ImplicitLocOpBuilder &rb, Value r) {
        forEachChunkBlock(
            rb, cfg.valueDim / cfg.valueWidth, cfg.valueWidth,
            [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
              for (int64_t e = 0; e < block.count; ++e)
                vector::StoreOp::create(cb, zero, acc,
                                        ValueRange{r, block.column(cb, e)});
            });
      });
}

class Softmax : public RowNormalizer {
public:
  Softmax(const KernelConfig &cfg, PositionTerms &positions)
      : RowNormalizer(cfg), positions(positions) {}

  bool usesLog2Units() const override { return true; }

  void allocate(ImplicitLocOpBuilder &b) override {
    rowMax = scratchBuffer(b, cfg, {cfg.paddedRows});
    rowSum = scratchBuffer(b, cfg, {cfg.paddedRows});
    if (cfg.keyMajor)
      corr = scratchBuffer(b, cfg, {cfg.paddedRows});
    acc = scratchBuffer(b, cfg, {cfg.queryTile, cfg.valueDim});
  }

  bool supportsKeyMajor() const override {
    return !positions.hasGaussian() && !positions.hasGrid();
  }

  // The relative value term's bucket weights are not part of the state a
  // combine step merges.
  bool supportsKeySplit() const override {
    return supportsKeyMajor() && !positions.hasRelative();
  }
  SoftmaxState softmaxState() const override { return {rowMax, rowSum, acc}; }

  void updateKeyMajor(ImplicitLocOpBuilder &b, const QueryTile &tile, Value k0,
                      Value n, unsigned pass) override;

  void initState(ImplicitLocOpBuilder &b, const QueryTile &tile) override {
    Value negInf = f32Const(b, -std::numeric_limits<double>::infinity());
    Value zero = f32Const(b, 0.0);
    buildCountedLoop(b, indexConst(b, cfg.paddedRows),
                     [&](ImplicitLocOpBuilder &rb, Value r) {
                       memref::StoreOp::create(rb, negInf, rowMax,
                                               ValueRange{r});
                       memref::StoreOp::create(rb, zero, rowSum, ValueRange{r});
                     });
    zeroAcc(b, cfg, acc);
    positions.initState(b, tile);
  }

  void updateRow(ImplicitLocOpBuilder &b, const QueryTile &tile,
                 const RowTile &row, unsigned) override {
    OnlineUpdate update = emitOnlineSoftmaxUpdate(b, cfg, rowMax, rowSum, row);
    positions.accumulate(b, row, update.p, update.corr);
    for (auto [c, p] : llvm::enumerate(update.p)) {
      Value w = p;
      if (positions.hasGaussian())
        w = positions.valueWeights(b, row.r, chunkKeys(b, row.k0, c, cfg.width),
                                   p);
      vector::StoreOp::create(b, w, tile.scores,
                              ValueRange{row.r, indexConst(b, c * cfg.width)});
    }
    emitWeightedValues(b, cfg, tile, acc, row.r, row.k0, row.n, update.corr);
  }

  void emitEpilogue(ImplicitLocOpBuilder &b, const QueryTile &tile) override {
    buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
      Value row = arith::AddIOp::create(rb, tile.row0, r);
      Value sum = memref::LoadOp::create(rb, rowSum, ValueRange{r});
      Value zero = f32Const(rb, 0.0);
      Value positive =
          arith::CmpFOp::create(rb, arith::CmpFPredicate::OGT, sum, zero);
      // A row without a visible key has l = 0: it outputs zeros.
      Value inv = arith::SelectOp::create(
          rb, positive, arith::DivFOp::create(rb, f32Const(rb, 1.0), sum),
          zero);
      forEachChunkBlock(rb, cfg.valueDim / cfg.valueWidth, cfg.valueWidth,
                        [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
                          SmallVector<Value> a =
                              loadAccRow(cb, cfg, acc, r, block);
                          positions.finishRow(cb, r, block, a);
                          storeOutputRow(cb, cfg, tile, row, block, a, inv);
                        });
      if (cfg.lse) {
        // lse = (m + log2 l) * ln 2, with m in log2 units; -inf when l = 0.
        Value m = memref::LoadOp::create(rb, rowMax, ValueRange{r});
        Value lse = arith::MulFOp::create(
            rb, arith::AddFOp::create(rb, m, math::Log2Op::create(rb, sum)),
            f32Const(rb, M_LN2));
        Value negInf = f32Const(rb, -std::numeric_limits<double>::infinity());
        memref::StoreOp::create(
            rb, arith::SelectOp::create(rb, positive, lse, negInf), cfg.lse,
            ValueRange{tile.b, tile.h, row});
      }
    });
  }

private:
  PositionTerms &positions;
  // [paddedRows] running max and sum (and key-major: the correction of the
  // current key tile), [queryTile, Dv] accumulator.
  Value rowMax, rowSum, corr, acc;
};

void Softmax::updateKeyMajor(ImplicitLocOpBuilder &b, const QueryTile &tile,
                             Value k0, Value n, unsigned) {
  emitKeyMajorSoftmaxUpdate(b, cfg, tile, n, rowMax, rowSum, corr,
                            /*storeWeights=*/true);
  positions.accumulateKeyMajor(b, tile, k0, n, corr);
  emitKeyMajorWeightedValues(b, cfg, tile, acc, k0, n, corr);
}

class Elementwise : public RowNormalizer {
public:
  Elementwise(const KernelConfig &cfg)
      : RowNormalizer(cfg),
        sigmoid(AttentionOp(cfg.op).getNormalizer() == Normalizer::sigmoid) {}

  bool usesLog2Units() const override { return sigmoid; }
  double hiddenScore() const override {
    return sigmoid ? RowNormalizer::hiddenScore() : 0.0;
  }

  void allocate(ImplicitLocOpBuilder &b) override {
    acc = scratchBuffer(b, cfg, {cfg.queryTile, cfg.valueDim});
  }

  void initState(ImplicitLocOpBuilder &b, const QueryTile &) override {
    zeroAcc(b, cfg, acc);
  }

  bool supportsKeyMajor() const override { return true; }

  void updateKeyMajor(ImplicitLocOpBuilder &b, const QueryTile &tile, Value k0,
                      Value n, unsigned) override {
    if (sigmoid)
      transformKeyMajorScores(
          b, cfg, tile, n,
          [&](ImplicitLocOpBuilder &cb, Value, Value, Value s) {
            return sigmoidOfLog2Units(cb, s);
          });
    emitKeyMajorWeightedValues(b, cfg, tile, acc, k0, n, /*corr=*/Value());
  }

  void updateRow(ImplicitLocOpBuilder &b, const QueryTile &tile,
                 const RowTile &row, unsigned) override {
    if (sigmoid) {
      for (auto [c, s] : llvm::enumerate(row.scores))
        vector::StoreOp::create(
            b, sigmoidOfLog2Units(b, s), tile.scores,
            ValueRange{row.r, indexConst(b, c * cfg.width)});
    }
    // none: the stored scores already are the weights.
    emitWeightedValues(b, cfg, tile, acc, row.r, row.k0, row.n,
                       /*corr=*/Value());
  }

  void emitEpilogue(ImplicitLocOpBuilder &b, const QueryTile &tile) override {
    buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
      Value row = arith::AddIOp::create(rb, tile.row0, r);
      forEachChunkBlock(rb, cfg.valueDim / cfg.valueWidth, cfg.valueWidth,
                        [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
                          storeOutputRow(cb, cfg, tile, row, block,
                                         loadAccRow(cb, cfg, acc, r, block),
                                         /*factor=*/Value());
                        });
    });
  }

private:
  /// The score is s log2(e): sigmoid(s) = 1 / (1 + 2^-(s log2 e)). exp2 of
  /// +inf (hidden key) or of a large value gives +inf and the weight 0; of a
  /// very negative one gives 0 and the weight 1.
  Value sigmoidOfLog2Units(ImplicitLocOpBuilder &b, Value s) {
    Value one = splat(b, f32Const(b, 1.0), cfg.width);
    Value e = math::Exp2Op::create(b, arith::NegFOp::create(b, s));
    return arith::DivFOp::create(b, one, arith::AddFOp::create(b, one, e));
  }

  bool sigmoid;
  Value acc; // [queryTile, Dv]
};
} // namespace

std::unique_ptr<RowNormalizer>
lowering::createSoftmax(const KernelConfig &cfg, PositionTerms &positions) {
  return std::make_unique<Softmax>(cfg, positions);
}

std::unique_ptr<RowNormalizer>
lowering::createElementwise(const KernelConfig &cfg) {
  return std::make_unique<Elementwise>(cfg);
}

std::unique_ptr<RowNormalizer>
lowering::createNormalizer(const KernelConfig &cfg, ScoreFunction &score,
                           PositionTerms &positions) {
  AttentionOp op = cfg.op;
  if (op.getScore() == ScoreKind::multi_dimensional)
    return createFeatureSoftmax(cfg, score);
  switch (op.getNormalizer()) {
  case Normalizer::softmax:
    return createSoftmax(cfg, positions);
  case Normalizer::sigmoid:
  case Normalizer::none:
    return createElementwise(cfg);
  case Normalizer::hard:
    return createHard(cfg);
  case Normalizer::topk:
    return createTopK(cfg);
  case Normalizer::hard_sample:
    return createHardSample(cfg);
  }
  llvm_unreachable("unknown normalizer");
}

//===- SelectNormalizers.cpp - hard, topk and hard_sample -----------------===//
//
// Normalisers that choose keys by index. None of them needs a P*V product in
// the key loop: the chosen value rows are read once, in the epilogue.
//
// hard         running argmax per row across key tiles: a tile's best key is
//              the lowest j whose score equals the tile maximum (a vector
//              min-reduction of the matching indices); it replaces the
//              row's best only when strictly greater, so ties go to the
//              lowest j. o = v_{j*}; a row without a visible key gives
//              zeros. On the key-major tile the rows are the lanes: each
//              key of a tile, in increasing j, replaces a lane's best only
//              when strictly greater, the same rule key by key.
// topk         streaming per-row top-k: k (score, index) pairs kept sorted,
//              descending, across key tiles. A chunk of keys whose maximum
//              does not beat the current k-th score is skipped with one
//              vector compare; otherwise each key that beats it is inserted
//              by one bubbling pass over the k slots. Keys arrive in
//              increasing j and only a strictly greater score moves an
//              entry down, so ties keep the lower j. The epilogue is a
//              softmax over the survivors (fewer than k when fewer keys are
//              visible: all of them). On the key-major tile every key is
//              inserted lane-wise, without the skip, by the same step.
// hard_sample  two passes over the key tiles. Pass 1: the online max m and
//              sum l of the softmax (log-sum-exp). Pass 2: P = exp2(s - m) /
//              l, a running CDF per row; a tile whose total lifts the CDF
//              past u is scanned key by key for the first j with CDF > u.
//              Rows that have found j* skip later tiles. If rounding leaves
//              the CDF at or below u (u close to 1), the last visible key is
//              taken. o = v_{j*}. On the key-major tile pass 1 is the
//              softmax's lane-wise update and pass 2 runs the CDF key by
//              key for all rows, without tile totals or skipped rows.
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

namespace {
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

Value maxOfChunks(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                  ArrayRef<Value> chunks) {
  Value maxV = splat(b, f32Const(b, kNegInf), cfg.width);
  for (Value s : chunks)
    maxV = arith::MaximumFOp::create(b, maxV, s);
  return vector::ReductionOp::create(b, vector::CombiningKind::MAXIMUMF, maxV);
}

Value keysAsI64(ImplicitLocOpBuilder &b, const KernelConfig &cfg, Value k0,
                int64_t c) {
  return arith::IndexCastOp::create(
      b, VectorType::get({cfg.width}, b.getI64Type()),
      chunkKeys(b, k0, c, cfg.width));
}

/// Key indices are kept as i64 in [paddedRows] buffers, so that the
/// key-major tile can read and write a vector of rows at once.
Value loadIndex(ImplicitLocOpBuilder &b, Value buffer, ValueRange r) {
  return arith::IndexCastOp::create(b, b.getIndexType(),
                                    memref::LoadOp::create(b, buffer, r));
}
void storeIndex(ImplicitLocOpBuilder &b, Value index, Value buffer,
                ValueRange r) {
  memref::StoreOp::create(
      b, arith::IndexCastOp::create(b, b.getI64Type(), index), buffer, r);
}

/// Key-major: a loop over the keys [k0, k0 + n) of the tile, in increasing
/// j, carrying `state`, the same number of values for each row vector at
/// `cols`; step(c, key, s, st) gets the row vector's position c in `cols`,
/// the key as a vector of i64, that key's scores s of the row vector and
/// its state, and returns the next state.
SmallVector<Value>
scanKeys(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
         const QueryTile &tile, Value k0, Value n, ArrayRef<Value> cols,
         ValueRange state,
         function_ref<SmallVector<Value>(ImplicitLocOpBuilder &, size_t, Value,
                                         Value, ValueRange)>
             step) {
  VectorType f32Vec = VectorType::get({cfg.width}, b.getF32Type());
  VectorType i64Vec = VectorType::get({cfg.width}, b.getI64Type());
  size_t each = state.size() / cols.size();
  auto loop = buildCountedLoop(
      b, n, state, [&](ImplicitLocOpBuilder &jb, Value j, ValueRange st) {
        Value key = vector::BroadcastOp::create(
            jb, i64Vec,
            arith::IndexCastOp::create(jb, jb.getI64Type(),
                                       arith::AddIOp::create(jb, k0, j)));
        SmallVector<Value> next;
        for (auto [c, col] : llvm::enumerate(cols)) {
          Value s = vector::LoadOp::create(jb, f32Vec, tile.scores,
                                           ValueRange{j, col});
          next.append(step(jb, c, key, s, st.slice(c * each, each)));
        }
        return next;
      });
  return SmallVector<Value>(loop.getResults());
}

/// Epilogue of the selecting normalisers: output row i is v[j(i)] copied
/// (no arithmetic, so no rounding), or zeros where j(i) < 0.
void emitSelectedRows(
    ImplicitLocOpBuilder &b, const KernelConfig &cfg, const QueryTile &tile,
    function_ref<Value(ImplicitLocOpBuilder &, Value)> index) {
  int64_t vw = cfg.valueWidth;
  VectorType vt = VectorType::get({vw}, cfg.elementType);
  buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
    Value row = arith::AddIOp::create(rb, tile.row0, r);
    Value j = index(rb, r);
    Value found = arith::CmpIOp::create(rb, arith::CmpIPredicate::sge, j,
                                        indexConst(rb, 0));
    auto copy = [&](bool zeros) {
      return [&, zeros](OpBuilder &nb, Location loc) {
        ImplicitLocOpBuilder ib(loc, nb);
        Value zero = arith::ConstantOp::create(
            ib, vt,
            DenseElementsAttr::get(vt, ib.getZeroAttr(cfg.elementType)));
        forEachChunkBlock(
            ib, cfg.valueDim / vw, vw,
            [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
              for (int64_t e = 0; e < block.count; ++e) {
                Value col = block.column(cb, e);
                Value v = zeros ? zero
                                : vector::LoadOp::create(
                                      cb, vt, cfg.value,
                                      kvIndices(cb, cfg, tile, j, col,
                                                /*anyKey=*/true));
                vector::StoreOp::create(cb, v, cfg.output,
                                        ValueRange{tile.b, tile.h, row, col});
              }
            });
        scf::YieldOp::create(ib);
      };
    };
    scf::IfOp::create(rb, found, copy(false), copy(true));
  });
}

} // namespace

Value lowering::hardPrefers(ImplicitLocOpBuilder &b, Value score, Value index,
                            Value bestScore, Value bestIndex) {
  Value greater =
      arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, score, bestScore);
  Value tie = arith::AndIOp::create(
      b, arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, score, bestScore),
      arith::CmpIOp::create(b, arith::CmpIPredicate::slt, index, bestIndex));
  return arith::OrIOp::create(b, greater, tie);
}

lowering::InsertStep lowering::insertStep(ImplicitLocOpBuilder &b,
                                          const InsertCarry &carry,
                                          Value slotScore, Value slotIndex,
                                          bool anyOrder) {
  Value beats =
      anyOrder ? hardPrefers(b, carry.score, carry.index, slotScore, slotIndex)
               : arith::CmpFOp::create(b, arith::CmpFPredicate::OGT,
                                       carry.score, slotScore)
                     .getResult();
  Value take = arith::OrIOp::create(b, carry.moved, beats);
  return {arith::SelectOp::create(b, take, carry.score, slotScore),
          arith::SelectOp::create(b, take, carry.index, slotIndex),
          {arith::SelectOp::create(b, take, slotScore, carry.score),
           arith::SelectOp::create(b, take, slotIndex, carry.index), take}};
}

namespace {

//===----------------------------------------------------------------------===//
// hard
//===----------------------------------------------------------------------===//

class Hard : public RowNormalizer {
public:
  using RowNormalizer::RowNormalizer;
  // Only the order of the scores matters: natural units, no extra rounding.
  bool usesLog2Units() const override { return false; }

  void allocate(ImplicitLocOpBuilder &b) override {
    // i64 indices, so that the key-major tile reads a vector of them.
    best = scratchBuffer(b, cfg, {cfg.paddedRows});
    bestIndex = scratchBuffer(b, cfg, {cfg.paddedRows}, b.getI64Type());
  }

  bool supportsKeyMajor() const override { return true; }
  void updateKeyMajor(ImplicitLocOpBuilder &b, const QueryTile &tile, Value k0,
                      Value n, unsigned) override;

  void initState(ImplicitLocOpBuilder &b, const QueryTile &) override {
    Value negInf = f32Const(b, kNegInf);
    Value zero = arith::ConstantIntOp::create(b, 0, 64);
    buildCountedLoop(b, indexConst(b, cfg.paddedRows),
                     [&](ImplicitLocOpBuilder &rb, Value r) {
                       memref::StoreOp::create(rb, negInf, best, ValueRange{r});
                       memref::StoreOp::create(rb, zero, bestIndex,
                                               ValueRange{r});
                     });
  }

  void updateRow(ImplicitLocOpBuilder &b, const QueryTile &, const RowTile &row,
                 unsigned) override {
    Value tileMax = maxOfChunks(b, cfg, row.scores);
    // Lowest key index whose score equals the tile maximum.
    VectorType i64Vec = VectorType::get({cfg.width}, b.getI64Type());
    Value none = arith::ConstantOp::create(
        b, i64Vec,
        DenseElementsAttr::get(
            i64Vec, b.getI64IntegerAttr(std::numeric_limits<int64_t>::max())));
    Value cand = none;
    Value maxV = splat(b, tileMax, cfg.width);
    for (auto [c, s] : llvm::enumerate(row.scores)) {
      Value hit = arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, s, maxV);
      cand = arith::MinSIOp::create(
          b, cand,
          arith::SelectOp::create(b, hit, keysAsI64(b, cfg, row.k0, c), none));
    }
    Value first = arith::IndexCastOp::create(
        b, b.getIndexType(),
        vector::ReductionOp::create(b, vector::CombiningKind::MINSI, cand));
    Value old = memref::LoadOp::create(b, best, ValueRange{row.r});
    Value oldIndex = loadIndex(b, bestIndex, row.r);
    // An earlier tile keeps a tie (its j is lower). A tile with no visible
    // key has maximum -inf and never wins.
    Value better = hardPrefers(b, tileMax, first, old, oldIndex);
    memref::StoreOp::create(b, arith::SelectOp::create(b, better, tileMax, old),
                            best, ValueRange{row.r});
    storeIndex(b, arith::SelectOp::create(b, better, first, oldIndex),
               bestIndex, row.r);
  }

  void emitEpilogue(ImplicitLocOpBuilder &b, const QueryTile &tile) override {
    emitSelectedRows(b, cfg, tile, [&](ImplicitLocOpBuilder &rb, Value r) {
      Value s = memref::LoadOp::create(rb, best, ValueRange{r});
      Value seen = arith::CmpFOp::create(rb, arith::CmpFPredicate::OGT, s,
                                         f32Const(rb, kNegInf));
      return arith::SelectOp::create(rb, seen, loadIndex(rb, bestIndex, r),
                                     indexConst(rb, -1));
    });
  }

private:
  Value best, bestIndex; // [paddedRows] f32, i64
};

void Hard::updateKeyMajor(ImplicitLocOpBuilder &b, const QueryTile &tile,
                          Value k0, Value n, unsigned) {
  VectorType f32Vec = VectorType::get({cfg.width}, b.getF32Type());
  VectorType i64Vec = VectorType::get({cfg.width}, b.getI64Type());
  forEachRowVectorBlock(
      b, cfg, tile, [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
        SmallVector<Value> cols, state;
        for (int64_t c = 0; c < block.count; ++c) {
          cols.push_back(block.column(cb, c));
          state.push_back(
              vector::LoadOp::create(cb, f32Vec, best, ValueRange{cols[c]}));
          state.push_back(vector::LoadOp::create(cb, i64Vec, bestIndex,
                                                 ValueRange{cols[c]}));
        }
        SmallVector<Value> result =
            scanKeys(cb, cfg, tile, k0, n, cols, state,
                     [&](ImplicitLocOpBuilder &jb, size_t c, Value key, Value s,
                         ValueRange st) {
                       Value greater = arith::CmpFOp::create(
                           jb, arith::CmpFPredicate::OGT, s, st[0]);
                       return SmallVector<Value>{
                           arith::SelectOp::create(jb, greater, s, st[0]),
                           arith::SelectOp::create(jb, greater, key, st[1])};
                     });
        for (int64_t c = 0; c < block.count; ++c) {
          vector::StoreOp::create(cb, result[2 * c], best, ValueRange{cols[c]});
          vector::StoreOp::create(cb, result[2 * c + 1], bestIndex,
                                  ValueRange{cols[c]});
        }
      });
}

//===----------------------------------------------------------------------===//
// topk
//===----------------------------------------------------------------------===//

class TopK : public RowNormalizer {
public:
  TopK(const KernelConfig &cfg)
      : RowNormalizer(cfg),
        k(static_cast<int64_t>(*AttentionOp(cfg.op).getTopK())) {}
  bool usesLog2Units() const override { return true; }

  void allocate(ImplicitLocOpBuilder &b) override {
    // Row-major: [queryTile, k]; key-major: [k, paddedRows], so that slot t
    // of a vector of rows is one vector.
    SmallVector<int64_t> shape = {cfg.queryTile, k};
    if (cfg.keyMajor)
      shape = {k, cfg.paddedRows};
    values = scratchBuffer(b, cfg, shape);
    indices = scratchBuffer(b, cfg, shape, b.getI64Type());
  }

  bool supportsKeyMajor() const override { return true; }
  void updateKeyMajor(ImplicitLocOpBuilder &b, const QueryTile &tile, Value k0,
                      Value n, unsigned) override;

  void initState(ImplicitLocOpBuilder &b, const QueryTile &) override {
    // Empty slots hold -inf, which every visible key beats: with fewer than
    // k visible keys, all of them are kept.
    Value negInf = f32Const(b, kNegInf);
    Value zero = arith::ConstantIntOp::create(b, 0, 64);
    buildCountedLoop(
        b, indexConst(b, cfg.paddedRows),
        [&](ImplicitLocOpBuilder &rb, Value r) {
          buildCountedLoop(
              rb, indexConst(rb, k), [&](ImplicitLocOpBuilder &tb, Value t) {
                memref::StoreOp::create(tb, negInf, values, slot(tb, r, t));
                memref::StoreOp::create(tb, zero, indices, slot(tb, r, t));
              });
        });
  }

  void updateRow(ImplicitLocOpBuilder &b, const QueryTile &tile,
                 const RowTile &row, unsigned) override {
    Value last = indexConst(b, k - 1);
    for (auto [c, s] : llvm::enumerate(row.scores)) {
      // Skip the chunk unless some key beats the current k-th score.
      Value kth = memref::LoadOp::create(b, values, slot(b, row.r, last));
      Value chunkMax =
          vector::ReductionOp::create(b, vector::CombiningKind::MAXIMUMF, s);
      Value any =
          arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, chunkMax, kth);
      int64_t chunk = c;
      scf::IfOp::create(b, any, [&](OpBuilder &nb, Location loc) {
        ImplicitLocOpBuilder ib(loc, nb);
        buildCountedLoop(ib, indexConst(ib, cfg.width),
                         [&](ImplicitLocOpBuilder &lb, Value l) {
                           Value col = arith::AddIOp::create(
                               lb, indexConst(lb, chunk * cfg.width), l);
                           Value score = memref::LoadOp::create(
                               lb, tile.scores, ValueRange{row.r, col});
                           insert(lb, row.r, score,
                                  arith::AddIOp::create(lb, row.k0, col));
                         });
        scf::YieldOp::create(ib);
      });
    }
  }

  void emitEpilogue(ImplicitLocOpBuilder &b, const QueryTile &tile) override {
    int64_t vw = cfg.valueWidth, chunks = cfg.valueDim / vw;
    buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
      Value row = arith::AddIOp::create(rb, tile.row0, r);
      Value top =
          memref::LoadOp::create(rb, values, slot(rb, r, indexConst(rb, 0)));
      Value seen = arith::CmpFOp::create(rb, arith::CmpFPredicate::OGT, top,
                                         f32Const(rb, kNegInf));
      // Softmax over the kept slots, against the largest (slot 0). Empty
      // slots give exp2(-inf) = 0 times v[0]. A row that saw no key reads
      // no value (Skv may be 0) and outputs zeros. A wide Dv goes in blocks
      // of chunks, each a pass over the slots (the sum comes out the same
      // in every pass).
      Value slots = arith::SelectOp::create(rb, seen, indexConst(rb, k),
                                            indexConst(rb, 0));
      forEachChunkBlock(
          rb, chunks, vw,
          [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
            int64_t n = block.count;
            SmallVector<Value> init(n + 1, splat(cb, f32Const(cb, 0.0), vw));
            init[n] = f32Const(cb, 0.0);
            auto loop = buildCountedLoop(
                cb, slots, init,
                [&](ImplicitLocOpBuilder &tb, Value t, ValueRange st) {
                  Value s = memref::LoadOp::create(tb, values, slot(tb, r, t));
                  Value j = loadIndex(tb, indices, slot(tb, r, t));
                  Value p = math::Exp2Op::create(
                      tb, arith::SubFOp::create(tb, s, top));
                  Value pV = splat(tb, p, vw);
                  SmallVector<Value> next;
                  for (int64_t e = 0; e < n; ++e) {
                    Value v = loadVectorAsF32(tb, cfg.value,
                                              kvIndices(tb, cfg, tile, j,
                                                        block.column(tb, e),
                                                        /*anyKey=*/true),
                                              vw);
                    next.push_back(vector::FMAOp::create(tb, pV, v, st[e]));
                  }
                  next.push_back(arith::AddFOp::create(tb, st[n], p));
                  return next;
                });
            Value inv =
                arith::DivFOp::create(cb, f32Const(cb, 1.0), loop.getResult(n));
            inv = arith::SelectOp::create(cb, seen, inv, f32Const(cb, 0.0));
            VectorType outType = VectorType::get({vw}, cfg.elementType);
            for (int64_t e = 0; e < n; ++e) {
              Value o = arith::MulFOp::create(cb, loop.getResult(e),
                                              splat(cb, inv, vw));
              if (!cfg.elementType.isF32())
                o = arith::TruncFOp::create(cb, outType, o);
              vector::StoreOp::create(
                  cb, o, cfg.output,
                  ValueRange{tile.b, tile.h, row, block.column(cb, e)});
            }
          });
    });
  }

private:
  /// Inserts (score, key) into the sorted slots of row r if it beats the
  /// k-th: one pass that carries the displaced entry down.
  void insert(ImplicitLocOpBuilder &b, Value r, Value score, Value key) {
    Value kth =
        memref::LoadOp::create(b, values, slot(b, r, indexConst(b, k - 1)));
    Value beats =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, score, kth);
    scf::IfOp::create(b, beats, [&](OpBuilder &nb, Location loc) {
      ImplicitLocOpBuilder ib(loc, nb);
      Value no = arith::ConstantOp::create(ib, ib.getBoolAttr(false));
      Value key64 = arith::IndexCastOp::create(ib, ib.getI64Type(), key);
      buildCountedLoop(
          ib, indexConst(ib, k), {score, key64, no},
          [&](ImplicitLocOpBuilder &tb, Value t, ValueRange st) {
            SmallVector<Value, 2> at = slot(tb, r, t);
            InsertStep step =
                insertStep(tb, {st[0], st[1], st[2]},
                           memref::LoadOp::create(tb, values, at),
                           memref::LoadOp::create(tb, indices, at));
            memref::StoreOp::create(tb, step.slotScore, values, at);
            memref::StoreOp::create(tb, step.slotIndex, indices, at);
            return SmallVector<Value>{step.carry.score, step.carry.index,
                                      step.carry.moved};
          });
      scf::YieldOp::create(ib);
    });
  }

  /// Indices of slot t of row r in the layout of the tile.
  SmallVector<Value, 2> slot(ImplicitLocOpBuilder &b, Value r, Value t) {
    if (cfg.keyMajor)
      return {t, r};
    return {r, t};
  }

  int64_t k;
  // Row-major [queryTile, k], key-major [k, paddedRows]: f32 scores (log2
  // units) and i64 key indices, sorted by descending score.
  Value values, indices;
};

void TopK::updateKeyMajor(ImplicitLocOpBuilder &b, const QueryTile &tile,
                          Value k0, Value n, unsigned) {
  // Every key of the tile is inserted into the k slots of each lane, in
  // increasing j, without a branch: the slots of one vector of rows (2 k
  // vectors) stay in registers across the keys, one vector of rows at a
  // time.
  VectorType f32Vec = VectorType::get({cfg.width}, b.getF32Type());
  VectorType i64Vec = VectorType::get({cfg.width}, b.getI64Type());
  VectorType i1Vec = VectorType::get({cfg.width}, b.getI1Type());
  forEachRowVectorBlock(
      b, cfg, tile, [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
        for (int64_t c = 0; c < block.count; ++c) {
          Value col = block.column(cb, c);
          SmallVector<Value> state;
          for (int64_t t = 0; t < k; ++t) {
            SmallVector<Value, 2> at = {indexConst(cb, t), col};
            state.push_back(vector::LoadOp::create(cb, f32Vec, values, at));
            state.push_back(vector::LoadOp::create(cb, i64Vec, indices, at));
          }
          Value no = arith::ConstantOp::create(
              cb, i1Vec, DenseElementsAttr::get(i1Vec, false));
          SmallVector<Value> result =
              scanKeys(cb, cfg, tile, k0, n, {col}, state,
                       [&](ImplicitLocOpBuilder &jb, size_t, Value key, Value s,
                           ValueRange st) {
                         InsertCarry carry{s, key, no};
                         SmallVector<Value> next;
                         for (int64_t t = 0; t < k; ++t) {
                           InsertStep step =
                               insertStep(jb, carry, st[2 * t], st[2 * t + 1]);
                           next.append({step.slotScore, step.slotIndex});
                           carry = step.carry;
                         }
                         return next;
                       });
          for (int64_t t = 0; t < k; ++t) {
            SmallVector<Value, 2> at = {indexConst(cb, t), col};
            vector::StoreOp::create(cb, result[2 * t], values, at);
            vector::StoreOp::create(cb, result[2 * t + 1], indices, at);
          }
        }
      });
}

//===----------------------------------------------------------------------===//
// hard_sample
//===----------------------------------------------------------------------===//

class HardSample : public RowNormalizer {
public:
  using RowNormalizer::RowNormalizer;
  bool usesLog2Units() const override { return true; }
  unsigned numPasses() const override { return 2; }

  void allocate(ImplicitLocOpBuilder &b) override {
    // i64 key indices, so that the key-major tile reads a vector of them;
    // key-major also keeps the correction of a tile and u per row.
    rowMax = scratchBuffer(b, cfg, {cfg.paddedRows});
    rowSum = scratchBuffer(b, cfg, {cfg.paddedRows});
    cdf = scratchBuffer(b, cfg, {cfg.paddedRows});
    chosen = scratchBuffer(b, cfg, {cfg.paddedRows}, b.getI64Type());
    lastVisible = scratchBuffer(b, cfg, {cfg.paddedRows}, b.getI64Type());
    if (cfg.keyMajor) {
      corr = scratchBuffer(b, cfg, {cfg.paddedRows});
      threshold = scratchBuffer(b, cfg, {cfg.paddedRows});
    }
  }

  bool supportsKeyMajor() const override { return true; }
  void updateKeyMajor(ImplicitLocOpBuilder &b, const QueryTile &tile, Value k0,
                      Value n, unsigned pass) override;

  void initState(ImplicitLocOpBuilder &b, const QueryTile &) override {
    Value negInf = f32Const(b, kNegInf), zero = f32Const(b, 0.0);
    buildCountedLoop(b, indexConst(b, cfg.paddedRows),
                     [&](ImplicitLocOpBuilder &rb, Value r) {
                       memref::StoreOp::create(rb, negInf, rowMax,
                                               ValueRange{r});
                       memref::StoreOp::create(rb, zero, rowSum, ValueRange{r});
                     });
  }

  void beginPass(ImplicitLocOpBuilder &b, const QueryTile &tile,
                 unsigned) override {
    Value zero = f32Const(b, 0.0);
    Value none = arith::ConstantIntOp::create(b, -1, 64);
    buildCountedLoop(
        b, indexConst(b, cfg.paddedRows),
        [&](ImplicitLocOpBuilder &rb, Value r) {
          memref::StoreOp::create(rb, zero, cdf, ValueRange{r});
          memref::StoreOp::create(rb, none, chosen, ValueRange{r});
          memref::StoreOp::create(rb, none, lastVisible, ValueRange{r});
          if (!threshold)
            return;
          // u of the row; padding rows get 2, which no CDF passes.
          Value valid = arith::CmpIOp::create(rb, arith::CmpIPredicate::ult, r,
                                              tile.rows);
          Value row = arith::AddIOp::create(
              rb, tile.row0,
              arith::MinUIOp::create(
                  rb, r,
                  arith::SubIOp::create(rb, tile.rows, indexConst(rb, 1))));
          Value u = memref::LoadOp::create(rb, cfg.normalizerInputs[0],
                                           ValueRange{tile.b, tile.h, row});
          memref::StoreOp::create(
              rb, arith::SelectOp::create(rb, valid, u, f32Const(rb, 2.0)),
              threshold, ValueRange{r});
        });
  }

  Value rowActive(ImplicitLocOpBuilder &b, const QueryTile &, Value r,
                  unsigned pass) override {
    if (pass == 0)
      return {};
    return arith::CmpIOp::create(b, arith::CmpIPredicate::slt,
                                 loadIndex(b, chosen, r), indexConst(b, 0));
  }

  void updateRow(ImplicitLocOpBuilder &b, const QueryTile &tile,
                 const RowTile &row, unsigned pass) override {
    if (pass == 0) {
      (void)emitOnlineSoftmaxUpdate(b, cfg, rowMax, rowSum, row);
      return;
    }
    emitSampleScan(b, tile, row);
  }

  void emitEpilogue(ImplicitLocOpBuilder &b, const QueryTile &tile) override {
    emitSelectedRows(b, cfg, tile, [&](ImplicitLocOpBuilder &rb, Value r) {
      Value j = loadIndex(rb, chosen, r);
      Value found = arith::CmpIOp::create(rb, arith::CmpIPredicate::sge, j,
                                          indexConst(rb, 0));
      return arith::SelectOp::create(rb, found, j,
                                     loadIndex(rb, lastVisible, r));
    });
  }

private:
  void emitSampleScan(ImplicitLocOpBuilder &b, const QueryTile &tile,
                      const RowTile &row);
  /// Key-major pass 2: the CDF of every vector of rows, key by key.
  void emitKeyMajorScan(ImplicitLocOpBuilder &b, const QueryTile &tile,
                        Value k0, Value n);

  Value rowMax, rowSum, cdf; // [paddedRows] f32
  Value chosen, lastVisible; // [paddedRows] i64, -1 = none yet
  Value corr, threshold;     // key-major: [paddedRows] f32
};

void HardSample::emitSampleScan(ImplicitLocOpBuilder &b, const QueryTile &tile,
                                const RowTile &row) {
  Value r = row.r;
  Value negInf = f32Const(b, kNegInf);
  Value m = memref::LoadOp::create(b, rowMax, ValueRange{r});
  Value base = arith::SelectOp::create(
      b, arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, m, negInf),
      f32Const(b, 0.0), m);
  Value l = memref::LoadOp::create(b, rowSum, ValueRange{r});
  Value inv = arith::SelectOp::create(
      b,
      arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, l, f32Const(b, 0.0)),
      arith::DivFOp::create(b, f32Const(b, 1.0), l), f32Const(b, 0.0));
  Value baseV = splat(b, base, cfg.width), invV = splat(b, inv, cfg.width);

  // P of the tile (stored for the scan), its total, and the last visible key.
  VectorType i64Vec = VectorType::get({cfg.width}, b.getI64Type());
  Value noKey = arith::ConstantOp::create(
      b, i64Vec, DenseElementsAttr::get(i64Vec, b.getI64IntegerAttr(-1)));
  Value lastV = noKey;
  Value sumV = splat(b, f32Const(b, 0.0), cfg.width);
  for (auto [c, s] : llvm::enumerate(row.scores)) {
    Value p = arith::MulFOp::create(
        b, math::Exp2Op::create(b, arith::SubFOp::create(b, s, baseV)), invV);
    vector::StoreOp::create(b, p, tile.scores,
                            ValueRange{r, indexConst(b, c * cfg.width)});
    sumV = arith::AddFOp::create(b, sumV, p);
    Value visible = arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, s,
                                          splat(b, negInf, cfg.width));
    lastV = arith::MaxSIOp::create(
        b, lastV,
        arith::SelectOp::create(b, visible, keysAsI64(b, cfg, row.k0, c),
                                noKey));
  }
  Value tileLast = arith::IndexCastOp::create(
      b, b.getIndexType(),
      vector::ReductionOp::create(b, vector::CombiningKind::MAXSI, lastV));
  storeIndex(b,
             arith::MaxSIOp::create(b, tileLast, loadIndex(b, lastVisible, r)),
             lastVisible, r);

  Value total =
      vector::ReductionOp::create(b, vector::CombiningKind::ADD, sumV);
  Value before = memref::LoadOp::create(b, cdf, ValueRange{r});
  Value u = memref::LoadOp::create(b, cfg.normalizerInputs[0],
                                   ValueRange{tile.b, tile.h, row.row});
  Value crosses = arith::CmpFOp::create(
      b, arith::CmpFPredicate::OGT, arith::AddFOp::create(b, before, total), u);
  scf::IfOp::create(
      b, crosses,
      [&](OpBuilder &nb, Location loc) {
        // The CDF passes u inside this tile: find the first key, in order.
        ImplicitLocOpBuilder ib(loc, nb);
        auto scan = buildCountedLoop(
            ib, row.n, {before, indexConst(ib, -1)},
            [&](ImplicitLocOpBuilder &jb, Value j, ValueRange st) {
              Value p =
                  memref::LoadOp::create(jb, tile.scores, ValueRange{r, j});
              Value next = arith::AddFOp::create(jb, st[0], p);
              Value hit = arith::AndIOp::create(
                  jb,
                  arith::CmpFOp::create(jb, arith::CmpFPredicate::OGT, next, u),
                  arith::CmpIOp::create(jb, arith::CmpIPredicate::slt, st[1],
                                        indexConst(jb, 0)));
              return SmallVector<Value>{
                  next,
                  arith::SelectOp::create(
                      jb, hit, arith::AddIOp::create(jb, row.k0, j), st[1])};
            });
        memref::StoreOp::create(ib, scan.getResult(0), cdf, ValueRange{r});
        storeIndex(ib, scan.getResult(1), chosen, r);
        scf::YieldOp::create(ib);
      },
      [&](OpBuilder &nb, Location loc) {
        ImplicitLocOpBuilder ib(loc, nb);
        memref::StoreOp::create(ib, arith::AddFOp::create(ib, before, total),
                                cdf, ValueRange{r});
        scf::YieldOp::create(ib);
      });
}

void HardSample::updateKeyMajor(ImplicitLocOpBuilder &b, const QueryTile &tile,
                                Value k0, Value n, unsigned pass) {
  if (pass == 0) {
    emitKeyMajorSoftmaxUpdate(b, cfg, tile, n, rowMax, rowSum, corr,
                              /*storeWeights=*/false);
    return;
  }
  emitKeyMajorScan(b, tile, k0, n);
}

void HardSample::emitKeyMajorScan(ImplicitLocOpBuilder &b,
                                  const QueryTile &tile, Value k0, Value n) {
  // Rows are the lanes: the CDF of each row grows key by key, in increasing
  // j, and the first key that lifts it past u is kept; every key also
  // tracks the last visible one.
  VectorType f32Vec = VectorType::get({cfg.width}, b.getF32Type());
  VectorType i64Vec = VectorType::get({cfg.width}, b.getI64Type());
  Value zero = splat(b, f32Const(b, 0.0), cfg.width);
  Value one = splat(b, f32Const(b, 1.0), cfg.width);
  Value negInf = splat(b, f32Const(b, kNegInf), cfg.width);
  Value none = arith::ConstantOp::create(
      b, i64Vec, DenseElementsAttr::get(i64Vec, b.getI64IntegerAttr(-1)));
  forEachRowVectorBlock(
      b, cfg, tile, [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
        SmallVector<Value> cols, base, inv, u, state;
        for (int64_t c = 0; c < block.count; ++c) {
          Value col = block.column(cb, c);
          cols.push_back(col);
          auto load = [&](Value buffer, VectorType type) -> Value {
            return vector::LoadOp::create(cb, type, buffer, ValueRange{col});
          };
          // p = exp2(s - m) / l, as in the row-major scan: m = -inf (no
          // visible key) uses 0, and l = 0 gives p = 0.
          Value m = load(rowMax, f32Vec);
          base.push_back(arith::SelectOp::create(
              cb,
              arith::CmpFOp::create(cb, arith::CmpFPredicate::OEQ, m, negInf),
              zero, m));
          Value l = load(rowSum, f32Vec);
          inv.push_back(arith::SelectOp::create(
              cb, arith::CmpFOp::create(cb, arith::CmpFPredicate::OGT, l, zero),
              arith::DivFOp::create(cb, one, l), zero));
          u.push_back(load(threshold, f32Vec));
          state.append({load(cdf, f32Vec), load(chosen, i64Vec),
                        load(lastVisible, i64Vec)});
        }
        SmallVector<Value> result =
            scanKeys(cb, cfg, tile, k0, n, cols, state,
                     [&](ImplicitLocOpBuilder &jb, size_t c, Value key, Value s,
                         ValueRange st) {
                       Value p = arith::MulFOp::create(
                           jb,
                           math::Exp2Op::create(
                               jb, arith::SubFOp::create(jb, s, base[c])),
                           inv[c]);
                       Value sum = arith::AddFOp::create(jb, st[0], p);
                       Value hit = arith::AndIOp::create(
                           jb,
                           arith::CmpFOp::create(jb, arith::CmpFPredicate::OGT,
                                                 sum, u[c]),
                           arith::CmpIOp::create(jb, arith::CmpIPredicate::eq,
                                                 st[1], none));
                       Value visible = arith::CmpFOp::create(
                           jb, arith::CmpFPredicate::OGT, s, negInf);
                       return SmallVector<Value>{
                           sum, arith::SelectOp::create(jb, hit, key, st[1]),
                           arith::SelectOp::create(jb, visible, key, st[2])};
                     });
        Value buffers[] = {cdf, chosen, lastVisible};
        for (int64_t c = 0; c < block.count; ++c)
          for (int64_t e = 0; e < 3; ++e)
            vector::StoreOp::create(cb, result[3 * c + e], buffers[e],
                                    ValueRange{cols[c]});
      });
}
} // namespace

std::unique_ptr<RowNormalizer> lowering::createHard(const KernelConfig &cfg) {
  return std::make_unique<Hard>(cfg);
}

std::unique_ptr<RowNormalizer> lowering::createTopK(const KernelConfig &cfg) {
  return std::make_unique<TopK>(cfg);
}

std::unique_ptr<RowNormalizer>
lowering::createHardSample(const KernelConfig &cfg) {
  return std::make_unique<HardSample>(cfg);
}

//===- FragmentChoice.cpp - normalisers that choose keys, on fragments ----===//
//
// hard, topk and hard_sample on a warp's fragments. Each thread holds, for
// its rows g and g + 8, the keys 2t, 2t + 1 of every 8-key block, visited in
// increasing j; the quad's four threads hold a row's keys between them.
//
// hard         a running argmax per thread (lowering::hardPrefers: ties go
//              to the lowest j); after the key loop the quad merges its
//              four candidates with shfl.xor by the same rule, and every
//              thread copies its columns of the chosen value row (no
//              arithmetic, so no rounding).
// topk         the thread's k best (score, key) per row, sorted, by the
//              CPU's insertion step (lowering::insertStep). A tile whose
//              keys do not beat the thread's k-th score is skipped (the
//              keys arrive in increasing j, so an equal score never
//              wins). The quad merges its lists with shfl.xor (keys in any
//              order: an equal score at a lower j wins), then each thread
//              sums exp2(s - top) v_j over the k survivors for its columns.
// hard_sample  two passes over the key tiles. Pass 1 is the online
//              softmax's max and sum. Pass 2 runs the CDF in key order: per
//              8-key block the quad's four pair sums go to every thread
//              (shfl.idx), so each thread knows the CDF before its pair;
//              a key whose CDF passes u is a candidate, the smallest one in
//              the quad is j*. If rounding keeps the CDF at or below u, the
//              last visible key is taken, as on the CPU.
//
//===----------------------------------------------------------------------===//

#include "FragmentChoice.h"
#include "FlashShape.h"
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
using lowering::QueryTile;

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
/// The key of an empty choice: past every key, so that any key wins a tie
/// with it.
constexpr int32_t kNoKey = std::numeric_limits<int32_t>::max();

Value f32Const(ImplicitLocOpBuilder &b, float v) {
  return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
}
Value i32Const(ImplicitLocOpBuilder &b, int32_t v) {
  return arith::ConstantIntOp::create(b, b.getI32Type(), v);
}
Value shuffle(ImplicitLocOpBuilder &b, Value v, Value offset,
              gpu::ShuffleMode mode) {
  Value width = i32Const(b, kThreadsPerWarp);
  return gpu::ShuffleOp::create(b, v, offset, width,
                                gpu::ShuffleModeAttr::get(b.getContext(), mode))
      .getShuffleResult();
}
Value shuffleXor(ImplicitLocOpBuilder &b, Value v, int32_t offset) {
  return shuffle(b, v, i32Const(b, offset), gpu::ShuffleMode::XOR);
}
/// The integer min or max of the quad's four values.
Value quadReduceInt(ImplicitLocOpBuilder &b, Value v, bool max) {
  for (int32_t offset : {1, 2}) {
    Value other = shuffleXor(b, v, offset);
    v = max ? Value(arith::MaxSIOp::create(b, v, other))
            : Value(arith::MinSIOp::create(b, v, other));
  }
  return v;
}

//===----------------------------------------------------------------------===//
// hard
//===----------------------------------------------------------------------===//

class Argmax : public FragmentSelection {
public:
  Argmax(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
         const lowering::KernelConfig &cfg, const QueryTile &tile)
      : FragmentSelection(b, tiles, cfg, tile) {}

  /// The best scores of row halves 0 and 1, then their keys.
  SmallVector<Value> initialState(unsigned, ValueRange) override {
    Value negInf = f32Const(b, kNegInf), none = i32Const(b, kNoKey);
    return {negInf, negInf, none, none};
  }

  SmallVector<Value> update(unsigned, ValueRange state, ArrayRef<Value> scores,
                            Value k0) override {
    SmallVector<Value> next(state);
    for (int64_t nt = 0; nt < int64_t(scores.size()) / 4; ++nt)
      for (int64_t half = 0; half < 2; ++half)
        for (int64_t e = 0; e < 2; ++e)
          choose(next[half], next[2 + half], scores[4 * nt + 2 * half + e],
                 keyOf(k0, nt, e));
    return next;
  }

  void storeRows(ValueRange state, ArrayRef<Value> rows) override {
    SmallVector<Value, 2> keys;
    for (int64_t half = 0; half < 2; ++half) {
      Value best = state[half], key = state[2 + half];
      for (int32_t offset : {1, 2}) {
        Value otherBest = shuffleXor(b, best, offset);
        Value otherKey = shuffleXor(b, key, offset);
        choose(best, key, otherBest, otherKey);
      }
      // As on the CPU: a row whose best score is -inf saw no visible key.
      Value found = arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, best,
                                          f32Const(b, kNegInf));
      keys.push_back(arith::SelectOp::create(b, found, key, i32Const(b, -1)));
    }
    storeChosenRows(rows, keys);
  }

private:
  /// best, bestKey := score, key where hard prefers it.
  void choose(Value &best, Value &bestKey, Value score, Value key) {
    Value better = lowering::hardPrefers(b, score, key, best, bestKey);
    best = arith::SelectOp::create(b, better, score, best);
    bestKey = arith::SelectOp::create(b, better, key, bestKey);
  }
};

//===----------------------------------------------------------------------===//
// topk
//===----------------------------------------------------------------------===//

class TopK : public FragmentSelection {
public:
  TopK(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
       const lowering::KernelConfig &cfg, const QueryTile &tile)
      : FragmentSelection(b, tiles, cfg, tile),
        k(static_cast<int64_t>(*AttentionOp(cfg.op).getTopK())) {}

  /// Per row half, k slots of (score, key), sorted by descending score:
  /// state[slot(half, s)] and state[slot(half, s) + 1]. Empty slots hold
  /// (-inf, no key), which every visible key beats.
  SmallVector<Value> initialState(unsigned, ValueRange) override {
    SmallVector<Value> state;
    Value negInf = f32Const(b, kNegInf), none = i32Const(b, kNoKey);
    for (int64_t i = 0; i < 2 * k; ++i)
      state.append({negInf, none});
    return state;
  }

  SmallVector<Value> update(unsigned, ValueRange state, ArrayRef<Value> scores,
                            Value k0) override {
    SmallVector<Value> next(state);
    int64_t blocks = scores.size() / 4;
    for (int64_t half = 0; half < 2; ++half) {
      // Skip the tile unless one of the thread's keys beats its k-th score.
      Value best = f32Const(b, kNegInf);
      for (int64_t nt = 0; nt < blocks; ++nt)
        for (int64_t e = 0; e < 2; ++e)
          best =
              arith::MaximumFOp::create(b, best, scores[4 * nt + 2 * half + e]);
      Value any = arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, best,
                                        state[slot(half, k - 1)]);
      ValueRange slots = state.slice(slot(half, 0), 2 * k);
      auto ifOp = scf::IfOp::create(b, TypeRange(slots), any,
                                    /*withElseRegion=*/true);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
        SmallVector<Value> inserted(slots);
        for (int64_t nt = 0; nt < blocks; ++nt)
          for (int64_t e = 0; e < 2; ++e)
            insert(inserted, scores[4 * nt + 2 * half + e], keyOf(k0, nt, e),
                   /*anyOrder=*/false);
        scf::YieldOp::create(b, inserted);
        b.setInsertionPointToStart(&ifOp.getElseRegion().front());
        scf::YieldOp::create(b, slots);
      }
      for (int64_t i = 0; i < 2 * k; ++i)
        next[slot(half, 0) + i] = ifOp.getResult(i);
    }
    return next;
  }

  void storeRows(ValueRange state, ArrayRef<Value> rows) override {
    Value zero = f32Const(b, 0.0f), negInf = f32Const(b, kNegInf);
    Type outElem = cast<MemRefType>(cfg.output.getType()).getElementType();
    for (int64_t half = 0; half < 2; ++half) {
      SmallVector<Value> slots(state.slice(slot(half, 0), 2 * k));
      // The quad's lists hold distinct keys: threads 0 and 1 merge, then
      // each pair with the other.
      for (int32_t offset : {1, 2}) {
        SmallVector<Value> other = llvm::map_to_vector(
            slots, [&](Value v) { return shuffleXor(b, v, offset); });
        for (int64_t s = 0; s < k; ++s)
          insert(slots, other[2 * s], other[2 * s + 1], /*anyOrder=*/true);
      }
      // Softmax over the kept slots, against the largest (slot 0); an empty
      // slot weighs 0 and reads nothing. A row that saw no key outputs
      // zeros.
      Value top = slots[0];
      Value seen =
          arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, top, negInf);
      Value base = arith::SelectOp::create(b, seen, top, zero);
      SmallVector<Value> weights, kept, keys;
      Value sum = zero;
      for (int64_t s = 0; s < k; ++s) {
        Value score = slots[2 * s];
        kept.push_back(
            arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, score, negInf));
        weights.push_back(fastExp2(b, arith::SubFOp::create(b, score, base)));
        sum = arith::AddFOp::create(b, sum, weights.back());
        keys.push_back(
            arith::IndexCastOp::create(b, b.getIndexType(), slots[2 * s + 1]));
      }
      Value inv = arith::SelectOp::create(
          b, seen, arith::DivFOp::create(b, f32Const(b, 1.0f), sum), zero);
      storeOutputColumns(
          b, t, cfg, tile, rows[half],
          [&](int64_t, Value col, int64_t width) -> Value {
            auto f32Type = VectorType::get({width}, b.getF32Type());
            Value o = arith::ConstantOp::create(
                b, DenseElementsAttr::get(f32Type, b.getF32FloatAttr(0.0f)));
            for (int64_t s = 0; s < k; ++s) {
              Value v = loadValueColumns(kept[s], keys[s], col, width);
              if (!cast<VectorType>(v.getType()).getElementType().isF32())
                v = arith::ExtFOp::create(b, f32Type, v);
              o = vector::FMAOp::create(
                  b, vector::BroadcastOp::create(b, f32Type, weights[s]), v, o);
            }
            o = arith::MulFOp::create(
                b, o, vector::BroadcastOp::create(b, f32Type, inv));
            if (!outElem.isF32())
              o = arith::TruncFOp::create(b, VectorType::get({width}, outElem),
                                          o);
            return o;
          });
    }
  }

private:
  int64_t slot(int64_t half, int64_t s) const { return 2 * (half * k + s); }

  /// Inserts (score, key) into the sorted (score, key) pairs of `slots`.
  void insert(MutableArrayRef<Value> slots, Value score, Value key,
              bool anyOrder) {
    lowering::InsertCarry carry{
        score, key, arith::ConstantOp::create(b, b.getBoolAttr(false))};
    for (int64_t s = 0; s < k; ++s) {
      lowering::InsertStep step = lowering::insertStep(
          b, carry, slots[2 * s], slots[2 * s + 1], anyOrder);
      slots[2 * s] = step.slotScore;
      slots[2 * s + 1] = step.slotIndex;
      carry = step.carry;
    }
  }

  int64_t k;
};

//===----------------------------------------------------------------------===//
// hard_sample
//===----------------------------------------------------------------------===//

class Sample : public FragmentSelection {
public:
  Sample(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
         const lowering::KernelConfig &cfg, const QueryTile &tile,
         ArrayRef<Value> rows)
      : FragmentSelection(b, tiles, cfg, tile), rows(rows.begin(), rows.end()) {
  }
  unsigned passes() const override { return 2; }

  /// Pass 1: the max (log2 units) and the thread's partial sum of each row
  /// half. Pass 2: the CDF of each row half, its first key past u (no key
  /// yet: kNoKey) and its last visible key (none: -1).
  SmallVector<Value> initialState(unsigned pass, ValueRange previous) override {
    Value zero = f32Const(b, 0.0f), negInf = f32Const(b, kNegInf);
    if (pass == 0)
      return {negInf, negInf, zero, zero};
    for (int64_t half = 0; half < 2; ++half) {
      Value m = previous[half];
      base[half] = arith::SelectOp::create(
          b, arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, m, negInf),
          zero, m);
      Value l = quadReduce(b, previous[2 + half], /*max=*/false);
      inv[half] = arith::SelectOp::create(
          b, arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, l, zero),
          arith::DivFOp::create(b, f32Const(b, 1.0f), l), zero);
      u[half] = memref::LoadOp::create(b, cfg.normalizerInputs[0],
                                       ValueRange{tile.b, tile.h, rows[half]});
    }
    Value none = i32Const(b, kNoKey), noLast = i32Const(b, -1);
    return {zero, zero, none, none, noLast, noLast};
  }

  SmallVector<Value> update(unsigned pass, ValueRange state,
                            ArrayRef<Value> scores, Value k0) override {
    SmallVector<Value> next(state);
    int64_t blocks = scores.size() / 4;
    if (pass == 0) {
      SmallVector<Value> p(scores.size());
      for (int64_t half = 0; half < 2; ++half)
        (void)onlineSoftmaxStep(b, scores, half, next[half], next[2 + half], p);
      return next;
    }
    Value negInf = f32Const(b, kNegInf);
    // Quad lane q of the row's 4 threads: its lane in the warp is group * 4
    // + q.
    Value quadBase = arith::MulIOp::create(
        b, arith::IndexCastOp::create(b, b.getI32Type(), t.lane.group),
        i32Const(b, 4));
    Value quad = arith::IndexCastOp::create(b, b.getI32Type(), t.lane.quad);
    for (int64_t half = 0; half < 2; ++half) {
      Value cdf = next[half], chosen = next[2 + half], last = next[4 + half];
      for (int64_t nt = 0; nt < blocks; ++nt) {
        Value s0 = scores[4 * nt + 2 * half],
              s1 = scores[4 * nt + 2 * half + 1];
        Value p0 = weight(s0, half), p1 = weight(s1, half);
        Value pair = arith::AddFOp::create(b, p0, p1);
        // The CDF before the thread's pair: the pairs of lower quad lanes,
        // summed in lane order (the same sums in every thread).
        Value before = cdf, total = cdf;
        for (int32_t q = 0; q < 4; ++q) {
          Value other = shuffle(
              b, pair, arith::AddIOp::create(b, quadBase, i32Const(b, q)),
              gpu::ShuffleMode::IDX);
          Value lower = arith::CmpIOp::create(b, arith::CmpIPredicate::slt,
                                              i32Const(b, q), quad);
          before = arith::SelectOp::create(
              b, lower, arith::AddFOp::create(b, before, other), before);
          total = arith::AddFOp::create(b, total, other);
        }
        Value c0 = arith::AddFOp::create(b, before, p0);
        Value c1 = arith::AddFOp::create(b, c0, p1);
        Value key0 = keyOf(k0, nt, 0), key1 = keyOf(k0, nt, 1);
        // The keys of the thread only grow, so its first hit is its
        // smallest; the quad's smallest is j* (the CDF does not decrease).
        Value hit0 =
            arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, c0, u[half]);
        Value hit1 =
            arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, c1, u[half]);
        Value candidate = arith::SelectOp::create(
            b, hit0, key0,
            arith::SelectOp::create(b, hit1, key1, i32Const(b, kNoKey)));
        chosen = arith::MinSIOp::create(b, chosen, candidate);
        for (auto [s, key] : {std::pair{s0, key0}, std::pair{s1, key1}}) {
          Value visible =
              arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, s, negInf);
          last = arith::SelectOp::create(
              b, visible, arith::MaxSIOp::create(b, last, key), last);
        }
        cdf = total;
      }
      next[half] = cdf;
      next[2 + half] = chosen;
      next[4 + half] = last;
    }
    return next;
  }

  void storeRows(ValueRange state, ArrayRef<Value> outRows) override {
    SmallVector<Value, 2> keys;
    for (int64_t half = 0; half < 2; ++half) {
      Value chosen = quadReduceInt(b, state[2 + half], /*max=*/false);
      Value last = quadReduceInt(b, state[4 + half], /*max=*/true);
      Value found = arith::CmpIOp::create(b, arith::CmpIPredicate::ne, chosen,
                                          i32Const(b, kNoKey));
      keys.push_back(arith::SelectOp::create(b, found, chosen, last));
    }
    storeChosenRows(outRows, keys);
  }

private:
  /// P of a score of row half `half`: exp2(s - max) / sum.
  Value weight(Value s, int64_t half) {
    return arith::MulFOp::create(
        b, fastExp2(b, arith::SubFOp::create(b, s, base[half])), inv[half]);
  }

  SmallVector<Value, 2> rows;
  Value base[2], inv[2], u[2];
};

} // namespace

std::unique_ptr<FragmentSelection>
FragmentSelection::create(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
                          const lowering::KernelConfig &cfg,
                          const QueryTile &tile, ArrayRef<Value> rows) {
  switch (AttentionOp(cfg.op).getNormalizer()) {
  case Normalizer::hard:
    return std::make_unique<Argmax>(b, tiles, cfg, tile);
  case Normalizer::topk:
    return std::make_unique<TopK>(b, tiles, cfg, tile);
  case Normalizer::hard_sample:
    return std::make_unique<Sample>(b, tiles, cfg, tile, rows);
  default:
    return nullptr;
  }
}

Value FragmentSelection::keyOf(Value k0, int64_t nt, int64_t e) {
  return arith::IndexCastOp::create(
      b, b.getI32Type(),
      arith::AddIOp::create(b, fragmentKey(b, t.lane, k0, nt),
                            indexConst(b, e)));
}

Value FragmentSelection::loadValueColumns(Value read, Value key, Value col,
                                          int64_t width) {
  Type elem = cast<MemRefType>(cfg.value.getType()).getElementType();
  auto type = VectorType::get({width}, elem);
  auto ifOp = scf::IfOp::create(b, TypeRange{type}, read,
                                /*withElseRegion=*/true);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(&ifOp.getThenRegion().front());
  scf::YieldOp::create(
      b, ValueRange{vector::LoadOp::create(
             b, type, cfg.value,
             lowering::kvIndices(b, cfg, tile, key, col, /*anyKey=*/true))});
  b.setInsertionPointToStart(&ifOp.getElseRegion().front());
  scf::YieldOp::create(
      b, ValueRange{arith::ConstantOp::create(
             b, DenseElementsAttr::get(type, b.getZeroAttr(elem)))});
  return ifOp.getResult(0);
}

void FragmentSelection::storeChosenRows(ArrayRef<Value> rows,
                                        ArrayRef<Value> keys) {
  for (int64_t half = 0; half < 2; ++half) {
    Value found = arith::CmpIOp::create(b, arith::CmpIPredicate::sge,
                                        keys[half], i32Const(b, 0));
    Value j = arith::SelectOp::create(
        b, found, arith::IndexCastOp::create(b, b.getIndexType(), keys[half]),
        indexConst(b, 0));
    storeOutputColumns(b, t, cfg, tile, rows[half],
                       [&](int64_t, Value col, int64_t width) {
                         return loadValueColumns(found, j, col, width);
                       });
  }
}

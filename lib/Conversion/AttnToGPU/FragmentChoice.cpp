//===- FragmentChoice.cpp - the hard normaliser on a warp's fragments -----===//
//
// hard: o_i = v_{j*} with j* = argmax_j s_ij, ties to the lowest j. Each
// thread keeps, for its rows g and g + 8, the best (score, key) of the keys
// it holds (2t, 2t + 1 of every 8-key block), visited in increasing j; the
// choice is lowering::hardPrefers, the rule of the CPU lowering (a greater
// score, or an equal one at a lower key). No exp2, no sum and no P V: after
// the key loop the quad merges its four candidates with shfl.xor by the
// same rule, and every thread copies its columns of the chosen value row
// from global memory (no arithmetic, so no rounding), or zeros for a row
// without a visible key.
//
//===----------------------------------------------------------------------===//

#include "FlashKernel.h"

#include "../AttnToLoops/AttentionLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;
using lowering::indexConst;

SmallVector<Value> FragmentArgmax::initialState() {
  Value negInf = arith::ConstantOp::create(
      b, b.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
  // No key yet: past every key, so that any key wins a tie with it.
  Value none = arith::ConstantIntOp::create(
      b, b.getI32Type(), std::numeric_limits<int32_t>::max());
  return {negInf, negInf, none, none};
}

SmallVector<Value> FragmentArgmax::update(ValueRange state,
                                          ArrayRef<Value> scores, Value k0) {
  SmallVector<Value> next(state);
  for (int64_t nt = 0; nt < int64_t(scores.size()) / 4; ++nt)
    for (int64_t half = 0; half < 2; ++half)
      for (int64_t e = 0; e < 2; ++e) {
        Value key = arith::IndexCastOp::create(
            b, b.getI32Type(),
            arith::AddIOp::create(b, fragmentKey(b, t.lane, k0, nt),
                                  indexConst(b, e)));
        choose(next[half], next[2 + half], scores[4 * nt + 2 * half + e], key);
      }
  return next;
}

void FragmentArgmax::choose(Value &best, Value &bestKey, Value score,
                            Value key) {
  Value better = lowering::hardPrefers(b, score, key, best, bestKey);
  best = arith::SelectOp::create(b, better, score, best);
  bestKey = arith::SelectOp::create(b, better, key, bestKey);
}

void FragmentArgmax::storeRows(ValueRange state,
                               const lowering::KernelConfig &cfg,
                               const lowering::QueryTile &tile,
                               ArrayRef<Value> rows) {
  Type elem = cast<MemRefType>(cfg.value.getType()).getElementType();
  Value negInf = arith::ConstantOp::create(
      b, b.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
  for (int64_t half = 0; half < 2; ++half) {
    Value best = state[half], key = state[2 + half];
    for (int32_t offset : {1, 2}) {
      auto other = [&](Value v) -> Value {
        return gpu::ShuffleOp::create(b, v, offset, kThreadsPerWarp,
                                      gpu::ShuffleMode::XOR)
            .getShuffleResult();
      };
      Value otherBest = other(best), otherKey = other(key);
      choose(best, key, otherBest, otherKey);
    }
    // As on the CPU: a row whose best score is -inf saw no visible key.
    Value found =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, best, negInf);
    Value j = arith::SelectOp::create(
        b, found, arith::IndexCastOp::create(b, b.getIndexType(), key),
        indexConst(b, 0));
    auto inside =
        scf::IfOp::create(b,
                          arith::CmpIOp::create(b, arith::CmpIPredicate::slt,
                                                rows[half], cfg.queryLen),
                          /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&inside.getThenRegion().front());
    forEachStoredPair(
        b, t.lane, t.shape.inputValueDim,
        [&](int64_t, Value col, int64_t width) {
          // The value row is read only where a key was chosen: with no visible
          // key there may be no row 0 (an empty or paged cache). One element
          // for the last column of an odd Dv.
          auto type = VectorType::get({width}, elem);
          auto read = scf::IfOp::create(b, TypeRange{type}, found,
                                        /*withElseRegion=*/true);
          {
            OpBuilder::InsertionGuard rg(b);
            b.setInsertionPointToStart(&read.getThenRegion().front());
            scf::YieldOp::create(b,
                                 ValueRange{vector::LoadOp::create(
                                     b, type, cfg.value,
                                     lowering::kvIndices(b, cfg, tile, j, col,
                                                         /*anyKey=*/true))});
            b.setInsertionPointToStart(&read.getElseRegion().front());
            scf::YieldOp::create(
                b, ValueRange{arith::ConstantOp::create(
                       b, DenseElementsAttr::get(type, b.getZeroAttr(elem)))});
          }
          vector::StoreOp::create(b, read.getResult(0), cfg.output,
                                  ValueRange{tile.b, tile.h, rows[half], col});
        });
  }
}

//===- RegisterTile.cpp - contractions on register tiles ------------------===//
//
// The micro-kernel of the inner tile. A register tile holds rows x cols
// accumulator vectors; one step of the contraction loads cols vectors of the
// right operand, broadcasts one scalar of the left operand per row and
// issues rows x cols FMAs, so every load feeds several FMAs (rows of them
// for the right operand, cols for the left). On AVX-512 a broadcast from
// memory folds into the FMA. The row-by-row kernel it replaces issued one
// load per FMA and was bound by loads, not by the FMA units.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

/// Most rows of a register tile: beyond it the broadcasts of the left
/// operand, not the FMAs, set the pace.
constexpr int64_t kMaxTileRows = 16;

SmallVector<Value> lowering::emitRegisterTile(ImplicitLocOpBuilder &b,
                                              int64_t rows, int64_t cols,
                                              Value depth, ValueRange init,
                                              TileLhs lhs, TileRhs rhs,
                                              TileAccumulate accumulate,
                                              TileAccumulate secondSum) {
  int64_t cells = rows * cols;
  assert(int64_t(init.size()) == (secondSum ? 2 : 1) * cells &&
         "one accumulator per cell and sum");
  auto loop = buildCountedLoop(
      b, depth, init, [&](ImplicitLocOpBuilder &kb, Value k, ValueRange acc) {
        SmallVector<Value> right;
        for (int64_t c = 0; c < cols; ++c)
          right.push_back(rhs(kb, k, c));
        auto vecType = cast<VectorType>(right.front().getType());
        SmallVector<Value> next(acc.begin(), acc.end());
        for (int64_t i = 0; i < rows; ++i) {
          Value left = lhs(kb, i, k);
          if (!isa<VectorType>(left.getType()))
            left = vector::BroadcastOp::create(kb, vecType, left);
          for (int64_t c = 0; c < cols; ++c) {
            Value &cell = next[i * cols + c];
            cell = accumulate
                       ? accumulate(kb, cell, left, right[c])
                       : Value(vector::FMAOp::create(kb, left, right[c], cell));
            if (secondSum) {
              Value &other = next[cells + i * cols + c];
              other = secondSum(kb, other, left, right[c]);
            }
          }
        }
        return next;
      });
  return SmallVector<Value>(loop.getResults());
}

TileShape lowering::chooseTileShape(int64_t vectorRegisters, int64_t vectors) {
  // A quarter of the registers stays free for the right operand's vectors
  // and addresses.
  int64_t budget = std::max<int64_t>(1, vectorRegisters * 3 / 4);
  // At least 4 rows where the registers allow (2 with AVX2's 16): every
  // right-operand vector feeds that many FMAs. For Dv = 128 (8 chunks) this
  // is 4 x 6 (+ 4 x 2), not 3 x 8: measured 1.3x faster on Zen 5.
  int64_t minRows = budget >= 16 ? 4 : 2;
  int64_t cols = std::clamp<int64_t>(budget / minRows, 1, vectors);
  int64_t rows = std::clamp<int64_t>(budget / cols, 1, kMaxTileRows);
  return {rows, cols};
}

void lowering::forEachRowBlock(
    ImplicitLocOpBuilder &b, Value count, int64_t block,
    function_ref<void(ImplicitLocOpBuilder &, Value, int64_t)> body) {
  if (block == 1) {
    buildCountedLoop(
        b, count, [&](ImplicitLocOpBuilder &ib, Value i) { body(ib, i, 1); });
    return;
  }
  Value full = arith::DivUIOp::create(b, count, indexConst(b, block));
  buildCountedLoop(b, full, [&](ImplicitLocOpBuilder &ib, Value i) {
    body(ib, arith::MulIOp::create(ib, i, indexConst(ib, block)), block);
  });
  if (std::optional<int64_t> known = getConstantIntValue(count)) {
    // A constant count has one remainder, known here.
    if (int64_t height = *known % block)
      body(b, indexConst(b, *known - height), height);
    return;
  }
  // The remainder, 0 .. block - 1 rows, as tiles of the heights of its
  // binary digits: log2(block) static tiles rather than one per height.
  Value rest = arith::MulIOp::create(b, full, indexConst(b, block));
  Value left = arith::SubIOp::create(b, count, rest);
  for (int64_t h = int64_t(llvm::bit_floor(uint64_t(block - 1))); h >= 1;
       h /= 2) {
    Value bit = arith::AndIOp::create(b, left, indexConst(b, h));
    Value has = arith::CmpIOp::create(b, arith::CmpIPredicate::ne, bit,
                                      indexConst(b, 0));
    scf::IfOp::create(b, has, [&](OpBuilder &nb, Location loc) {
      ImplicitLocOpBuilder ib(loc, nb);
      // The rows of the higher digits come first.
      Value above =
          arith::AndIOp::create(ib, left, indexConst(ib, ~(2 * h - 1)));
      body(ib, arith::AddIOp::create(ib, rest, above), h);
      scf::YieldOp::create(ib);
    });
  }
}

/// Sums the lanes of each of `parts` (G vectors of G lanes) into one vector
/// whose lane l is the sum of parts[l]: log2(G) levels, each halving the
/// vectors by adding the low and high halves of the lanes of pairs.
static Value reduceTransposed(ImplicitLocOpBuilder &b,
                              SmallVector<Value> parts) {
  int64_t width = cast<VectorType>(parts.front().getType()).getNumElements();
  // lanesPerSum: lanes still holding partial sums of one vector's total.
  for (int64_t lanesPerSum = width; parts.size() > 1; lanesPerSum /= 2) {
    int64_t sums = width / lanesPerSum, half = lanesPerSum / 2;
    SmallVector<Value> next;
    for (size_t p = 0; p + 1 < parts.size(); p += 2) {
      // Lanes of the shuffle: x's sums then y's (y's lanes are offset by
      // width), the low halves in `lo` and the high halves in `hi`.
      SmallVector<int64_t> lo, hi;
      for (int64_t src = 0; src < 2; ++src)
        for (int64_t s = 0; s < sums; ++s)
          for (int64_t l = 0; l < half; ++l) {
            lo.push_back(src * width + s * lanesPerSum + l);
            hi.push_back(src * width + s * lanesPerSum + half + l);
          }
      Value x = parts[p], y = parts[p + 1];
      next.push_back(
          arith::AddFOp::create(b, vector::ShuffleOp::create(b, x, y, lo),
                                vector::ShuffleOp::create(b, x, y, hi)));
    }
    parts = std::move(next);
  }
  return parts.front();
}

Value lowering::emitDotProducts(
    ImplicitLocOpBuilder &b, int64_t count, int64_t chunks,
    function_ref<Value(ImplicitLocOpBuilder &, Value)> lhs,
    function_ref<Value(ImplicitLocOpBuilder &, int64_t, Value)> rhs) {
  assert(llvm::isPowerOf2_64(count) && "one dot product per lane");
  SmallVector<Value> init(count, splat(b, f32Const(b, 0.0), count));
  SmallVector<Value> parts = forEachChunkBlock(
      b, chunks, count, init,
      [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block, ValueRange acc) {
        SmallVector<Value> next(acc.begin(), acc.end());
        for (int64_t c = 0; c < block.count; ++c) {
          Value col = block.column(cb, c);
          Value left = lhs(cb, col);
          for (int64_t l = 0; l < count; ++l)
            next[l] = vector::FMAOp::create(cb, left, rhs(cb, l, col), next[l]);
        }
        return next;
      });
  return reduceTransposed(b, parts);
}

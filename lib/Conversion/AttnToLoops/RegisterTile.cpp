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
                                              TileLhs lhs, TileRhs rhs) {
  assert(int64_t(init.size()) == rows * cols && "one accumulator per cell");
  auto loop = buildCountedLoop(
      b, depth, init, [&](ImplicitLocOpBuilder &kb, Value k, ValueRange acc) {
        SmallVector<Value> right;
        for (int64_t c = 0; c < cols; ++c)
          right.push_back(rhs(kb, k, c));
        auto vecType = cast<VectorType>(right.front().getType());
        SmallVector<Value> next(acc.begin(), acc.end());
        for (int64_t i = 0; i < rows; ++i) {
          Value left = vector::BroadcastOp::create(kb, vecType, lhs(kb, i, k));
          for (int64_t c = 0; c < cols; ++c)
            next[i * cols + c] =
                vector::FMAOp::create(kb, left, right[c], acc[i * cols + c]);
        }
        return next;
      });
  return SmallVector<Value>(loop.getResults());
}

TileShape lowering::chooseTileShape(const KernelConfig &cfg, int64_t vectors) {
  // A quarter of the registers stays free for the right operand's vectors
  // and addresses.
  int64_t budget = std::max<int64_t>(1, cfg.vectorRegisters * 3 / 4);
  int64_t cols = std::clamp<int64_t>(budget / 2, 1, vectors);
  int64_t rows = std::clamp<int64_t>(budget / cols, 1, kMaxTileRows);
  return {rows, cols};
}

void lowering::forEachRowBlock(
    ImplicitLocOpBuilder &b, Value count, int64_t block,
    function_ref<void(ImplicitLocOpBuilder &, Value, int64_t)> body) {
  Value rest = indexConst(b, 0);
  if (block > 1) {
    Value full = arith::DivUIOp::create(b, count, indexConst(b, block));
    buildCountedLoop(b, full, [&](ImplicitLocOpBuilder &ib, Value i) {
      body(ib, arith::MulIOp::create(ib, i, indexConst(ib, block)), block);
    });
    rest = arith::MulIOp::create(b, full, indexConst(b, block));
  }
  Value one = indexConst(b, 1);
  scf::ForOp::create(b, rest, count, one, ValueRange{},
                     [&](OpBuilder &nb, Location loc, Value r, ValueRange) {
                       ImplicitLocOpBuilder rb(loc, nb);
                       body(rb, r, 1);
                       scf::YieldOp::create(rb);
                     });
}

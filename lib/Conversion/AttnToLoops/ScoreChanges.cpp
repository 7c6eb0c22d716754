//===- ScoreChanges.cpp - the variant math applied to a vector of scores --===//
//
// Score changes (bias, ALiBi, softcap, score_mod) and visibility (causal,
// window, key padding, boolean mask, mask_mod) of one vector of scores. The
// math is written once, on global indices, and serves both layouts of the
// inner tile: a row-major tile hands in one query row and a vector of keys,
// a key-major tile a vector of query rows and one key (ScoreIndices says
// which lanes vary). Broadcastable [B, H, Sq, Skv] operands are read along
// whichever axis the lanes run.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

namespace {
bool isVector(Value v) { return isa<VectorType>(v.getType()); }

/// `v` as a vector of `width` lanes (a scalar is broadcast).
Value lanes(ImplicitLocOpBuilder &b, Value v, int64_t width) {
  if (isVector(v))
    return v;
  return vector::BroadcastOp::create(b, VectorType::get({width}, v.getType()),
                                     v);
}

Value toF32(ImplicitLocOpBuilder &b, Value v) {
  Type elem = getElementTypeOrSelf(v.getType());
  if (elem.isF32())
    return v;
  Type target = b.getF32Type();
  if (auto vt = dyn_cast<VectorType>(v.getType()))
    target = VectorType::get(vt.getShape(), target);
  return arith::ExtFOp::create(b, target, v);
}

/// Reads `width` lanes of a rank-4 broadcastable [B, H, Sq, Skv] operand at
/// (b, h, at.row, at.key), honouring size-1 dimensions. Lanes past the end
/// of the varying axis are clamped to its last element (they are hidden or
/// ignored by the caller).
Value loadBroadcastable(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                        const QueryTile &tile, Value buffer,
                        const ScoreIndices &at) {
  auto type = cast<MemRefType>(buffer.getType());
  Type elem = type.getElementType();
  int64_t width = cfg.width;
  VectorType vt = VectorType::get({width}, elem);
  Value zero = indexConst(b, 0);
  Value bIdx = type.getDimSize(0) == 1 ? zero : tile.b;
  Value hIdx = type.getDimSize(1) == 1 ? zero : tile.h;
  bool rowFixed = type.getDimSize(2) == 1, keyFixed = type.getDimSize(3) == 1;
  Value row = rowFixed ? zero : at.row, key = keyFixed ? zero : at.key;
  bool rowVaries = isVector(row), keyVaries = isVector(key);
  if (!rowVaries && !keyVaries)
    return lanes(b, memref::LoadOp::create(b, buffer, {bIdx, hIdx, row, key}),
                 width);
  Value transposed = buffer == cfg.bias   ? tile.biasTile
                     : buffer == cfg.mask ? tile.maskTile
                                          : Value();
  if (transposed && rowVaries) {
    // The key tile's operand, transposed to f32: the rows of one key are
    // contiguous.
    Value first = vector::ExtractOp::create(b, row, ArrayRef<int64_t>{0});
    VectorType f32Vec = VectorType::get({width}, b.getF32Type());
    Value x = vector::LoadOp::create(
        b, f32Vec, transposed,
        ValueRange{arith::SubIOp::create(b, key, tile.keyTileStart),
                   arith::SubIOp::create(b, first, tile.row0)});
    if (!elem.isInteger(1))
      return x;
    return arith::CmpFOp::create(
        b, arith::CmpFPredicate::ONE, x,
        arith::ConstantOp::create(b, b.getZeroAttr(f32Vec)));
  }
  if (keyVaries && !elem.isInteger(1) && !cfg.laneByLaneLoads) {
    // Consecutive keys: one vector read; lanes past Skv read the padding.
    Value base = vector::ExtractOp::create(b, key, ArrayRef<int64_t>{0});
    Value pad = arith::ConstantOp::create(b, b.getFloatAttr(elem, 0.0));
    return vector::TransferReadOp::create(b, vt, buffer,
                                          ValueRange{bIdx, hIdx, row, base},
                                          pad, ArrayRef<bool>{false});
  }
  // Query rows are strided, and i1 buffers hold one byte per element while
  // i1 vectors are bit-packed: lane by lane.
  Value vary = rowVaries ? row : key;
  Value last = arith::SubIOp::create(b, rowVaries ? cfg.queryLen : cfg.keyLen,
                                     indexConst(b, 1));
  SmallVector<Value> values;
  for (int64_t l = 0; l < width; ++l) {
    Value i = arith::MinSIOp::create(
        b, vector::ExtractOp::create(b, vary, ArrayRef<int64_t>{l}), last);
    SmallVector<Value> index = {bIdx, hIdx, rowVaries ? i : row,
                                rowVaries ? key : i};
    values.push_back(memref::LoadOp::create(b, buffer, index));
  }
  return vector::FromElementsOp::create(b, vt, values);
}
} // namespace

bool lowering::usesTransposedTile(const KernelConfig &cfg, Value operand) {
  if (!cfg.keyMajor || !operand || cfg.width != kTransposeBlock)
    return false;
  auto type = cast<ShapedType>(operand.getType());
  return type.getDimSize(2) != 1 && type.getDimSize(3) != 1;
}

/// `width` bytes of the i1 buffer (one byte per element) from
/// buffer[indices] along the last dimension, lanes at or past `limit` read
/// as 0, widened to f32 0 / 1. An i1 vector load would read bit-packed
/// lanes, so the bytes are read through an i8 view of the same buffer (a
/// cast that the LLVM lowering resolves: both memrefs lower to the same
/// descriptor).
static Value loadMaskBytes(ImplicitLocOpBuilder &b, Value buffer,
                           ValueRange indices, Value limit, int64_t width) {
  auto type = cast<MemRefType>(buffer.getType());
  auto bytesType = MemRefType::get(type.getShape(), b.getI8Type(),
                                   type.getLayout(), type.getMemorySpace());
  Value bytes =
      UnrealizedConversionCastOp::create(b, bytesType, buffer).getResult(0);
  VectorType idxVec = VectorType::get({width}, b.getIndexType());
  Value lanes = arith::AddIOp::create(
      b, vector::BroadcastOp::create(b, idxVec, indices.back()),
      vector::StepOp::create(b, idxVec));
  Value inside =
      arith::CmpIOp::create(b, arith::CmpIPredicate::slt, lanes,
                            vector::BroadcastOp::create(b, idxVec, limit));
  VectorType vecType = VectorType::get({width}, b.getI8Type());
  Value zero = arith::ConstantOp::create(b, b.getZeroAttr(vecType));
  Value loaded =
      vector::MaskedLoadOp::create(b, vecType, bytes, indices, inside, zero);
  return arith::UIToFPOp::create(b, VectorType::get({width}, b.getF32Type()),
                                 loaded);
}

/// Transposes a square block held as `rows.size()` (a power of two)
/// vectors of as many lanes. Stage g swaps bit g of the row index with bit g
/// of the lane index: each new row is one two-source shuffle of a pair of
/// rows, one instruction on x86 (vpermt2ps, unpck). A 2-D vector.transpose
/// of the block lowered to shuffles that LLVM recombined into a longer
/// sequence of lane inserts and extracts.
static SmallVector<Value> transposeSquare(ImplicitLocOpBuilder &b,
                                          ArrayRef<Value> rows) {
  int64_t n = rows.size();
  SmallVector<Value> current(rows);
  for (int64_t g = 1; g < n; g *= 2) {
    // Lane c of the low row of a pair comes from the row whose bit g is c's.
    SmallVector<int64_t> low, high;
    for (int64_t c = 0; c < n; ++c) {
      int64_t source = (c & g) ? n : 0;
      low.push_back(source + (c & ~g));
      high.push_back(source + (c | g));
    }
    SmallVector<Value> next(n);
    for (int64_t r = 0; r < n; ++r) {
      if (r & g)
        continue;
      next[r] = vector::ShuffleOp::create(b, current[r], current[r | g], low);
      next[r | g] =
          vector::ShuffleOp::create(b, current[r], current[r | g], high);
    }
    current = std::move(next);
  }
  return current;
}

void lowering::packTransposedTile(ImplicitLocOpBuilder &b,
                                  const KernelConfig &cfg,
                                  const QueryTile &tile, Value buffer,
                                  Value tileBuffer, Value k0, Value n) {
  auto type = cast<MemRefType>(buffer.getType());
  Type elem = type.getElementType();
  constexpr int64_t block = kTransposeBlock;
  VectorType rowType = VectorType::get({block}, elem);
  Value zero = indexConst(b, 0);
  Value bIdx = type.getDimSize(0) == 1 ? zero : tile.b;
  Value hIdx = type.getDimSize(1) == 1 ? zero : tile.h;
  Value lastRow = arith::SubIOp::create(b, cfg.queryLen, indexConst(b, 1));
  Value keyBlocks = arith::CeilDivUIOp::create(b, n, indexConst(b, block));
  // 16 keys of one row as f32: keys past Skv read 0 (hidden for a mask).
  auto readKeys = [&](ImplicitLocOpBuilder &rb, Value row, Value key) {
    if (elem.isInteger(1))
      return loadMaskBytes(rb, buffer, {bIdx, hIdx, row, key}, cfg.keyLen,
                           block);
    Value pad = arith::ConstantOp::create(rb, rb.getFloatAttr(elem, 0.0));
    return toF32(rb, vector::TransferReadOp::create(
                         rb, rowType, buffer, ValueRange{bIdx, hIdx, row, key},
                         pad, ArrayRef<bool>{false}));
  };
  forEachRowVectorBlock(
      b, cfg, tile, [&](ImplicitLocOpBuilder &rb, const ChunkBlock &rows) {
        buildCountedLoop(rb, keyBlocks, [&](ImplicitLocOpBuilder &kb, Value i) {
          Value j0 = arith::MulIOp::create(kb, i, indexConst(kb, block));
          Value key = arith::AddIOp::create(kb, k0, j0);
          for (int64_t c = 0; c < rows.count; ++c) {
            Value col = rows.column(kb, c);
            SmallVector<Value> keyRows;
            for (int64_t r = 0; r < block; ++r) {
              Value row = arith::MinSIOp::create(
                  kb,
                  arith::AddIOp::create(
                      kb, tile.row0,
                      arith::AddIOp::create(kb, col, indexConst(kb, r))),
                  lastRow);
              keyRows.push_back(readKeys(kb, row, key));
            }
            SmallVector<Value> rowsOfKeys = transposeSquare(kb, keyRows);
            for (int64_t t = 0; t < block; ++t)
              vector::StoreOp::create(
                  kb, rowsOfKeys[t], tileBuffer,
                  ValueRange{arith::AddIOp::create(kb, j0, indexConst(kb, t)),
                             col});
          }
        });
      });
}

FailureOr<Value> lowering::emitScoreChanges(ImplicitLocOpBuilder &b,
                                            const KernelConfig &cfg,
                                            const QueryTile &tile, Value s,
                                            const ScoreIndices &at) {
  AttentionOp op = cfg.op;
  int64_t width = cfg.width;
  if (cfg.bias)
    s = arith::AddFOp::create(
        b, s, toF32(b, loadBroadcastable(b, cfg, tile, cfg.bias, at)));
  if (op.getAlibi()) {
    // s -= m_h * (pos - j), m_h = 2^(-8 (h + 1) / Hq).
    Value h1 = arith::IndexCastOp::create(
        b, b.getI64Type(), arith::AddIOp::create(b, tile.h, indexConst(b, 1)));
    Value hf = arith::SIToFPOp::create(b, b.getF32Type(), h1);
    Value slope = math::Exp2Op::create(
        b, arith::MulFOp::create(b, hf, f32Const(b, -8.0 / cfg.queryHeads)));
    Value dist = arith::SubIOp::create(b, lanes(b, at.pos, width),
                                       lanes(b, at.key, width));
    Value distF = arith::SIToFPOp::create(
        b, VectorType::get({width}, b.getF32Type()),
        arith::IndexCastOp::create(b, VectorType::get({width}, b.getI64Type()),
                                   dist));
    s = arith::SubFOp::create(
        b, s, arith::MulFOp::create(b, splat(b, slope, width), distF));
  }
  if (std::optional<APFloat> cap = op.getSoftcap()) {
    Value c = splat(b, f32Const(b, cap->convertToDouble()), width);
    s = arith::MulFOp::create(
        b, c, math::TanhOp::create(b, arith::DivFOp::create(b, s, c)));
  }
  if (!op.getScoreMod().empty()) {
    FailureOr<Value> modded = vectorizeRegion(
        b, op.getScoreMod(), {s, tile.b, tile.h, at.pos, at.key}, width);
    if (failed(modded))
      return failure();
    s = *modded;
  }
  if (cfg.convertAfterMods)
    s = arith::MulFOp::create(b, s, splat(b, f32Const(b, M_LOG2E), width));
  return s;
}

Value lowering::emitVisibility(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                               const QueryTile &tile, const ScoreIndices &at,
                               Value keyEnd) {
  AttentionOp op = cfg.op;
  int64_t width = cfg.width;
  Value keys = lanes(b, at.key, width), pos = lanes(b, at.pos, width);
  using P = arith::CmpIPredicate;
  auto cmp = [&](P pred, Value lhs, Value rhs) -> Value {
    return arith::CmpIOp::create(b, pred, lhs, lanes(b, rhs, width));
  };
  auto both = [&](Value x, Value y) -> Value {
    return arith::AndIOp::create(b, x, y);
  };
  Value vis = cmp(P::slt, keys, keyEnd);
  if (op.getCausal())
    vis = both(vis, cmp(P::sle, keys, pos));
  auto [left, right] = op.getWindowBounds();
  if (left >= 0)
    vis = both(vis, cmp(P::sge, keys,
                        arith::SubIOp::create(
                            b, pos, lanes(b, indexConst(b, left), width))));
  if (right >= 0)
    vis = both(vis, cmp(P::sle, keys,
                        arith::AddIOp::create(
                            b, pos, lanes(b, indexConst(b, right), width))));
  if (tile.keyLimit)
    vis = both(vis, cmp(P::slt, keys, tile.keyLimit));
  if (cfg.mask)
    vis = both(vis, loadBroadcastable(b, cfg, tile, cfg.mask, at));
  if (!op.getMaskMod().empty()) {
    FailureOr<Value> modVis = vectorizeRegion(
        b, op.getMaskMod(), {tile.b, tile.h, at.pos, at.key}, width);
    // The region was checked to vectorise before anything was emitted.
    if (succeeded(modVis))
      vis = both(vis, *modVis);
  }
  return vis;
}

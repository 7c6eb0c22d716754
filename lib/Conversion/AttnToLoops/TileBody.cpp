//===- TileBody.cpp - one key tile of the fused attention loop ------------===//
//
// For the key tile [k0, k0 + n) of a query tile:
//   score.prepareKeyTile                     once, shared by all rows
//   for every row r of the query tile (that the normaliser still needs):
//     s[j] = score.rowScores(r)              one vector per chunk of keys
//     s[j] += relative key term              (relative_position)
//     s[j] = changes(s[j])                   bias, ALiBi, softcap, score_mod
//     s[j] = visible ? s[j] : hidden         masked tiles only
//     normalizer.updateRow(r)                online softmax and P*V, ...
// The scores of a row are kept both as SSA vectors and in the score tile
// row, where the normaliser may overwrite them with its weights.
//
// This is the inner tile of the design: an AVX-512 or AMX micro-kernel
// replaces the contractions here without touching the loop nest.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

namespace {
/// Emission helpers for one key tile; holds the builder and the parts.
class KeyTileEmitter {
public:
  KeyTileEmitter(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                 const QueryTile &tile, ScoreFunction &score,
                 RowNormalizer &normalizer, PositionTerms &positions, Value k0,
                 Value n, bool masked, unsigned pass)
      : b(b), cfg(cfg), tile(tile), score(score), normalizer(normalizer),
        positions(positions), k0(k0), n(n), masked(masked), pass(pass),
        f32(b.getF32Type()), vecType(VectorType::get({cfg.width}, f32)) {}

  LogicalResult emit();

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value f32Const(double v) {
    return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
  }
  Value splat(Value scalar, VectorType type) {
    return vector::BroadcastOp::create(b, type, scalar);
  }
  Value toF32(Value v) {
    Type elem = getElementTypeOrSelf(v.getType());
    if (elem.isF32())
      return v;
    Type target = f32;
    if (auto vt = dyn_cast<VectorType>(v.getType()))
      target = VectorType::get(vt.getShape(), f32);
    return arith::ExtFOp::create(b, target, v);
  }
  FailureOr<Value> scoreChanges(Value s, Value row, Value pos, Value keys);
  Value visibility(Value r, Value row, Value pos, Value keys);
  Value loadBroadcastable(Value buffer, Value row, Value keyBase, Type elem);
  LogicalResult emitRow(Value r);

  ImplicitLocOpBuilder &b;
  const KernelConfig &cfg;
  const QueryTile &tile;
  ScoreFunction &score;
  RowNormalizer &normalizer;
  PositionTerms &positions;
  Value k0, n;
  bool masked;
  unsigned pass;
  Type f32;
  VectorType vecType;
};
} // namespace

/// Loads width consecutive keys of a rank-4 broadcastable [B,H,Sq,Skv]
/// operand at (b, h, row, keyBase...), honouring size-1 dimensions.
Value KeyTileEmitter::loadBroadcastable(Value buffer, Value row, Value keyBase,
                                        Type elem) {
  auto type = cast<MemRefType>(buffer.getType());
  Value zero = idx(0);
  SmallVector<Value> base = {type.getDimSize(0) == 1 ? zero : tile.b,
                             type.getDimSize(1) == 1 ? zero : tile.h,
                             type.getDimSize(2) == 1 ? zero : row};
  VectorType vt = VectorType::get({cfg.width}, elem);
  if (type.getDimSize(3) == 1) {
    base.push_back(zero);
    return splat(memref::LoadOp::create(b, buffer, base), vt);
  }
  if (elem.isInteger(1)) {
    // i1 vectors are bit-packed in memory but i1 buffers hold one byte per
    // element, so masks are gathered lane by lane (clamped to the buffer).
    Value last = arith::SubIOp::create(b, cfg.keyLen, idx(1));
    SmallVector<Value> lanes;
    for (int64_t l = 0; l < cfg.width; ++l) {
      Value j = arith::MinSIOp::create(
          b, arith::AddIOp::create(b, keyBase, idx(l)), last);
      SmallVector<Value> at = base;
      at.push_back(j);
      lanes.push_back(memref::LoadOp::create(b, buffer, at));
    }
    return vector::FromElementsOp::create(b, vt, lanes);
  }
  base.push_back(keyBase);
  Value pad = arith::ConstantOp::create(b, b.getFloatAttr(elem, 0.0));
  // Out-of-range lanes (past Skv) read the padding.
  return vector::TransferReadOp::create(b, vt, buffer, base, pad,
                                        ArrayRef<bool>{false});
}

FailureOr<Value> KeyTileEmitter::scoreChanges(Value s, Value row, Value pos,
                                              Value keys) {
  AttentionOp op = cfg.op;
  if (cfg.bias) {
    Type elem = cast<MemRefType>(cfg.bias.getType()).getElementType();
    Value keyBase = vector::ExtractOp::create(b, keys, ArrayRef<int64_t>{0});
    s = arith::AddFOp::create(
        b, s, toF32(loadBroadcastable(cfg.bias, row, keyBase, elem)));
  }
  if (op.getAlibi()) {
    // s -= m_h * (pos - j), m_h = 2^(-8 (h + 1) / Hq).
    Value h1 = arith::IndexCastOp::create(
        b, b.getI64Type(), arith::AddIOp::create(b, tile.h, idx(1)));
    Value hf = arith::SIToFPOp::create(b, f32, h1);
    Value slope = math::Exp2Op::create(
        b, arith::MulFOp::create(b, hf, f32Const(-8.0 / cfg.queryHeads)));
    VectorType idxVec = VectorType::get({cfg.width}, b.getIndexType());
    Value dist = arith::SubIOp::create(b, splat(pos, idxVec), keys);
    Value distF = arith::SIToFPOp::create(
        b, vecType,
        arith::IndexCastOp::create(
            b, VectorType::get({cfg.width}, b.getI64Type()), dist));
    s = arith::SubFOp::create(
        b, s, arith::MulFOp::create(b, splat(slope, vecType), distF));
  }
  if (std::optional<APFloat> cap = op.getSoftcap()) {
    Value c = splat(f32Const(cap->convertToDouble()), vecType);
    s = arith::MulFOp::create(
        b, c, math::TanhOp::create(b, arith::DivFOp::create(b, s, c)));
  }
  if (!op.getScoreMod().empty()) {
    FailureOr<Value> modded = vectorizeRegion(
        b, op.getScoreMod(), {s, tile.b, tile.h, pos, keys}, cfg.width);
    if (failed(modded))
      return failure();
    s = *modded;
  }
  if (cfg.convertAfterMods)
    s = arith::MulFOp::create(b, s, splat(f32Const(M_LOG2E), vecType));
  return s;
}

Value KeyTileEmitter::visibility(Value r, Value row, Value pos, Value keys) {
  AttentionOp op = cfg.op;
  VectorType idxVec = VectorType::get({cfg.width}, b.getIndexType());
  using P = arith::CmpIPredicate;
  auto cmp = [&](P pred, Value lhs, Value rhsScalar) -> Value {
    return arith::CmpIOp::create(b, pred, lhs, splat(rhsScalar, idxVec));
  };
  auto both = [&](Value x, Value y) -> Value {
    return arith::AndIOp::create(b, x, y);
  };
  Value vis = cmp(P::slt, keys, arith::AddIOp::create(b, k0, n));
  if (op.getCausal())
    vis = both(vis, cmp(P::sle, keys, pos));
  auto [left, right] = op.getWindowBounds();
  if (left >= 0)
    vis =
        both(vis, cmp(P::sge, keys, arith::SubIOp::create(b, pos, idx(left))));
  if (right >= 0)
    vis =
        both(vis, cmp(P::sle, keys, arith::AddIOp::create(b, pos, idx(right))));
  if (tile.keyLimit)
    vis = both(vis, cmp(P::slt, keys, tile.keyLimit));
  if (cfg.mask) {
    Value keyBase = vector::ExtractOp::create(b, keys, ArrayRef<int64_t>{0});
    vis = both(vis, loadBroadcastable(cfg.mask, row, keyBase, b.getI1Type()));
  }
  if (!op.getMaskMod().empty()) {
    FailureOr<Value> modVis = vectorizeRegion(
        b, op.getMaskMod(), {tile.b, tile.h, pos, keys}, cfg.width);
    // The region was checked to vectorise in the score pass already.
    if (succeeded(modVis))
      vis = both(vis, *modVis);
  }
  if (Value window = positions.visibility(b, r, keys))
    vis = both(vis, window);
  return vis;
}

LogicalResult KeyTileEmitter::emitRow(Value r) {
  Value row = arith::AddIOp::create(b, tile.row0, r);
  Value pos = arith::AddIOp::create(b, row, cfg.alignOffset);
  VectorType idxVec = VectorType::get({cfg.width}, b.getIndexType());
  Value lanes = vector::StepOp::create(b, idxVec);
  Value hiddenV = splat(f32Const(normalizer.hiddenScore()), vecType);

  RowTile rowTile{r, row, pos, k0, n, masked, {}};
  for (auto [c, s] : llvm::enumerate(score.rowScores(b, tile, r))) {
    Value keyBase = arith::AddIOp::create(b, k0, idx(c * cfg.width));
    Value keys = arith::AddIOp::create(b, splat(keyBase, idxVec), lanes);
    s = positions.addToScore(b, r, row, keyBase, s);
    FailureOr<Value> changed = scoreChanges(s, row, pos, keys);
    if (failed(changed))
      return failure();
    s = *changed;
    if (masked)
      s = arith::SelectOp::create(b, visibility(r, row, pos, keys), s, hiddenV);
    vector::StoreOp::create(b, s, tile.scores,
                            ValueRange{r, idx(c * cfg.width)});
    rowTile.scores.push_back(s);
  }
  normalizer.updateRow(b, tile, rowTile, pass);
  return success();
}

LogicalResult KeyTileEmitter::emit() {
  score.prepareKeyTile(b, tile, k0, n);
  LogicalResult result = success();
  buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &ib, Value r) {
    auto emitRowWith = [&](ImplicitLocOpBuilder &rb) {
      KeyTileEmitter rowEmitter(rb, cfg, tile, score, normalizer, positions, k0,
                                n, masked, pass);
      if (failed(rowEmitter.emitRow(r)))
        result = failure();
    };
    // Rows the normaliser is done with (hard_sample after its sample), and
    // rows whose Gaussian window misses a masked tile, skip it, scores
    // included: for them the tile changes nothing.
    Value active = normalizer.rowActive(ib, tile, r, pass);
    if (Value meets = masked ? positions.rowMeetsTile(ib, r, k0, n) : Value())
      active = active ? arith::AndIOp::create(ib, active, meets) : meets;
    if (!active) {
      emitRowWith(ib);
      return;
    }
    scf::IfOp::create(ib, active, [&](OpBuilder &nb, Location loc) {
      ImplicitLocOpBuilder rb(loc, nb);
      emitRowWith(rb);
      scf::YieldOp::create(rb);
    });
  });
  return result;
}

LogicalResult lowering::emitKeyTile(ImplicitLocOpBuilder &b,
                                    const KernelConfig &cfg,
                                    const QueryTile &tile, ScoreFunction &score,
                                    RowNormalizer &normalizer,
                                    PositionTerms &positions, Value k0, Value n,
                                    bool masked, unsigned pass) {
  return KeyTileEmitter(b, cfg, tile, score, normalizer, positions, k0, n,
                        masked, pass)
      .emit();
}

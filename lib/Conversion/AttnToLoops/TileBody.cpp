//===- TileBody.cpp - one key tile of the fused attention loop ------------===//
//
// For every row r of the query tile and the key tile [k0, k0 + n):
//   s[j]    = qScaled[r] . k[j]                 vectorised over keys
//   s[j]    = changes(s[j]) (bias, ALiBi, softcap, score_mod), mask
//   m'      = max(m, max_j s[j])                 online softmax, log2 units
//   p[j]    = exp2(s[j] - m'), corr = exp2(m - m')
//   l       = l * corr + sum_j p[j]
//   acc[r]  = acc[r] * corr + sum_j p[j] v[j]   vectorised over Dv
// A row whose keys are all masked so far keeps m = -inf; exp2 is then taken
// against 0 instead of -inf so no NaN appears (safe softmax).
//
// This is the inner tile of the design: an AVX-512 or AMX micro-kernel
// replaces the two contractions here without touching the loop nest.
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
/// Emission helpers for one key tile; holds the builder and the config.
class KeyTileEmitter {
public:
  KeyTileEmitter(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                 const QueryTile &tile, Value k0, Value n, bool masked)
      : b(b), cfg(cfg), tile(tile), k0(k0), n(n), masked(masked),
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
  void transposeKeyTile();
  FailureOr<Value> scoreChanges(Value s, Value row, Value pos, Value keys);
  Value visibility(Value row, Value pos, Value keys);
  Value loadBroadcastable(Value buffer, Value row, Value keyBase, Type elem);
  LogicalResult emitRow(Value r);

  ImplicitLocOpBuilder &b;
  const KernelConfig &cfg;
  const QueryTile &tile;
  Value k0, n;
  bool masked;
  Type f32;
  VectorType vecType;
};
} // namespace

void KeyTileEmitter::transposeKeyTile() {
  // kT[d, j] = k[b, kvHead, k0 + j, d]: the score loop then reads keys as
  // contiguous vectors. Cost D * n per tile, shared by all query rows.
  Value headDim = idx(cfg.headDim);
  buildCountedLoop(b, n, [&](ImplicitLocOpBuilder &jb, Value j) {
    Value key = arith::AddIOp::create(jb, k0, j);
    buildCountedLoop(jb, headDim, [&](ImplicitLocOpBuilder &db, Value d) {
      memref::StoreOp::create(
          db, loadAsF32(db, cfg.key, {tile.b, tile.kvHead, key, d}), tile.kT,
          ValueRange{d, j});
    });
  });
}

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

Value KeyTileEmitter::visibility(Value row, Value pos, Value keys) {
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
  return vis;
}

LogicalResult KeyTileEmitter::emitRow(Value r) {
  int64_t chunks = cfg.keyTile / cfg.width;
  Value row = arith::AddIOp::create(b, tile.row0, r);
  Value pos = arith::AddIOp::create(b, row, cfg.alignOffset);

  // Scores: chunks vector accumulators over the head dimension.
  Value zeroV = splat(f32Const(0.0), vecType);
  SmallVector<Value> init(chunks, zeroV);
  auto dot = buildCountedLoop(
      b, idx(cfg.headDim), init,
      [&](ImplicitLocOpBuilder &ib, Value d, ValueRange accs) {
        Value q = memref::LoadOp::create(ib, tile.qScaled, ValueRange{r, d});
        Value qv = vector::BroadcastOp::create(ib, vecType, q);
        SmallVector<Value> next;
        for (int64_t c = 0; c < chunks; ++c) {
          Value kv = vector::LoadOp::create(
              ib, vecType, tile.kT,
              ValueRange{d, arith::ConstantIndexOp::create(ib, c * cfg.width)});
          next.push_back(vector::FMAOp::create(ib, qv, kv, accs[c]));
        }
        return next;
      });

  VectorType idxVec = VectorType::get({cfg.width}, b.getIndexType());
  Value lanes = vector::StepOp::create(b, idxVec);
  Value negInf = f32Const(-std::numeric_limits<double>::infinity());
  Value negInfV = splat(negInf, vecType);
  Value maxV = negInfV;
  for (int64_t c = 0; c < chunks; ++c) {
    Value keys = arith::AddIOp::create(
        b, splat(arith::AddIOp::create(b, k0, idx(c * cfg.width)), idxVec),
        lanes);
    FailureOr<Value> s = scoreChanges(dot.getResult(c), row, pos, keys);
    if (failed(s))
      return failure();
    Value sv = *s;
    if (masked)
      sv = arith::SelectOp::create(b, visibility(row, pos, keys), sv, negInfV);
    vector::StoreOp::create(b, sv, tile.scores,
                            ValueRange{r, idx(c * cfg.width)});
    maxV = arith::MaximumFOp::create(b, maxV, sv);
  }

  // Online softmax update.
  Value tileMax =
      vector::ReductionOp::create(b, vector::CombiningKind::MAXIMUMF, maxV);
  Value oldMax = memref::LoadOp::create(b, tile.rowMax, ValueRange{r});
  Value newMax = arith::MaximumFOp::create(b, oldMax, tileMax);
  Value allMasked =
      arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, newMax, negInf);
  Value base = arith::SelectOp::create(b, allMasked, f32Const(0.0), newMax);
  Value corr = math::Exp2Op::create(b, arith::SubFOp::create(b, oldMax, base));
  Value baseV = splat(base, vecType);
  Value sumV = zeroV;
  for (int64_t c = 0; c < chunks; ++c) {
    SmallVector<Value> at = {r, idx(c * cfg.width)};
    Value sv = vector::LoadOp::create(b, vecType, tile.scores, at);
    Value p = math::Exp2Op::create(b, arith::SubFOp::create(b, sv, baseV));
    vector::StoreOp::create(b, p, tile.scores, at);
    sumV = arith::AddFOp::create(b, sumV, p);
  }
  Value tileSum =
      vector::ReductionOp::create(b, vector::CombiningKind::ADD, sumV);
  Value oldSum = memref::LoadOp::create(b, tile.rowSum, ValueRange{r});
  memref::StoreOp::create(
      b,
      arith::AddFOp::create(b, arith::MulFOp::create(b, oldSum, corr), tileSum),
      tile.rowSum, ValueRange{r});
  memref::StoreOp::create(b, newMax, tile.rowMax, ValueRange{r});

  // acc[r] = acc[r] * corr + sum_j p[j] v[j], vectorised over Dv.
  VectorType accType = VectorType::get({cfg.valueWidth}, f32);
  VectorType vLoadType = VectorType::get({cfg.valueWidth}, cfg.elementType);
  int64_t accChunks = cfg.valueDim / cfg.valueWidth;
  Value corrV = splat(corr, accType);
  SmallVector<Value> accInit;
  for (int64_t e = 0; e < accChunks; ++e) {
    Value a = vector::LoadOp::create(b, accType, tile.acc,
                                     ValueRange{r, idx(e * cfg.valueWidth)});
    accInit.push_back(arith::MulFOp::create(b, a, corrV));
  }
  auto pv = buildCountedLoop(
      b, n, accInit, [&](ImplicitLocOpBuilder &ib, Value j, ValueRange accs) {
        Value p = memref::LoadOp::create(ib, tile.scores, ValueRange{r, j});
        Value pV = vector::BroadcastOp::create(ib, accType, p);
        Value key = arith::AddIOp::create(ib, k0, j);
        SmallVector<Value> next;
        for (int64_t e = 0; e < accChunks; ++e) {
          Value v =
              vector::LoadOp::create(ib, vLoadType, cfg.value,
                                     ValueRange{tile.b, tile.kvHead, key,
                                                arith::ConstantIndexOp::create(
                                                    ib, e * cfg.valueWidth)});
          if (!cfg.elementType.isF32())
            v = arith::ExtFOp::create(ib, accType, v);
          next.push_back(vector::FMAOp::create(ib, pV, v, accs[e]));
        }
        return next;
      });
  for (int64_t e = 0; e < accChunks; ++e)
    vector::StoreOp::create(b, pv.getResult(e), tile.acc,
                            ValueRange{r, idx(e * cfg.valueWidth)});
  return success();
}

LogicalResult KeyTileEmitter::emit() {
  transposeKeyTile();
  LogicalResult result = success();
  buildCountedLoop(b, tile.rows, [&](ImplicitLocOpBuilder &ib, Value r) {
    KeyTileEmitter rowEmitter(ib, cfg, tile, k0, n, masked);
    if (failed(rowEmitter.emitRow(r)))
      result = failure();
  });
  return result;
}

LogicalResult lowering::emitKeyTile(ImplicitLocOpBuilder &b,
                                    const KernelConfig &cfg,
                                    const QueryTile &tile, Value k0, Value n,
                                    bool masked) {
  return KeyTileEmitter(b, cfg, tile, k0, n, masked).emit();
}

//===- AttnTile.cpp - attn.attention to a fused tiled loop nest -----------===//
//
// The loop nest of one attention op:
//
//   out = alloc [B, Hq, Sq, Dv]
//   scf.parallel (b, h, t) in [B, Hq, ceil(Sq / Tq)]:
//     alloca_scope: qScaled, kT, scores, m, l, acc  (O(tile) scratch)
//       qScaled = q[b, h, t*Tq ...] * scale
//       m = -inf, l = 0, acc = 0
//       for k0 in live key range, step Tk:  (mask analysis, KeyRange.cpp)
//         if tile fully visible: key tile without mask arithmetic
//         else:                  key tile with masks
//       out[b, h, rows] = acc / l  (0 for a row without visible key)
//       lse[b, h, rows] = (m + log2 l) * ln 2
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <limits>

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNTILE
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

namespace {

/// Rejects what this lowering does not implement yet, naming it.
LogicalResult checkSupported(AttentionOp op) {
  if (op.getScore() != ScoreKind::dot)
    return op.emitOpError() << "score '" << stringifyScoreKind(op.getScore())
                            << "' is not supported by attn-tile yet";
  if (op.getNormalizer() != Normalizer::softmax)
    return op.emitOpError()
           << "normalizer '" << stringifyNormalizer(op.getNormalizer())
           << "' is not supported by attn-tile yet";
  if (op.getRelativeClip() || op.getGaussianWindow())
    return op.emitOpError()
           << "positional operands are not supported by attn-tile yet";
  return success();
}

/// The largest vector width <= preferred that divides `size`.
int64_t widthFor(int64_t size, int64_t preferred) {
  int64_t w = preferred;
  while (w > 1 && size % w != 0)
    w /= 2;
  return w;
}

class AttentionLowering {
public:
  AttentionLowering(AttentionOp op, int64_t queryTile, int64_t keyTile,
                    int64_t width)
      : op(op), b(op.getLoc(), op) {
    cfg.op = op;
    cfg.queryTile = queryTile;
    cfg.keyTile = keyTile;
    cfg.width = width;
  }

  LogicalResult run();

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value toBuffer(Value tensor) {
    if (!tensor)
      return {};
    auto type = cast<RankedTensorType>(tensor.getType());
    return bufferization::ToBufferOp::create(
        b, MemRefType::get(type.getShape(), type.getElementType()), tensor,
        /*read_only=*/true);
  }
  Value allocLike(Value tensorResult, ValueRange dynSizes) {
    auto type = cast<RankedTensorType>(tensorResult.getType());
    auto memType = MemRefType::get(type.getShape(), type.getElementType());
    SmallVector<Value> dyn;
    for (auto [i, size] : llvm::enumerate(type.getShape()))
      if (ShapedType::isDynamic(size))
        dyn.push_back(dynSizes[i]);
    return memref::AllocOp::create(b, memType, dyn, b.getI64IntegerAttr(64));
  }

  LogicalResult emitQueryTile(ImplicitLocOpBuilder &ib, ValueRange ivs);
  void emitQueryLoad(ImplicitLocOpBuilder &ib, const QueryTile &tile);
  void emitStateInit(ImplicitLocOpBuilder &ib, const QueryTile &tile);
  void emitEpilogue(ImplicitLocOpBuilder &ib, const QueryTile &tile);

  AttentionOp op;
  ImplicitLocOpBuilder b;
  KernelConfig cfg;
};

LogicalResult AttentionLowering::run() {
  if (failed(checkSupported(op)))
    return failure();
  auto qType = op.getQuery().getType();
  cfg.elementType = qType.getElementType();
  cfg.queryHeads = op.getQueryHeads();
  cfg.kvHeads = op.getKeyValueHeads();
  cfg.headDim = qType.getDimSize(3);
  cfg.valueDim = op.getValue().getType().getDimSize(3);
  cfg.valueWidth = widthFor(cfg.valueDim, cfg.width);
  bool hasMods = op.getBias() || op.getAlibi() || op.getSoftcap() ||
                 !op.getScoreMod().empty();
  cfg.convertAfterMods = hasMods;
  cfg.queryScale = op.getEffectiveScale() * (hasMods ? 1.0f : float(M_LOG2E));

  // Check the regions vectorise before emitting anything.
  for (Region *region : {&op.getScoreMod(), &op.getMaskMod()}) {
    if (region->empty())
      continue;
    for (Operation &inner : region->front().without_terminator())
      if (!inner.hasTrait<OpTrait::ConstantLike>() &&
          (!inner.hasTrait<OpTrait::Elementwise>() ||
           inner.getNumResults() != 1))
        return inner.emitOpError()
               << "cannot be evaluated on vectors by attn-tile: region ops "
                  "must be constants or elementwise with one result";
  }

  cfg.query = toBuffer(op.getQuery());
  cfg.key = toBuffer(op.getKey());
  cfg.value = toBuffer(op.getValue());
  cfg.mask = toBuffer(op.getMask());
  cfg.bias = toBuffer(op.getBias());
  cfg.keyLengths = toBuffer(op.getKeyLengths());
  cfg.batch = memref::DimOp::create(b, cfg.query, 0);
  cfg.queryLen = memref::DimOp::create(b, cfg.query, 2);
  cfg.keyLen = memref::DimOp::create(b, cfg.key, 2);
  cfg.alignOffset = arith::SubIOp::create(b, cfg.keyLen, cfg.queryLen);

  Value hq = idx(cfg.queryHeads), dv = idx(cfg.valueDim);
  cfg.output = allocLike(op.getOutput(), {cfg.batch, hq, cfg.queryLen, dv});
  if (op.getLse())
    cfg.lse = allocLike(op.getLse(), {cfg.batch, hq, cfg.queryLen});

  Value numTiles =
      arith::CeilDivSIOp::create(b, cfg.queryLen, idx(cfg.queryTile));
  // The (batch, head, query tile) work items are independent: an
  // scf.parallel that a threading pass (scf-to-openmp) may distribute. Each
  // item owns its scratch, O(tile) and independent of the sequence lengths,
  // on the stack of an alloca_scope so that a sequential lowering does not
  // grow the stack per iteration.
  LogicalResult result = success();
  Value zero = idx(0), one = idx(1);
  scf::ParallelOp::create(
      b, ValueRange{zero, zero, zero}, ValueRange{cfg.batch, hq, numTiles},
      ValueRange{one, one, one},
      [&](OpBuilder &nested, Location loc, ValueRange ivs) {
        ImplicitLocOpBuilder ib(loc, nested);
        auto scope = memref::AllocaScopeOp::create(ib, TypeRange{});
        ib.setInsertionPointToStart(&scope.getBodyRegion().emplaceBlock());
        if (failed(emitQueryTile(ib, ivs)))
          result = failure();
        memref::AllocaScopeReturnOp::create(ib, ValueRange{});
        ib.setInsertionPointAfter(scope);
        scf::ReduceOp::create(ib);
      });
  if (failed(result))
    return failure();

  SmallVector<Value> results = {
      bufferization::ToTensorOp::create(b, op.getOutput().getType(), cfg.output,
                                        b.getUnitAttr(), b.getUnitAttr())};
  if (op.getLse())
    results.push_back(bufferization::ToTensorOp::create(
        b, op.getLse().getType(), cfg.lse, b.getUnitAttr(), b.getUnitAttr()));
  op->replaceAllUsesWith(results);
  op->erase();
  return success();
}

void AttentionLowering::emitQueryLoad(ImplicitLocOpBuilder &ib,
                                      const QueryTile &tile) {
  Value scale =
      arith::ConstantOp::create(ib, ib.getF32FloatAttr(cfg.queryScale));
  Value headDim = arith::ConstantIndexOp::create(ib, cfg.headDim);
  buildCountedLoop(ib, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
    Value row = arith::AddIOp::create(rb, tile.row0, r);
    buildCountedLoop(rb, headDim, [&](ImplicitLocOpBuilder &db, Value d) {
      Value x = loadAsF32(db, cfg.query, {tile.b, tile.h, row, d});
      memref::StoreOp::create(db, arith::MulFOp::create(db, x, scale),
                              tile.qScaled, ValueRange{r, d});
    });
  });
}

void AttentionLowering::emitEpilogue(ImplicitLocOpBuilder &ib,
                                     const QueryTile &tile) {
  Type f32 = ib.getF32Type();
  VectorType accType = VectorType::get({cfg.valueWidth}, f32);
  VectorType outType = VectorType::get({cfg.valueWidth}, cfg.elementType);
  buildCountedLoop(ib, tile.rows, [&](ImplicitLocOpBuilder &rb, Value r) {
    Value row = arith::AddIOp::create(rb, tile.row0, r);
    Value sum = memref::LoadOp::create(rb, tile.rowSum, ValueRange{r});
    Value fzero = arith::ConstantOp::create(rb, rb.getF32FloatAttr(0.0));
    Value positive =
        arith::CmpFOp::create(rb, arith::CmpFPredicate::OGT, sum, fzero);
    // A row without a visible key has l = 0: it outputs zeros.
    Value inv = arith::SelectOp::create(
        rb, positive,
        arith::DivFOp::create(
            rb, arith::ConstantOp::create(rb, rb.getF32FloatAttr(1.0)), sum),
        fzero);
    Value invV = vector::BroadcastOp::create(rb, accType, inv);
    for (int64_t e = 0; e < cfg.valueDim / cfg.valueWidth; ++e) {
      Value col = arith::ConstantIndexOp::create(rb, e * cfg.valueWidth);
      Value a =
          vector::LoadOp::create(rb, accType, tile.acc, ValueRange{r, col});
      Value o = arith::MulFOp::create(rb, a, invV);
      if (!cfg.elementType.isF32())
        o = arith::TruncFOp::create(rb, outType, o);
      vector::StoreOp::create(rb, o, cfg.output,
                              ValueRange{tile.b, tile.h, row, col});
    }
    if (cfg.lse) {
      // lse = (m + log2 l) * ln 2, with m in log2 units; -inf when l = 0.
      Value m = memref::LoadOp::create(rb, tile.rowMax, ValueRange{r});
      Value lse = arith::MulFOp::create(
          rb, arith::AddFOp::create(rb, m, math::Log2Op::create(rb, sum)),
          arith::ConstantOp::create(rb, rb.getF32FloatAttr(M_LN2)));
      Value negInf = arith::ConstantOp::create(
          rb, rb.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
      memref::StoreOp::create(
          rb, arith::SelectOp::create(rb, positive, lse, negInf), cfg.lse,
          ValueRange{tile.b, tile.h, row});
    }
  });
}

LogicalResult AttentionLowering::emitQueryTile(ImplicitLocOpBuilder &ib,
                                               ValueRange ivs) {
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ib, v);
  };
  QueryTile tile;
  tile.b = ivs[0];
  tile.h = ivs[1];
  tile.kvHead =
      arith::DivUIOp::create(ib, tile.h, cst(cfg.queryHeads / cfg.kvHeads));
  tile.row0 = arith::MulIOp::create(ib, ivs[2], cst(cfg.queryTile));
  tile.rows = arith::MinSIOp::create(
      ib, cst(cfg.queryTile),
      arith::SubIOp::create(ib, cfg.queryLen, tile.row0));
  if (cfg.keyLengths) {
    // Lengths outside [0, Skv] are clamped: a negative length hides every
    // key, a length past the end shows them all.
    Value len = arith::IndexCastOp::create(
        ib, ib.getIndexType(),
        memref::LoadOp::create(ib, cfg.keyLengths, ValueRange{tile.b}));
    tile.keyLimit = arith::MaxSIOp::create(
        ib, cst(0), arith::MinSIOp::create(ib, len, cfg.keyLen));
  }
  Type f32 = ib.getF32Type();
  auto stackBuffer = [&](ArrayRef<int64_t> shape) -> Value {
    return memref::AllocaOp::create(ib, MemRefType::get(shape, f32),
                                    ib.getI64IntegerAttr(64));
  };
  tile.qScaled = stackBuffer({cfg.queryTile, cfg.headDim});
  tile.kT = stackBuffer({cfg.headDim, cfg.keyTile});
  tile.scores = stackBuffer({cfg.queryTile, cfg.keyTile});
  tile.rowMax = stackBuffer({cfg.queryTile});
  tile.rowSum = stackBuffer({cfg.queryTile});
  tile.acc = stackBuffer({cfg.queryTile, cfg.valueDim});

  emitQueryLoad(ib, tile);
  emitStateInit(ib, tile);

  // The key loop runs over the live range only; each tile picks the variant
  // without mask arithmetic when the named masks show all of it.
  KeyRange range = computeKeyRange(ib, cfg, tile);
  bool opaqueMask = op.hasUnanalysableMask();
  LogicalResult result = success();
  scf::ForOp::create(
      ib, range.begin, range.end, cst(cfg.keyTile), ValueRange{},
      [&](OpBuilder &nb, Location loc, Value k0, ValueRange) {
        ImplicitLocOpBuilder kb(loc, nb);
        Value tileEnd = arith::AddIOp::create(
            kb, k0, arith::ConstantIndexOp::create(kb, cfg.keyTile));
        Value n = arith::SubIOp::create(
            kb, arith::MinSIOp::create(kb, tileEnd, range.end), k0);
        auto emitVariant = [&](bool masked) {
          return [&, masked](OpBuilder &vb, Location vloc) {
            ImplicitLocOpBuilder vib(vloc, vb);
            if (failed(emitKeyTile(vib, cfg, tile, k0, n, masked)))
              result = failure();
            scf::YieldOp::create(vib);
          };
        };
        if (opaqueMask) {
          if (failed(emitKeyTile(kb, cfg, tile, k0, n, /*masked=*/true)))
            result = failure();
        } else {
          using P = arith::CmpIPredicate;
          Value full = arith::AndIOp::create(
              kb, arith::CmpIOp::create(kb, P::sle, range.fullBegin, k0),
              arith::CmpIOp::create(kb, P::sle, tileEnd, range.fullEnd));
          scf::IfOp::create(kb, full, emitVariant(false), emitVariant(true));
        }
        scf::YieldOp::create(kb);
      });
  if (failed(result))
    return failure();
  emitEpilogue(ib, tile);
  return success();
}

void AttentionLowering::emitStateInit(ImplicitLocOpBuilder &ib,
                                      const QueryTile &tile) {
  Type f32 = ib.getF32Type();
  VectorType accType = VectorType::get({cfg.valueWidth}, f32);
  Value negInf = arith::ConstantOp::create(
      ib, ib.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
  Value fzero = arith::ConstantOp::create(ib, ib.getF32FloatAttr(0.0));
  Value zeroV = vector::BroadcastOp::create(ib, accType, fzero);
  buildCountedLoop(
      ib, arith::ConstantIndexOp::create(ib, cfg.queryTile),
      [&](ImplicitLocOpBuilder &rb, Value r) {
        memref::StoreOp::create(rb, negInf, tile.rowMax, ValueRange{r});
        memref::StoreOp::create(rb, fzero, tile.rowSum, ValueRange{r});
        for (int64_t e = 0; e < cfg.valueDim / cfg.valueWidth; ++e)
          vector::StoreOp::create(rb, zeroV, tile.acc,
                                  ValueRange{r, arith::ConstantIndexOp::create(
                                                    rb, e * cfg.valueWidth)});
      });
}

struct AttnTilePass : mlir::attn::impl::AttnTileBase<AttnTilePass> {
  using AttnTileBase::AttnTileBase;
  void runOnOperation() override {
    if (queryTile < 1 || keyTile < 1 || vectorWidth < 1 ||
        keyTile % vectorWidth != 0) {
      getOperation().emitError()
          << "attn-tile expects positive query-tile, key-tile and "
             "vector-width with key-tile a multiple of vector-width, but got "
          << int64_t(queryTile) << ", " << int64_t(keyTile) << ", "
          << int64_t(vectorWidth);
      return signalPassFailure();
    }
    SmallVector<AttentionOp> ops;
    getOperation().walk([&](AttentionOp op) { ops.push_back(op); });
    for (AttentionOp op : ops)
      if (failed(AttentionLowering(op, queryTile, keyTile, vectorWidth).run()))
        return signalPassFailure();
  }
};

} // namespace

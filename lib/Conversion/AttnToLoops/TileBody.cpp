//===- TileBody.cpp - one key tile of the fused loop, row by row ----------===//
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
// The row-major tile serves the parts that work row by row (additive and
// multi_dimensional scores, hard, topk and hard_sample, positional terms);
// the others take the key-major tile of KeyMajorTile.cpp, whose
// contractions are register tiles.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"
#include "Positions.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

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

LogicalResult KeyTileEmitter::emitRow(Value r) {
  Value row = arith::AddIOp::create(b, tile.row0, r);
  Value pos = arith::AddIOp::create(b, row, cfg.alignOffset);
  VectorType idxVec = VectorType::get({cfg.width}, b.getIndexType());
  Value lanes = vector::StepOp::create(b, idxVec);
  Value hiddenV = splat(f32Const(normalizer.hiddenScore()), vecType);
  Value keyEnd = arith::AddIOp::create(b, k0, n);

  RowTile rowTile{r, row, pos, k0, n, masked, {}};
  for (auto [c, s] : llvm::enumerate(score.rowScores(b, tile, r))) {
    Value keyBase = arith::AddIOp::create(b, k0, idx(c * cfg.width));
    Value keys = arith::AddIOp::create(b, splat(keyBase, idxVec), lanes);
    PositionTerms::ChunkTerms terms =
        positions.applyToChunk(b, r, row, pos, keyBase, keys, s);
    s = terms.score;
    ScoreIndices at{row, pos, keys};
    FailureOr<Value> changed = emitScoreChanges(b, cfg, tile, s, at);
    if (failed(changed))
      return failure();
    s = *changed;
    if (masked) {
      Value vis = emitVisibility(b, cfg, tile, at, keyEnd);
      if (terms.visible)
        vis = arith::AndIOp::create(b, vis, terms.visible);
      s = arith::SelectOp::create(b, vis, s, hiddenV);
    }
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
    // rows whose Gaussian or grid window misses a masked tile, skip it,
    // scores included: for them the tile changes nothing.
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

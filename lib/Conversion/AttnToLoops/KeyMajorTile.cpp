//===- KeyMajorTile.cpp - one key tile with query rows in the lanes -------===//
//
// The key-major inner tile, for the key tile [k0, k0 + n) of a query tile:
//
//   S^T = K_t Q'^T          register tiles of keys x row vectors; Q' is
//                           transposed once per query tile (qT[d, r]) and K
//                           is read in place, a broadcast scalar per key
//   S^T = changes, masks    per vector of rows of one key (ScoreChanges.cpp,
//                           the same code as the row-major tile; the
//                           relative key term from a skewed table,
//                           Positions.cpp)
//   normaliser              online max and sum with rows in the lanes: all
//                           reductions run along the keys, lane-wise, no
//                           horizontal shuffles
//   acc = acc corr + P V    register tiles of rows x value chunks
//
// tile.scores is [keyTile, paddedRows]: a vector of it holds one key's
// scores (then weights) for `width` consecutive query rows.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"
#include "Positions.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

/// Interleaves two vectors of `width` bf16 (the weights or values of keys
/// 2p and 2p + 1) as one of 2 width: lane 2l + e holds lane l of the e-th.
static Value interleavePair(ImplicitLocOpBuilder &b, Value even, Value odd) {
  int64_t width = cast<VectorType>(even.getType()).getNumElements();
  SmallVector<int64_t> lanes;
  for (int64_t l = 0; l < width; ++l) {
    lanes.push_back(l);
    lanes.push_back(width + l);
  }
  return vector::ShuffleOp::create(b, even, odd, lanes);
}

/// Fills tile.weightPairs and tile.valuePairs for the keys [k0, k0 + n):
/// the weights rounded to bf16, both in pairs of consecutive keys. The pair
/// of an odd last key is completed with zero weight and zero value (a value
/// read past the tile could be an Inf or NaN that 0 * x would spread).
/// Returns the number of pairs, ceil(n / 2).
static Value packPairs(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                       const QueryTile &tile, Value k0, Value n) {
  Value one = indexConst(b, 1), two = indexConst(b, 2);
  Value pairs =
      arith::DivUIOp::create(b, arith::AddIOp::create(b, n, one), two);
  Value last = arith::SubIOp::create(b, n, one);
  VectorType bf16Vec = VectorType::get({cfg.width}, b.getBF16Type());
  VectorType f32Vec = VectorType::get({cfg.width}, b.getF32Type());
  buildCountedLoop(b, pairs, [&](ImplicitLocOpBuilder &pb, Value p) {
    Value even = arith::MulIOp::create(pb, p, two);
    Value odd = arith::AddIOp::create(pb, even, one);
    Value hasOdd = arith::CmpIOp::create(pb, arith::CmpIPredicate::ult, odd, n);
    odd = arith::MinUIOp::create(pb, odd, last);
    Value zero = arith::ConstantOp::create(pb, pb.getZeroAttr(bf16Vec));
    int64_t chunks = cfg.valueDim / cfg.width;
    forEachChunkBlock(
        pb, chunks, cfg.width,
        [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
          for (int64_t c = 0; c < block.count; ++c) {
            Value col = block.column(cb, c);
            auto load = [&](Value j) {
              return vector::LoadOp::create(
                  cb, bf16Vec, cfg.value,
                  kvIndices(cb, cfg, tile, arith::AddIOp::create(cb, k0, j),
                            col));
            };
            Value second = arith::SelectOp::create(cb, hasOdd, load(odd), zero);
            vector::StoreOp::create(
                cb, interleavePair(cb, load(even), second), tile.valuePairs,
                ValueRange{p, arith::MulIOp::create(cb, col, two)});
          }
        });
    forEachRowVectorBlock(
        pb, cfg, tile, [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
          for (int64_t c = 0; c < block.count; ++c) {
            Value col = block.column(cb, c);
            // vcvtneps2bf16 (AVX512-BF16, which the pair dot products
            // need anyway) rounds to nearest even in one instruction;
            // arith.truncf would be expanded to integer arithmetic.
            auto weights = [&](Value j) -> Value {
              return x86vector::CvtPackedF32ToBF16Op::create(
                  cb, bf16Vec,
                  vector::LoadOp::create(cb, f32Vec, tile.scores,
                                         ValueRange{j, col}));
            };
            Value second =
                arith::SelectOp::create(cb, hasOdd, weights(odd), zero);
            vector::StoreOp::create(
                cb, interleavePair(cb, weights(even), second), tile.weightPairs,
                ValueRange{p, arith::MulIOp::create(cb, col, two)});
          }
        });
  });
  return pairs;
}

void lowering::emitKeyMajorWeightedValues(ImplicitLocOpBuilder &b,
                                          const KernelConfig &cfg,
                                          const QueryTile &tile, Value acc,
                                          Value k0, Value n, Value corr) {
  int64_t chunks = cfg.valueDim / cfg.valueWidth;
  TileShape shape = chooseTileShape(cfg.vectorRegisters, chunks);
  VectorType accType = VectorType::get({cfg.valueWidth}, b.getF32Type());
  // bf16: each step of the contraction takes a pair of keys, the weight
  // pair of a row as one 32-bit broadcast and the value pairs of 16
  // columns as one vector of 32 bf16, and vdpbf16ps adds both products.
  bool pairs = cfg.bf16Values;
  Value depth = n;
  if (pairs)
    depth = packPairs(b, cfg, tile, k0, n);
  VectorType pairType = VectorType::get({2 * cfg.width}, b.getBF16Type());
  auto pairDot = [](ImplicitLocOpBuilder &ab, Value a, Value l, Value r) {
    return Value(x86vector::DotBF16Op::create(ab, a.getType(), a, l, r));
  };
  auto emitBlock = [&](ImplicitLocOpBuilder &bb, const ChunkBlock &block) {
    int64_t cols = block.count;
    forEachRowBlock(
        bb, tile.rows, shape.rows,
        [&](ImplicitLocOpBuilder &rb, Value r0, int64_t rows) {
          SmallVector<Value> rowIdx, column, init;
          for (int64_t i = 0; i < rows; ++i)
            rowIdx.push_back(arith::AddIOp::create(rb, r0, indexConst(rb, i)));
          for (int64_t c = 0; c < cols; ++c)
            column.push_back(block.column(rb, c));
          for (int64_t i = 0; i < rows; ++i) {
            Value factor;
            if (corr)
              factor = splat(rb, memref::LoadOp::create(rb, corr, rowIdx[i]),
                             cfg.valueWidth);
            for (int64_t c = 0; c < cols; ++c) {
              Value a = vector::LoadOp::create(
                  rb, accType, acc, ValueRange{rowIdx[i], column[c]});
              init.push_back(factor ? arith::MulFOp::create(rb, a, factor) : a);
            }
          }
          Value two = indexConst(rb, 2);
          SmallVector<Value> result = emitRegisterTile(
              rb, rows, cols, depth, init,
              [&](ImplicitLocOpBuilder &lb, int64_t i, Value j) -> Value {
                if (!pairs)
                  return memref::LoadOp::create(lb, tile.scores,
                                                ValueRange{j, rowIdx[i]});
                return broadcastPair(
                    lb, tile.weightPairs,
                    {j, arith::MulIOp::create(lb, rowIdx[i], two)}, cfg.width);
              },
              [&](ImplicitLocOpBuilder &lb, Value j, int64_t c) -> Value {
                if (pairs)
                  return vector::LoadOp::create(
                      lb, pairType, tile.valuePairs,
                      ValueRange{j, arith::MulIOp::create(lb, column[c], two)});
                Value key = arith::AddIOp::create(lb, k0, j);
                return loadVectorAsF32(lb, cfg.value,
                                       kvIndices(lb, cfg, tile, key, column[c]),
                                       cfg.valueWidth);
              },
              pairs ? TileAccumulate(pairDot) : TileAccumulate());
          for (int64_t i = 0; i < rows; ++i)
            for (int64_t c = 0; c < cols; ++c)
              vector::StoreOp::create(rb, result[i * cols + c], acc,
                                      ValueRange{rowIdx[i], column[c]});
        });
  };
  forEachChunkBlock(b, chunks, cfg.valueWidth, emitBlock, shape.cols);
}

void lowering::forEachRowVectorBlock(
    ImplicitLocOpBuilder &b, const KernelConfig &cfg, const QueryTile &tile,
    function_ref<void(ImplicitLocOpBuilder &, const ChunkBlock &)> body) {
  int64_t vectors = cfg.paddedRows / cfg.width;
  if (vectors == 1) {
    forEachChunkBlock(b, vectors, cfg.width, body);
    return;
  }
  Value one = arith::CmpIOp::create(b, arith::CmpIPredicate::ule, tile.rows,
                                    indexConst(b, cfg.width));
  scf::IfOp::create(
      b, one,
      [&](OpBuilder &nb, Location loc) {
        ImplicitLocOpBuilder ib(loc, nb);
        forEachChunkBlock(ib, 1, cfg.width, body);
        scf::YieldOp::create(ib);
      },
      [&](OpBuilder &nb, Location loc) {
        ImplicitLocOpBuilder ib(loc, nb);
        forEachChunkBlock(ib, vectors, cfg.width, body);
        scf::YieldOp::create(ib);
      });
}

void lowering::transformKeyMajorScores(
    ImplicitLocOpBuilder &b, const KernelConfig &cfg, const QueryTile &tile,
    Value n,
    function_ref<Value(ImplicitLocOpBuilder &, Value, Value, Value)> fn) {
  VectorType vecType = VectorType::get({cfg.width}, b.getF32Type());
  forEachRowVectorBlock(
      b, cfg, tile, [&](ImplicitLocOpBuilder &bb, const ChunkBlock &block) {
        buildCountedLoop(bb, n, [&](ImplicitLocOpBuilder &cb, Value j) {
          for (int64_t c = 0; c < block.count; ++c) {
            Value col = block.column(cb, c);
            Value s = vector::LoadOp::create(cb, vecType, tile.scores,
                                             ValueRange{j, col});
            vector::StoreOp::create(cb, fn(cb, j, col, s), tile.scores,
                                    ValueRange{j, col});
          }
        });
      });
}

LogicalResult
lowering::emitKeyMajorTile(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                           const QueryTile &tile, ScoreFunction &score,
                           RowNormalizer &normalizer, PositionTerms &positions,
                           Value k0, Value n, Value full, unsigned pass) {
  score.prepareKeyTile(b, tile, k0, n);
  score.keyMajorScores(b, tile, k0, n);
  QueryTile current = tile;
  current.keyTileStart = k0;
  if (tile.biasTile)
    packTransposedTile(b, cfg, tile, cfg.bias, tile.biasTile, k0, n);
  if (tile.maskTile)
    packTransposedTile(b, cfg, tile, cfg.mask, tile.maskTile, k0, n);

  // Score changes, and masks where the tile is not fully visible: one pass
  // over the key's vectors of rows.
  AttentionOp op = cfg.op;
  bool changes = cfg.bias || op.getAlibi() || op.getSoftcap() ||
                 !op.getScoreMod().empty() || cfg.convertAfterMods ||
                 positions.hasRelative();
  LogicalResult result = success();
  int64_t width = cfg.width;
  VectorType idxVec = VectorType::get({width}, b.getIndexType());
  auto emitPass = [&](ImplicitLocOpBuilder &pb, bool masked) {
    Value keyEnd = arith::AddIOp::create(pb, k0, n);
    Value hidden = splat(pb, f32Const(pb, normalizer.hiddenScore()), width);
    Value lanes = vector::StepOp::create(pb, idxVec);
    transformKeyMajorScores(
        pb, cfg, tile, n,
        [&](ImplicitLocOpBuilder &cb, Value j, Value col, Value s) -> Value {
          Value rows = arith::AddIOp::create(
              cb,
              vector::BroadcastOp::create(
                  cb, idxVec, arith::AddIOp::create(cb, tile.row0, col)),
              lanes);
          Value pos = arith::AddIOp::create(
              cb, rows,
              vector::BroadcastOp::create(cb, idxVec, cfg.alignOffset));
          Value key = arith::AddIOp::create(cb, k0, j);
          ScoreIndices at{rows, pos, key};
          s = positions.keyMajorTerm(cb, tile, key, col, s);
          FailureOr<Value> changed = emitScoreChanges(cb, cfg, current, s, at);
          if (failed(changed)) {
            result = failure();
            return s;
          }
          if (!masked)
            return *changed;
          return arith::SelectOp::create(
              cb, emitVisibility(cb, cfg, current, at, keyEnd), *changed,
              hidden);
        });
  };
  if (!full) {
    emitPass(b, /*masked=*/true);
  } else {
    auto branch = [&](bool masked) {
      return [&, masked](OpBuilder &nb, Location loc) {
        ImplicitLocOpBuilder ib(loc, nb);
        if (masked || changes)
          emitPass(ib, masked);
        scf::YieldOp::create(ib);
      };
    };
    scf::IfOp::create(b, full, branch(false), branch(true));
  }
  if (failed(result))
    return failure();
  normalizer.updateKeyMajor(b, tile, k0, n, pass);
  return success();
}

//===- AttentionLowering.h - shared state of the attn-tile lowering -*- C++
//-*-//
//
// The fused lowering of attn.attention is split by purpose:
//   AttnTile.cpp          the pass: buffers, the parallel loop over
//                         (batch, head, query tile), prologue and epilogue;
//   KeyRange.cpp          mask analysis: the live key range of a query tile
//                         and the test for a fully visible key tile;
//   TileBody.cpp          one key tile: scores, score changes, masks, online
//                         softmax, P*V (the place micro-kernels slot in);
//   RegionVectorizer.cpp  score_mod / mask_mod bodies cloned onto vectors.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOLOOPS_ATTENTIONLOWERING_H
#define ATTN_LIB_CONVERSION_ATTNTOLOOPS_ATTENTIONLOWERING_H

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::attn::lowering {

/// Everything about one attention op that the emitters need, fixed before
/// the loop nest is built.
struct KernelConfig {
  AttentionOp op;
  // Buffers (memrefs) of the operands and results.
  Value query, key, value, mask, bias, keyLengths, output, lse;
  // Dynamic sizes (index) and the bottom-right alignment offset Skv - Sq.
  Value batch, queryLen, keyLen, alignOffset;
  // Static sizes.
  int64_t queryHeads, kvHeads, headDim, valueDim;
  // Tile shape and vector widths.
  int64_t queryTile, keyTile, width, valueWidth;
  /// Multiplier applied to q before the dot product: the op's scale, times
  /// log2(e) when no score change needs natural-unit scores.
  float queryScale;
  /// True when scores need a multiply by log2(e) after the score changes.
  bool convertAfterMods;
  Type elementType;
};

/// Per query tile coordinates, fixed inside the parallel loop.
struct QueryTile {
  Value b, h, kvHead, row0, rows;
  /// Clamped key-padding length of this batch, or null.
  Value keyLimit;
  // Scratch buffers (stack, one set per query tile).
  Value qScaled; // [queryTile, headDim] f32
  Value kT;      // [headDim, keyTile] f32, the key tile transposed
  Value scores;  // [queryTile, keyTile] f32
  Value rowMax;  // [queryTile] f32, log2 units
  Value rowSum;  // [queryTile] f32
  Value acc;     // [queryTile, valueDim] f32
};

/// Key range [begin, end) of the tile loop and the bounds that decide
/// whether a key tile is fully visible for every row of the query tile.
struct KeyRange {
  Value begin, end;
  /// A key tile [k0, k0 + keyTile) is fully visible iff
  /// fullBegin <= k0 and k0 + keyTile <= fullEnd (and no opaque mask).
  Value fullBegin, fullEnd;
};

/// Body of a counted loop: gets the builder, the induction variable and the
/// carried values, returns the values to carry on.
using LoopBody =
    function_ref<SmallVector<Value>(ImplicitLocOpBuilder &, Value, ValueRange)>;

/// Emits `for iv = 0 to ub step 1` carrying `init`; returns the loop.
scf::ForOp buildCountedLoop(ImplicitLocOpBuilder &b, Value ub, ValueRange init,
                            LoopBody body);

/// The same without carried values, for loops that only store.
void buildCountedLoop(ImplicitLocOpBuilder &b, Value ub,
                      function_ref<void(ImplicitLocOpBuilder &, Value)> body);

/// Loads buffer[indices] and widens it to f32.
Value loadAsF32(ImplicitLocOpBuilder &b, Value buffer, ValueRange indices);

/// Computes the live key range of `tile` from the named masks.
KeyRange computeKeyRange(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                         const QueryTile &tile);

/// Emits the work of one key tile starting at `k0` with `n` valid keys.
/// When `masked` is false no mask arithmetic is emitted: the caller proved
/// the tile fully visible.
LogicalResult emitKeyTile(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                          const QueryTile &tile, Value k0, Value n,
                          bool masked);

/// Clones the single-block `region` (score_mod or mask_mod) elementwise onto
/// vectors: `args` are the vector (or scalar, broadcast on use) values of the
/// block arguments. Returns the vector the region yields.
FailureOr<Value> vectorizeRegion(ImplicitLocOpBuilder &b, Region &region,
                                 ValueRange args, int64_t width);

} // namespace mlir::attn::lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOLOOPS_ATTENTIONLOWERING_H

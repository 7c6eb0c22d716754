//===- FragmentScores.h - score functions on the fragments ------*- C++ -*-===//
//
// The score functions on the dot products of a warp, and the tile
// helpers they share with the other per-tile tables (FragmentScores.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTSCORES_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTSCORES_H

#include "Fragments.h"

namespace mlir::attn::gpu_lowering {

/// The f32 dot product of the first inputHeadDim columns of row `row` of
/// the [rows, headDim] tile at element `base` of `view` with `rhs` (the `n`
/// columns from `col`, as vector<n x f32>; n is a 16-byte chunk's
/// elements, fewer in the chunk the row ends in), one chunk of the row per
/// load; with a null `rhs`, with the row itself (|x|^2).
Value tileRowDot(ImplicitLocOpBuilder &b, const FlashShape &shape, Value view,
                 Value base, int64_t rows, Value row,
                 function_ref<Value(int64_t /*col*/, int64_t /*n*/)> rhs);

/// The f32 tables of projected rows in shared memory
/// (FlashShape::projectedCols): the query tile's, then the key tile's.
std::pair<Value, Value> projectionTables(ImplicitLocOpBuilder &b,
                                         const FlashShape &shape, Value raw);

/// dest[r * projectionStride() + c] = bias[c] + sum_d x[r, d] w[d, c] in
/// f32 for the first `rows` rows x of the [*, headDim] tile at element
/// `base` of `view` and the first `cols` columns, computed by every thread
/// of the CTA (`threadId`), with a barrier after. `bias` may be null.
void projectRows(ImplicitLocOpBuilder &b, const FlashShape &shape,
                 Value threadId, Value view, Value base, int64_t rows, Value w,
                 Value bias, int64_t cols, Value dest);

/// The score functions on a warp's Q K^T fragments. dot is what the
/// contraction computes; cosine and neg_l2 combine those dot products with
/// a term per query row (from the Q tile, once per CTA) and one per key
/// (from each K tile); general replaces the Q tile by q W before the key
/// loop, so the contraction computes q W k; compositional combines them
/// with the L1 distances of the thread's (row, key) pairs, from the Q and K
/// tiles; additive ignores them: its scores come from the tables q Wq and
/// k Wk in shared memory. The scale comes after, with the score changes,
/// except for compositional, whose weights take it inside (scaled()).
class FragmentScore {
public:
  /// `weights`: the op's score operands; `raw`: the dynamic shared memory;
  /// `threadId`: the thread's index in the CTA; `scale`: the op's scale.
  FragmentScore(ImplicitLocOpBuilder &b, const WarpTiles &tiles, ScoreKind kind,
                ValueRange weights, Value raw, Value threadId, float scale);

  /// Once Q is in shared memory, before the contraction reads it.
  void prepareQuery();
  /// Once the key tile at element `keyBase` of the K view is in shared
  /// memory, before its scores.
  void prepareKeys(Value keyBase);
  /// The scores of the pair of dot products `pair` (vector<2 x f32>: row
  /// g + 8 `half`, keys 2t, 2t + 1 of 8-key block `nt`), unscaled unless
  /// scaled().
  Value finish(Value pair, int64_t nt, int64_t half);
  /// Whether finish() has applied the scale already.
  bool scaled() const { return kind == ScoreKind::compositional; }

private:
  /// Whether the score has a term per row and per key.
  bool hasNormTerms() const {
    return kind == ScoreKind::cosine || kind == ScoreKind::neg_l2;
  }
  /// The term of a row or key from its |x|^2: 1 / |x| (cosine) or |x|^2.
  Value normTerm(Value squares);
  /// |x|^2 in f32 of row `row` of the tile of `rows` rows at element `base`
  /// of `view`.
  Value sumOfSquares(Value view, Value base, int64_t rows, Value row);
  /// Element offset of (row, col) in the Q tile.
  Value queryElement(Value row, Value col);
  /// general: the warp's rows of the Q tile become q W, in place.
  void projectQuery();
  /// The local rows of the thread's fragment rows g, g + 8 in the Q tile,
  /// and its local keys 8 nt + 2t + e in the key tile, in the order of the
  /// flat fragments (nt, e).
  SmallVector<Value, 2> localRows();
  SmallVector<Value> localKeys();
  /// Per (row half, key) of the thread's fragments of the key tile at
  /// `keyBase`: additive's scores, from the projected tables.
  SmallVector<Value> additiveScores();
  /// ... and compositional's L1 distances |q - k|_1, from the Q and K
  /// tiles.
  SmallVector<Value> distances(Value keyBase);

  ImplicitLocOpBuilder &b;
  WarpTiles t;
  ScoreKind kind;
  /// general's W [D, D]; additive's Wq, Wk [D, A] and va [A].
  SmallVector<Value, 3> weights;
  Value threadId;
  float scale;
  /// The terms of the thread's rows g, g + 8, and of its keys 2t, 2t + 1
  /// of each 8-key block (two per block).
  Value rowTerms[2];
  SmallVector<Value> keyTerms;
  /// additive: the f32 tables q Wq and k Wk in shared memory.
  Value projectedQuery, projectedKeys;
  /// The current key tile's additive scores or compositional distances, in
  /// the layout of the flat fragments.
  SmallVector<Value> tileTerms;
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTSCORES_H

//===- Positions.h - positional terms of attn.attention ---------*- C++ -*-===//
//
// The positional terms (relative_position, local_gaussian, grid_window):
// their math on global (row, key) indices, written once for every inner
// tile (attn-tile's row-major and key-major tiles, attn-to-gpu's fragments),
// and the PositionTerms part of attn-tile's kernels. Positions.cpp
// implements them.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOLOOPS_POSITIONS_H
#define ATTN_LIB_CONVERSION_ATTNTOLOOPS_POSITIONS_H

#include "AttentionLowering.h"

namespace mlir::attn::lowering {

/// grid_window of one query head: the map width W (clamped to [1, 2^31 -
/// 1]), the head's dilation r, their reciprocals in f64, and the radii.
struct GridWindow {
  Value width, invWidth, dilation, invDilation;
  int64_t ry = -1, rx = -1;
  /// True when every head has dilation 1 (no division by r).
  bool unitDilation = true;
  bool present() const { return ry >= 0; }
};

/// The cells of a vector of keys relative to one query position: whether
/// each key is one of the dilated neighbours, and its row and column steps
/// a + ry and c + rx (clamped into [0, 2 ry] and [0, 2 rx] for hidden
/// keys, so they index the relative tables safely).
struct GridNeighbours {
  Value visible, rowStep, colStep;
};

/// The math of grid_window, written once for every inner tile (the GPU
/// kernel applies it to its fragments). `width` is the grid_width operand
/// as the kernel sees it.
GridWindow gridWindow(ImplicitLocOpBuilder &b, AttentionOp op, Value width,
                      Value head);
GridNeighbours gridNeighbours(ImplicitLocOpBuilder &b, const GridWindow &g,
                              Value pos, Value keys);
/// The keys [begin, end) whose map rows are within r ry of the rows of the
/// positions [firstPos, lastPos], clamped to [0, keyLen).
std::pair<Value, Value> gridKeyBand(ImplicitLocOpBuilder &b,
                                    const GridWindow &g, Value firstPos,
                                    Value lastPos, Value keyLen);
/// The key range of query tile `tile` under grid_window: the band of its
/// first and last positions (tile.posBegin, posEnd), with no key tile
/// fully visible (no key tile is a whole neighbourhood). Returns the
/// position of the tile's first row.
Value gridTileBounds(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                     const GridWindow &g, QueryTile &tile);

/// Positional terms: relative_position (Shaw) tables, the local_gaussian
/// window and the 2-D grid_window (with its optional relative tables).
/// Every hook is a no-op when the op has none of them.
class PositionTerms {
public:
  PositionTerms(const KernelConfig &cfg, const ScoreFunction &score);
  bool hasRelative() const { return clip >= 0; }
  bool hasGaussian() const { return window >= 0; }
  bool hasGrid() const { return grid.present(); }
  void allocate(ImplicitLocOpBuilder &b);
  /// Per query tile: the q . aK_r table, or the per-row windows (and the
  /// tile's key bounds in `tile`).
  void prepareQueryTile(ImplicitLocOpBuilder &b, QueryTile &tile);
  /// The positional terms of one vector of scores `s` of row r (query
  /// index `row`, aligned position `pos`) against `keys` (from keyBase):
  /// the score with the key-side terms added, and the visibility from the
  /// Gaussian or grid window (null without one).
  struct ChunkTerms {
    Value score, visible;
  };
  ChunkTerms applyToChunk(ImplicitLocOpBuilder &b, Value r, Value row,
                          Value pos, Value keyBase, Value keys, Value s);
  /// Whether row r's window meets the keys [k0, k0 + n), or null when
  /// every row may: a row that sees none of them skips the tile.
  Value rowMeetsTile(ImplicitLocOpBuilder &b, Value r, Value k0, Value n);
  /// Softmax hooks. initState: before the key loop. valueWeights: the
  /// weights that multiply V (p times the Gaussian factor). accumulate:
  /// bucket weights of the value-side table, rescaled by corr like the
  /// accumulator. finishRow: adds sum_r w[r] aV_r to the chunks `acc` of
  /// the accumulator row, the value features of `block`.
  void initState(ImplicitLocOpBuilder &b, const QueryTile &tile);
  Value valueWeights(ImplicitLocOpBuilder &b, Value r, Value keys, Value p);
  void accumulate(ImplicitLocOpBuilder &b, const RowTile &row,
                  ArrayRef<Value> p, Value corr);
  void finishRow(ImplicitLocOpBuilder &b, Value r, const ChunkBlock &block,
                 SmallVectorImpl<Value> &acc);

  /// Key-major tile (relative_position only; see Positions.cpp). The key
  /// term of key `key` for the row vector at column `col` of the tile,
  /// added to its scores `s`; and the bucket weights of the keys [k0, k0 +
  /// n) of tile.scores (the weights), rescaled by corr[paddedRows] first.
  Value keyMajorTerm(ImplicitLocOpBuilder &b, const QueryTile &tile, Value key,
                     Value col, Value s);
  void accumulateKeyMajor(ImplicitLocOpBuilder &b, const QueryTile &tile,
                          Value k0, Value n, Value corr);

private:
  /// dest[r, offset + t] = q'_r . table[prefix..., t] for the rows of the
  /// tile and t < count: the relative terms in the score's units.
  void storeTableDots(ImplicitLocOpBuilder &b, const QueryTile &tile,
                      Value table, ValueRange prefix, int64_t count, Value dest,
                      int64_t offset);

  /// Key-major: copies the padded q . aK table into relKeysSkewed.
  void skewRelativeKeys(ImplicitLocOpBuilder &b, const QueryTile &tile);
  /// Key-major: the slot of key `key` for the row vector at column `col`.
  Value keyMajorSlot(ImplicitLocOpBuilder &b, const QueryTile &tile, Value key,
                     Value col);

  const KernelConfig &cfg;
  const ScoreFunction &score;
  int64_t clip = -1, window = -1, padded = 0, skewedSlots = 0;
  float sigma = 0;
  // relative_position: [queryTile, padded] q . aK table, and the bucket
  // weights in the same layout (row-major tile) or skewed, [skewedSlots,
  // paddedRows] (key-major tile); key-major also keeps the q . aK table
  // skewed in relKeysSkewed.
  Value relKeys, relWeights, relKeysSkewed;
  // local_gaussian: per row position p (f32) and window [lo, hi] (index).
  Value center, lo, hi;
  // grid_window: its radii from the start, the current head's window from
  // prepareQueryTile on; with relative tables,
  // [queryTile, 2 ry + 2 rx + 2] f32: q' . rows[h, a] then q' . cols[h, c].
  // gridFirstPos is the aligned position of the tile's first row.
  GridWindow grid;
  Value gridDots, gridFirstPos;
};

/// The math of the positional terms, written once for every inner tile
/// (Positions.cpp; the GPU kernel applies it to accumulator fragments).
///
/// relative_position: the slot of the `width` keys from `keyBase` for query
/// row `row` in a table padded by width - 1 on both sides,
/// clamp(keyBase - row + clip + width - 1, 0, 2 clip + width - 1); with
/// width 1 it is the bucket clamp(j - i, -clip, clip) + clip itself.
Value relativeSlot(ImplicitLocOpBuilder &b, Value keyBase, Value row,
                   int64_t clip, int64_t width);

/// local_gaussian: the keys [lo, hi] (index) a row with window centre `p`
/// (f32) sees, clamped to [0, keyLen); an empty window, or a NaN centre,
/// is [keyLen, -1].
struct GaussianWindow {
  Value lo, hi;
};
GaussianWindow gaussianWindow(ImplicitLocOpBuilder &b, Value p, Value keyLen,
                              int64_t window);

/// Sets the union [posBegin, posEnd) and the intersection [posFullBegin,
/// posFullEnd) of the windows of the rows of `tile` (centres from
/// cfg.positionInputs[0]); `perRow` (optional) sees each row r, its centre
/// and its window.
void gaussianTileBounds(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                        QueryTile &tile, int64_t window,
                        function_ref<void(ImplicitLocOpBuilder &, Value /*r*/,
                                          Value /*p*/, const GaussianWindow &)>
                            perRow);

/// i1 vector: lo <= keys <= hi for a vector of key indices.
Value inGaussianWindow(ImplicitLocOpBuilder &b, Value keys, Value lo, Value hi);

/// f32 vector exp(-(j - p)^2 / (2 sigma^2)) for a vector of key indices j:
/// the factor of the weights that multiply V (not of the softmax sum).
Value gaussianFactor(ImplicitLocOpBuilder &b, Value keys, Value center,
                     float sigma);

} // namespace mlir::attn::lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOLOOPS_POSITIONS_H

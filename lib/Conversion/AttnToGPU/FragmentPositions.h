//===- FragmentPositions.h - positional terms on the fragments ---*- C++
//-*-===//
//
// relative_position, local_gaussian and grid_window on a thread's
// fragments (FragmentPositions.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTPOSITIONS_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTPOSITIONS_H

#include "../AttnToLoops/Positions.h"
#include "Fragments.h"

namespace mlir::attn::gpu_lowering {

/// relative_position, local_gaussian and grid_window on a thread's
/// fragments, with the math of lib/Conversion/AttnToLoops/Positions.cpp
/// (lowering::relativeSlot, gaussianWindow, gaussianFactor, gridWindow,
/// gridNeighbours) on global (row, key) indices. Every hook is a no-op when
/// the op has none of the terms. Positional terms come with the softmax
/// normaliser only.
class FragmentPositions {
public:
  /// `rows`: the global query rows of the thread's fragment rows g, g + 8
  /// (clamped into the sequence); `raw`: the dynamic shared memory;
  /// `gridWidth`: grid_window's map width (null without grid_window).
  FragmentPositions(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
                    const lowering::KernelConfig &cfg, ArrayRef<Value> rows,
                    Value raw, Value gridWidth);
  bool hasRelative() const { return clip >= 0; }
  bool hasGaussian() const { return window >= 0; }
  bool hasGrid() const { return bool(gridWidth); }

  /// Before the key range is computed: local_gaussian's windows of the
  /// thread's rows, and the union and intersection of the CTA's rows'
  /// windows in `tile`; grid_window's head dilation and the band of map
  /// rows the CTA's positions reach.
  void prepareTile(lowering::QueryTile &tile);
  /// Once Q is in shared memory: the q . aK_t table of relative_position,
  /// or the q . rows and q . cols table of grid_window, for the warp's
  /// rows.
  void prepareQuery();
  /// Adds q . aK_r (relative_position) or q . rows[h, a] + q . cols[h, c]
  /// (grid_window's tables) to the pair of dot products `pair` (keys
  /// `key`, + 1, row half `half`), before the scale.
  Value addToScore(Value pair, Value key, int64_t half);
  /// The visibility of the keys `keys` (vector<2 x index>) for row half
  /// `half` under the Gaussian window or the grid window, or null.
  Value visibility(Value keys, int64_t half);
  /// The weights of V from the softmax weights `pair`: times the Gaussian
  /// factor.
  Value valueWeights(Value pair, Value keys, int64_t half);

  /// Loop-carried state of the value-side relative term: the thread's
  /// partial weights of buckets 0 and 2 clip, per row half.
  SmallVector<Value> initialState();
  void setState(ValueRange state) { edges.assign(state.begin(), state.end()); }
  ArrayRef<Value> state() const { return edges; }
  /// After the online softmax of row half `half` of the key tile at k0:
  /// rescales the edge weights by `corr` and adds `p`, and records the
  /// scores (log2 units, hidden keys -inf) of the inner buckets, one key
  /// each.
  void accumulate(int64_t half, Value corr, Value k0, ArrayRef<Value> scores,
                  ArrayRef<Value> p);
  /// After the key loop: acc += sum_t w_t aV_t per row, with `rowMax` the
  /// rows' final maxima (log2 units) and acc unnormalised.
  void finish(SmallVectorImpl<Value> &acc, ArrayRef<Value> rowMax);

private:
  /// Element of (local row `r`, bucket `t`) in a relative table.
  Value tableElement(Value r, Value t);
  /// Lane l computes the entries l, l + 32, ... of the warp's 16 rows x
  /// `count` dot products q_r . table[prefix..., t] (f32, from the Q tile)
  /// and stores each at dest[r * stride + offset + t], then calls `also`
  /// with that element (may be null).
  void storeRowDots(Value table, ValueRange prefix, int64_t count, Value dest,
                    int64_t stride, int64_t offset,
                    function_ref<void(Value)> also);
  /// A [queryTile, slots] f32 table at `byteOffset` of the positional
  /// part of shared memory.
  Value sharedTable(Value raw, int64_t byteOffset, int64_t slots);
  /// The bucket of key `key` for row half `half`.
  Value bucket(Value key, int64_t half);

  ImplicitLocOpBuilder &b;
  WarpTiles t;
  const lowering::KernelConfig &cfg;
  Value rowIdx[2], localRow[2];
  int64_t clip = -1, window = -1;
  float sigma = 0;
  /// relative_position: [queryTile, 2 clip + 1] f32 tables in shared
  /// memory, q . aK_t and the scores of the inner buckets.
  Value relKeys, relScores;
  SmallVector<Value> edges;
  /// local_gaussian: the centre and the window [lo, hi] of each row half.
  Value center[2], lo[2], hi[2];
  /// grid_window: the map width, the head's window, the positions of the
  /// row halves, and the [queryTile, gridSlots] table of q . rows[h, t]
  /// (slots [0, 2 ry]) and q . cols[h, t] (slots 2 ry + 1 on), or null.
  Value gridWidth, head;
  lowering::GridWindow grid;
  Value gridPos[2];
  Value gridDots;
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTPOSITIONS_H

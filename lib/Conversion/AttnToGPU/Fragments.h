//===- Fragments.h - warp-level building blocks -----------------*- C++ -*-===//
//
// The accumulator fragments of mma.sync m16n8 as a thread holds them, the
// instructions on them (ldmatrix, mma.sync, quad reductions) and the
// online softmax step (Fragments.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTS_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTS_H

#include "../AttnToLoops/AttentionLowering.h"
#include "FlashShape.h"

namespace mlir::attn::gpu_lowering {

/// The coordinates of a thread in its warp and the addresses it hands to
/// ldmatrix. m16n8 accumulator fragments: thread (group g = lane / 4,
/// t = lane % 4) holds rows g and g + 8 and columns 2t, 2t + 1 of each
/// 8-column block of a tile.
struct LaneCoordinates {
  Value lane, group, quad;
  /// Row and 16-byte chunk (0 or 1) of the 8 x 16-byte matrix row that this
  /// lane addresses in an x4 ldmatrix: A operands (and V, transposed) take
  /// rows 0-15 x chunk 0 then chunk 1; K (B operand of two n-tiles) keys
  /// 0-7 x chunks 0, 1, then keys 8-15.
  Value aRow, aChunk, bRow, bChunk;
};
LaneCoordinates getLaneCoordinates(ImplicitLocOpBuilder &b, Value threadId);

/// The global index of key 2t (the first of the thread's pair) of 8-key
/// block `nt` of the key tile that starts at `k0`.
Value fragmentKey(ImplicitLocOpBuilder &b, const LaneCoordinates &lane,
                  Value k0, int64_t nt);

/// The thread's pair of keys (key, key + 1) as a vector<2 x index>, the
/// keys of the shared variant math (masks, positions).
Value fragmentKeyPair(ImplicitLocOpBuilder &b, Value key);

/// Calls `store(ot, col, width)` for each 8-column block `ot` of an
/// accumulator whose thread pair of columns (col, col + 1 with col = 8 ot +
/// 2t) holds columns of an operand `columns` wide: unconditionally inside
/// it, under a guard in the block that it ends in, never in the padding
/// blocks past it. `width` is 2, or 1 for the last column of an odd
/// `columns` (col + 1 is past the operand).
void forEachStoredPair(
    ImplicitLocOpBuilder &b, const LaneCoordinates &lane, int64_t columns,
    function_ref<void(int64_t ot, Value col, int64_t width)> store);

/// Element offset of (row, 16-byte chunk) in a row-major [rows, cols] tile
/// of `chunkElems`-element chunks, XOR-swizzled by row so that the 8 rows
/// an ldmatrix reads hit distinct banks.
Value swizzledOffset(ImplicitLocOpBuilder &b, Value row, Value chunk,
                     int64_t cols, int64_t chunkElems);

/// ldmatrix .x4 (transposed or not) at `view[offset]`: four matrices of
/// 8 rows x 16 bytes, one 32-bit register each (vector<2 x f16|bf16>, or
/// vector<1 x f32>: element (g, t) of an 8 x 4 f32 matrix).
SmallVector<Value, 4> loadMatrices(ImplicitLocOpBuilder &b, Value view,
                                   Value offset, bool transpose);

/// One mma.sync m16n8k16 with f32 accumulators: `a` four registers and
/// `bFrag` two (vector<2 x f16|bf16>), `c` the four accumulator elements.
SmallVector<Value, 4> mmaSync(ImplicitLocOpBuilder &b, ValueRange a,
                              ValueRange bFrag, ValueRange c);

/// One mma.sync m16n8k8 .tf32 with f32 accumulators: `a` four and `bFrag`
/// two TF32 registers (i32, toTf32), `c` the four accumulator elements.
/// A: a0 (g, t), a1 (g + 8, t), a2 (g, t + 4), a3 (g + 8, t + 4); B:
/// b0 (k t, n g), b1 (k t + 4, n g); C as for m16n8k16.
SmallVector<Value, 4> mmaSyncTf32(ImplicitLocOpBuilder &b, ValueRange a,
                                  ValueRange bFrag, ValueRange c);

/// An f32 rounded to TF32 (cvt.rna.tf32.f32), as the i32 register mma.sync
/// takes.
Value toTf32(ImplicitLocOpBuilder &b, Value x);

/// Two f32 values as one vector<2 x elem> register.
Value packPair(ImplicitLocOpBuilder &b, Value x, Value y, Type elem);

/// exp2 and log2 of an f32 with the special function unit (ex2.approx,
/// lg2.approx: about 2 ulp; exp2(-inf) = 0).
Value fastExp2(ImplicitLocOpBuilder &b, Value x);
Value fastLog2(ImplicitLocOpBuilder &b, Value x);

/// One key tile of the online softmax of row half `half` (row g or g + 8)
/// of the flat score fragments `scores` (log2 units, hidden keys -inf):
/// `rowMax` becomes the running max (the same in the quad), `rowSum` the
/// thread's rescaled partial sum, and `p` takes the half's weights
/// exp2(s - max). Returns the correction exp2(old max - new max) of what
/// was accumulated before.
Value onlineSoftmaxStep(ImplicitLocOpBuilder &b, ArrayRef<Value> scores,
                        int64_t half, Value &rowMax, Value &rowSum,
                        MutableArrayRef<Value> p);

/// Calls `fn(pair, nt, half)` on each pair of fragment elements (one row,
/// two keys: a vector<2 x f32>) of the flat accumulator tiles and returns
/// the pairs it makes, flat again; fails where `fn` does.
FailureOr<SmallVector<Value>> mapFragmentPairs(
    ImplicitLocOpBuilder &b, ArrayRef<Value> flat,
    function_ref<FailureOr<Value>(Value pair, int64_t nt, int64_t half)> fn);

/// Max (or sum) over the four threads of a quad: the four threads that hold
/// one row of an accumulator fragment.
Value quadReduce(ImplicitLocOpBuilder &b, Value v, bool max);

/// What a contraction reads: the shape, the lane, the warp's first row in
/// the query tile and the shared-memory views of the Q, K and V tiles.
struct WarpTiles {
  const FlashShape &shape;
  LaneCoordinates lane;
  Value warpRow0;
  Value query, key, value;
  /// The lo tile of a split query (FlashShape::splitQuery), or null.
  Value queryLow = {};
  /// Warpgroup MMA: the shared-memory address (an index) of byte 0 of the
  /// layout, where the Q tile starts; null otherwise.
  Value sharedAddress = {};
};

/// Stores `value(ot, col, width)`, a vector<width x output type>, at each
/// of the thread's stored column groups of output row `row` of the CTA's
/// (batch, head) in cfg.output, when the row is inside the sequence
/// (forEachStoredPair: width 1 for the last column of an odd Dv).
void storeOutputColumns(
    ImplicitLocOpBuilder &b, const WarpTiles &tiles,
    const lowering::KernelConfig &cfg, const lowering::QueryTile &tile,
    Value row, function_ref<Value(int64_t ot, Value col, int64_t width)> value);

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTS_H

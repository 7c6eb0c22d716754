//===- FragmentFeatures.h - multi_dimensional's softmax per feature ---*- C++
//-*-===//
//
// multi_dimensional on a thread's accumulator layout
// (FragmentFeatures.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTFEATURES_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTFEATURES_H

#include "Fragments.h"

namespace mlir::attn::gpu_lowering {

/// multi_dimensional on a thread's accumulator layout: per fragment row and
/// output column a sum and an accumulator over the keys, from the f32
/// tables q W1 + b and k W2 in shared memory and the V tiles.
class FragmentFeatureSoftmax {
public:
  /// `raw`: the dynamic shared memory; `threadId`: the thread's index in
  /// the CTA; `rows`: the global rows of the thread's fragment rows g,
  /// g + 8 (clamped into the sequence).
  FragmentFeatureSoftmax(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
                         const lowering::KernelConfig &cfg,
                         const lowering::QueryTile &tile, Value raw,
                         Value threadId, ArrayRef<Value> rows);
  /// Once Q is in shared memory: q W1 + b, the thread's part in registers.
  void prepareQuery();
  /// Loop-carried: the accumulators, then the sums, each in the layout of
  /// the output accumulator.
  SmallVector<Value> initialState();
  /// The state after the key tile at k0 (K and V at elements `keyBase`,
  /// `valueBase` of their views); keys at or past `keyEnd` are hidden.
  SmallVector<Value> update(ValueRange state, Value k0, Value keyBase,
                            Value valueBase, Value keyEnd);
  /// Writes the thread's columns of output rows `rows` (those below
  /// cfg.queryLen): acc / l, or zeros where no key was visible.
  void storeRows(ValueRange state, ArrayRef<Value> rows);

private:
  /// 8-column blocks of the padded Dv.
  int64_t blocks() const;
  /// Column 8 ot + 2t + c of the output (and of the tables).
  Value tableColumn(int64_t ot, int64_t c);

  ImplicitLocOpBuilder &b;
  WarpTiles t;
  const lowering::KernelConfig &cfg;
  const lowering::QueryTile &tile;
  Value threadId;
  SmallVector<Value, 2> rows;
  Value queryTable, keyTable;
  /// The thread's entries of q W1 + b: (half * blocks + ot) * 2 + c.
  SmallVector<Value> projectedQuery;
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTFEATURES_H

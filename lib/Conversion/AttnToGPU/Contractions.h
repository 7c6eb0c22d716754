//===- Contractions.h - a warp's Q K^T and P V ------------------*- C++ -*-===//
//
// A warp's contractions on accumulator fragments: f16/bf16 or TF32
// tensor cores, f32 FMAs, or a warpgroup's MMA (Contractions.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_CONTRACTIONS_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_CONTRACTIONS_H

#include "Fragments.h"

#include <memory>

namespace mlir::attn::gpu_lowering {

/// Q K^T and P V of one warp on accumulator fragments: scores and weights
/// are flat, four elements per 8 keys (c0, c1 of row g, c2, c3 of row
/// g + 8); the accumulator likewise, four per 8 value columns.
class WarpContraction {
public:
  /// The contraction of `tiles.shape`; `splitWeights` sends bf16 weights
  /// as hi + lo (two mma.sync) for normalisers whose weights do not sum
  /// to one.
  static std::unique_ptr<WarpContraction>
  create(ImplicitLocOpBuilder &b, const WarpTiles &tiles, bool splitWeights);
  virtual ~WarpContraction() = default;

  /// Once Q is in shared memory: keeps its fragments in registers when the
  /// shape says so.
  virtual void loadQuery() {}
  /// The warp's scores against the key tile at element `keyBase` of the K
  /// view: keyTile / 8 fragments.
  virtual SmallVector<Value> scores(Value keyBase) = 0;
  /// `acc` + P V with the weights `p` (the layout of scores) and the value
  /// tile at element `valueBase` of the V view.
  virtual SmallVector<Value> accumulate(ArrayRef<Value> acc, ArrayRef<Value> p,
                                        Value valueBase) = 0;

protected:
  WarpContraction(ImplicitLocOpBuilder &b, const WarpTiles &tiles)
      : b(b), t(tiles) {}
  ImplicitLocOpBuilder &b;
  WarpTiles t;
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_CONTRACTIONS_H

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

  /// Whether Q K^T and P V can be issued and waited for apart (warpgroup
  /// MMA): the kernel then overlaps a tile's softmax with the MMAs around
  /// it (FlashShape::overlapsSoftmax). The four methods below are for such
  /// contractions only.
  virtual bool issuesApart() const { return false; }
  /// The weights `p` (the layout of scores) as P V's A registers, flat.
  virtual SmallVector<Value> weightRegisters(ArrayRef<Value> p);
  /// Issues the scores of the key tile at element `keyBase` of the K view,
  /// then `acc` + P V (P as weightRegisters' `weights`, V the tile at
  /// `valueBase`), as two committed groups behind one fence; each result
  /// holds once waitIssued lets it through.
  virtual std::pair<SmallVector<Value>, SmallVector<Value>>
  issueScoresAndAccumulate(Value keyBase, ArrayRef<Value> acc,
                           ArrayRef<Value> weights, Value valueBase);
  /// Issues `acc` + P V alone, as one committed group.
  virtual SmallVector<Value> issueAccumulate(ArrayRef<Value> acc,
                                             ArrayRef<Value> weights,
                                             Value valueBase);
  /// Waits until at most `pending` issued groups are in flight; `values`,
  /// the results of a group that has completed then, pass through.
  virtual SmallVector<Value> waitIssued(ArrayRef<Value> values,
                                        int64_t pending);

protected:
  WarpContraction(ImplicitLocOpBuilder &b, const WarpTiles &tiles)
      : b(b), t(tiles) {}
  ImplicitLocOpBuilder &b;
  WarpTiles t;
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_CONTRACTIONS_H

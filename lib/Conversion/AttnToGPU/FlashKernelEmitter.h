//===- FlashKernelEmitter.h - the attention kernel emitter ------*- C++ -*-===//
//
// The emitter of one attention kernel (FlashKernel.cpp), private to
// attn-to-gpu. Its methods are split by purpose: the key loop and the
// kernel (FlashKernel.cpp), the copies of tiles into shared memory
// (FlashKernelCopies.cpp), the score changes and masks on the fragments
// (FlashKernelScores.cpp), and the stores of the output and of split
// ranges' partials (FlashKernelOutput.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNELEMITTER_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNELEMITTER_H

#include "../AttnToLoops/AttentionLowering.h"
#include "Contractions.h"
#include "FlashKernel.h"
#include "FragmentChoice.h"
#include "FragmentPositions.h"
#include "FragmentScores.h"
#include "TensorCopies.h"
#include "WarpSpecialization.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <memory>
#include <optional>

namespace mlir::attn::gpu_lowering {

/// Emits one kernel: see FlashKernel.cpp for its structure.
class FlashKernelEmitter {
public:
  FlashKernelEmitter(AttentionOp op, const FlashShape &shape,
                     ImplicitLocOpBuilder &b)
      : op(op), shape(shape), b(b) {}

  /// `present`: which optional operands `args` hold, in launch order.
  LogicalResult emit(ValueRange args, const FlashOperands &present);
  /// After emit: the compute warps' barriers leave out the producer.
  void finish() {
    if (computeWarps)
      restrictBarriersToConsumers(*computeWarps, shape);
  }

private:
  Value cst(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value f32(double v) {
    return arith::ConstantOp::create(b, b.getF32FloatAttr(float(v)));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, x, y); }
  Value add(Value x, int64_t y) { return add(x, cst(y)); }
  Value mul(Value x, int64_t y) { return arith::MulIOp::create(b, x, cst(y)); }
  Value minS(Value x, Value y) { return arith::MinSIOp::create(b, x, y); }
  Value maxS(Value x, Value y) { return arith::MaxSIOp::create(b, x, y); }
  Value lessThan(Value x, Value y) {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::slt, x, y);
  }

  /// A view of `elems` elements of the input type at `byteOffset` of
  /// dynamic shared memory.
  Value sharedView(Value raw, int64_t byteOffset, int64_t elems);
  /// cp.async of rows [rowBase, rowBase + rows) of the [B, H, S, srcCols]
  /// buffer `src` into the swizzled tile of `cols` >= srcCols columns at
  /// dst[dstBase..]; rows at or past `rowLimit` and the columns past
  /// srcCols are zero-filled.
  /// With `packedHeads` G > 1, tile row r is row rowBase + r / G of head
  /// head + r % G (packed GQA).
  void copyRows(Value src, Value head, Value rowBase, Value rowLimit,
                int64_t rows, int64_t cols, int64_t srcCols, Value dst,
                Value dstBase, int64_t packedHeads = 1);
  /// Element offsets of K and V buffer `buf` (< FlashShape::stages) in
  /// their views.
  Value keyBase(Value buf) {
    return mul(buf, shape.keyTile * shape.rowStride(shape.headDim));
  }
  Value valueBase(Value buf) {
    return mul(buf, shape.keyTile * shape.rowStride(shape.valueDim));
  }
  /// The keys [k0, k0 + Tk) and their values into buffer `buf`.
  void copyKeyValueTile(Value k0, Value buf);
  /// The same by TMA, from thread 0, on buffer `buf`'s full mbarrier.
  void copyKeyValueBoxes(Value k0, Value buf);
  /// Global (row, position, key) indices of the pair of elements `half`
  /// (row g or g + 8) of accumulator tile `nt` of the key tile at `k0`.
  lowering::ScoreIndices fragmentIndices(Value k0, int64_t nt, int64_t half);
  /// Scale and score changes of the flat score fragments (in log2 units
  /// for exp2-based normalisers).
  FailureOr<SmallVector<Value>> changeScores(ArrayRef<Value> flat, Value k0);
  /// The masks: hidden keys become -inf.
  SmallVector<Value> maskScores(ArrayRef<Value> flat, Value k0);
  /// The index of the key tile at `k0` in the live range, and its buffer
  /// (< FlashShape::stages).
  Value tileStep(Value k0);
  Value bufferOf(Value k0);
  /// Waits until the key tile at `k0` of the live range is in shared
  /// memory (without a producer, after issuing the copy of the next one)
  /// and returns its buffer.
  Value awaitKeyTile(Value k0);
  /// The scores of the key tile at `k0` from the contraction's `flat`:
  /// changed, and masked unless the tile is fully visible.
  FailureOr<SmallVector<Value>> finishScores(ArrayRef<Value> flat, Value k0);
  /// The loop over the live key tiles, the first of which has been copied
  /// into buffer 0 (or, with a producer, all of which the producer copies
  /// into the ring): prefetches the next tile, computes the tile's scores
  /// (changed and masked) and yields what `body(k0, buf, scores, carried)`
  /// returns, from `init`.
  /// Without `withScores` the body gets no scores (multi_dimensional has
  /// none).
  using KeyTileBody = function_ref<SmallVector<Value>(
      Value k0, Value buf, ArrayRef<Value> scores, ValueRange carried)>;
  FailureOr<scf::ForOp> keyLoop(ValueRange init, KeyTileBody body,
                                bool withScores = true);
  /// The softmax path's loop with the tensor cores' work overlapping the
  /// softmax (FlashShape::overlapsSoftmax), from `init` (the O accumulator
  /// fragments, the row state, the positional state); returns what the
  /// loop of the other kernels yields (FlashKernelPipeline.cpp).
  FailureOr<SmallVector<Value>> pipelinedKeyLoop(ValueRange init);
  /// The normaliser on the scores of the key tile at `k0`: returns the
  /// weights, updates `rowState` (max, max, sum, sum of the thread's rows
  /// g, g + 8; the softmax's) and the positional state, and appends to
  /// `corr` the factors by which the softmax rescales each row's O.
  SmallVector<Value> weighTile(Value k0, ArrayRef<Value> scores,
                               MutableArrayRef<Value> rowState,
                               SmallVectorImpl<Value> &corr);
  /// acc *= corr[half] on each row half (nothing without factors).
  void rescale(MutableArrayRef<Value> acc, ArrayRef<Value> corr);
  /// The end of the key loop's work on buffer `buf`: the compute threads
  /// meet, or hand the buffer back to the producer.
  void releaseBuffer(Value buf);
  /// The key loops of a normaliser that chooses keys, and its output.
  LogicalResult emitSelection();
  /// multi_dimensional's key loop and output.
  LogicalResult emitFeatureSoftmax(const WarpTiles &tiles, Value raw);
  /// The softmax path's output (and lse) from the key loop's results
  /// `done` and the finished accumulators `acc`: O / l for the thread's
  /// rows inside the sequence.
  void storeOutput(ValueRange done, ArrayRef<Value> acc);
  /// The same state, unnormalised, into slot `part` of the partials.
  void storePartials(ValueRange done, ArrayRef<Value> acc, Value part,
                     Value parts, Value partials);

  AttentionOp op;
  const FlashShape &shape;
  ImplicitLocOpBuilder &b;
  lowering::KernelConfig cfg;
  lowering::QueryTile tile;
  lowering::KeyRange range;
  LaneCoordinates lane;
  Value threadId, warpRow0, rowIdx[2];
  /// The global rows (unclamped: rows past the sequence are not stored)
  /// and query heads of the thread's fragment rows g, g + 8.
  Value outRow[2], outHead[2];
  Value qView, kView, vView;
  /// Warpgroup tiles: the shared address of the layout.
  Value sharedAddress;
  /// TMA copies: their tensor maps and mbarriers.
  std::optional<TensorCopyPlan> copies;
  std::unique_ptr<WarpContraction> contraction;
  std::unique_ptr<FragmentScore> score;
  std::unique_ptr<FragmentPositions> positions;
  /// With a producer warpgroup: the region of the compute warps.
  Region *computeWarps = nullptr;
  /// hard, topk or hard_sample, or null.
  std::unique_ptr<FragmentSelection> selection;
  Type elem;
  /// The normaliser: softmax (online, exp2), sigmoid (elementwise, in log2
  /// units like softmax), none (the scores themselves) or hard (a running
  /// argmax, in natural units like none: only the order matters; topk and
  /// hard_sample in log2 units).
  Normalizer normalizer = Normalizer::softmax;
  bool log2Units = true;
  /// Bias, ALiBi, softcap or score_mod change the scores.
  bool hasChanges = false;
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNELEMITTER_H

//===- FlashKernel.cpp - attn.attention as a tensor-core kernel -----------===//
//
// One CTA per (query tile, head, batch); warp w owns query rows
// [16w, 16w + 16) of the tile:
//
//   local_gaussian windows, grid_window's band -> the key range
//                                               (FragmentPositions.cpp)
//   cp.async Q -> smem; commit          cp.async K/V tile 0 -> buf 0; commit
//                                       (paged cache: each row from the page
//                                       the block table names; sm_90a: TMA
//                                       boxes on buf 0's mbarrier,
//                                       TensorCopies.cpp)
//   wait Q; row norms (cosine, neg_l2) or Q = Q W (general)
//                                                 (FragmentScores.cpp)
//   q . aK table (relative_position), q . rows and q . cols (grid_window)
//                                               (FragmentPositions.cpp)
//   Q fragments -> registers (rows of at most 256 bytes)
//   for k0 in the live key range, step Tk:           (KeyRange.cpp)
//     cp.async K/V tile k0 + Tk -> other buf; commit; wait tile k0; barrier
//     (TMA: boxes on the other buf's mbarrier; wait for buf's phase)
//     key norms (cosine, neg_l2)                  (FragmentScores.cpp)
//     S = Q K^T         mma.sync or FMAs over d     (Contractions.cpp)
//     S = score(S)      cosine, neg_l2              (FragmentScores.cpp)
//     S += q . aK_r, q . rows_a + q . cols_c      (FragmentPositions.cpp)
//     S = changes(S), masks(S) unless the tile is fully visible
//                                                 (ScoreChanges.cpp)
//     online softmax on the fragments: quad max, exp2, corr; relative
//     bucket weights; P times the Gaussian factor (FragmentPositions.cpp)
//     O = O * corr + P V   P from the S registers  (Contractions.cpp)
//     barrier
//   O += sum_t w_t aV_t (relative_position)       (FragmentPositions.cpp)
//   O / l -> global; lse
//
// hard, topk and hard_sample replace the online softmax and P V by their
// choice of keys, in one or two loops over the key tiles, and copy or sum
// the chosen value rows after them (FragmentChoice.cpp); multi_dimensional
// replaces the scores, the softmax and P V by its softmax per value
// feature (FragmentFeatures.cpp).
//
// Scores are kept in log2 units (exp2), with log2(e) folded into the scale
// unless a score change must see natural units first, like the CPU kernel.
//
//===----------------------------------------------------------------------===//

#include "FlashKernel.h"
#include "KernelModule.h"

#include "../AttnToLoops/AttentionLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;
using lowering::KernelConfig;
using lowering::QueryTile;
using lowering::ScoreIndices;

namespace {

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
  ScoreIndices fragmentIndices(Value k0, int64_t nt, int64_t half);
  /// Scale and score changes of the flat score fragments (in log2 units
  /// for exp2-based normalisers).
  FailureOr<SmallVector<Value>> changeScores(ArrayRef<Value> flat, Value k0);
  /// The masks: hidden keys become -inf.
  SmallVector<Value> maskScores(ArrayRef<Value> flat, Value k0);
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
  KernelConfig cfg;
  QueryTile tile;
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

Value FlashKernelEmitter::sharedView(Value raw, int64_t byteOffset,
                                     int64_t elems) {
  auto space = cast<MemRefType>(raw.getType()).getMemorySpace();
  auto type =
      MemRefType::get({elems}, elem, MemRefLayoutAttrInterface(), space);
  return memref::ViewOp::create(b, type, raw, cst(byteOffset), ValueRange{});
}

void FlashKernelEmitter::copyRows(Value src, Value head, Value rowBase,
                                  Value rowLimit, int64_t rows, int64_t cols,
                                  int64_t srcCols, Value dst, Value dstBase,
                                  int64_t packedHeads) {
  int64_t chunkElems = shape.chunkElems();
  // One copy per 16-byte chunk; a source row whose bytes are not a multiple
  // of 16 (a head dim not a multiple of 16 / element bytes) is copied in
  // the widest of 8 or 4 bytes that keeps every source address aligned.
  // cp.async copies 4 bytes at least: an odd f16/bf16 row goes element by
  // element through registers (plain loads and shared stores, complete
  // before the barrier that follows the wait).
  int64_t unitElems = chunkElems;
  while (srcCols % unitElems)
    unitElems /= 2;
  bool byElement = unitElems * shape.elementBytes < 4;
  bool paddedCols = srcCols != cols;
  int64_t units = cols / unitElems, total = rows * units;
  int64_t threads = shape.threads();
  for (int64_t first = 0; first < total; first += threads) {
    auto copy = [&](ImplicitLocOpBuilder &cb) {
      Value c = add(threadId, first);
      Value r = arith::DivUIOp::create(cb, c, cst(units));
      Value unit = arith::RemUIOp::create(cb, c, cst(units));
      Value col = mul(unit, unitElems);
      Value row =
          add(rowBase, packedHeads > 1
                           ? arith::DivUIOp::create(cb, r, cst(packedHeads))
                           : r);
      Value srcHead =
          packedHeads > 1
              ? add(head, arith::RemUIOp::create(cb, r, cst(packedHeads)))
              : head;
      Value valid = lessThan(row, rowLimit);
      // Rows past the end read nothing (src-size 0): the chunk is zeros,
      // so P V never multiplies a zero weight by a NaN. So do the padding
      // columns, whose zeros add nothing to the dot products.
      Value srcCol = col;
      if (paddedCols) {
        Value inRow = lessThan(col, cst(srcCols));
        valid = arith::AndIOp::create(cb, valid, inRow);
        srcCol = arith::SelectOp::create(cb, inRow, col, cst(0));
      }
      Value srcRow = maxS(minS(row, add(rowLimit, -1)), cst(0));
      Value srcElems =
          arith::SelectOp::create(cb, valid, cst(unitElems), cst(0));
      SmallVector<Value, 4> srcIndices = {tile.b, srcHead, srcRow, srcCol};
      if (cfg.blockTable && src != cfg.query) {
        // A paged K or V row: its page from the block table, looked up
        // only for rows that are copied (the entries of pages past the
        // key lengths may be anything; page 0 row 0 stands in, unread).
        auto page = scf::IfOp::create(
            cb, TypeRange{cb.getIndexType(), cb.getIndexType()}, valid,
            /*withElseRegion=*/true);
        {
          OpBuilder::InsertionGuard g(cb);
          cb.setInsertionPointToStart(&page.getThenRegion().front());
          auto [slot, inPage] = lowering::pageOfKey(cb, cfg, tile.b, srcRow);
          scf::YieldOp::create(cb, ValueRange{slot, inPage});
          cb.setInsertionPointToStart(&page.getElseRegion().front());
          scf::YieldOp::create(cb, ValueRange{cst(0), cst(0)});
        }
        srcIndices = {page.getResult(0), head, page.getResult(1), srcCol};
      }
      Value dstAt;
      if (unitElems == chunkElems)
        dstAt = tileOffset(cb, shape, r, unit, rows, cols);
      else
        dstAt = tileElementOffset(cb, shape, r, col, rows, cols);
      if (byElement) {
        auto load = scf::IfOp::create(cb, TypeRange{elem}, valid,
                                      /*withElseRegion=*/true);
        {
          OpBuilder::InsertionGuard g(cb);
          cb.setInsertionPointToStart(&load.getThenRegion().front());
          scf::YieldOp::create(
              cb, ValueRange{memref::LoadOp::create(cb, src, srcIndices)});
          cb.setInsertionPointToStart(&load.getElseRegion().front());
          scf::YieldOp::create(cb, ValueRange{arith::ConstantOp::create(
                                       cb, elem, cb.getFloatAttr(elem, 0.0))});
        }
        memref::StoreOp::create(cb, load.getResult(0), dst,
                                ValueRange{add(dstBase, dstAt)});
        return;
      }
      // cp.async.cg (L2 only) copies 16 bytes; smaller copies go through
      // .ca.
      nvgpu::DeviceAsyncCopyOp::create(
          cb, dst, ValueRange{add(dstBase, dstAt)}, src, srcIndices,
          cb.getIndexAttr(unitElems), srcElems,
          unitElems == chunkElems ? cb.getUnitAttr() : UnitAttr());
    };
    if (first + threads <= total) {
      copy(b);
      continue;
    }
    auto guard =
        scf::IfOp::create(b, lessThan(add(threadId, first), cst(total)),
                          /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&guard.getThenRegion().front());
    copy(b);
  }
}

void FlashKernelEmitter::copyKeyValueTile(Value k0, Value buf) {
  if (shape.tensorCopies)
    return copyKeyValueBoxes(k0, buf);
  // A paged cache stops at the key length: the pages past it may not exist.
  Value limit = cfg.blockTable && tile.keyLimit ? tile.keyLimit : cfg.keyLen;
  copyRows(cfg.key, tile.kvHead, k0, limit, shape.keyTile, shape.headDim,
           shape.inputHeadDim, kView, keyBase(buf));
  // The selecting normalisers read only their chosen value rows, after the
  // key loop.
  if (!selection)
    copyRows(cfg.value, tile.kvHead, k0, limit, shape.keyTile, shape.valueDim,
             shape.inputValueDim, vView, valueBase(buf));
}

void FlashKernelEmitter::copyKeyValueBoxes(Value k0, Value buf) {
  // Only tiles of the key range: an empty range (no keys, or a query tile
  // that sees none) waits for nothing, and no copy may still be in flight
  // when the CTA exits; a K/V tensor with no keys has no map.
  auto first = scf::IfOp::create(
      b,
      arith::AndIOp::create(
          b,
          arith::CmpIOp::create(b, arith::CmpIPredicate::eq, threadId, cst(0)),
          lessThan(k0, range.end)),
      /*withElseRegion=*/false);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(&first.getThenRegion().front());
  gpu_lowering::copyKeyValueBoxes(b, *copies, k0, buf, keyBase(buf),
                                  valueBase(buf));
}

ScoreIndices FlashKernelEmitter::fragmentIndices(Value k0, int64_t nt,
                                                 int64_t half) {
  return {rowIdx[half], add(rowIdx[half], cfg.alignOffset),
          fragmentKeyPair(b, fragmentKey(b, lane, k0, nt))};
}

/// Calls `fn` on each pair of fragment elements (one row, two keys) of the
/// flat accumulator tiles and returns the pairs it makes, flat again.
template <typename Fn>
static FailureOr<SmallVector<Value>>
mapFragmentPairs(ImplicitLocOpBuilder &b, ArrayRef<Value> flat, Fn fn) {
  auto v2 = VectorType::get({2}, b.getF32Type());
  SmallVector<Value> out;
  for (int64_t nt = 0; nt < int64_t(flat.size()) / 4; ++nt)
    for (int64_t half = 0; half < 2; ++half) {
      int64_t i = 4 * nt + 2 * half;
      Value pair = vector::FromElementsOp::create(
          b, v2, ValueRange{flat[i], flat[i + 1]});
      FailureOr<Value> mapped = fn(pair, nt, half);
      if (failed(mapped))
        return failure();
      for (int64_t e = 0; e < 2; ++e)
        out.push_back(
            vector::ExtractOp::create(b, *mapped, ArrayRef<int64_t>{e}));
    }
  return out;
}

FailureOr<SmallVector<Value>>
FlashKernelEmitter::changeScores(ArrayRef<Value> flat, Value k0) {
  auto v2 = VectorType::get({2}, b.getF32Type());
  // compositional's weights take the scale inside (and are not
  // normalised: natural units).
  double scale = score->scaled() ? 1.0 : cfg.scale;
  Value factor = vector::BroadcastOp::create(
      b, v2, f32(hasChanges || !log2Units ? scale : scale * M_LOG2E));
  return mapFragmentPairs(
      b, flat, [&](Value s, int64_t nt, int64_t half) -> FailureOr<Value> {
        s = positions->addToScore(score->finish(s, nt, half),
                                  fragmentKey(b, lane, k0, nt), half);
        s = arith::MulFOp::create(b, s, factor);
        if (!hasChanges)
          return s;
        return lowering::emitScoreChanges(b, cfg, tile, s,
                                          fragmentIndices(k0, nt, half));
      });
}

SmallVector<Value> FlashKernelEmitter::maskScores(ArrayRef<Value> flat,
                                                  Value k0) {
  Value negInf = arith::ConstantOp::create(
      b, DenseElementsAttr::get(
             VectorType::get({2}, b.getF32Type()),
             b.getF32FloatAttr(-std::numeric_limits<float>::infinity())));
  return *mapFragmentPairs(
      b, flat, [&](Value s, int64_t nt, int64_t half) -> FailureOr<Value> {
        ScoreIndices at = fragmentIndices(k0, nt, half);
        Value visible = lowering::emitVisibility(b, cfg, tile, at, range.end);
        if (Value window = positions->visibility(at.key, half))
          visible = arith::AndIOp::create(b, visible, window);
        return Value(arith::SelectOp::create(b, visible, s, negInf));
      });
}

FailureOr<scf::ForOp> FlashKernelEmitter::keyLoop(ValueRange init,
                                                  KeyTileBody body,
                                                  bool withScores) {
  bool opaqueMask = op.hasUnanalysableMask();
  LogicalResult result = success();
  auto loop = scf::ForOp::create(
      b, range.begin, range.end, cst(shape.keyTile), init,
      [&](OpBuilder &nb, Location loc, Value k0, ValueRange carried) {
        ImplicitLocOpBuilder lb(loc, nb);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(lb.getInsertionBlock(), lb.getInsertionPoint());
        Value step = arith::DivUIOp::create(
            b, arith::SubIOp::create(b, k0, range.begin), cst(shape.keyTile));
        Value buf = arith::RemUIOp::create(b, step, cst(shape.stages));
        Value nextK0 = add(k0, shape.keyTile);
        if (!shape.producerWarpgroup) {
          // Prefetch the next tile into the other buffer; always commit (an
          // empty group is legal), so that "all but the newest group" is
          // always the current tile.
          auto prefetch = scf::IfOp::create(b, lessThan(nextK0, range.end),
                                            /*withElseRegion=*/false);
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(&prefetch.getThenRegion().front());
          copyKeyValueTile(nextK0, arith::SubIOp::create(b, cst(1), buf));
        }
        if (shape.tensorCopies) {
          // The buffer's (step / stages)-th tile: that phase of its full
          // mbarrier. Each thread waits for the bytes itself.
          waitBarrierPhase(
              b, copies->fullBarrier(b, buf),
              arith::RemUIOp::create(
                  b, arith::DivUIOp::create(b, step, cst(shape.stages)),
                  cst(2)));
        } else {
          NVVM::CpAsyncCommitGroupOp::create(b);
          NVVM::CpAsyncWaitGroupOp::create(b, 1);
          // The tensor cores of warpgroup MMA read the tile through the
          // async proxy: each thread's copies must be visible to it.
          if (shape.warpgroupTiles())
            NVVM::FenceProxyOp::create(
                b,
                NVVM::ProxyKindAttr::get(b.getContext(),
                                         NVVM::ProxyKind::async_shared),
                NVVM::SharedSpaceAttr::get(b.getContext(),
                                           NVVM::SharedSpace::shared_cta));
          gpu::BarrierOp::create(b);
        }
        if (!withScores) {
          SmallVector<Value> yielded = body(k0, buf, {}, carried);
          releaseBuffer(buf);
          scf::YieldOp::create(b, yielded);
          return;
        }

        score->prepareKeys(keyBase(buf));
        if (shape.pingPong())
          waitForMmaTurn(b, shape, threadId);
        SmallVector<Value> flat = contraction->scores(keyBase(buf));
        if (shape.pingPong())
          passMmaTurn(b, shape, threadId);
        FailureOr<SmallVector<Value>> changed = changeScores(flat, k0);
        if (failed(changed)) {
          result = failure();
          changed = flat;
        }
        SmallVector<Value> scores = *changed;
        // The mask arithmetic only where the tile is not fully visible.
        if (opaqueMask) {
          scores = maskScores(scores, k0);
        } else {
          Value full = arith::AndIOp::create(
              b,
              arith::CmpIOp::create(b, arith::CmpIPredicate::sle,
                                    range.fullBegin, k0),
              arith::CmpIOp::create(b, arith::CmpIPredicate::sle, nextK0,
                                    range.fullEnd));
          auto ifOp = scf::IfOp::create(b, TypeRange(ValueRange(scores)), full,
                                        /*withElseRegion=*/true);
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(&ifOp.getThenRegion().front());
          scf::YieldOp::create(b, scores);
          b.setInsertionPointToStart(&ifOp.getElseRegion().front());
          scf::YieldOp::create(b, maskScores(scores, k0));
          b.setInsertionPointAfter(ifOp);
          scores.assign(ifOp.getResults().begin(), ifOp.getResults().end());
        }
        SmallVector<Value> yielded = body(k0, buf, scores, carried);
        releaseBuffer(buf);
        scf::YieldOp::create(b, yielded);
      });
  if (failed(result))
    return failure();
  return loop;
}

void FlashKernelEmitter::releaseBuffer(Value buf) {
  // Without a producer the buffer is refilled by the prefetch of the next
  // iteration but one: every warp must be done reading it. With one, each
  // compute thread hands it back on its empty mbarrier; they still meet
  // where the next tile rewrites tables of this one (additive's projected
  // key rows).
  if (!shape.producerWarpgroup || shape.projectedCols)
    gpu::BarrierOp::create(b);
  if (shape.producerWarpgroup)
    arriveOnBarrier(b, copies->emptyBarrier(b, buf));
}

LogicalResult FlashKernelEmitter::emitFeatureSoftmax(const WarpTiles &tiles,
                                                     Value raw) {
  FragmentFeatureSoftmax features(b, tiles, cfg, tile, raw, threadId, rowIdx);
  features.prepareQuery();
  FailureOr<scf::ForOp> loop = keyLoop(
      features.initialState(),
      [&](Value k0, Value buf, ArrayRef<Value>, ValueRange carried) {
        return features.update(carried, k0, keyBase(buf), valueBase(buf),
                               range.end);
      },
      /*withScores=*/false);
  if (failed(loop))
    return failure();
  features.storeRows(loop->getResults(), {outRow[0], outRow[1]});
  return success();
}

LogicalResult FlashKernelEmitter::emitSelection() {
  SmallVector<Value> state;
  for (unsigned pass = 0; pass < selection->passes(); ++pass) {
    if (pass) {
      // The loop before ended with a barrier and no copy in flight: the
      // first key tile goes into buffer 0 again.
      copyKeyValueTile(range.begin, cst(0));
      NVVM::CpAsyncCommitGroupOp::create(b);
    }
    FailureOr<scf::ForOp> loop = keyLoop(
        selection->initialState(pass, state),
        [&](Value k0, Value, ArrayRef<Value> scores, ValueRange carried) {
          return selection->update(pass, carried, scores, k0);
        });
    if (failed(loop))
      return failure();
    state.assign(loop->getResults().begin(), loop->getResults().end());
  }
  selection->storeRows(state, {outRow[0], outRow[1]});
  return success();
}

void FlashKernelEmitter::storeOutput(ValueRange done, ArrayRef<Value> acc) {
  int64_t oTiles = shape.valueDim / 8;
  Value zero = f32(0.0);
  Type outElem = cast<MemRefType>(cfg.output.getType()).getElementType();
  for (int64_t half = 0; half < 2; ++half) {
    Value row = outRow[half];
    Value l = quadReduce(b, done[4 * oTiles + 2 + half], /*max=*/false);
    Value positive =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, l, zero);
    Value inv =
        normalizer != Normalizer::softmax
            ? f32(1.0)
            : arith::SelectOp::create(
                  b, positive, arith::DivFOp::create(b, f32(1.0), l), zero)
                  .getResult();
    auto inside = scf::IfOp::create(b, lessThan(row, cfg.queryLen),
                                    /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&inside.getThenRegion().front());
    forEachStoredPair(
        b, lane, shape.inputValueDim,
        [&](int64_t ot, Value col, int64_t width) {
          Value x = arith::MulFOp::create(b, acc[4 * ot + 2 * half], inv);
          SmallVector<Value> at = {tile.b, outHead[half], row, col};
          if (width == 1) {
            // The last column of an odd Dv.
            if (!outElem.isF32())
              x = arith::TruncFOp::create(b, outElem, x);
            memref::StoreOp::create(b, x, cfg.output, at);
            return;
          }
          Value y = arith::MulFOp::create(b, acc[4 * ot + 2 * half + 1], inv);
          Value pairV =
              outElem.isF32()
                  ? Value(vector::FromElementsOp::create(
                        b, VectorType::get({2}, outElem), ValueRange{x, y}))
                  : packPair(b, x, y, outElem);
          vector::StoreOp::create(b, pairV, cfg.output, at);
        });
    if (cfg.lse) {
      // lse = (m + log2 l) ln 2 with m in log2 units; -inf when l = 0.
      Value m = done[4 * oTiles + half];
      Value lse = arith::MulFOp::create(
          b, arith::AddFOp::create(b, m, fastLog2(b, l)), f32(M_LN2));
      lse = arith::SelectOp::create(
          b, positive, lse, f32(-std::numeric_limits<float>::infinity()));
      auto first = scf::IfOp::create(
          b,
          arith::CmpIOp::create(b, arith::CmpIPredicate::eq, lane.quad, cst(0)),
          /*withElseRegion=*/false);
      b.setInsertionPointToStart(&first.getThenRegion().front());
      Type lseElem = cast<MemRefType>(cfg.lse.getType()).getElementType();
      if (!lseElem.isF32())
        lse = arith::TruncFOp::create(b, lseElem, lse);
      memref::StoreOp::create(b, lse, cfg.lse,
                              ValueRange{tile.b, outHead[half], row});
    }
  }
}

void FlashKernelEmitter::storePartials(ValueRange done, ArrayRef<Value> acc,
                                       Value part, Value parts,
                                       Value partials) {
  int64_t oTiles = shape.valueDim / 8;
  SplitStateLayout layout = splitStateLayout(
      b, parts, cfg.batch, cfg.queryHeads, cfg.queryLen, shape.inputValueDim);
  for (int64_t half = 0; half < 2; ++half) {
    Value row = outRow[half];
    Value l = quadReduce(b, done[4 * oTiles + 2 + half], /*max=*/false);
    Value m = done[4 * oTiles + half];
    auto inside = scf::IfOp::create(b, lessThan(row, cfg.queryLen),
                                    /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&inside.getThenRegion().front());
    Value slot = arith::MulIOp::create(b, part, cfg.batch);
    slot = arith::MulIOp::create(b, add(slot, tile.b), cst(cfg.queryHeads));
    slot = arith::MulIOp::create(b, add(slot, outHead[half]), cfg.queryLen);
    slot = add(slot, row);
    Value rowBase = mul(slot, shape.inputValueDim);
    // Element by element: an odd Dv leaves the pairs unaligned.
    forEachStoredPair(b, lane, shape.inputValueDim,
                      [&](int64_t ot, Value col, int64_t width) {
                        for (int64_t e = 0; e < width; ++e)
                          memref::StoreOp::create(
                              b, acc[4 * ot + 2 * half + e], partials,
                              ValueRange{add(add(rowBase, col), e)});
                      });
    auto first = scf::IfOp::create(
        b,
        arith::CmpIOp::create(b, arith::CmpIPredicate::eq, lane.quad, cst(0)),
        /*withElseRegion=*/false);
    b.setInsertionPointToStart(&first.getThenRegion().front());
    Value at = add(layout.rowStateBase, mul(slot, 2));
    memref::StoreOp::create(b, m, partials, ValueRange{at});
    memref::StoreOp::create(b, l, partials, ValueRange{add(at, 1)});
  }
}

LogicalResult FlashKernelEmitter::emit(ValueRange args,
                                       const FlashOperands &present) {
  unsigned next = 4;
  cfg.op = op;
  cfg.query = args[0];
  cfg.key = args[1];
  cfg.value = args[2];
  cfg.output = args[3];
  if (present.lse)
    cfg.lse = args[next++];
  if (present.mask)
    cfg.mask = args[next++];
  if (present.bias)
    cfg.bias = args[next++];
  if (present.keyLengths)
    cfg.keyLengths = args[next++];
  if (present.blockTable)
    cfg.blockTable = args[next++];
  Value gridWidth;
  if (present.sample)
    cfg.normalizerInputs.push_back(args[next++]);
  if (present.gridWidth)
    gridWidth = args[next++];
  Value keyParts, partials;
  if (present.keyParts) {
    keyParts = args[next++];
    partials = args[next++];
  }
  Value keyMap, valueMap;
  if (present.keyMap) {
    keyMap = args[next++];
    valueMap = args[next++];
  }
  for (size_t i = 0; i < present.scoreWeights.size(); ++i)
    cfg.scoreWeights.push_back(args[next++]);
  for (size_t i = 0; i < present.positions.size(); ++i)
    cfg.positionInputs.push_back(args[next++]);
  elem = cast<MemRefType>(cfg.query.getType()).getElementType();
  cfg.elementType = elem;
  cfg.width = 2;
  cfg.laneByLaneLoads = true;
  cfg.queryHeads = op.getQueryHeads();
  cfg.kvHeads = op.getKeyValueHeads();
  cfg.headDim = shape.inputHeadDim;
  cfg.valueDim = shape.inputValueDim;
  cfg.scale = op.getEffectiveScale();
  cfg.queryTile = shape.queryTile;
  cfg.keyTile = shape.keyTile;
  normalizer = op.getNormalizer();
  log2Units = normalizer != Normalizer::none && normalizer != Normalizer::hard;
  hasChanges = op.getBias() || op.getAlibi() || op.getSoftcap() ||
               !op.getScoreMod().empty();
  cfg.convertAfterMods = log2Units && hasChanges;
  cfg.batch = memref::DimOp::create(b, cfg.query, 0);
  cfg.queryLen = memref::DimOp::create(b, cfg.query, 2);
  lowering::setKeyLength(b, cfg);
  cfg.alignOffset =
      op.buildAlignOffset(b, op.getLoc(), cfg.queryLen, cfg.keyLen);

  // CTA coordinates: x the query tile, y the head (packed GQA: the K/V
  // head, and tile.h the first query head of its group), z the batch.
  int64_t group = shape.packedHeads;
  tile.b = gpu::BlockIdOp::create(b, gpu::Dimension::z);
  Value ctaY = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  tile.h = mul(ctaY, group);
  tile.kvHead =
      group > 1
          ? ctaY
          : arith::DivUIOp::create(b, tile.h, cst(cfg.queryHeads / cfg.kvHeads))
                .getResult();
  // A split key range: grid x is part * query tiles + query tile.
  Value ctaX = gpu::BlockIdOp::create(b, gpu::Dimension::x), part;
  if (keyParts) {
    Value queryTiles = arith::CeilDivUIOp::create(b, mul(cfg.queryLen, group),
                                                  cst(shape.queryTile));
    part = arith::DivUIOp::create(b, ctaX, queryTiles);
    ctaX = arith::RemUIOp::create(b, ctaX, queryTiles);
  }
  // The query rows of the tile (a group's G packed rows per query row).
  tile.row0 = mul(ctaX, shape.queryTile / group);
  tile.rows = minS(cst(shape.queryTile / group),
                   arith::SubIOp::create(b, cfg.queryLen, tile.row0));
  if (cfg.keyLengths) {
    // Clamped to [0, Skv] as on CPU.
    Value len = arith::IndexCastOp::create(
        b, b.getIndexType(),
        memref::LoadOp::create(b, cfg.keyLengths, ValueRange{tile.b}));
    tile.keyLimit = maxS(cst(0), minS(len, cfg.keyLen));
  }
  threadId = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  lane = getLaneCoordinates(b, threadId);
  Value warp = arith::DivUIOp::create(b, threadId, cst(kThreadsPerWarp));
  warpRow0 = mul(warp, kWarpRows);
  // Global rows and query heads of the thread's two fragment rows; the
  // rows clamped into the sequence for the math (rows past it are computed
  // on zero queries, never stored).
  Value lastRow = add(cfg.queryLen, -1);
  for (int64_t half = 0; half < 2; ++half) {
    Value local = add(add(warpRow0, lane.group), 8 * half);
    outRow[half] = add(tile.row0, arith::DivUIOp::create(b, local, cst(group)));
    outHead[half] =
        group > 1 ? add(tile.h, arith::RemUIOp::create(b, local, cst(group)))
                  : tile.h;
    rowIdx[half] = minS(outRow[half], lastRow);
  }

  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  auto rawType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                 MemRefLayoutAttrInterface(), space);
  Value raw = gpu::DynamicSharedMemoryOp::create(b, rawType);
  if (shape.warpgroupTiles()) {
    // The layout starts at the first swizzle atom boundary: the tensor
    // cores swizzle by the address bits.
    Value addr = memref::ExtractAlignedPointerAsIndexOp::create(b, raw);
    Value pad = arith::RemUIOp::create(
        b,
        arith::SubIOp::create(
            b, cst(kSwizzleAtomBytes),
            arith::RemUIOp::create(b, addr, cst(kSwizzleAtomBytes))),
        cst(kSwizzleAtomBytes));
    raw = memref::ViewOp::create(
        b, rawType, raw, pad,
        ValueRange{cst(shape.sharedBytes - (kSwizzleAtomBytes - 16))});
    sharedAddress = add(addr, pad);
  }
  int64_t d = shape.rowStride(shape.headDim);
  int64_t dv = shape.rowStride(shape.valueDim);
  qView = sharedView(raw, shape.queryOffset, shape.queryTile * d);
  kView = sharedView(raw, shape.keyOffset, shape.stages * shape.keyTile * d);
  vView = sharedView(raw, shape.valueOffset, shape.stages * shape.keyTile * dv);
  WarpTiles tiles{shape, lane, warpRow0, qView, kView, vView};
  tiles.sharedAddress = sharedAddress;
  if (shape.splitQuery)
    tiles.queryLow = sharedView(raw, shape.queryLowOffset, shape.queryTile * d);
  selection = FragmentSelection::create(b, tiles, cfg, tile, rowIdx);
  positions = std::make_unique<FragmentPositions>(b, tiles, cfg, rowIdx, raw,
                                                  gridWidth);
  positions->prepareTile(tile);
  range = lowering::computeKeyRange(b, cfg, tile);
  if (keyParts)
    lowering::narrowToPart(b, cfg, range, part, keyParts);

  if (shape.tensorCopies) {
    copies.emplace(TensorCopyPlan{shape, keyMap, valueMap, sharedAddress,
                                  add(sharedAddress, shape.barrierOffset),
                                  tile.kvHead, tile.b});
    // Thread 0 initialises the mbarriers before it copies; the others wait
    // on them after the barrier below.
    auto first = scf::IfOp::create(
        b, arith::CmpIOp::create(b, arith::CmpIPredicate::eq, threadId, cst(0)),
        /*withElseRegion=*/false);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&first.getThenRegion().front());
      initTensorCopyBarriers(b, *copies);
      if (!shape.producerWarpgroup) {
        acquireTensorMap(b, keyMap);
        acquireTensorMap(b, valueMap);
      }
    }
  }
  if (shape.producerWarpgroup) {
    // Every thread sees the initialised mbarriers before the roles part.
    gpu::BarrierOp::create(b);
    computeWarps = &splitProducerWarpgroup(
                        b, *copies, threadId, range.begin, range.end,
                        [&](Value buf) { return keyBase(buf); },
                        [&](Value buf) { return valueBase(buf); })
                        .getElseRegion();
    if (shape.pingPong())
      startPingPong(b, shape, threadId);
  }
  // Prologue: Q, then the first key/value tile, in two commit groups (TMA:
  // Q's alone).
  copyRows(cfg.query, tile.h, tile.row0, cfg.queryLen, shape.queryTile,
           shape.headDim, shape.inputHeadDim, qView, cst(0), group);
  NVVM::CpAsyncCommitGroupOp::create(b);
  if (!shape.producerWarpgroup)
    copyKeyValueTile(range.begin, cst(0));
  NVVM::CpAsyncCommitGroupOp::create(b);
  NVVM::CpAsyncWaitGroupOp::create(b, shape.tensorCopies ? 0 : 1);
  gpu::BarrierOp::create(b);
  positions->prepareQuery();
  score = std::make_unique<FragmentScore>(
      b, tiles, op.getScore(), cfg.scoreWeights, raw, threadId, cfg.scale);
  score->prepareQuery();
  if (op.getScore() == ScoreKind::multi_dimensional)
    return emitFeatureSoftmax(tiles, raw);
  // bf16 weights that do not sum to one (sigmoid, none) lose too much in
  // one rounding (8 bits): the contraction sends them as hi + lo.
  contraction = WarpContraction::create(b, tiles,
                                        /*splitWeights=*/elem.isBF16() &&
                                            normalizer != Normalizer::softmax);
  contraction->loadQuery();
  if (selection)
    return emitSelection();

  // Loop-carried: the O accumulator fragments, then max and sum of the
  // thread's two rows.
  int64_t oTiles = shape.valueDim / 8;
  Value zero = f32(0.0);
  Value negInf = f32(-std::numeric_limits<float>::infinity());
  SmallVector<Value> init(4 * oTiles, zero);
  init.append({negInf, negInf, zero, zero});
  int64_t stateBegin = init.size();
  init.append(positions->initialState());
  FailureOr<scf::ForOp> loop = keyLoop(init, [&](Value k0, Value buf,
                                                 ArrayRef<Value> scores,
                                                 ValueRange carried) {
    // Online softmax of the thread's two rows.
    SmallVector<Value> acc(carried.begin(), carried.begin() + 4 * oTiles);
    SmallVector<Value> rowMax = {carried[4 * oTiles], carried[4 * oTiles + 1]};
    SmallVector<Value> rowSum = {carried[4 * oTiles + 2],
                                 carried[4 * oTiles + 3]};
    positions->setState(carried.drop_front(stateBegin));
    SmallVector<Value> p(scores.size());
    // Elementwise normalisers: the weights alone, hidden keys (-inf)
    // weigh 0; no max, sum or rescale.
    if (normalizer == Normalizer::sigmoid) {
      for (auto [i, si] : llvm::enumerate(scores))
        p[i] = arith::DivFOp::create(
            b, f32(1.0),
            arith::AddFOp::create(b, f32(1.0),
                                  fastExp2(b, arith::NegFOp::create(b, si))));
    } else if (normalizer == Normalizer::none) {
      for (auto [i, si] : llvm::enumerate(scores))
        p[i] = arith::SelectOp::create(
            b, arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, si, negInf),
            zero, si);
    }
    for (int64_t half = 0; half < 2 && normalizer == Normalizer::softmax;
         ++half) {
      Value corr =
          onlineSoftmaxStep(b, scores, half, rowMax[half], rowSum[half], p);
      for (int64_t ot = 0; ot < oTiles; ++ot)
        for (int64_t e = 0; e < 2; ++e) {
          int64_t i = 4 * ot + 2 * half + e;
          acc[i] = arith::MulFOp::create(b, acc[i], corr);
        }
      positions->accumulate(half, corr, k0, scores, p);
    }
    if (positions->hasGaussian())
      p = *mapFragmentPairs(
          b, p, [&](Value w, int64_t nt, int64_t half) -> FailureOr<Value> {
            return positions->valueWeights(w, fragmentIndices(k0, nt, half).key,
                                           half);
          });
    SmallVector<Value> yielded =
        contraction->accumulate(acc, p, valueBase(buf));
    yielded.append(rowMax);
    yielded.append(rowSum);
    yielded.append(SmallVector<Value>(positions->state()));
    return yielded;
  });
  if (failed(loop))
    return failure();

  // Epilogue: O / l for the rows inside the sequence; lse from thread 0 of
  // each quad.
  ValueRange done = loop->getResults();
  SmallVector<Value> acc(done.take_front(4 * oTiles));
  positions->setState(done.drop_front(stateBegin));
  positions->finish(acc, {done[4 * oTiles], done[4 * oTiles + 1]});
  auto store = [&]() { storeOutput(done, acc); };
  if (!keyParts) {
    store();
    return success();
  }
  // More than one part: the state goes to the partials for the combine
  // kernel.
  auto split = scf::IfOp::create(
      b, arith::CmpIOp::create(b, arith::CmpIPredicate::ugt, keyParts, cst(1)),
      /*withElseRegion=*/true);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(&split.getThenRegion().front());
  storePartials(done, acc, part, keyParts, partials);
  b.setInsertionPointToStart(&split.getElseRegion().front());
  store();
  return success();
}

} // namespace

FailureOr<gpu::GPUFuncOp>
gpu_lowering::emitFlashKernel(gpu::GPUModuleOp module, StringRef name,
                              AttentionOp op, const FlashShape &shape,
                              const FlashOperands &operands) {
  gpu::GPUFuncOp func = createKernel(module, op.getLoc(), name, operands.list(),
                                     int32_t(shape.launchThreads()));
  ImplicitLocOpBuilder b(op.getLoc(), func.getContext());
  b.setInsertionPointToStart(&func.getBody().front());
  FlashKernelEmitter emitter(op, shape, b);
  if (failed(emitter.emit(func.getArguments(), operands))) {
    func.erase();
    return failure();
  }
  emitter.finish();
  // setmaxnreg needs the register count at launch, which ptxas knows from
  // the thread count and one CTA per SM (.minnctapersm 1).
  if (registerBudgets(shape))
    func->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                  b.getI32IntegerAttr(1));
  b.setInsertionPointToEnd(&func.getBody().front());
  gpu::ReturnOp::create(b);
  return func;
}

//===- FlashKernelPipeline.cpp - softmax between the tensor cores' MMAs ---===//
//
// sm_90a with a producer warpgroup and one compute warpgroup
// (FlashShape::overlapsSoftmax): the key loop keeps the tensor cores busy
// while the warps compute the softmax, as FlashAttention-3's
// intra-warpgroup pipelining does. Each iteration j
//
//   waits for K/V tile j; issues S_j = Q K_j^T, then O += P_{j-1} V_{j-1}
//   (two committed groups of wgmma.mma_async);
//   waits for S_j alone (wgmma.wait_group 1): scores, changes, masks, the
//   online softmax of tile j -> P_j, the factors corr_j;
//   waits for P V (wait_group 0): O *= corr_j; hands tile j - 1's buffer
//   back to the producer;
//
// so P_{j-1} V_{j-1} runs on the tensor cores during tile j's softmax. The
// first tile has no P V before it (its scores and softmax come first, on
// their own) and the last tile's P V comes after the loop. O is rescaled
// only once its P V has landed: it holds tiles up to j - 1 in units of
// max_{j-1} when corr_j = exp2(max_{j-1} - max_j) applies.
//
//===----------------------------------------------------------------------===//

#include "FlashKernelEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

FailureOr<SmallVector<Value>>
FlashKernelEmitter::pipelinedKeyLoop(ValueRange init) {
  int64_t accSize = 4 * (shape.valueDim / 8);
  // After the accumulators: the row state (max, max, sum, sum), then the
  // positional state.
  SmallVector<Value> acc(init.take_front(accSize));
  SmallVector<Value> state(init.drop_front(accSize));
  Value keyTile = cst(shape.keyTile);
  Value nonEmpty = lessThan(range.begin, range.end);
  LogicalResult result = success();

  // The weights of the key tile at k0; `tileState` in and out.
  auto weighKeys = [&](Value k0, ArrayRef<Value> flat,
                       MutableArrayRef<Value> tileState,
                       SmallVectorImpl<Value> &corr) {
    FailureOr<SmallVector<Value>> scores = finishScores(flat, k0);
    if (failed(scores)) {
      result = failure();
      scores = SmallVector<Value>(flat);
    }
    positions->setState(tileState.drop_front(4));
    // weighTile updates the row state in place; the positional state
    // comes back from `positions`.
    SmallVector<Value> p =
        weighTile(k0, *scores, tileState.take_front(4), corr);
    llvm::copy(positions->state(), tileState.begin() + 4);
    return p;
  };

  // The first tile: scores and weights, nothing to multiply yet. Without
  // keys, the state as it was and weights of 0.
  SmallVector<Value> idle = contraction->weightRegisters(
      SmallVector<Value>(4 * (shape.keyTile / 8), f32(0.0)));
  SmallVector<Value> firstIdle(state);
  firstIdle.append(idle);
  auto first = scf::IfOp::create(b, TypeRange(ValueRange(firstIdle)), nonEmpty,
                                 /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&first.getThenRegion().front());
    Value buf = awaitKeyTile(range.begin);
    score->prepareKeys(keyBase(buf));
    SmallVector<Value> flat = contraction->scores(keyBase(buf));
    SmallVector<Value> tileState(state), corr;
    tileState.append(contraction->weightRegisters(
        weighKeys(range.begin, flat, tileState, corr)));
    scf::YieldOp::create(b, tileState);
    b.setInsertionPointToStart(&first.getElseRegion().front());
    scf::YieldOp::create(b, firstIdle);
  }

  // The other tiles, each with the P V of the one before.
  SmallVector<Value> carried(acc);
  carried.append(first.getResults().begin(), first.getResults().end());
  auto loop = scf::ForOp::create(
      b, arith::AddIOp::create(b, range.begin, keyTile), range.end, keyTile,
      carried, [&](OpBuilder &nb, Location loc, Value k0, ValueRange iter) {
        ImplicitLocOpBuilder lb(loc, nb);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(lb.getInsertionBlock(), lb.getInsertionPoint());
        SmallVector<Value> iterValues(iter);
        ArrayRef<Value> all(iterValues);
        ArrayRef<Value> accIn = all.take_front(accSize);
        SmallVector<Value> tileState(all.slice(accSize, state.size()));
        ArrayRef<Value> weights = all.drop_front(accSize + state.size());
        Value prevBuf = bufferOf(arith::SubIOp::create(b, k0, keyTile));
        Value buf = awaitKeyTile(k0);
        score->prepareKeys(keyBase(buf));
        auto [flight, accFlight] = contraction->issueScoresAndAccumulate(
            keyBase(buf), accIn, weights, valueBase(prevBuf));
        SmallVector<Value> flat = contraction->waitIssued(flight, 1);
        SmallVector<Value> corr;
        SmallVector<Value> p = weighKeys(k0, flat, tileState, corr);
        // The weights pass through the wait too: packed into P V's A
        // registers before it, they could take the registers that the
        // MMAs in flight still read.
        SmallVector<Value> landing(accFlight);
        landing.append(p);
        SmallVector<Value> landed = contraction->waitIssued(landing, 0);
        SmallVector<Value> accOut(ArrayRef<Value>(landed).take_front(accSize));
        rescale(accOut, corr);
        releaseBuffer(prevBuf);
        accOut.append(tileState);
        accOut.append(contraction->weightRegisters(
            ArrayRef<Value>(landed).drop_front(accSize)));
        scf::YieldOp::create(b, accOut);
      });
  if (failed(result))
    return failure();

  // The last tile's P V.
  ValueRange loopResults = loop.getResults();
  ValueRange lastWeights = loopResults.drop_front(accSize + state.size());
  SmallVector<Value> accLoop(loopResults.take_front(accSize));
  auto last = scf::IfOp::create(b, TypeRange(ValueRange(accLoop)), nonEmpty,
                                /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&last.getThenRegion().front());
    Value lastK0 = arith::AddIOp::create(
        b, range.begin,
        arith::MulIOp::create(
            b,
            arith::DivUIOp::create(
                b,
                arith::SubIOp::create(
                    b, arith::SubIOp::create(b, range.end, range.begin),
                    cst(1)),
                keyTile),
            keyTile));
    Value lastBuf = bufferOf(lastK0);
    SmallVector<Value> accOut = contraction->waitIssued(
        contraction->issueAccumulate(accLoop, SmallVector<Value>(lastWeights),
                                     valueBase(lastBuf)),
        0);
    releaseBuffer(lastBuf);
    scf::YieldOp::create(b, accOut);
    b.setInsertionPointToStart(&last.getElseRegion().front());
    scf::YieldOp::create(b, accLoop);
  }
  SmallVector<Value> done(last.getResults());
  done.append(loopResults.slice(accSize, state.size()).begin(),
              loopResults.slice(accSize, state.size()).end());
  return done;
}

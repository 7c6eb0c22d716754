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

#include "Contractions.h"
#include "FlashKernelEmitter.h"
#include "FlashShape.h"
#include "FragmentChoice.h"
#include "FragmentFeatures.h"
#include "FragmentPositions.h"
#include "FragmentScores.h"
#include "Fragments.h"
#include "KernelModule.h"
#include "TensorCopies.h"
#include "WarpSpecialization.h"

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

Value FlashKernelEmitter::tileStep(Value k0) {
  return arith::DivUIOp::create(b, arith::SubIOp::create(b, k0, range.begin),
                                cst(shape.keyTile));
}

Value FlashKernelEmitter::bufferOf(Value k0) {
  return arith::RemUIOp::create(b, tileStep(k0), cst(shape.stages));
}

Value FlashKernelEmitter::awaitKeyTile(Value k0) {
  Value step = tileStep(k0);
  Value buf = bufferOf(k0);
  Value nextK0 = add(k0, shape.keyTile);
  if (!shape.producerWarpgroup) {
    // Prefetch the next tile into the other buffer; always commit (an
    // empty group is legal), so that "all but the newest group" is always
    // the current tile.
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
            b, arith::DivUIOp::create(b, step, cst(shape.stages)), cst(2)));
    return buf;
  }
  NVVM::CpAsyncCommitGroupOp::create(b);
  NVVM::CpAsyncWaitGroupOp::create(b, 1);
  // The tensor cores of warpgroup MMA read the tile through the async
  // proxy: each thread's copies must be visible to it.
  if (shape.warpgroupTiles())
    NVVM::FenceProxyOp::create(
        b,
        NVVM::ProxyKindAttr::get(b.getContext(), NVVM::ProxyKind::async_shared),
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
  gpu::BarrierOp::create(b);
  return buf;
}

FailureOr<SmallVector<Value>>
FlashKernelEmitter::finishScores(ArrayRef<Value> flat, Value k0) {
  FailureOr<SmallVector<Value>> changed = changeScores(flat, k0);
  if (failed(changed))
    return failure();
  SmallVector<Value> scores = *changed;
  // The mask arithmetic only where the tile is not fully visible.
  if (op.hasUnanalysableMask())
    return maskScores(scores, k0);
  Value full = arith::AndIOp::create(
      b,
      arith::CmpIOp::create(b, arith::CmpIPredicate::sle, range.fullBegin, k0),
      arith::CmpIOp::create(b, arith::CmpIPredicate::sle,
                            add(k0, shape.keyTile), range.fullEnd));
  auto ifOp = scf::IfOp::create(b, TypeRange(ValueRange(scores)), full,
                                /*withElseRegion=*/true);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(&ifOp.getThenRegion().front());
  scf::YieldOp::create(b, scores);
  b.setInsertionPointToStart(&ifOp.getElseRegion().front());
  scf::YieldOp::create(b, maskScores(scores, k0));
  return SmallVector<Value>(ifOp.getResults());
}

FailureOr<scf::ForOp> FlashKernelEmitter::keyLoop(ValueRange init,
                                                  KeyTileBody body,
                                                  bool withScores) {
  LogicalResult result = success();
  auto loop = scf::ForOp::create(
      b, range.begin, range.end, cst(shape.keyTile), init,
      [&](OpBuilder &nb, Location loc, Value k0, ValueRange carried) {
        ImplicitLocOpBuilder lb(loc, nb);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(lb.getInsertionBlock(), lb.getInsertionPoint());
        Value buf = awaitKeyTile(k0);
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
        FailureOr<SmallVector<Value>> scores = finishScores(flat, k0);
        if (failed(scores)) {
          result = failure();
          scores = flat;
        }
        SmallVector<Value> yielded = body(k0, buf, *scores, carried);
        releaseBuffer(buf);
        scf::YieldOp::create(b, yielded);
      });
  if (failed(result))
    return failure();
  return loop;
}

SmallVector<Value>
FlashKernelEmitter::weighTile(Value k0, ArrayRef<Value> scores,
                              MutableArrayRef<Value> rowState,
                              SmallVectorImpl<Value> &corr) {
  SmallVector<Value> p(scores.size());
  // Elementwise normalisers: the weights alone, hidden keys (-inf) weigh
  // 0; no max, sum or rescale.
  if (normalizer == Normalizer::sigmoid) {
    for (auto [i, si] : llvm::enumerate(scores))
      p[i] = arith::DivFOp::create(
          b, f32(1.0),
          arith::AddFOp::create(b, f32(1.0),
                                fastExp2(b, arith::NegFOp::create(b, si))));
  } else if (normalizer == Normalizer::none) {
    Value zero = f32(0.0);
    Value negInf = f32(-std::numeric_limits<float>::infinity());
    for (auto [i, si] : llvm::enumerate(scores))
      p[i] = arith::SelectOp::create(
          b, arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, si, negInf),
          zero, si);
  }
  // Online softmax of the thread's two rows: (max, max, sum, sum).
  for (int64_t half = 0; half < 2 && normalizer == Normalizer::softmax;
       ++half) {
    corr.push_back(onlineSoftmaxStep(b, scores, half, rowState[half],
                                     rowState[2 + half], p));
    positions->accumulate(half, corr.back(), k0, scores, p);
  }
  if (positions->hasGaussian())
    p = *mapFragmentPairs(
        b, p, [&](Value w, int64_t nt, int64_t half) -> FailureOr<Value> {
          return positions->valueWeights(w, fragmentIndices(k0, nt, half).key,
                                         half);
        });
  return p;
}

void FlashKernelEmitter::rescale(MutableArrayRef<Value> acc,
                                 ArrayRef<Value> corr) {
  if (corr.empty())
    return;
  for (int64_t ot = 0; ot < int64_t(acc.size()) / 4; ++ot)
    for (int64_t half = 0; half < 2; ++half)
      for (int64_t e = 0; e < 2; ++e) {
        int64_t i = 4 * ot + 2 * half + e;
        acc[i] = arith::MulFOp::create(b, acc[i], corr[half]);
      }
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
  FailureOr<SmallVector<Value>> results;
  if (shape.overlapsSoftmax() && contraction->issuesApart()) {
    results = pipelinedKeyLoop(init);
  } else {
    FailureOr<scf::ForOp> loop =
        keyLoop(init, [&](Value k0, Value buf, ArrayRef<Value> scores,
                          ValueRange carried) {
          SmallVector<Value> acc(carried.take_front(4 * oTiles));
          SmallVector<Value> rowState(carried.slice(4 * oTiles, 4));
          positions->setState(carried.drop_front(stateBegin));
          SmallVector<Value> corr;
          SmallVector<Value> p = weighTile(k0, scores, rowState, corr);
          rescale(acc, corr);
          SmallVector<Value> yielded =
              contraction->accumulate(acc, p, valueBase(buf));
          yielded.append(rowState);
          yielded.append(SmallVector<Value>(positions->state()));
          return yielded;
        });
    if (succeeded(loop))
      results = SmallVector<Value>(loop->getResults());
  }
  if (failed(results))
    return failure();

  // Epilogue: O / l for the rows inside the sequence; lse from thread 0 of
  // each quad.
  ValueRange done = *results;
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

SmallVector<Value> FlashOperands::list() const {
  SmallVector<Value> all = {query, key, value, output};
  for (Value v : {lse, mask, bias, keyLengths, blockTable, sample, gridWidth,
                  keyParts, partials, keyMap, valueMap})
    if (v)
      all.push_back(v);
  all.append(scoreWeights.begin(), scoreWeights.end());
  all.append(positions.begin(), positions.end());
  return all;
}

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

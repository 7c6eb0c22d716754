//===- TensorCopies.cpp - TMA copies of K/V tiles on sm_90a ---------------===//
//
// The Tensor Memory Accelerator copies a box of a tensor in global memory
// into shared memory, described by a tensor map (CUtensorMap) that the
// host makes before the launch: here boxes of [key-tile rows, 64 columns]
// of the [B, H, S, D] K and V operands, written with the 128-byte swizzle,
// which is the layout the warpgroup MMA reads (tileOffset). Elements
// outside the tensor (keys past the sequence, columns past the head dim)
// are written as zeros, like cp.async's zero-fill.
//
// One thread announces the tile's bytes on the buffer's full mbarrier
// (mbarrier.arrive.expect_tx) and issues its copies, which complete those
// bytes; every compute thread then waits for the barrier's phase by its
// parity. With a producer warpgroup the compute threads also arrive on the
// buffer's empty mbarrier once they are done reading it, which the
// producer waits for before it refills the buffer.
// The ops are upstream NVVM's; the wait loop becomes inline PTX in
// convert-nvvm-to-llvm.
//
//===----------------------------------------------------------------------===//

#include "TensorCopies.h"
#include "FlashShape.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

namespace {
/// The runtime function that makes a tensor map (docs/abi.md).
constexpr llvm::StringLiteral kTensorMapFunction = "attnCudaTensorMap";

/// Address spaces of NVPTX: shared::cta and shared::cluster.
constexpr unsigned kSharedSpace = 3, kSharedClusterSpace = 7;

Value toI64(ImplicitLocOpBuilder &b, Value index) {
  return arith::IndexCastUIOp::create(b, b.getI64Type(), index);
}

/// The pointer in `space` at the integer address `address` (an index).
Value pointerAt(ImplicitLocOpBuilder &b, Value address, unsigned space) {
  return LLVM::IntToPtrOp::create(
      b, LLVM::LLVMPointerType::get(b.getContext(), space), toI64(b, address));
}
} // namespace

Value TensorCopyPlan::fullBarrier(ImplicitLocOpBuilder &b, Value buf) const {
  return arith::AddIOp::create(
      b, barriers,
      arith::MulIOp::create(b, buf, arith::ConstantIndexOp::create(b, 8)));
}

Value TensorCopyPlan::emptyBarrier(ImplicitLocOpBuilder &b, Value buf) const {
  return arith::AddIOp::create(
      b, fullBarrier(b, buf),
      arith::ConstantIndexOp::create(b, 8 * shape.stages));
}

void gpu_lowering::initTensorCopyBarriers(ImplicitLocOpBuilder &b,
                                          const TensorCopyPlan &plan) {
  const FlashShape &shape = plan.shape;
  for (int64_t i = 0; i < shape.barrierCount(); ++i) {
    int64_t arrivals = i < shape.stages ? 1 : shape.threads();
    NVVM::MBarrierInitOp::create(
        b,
        pointerAt(
            b,
            arith::AddIOp::create(b, plan.barriers,
                                  arith::ConstantIndexOp::create(b, 8 * i)),
            kSharedSpace),
        arith::ConstantOp::create(b, b.getI32IntegerAttr(arrivals)),
        /*predicate=*/Value());
  }
  // The initialisation, visible to the tensor copies (the async proxy)
  // that complete on the barriers.
  NVVM::FenceMbarrierInitOp::create(b);
}

void gpu_lowering::acquireTensorMap(ImplicitLocOpBuilder &b, Value map) {
  // The host wrote the map by a copy: system scope.
  NVVM::FenceProxyAcquireOp::create(
      b, NVVM::MemScopeKind::SYS, pointerAt(b, map, 0),
      arith::ConstantOp::create(b, b.getI32IntegerAttr(128)),
      NVVM::ProxyKind::GENERIC, NVVM::ProxyKind::TENSORMAP);
}

/// mbarrier.arrive.expect_tx: the current phase of `barrier` also waits
/// for `bytes` bytes of tensor copies.
static void expectTensorBytes(ImplicitLocOpBuilder &b, Value barrier,
                              int64_t bytes) {
  NVVM::MBarrierArriveExpectTxOp::create(
      b, /*res=*/Type(), pointerAt(b, barrier, kSharedSpace),
      arith::ConstantOp::create(b, b.getI32IntegerAttr(bytes)),
      NVVM::MemScopeKind::CTA, /*relaxed=*/false, /*predicate=*/Value());
}

/// cp.async.bulk.tensor.Nd: the box of tensor map `map` at `coordinates`
/// (innermost first) to shared address `dst`, its bytes completing on
/// `barrier`.
static void copyTensorBox(ImplicitLocOpBuilder &b, Value map, Value dst,
                          Value barrier, ArrayRef<Value> coordinates) {
  // The copy's destination is a shared::cluster address; without a
  // cluster it is the CTA's own shared memory.
  Value to = LLVM::AddrSpaceCastOp::create(
      b, LLVM::LLVMPointerType::get(b.getContext(), kSharedClusterSpace),
      pointerAt(b, dst, kSharedSpace));
  SmallVector<Value, 4> coords;
  for (Value c : coordinates)
    coords.push_back(arith::IndexCastOp::create(b, b.getI32Type(), c));
  NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
      b, to, pointerAt(b, map, 0), coords, pointerAt(b, barrier, kSharedSpace),
      /*im2colOffsets=*/ValueRange(), /*multicastMask=*/Value(),
      /*l2CacheHint=*/Value(), NVVM::TMALoadMode::TILE, /*isCTAOnly=*/false,
      /*group=*/NVVM::CTAGroupKindAttr(), /*predicate=*/Value());
}

void gpu_lowering::copyKeyValueBoxes(ImplicitLocOpBuilder &b,
                                     const TensorCopyPlan &plan, Value k0,
                                     Value buf, Value keyBase,
                                     Value valueBase) {
  const FlashShape &shape = plan.shape;
  auto cst = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, x, y); };
  // Every box is counted whole, its zeros included.
  int64_t blockCols = kSwizzleAtomBytes / 8 / shape.elementBytes;
  int64_t blockBytes = shape.keyTile * kSwizzleAtomBytes / 8;
  Value barrier = plan.fullBarrier(b, buf);
  expectTensorBytes(b, barrier,
                    blockBytes * (shape.headDim + shape.valueDim) / blockCols);
  auto boxes = [&](Value map, int64_t offset, Value base, int64_t cols) {
    Value at = add(add(plan.sharedAddress, cst(offset)),
                   arith::MulIOp::create(b, base, cst(shape.elementBytes)));
    for (int64_t block = 0; block < cols / blockCols; ++block)
      copyTensorBox(b, map, add(at, cst(block * blockBytes)), barrier,
                    {cst(block * blockCols), k0, plan.kvHead, plan.batch});
  };
  boxes(plan.keyMap, shape.keyOffset, keyBase, shape.headDim);
  boxes(plan.valueMap, shape.valueOffset, valueBase, shape.valueDim);
}

void gpu_lowering::waitBarrierPhase(ImplicitLocOpBuilder &b, Value barrier,
                                    Value parity) {
  NVVM::MBarrierTryWaitParityOp::create(
      b, pointerAt(b, barrier, kSharedSpace),
      arith::IndexCastOp::create(b, b.getI32Type(), parity),
      // The suspend-time hint of try_wait, in nanoseconds.
      arith::ConstantOp::create(b, b.getI32IntegerAttr(1000000)));
}

void gpu_lowering::arriveOnBarrier(ImplicitLocOpBuilder &b, Value barrier) {
  NVVM::MBarrierArriveOp::create(b, /*res=*/Type(),
                                 pointerAt(b, barrier, kSharedSpace),
                                 /*count=*/Value());
}

Value gpu_lowering::makeTensorMap(ImplicitLocOpBuilder &b, ModuleOp module,
                                  Value buffer, int64_t boxRows,
                                  int64_t boxCols) {
  Type i64 = b.getI64Type();
  if (!module.lookupSymbol<func::FuncOp>(kTensorMapFunction)) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(module.getBody());
    auto decl = func::FuncOp::create(
        b, kTensorMapFunction,
        b.getFunctionType(SmallVector<Type>(11, i64), {i64}));
    decl.setPrivate();
  }
  auto type = cast<MemRefType>(buffer.getType());
  int64_t bytes = type.getElementTypeBitWidth() / 8;
  auto meta = memref::ExtractStridedMetadataOp::create(b, buffer);
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, buffer);
  Value address = arith::AddIOp::create(
      b, base,
      arith::MulIOp::create(b, meta.getOffset(),
                            arith::ConstantIndexOp::create(b, bytes)));
  auto c = [&](int64_t v) {
    return arith::ConstantOp::create(b, b.getI64IntegerAttr(v));
  };
  SmallVector<Value> args = {toI64(b, address), c(bytes)};
  for (Value size : meta.getSizes())
    args.push_back(toI64(b, size));
  for (Value stride : meta.getStrides().drop_back())
    args.push_back(toI64(b, stride));
  args.append({c(boxRows), c(boxCols)});
  auto call = func::CallOp::create(b, kTensorMapFunction, TypeRange{i64}, args);
  return arith::IndexCastUIOp::create(b, b.getIndexType(), call.getResult(0));
}

//===- TensorCopies.h - K/V tiles by TMA ------------------------*- C++ -*-===//
//
// sm_90a: the K/V tiles copied by TMA (cp.async.bulk.tensor) into a ring
// of shared-memory buffers guarded by mbarriers (TensorCopies.cpp).
// Addresses are indices: shared-window addresses in the kernel, device
// addresses for the tensor maps.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_TENSORCOPIES_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_TENSORCOPIES_H

#include "FlashShape.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlir::attn::gpu_lowering {

/// Where one kernel's TMA copies go: the tensor maps of K and V, the
/// shared addresses of the layout and of its mbarriers, and the CTA's K/V
/// head and batch.
struct TensorCopyPlan {
  const FlashShape &shape;
  Value keyMap, valueMap, sharedAddress, barriers, kvHead, batch;

  /// Shared address of buffer `buf`'s full mbarrier (its tile's bytes
  /// have landed) and, with a producer, of its empty one (every consumer
  /// is done reading it).
  Value fullBarrier(ImplicitLocOpBuilder &b, Value buf) const;
  Value emptyBarrier(ImplicitLocOpBuilder &b, Value buf) const;
};

/// mbarrier.init of the plan's mbarriers (FlashShape::barrierCount): the
/// full ones wait for one arrival (the copying thread's), the empty ones
/// for one per compute thread; then the fence that makes them visible to
/// the tensor copies.
void initTensorCopyBarriers(ImplicitLocOpBuilder &b,
                            const TensorCopyPlan &plan);
/// fence.proxy.tensormap::generic.acquire of the tensor map at `map`: the
/// tensor copies of the thread see the map as the host copied it to
/// device memory.
void acquireTensorMap(ImplicitLocOpBuilder &b, Value map);
/// From one thread: arms buffer `buf`'s full mbarrier with the bytes of
/// the K/V tile at key `k0` and issues its boxes into the buffer (K at
/// element `keyBase` of the K buffers, V at `valueBase` of the V ones).
void copyKeyValueBoxes(ImplicitLocOpBuilder &b, const TensorCopyPlan &plan,
                       Value k0, Value buf, Value keyBase, Value valueBase);
/// Waits until the phase of `barrier` of parity `parity` (an index, 0 or
/// 1) has completed.
void waitBarrierPhase(ImplicitLocOpBuilder &b, Value barrier, Value parity);
/// One arrival of the calling thread on `barrier`, which releases its
/// earlier reads of shared memory to the threads that wait on it.
void arriveOnBarrier(ImplicitLocOpBuilder &b, Value barrier);
/// Host: the device address (an index) of a tensor map of the rank-4
/// `buffer` with boxes of `boxRows` x `boxCols` (dims 2 and 3), made by the
/// CUDA runtime's attnCudaTensorMap, which `module` declares.
Value makeTensorMap(ImplicitLocOpBuilder &b, ModuleOp module, Value buffer,
                    int64_t boxRows, int64_t boxCols);

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_TENSORCOPIES_H

//===- WarpSpecialization.h - producer and consumer warpgroups ---*- C++
//-*-===//
//
// sm_90a: the producer warpgroup that issues the TMA copies, the compute
// warps' register budget, barriers and MMA turns (WarpSpecialization.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_WARPSPECIALIZATION_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_WARPSPECIALIZATION_H

#include "TensorCopies.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

#include <optional>

namespace mlir::attn::gpu_lowering {

/// Splits the kernel by role at the current point, which every thread
/// reaches after the mbarriers are initialised: the producer warpgroup
/// gives up registers and its first thread copies the key tiles
/// [begin, end) (step keyTile) into the ring, waiting for each buffer on
/// its empty mbarrier; the compute warps take the registers and continue
/// after the returned op, whose else region the builder is left in.
scf::IfOp splitProducerWarpgroup(ImplicitLocOpBuilder &b,
                                 const TensorCopyPlan &plan, Value threadId,
                                 Value begin, Value end,
                                 function_ref<Value(Value)> keyBase,
                                 function_ref<Value(Value)> valueBase);
/// The CTA barriers of the compute warps in `consumers` become barriers
/// of those warps alone (a named barrier with their thread count): the
/// producer never reaches them.
void restrictBarriersToConsumers(Region &consumers, const FlashShape &shape);
/// Ping-pong (FlashShape::pingPong): each compute warpgroup has a named
/// barrier of the two warpgroups' threads; a warpgroup waits at its own
/// before it issues Q K^T (waitForMmaTurn) and arrives at the other's once
/// its MMAs are done (passMmaTurn). startPingPong, at the start of the
/// compute warps, gives warpgroup 0 the first turn.
void startPingPong(ImplicitLocOpBuilder &b, const FlashShape &shape,
                   Value threadId);
void waitForMmaTurn(ImplicitLocOpBuilder &b, const FlashShape &shape,
                    Value threadId);
void passMmaTurn(ImplicitLocOpBuilder &b, const FlashShape &shape,
                 Value threadId);
/// The per-thread register counts that setmaxnreg gives the producer and
/// the compute warpgroups of `shape`, or nullopt where the compute warps
/// already get as many at launch.
std::optional<std::pair<int64_t, int64_t>>
registerBudgets(const FlashShape &shape);

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_WARPSPECIALIZATION_H

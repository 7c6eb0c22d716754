//===- WarpSpecialization.cpp - a producer warpgroup for the K/V ring -----===//
//
// sm_90a, the FlashAttention-3 structure: the CTA's compute warpgroups
// (one per 64 query rows) are followed by one producer warpgroup. The
// producer's first thread walks the key range ahead of the compute warps
// and issues each K/V tile's TMA copies into the next buffer of a ring of
// FlashShape::stages, as soon as the buffer's empty mbarrier says that
// every compute thread is done with its previous tile; the compute warps
// wait on the buffer's full mbarrier, read it, and arrive on its empty
// one. No CTA barrier is left in the key loop, and the copies run as far
// ahead as the ring allows.
//
// With two compute warpgroups they take turns at issuing Q K^T (ping-pong,
// by a named barrier per warpgroup), so that the tensor cores work for
// one while the other computes its softmax.
//
// The producer needs few registers and the compute warps many (the S and O
// accumulators, P, Q): setmaxnreg moves them from one to the other, within
// the 64K registers of the CTA, where the launch alone would cap the
// compute warps below what they need (three or more warpgroups).
//
//===----------------------------------------------------------------------===//

#include "WarpSpecialization.h"
#include "FlashShape.h"
#include "TensorCopies.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

namespace {
/// 32-bit registers of an SM that one CTA may hold (sm_90).
constexpr int64_t kRegistersPerCta = 64 * 1024;
/// setmaxnreg's range: multiples of 8 in [24, 256]; and what one thread
/// can address.
constexpr int64_t kFewestRegisters = 24, kMostRegisters = 255;
/// What the compute warps ask for: room for the accumulators of a 128
/// head dim next to Q and P (FlashAttention-3 uses the same).
constexpr int64_t kComputeRegisters = 240;
/// Named barrier 0 is the CTA's (bar.sync 0, gpu.barrier); the compute
/// warps meet at this one, and with ping-pong warpgroup w's turn is
/// barrier kFirstTurnBarrier + w.
constexpr int32_t kComputeBarrier = 1, kFirstTurnBarrier = 2;

int64_t roundDownTo8(int64_t v) { return v / 8 * 8; }

Value i32(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantOp::create(b, b.getI32IntegerAttr(int32_t(v)));
}

/// The turn barrier of the calling thread's compute warpgroup, or of the
/// other one.
Value turnBarrier(ImplicitLocOpBuilder &b, Value threadId, bool other) {
  Value group = arith::IndexCastUIOp::create(
      b, b.getI32Type(),
      arith::DivUIOp::create(
          b, threadId, arith::ConstantIndexOp::create(b, kWarpgroupThreads)));
  if (other)
    group = arith::SubIOp::create(b, i32(b, 1), group);
  return arith::AddIOp::create(b, group, i32(b, kFirstTurnBarrier));
}
} // namespace

std::optional<std::pair<int64_t, int64_t>>
gpu_lowering::registerBudgets(const FlashShape &shape) {
  if (!shape.producerWarpgroup)
    return std::nullopt;
  // What ptxas may give each thread at launch.
  int64_t atLaunch = std::min(
      kMostRegisters, roundDownTo8(kRegistersPerCta / shape.launchThreads()));
  if (atLaunch >= kComputeRegisters)
    return std::nullopt;
  int64_t compute = std::min(
      kComputeRegisters,
      roundDownTo8((kRegistersPerCta - kWarpgroupThreads * kFewestRegisters) /
                   shape.threads()));
  if (compute <= atLaunch)
    return std::nullopt;
  return std::make_pair(kFewestRegisters, compute);
}

scf::IfOp gpu_lowering::splitProducerWarpgroup(
    ImplicitLocOpBuilder &b, const TensorCopyPlan &plan, Value threadId,
    Value begin, Value end, function_ref<Value(Value)> keyBase,
    function_ref<Value(Value)> valueBase) {
  const FlashShape &shape = plan.shape;
  auto cst = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  std::optional<std::pair<int64_t, int64_t>> budgets = registerBudgets(shape);
  auto roles =
      scf::IfOp::create(b,
                        arith::CmpIOp::create(b, arith::CmpIPredicate::uge,
                                              threadId, cst(shape.threads())),
                        /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&roles.getThenRegion().front());
    // The whole warpgroup gives its registers back, then one thread works.
    if (budgets)
      NVVM::SetMaxRegisterOp::create(b, budgets->first,
                                     NVVM::SetMaxRegisterAction::decrease);
    auto first =
        scf::IfOp::create(b,
                          arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                                                threadId, cst(shape.threads())),
                          /*withElseRegion=*/false);
    b.setInsertionPointToStart(&first.getThenRegion().front());
    acquireTensorMap(b, plan.keyMap);
    acquireTensorMap(b, plan.valueMap);
    scf::ForOp::create(
        b, begin, end, cst(shape.keyTile), ValueRange{},
        [&](OpBuilder &nb, Location loc, Value k0, ValueRange) {
          ImplicitLocOpBuilder lb(loc, nb);
          Value step = arith::DivUIOp::create(
              lb, arith::SubIOp::create(lb, k0, begin), cst(shape.keyTile));
          Value buf = arith::RemUIOp::create(lb, step, cst(shape.stages));
          Value round = arith::DivUIOp::create(lb, step, cst(shape.stages));
          // Round r refills the buffer after its (r - 1)-th tile: phase
          // r - 1 of its empty mbarrier. In round 0 the parity is that of
          // the phase before the first, which counts as complete.
          waitBarrierPhase(
              lb, plan.emptyBarrier(lb, buf),
              arith::RemUIOp::create(
                  lb, arith::AddIOp::create(lb, round, cst(1)), cst(2)));
          copyKeyValueBoxes(lb, plan, k0, buf, keyBase(buf), valueBase(buf));
          scf::YieldOp::create(lb);
        });
  }
  b.setInsertionPointToStart(&roles.getElseRegion().front());
  if (budgets)
    NVVM::SetMaxRegisterOp::create(b, budgets->second,
                                   NVVM::SetMaxRegisterAction::increase);
  return roles;
}

void gpu_lowering::startPingPong(ImplicitLocOpBuilder &b,
                                 const FlashShape &shape, Value threadId) {
  auto second = scf::IfOp::create(
      b,
      arith::CmpIOp::create(
          b, arith::CmpIPredicate::uge, threadId,
          arith::ConstantIndexOp::create(b, kWarpgroupThreads)),
      /*withElseRegion=*/false);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(&second.getThenRegion().front());
  passMmaTurn(b, shape, threadId);
}

void gpu_lowering::waitForMmaTurn(ImplicitLocOpBuilder &b,
                                  const FlashShape &shape, Value threadId) {
  NVVM::BarrierOp::create(b, /*res=*/Type(),
                          turnBarrier(b, threadId, /*other=*/false),
                          i32(b, shape.threads()), /*reductionOp=*/nullptr,
                          /*reductionPredicate=*/Value());
}

void gpu_lowering::passMmaTurn(ImplicitLocOpBuilder &b, const FlashShape &shape,
                               Value threadId) {
  NVVM::BarrierArriveOp::create(b, turnBarrier(b, threadId, /*other=*/true),
                                i32(b, shape.threads()));
}

void gpu_lowering::restrictBarriersToConsumers(Region &consumers,
                                               const FlashShape &shape) {
  SmallVector<gpu::BarrierOp> barriers;
  consumers.walk([&](gpu::BarrierOp op) { barriers.push_back(op); });
  for (gpu::BarrierOp op : barriers) {
    ImplicitLocOpBuilder b(op.getLoc(), op);
    NVVM::BarrierOp::create(b, /*res=*/Type(), i32(b, kComputeBarrier),
                            i32(b, shape.threads()), /*reductionOp=*/nullptr,
                            /*reductionPredicate=*/Value());
    op.erase();
  }
}

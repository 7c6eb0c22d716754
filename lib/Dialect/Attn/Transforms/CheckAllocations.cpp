//===- CheckAllocations.cpp - report failed heap allocations --------------===//
//
// Implements `attn-check-allocations`. Compiled code allocates heap memory
// with `memref.alloc` (the scratch of work items that do not fit the stack,
// split-key states, intermediate tensors of graphs); a failed `malloc`
// returns null, and writing through it would crash the caller's process.
// Every function gets a trailing `memref<i32>` status argument, and three
// kinds of guards make a failure skip work instead:
//
//   1. after each allocation, the rest of its block runs only when the
//      pointer is not null; otherwise the status becomes 1;
//   2. after each op that contains an allocation or calls a function (its
//      results, or memory it was to write, may be missing), the rest of
//      its block runs only while the status is 0;
//   3. the body of such an `scf.for` with iteration arguments runs only
//      while the status is 0 (an earlier iteration may have failed).
//
// Values that skipped ops would have produced are zeros (poison for
// memrefs) and are never used: everything after a failure is skipped.
// The C entry points of attn-emit-c-interface pass a zeroed status and
// return 3 when it is set.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCHECKALLOCATIONS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {

/// A value of `type` for work that did not run: zero for scalars and
/// vectors, poison otherwise.
Value skippedValue(ImplicitLocOpBuilder &b, Type type) {
  if (isa<IntegerType, IndexType, FloatType, VectorType>(type))
    return arith::ConstantOp::create(b, cast<TypedAttr>(b.getZeroAttr(type)));
  return ub::PoisonOp::create(b, type);
}

/// Puts the ops from `begin` up to the terminator of its block under
/// `scf.if %condition`. The else branch sets `status` when `setStatus`, and
/// yields skipped values for those the terminator takes from the guarded
/// ops. Deallocations for which `keepOutside` holds stay after the
/// `scf.if`, so that their buffers are freed either way.
void guardRest(Operation *begin, Value condition, Value status, bool setStatus,
               function_ref<bool(memref::DeallocOp)> keepOutside) {
  Block *block = begin->getBlock();
  Operation *end =
      block->mightHaveTerminator() ? block->getTerminator() : nullptr;
  SmallVector<Operation *> guarded;
  for (Operation *op = begin; op && op != end; op = op->getNextNode()) {
    auto dealloc = dyn_cast<memref::DeallocOp>(op);
    if (!dealloc || !keepOutside(dealloc))
      guarded.push_back(op);
  }
  if (guarded.empty())
    return;
  llvm::SmallPtrSet<Operation *, 16> inside(guarded.begin(), guarded.end());

  // Values of the guarded ops used after them: by the terminator (the
  // deallocations kept outside use none of them).
  SmallVector<Value> escaping;
  for (Operation *op : guarded)
    for (Value v : op->getResults())
      if (llvm::any_of(v.getUsers(), [&](Operation *user) {
            return !inside.contains(block->findAncestorOpInBlock(*user));
          }))
        escaping.push_back(v);

  ImplicitLocOpBuilder b(begin->getLoc(), begin);
  auto ifOp = scf::IfOp::create(b, ValueRange(escaping).getTypes(), condition,
                                /*addThenBlock=*/false, /*addElseBlock=*/false);
  Block *thenBlock = &ifOp.getThenRegion().emplaceBlock();
  b.setInsertionPointToEnd(thenBlock);
  // A stack scope lowers to branches, which the single block of an scf.if
  // cannot hold: such ops go in an scf.execute_region (inlined into the
  // function's blocks when scf lowers to cf).
  Block *body = thenBlock;
  scf::ExecuteRegionOp region;
  if (llvm::any_of(guarded, llvm::IsaPred<memref::AllocaScopeOp>)) {
    region = scf::ExecuteRegionOp::create(b, ValueRange(escaping).getTypes());
    region.setNoInline(true);
    body = &region.getRegion().emplaceBlock();
  }
  for (Operation *op : guarded)
    op->moveBefore(body, body->end());
  b.setInsertionPointToEnd(body);
  scf::YieldOp::create(b, escaping);
  if (region) {
    b.setInsertionPointToEnd(thenBlock);
    scf::YieldOp::create(b, region.getResults());
  }

  if (!setStatus && escaping.empty())
    return;
  Block *elseBlock = &ifOp.getElseRegion().emplaceBlock();
  b.setInsertionPointToEnd(elseBlock);
  if (setStatus) {
    // Work items of a parallel loop may fail at once.
    Value one = arith::ConstantIntOp::create(b, b.getI32Type(), 1);
    memref::AtomicRMWOp::create(b, arith::AtomicRMWKind::ori, one, status,
                                ValueRange{});
  }
  SmallVector<Value> skipped = llvm::map_to_vector(
      escaping, [&](Value v) { return skippedValue(b, v.getType()); });
  scf::YieldOp::create(b, skipped);

  for (auto [v, result] : llvm::zip(escaping, ifOp.getResults()))
    v.replaceUsesWithIf(result, [&](OpOperand &use) {
      return !ifOp->isProperAncestor(use.getOwner());
    });
}

/// i1: no allocation has failed so far (an atomic read of the status, which
/// other threads may be setting).
Value statusIsClear(ImplicitLocOpBuilder &b, Value status) {
  Value zero = arith::ConstantIntOp::create(b, b.getI32Type(), 0);
  Value current = memref::AtomicRMWOp::create(b, arith::AtomicRMWKind::ori,
                                              zero, status, ValueRange{});
  return arith::CmpIOp::create(b, arith::CmpIPredicate::eq, current, zero);
}

/// Whether `v` is defined before `op` in `op`'s block, or outside it.
bool isDefinedBefore(Value v, Operation *op) {
  Block *block = op->getBlock();
  Operation *def = v.getDefiningOp();
  if (!def) {
    if (v.getParentBlock() == block)
      return true;
    def = v.getParentBlock()->getParentOp();
  }
  Operation *ancestor = block->findAncestorOpInBlock(*def);
  return !ancestor || ancestor->isBeforeInBlock(op);
}

/// Guard 1: the work after `alloc` needs its buffer.
void guardAllocation(memref::AllocOp alloc, Value status) {
  Operation *begin = alloc->getNextNode();
  if (!begin || begin == alloc->getBlock()->getTerminator())
    return;
  ImplicitLocOpBuilder b(alloc.getLoc(), begin);
  Value pointer = memref::ExtractAlignedPointerAsIndexOp::create(b, alloc);
  Value allocated = arith::CmpIOp::create(b, arith::CmpIPredicate::ne, pointer,
                                          arith::ConstantIndexOp::create(b, 0));
  // The buffers before the guard (this one, null, included) are freed.
  guardRest(begin, allocated, status, /*setStatus=*/true,
            [&](memref::DeallocOp dealloc) {
              return isDefinedBefore(dealloc.getMemref(), begin);
            });
}

/// Guards 2 and 3 for `op`, which contains an allocation or a call.
void guardAfter(Operation *op, Value status) {
  Operation *begin = op->getNextNode();
  if (begin && begin != op->getBlock()->getTerminator()) {
    ImplicitLocOpBuilder b(op->getLoc(), begin);
    Value clear = statusIsClear(b, status);
    // Buffers from before `op` are freed; its own results may be missing.
    guardRest(begin, clear, status, /*setStatus=*/false,
              [&](memref::DeallocOp dealloc) {
                return isDefinedBefore(dealloc.getMemref(), op);
              });
  }
  auto loop = dyn_cast<scf::ForOp>(op);
  if (!loop || loop.getInitArgs().empty())
    return;
  Block *body = loop.getBody();
  if (&body->front() == body->getTerminator())
    return;
  Operation *first = &body->front();
  ImplicitLocOpBuilder b(op->getLoc(), first);
  Value clear = statusIsClear(b, status);
  // The iteration arguments may be what a failed iteration left.
  guardRest(first, clear, status, /*setStatus=*/false,
            [](memref::DeallocOp) { return false; });
}

struct AttnCheckAllocations
    : mlir::attn::impl::AttnCheckAllocationsBase<AttnCheckAllocations> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    auto statusType = MemRefType::get({}, IntegerType::get(ctx, 32));

    SmallVector<func::FuncOp> defined;
    for (func::FuncOp func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        defined.push_back(func);
    // No attribute marks the argument: the LLVM translation would warn
    // about one it does not know.
    for (func::FuncOp func : defined) {
      if (failed(func.insertArgument(func.getNumArguments(), statusType,
                                     DictionaryAttr::get(ctx),
                                     func.getLoc()))) {
        signalPassFailure();
        return;
      }
    }
    for (func::FuncOp func : defined) {
      Value status = func.getArguments().back();
      SmallVector<memref::AllocOp> allocs;
      // Ops that may fail, found before any guard exists: those that hold
      // an allocation, and calls, which report into the caller's status.
      llvm::SetVector<Operation *> mayFail;
      auto addWithAncestors = [&](Operation *op) {
        for (; op && op != func; op = op->getParentOp())
          mayFail.insert(op);
      };
      func.walk<WalkOrder::PreOrder>([&](Operation *op) {
        if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
          allocs.push_back(alloc);
          addWithAncestors(op->getParentOp());
        } else if (auto call = dyn_cast<func::CallOp>(op)) {
          auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
          if (callee && !callee.isExternal()) {
            call.getOperandsMutable().append(status);
            addWithAncestors(op);
          }
        }
      });
      for (memref::AllocOp alloc : allocs)
        guardAllocation(alloc, status);
      for (Operation *op : mayFail)
        guardAfter(op, status);
    }
  }
};

} // namespace

//===- LinalgToGpu.cpp - what surrounds the attention, on the device ------===//
//
// attn-linalg-to-gpu runs after attn-to-gpu and bufferization. Host code
// then holds device pointers only (the caller's buffers), so whatever
// touches memory must move to the device:
//
//   - each linalg op (and each memref.copy, as a linalg copy) becomes a
//     kernel with one thread per point of its parallel loops. The thread
//     runs the reduction loops itself, with the outputs in registers when
//     their indexing maps do not involve a reduction dim. These are simple,
//     correct kernels for the projections, norms, poolings and gates of
//     the structural and vision rows; the attention keeps its tensor-core
//     kernel;
//   - memref.alloc and memref.dealloc become gpu.alloc and gpu.dealloc, and
//     memref.get_global (a constant) a device copy of the global, freed at
//     the end of its block;
//   - a scalar that the host reads from a buffer (a tensor.extract of a
//     learned gamma, say) is copied to a host alloca first by a one-thread
//     kernel and a gpu.memcpy.
//
// The kernels are outlined into `gpu.module @attn_kernels`, beside the
// attention's. gpu.alloc, gpu.dealloc and gpu.memcpy are emitted in their
// asynchronous form on a stream of their own (`gpu.wait async`) followed by
// a `gpu.wait`, which is what gpu-to-llvm lowers; every launch is
// synchronous as well, so the host's order is the device's.
//
//===----------------------------------------------------------------------===//

#include "KernelModule.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Utils/GPUUtils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNLINALGTOGPU
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {

/// Threads per CTA of the linalg kernels.
constexpr int64_t kThreads = 256;

/// The buffer `view` is a view of (through subviews, reshapes and casts).
Value viewRoot(Value view) {
  while (auto viewOp = view.getDefiningOp<ViewLikeOpInterface>())
    view = viewOp.getViewSource();
  return view;
}

bool isHostMemory(Value memref);

/// Whether the host alone uses the buffer `alloc`: the target shape of a
/// memref.reshape (a tensor.expand_shape with dynamic sizes), or the
/// pointer lists of the deallocation pipeline's helper.
bool isHostOnlyBuffer(memref::AllocOp alloc) {
  SmallVector<Value> views = {alloc.getResult()};
  while (!views.empty()) {
    Value view = views.pop_back_val();
    for (OpOperand &use : view.getUses()) {
      Operation *user = use.getOwner();
      if (user->getParentOfType<gpu::LaunchOp>())
        return false;
      if (auto reshape = dyn_cast<memref::ReshapeOp>(user)) {
        if (reshape.getShape() != view)
          return false;
        continue;
      }
      if (isa<memref::CastOp>(user)) {
        views.push_back(user->getResult(0));
        continue;
      }
      if (auto store = dyn_cast<memref::StoreOp>(user)) {
        if (store.getMemref() != view)
          return false;
        continue;
      }
      if (!isa<memref::LoadOp, memref::DeallocOp, memref::DimOp, func::CallOp>(
              user))
        return false;
    }
  }
  return true;
}

/// Whether argument `arg` of a private function gets host memory at every
/// call (the deallocation pipeline's helper).
bool isHostArgument(BlockArgument arg) {
  auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (!func || !func.isPrivate() || arg.getOwner() != &func.front())
    return false;
  auto module = func->getParentOfType<ModuleOp>();
  std::optional<SymbolTable::UseRange> uses = func.getSymbolUses(module);
  if (!uses || uses->empty())
    return false;
  return llvm::all_of(*uses, [&](const SymbolTable::SymbolUse &use) {
    auto call = dyn_cast<func::CallOp>(use.getUser());
    return call && isHostMemory(call.getOperand(arg.getArgNumber()));
  });
}

/// Host memory: the stack of the host function (memref.alloca, which this
/// pass uses for scalars that come from the device) and the buffers only
/// the host uses. Everything else (the arguments of the public functions,
/// the allocations the kernels use) is device memory.
bool isHostMemory(Value memref) {
  Value root = viewRoot(memref);
  if (root.getDefiningOp<memref::AllocaOp>())
    return true;
  if (auto alloc = root.getDefiningOp<memref::AllocOp>())
    return isHostOnlyBuffer(alloc);
  if (auto arg = dyn_cast<BlockArgument>(root))
    return isHostArgument(arg);
  return false;
}

/// Emits `build(token)`, an asynchronous gpu op, on a stream of its own and
/// waits for it.
template <typename BuildFn>
void synchronously(OpBuilder &b, Location loc, BuildFn build) {
  Type token = gpu::AsyncTokenType::get(b.getContext());
  Value stream = gpu::WaitOp::create(b, loc, token, ValueRange{}).getResult(0);
  Value done = build(stream);
  gpu::WaitOp::create(b, loc, Type(), ValueRange{done});
}

/// A device buffer of `type` (gpu.alloc, synchronously).
Value allocate(OpBuilder &b, Location loc, MemRefType type,
               ValueRange dynamicSizes = {}, ValueRange symbols = {}) {
  Value memref;
  synchronously(b, loc, [&](Value stream) {
    auto alloc = gpu::AllocOp::create(
        b, loc, type, gpu::AsyncTokenType::get(b.getContext()),
        ValueRange{stream}, dynamicSizes, symbols, /*hostShared=*/false);
    memref = alloc.getMemref();
    return alloc.getAsyncToken();
  });
  return memref;
}

/// Frees the device buffer `memref` (gpu.dealloc, synchronously).
void freeOnDevice(OpBuilder &b, Location loc, Value memref) {
  synchronously(b, loc, [&](Value stream) {
    return gpu::DeallocOp::create(b, loc,
                                  gpu::AsyncTokenType::get(b.getContext()),
                                  ValueRange{stream}, memref)
        .getAsyncToken();
  });
}

/// Copies `src` to `dst` (gpu.memcpy, synchronously); returns the copy.
Operation *copyBuffer(OpBuilder &b, Location loc, Value dst, Value src) {
  Operation *op = nullptr;
  synchronously(b, loc, [&](Value stream) {
    op = gpu::MemcpyOp::create(b, loc, gpu::AsyncTokenType::get(b.getContext()),
                               ValueRange{stream}, dst, src);
    return op->getResult(0);
  });
  return op;
}

/// A gpu.launch of ceil(`points` / kThreads) CTAs of kThreads threads whose
/// body runs `body(b, point)` for the point of the thread when it is below
/// `points`; the builder is left after the launch.
void launchOverPoints(OpBuilder &b, Location loc, Value points,
                      function_ref<void(OpBuilder &, Value)> body) {
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value threads = arith::ConstantIndexOp::create(b, loc, kThreads);
  Value ctas = arith::CeilDivUIOp::create(b, loc, points, threads);
  // No launch of an empty grid (an empty batch): CUDA rejects it.
  Value any = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, points,
                                    arith::ConstantIndexOp::create(b, loc, 0));
  auto guard = scf::IfOp::create(b, loc, any, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard afterLaunch(b);
  b.setInsertionPointToStart(guard.thenBlock());
  auto launch =
      gpu::LaunchOp::create(b, loc, ctas, one, one, threads, one, one);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value point = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                            launch.getBlockSize().x),
      launch.getThreadIds().x);
  Value inside =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, point, points);
  auto ifInside = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
  gpu::TerminatorOp::create(b, loc);
  b.setInsertionPointToStart(ifInside.thenBlock());
  body(b, point);
}

/// The indices of `map` at the loop indices `ivs`.
SmallVector<Value> applyMap(OpBuilder &b, Location loc, AffineMap map,
                            ValueRange ivs) {
  SmallVector<Value> indices;
  for (AffineExpr e : map.getResults())
    indices.push_back(affine::expandAffineExpr(b, loc, e, ivs, {}));
  return indices;
}

/// Rewrites the linalg op `op` on buffers into a kernel of one thread per
/// point of its parallel loops (see the file comment).
LogicalResult linalgToKernel(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics())
    return op->emitOpError() << "on tensors after bufferization";
  Location loc = op.getLoc();
  OpBuilder b(op);
  SmallVector<Value> sizes;
  for (Range range : op.createLoopRanges(b, loc))
    sizes.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<unsigned> parallel, reduction;
  for (auto [dim, kind] : llvm::enumerate(iterators))
    (kind == utils::IteratorType::parallel ? parallel : reduction)
        .push_back(dim);
  Value points;
  for (unsigned dim : parallel)
    points =
        points ? arith::MulIOp::create(b, loc, points, sizes[dim]) : sizes[dim];
  if (!points)
    points = arith::ConstantIndexOp::create(b, loc, 1);

  // Outputs stay in registers across the reduction loops unless an
  // output's map involves a reduction dim.
  bool outputsInRegisters =
      llvm::all_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
        AffineMap map = op.getMatchingIndexingMap(&init);
        return llvm::none_of(
            reduction, [&](unsigned dim) { return map.isFunctionOfDim(dim); });
      });

  launchOverPoints(b, loc, points, [&](OpBuilder &b, Value point) {
    // The parallel indices, the last one fastest (adjacent threads touch
    // adjacent elements of row-major buffers).
    SmallVector<Value> ivs(iterators.size());
    Value rest = point;
    for (unsigned dim : llvm::reverse(parallel)) {
      ivs[dim] = arith::RemUIOp::create(b, loc, rest, sizes[dim]);
      rest = arith::DivUIOp::create(b, loc, rest, sizes[dim]);
    }
    Block *body = op.getBlock();
    auto loadOperand = [&](OpBuilder &b, OpOperand &operand,
                           ValueRange at) -> Value {
      if (!isa<MemRefType>(operand.get().getType()))
        return operand.get();
      return memref::LoadOp::create(
          b, loc, operand.get(),
          applyMap(b, loc, op.getMatchingIndexingMap(&operand), at));
    };
    auto storeOutputs = [&](OpBuilder &b, ValueRange values, ValueRange at) {
      for (auto [init, value] : llvm::zip(op.getDpsInitsMutable(), values))
        memref::StoreOp::create(
            b, loc, value, init.get(),
            applyMap(b, loc, op.getMatchingIndexingMap(&init), at));
    };
    // The body at all indices, on the outputs' current values.
    auto computeAt = [&](OpBuilder &b, ValueRange at,
                         ValueRange outputs) -> SmallVector<Value> {
      IRMapping mapping;
      for (OpOperand *input : op.getDpsInputOperands())
        mapping.map(body->getArgument(input->getOperandNumber()),
                    loadOperand(b, *input, at));
      for (auto [init, value] : llvm::zip(op.getDpsInitsMutable(), outputs))
        mapping.map(body->getArgument(init.getOperandNumber()), value);
      for (Operation &inner : body->without_terminator()) {
        if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
          mapping.map(index.getResult(), at[index.getDim()]);
          continue;
        }
        b.clone(inner, mapping);
      }
      return llvm::map_to_vector(
          body->getTerminator()->getOperands(),
          [&](Value v) { return mapping.lookupOrDefault(v); });
    };
    auto loadOutputs = [&](OpBuilder &b, ValueRange at) {
      return llvm::map_to_vector(op.getDpsInitsMutable(), [&](OpOperand &init) {
        return loadOperand(b, init, at);
      });
    };

    // The reduction loops carry the outputs in registers, or read and write
    // them at every point when an output's map involves a reduction dim.
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    SmallVector<Value> at = ivs;
    for (unsigned dim : reduction)
      at[dim] = zero;
    SmallVector<Value> outputs;
    if (outputsInRegisters)
      outputs = loadOutputs(b, at);
    std::function<SmallVector<Value>(OpBuilder &, unsigned, ValueRange)>
        reduce = [&](OpBuilder &b, unsigned level,
                     ValueRange acc) -> SmallVector<Value> {
      if (level == reduction.size()) {
        if (outputsInRegisters)
          return computeAt(b, ivs, acc);
        storeOutputs(b, computeAt(b, ivs, loadOutputs(b, ivs)), ivs);
        return {};
      }
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      auto loop = scf::ForOp::create(
          b, loc, zero, sizes[reduction[level]], one, acc,
          [&](OpBuilder &b, Location, Value iv, ValueRange iter) {
            ivs[reduction[level]] = iv;
            scf::YieldOp::create(b, loc, reduce(b, level + 1, iter));
          });
      return SmallVector<Value>(loop.getResults());
    };
    outputs = reduce(b, 0, outputs);
    if (outputsInRegisters)
      storeOutputs(b, outputs, at);
  });
  op->erase();
  return success();
}

/// A memref.load on the host from device memory: a one-thread kernel
/// copies the element to a one-element device buffer, which comes to a host
/// alloca.
void readScalarOnHost(memref::LoadOp load) {
  Location loc = load.getLoc();
  OpBuilder b(load);
  auto cell = MemRefType::get({1}, load.getType());
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value device = allocate(b, loc, cell);
  launchOverPoints(b, loc, arith::ConstantIndexOp::create(b, loc, 1),
                   [&](OpBuilder &b, Value) {
                     Value v = memref::LoadOp::create(b, loc, load.getMemref(),
                                                      load.getIndices());
                     memref::StoreOp::create(b, loc, v, device, zero);
                   });
  Value host = memref::AllocaOp::create(b, loc, cell);
  copyBuffer(b, loc, host, device);
  freeOnDevice(b, loc, device);
  Value scalar = memref::LoadOp::create(b, loc, host, zero);
  load.replaceAllUsesWith(scalar);
  load.erase();
}

/// memref.alloc -> gpu.alloc (the alignment is the driver's, 256 bytes).
void allocateOnDevice(memref::AllocOp alloc) {
  OpBuilder b(alloc);
  alloc.replaceAllUsesWith(allocate(b, alloc.getLoc(), alloc.getType(),
                                    alloc.getDynamicSizes(),
                                    alloc.getSymbolOperands()));
  alloc.erase();
}

/// memref.get_global -> a device copy of the global, freed at the end of
/// the block.
void copyGlobalToDevice(memref::GetGlobalOp global) {
  OpBuilder b(global->getNextNode());
  Location loc = global.getLoc();
  auto type = cast<MemRefType>(global.getType());
  // gpu.memcpy needs identity layouts on both sides.
  auto identity = MemRefType::get(type.getShape(), type.getElementType());
  Value device = allocate(b, loc, identity);
  Operation *fill = copyBuffer(b, loc, device, global.getResult());
  Value replacement = device;
  if (identity != type)
    replacement = memref::CastOp::create(b, loc, type, device);
  global.getResult().replaceAllUsesExcept(replacement, fill);
  b.setInsertionPoint(global->getBlock()->getTerminator());
  freeOnDevice(b, loc, device);
}

struct AttnLinalgToGpuPass
    : mlir::attn::impl::AttnLinalgToGpuBase<AttnLinalgToGpuPass> {
  LogicalResult lowerFunction(func::FuncOp func);
  void runOnOperation() override;
};

LogicalResult AttnLinalgToGpuPass::lowerFunction(func::FuncOp func) {
  // Copies as linalg copies, then every linalg op as a kernel.
  SmallVector<memref::CopyOp> copies;
  func.walk([&](memref::CopyOp copy) { copies.push_back(copy); });
  for (memref::CopyOp copy : copies) {
    OpBuilder b(copy);
    linalg::makeMemRefCopyOp(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
    copy.erase();
  }
  SmallVector<memref::LoadOp> hostLoads;
  SmallVector<linalg::LinalgOp> linalgOps;
  WalkResult walk = func.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      linalgOps.push_back(linalgOp);
      return WalkResult::skip();
    }
    if (isa<linalg::LinalgDialect>(op->getDialect())) {
      op->emitOpError() << "has no GPU kernel (attn-linalg-to-gpu lowers "
                           "structured linalg ops and copies)";
      return WalkResult::interrupt();
    }
    if (isa<gpu::LaunchOp>(op))
      return WalkResult::skip();
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      if (!isHostMemory(load.getMemref()))
        hostLoads.push_back(load);
      return WalkResult::advance();
    }
    if (isa<memref::StoreOp, memref::AtomicRMWOp>(op) &&
        !isHostMemory(op->getOperand(1))) {
      op->emitOpError() << "writes device memory from the host (attn-linalg-"
                           "to-gpu moves linalg ops to the device, not "
                           "single stores)";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  for (memref::LoadOp load : hostLoads)
    readScalarOnHost(load);
  for (linalg::LinalgOp op : linalgOps)
    if (failed(linalgToKernel(op)))
      return failure();

  SmallVector<Operation *> memoryOps;
  func.walk([&](Operation *op) {
    if (isa<memref::AllocOp, memref::DeallocOp, memref::GetGlobalOp>(op) &&
        !op->getParentOfType<gpu::LaunchOp>())
      memoryOps.push_back(op);
  });
  for (Operation *op : memoryOps) {
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      if (!isHostOnlyBuffer(alloc))
        allocateOnDevice(alloc);
    } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      if (isHostMemory(dealloc.getMemref()))
        continue;
      OpBuilder b(dealloc);
      freeOnDevice(b, dealloc.getLoc(), dealloc.getMemref());
      dealloc.erase();
    } else {
      copyGlobalToDevice(cast<memref::GetGlobalOp>(op));
    }
  }

  // Outline each launch into the kernel module.
  SmallVector<gpu::LaunchOp> launches;
  func.walk([&](gpu::LaunchOp launch) { launches.push_back(launch); });
  if (launches.empty())
    return success();
  SymbolTable symbols(attn::gpu_lowering::getOrCreateKernelModule(
      func->getParentOfType<ModuleOp>()));
  for (gpu::LaunchOp launch : launches) {
    if (failed(sinkOperationsIntoLaunchOp(launch, [](Operation *op) {
          return matchPattern(op, m_Constant());
        })))
      return failure();
    SmallVector<Value> operands;
    gpu::GPUFuncOp kernel = outlineKernelFunc(launch, "linalg", operands);
    symbols.insert(kernel);
    for (Value operand : operands)
      if (isa<MemRefType>(operand.getType()) && isHostMemory(operand))
        return launch.emitOpError() << "would pass host memory to a kernel";
    OpBuilder b(launch);
    gpu::LaunchFuncOp::create(
        b, launch.getLoc(), kernel, launch.getGridSizeOperandValues(),
        launch.getBlockSizeOperandValues(), Value(), operands);
    launch.erase();
  }
  return success();
}

void AttnLinalgToGpuPass::runOnOperation() {
  SmallVector<func::FuncOp> funcs;
  for (auto func : getOperation().getOps<func::FuncOp>())
    if (!func.isExternal())
      funcs.push_back(func);
  for (func::FuncOp func : funcs)
    if (failed(lowerFunction(func)))
      return signalPassFailure();
}

} // namespace

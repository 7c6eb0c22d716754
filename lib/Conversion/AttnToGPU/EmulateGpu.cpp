//===- EmulateGpu.cpp - kernels lowered to NVVM, run on CPU threads -------===//
//
// attn-emulate-gpu takes the module where attn-lower-to-cuda would
// serialise the kernels (host code and kernels both in the LLVM dialect,
// kernels still NVVM) and makes it a CPU program instead:
//
//   - each kernel llvm.func moves out of its gpu.module, and its NVVM ops
//     become calls into the emulator library (lib/GpuEmulator): special
//     registers, barriers (named ones too), shfl.sync (bfly, idx),
//     ldmatrix, mma.sync, cvt to tf32, cp.async, the tensor copies
//     (cp.async.bulk.tensor), mbarrier init, arrive, arrive.expect_tx and
//     the inline PTX of try_wait.parity and of bar.arrive, and the inline
//     PTX of warpgroup MMA (Warpgroup.cpp); the commit/wait of cp.async
//     and of wgmma, wgmma.fence, the proxy fences and setmaxnreg go (the
//     emulated copies and MMAs are synchronous, the tensor maps host
//     memory);
//     ex2/lg2.approx and sqrt.rn become llvm.exp2/log2/sqrt;
//   - each kernel gets an entry `void <kernel>_entry(void **args)`;
//   - each gpu.launch_func becomes attnEmuLaunch(entry, grid, block,
//     shared bytes, args);
//   - the host's mgpu* and attnCudaTensorMap calls go to the emulator's
//     attnEmu* functions.
//
// So the same kernel IR that becomes PTX is executed, and checked against
// the float64 reference, on a machine without a GPU.
//
//===----------------------------------------------------------------------===//

#include "Warpgroup.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNEMULATEGPU
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {

/// "gpu_module::kernel": how launches name the kernels they run.
std::string kernelKey(StringRef module, StringRef kernel) {
  return (module + "::" + kernel).str();
}
std::string kernelKey(gpu::LaunchFuncOp launch) {
  return kernelKey(launch.getKernelModuleName().getValue(),
                   launch.getKernelName().getValue());
}

class Emulator {
public:
  explicit Emulator(ModuleOp module)
      : module(module), ctx(module.getContext()),
        ptrTy(LLVM::LLVMPointerType::get(ctx)),
        i32Ty(IntegerType::get(ctx, 32)), i64Ty(IntegerType::get(ctx, 64)),
        f32Ty(Float32Type::get(ctx)), voidTy(LLVM::LLVMVoidType::get(ctx)) {}

  LogicalResult run();

private:
  /// The emulator function `name`, declared once at the top of the module.
  LLVM::LLVMFuncOp declare(StringRef name, Type result, ArrayRef<Type> params) {
    if (auto f = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
      return f;
    OpBuilder b(ctx);
    b.setInsertionPointToStart(module.getBody());
    return LLVM::LLVMFuncOp::create(
        b, module.getLoc(), name, LLVM::LLVMFunctionType::get(result, params));
  }
  Value call(ImplicitLocOpBuilder &b, StringRef name, Type result,
             ValueRange args) {
    SmallVector<Type> params =
        llvm::map_to_vector(args, [](Value v) { return v.getType(); });
    LLVM::LLVMFuncOp f = declare(name, result, params);
    auto op = LLVM::CallOp::create(b, f, args);
    return isa<LLVM::LLVMVoidType>(result) ? Value() : op.getResult();
  }
  Value i32(ImplicitLocOpBuilder &b, int64_t v) {
    return LLVM::ConstantOp::create(b, i32Ty, v);
  }
  /// A stack slot of `count` elements of `elem` in the entry block.
  Value slot(ImplicitLocOpBuilder &b, Block *entry, Type elem, int64_t count) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(entry);
    Value n = LLVM::ConstantOp::create(b, i64Ty, count);
    return LLVM::AllocaOp::create(b, ptrTy, elem, n);
  }
  Value generic(ImplicitLocOpBuilder &b, Value ptr) {
    if (cast<LLVM::LLVMPointerType>(ptr.getType()).getAddressSpace() == 0)
      return ptr;
    return LLVM::AddrSpaceCastOp::create(b, ptrTy, ptr);
  }
  /// A 32-bit register (vector<2 x f16 | bf16>, f32 or i32) as i32.
  Value asWord(ImplicitLocOpBuilder &b, Value v) {
    if (v.getType() == i32Ty)
      return v;
    return LLVM::BitcastOp::create(b, i32Ty, v);
  }

  /// `values` in a new stack array of `elem` (i32 values as words).
  Value storeArray(ImplicitLocOpBuilder &b, Block *entry, ValueRange values,
                   Type elem) {
    Value array = slot(b, entry, elem, values.size());
    for (auto [i, v] : llvm::enumerate(values)) {
      Value addr = LLVM::GEPOp::create(b, ptrTy, elem, array,
                                       ArrayRef<LLVM::GEPArg>{int32_t(i)});
      LLVM::StoreOp::create(b, elem == i32Ty ? asWord(b, v) : v, addr);
    }
    return array;
  }
  /// The struct of type `type` of `values`.
  Value makeStruct(ImplicitLocOpBuilder &b, Type type, ValueRange values) {
    Value result = LLVM::PoisonOp::create(b, type);
    for (auto [i, v] : llvm::enumerate(values))
      result = LLVM::InsertValueOp::create(b, result, v,
                                           ArrayRef<int64_t>{int64_t(i)});
    return result;
  }
  /// The struct of type `type` of the `count` f32 at `array`.
  Value loadStruct(ImplicitLocOpBuilder &b, Type type, Value array,
                   int64_t count) {
    Value result = LLVM::PoisonOp::create(b, type);
    for (int64_t i = 0; i < count; ++i) {
      Value addr = LLVM::GEPOp::create(b, ptrTy, f32Ty, array,
                                       ArrayRef<LLVM::GEPArg>{int32_t(i)});
      result = LLVM::InsertValueOp::create(b, result,
                                           LLVM::LoadOp::create(b, f32Ty, addr),
                                           ArrayRef<int64_t>{i});
    }
    return result;
  }

  LogicalResult rewriteKernel(LLVM::LLVMFuncOp kernel);
  LogicalResult rewriteOp(Operation *op, Block *entry);
  /// The inline PTX of the warpgroup MMA and of its wait.
  LogicalResult rewriteInlineAsm(LLVM::InlineAsmOp op, Block *entry);
  LLVM::LLVMFuncOp buildEntry(LLVM::LLVMFuncOp kernel);
  void rewriteLaunch(gpu::LaunchFuncOp launch);

  ModuleOp module;
  MLIRContext *ctx;
  Type ptrTy, i32Ty, i64Ty, f32Ty, voidTy;
  /// Entry of each kernel, by "gpu_module::kernel".
  llvm::StringMap<LLVM::LLVMFuncOp> entries;
  /// The kernels whose threads meet (barriers, warp collectives), by
  /// "gpu_module::kernel": their threads must run at the same time.
  llvm::StringSet<> collectiveKernels;
  /// Whether the kernel being rewritten has a barrier or a collective.
  bool collective = false;
};

LogicalResult Emulator::rewriteOp(Operation *op, Block *entry) {
  ImplicitLocOpBuilder b(op->getLoc(), op);
  StringRef name = op->getName().getStringRef();
  if (name.consume_front("nvvm.read.ptx.sreg.")) {
    int code = llvm::StringSwitch<int>(name)
                   .Case("tid.x", 0)
                   .Case("tid.y", 1)
                   .Case("tid.z", 2)
                   .Case("ctaid.x", 3)
                   .Case("ctaid.y", 4)
                   .Case("ctaid.z", 5)
                   .Case("ntid.x", 6)
                   .Case("ntid.y", 7)
                   .Case("ntid.z", 8)
                   .Case("nctaid.x", 9)
                   .Case("nctaid.y", 10)
                   .Case("nctaid.z", 11)
                   .Default(-1);
    if (code < 0)
      return op->emitOpError() << "has no CPU emulation";
    op->replaceAllUsesWith(ValueRange{
        call(b, "attnEmuSpecialRegister", i32Ty, ValueRange{i32(b, code)})});
    op->erase();
    return success();
  }
  if (isa<NVVM::Barrier0Op, NVVM::BarrierOp, NVVM::ShflOp, NVVM::LdMatrixOp,
          NVVM::MmaOp, NVVM::MBarrierInitOp>(op))
    collective = true;
  if (auto named = dyn_cast<NVVM::BarrierOp>(op);
      named && named.getNumberOfThreads()) {
    if (named.getRes() || !named.getBarrierId())
      return op->emitOpError() << "has no CPU emulation (with a reduction)";
    call(b, "attnEmuNamedBarrier", voidTy,
         {named.getBarrierId(), named.getNumberOfThreads()});
    op->erase();
    return success();
  }
  if (isa<NVVM::Barrier0Op, NVVM::BarrierOp>(op)) {
    call(b, "attnEmuBarrier", voidTy, {});
    op->erase();
    return success();
  }
  if (isa<NVVM::CpAsyncCommitGroupOp, NVVM::CpAsyncWaitGroupOp,
          NVVM::WgmmaFenceAlignedOp, NVVM::WgmmaGroupSyncAlignedOp,
          NVVM::FenceProxyOp, NVVM::FenceProxyAcquireOp,
          NVVM::FenceMbarrierInitOp>(op)) {
    // The emulated copies and MMAs complete at once.
    op->erase();
    return success();
  }
  if (isa<NVVM::SetMaxRegisterOp>(op)) {
    // CPU threads have no register file to share.
    op->erase();
    return success();
  }
  if (auto asmOp = dyn_cast<LLVM::InlineAsmOp>(op))
    return rewriteInlineAsm(asmOp, entry);
  if (auto init = dyn_cast<NVVM::MBarrierInitOp>(op)) {
    if (init.getPredicate())
      return op->emitOpError() << "has no CPU emulation (predicated)";
    call(b, "attnEmuMbarrierInit", voidTy,
         {generic(b, init.getAddr()), init.getCount()});
    op->erase();
    return success();
  }
  if (auto arrive = dyn_cast<NVVM::MBarrierArriveExpectTxOp>(op)) {
    if (arrive.getPredicate() || arrive.getRes())
      return op->emitOpError()
             << "has no CPU emulation (predicated or with a state)";
    call(b, "attnEmuMbarrierArriveExpectTx", voidTy,
         {generic(b, arrive.getAddr()), arrive.getTxcount()});
    op->erase();
    return success();
  }
  if (auto arrive = dyn_cast<NVVM::MBarrierArriveOp>(op)) {
    if (arrive.getCount() || arrive.getRes())
      return op->emitOpError()
             << "has no CPU emulation (with a count or a state)";
    call(b, "attnEmuMbarrierArrive", voidTy, {generic(b, arrive.getAddr())});
    op->erase();
    return success();
  }
  if (auto load =
          dyn_cast<NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp>(op)) {
    if (load.getCoordinates().size() != 4 || !load.getIm2colOffsets().empty() ||
        load.getMulticastMask() || load.getPredicate() ||
        load.getMode() != NVVM::TMALoadMode::TILE)
      return op->emitOpError() << "has no CPU emulation (only 4-d tiles)";
    SmallVector<Value> args = {generic(b, load.getDstMem()),
                               load.getTmaDescriptor(),
                               generic(b, load.getMbar())};
    args.append(load.getCoordinates().begin(), load.getCoordinates().end());
    call(b, "attnEmuTensorLoad", voidTy, args);
    op->erase();
    return success();
  }
  if (auto copy = dyn_cast<NVVM::CpAsyncOp>(op)) {
    Value size = i32(b, copy.getSize());
    Value srcBytes = copy.getCpSize() ? copy.getCpSize() : size;
    call(
        b, "attnEmuCopy", voidTy,
        {generic(b, copy.getDst()), generic(b, copy.getSrc()), size, srcBytes});
    op->erase();
    return success();
  }
  if (auto shfl = dyn_cast<NVVM::ShflOp>(op)) {
    // The kernels shuffle over whole warps (width 32): idx reads lane
    // `offset`, bfly lane ^ `offset`.
    NVVM::ShflKind kind = shfl.getKind();
    if (kind != NVVM::ShflKind::bfly && kind != NVVM::ShflKind::idx)
      return op->emitOpError() << "has no CPU emulation (only bfly and idx)";
    Type valType = shfl.getVal().getType();
    Value word = call(b,
                      kind == NVVM::ShflKind::bfly ? "attnEmuShuffleXor"
                                                   : "attnEmuShuffleIdx",
                      i32Ty, {asWord(b, shfl.getVal()), shfl.getOffset()});
    Value result = valType == i32Ty
                       ? word
                       : Value(LLVM::BitcastOp::create(b, valType, word));
    if (auto st = dyn_cast<LLVM::LLVMStructType>(op->getResult(0).getType())) {
      Value s = LLVM::PoisonOp::create(b, st);
      s = LLVM::InsertValueOp::create(b, s, result, ArrayRef<int64_t>{0});
      Value valid = LLVM::ConstantOp::create(b, IntegerType::get(ctx, 1), 1);
      result = LLVM::InsertValueOp::create(b, s, valid, ArrayRef<int64_t>{1});
    }
    op->replaceAllUsesWith(ValueRange{result});
    op->erase();
    return success();
  }
  if (auto ld = dyn_cast<NVVM::LdMatrixOp>(op)) {
    int64_t num = ld.getNum();
    Value out = slot(b, entry, i32Ty, num);
    bool transpose = ld.getLayout() == NVVM::MMALayout::col;
    call(b, "attnEmuLdmatrix", voidTy,
         {generic(b, ld.getPtr()), i32(b, num), i32(b, transpose), out});
    Type resultType = op->getResult(0).getType();
    Value result;
    if (num == 1) {
      result = LLVM::LoadOp::create(b, i32Ty, out);
    } else {
      result = LLVM::PoisonOp::create(b, resultType);
      for (int64_t i = 0; i < num; ++i) {
        Value addr = LLVM::GEPOp::create(b, ptrTy, i32Ty, out,
                                         ArrayRef<LLVM::GEPArg>{int32_t(i)});
        result = LLVM::InsertValueOp::create(
            b, result, LLVM::LoadOp::create(b, i32Ty, addr),
            ArrayRef<int64_t>{i});
      }
    }
    op->replaceAllUsesWith(ValueRange{result});
    op->erase();
    return success();
  }
  if (auto cvt = dyn_cast<NVVM::ConvertFloatToTF32Op>(op)) {
    if (cvt.getRnd() != NVVM::FPRoundingMode::RNA || cvt.getRelu() ||
        cvt.getSat() != NVVM::SaturationMode::NONE)
      return op->emitOpError() << "has no CPU emulation (only cvt.rna)";
    op->replaceAllUsesWith(
        ValueRange{call(b, "attnEmuToTf32", i32Ty, ValueRange{cvt.getSrc()})});
    op->erase();
    return success();
  }
  if (auto mma = dyn_cast<NVVM::MmaOp>(op)) {
    // The type codes of attnEmuMma.
    std::optional<NVVM::MMATypes> type = mma.getMultiplicandAPtxType();
    int64_t k = mma.getShape().getK();
    int code = !type                                      ? -1
               : *type == NVVM::MMATypes::f16 && k == 16  ? 0
               : *type == NVVM::MMATypes::bf16 && k == 16 ? 1
               : *type == NVVM::MMATypes::tf32 && k == 8  ? 2
                                                          : -1;
    if (code < 0 || mma.getShape().getM() != 16 || mma.getShape().getN() != 8 ||
        mma.getOperandA().size() != 4 || mma.getOperandB().size() != 2 ||
        mma.getOperandC().size() != 4 ||
        !llvm::all_of(mma.getOperandC(),
                      [&](Value v) { return v.getType() == f32Ty; }))
      return op->emitOpError() << "has no CPU emulation (only m16n8k16 "
                                  "f16/bf16 and m16n8k8 tf32, to f32)";
    Value a = storeArray(b, entry, mma.getOperandA(), i32Ty);
    Value bb = storeArray(b, entry, mma.getOperandB(), i32Ty);
    Value c = storeArray(b, entry, mma.getOperandC(), f32Ty);
    Value d = slot(b, entry, f32Ty, 4);
    call(b, "attnEmuMma", voidTy, {i32(b, code), a, bb, c, d});
    Value result = loadStruct(b, op->getResult(0).getType(), d, 4);
    op->replaceAllUsesWith(ValueRange{result});
    op->erase();
    return success();
  }
  if (auto intrinsic = dyn_cast<LLVM::CallIntrinsicOp>(op)) {
    StringRef cpu = llvm::StringSwitch<StringRef>(intrinsic.getIntrin())
                        .Case("llvm.nvvm.ex2.approx.f32", "llvm.exp2.f32")
                        .Case("llvm.nvvm.lg2.approx.f", "llvm.log2.f32")
                        .Case("llvm.nvvm.sqrt.rn.f", "llvm.sqrt.f32")
                        .Default("");
    if (!cpu.empty())
      intrinsic.setIntrin(cpu);
    else if (intrinsic.getIntrin().starts_with("llvm.nvvm."))
      return op->emitOpError()
             << "calls " << intrinsic.getIntrin() << ", which has no CPU "
             << "emulation";
    return success();
  }
  if (auto addr = dyn_cast<LLVM::AddressOfOp>(op)) {
    // The only global of a kernel module: its dynamic shared memory.
    auto space = cast<LLVM::LLVMPointerType>(addr.getType());
    Value shared = call(b, "attnEmuSharedMemory", ptrTy, {});
    if (space.getAddressSpace() != 0)
      shared = LLVM::AddrSpaceCastOp::create(b, space, shared);
    op->replaceAllUsesWith(ValueRange{shared});
    op->erase();
    return success();
  }
  if (op->getDialect() && op->getDialect()->getNamespace() == "nvvm")
    return op->emitOpError() << "has no CPU emulation";
  return success();
}

LogicalResult Emulator::rewriteInlineAsm(LLVM::InlineAsmOp op, Block *entry) {
  ImplicitLocOpBuilder b(op.getLoc(), op);
  StringRef text = op.getAsmString();
  ValueRange operands = op.getOperands();
  // nvvm.mbarrier.try_wait.parity's loop (convert-nvvm-to-llvm): address,
  // parity, tick hint.
  if (text.contains("mbarrier.try_wait.parity") && operands.size() >= 2) {
    call(b, "attnEmuMbarrierWait", voidTy,
         {generic(b, operands[0]), operands[1]});
    op.erase();
    return success();
  }
  // nvvm.barrier.arrive (convert-nvvm-to-llvm): barrier, thread count.
  if (text.starts_with("bar.arrive ") && operands.size() == 2) {
    call(b, "attnEmuNamedBarrierArrive", voidTy, {operands[0], operands[1]});
    op.erase();
    return success();
  }
  if (attn::gpu_lowering::isWarpgroupPassThroughAsm(text)) {
    // Its results are its operands, once the MMAs are done.
    op.getRes().replaceAllUsesWith(
        makeStruct(b, op.getRes().getType(), operands));
    op.erase();
    return success();
  }
  std::optional<attn::gpu_lowering::WarpgroupMmaAsm> mma =
      attn::gpu_lowering::parseWarpgroupMmaAsm(text);
  if (!mma || int64_t(operands.size()) != mma->n / 2 + 5)
    return op.emitOpError() << "has no CPU emulation: " << text;
  collective = true;
  int64_t count = mma->n / 2;
  Value acc = storeArray(b, entry, operands.take_front(count), f32Ty);
  Value a = storeArray(b, entry, operands.slice(count, 4), i32Ty);
  call(b, "attnEmuWarpgroupMma", voidTy,
       {i32(b, mma->n), i32(b, mma->bf16), i32(b, mma->transposeB), a,
        operands.back(), acc});
  op.getRes().replaceAllUsesWith(
      loadStruct(b, op.getRes().getType(), acc, count));
  op.erase();
  return success();
}

LogicalResult Emulator::rewriteKernel(LLVM::LLVMFuncOp kernel) {
  SmallVector<Operation *> ops;
  kernel.walk([&](Operation *op) {
    if (op != kernel.getOperation())
      ops.push_back(op);
  });
  Block *entry = &kernel.getBody().front();
  for (Operation *op : ops)
    if (failed(rewriteOp(op, entry)))
      return failure();
  return success();
}

LLVM::LLVMFuncOp Emulator::buildEntry(LLVM::LLVMFuncOp kernel) {
  ImplicitLocOpBuilder b(kernel.getLoc(), ctx);
  b.setInsertionPointAfter(kernel);
  auto func = LLVM::LLVMFuncOp::create(
      b, (kernel.getName() + "_entry").str(),
      LLVM::LLVMFunctionType::get(voidTy, {ptrTy}), LLVM::Linkage::Internal);
  Block *block = func.addEntryBlock(b);
  b.setInsertionPointToEnd(block);
  SmallVector<Value> args;
  for (auto [i, type] : llvm::enumerate(kernel.getFunctionType().getParams())) {
    Value addr = LLVM::GEPOp::create(b, ptrTy, ptrTy, block->getArgument(0),
                                     ArrayRef<LLVM::GEPArg>{int32_t(i)});
    Value ptr = LLVM::LoadOp::create(b, ptrTy, addr);
    args.push_back(LLVM::LoadOp::create(b, type, ptr));
  }
  LLVM::CallOp::create(b, kernel, args);
  LLVM::ReturnOp::create(b, ValueRange{});
  return func;
}

void Emulator::rewriteLaunch(gpu::LaunchFuncOp launch) {
  ImplicitLocOpBuilder b(launch.getLoc(), launch);
  auto parent = launch->getParentOfType<LLVM::LLVMFuncOp>();
  Block *entry = &parent.getBody().front();
  ValueRange operands = launch.getKernelOperands();
  Value args = slot(b, entry, ptrTy, std::max<int64_t>(operands.size(), 1));
  for (auto [i, v] : llvm::enumerate(operands)) {
    Value cell = slot(b, entry, v.getType(), 1);
    LLVM::StoreOp::create(b, v, cell);
    Value addr = LLVM::GEPOp::create(b, ptrTy, ptrTy, args,
                                     ArrayRef<LLVM::GEPArg>{int32_t(i)});
    LLVM::StoreOp::create(b, cell, addr);
  }
  auto toI64 = [&](Value v) -> Value {
    if (v.getType() == i64Ty)
      return v;
    return LLVM::SExtOp::create(b, i64Ty, v);
  };
  gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
  gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
  Value shared = launch.getDynamicSharedMemorySize()
                     ? launch.getDynamicSharedMemorySize()
                     : i32(b, 0);
  LLVM::LLVMFuncOp entryFn = entries.lookup(kernelKey(launch));
  Value fn = LLVM::AddressOfOp::create(b, ptrTy, entryFn.getName());
  // Threads that never meet can run one after the other.
  StringRef launcher = collectiveKernels.contains(kernelKey(launch))
                           ? "attnEmuLaunch"
                           : "attnEmuLaunchIndependent";
  call(b, launcher, voidTy,
       {fn, toI64(grid.x), toI64(grid.y), toI64(grid.z), toI64(block.x),
        toI64(block.y), toI64(block.z), shared, args});
  launch.erase();
}

LogicalResult Emulator::run() {
  SmallVector<gpu::GPUModuleOp> kernelModules;
  module.walk([&](gpu::GPUModuleOp m) { kernelModules.push_back(m); });
  for (gpu::GPUModuleOp m : kernelModules) {
    SmallVector<LLVM::LLVMFuncOp> kernels;
    for (auto f : m.getOps<LLVM::LLVMFuncOp>())
      kernels.push_back(f);
    for (LLVM::LLVMFuncOp f : kernels) {
      // A copy in the host module, named after the module and the kernel.
      OpBuilder b(ctx);
      b.setInsertionPointToEnd(module.getBody());
      auto copy = cast<LLVM::LLVMFuncOp>(b.clone(*f));
      copy.setSymName((m.getName() + "_" + f.getName()).str());
      copy.setLinkage(LLVM::Linkage::Internal);
      for (StringRef attr : {"nvvm.kernel", "nvvm.maxntid", "nvvm.reqntid"})
        copy->removeAttr(attr);
      collective = false;
      if (failed(rewriteKernel(copy)))
        return failure();
      std::string key = kernelKey(m.getName(), f.getName());
      entries[key] = buildEntry(copy);
      if (collective)
        collectiveKernels.insert(key);
    }
  }
  SmallVector<gpu::LaunchFuncOp> launches;
  module.walk([&](gpu::LaunchFuncOp l) { launches.push_back(l); });
  for (gpu::LaunchFuncOp l : launches) {
    if (!entries.lookup(kernelKey(l)))
      return l.emitOpError() << "launches a kernel that is not in the module";
    if (!l.getAsyncDependencies().empty() || l.getAsyncToken())
      return l.emitOpError() << "is asynchronous, which the emulation does "
                                "not support";
    rewriteLaunch(l);
  }
  for (gpu::GPUModuleOp m : kernelModules)
    m.erase();
  // The host's stream, allocation, copy and tensor map functions: the
  // emulator's, renamed, since the process may hold the CUDA runtime's
  // mgpu* and attnCuda* too.
  for (auto f : llvm::make_early_inc_range(module.getOps<LLVM::LLVMFuncOp>())) {
    StringRef prefix = f.getName().starts_with("mgpu") ? "mgpu" : "attnCuda";
    if (!f.isExternal() || !f.getName().starts_with(prefix))
      continue;
    auto name =
        StringAttr::get(ctx, "attnEmu" + f.getName().drop_front(prefix.size()));
    if (failed(SymbolTable::replaceAllSymbolUses(f, name, module)))
      return f.emitOpError() << "cannot be renamed for the emulator";
    SymbolTable::setSymbolName(f, name);
  }
  module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  return success();
}

struct AttnEmulateGpuPass
    : mlir::attn::impl::AttnEmulateGpuBase<AttnEmulateGpuPass> {
  void runOnOperation() override {
    if (failed(Emulator(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace

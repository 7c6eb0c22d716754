//===- Pipelines.cpp - named attn pass pipelines --------------------------===//
//
// Each stage is also one attn-opt pass, so every step of these pipelines can
// be reproduced alone (docs/lowering.md shows the IR after each).
//
//===----------------------------------------------------------------------===//

#include "attn/Pipelines/Pipelines.h"

#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace {
/// One-shot bufferization with identity layouts at function boundaries
/// (the C ABI's dense row-major tensors). Loops over tensors (the hops of
/// attn.memory_network, ema's iterations) may yield a new buffer per
/// iteration; the deallocation pipeline frees the old one.
bufferization::OneShotBufferizePassOptions bufferizeOptions() {
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  bufferize.allowReturnAllocsFromLoops = true;
  return bufferize;
}

/// Results become caller-allocated out-params (the C ABI); allocations of
/// results are replaced by the out-param itself, so nothing is copied.
void addResultsToOutParams(OpPassManager &pm) {
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  outParams.hoistDynamicAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
}
} // namespace

/// The first stages of every target. The signature is read off the graph
/// as written (structural ops state their equal dimensions), before
/// attn-decompose turns them into reshapes and linalg ops; attn-raise
/// before it only fuses ops, which changes no signature. With
/// `exposeWeights`, the weights of the attentions that attn-decompose
/// leaves become results, and the signature, which must include them, is
/// read after that.
void attn::buildSignatureAndDecompose(OpPassManager &pm, bool exposeWeights) {
  // Models from TOSA frontends become linalg, tensor and arith ops (no-ops
  // on modules without TOSA), which attn-raise then reads like any other.
  pm.addNestedPass<func::FuncOp>(tosa::createTosaToLinalgNamed());
  pm.addNestedPass<func::FuncOp>(tosa::createTosaToLinalg());
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
  // Attention that a frontend wrote as separate ops becomes the fused op.
  pm.addNestedPass<func::FuncOp>(attn::createAttnRaise());
  if (!exposeWeights)
    pm.addPass(attn::createAttnAbiSignature());
  pm.addNestedPass<func::FuncOp>(attn::createAttnDecompose());
  // The fused lowerings take f32, f16 and bf16: FP8 inputs are decoded.
  pm.addNestedPass<func::FuncOp>(attn::createAttnDequantize());
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  if (exposeWeights) {
    pm.addPass(attn::createAttnExposeWeights());
    pm.addPass(attn::createAttnAbiSignature());
  }
}

void attn::buildLowerToTilesPipeline(OpPassManager &pm,
                                     const CpuPipelineOptions &options) {
  buildSignatureAndDecompose(pm, options.exposeWeights);
  AttnTileOptions tile;
  tile.queryTile = options.queryTile;
  tile.keyTile = options.keyTile;
  tile.vectorWidth = options.vectorWidth;
  tile.vectorRegisters = options.vectorRegisters;
  tile.keyMajor = options.keyMajor;
  tile.l2CacheBytes = options.l2CacheBytes;
  tile.bf16DotProducts = options.bf16DotProducts;
  tile.stackScratchBytes = options.stackScratchBytes;
  tile.keySplits = options.parallel ? int64_t(options.keySplits) : 1;
  pm.addNestedPass<func::FuncOp>(createAttnTile(tile));
  // Convolutions as contractions, for attn-tile-contractions' register
  // tiles.
  pm.addNestedPass<func::FuncOp>(createAttnUnfoldConvolutions());
  // The linalg ops around the fused nests, in rows that threads can share.
  if (options.parallel)
    pm.addNestedPass<func::FuncOp>(createAttnParallelize());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions()));
  if (options.parallel)
    pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
  // What surrounds the fused nests (projections, norms, residuals from
  // attn-decompose or the model graph): contractions on register tiles, the
  // rest plain loops on buffers.
  AttnTileContractionsOptions contractions;
  contractions.vectorWidth = options.vectorWidth;
  contractions.vectorRegisters = options.vectorRegisters;
  pm.addNestedPass<func::FuncOp>(createAttnTileContractions(contractions));
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  addResultsToOutParams(pm);
  // Copies that bufferization and the out-params left between slices.
  pm.addNestedPass<func::FuncOp>(createAttnStridedCopiesToLoops());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createCanonicalizerPass());
}

void attn::buildLowerToCpuPipeline(OpPassManager &pm,
                                   const CpuPipelineOptions &options) {
  buildLowerToTilesPipeline(pm, options);
  // A failed malloc skips the work that needed it and makes the entry
  // return 3, rather than writing through a null pointer.
  pm.addPass(createAttnCheckAllocations());
  // Threads: the independent work items of each fused nest (scf.parallel)
  // become an OpenMP worksharing loop; LLVM outlines its body per thread.
  if (options.parallel)
    pm.addPass(createConvertSCFToOpenMPPass());
  AttnApproximateMathOptions math;
  math.avx512 = options.avx512;
  pm.addPass(createAttnApproximateMath(math));
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // bf16 conversions become integer arithmetic (round to nearest even):
  // otherwise LLVM calls __truncsfbf2 on CPUs without AVX512-BF16, and that
  // libgcc/compiler-rt builtin is not always there to link against.
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  // x86vector: the AVX512-BF16 dot products of bf16-dot-products.
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.x86Vector = true;
  // A 16 x 16 f32 vector.transpose, should a lowering leave one, as
  // whole-vector shuffles rather than 256 element moves (the key-major bias
  // and mask tiles transpose their blocks with shuffles of their own).
  vectorToLLVM.vectorTransposeLowering =
      vector::VectorTransposeLowering::Shuffle16x16;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  // memref before scf: alloca_scope (the per-work-item scratch) lowers to
  // stacksave/stackrestore while its body is still structured.
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  // The poison that attn-check-allocations yields for skipped work.
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createAttnEmitCInterface());
  pm.addPass(createCanonicalizerPass());
}

int64_t attn::sharedMemoryLimit(llvm::StringRef chip) {
  // The opt-in maximum of dynamic shared memory per block (CUDA
  // programming guide, "Technical Specifications per Compute Capability").
  return llvm::StringSwitch<int64_t>(chip)
      .Case("sm_80", 163 * 1024)
      .Cases({"sm_86", "sm_89"}, 99 * 1024)
      .Cases({"sm_90", "sm_90a"}, 227 * 1024)
      .Default(0);
}

void attn::buildLowerToCudaPipeline(OpPassManager &pm,
                                    const CudaPipelineOptions &options) {
  buildSignatureAndDecompose(pm, /*exposeWeights=*/false);
  AttnToGpuOptions gpu;
  gpu.queryTile = options.queryTile;
  gpu.keyTile = options.keyTile;
  gpu.sharedMemoryBytes = sharedMemoryLimit(options.chip);
  gpu.allowTf32 = options.allowTf32;
  gpu.warpgroupMma = options.chip == "sm_90a";
  gpu.tensorCopies = options.chip == "sm_90a";
  gpu.warpSpecialize = options.chip == "sm_90a";
  pm.addPass(createAttnToGpu(gpu));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions()));
  // The results are the caller's device buffers.
  addResultsToOutParams(pm);
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createCanonicalizerPass());
  // What surrounds the attention (projections, norms, copies, the
  // intermediate buffers) moves to the device. No canonicalizer after it:
  // it would fold the gpu.wait pairs of its allocations.
  pm.addPass(createAttnLinalgToGpu());

  // Kernels: to NVVM. The PTX ISA 8.0 that sm_90a's wgmma needs is also
  // what drivers since CUDA 12.0 accept for every chip; sm_90a's tensor
  // copies acquire their tensor maps with a fence of PTX ISA 8.3 (drivers
  // since CUDA 12.3).
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.chip == "sm_90a" ? "+ptx83" : "+ptx80";
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  // The special function unit for the math of score changes (tanh, exp2):
  // convert-gpu-to-nvvm would call libdevice, which the kernels do not link.
  AttnApproximateMathOptions sfu;
  sfu.nvptx = true;
  kernels.addPass(createAttnApproximateMath(sfu));
  kernels.addPass(createConvertNVGPUToNVVMPass());
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  // NVVM ops without an intrinsic (mbarrier.try_wait.parity's loop) as
  // inline PTX.
  kernels.addPass(createConvertNVVMToLLVMPass());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());

  // Host: the launches and the C entry points.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  AttnEmitCInterfaceOptions entries;
  if (options.emulate) {
    // The same kernel IR, run on CPU threads: a CPU module.
    pm.addPass(createAttnEmulateGpu());
  } else {
    GpuModuleToBinaryPassOptions binary;
    binary.compilationTarget = options.toolkit.empty() ? "isa" : "fatbin";
    binary.toolkitPath = options.toolkit;
    pm.addPass(createGpuModuleToBinaryPass(binary));
    entries.cudaChip = options.chip;
  }
  pm.addPass(createAttnEmitCInterface(entries));
  pm.addPass(createCanonicalizerPass());
}

void attn::registerPipelines() {
  PassPipelineRegistration<CpuPipelineOptions>(
      "attn-lower-to-tiles",
      "Lower attn ops to the fused tiled loop nest on buffers",
      buildLowerToTilesPipeline);
  PassPipelineRegistration<CpuPipelineOptions>(
      "attn-lower-to-cpu",
      "Lower attn ops to the LLVM dialect for the host CPU, with C entry "
      "points",
      buildLowerToCpuPipeline);
  PassPipelineRegistration<CudaPipelineOptions>(
      "attn-lower-to-cuda",
      "Lower attn ops to tensor-core kernels (a gpu.binary) and host code in "
      "the LLVM dialect, with C entry points on device pointers",
      buildLowerToCudaPipeline);
}

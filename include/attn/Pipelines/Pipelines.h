//===- Pipelines.h - named attn pass pipelines ------------------*- C++ -*-===//

#ifndef ATTN_PIPELINES_PIPELINES_H
#define ATTN_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::attn {

struct CpuPipelineOptions : public PassPipelineOptions<CpuPipelineOptions> {
  PassOptions::Option<int64_t> queryTile{
      *this, "query-tile",
      llvm::cl::desc("Query rows per tile (0: chosen by the tile cost model)"),
      llvm::cl::init(32)};
  PassOptions::Option<int64_t> keyTile{
      *this, "key-tile",
      llvm::cl::desc("Keys per tile, a multiple of vector-width (0: chosen by "
                     "the tile cost model)"),
      llvm::cl::init(64)};
  PassOptions::Option<int64_t> l2CacheBytes{
      *this, "l2-cache-bytes",
      llvm::cl::desc("L2 cache of one core, for the tile cost model"),
      llvm::cl::init(1048576)};
  PassOptions::Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 lanes of the inner vectors (16 for AVX-512)"),
      llvm::cl::init(16)};
  PassOptions::Option<int64_t> vectorRegisters{
      *this, "vector-registers",
      llvm::cl::desc("Vectors of vector-width f32 lanes that the register "
                     "file holds (32 for AVX-512 at 16 lanes, 8 for AVX2)"),
      llvm::cl::init(32)};
  PassOptions::Option<bool> keyMajor{
      *this, "key-major",
      llvm::cl::desc("Use the key-major register-tile inner tile where the "
                     "op allows it"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> bf16DotProducts{
      *this, "bf16-dot-products",
      llvm::cl::desc("Compute bf16 dot-product scores with AVX512-BF16 pair "
                     "dot products (only for CPUs that have them)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> avx512{
      *this, "avx512",
      llvm::cl::desc("Use AVX-512 instructions that have no portable form "
                     "(vscalefps in exp2; only for CPUs that have AVX-512)"),
      llvm::cl::init(false)};
  PassOptions::Option<int64_t> stackScratchBytes{
      *this, "stack-scratch-bytes",
      llvm::cl::desc("Scratch of one work item kept on the stack of the "
                     "thread that runs it; more goes to the heap"),
      llvm::cl::init(1048576)};
  PassOptions::Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Distribute the (batch, head, query tile) work items "
                     "over threads with OpenMP (OMP_NUM_THREADS)"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> keySplits{
      *this, "key-splits",
      llvm::cl::desc("Work items a softmax nest aims for when it has fewer "
                     "(decode): the key ranges are split into parts merged "
                     "by log-sum-exp (attn-tile key-splits; 1: never; only "
                     "with parallel)"),
      llvm::cl::init(16)};
  PassOptions::Option<bool> exposeWeights{
      *this, "expose-weights",
      llvm::cl::desc("Also return the weights of every attention "
                     "(attn-expose-weights; for inspection, not speed)"),
      llvm::cl::init(false)};
};

struct CudaPipelineOptions : public PassPipelineOptions<CudaPipelineOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("NVIDIA architecture: sm_80, sm_86, sm_89, sm_90 or "
                     "sm_90a"),
      llvm::cl::init("sm_80")};
  PassOptions::Option<bool> allowTf32{
      *this, "allow-tf32",
      llvm::cl::desc("Compute f32 attention on TF32 tensor cores (10-bit "
                     "mantissa: f16 accuracy) instead of exact f32 FMAs"),
      llvm::cl::init(false)};
  PassOptions::Option<int64_t> queryTile{
      *this, "query-tile",
      llvm::cl::desc("Query rows per CTA, a multiple of 16"),
      llvm::cl::init(64)};
  PassOptions::Option<int64_t> keyTile{
      *this, "key-tile", llvm::cl::desc("Keys per shared-memory tile"),
      llvm::cl::init(64)};
  PassOptions::Option<unsigned> optLevel{
      *this, "opt-level",
      llvm::cl::desc("Optimisation level of the NVPTX back end (0-3)"),
      llvm::cl::init(3)};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA toolkit whose ptxas and fatbinary make a fat "
                     "binary (cubin + PTX) of the kernels; empty: embed PTX "
                     "only"),
      llvm::cl::init("")};
  PassOptions::Option<bool> emulate{
      *this, "emulate",
      llvm::cl::desc("Instead of serialising the kernels, run them on CPU "
                     "threads (attn-emulate-gpu) with CPU entry points"),
      llvm::cl::init(false)};
};

/// Dynamic shared memory one CTA may use on `chip` (the opt-in maximum), or
/// 0 for a chip this compiler does not know.
int64_t sharedMemoryLimit(llvm::StringRef chip);

/// The first stages of every pipeline: TOSA to linalg, attn-raise,
/// attn-abi-signature and attn-decompose; with `exposeWeights`,
/// attn-expose-weights after attn-decompose and the signature after that.
void buildSignatureAndDecompose(OpPassManager &pm, bool exposeWeights);
/// attn-lower-to-cuda: attn/tensor level to the LLVM dialect for the host,
/// with the kernels as a gpu.binary and C entry points that take device
/// pointers and a stream (docs/abi.md).
void buildLowerToCudaPipeline(OpPassManager &pm,
                              const CudaPipelineOptions &options);

/// attn-lower-to-tiles: attn/tensor level to bufferized loops on memrefs
/// (the fused loop nest, before any LLVM lowering).
void buildLowerToTilesPipeline(OpPassManager &pm,
                               const CpuPipelineOptions &options);

/// attn-lower-to-cpu: attn/tensor level to the LLVM dialect for the host CPU,
/// with the C ABI entry points of docs/abi.md.
void buildLowerToCpuPipeline(OpPassManager &pm,
                             const CpuPipelineOptions &options);

/// Registers attn-lower-to-tiles, attn-lower-to-cpu and attn-lower-to-cuda.
void registerPipelines();

} // namespace mlir::attn

#endif // ATTN_PIPELINES_PIPELINES_H

//===- CompileOptions.h - Options of the AOT compiler -----------*- C++ -*-===//
//
// The options of attn-compile as a plain struct, apart from the driver's
// MLIR-facing declarations (Compiler.h), so that code built without MLIR's
// headers (the Python extension) can fill them in.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_COMPILER_COMPILEOPTIONS_H
#define ATTN_COMPILER_COMPILEOPTIONS_H

#include <cstdint>
#include <string>

namespace attn {

struct CompileOptions {
  /// Query rows and keys per tile of the fused attention loop nest; 0: the
  /// tile cost model of attn-tile chooses them per op, from the head
  /// dimensions and the target's L2 size.
  int64_t queryTile = 0;
  int64_t keyTile = 0;
  /// Work items a softmax nest aims for when it has fewer (decode): the key
  /// ranges are split into parts merged by log-sum-exp (1: never split).
  int64_t keySplits = 16;
  /// Scratch of one work item of a fused nest kept on the stack of the
  /// thread running it (more goes to the heap). The default fits threads
  /// with 2 MiB stacks or more; callers on smaller stacks lower it.
  int64_t stackScratchBytes = 1 << 20;
  /// Target CPU and features for code generation ("native" = this host;
  /// with target "cuda", the host code defaults to generic x86-64 so that
  /// the library runs on the GPU machine's CPU).
  std::string cpu = "native";
  /// "cpu": the fused loop nests run on the host. "cuda": the attention ops
  /// run as tensor-core kernels for `chip` (sm_80, sm_86, sm_89, sm_90,
  /// sm_90a) and the library's entry points take device pointers and a
  /// stream; the PTX (and, with ptxas, the cubin) is written beside it.
  /// "gpu-emulator": the same kernels, lowered as for "cuda", run on CPU
  /// threads (attn-emulate-gpu) behind CPU entry points, to check them
  /// without a GPU.
  std::string target = "cpu";
  std::string chip = "sm_80";
  /// With target "cuda" or "gpu-emulator": f32 attention runs on TF32
  /// tensor cores (f16 accuracy) instead of exact f32 FMAs.
  bool allowTf32 = false;
  /// Optimisation level of the LLVM back end (0-3).
  unsigned optLevel = 3;
  /// Run the independent work items on OpenMP threads.
  bool parallel = true;
};

} // namespace attn

#endif // ATTN_COMPILER_COMPILEOPTIONS_H

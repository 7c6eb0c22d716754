//===- Compiler.h - AOT compiler driver as a library ------------*- C++ -*-===//
//
// The phases of attn-compile, usable from other tools (attn-run) and from
// other compilers: parse, lower to LLVM for the host CPU, emit an object, link
// a shared library, write the C header.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_COMPILER_COMPILER_H
#define ATTN_COMPILER_COMPILER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace mlir {
class MLIRContext;
} // namespace mlir

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
  /// Also return the weights of every attention as extra results
  /// (attn-expose-weights; CPU only): the inspection mode of
  /// `attn-run --dump-weights`.
  bool exposeWeights = false;
};

/// Registers every dialect and translation the compiler needs in `context`.
void prepareContext(mlir::MLIRContext &context);

/// Parses `inputPath` ("-" for stdin) into a module; diagnostics go to the
/// context's handler. A `.onnx` file is imported (attn/Import/OnnxImport.h)
/// when the build has the ONNX importer.
mlir::OwningOpRef<mlir::ModuleOp> parseModule(llvm::StringRef inputPath,
                                              mlir::MLIRContext &context);

/// Lowers `module` in place from attn/tensor level to the LLVM dialect with
/// the C ABI entry points (the attn-lower-to-cpu pipeline).
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       const CompileOptions &options);

/// Compiles an LLVM-dialect module to a relocatable object file.
mlir::LogicalResult emitObjectFile(mlir::ModuleOp module,
                                   llvm::StringRef objectPath,
                                   const CompileOptions &options);

/// Links an object into a shared library with the system linker driver (cc),
/// against `libraries` (e.g. "-lm").
mlir::LogicalResult
linkSharedLibrary(llvm::StringRef objectPath, llvm::StringRef sharedLibPath,
                  llvm::ArrayRef<llvm::StringRef> libraries);

/// Lowers `module` in place with the attn-lower-to-cuda pipeline, then
/// writes the kernels beside `sharedLibPath` (`.ptx`; `.cubin` when ptxas
/// is found) and embeds them in the module's gpu.binary: a fat binary of
/// cubin and PTX when fatbinary is found (the driver falls back to the PTX
/// when it cannot load the cubin), else the PTX.
mlir::LogicalResult lowerToCuda(mlir::ModuleOp module,
                                llvm::StringRef sharedLibPath,
                                const CompileOptions &options);

/// The inconsistency in `options` (an unknown target or chip, TF32 for the
/// CPU) as a message, or an empty string when there is none.
std::string checkCompileOptions(const CompileOptions &options);

/// The AOT path after parsing: lowers `module` in place for
/// `options.target` and writes `sharedLibPath`, the object next to it (`.o`)
/// and, when `headerPath` is not empty, the C header. Errors are diagnostics
/// on `module`'s context, except those of the system linker (stderr). The
/// context must have been prepared (prepareContext).
mlir::LogicalResult compileModule(mlir::ModuleOp module,
                                  llvm::StringRef sharedLibPath,
                                  llvm::StringRef headerPath,
                                  const CompileOptions &options);

/// Whole AOT path: parse `inputPath`, lower, and write `sharedLibPath`, the
/// object next to it (`.o`) and, when `headerPath` is not empty, the C
/// header. Errors are reported as diagnostics on stderr.
mlir::LogicalResult compileFile(llvm::StringRef inputPath,
                                llvm::StringRef sharedLibPath,
                                llvm::StringRef headerPath,
                                const CompileOptions &options);

/// A shared library compiled into a fresh temporary directory; the directory
/// is removed when this object is destroyed (unload the library first).
class TemporaryLibrary {
public:
  TemporaryLibrary() = default;
  TemporaryLibrary(TemporaryLibrary &&other) noexcept;
  TemporaryLibrary &operator=(TemporaryLibrary &&other) noexcept;
  TemporaryLibrary(const TemporaryLibrary &) = delete;
  TemporaryLibrary &operator=(const TemporaryLibrary &) = delete;
  ~TemporaryLibrary();

  /// Path of the shared library inside the temporary directory.
  const std::string &path() const { return libraryPath; }

private:
  friend mlir::FailureOr<TemporaryLibrary>
  compileToTemporaryLibrary(llvm::StringRef, llvm::StringRef,
                            const CompileOptions &);
  std::string directory, libraryPath;
};

/// Compiles `inputPath` into a shared library in a new temporary directory
/// named after `toolName`, for tools that load and run it at once (attn-run,
/// attn-bench). Errors are printed on stderr.
mlir::FailureOr<TemporaryLibrary>
compileToTemporaryLibrary(llvm::StringRef inputPath, llvm::StringRef toolName,
                          const CompileOptions &options);

} // namespace attn

#endif // ATTN_COMPILER_COMPILER_H

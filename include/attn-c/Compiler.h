/*===- attn-c/Compiler.h - C API: pipelines and AOT compilation ---*- C -*-===*\
|*                                                                            *|
|* Parses models (MLIR or ONNX), runs named pipelines and compiles modules   *|
|* into shared libraries that attn-c/Runtime.h loads and calls. Errors are   *|
|* reported as diagnostics on the module's context (attach a handler with    *|
|* mlirContextAttachDiagnosticHandler to capture them); a function that can  *|
|* fail returns a failed MlirLogicalResult or a null handle.                  *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef ATTN_C_COMPILER_H
#define ATTN_C_COMPILER_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The options of attn-compile (docs/abi.md). Strings are borrowed for the
/// duration of the call that takes the options.
typedef struct AttnCompileOptions {
  /// Query rows and keys per tile of the fused loop nest; 0 lets the tile
  /// cost model choose per op.
  int64_t queryTile;
  int64_t keyTile;
  /// Work items a softmax nest aims for when it has fewer (decode); 1 never
  /// splits the keys.
  int64_t keySplits;
  /// Scratch of one work item kept on the running thread's stack.
  int64_t stackScratchBytes;
  /// Target CPU for code generation: "native" (this host) or an LLVM CPU
  /// name such as "x86-64-v3".
  const char *cpu;
  /// "cpu", "cuda" or "gpu-emulator".
  const char *target;
  /// NVIDIA architecture of the "cuda" and "gpu-emulator" targets: sm_80,
  /// sm_86, sm_89, sm_90 or sm_90a.
  const char *chip;
  /// f32 attention on TF32 tensor cores (GPU targets only).
  bool allowTf32;
  /// Optimisation level of the LLVM back end, 0 to 3.
  unsigned optLevel;
  /// Run the independent work items on OpenMP threads.
  bool parallel;
} AttnCompileOptions;

/// The defaults of attn-compile: tiles chosen by the cost model, the host
/// CPU, target "cpu", -O3, parallel.
MLIR_CAPI_EXPORTED AttnCompileOptions attnCompileOptionsGetDefault(void);

/// Registers in `context` everything the compiler needs: the dialects of
/// attnRegisterAllDialects and the translations to LLVM IR. Call it once
/// per context before parsing or compiling.
MLIR_CAPI_EXPORTED void attnContextPrepare(MlirContext context);

/// Reads a model file: `.onnx` through the ONNX importer (when the library
/// was built with it), anything else as MLIR text or bytecode. Returns a
/// null module (mlirModuleIsNull) on failure: parse and import errors are
/// diagnostics, a file that cannot be read is reported on stderr.
MLIR_CAPI_EXPORTED MlirModule attnParseModuleFile(MlirContext context,
                                                  MlirStringRef path);

/// Runs `pipeline` on `module`, in place. `pipeline` is a pass pipeline in
/// the textual form of attn-opt's --pass-pipeline, either anchored
/// ("builtin.module(attn-lower-to-tiles{query-tile=64})") or a
/// comma-separated list that is anchored on the module
/// ("attn-decompose,canonicalize"). attnRegisterAllPasses must have been
/// called. A pipeline that does not parse is reported as a diagnostic.
MLIR_CAPI_EXPORTED MlirLogicalResult attnRunPipeline(MlirModule module,
                                                     MlirStringRef pipeline);

/// Compiles `module` (attn/tensor level, as attn-compile reads it; lowered
/// in place) into the shared library `libraryPath` (the object file is
/// written next to it, with the extension `.o`) and, when `headerPath` is
/// not empty, its C header. A null `options` means the defaults. Failures
/// of the system linker driver are printed on stderr, every other error is
/// a diagnostic.
MLIR_CAPI_EXPORTED MlirLogicalResult
attnCompileModule(MlirModule module, MlirStringRef libraryPath,
                  MlirStringRef headerPath, const AttnCompileOptions *options);

#ifdef __cplusplus
}
#endif

#endif // ATTN_C_COMPILER_H

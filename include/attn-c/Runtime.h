/*===- attn-c/Runtime.h - C API: load and call compiled modules ---*- C -*-===*\
|*                                                                            *|
|* Loads a shared library written by attn-compile (or attnCompileModule) and  *|
|* calls its functions on host arrays. This half of the C API does not need   *|
|* MLIR or LLVM: a program that only runs compiled modules links              *|
|* AttnCAPIRuntime alone. Arrays are passed in the host types of attn-run's   *|
|* .npy files: float32 for f32, bf16 and f8e4m3fn (narrowed on the way in,    *|
|* widened on the way out), float16 for f16, bool (one byte) for i1, and the  *|
|* integer and float64 types as themselves. Every check of attn-run applies   *|
|* (arity, rank, element type, static dimensions, size symbols), and a failed *|
|* check is an AttnError whose message names the argument.                    *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef ATTN_C_RUNTIME_H
#define ATTN_C_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ATTN_C_RUNTIME_EXPORTED __attribute__((visibility("default")))
#else
#define ATTN_C_RUNTIME_EXPORTED
#endif

/// Host element types of the arrays passed to and returned by a call.
typedef enum AttnDType {
  ATTN_DTYPE_BOOL,
  ATTN_DTYPE_INT8,
  ATTN_DTYPE_INT32,
  ATTN_DTYPE_INT64,
  ATTN_DTYPE_FLOAT16,
  ATTN_DTYPE_FLOAT32,
  ATTN_DTYPE_FLOAT64,
} AttnDType;

/// An error message; null (attnErrorIsNull) means success. The caller owns
/// a non-null error and releases it with attnErrorDestroy.
typedef struct AttnError {
  void *ptr;
} AttnError;

/// A loaded function of a compiled library; the library stays loaded until
/// attnModuleDestroy.
typedef struct AttnModule {
  void *ptr;
} AttnModule;

/// The results of one call, owned by the caller (attnResultsDestroy).
typedef struct AttnResults {
  void *ptr;
} AttnResults;

/// An array in host memory, row-major and contiguous. For arguments the
/// data is read (and copied) during the call; for results it points into
/// the AttnResults that holds them.
typedef struct AttnHostArray {
  AttnDType dtype;
  intptr_t rank;
  const int64_t *shape;
  void *data;
} AttnHostArray;

/// An argument or result of a compiled function, from its manifest.
typedef struct AttnTensorInfo {
  /// The name of the argument or result ("q", "arg0", "res0").
  const char *name;
  /// The ABI element type ("f32", "bf16", "i1", ...).
  const char *elementType;
  /// The host type the call takes or returns for it.
  AttnDType hostType;
  intptr_t rank;
  /// The type with its size symbols, as messages print it: "f32[s0,8,s1,64]".
  const char *signature;
} AttnTensorInfo;

static inline bool attnErrorIsNull(AttnError error) { return !error.ptr; }
/// The message, valid until attnErrorDestroy.
ATTN_C_RUNTIME_EXPORTED const char *attnErrorGetMessage(AttnError error);
ATTN_C_RUNTIME_EXPORTED void attnErrorDestroy(AttnError error);

/// Loads `function` of the shared library at `libraryPath` into `*module`.
ATTN_C_RUNTIME_EXPORTED AttnError attnModuleLoad(const char *libraryPath,
                                                 const char *function,
                                                 AttnModule *module);
/// Unloads the library; a null module is ignored.
ATTN_C_RUNTIME_EXPORTED void attnModuleDestroy(AttnModule module);

/// "cpu" or "cuda": where the function runs (a "cuda" module is called the
/// same way; its arrays are copied to and from the device).
ATTN_C_RUNTIME_EXPORTED const char *attnModuleGetTarget(AttnModule module);
ATTN_C_RUNTIME_EXPORTED intptr_t attnModuleGetNumArguments(AttnModule module);
ATTN_C_RUNTIME_EXPORTED intptr_t attnModuleGetNumResults(AttnModule module);
/// The `index`th argument or result (0 <= index < the count); the strings
/// live as long as the module.
ATTN_C_RUNTIME_EXPORTED AttnTensorInfo attnModuleGetArgument(AttnModule module,
                                                             intptr_t index);
ATTN_C_RUNTIME_EXPORTED AttnTensorInfo attnModuleGetResult(AttnModule module,
                                                           intptr_t index);

/// Calls the function on `numArgs` arrays and stores its results in
/// `*results`. Nothing is stored on error.
ATTN_C_RUNTIME_EXPORTED AttnError attnModuleCall(AttnModule module,
                                                 const AttnHostArray *args,
                                                 intptr_t numArgs,
                                                 AttnResults *results);

ATTN_C_RUNTIME_EXPORTED intptr_t attnResultsGetCount(AttnResults results);
/// The `index`th result; its shape and data live as long as `results`.
ATTN_C_RUNTIME_EXPORTED AttnHostArray attnResultsGet(AttnResults results,
                                                     intptr_t index);
/// Releases the results; a null handle is ignored.
ATTN_C_RUNTIME_EXPORTED void attnResultsDestroy(AttnResults results);

#ifdef __cplusplus
}
#endif

#endif // ATTN_C_RUNTIME_H

/*===- attn-c/Dialects.h - C API: the attn dialect and its passes -*- C -*-===*\
|*                                                                            *|
|* Registration for C programs and other languages, in the style of the MLIR *|
|* C API (mlir-c/): the dialect handle of `attn`, and the selective          *|
|* registration of the dialects and passes that the attn pipelines use.      *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef ATTN_C_DIALECTS_H
#define ATTN_C_DIALECTS_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/// mlirGetDialectHandle__attn__(): the attn dialect alone.
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Attn, attn);

/// Inserts the attn dialect and every upstream dialect that its pipelines
/// and the compiler produce (linalg, tensor, scf, vector, LLVM, ...), with
/// their interface implementations (bufferization, tiling), into
/// `registry`.
MLIR_CAPI_EXPORTED void attnRegisterAllDialects(MlirDialectRegistry registry);

/// Registers the attn passes, the named pipelines (attn-lower-to-tiles,
/// attn-lower-to-cpu, attn-lower-to-cuda) and the upstream passes they use,
/// so that textual pipelines can name them. Idempotent.
MLIR_CAPI_EXPORTED void attnRegisterAllPasses(void);

#ifdef __cplusplus
}
#endif

#endif // ATTN_C_DIALECTS_H

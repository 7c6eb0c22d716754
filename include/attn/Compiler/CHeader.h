//===- CHeader.h - C header of a compiled module ----------------*- C++ -*-===//
//
// Writes the C declarations of the entry points that attn-emit-c-interface
// builds (docs/abi.md), from the `attn.abi` attribute that
// attn-abi-signature records. Call it on the tensor-level module, after
// attn-abi-signature and before the lowering removes the attribute.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_COMPILER_CHEADER_H
#define ATTN_COMPILER_CHEADER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/raw_ostream.h"

namespace attn {

/// Writes the header to `os`: the CPU entry points, or with `cuda` the CUDA
/// ones (device pointers and a trailing stream). Fails, with an error on the
/// module, when the module has no valid `attn.abi` attribute.
mlir::LogicalResult emitCHeader(mlir::ModuleOp module, llvm::raw_ostream &os,
                                bool cuda = false);

} // namespace attn

#endif // ATTN_COMPILER_CHEADER_H

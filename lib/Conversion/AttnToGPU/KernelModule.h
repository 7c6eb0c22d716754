//===- KernelModule.h - The gpu.module that holds every kernel --*- C++ -*-===//
//
// attn-to-gpu and attn-linalg-to-gpu put their kernels into one
// gpu.module, so that the module serialises to one PTX file and one cubin.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_KERNELMODULE_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_KERNELMODULE_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::attn::gpu_lowering {

/// `gpu.module @attn_kernels` of `module`, created at its end (and the
/// module marked as a GPU container) if it is not there yet.
gpu::GPUModuleOp getOrCreateKernelModule(ModuleOp module);

/// A kernel `name` at the end of `module` taking values of the types of
/// `args`, launched with `threads` threads per CTA (known_block_size, which
/// NVVM may size registers for); its body is an empty block.
gpu::GPUFuncOp createKernel(gpu::GPUModuleOp module, Location loc,
                            StringRef name, ValueRange args, int32_t threads);

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_KERNELMODULE_H

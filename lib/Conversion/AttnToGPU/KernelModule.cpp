//===- KernelModule.cpp - The gpu.module that holds every kernel ----------===//

#include "KernelModule.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

gpu::GPUModuleOp attn::gpu_lowering::getOrCreateKernelModule(ModuleOp module) {
  constexpr StringLiteral kKernelModule = "attn_kernels";
  if (auto existing = module.lookupSymbol<gpu::GPUModuleOp>(kKernelModule))
    return existing;
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(module.getContext()));
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  return gpu::GPUModuleOp::create(b, module.getLoc(), kKernelModule);
}

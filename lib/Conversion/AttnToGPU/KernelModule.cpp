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

gpu::GPUFuncOp attn::gpu_lowering::createKernel(gpu::GPUModuleOp module,
                                                Location loc, StringRef name,
                                                ValueRange args,
                                                int32_t threads) {
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  auto func = gpu::GPUFuncOp::create(b, loc, name,
                                     b.getFunctionType(TypeRange(args), {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr({threads, 1, 1}));
  return func;
}

//===- LoopUtils.cpp - small IR-building helpers of attn-tile -------------===//

#include "AttentionLowering.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

scf::ForOp lowering::buildCountedLoop(ImplicitLocOpBuilder &b, Value ub,
                                      ValueRange init, LoopBody body) {
  Value zero = arith::ConstantIndexOp::create(b, 0);
  Value one = arith::ConstantIndexOp::create(b, 1);
  return scf::ForOp::create(
      b, zero, ub, one, init,
      [&](OpBuilder &nested, Location loc, Value iv, ValueRange args) {
        ImplicitLocOpBuilder ib(loc, nested);
        SmallVector<Value> results = body(ib, iv, args);
        scf::YieldOp::create(ib, results);
      });
}

void lowering::buildCountedLoop(
    ImplicitLocOpBuilder &b, Value ub,
    function_ref<void(ImplicitLocOpBuilder &, Value)> body) {
  buildCountedLoop(b, ub, ValueRange{},
                   [&](ImplicitLocOpBuilder &ib, Value iv, ValueRange) {
                     body(ib, iv);
                     return SmallVector<Value>{};
                   });
}

Value lowering::loadAsF32(ImplicitLocOpBuilder &b, Value buffer,
                          ValueRange indices) {
  Value x = memref::LoadOp::create(b, buffer, indices);
  if (!x.getType().isF32())
    x = arith::ExtFOp::create(b, b.getF32Type(), x);
  return x;
}

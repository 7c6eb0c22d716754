//===- LoopUtils.cpp - small IR-building helpers of attn-tile -------------===//

#include "AttentionLowering.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

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

Value lowering::loadVectorAsF32(ImplicitLocOpBuilder &b, Value buffer,
                                ValueRange indices, int64_t width) {
  Type elem = cast<MemRefType>(buffer.getType()).getElementType();
  Value x = vector::LoadOp::create(b, VectorType::get({width}, elem), buffer,
                                   indices);
  if (!elem.isF32())
    x = arith::ExtFOp::create(b, VectorType::get({width}, b.getF32Type()), x);
  return x;
}

Value lowering::indexConst(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}

Value lowering::f32Const(ImplicitLocOpBuilder &b, double v) {
  return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
}

Value lowering::splat(ImplicitLocOpBuilder &b, Value scalar, int64_t width) {
  return vector::BroadcastOp::create(
      b, VectorType::get({width}, scalar.getType()), scalar);
}

Value lowering::stackBuffer(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape,
                            Type elem) {
  if (!elem)
    elem = b.getF32Type();
  return memref::AllocaOp::create(b, MemRefType::get(shape, elem),
                                  b.getI64IntegerAttr(64));
}

Value lowering::chunkKeys(ImplicitLocOpBuilder &b, Value k0, int64_t c,
                          int64_t width) {
  VectorType idxVec = VectorType::get({width}, b.getIndexType());
  Value base = arith::AddIOp::create(b, k0, indexConst(b, c * width));
  return arith::AddIOp::create(b, vector::BroadcastOp::create(b, idxVec, base),
                               vector::StepOp::create(b, idxVec));
}

int64_t lowering::widthFor(int64_t size, int64_t preferred) {
  int64_t w = preferred;
  while (w > 1 && size % w != 0)
    w /= 2;
  return w;
}

void lowering::emitRowProjection(
    ImplicitLocOpBuilder &b, Value rows, int64_t depth,
    function_ref<Value(ImplicitLocOpBuilder &, Value, Value)> loadInput,
    Value weights, Value bias, float scale, Value out, int64_t colWidth) {
  // One row at a time, all N / colWidth column vectors carried through the
  // depth loop: x(r, d) is broadcast once per d and W is read row by row,
  // contiguously.
  int64_t cols = cast<MemRefType>(weights.getType()).getDimSize(1);
  int64_t chunks = cols / colWidth;
  VectorType vt = VectorType::get({colWidth}, b.getF32Type());
  buildCountedLoop(b, rows, [&](ImplicitLocOpBuilder &rb, Value r) {
    SmallVector<Value> init(chunks, splat(rb, f32Const(rb, 0.0), colWidth));
    auto loop = buildCountedLoop(
        rb, indexConst(rb, depth), init,
        [&](ImplicitLocOpBuilder &db, Value d, ValueRange accs) {
          Value x = vector::BroadcastOp::create(db, vt, loadInput(db, r, d));
          SmallVector<Value> next;
          for (int64_t c = 0; c < chunks; ++c) {
            Value w = loadVectorAsF32(
                db, weights, {d, indexConst(db, c * colWidth)}, colWidth);
            next.push_back(vector::FMAOp::create(db, x, w, accs[c]));
          }
          return next;
        });
    Value scaleV = splat(rb, f32Const(rb, scale), colWidth);
    for (int64_t c = 0; c < chunks; ++c) {
      Value col = indexConst(rb, c * colWidth);
      Value y = loop.getResult(c);
      if (bias)
        y = arith::AddFOp::create(rb, y,
                                  loadVectorAsF32(rb, bias, {col}, colWidth));
      if (scale != 1.0f)
        y = arith::MulFOp::create(rb, y, scaleV);
      vector::StoreOp::create(rb, y, out, ValueRange{r, col});
    }
  });
}

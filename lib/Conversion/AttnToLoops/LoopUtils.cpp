//===- LoopUtils.cpp - small IR-building helpers of attn-tile -------------===//

#include "AttentionLowering.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

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

Value lowering::broadcastPair(ImplicitLocOpBuilder &b, Value buffer,
                              ValueRange indices, int64_t width) {
  Type bf16 = b.getBF16Type();
  Value two =
      vector::LoadOp::create(b, VectorType::get({2}, bf16), buffer, indices);
  Value word =
      vector::BitCastOp::create(b, VectorType::get({1}, b.getI32Type()), two);
  Value words = vector::BroadcastOp::create(
      b, VectorType::get({width}, b.getI32Type()), word);
  return vector::BitCastOp::create(b, VectorType::get({2 * width}, bf16),
                                   words);
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

Value Scratch::buffer(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape,
                      Type elem) {
  if (!elem)
    elem = b.getF32Type();
  // Index buffers hold 64-bit values on the hosts this lowers for; 64 bytes
  // per buffer cover the alignment padding.
  uint64_t elemBytes =
      elem.isIndex() ? 8 : (elem.getIntOrFloatBitWidth() + 7) / 8;
  bool overflow = false;
  uint64_t bytes = elemBytes;
  for (int64_t size : shape)
    bytes = llvm::SaturatingMultiply(bytes, uint64_t(size), &overflow);
  bytes = llvm::SaturatingAdd(bytes, uint64_t(64), &overflow);
  total = llvm::SaturatingAdd(total, bytes, &overflow);
  if (bytes > largestBytes) {
    largestBytes = bytes;
    largest.clear();
    llvm::raw_string_ostream os(largest);
    for (int64_t size : shape)
      os << size << 'x';
    os << elem;
  }
  if (where == Placement::Measure)
    return {};
  auto type = MemRefType::get(shape, elem);
  IntegerAttr alignment = b.getI64IntegerAttr(64);
  if (where == Placement::Heap)
    return memref::AllocOp::create(b, type, alignment);
  return memref::AllocaOp::create(b, type, alignment);
}

Value lowering::scratchBuffer(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                              ArrayRef<int64_t> shape, Type elem) {
  return cfg.scratch->buffer(b, shape, elem);
}

Value ChunkBlock::column(ImplicitLocOpBuilder &b, int64_t c) const {
  if (!base)
    return indexConst(b, c * width);
  if (c == 0)
    return base;
  return arith::AddIOp::create(b, base, indexConst(b, c * width));
}

SmallVector<Value> lowering::forEachChunkBlock(ImplicitLocOpBuilder &b,
                                               int64_t chunks, int64_t width,
                                               ValueRange init,
                                               ChunkBlockBody body,
                                               int64_t blockChunks) {
  if (chunks <= blockChunks)
    return body(b, ChunkBlock{Value(), chunks, width}, init);
  int64_t blockColumns = blockChunks * width;
  int64_t full = chunks / blockChunks;
  int64_t tail = chunks % blockChunks;
  auto loop = scf::ForOp::create(
      b, indexConst(b, 0), indexConst(b, full * blockColumns),
      indexConst(b, blockColumns), init,
      [&](OpBuilder &nested, Location loc, Value base, ValueRange args) {
        ImplicitLocOpBuilder ib(loc, nested);
        SmallVector<Value> next =
            body(ib, ChunkBlock{base, blockChunks, width}, args);
        scf::YieldOp::create(ib, next);
      });
  SmallVector<Value> results(loop.getResults());
  if (tail == 0)
    return results;
  return body(b, ChunkBlock{indexConst(b, full * blockColumns), tail, width},
              results);
}

void lowering::forEachChunkBlock(
    ImplicitLocOpBuilder &b, int64_t chunks, int64_t width,
    function_ref<void(ImplicitLocOpBuilder &, const ChunkBlock &)> body,
    int64_t blockChunks) {
  forEachChunkBlock(
      b, chunks, width, ValueRange{},
      [&](ImplicitLocOpBuilder &ib, const ChunkBlock &block, ValueRange) {
        body(ib, block);
        return SmallVector<Value>{};
      },
      blockChunks);
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
    forEachChunkBlock(
        rb, chunks, colWidth,
        [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
          SmallVector<Value> init(block.count,
                                  splat(cb, f32Const(cb, 0.0), colWidth));
          auto loop = buildCountedLoop(
              cb, indexConst(cb, depth), init,
              [&](ImplicitLocOpBuilder &db, Value d, ValueRange accs) {
                Value x =
                    vector::BroadcastOp::create(db, vt, loadInput(db, r, d));
                SmallVector<Value> next;
                for (int64_t c = 0; c < block.count; ++c) {
                  Value w = loadVectorAsF32(db, weights,
                                            {d, block.column(db, c)}, colWidth);
                  next.push_back(vector::FMAOp::create(db, x, w, accs[c]));
                }
                return next;
              });
          Value scaleV = splat(cb, f32Const(cb, scale), colWidth);
          for (int64_t c = 0; c < block.count; ++c) {
            Value col = block.column(cb, c);
            Value y = loop.getResult(c);
            if (bias)
              y = arith::AddFOp::create(
                  cb, y, loadVectorAsF32(cb, bias, {col}, colWidth));
            if (scale != 1.0f)
              y = arith::MulFOp::create(cb, y, scaleV);
            vector::StoreOp::create(cb, y, out, ValueRange{r, col});
          }
        });
  });
}

Value lowering::toReadOnlyBuffer(ImplicitLocOpBuilder &b, Value tensor) {
  if (!tensor)
    return {};
  auto type = cast<RankedTensorType>(tensor.getType());
  return bufferization::ToBufferOp::create(
      b, MemRefType::get(type.getShape(), type.getElementType()), tensor,
      /*read_only=*/true);
}

void lowering::setKeyLength(ImplicitLocOpBuilder &b, KernelConfig &cfg) {
  if (!cfg.blockTable) {
    cfg.keyLen = memref::DimOp::create(b, cfg.key, 2);
    return;
  }
  // Logical keys: P pages of page_size rows each.
  int64_t pageSize = cast<MemRefType>(cfg.key.getType()).getDimSize(2);
  cfg.pageSize = ShapedType::isDynamic(pageSize)
                     ? Value(memref::DimOp::create(b, cfg.key, 2))
                     : indexConst(b, pageSize);
  cfg.keyLen = arith::MulIOp::create(
      b, memref::DimOp::create(b, cfg.blockTable, 1), cfg.pageSize);
}

std::pair<Value, Value> lowering::pageOfKey(ImplicitLocOpBuilder &b,
                                            const KernelConfig &cfg,
                                            Value batch, Value key) {
  // Out-of-range entries are the caller's contract (the op's description):
  // no clamp here, as there is none on a dense key index.
  Value entry = memref::LoadOp::create(
      b, cfg.blockTable,
      ValueRange{batch, arith::DivUIOp::create(b, key, cfg.pageSize)});
  Value page = arith::IndexCastOp::create(b, b.getIndexType(), entry);
  return {page, arith::RemUIOp::create(b, key, cfg.pageSize)};
}

SmallVector<Value, 4> lowering::kvIndices(ImplicitLocOpBuilder &b,
                                          const KernelConfig &cfg,
                                          const QueryTile &tile, Value key,
                                          Value col, bool anyKey) {
  if (!cfg.blockTable)
    return {tile.b, tile.kvHead, key, col};
  if (tile.kvSlot && !anyKey)
    return {tile.kvSlot, tile.kvHead,
            arith::SubIOp::create(b, key, tile.kvShift), col};
  auto [page, row] = pageOfKey(b, cfg, tile.b, key);
  return {page, tile.kvHead, row, col};
}

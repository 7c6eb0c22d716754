//===- FlashKernelCopies.cpp - tiles into shared memory -------------------===//
//
// The kernel's copies into shared memory: cp.async rows of Q, K and V
// (through a paged cache's block table, or packing GQA heads), and the
// K/V tiles by TMA on sm_90a.
//
//===----------------------------------------------------------------------===//

#include "FlashKernelEmitter.h"
#include "Fragments.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

Value FlashKernelEmitter::sharedView(Value raw, int64_t byteOffset,
                                     int64_t elems) {
  auto space = cast<MemRefType>(raw.getType()).getMemorySpace();
  auto type =
      MemRefType::get({elems}, elem, MemRefLayoutAttrInterface(), space);
  return memref::ViewOp::create(b, type, raw, cst(byteOffset), ValueRange{});
}

void FlashKernelEmitter::copyRows(Value src, Value head, Value rowBase,
                                  Value rowLimit, int64_t rows, int64_t cols,
                                  int64_t srcCols, Value dst, Value dstBase,
                                  int64_t packedHeads) {
  int64_t chunkElems = shape.chunkElems();
  // One copy per 16-byte chunk; a source row whose bytes are not a multiple
  // of 16 (a head dim not a multiple of 16 / element bytes) is copied in
  // the widest of 8 or 4 bytes that keeps every source address aligned.
  // cp.async copies 4 bytes at least: an odd f16/bf16 row goes element by
  // element through registers (plain loads and shared stores, complete
  // before the barrier that follows the wait).
  int64_t unitElems = chunkElems;
  while (srcCols % unitElems)
    unitElems /= 2;
  bool byElement = unitElems * shape.elementBytes < 4;
  bool paddedCols = srcCols != cols;
  int64_t units = cols / unitElems, total = rows * units;
  int64_t threads = shape.threads();
  for (int64_t first = 0; first < total; first += threads) {
    auto copy = [&](ImplicitLocOpBuilder &cb) {
      Value c = add(threadId, first);
      Value r = arith::DivUIOp::create(cb, c, cst(units));
      Value unit = arith::RemUIOp::create(cb, c, cst(units));
      Value col = mul(unit, unitElems);
      Value row =
          add(rowBase, packedHeads > 1
                           ? arith::DivUIOp::create(cb, r, cst(packedHeads))
                           : r);
      Value srcHead =
          packedHeads > 1
              ? add(head, arith::RemUIOp::create(cb, r, cst(packedHeads)))
              : head;
      Value valid = lessThan(row, rowLimit);
      // Rows past the end read nothing (src-size 0): the chunk is zeros,
      // so P V never multiplies a zero weight by a NaN. So do the padding
      // columns, whose zeros add nothing to the dot products.
      Value srcCol = col;
      if (paddedCols) {
        Value inRow = lessThan(col, cst(srcCols));
        valid = arith::AndIOp::create(cb, valid, inRow);
        srcCol = arith::SelectOp::create(cb, inRow, col, cst(0));
      }
      Value srcRow = maxS(minS(row, add(rowLimit, -1)), cst(0));
      Value srcElems =
          arith::SelectOp::create(cb, valid, cst(unitElems), cst(0));
      SmallVector<Value, 4> srcIndices = {tile.b, srcHead, srcRow, srcCol};
      if (cfg.blockTable && src != cfg.query) {
        // A paged K or V row: its page from the block table, looked up
        // only for rows that are copied (the entries of pages past the
        // key lengths may be anything; page 0 row 0 stands in, unread).
        auto page = scf::IfOp::create(
            cb, TypeRange{cb.getIndexType(), cb.getIndexType()}, valid,
            /*withElseRegion=*/true);
        {
          OpBuilder::InsertionGuard g(cb);
          cb.setInsertionPointToStart(&page.getThenRegion().front());
          auto [slot, inPage] = lowering::pageOfKey(cb, cfg, tile.b, srcRow);
          scf::YieldOp::create(cb, ValueRange{slot, inPage});
          cb.setInsertionPointToStart(&page.getElseRegion().front());
          scf::YieldOp::create(cb, ValueRange{cst(0), cst(0)});
        }
        srcIndices = {page.getResult(0), head, page.getResult(1), srcCol};
      }
      Value dstAt;
      if (unitElems == chunkElems)
        dstAt = tileOffset(cb, shape, r, unit, rows, cols);
      else
        dstAt = tileElementOffset(cb, shape, r, col, rows, cols);
      if (byElement) {
        auto load = scf::IfOp::create(cb, TypeRange{elem}, valid,
                                      /*withElseRegion=*/true);
        {
          OpBuilder::InsertionGuard g(cb);
          cb.setInsertionPointToStart(&load.getThenRegion().front());
          scf::YieldOp::create(
              cb, ValueRange{memref::LoadOp::create(cb, src, srcIndices)});
          cb.setInsertionPointToStart(&load.getElseRegion().front());
          scf::YieldOp::create(cb, ValueRange{arith::ConstantOp::create(
                                       cb, elem, cb.getFloatAttr(elem, 0.0))});
        }
        memref::StoreOp::create(cb, load.getResult(0), dst,
                                ValueRange{add(dstBase, dstAt)});
        return;
      }
      // cp.async.cg (L2 only) copies 16 bytes; smaller copies go through
      // .ca.
      nvgpu::DeviceAsyncCopyOp::create(
          cb, dst, ValueRange{add(dstBase, dstAt)}, src, srcIndices,
          cb.getIndexAttr(unitElems), srcElems,
          unitElems == chunkElems ? cb.getUnitAttr() : UnitAttr());
    };
    if (first + threads <= total) {
      copy(b);
      continue;
    }
    auto guard =
        scf::IfOp::create(b, lessThan(add(threadId, first), cst(total)),
                          /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&guard.getThenRegion().front());
    copy(b);
  }
}

void FlashKernelEmitter::copyKeyValueTile(Value k0, Value buf) {
  if (shape.tensorCopies)
    return copyKeyValueBoxes(k0, buf);
  // A paged cache stops at the key length: the pages past it may not exist.
  Value limit = cfg.blockTable && tile.keyLimit ? tile.keyLimit : cfg.keyLen;
  copyRows(cfg.key, tile.kvHead, k0, limit, shape.keyTile, shape.headDim,
           shape.inputHeadDim, kView, keyBase(buf));
  // The selecting normalisers read only their chosen value rows, after the
  // key loop.
  if (!selection)
    copyRows(cfg.value, tile.kvHead, k0, limit, shape.keyTile, shape.valueDim,
             shape.inputValueDim, vView, valueBase(buf));
}

void FlashKernelEmitter::copyKeyValueBoxes(Value k0, Value buf) {
  // Only tiles of the key range: an empty range (no keys, or a query tile
  // that sees none) waits for nothing, and no copy may still be in flight
  // when the CTA exits; a K/V tensor with no keys has no map.
  auto first = scf::IfOp::create(
      b,
      arith::AndIOp::create(
          b,
          arith::CmpIOp::create(b, arith::CmpIPredicate::eq, threadId, cst(0)),
          lessThan(k0, range.end)),
      /*withElseRegion=*/false);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(&first.getThenRegion().front());
  gpu_lowering::copyKeyValueBoxes(b, *copies, k0, buf, keyBase(buf),
                                  valueBase(buf));
}

//===- FlashKernelOutput.cpp - the output and the partials ----------------===//
//
// The end of the softmax path: O / l (and the lse) into the output, or
// the unnormalised state of a part of a split key range into the
// partials.
//
//===----------------------------------------------------------------------===//

#include "FlashKernelEmitter.h"
#include "Fragments.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

void FlashKernelEmitter::storeOutput(ValueRange done, ArrayRef<Value> acc) {
  int64_t oTiles = shape.valueDim / 8;
  Value zero = f32(0.0);
  Type outElem = cast<MemRefType>(cfg.output.getType()).getElementType();
  for (int64_t half = 0; half < 2; ++half) {
    Value row = outRow[half];
    Value l = quadReduce(b, done[4 * oTiles + 2 + half], /*max=*/false);
    Value positive =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, l, zero);
    Value inv =
        normalizer != Normalizer::softmax
            ? f32(1.0)
            : arith::SelectOp::create(
                  b, positive, arith::DivFOp::create(b, f32(1.0), l), zero)
                  .getResult();
    auto inside = scf::IfOp::create(b, lessThan(row, cfg.queryLen),
                                    /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&inside.getThenRegion().front());
    forEachStoredPair(
        b, lane, shape.inputValueDim,
        [&](int64_t ot, Value col, int64_t width) {
          Value x = arith::MulFOp::create(b, acc[4 * ot + 2 * half], inv);
          SmallVector<Value> at = {tile.b, outHead[half], row, col};
          if (width == 1) {
            // The last column of an odd Dv.
            if (!outElem.isF32())
              x = arith::TruncFOp::create(b, outElem, x);
            memref::StoreOp::create(b, x, cfg.output, at);
            return;
          }
          Value y = arith::MulFOp::create(b, acc[4 * ot + 2 * half + 1], inv);
          Value pairV =
              outElem.isF32()
                  ? Value(vector::FromElementsOp::create(
                        b, VectorType::get({2}, outElem), ValueRange{x, y}))
                  : packPair(b, x, y, outElem);
          vector::StoreOp::create(b, pairV, cfg.output, at);
        });
    if (cfg.lse) {
      // lse = (m + log2 l) ln 2 with m in log2 units; -inf when l = 0.
      Value m = done[4 * oTiles + half];
      Value lse = arith::MulFOp::create(
          b, arith::AddFOp::create(b, m, fastLog2(b, l)), f32(M_LN2));
      lse = arith::SelectOp::create(
          b, positive, lse, f32(-std::numeric_limits<float>::infinity()));
      auto first = scf::IfOp::create(
          b,
          arith::CmpIOp::create(b, arith::CmpIPredicate::eq, lane.quad, cst(0)),
          /*withElseRegion=*/false);
      b.setInsertionPointToStart(&first.getThenRegion().front());
      Type lseElem = cast<MemRefType>(cfg.lse.getType()).getElementType();
      if (!lseElem.isF32())
        lse = arith::TruncFOp::create(b, lseElem, lse);
      memref::StoreOp::create(b, lse, cfg.lse,
                              ValueRange{tile.b, outHead[half], row});
    }
  }
}

void FlashKernelEmitter::storePartials(ValueRange done, ArrayRef<Value> acc,
                                       Value part, Value parts,
                                       Value partials) {
  int64_t oTiles = shape.valueDim / 8;
  SplitStateLayout layout = splitStateLayout(
      b, parts, cfg.batch, cfg.queryHeads, cfg.queryLen, shape.inputValueDim);
  for (int64_t half = 0; half < 2; ++half) {
    Value row = outRow[half];
    Value l = quadReduce(b, done[4 * oTiles + 2 + half], /*max=*/false);
    Value m = done[4 * oTiles + half];
    auto inside = scf::IfOp::create(b, lessThan(row, cfg.queryLen),
                                    /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&inside.getThenRegion().front());
    Value slot = arith::MulIOp::create(b, part, cfg.batch);
    slot = arith::MulIOp::create(b, add(slot, tile.b), cst(cfg.queryHeads));
    slot = arith::MulIOp::create(b, add(slot, outHead[half]), cfg.queryLen);
    slot = add(slot, row);
    Value rowBase = mul(slot, shape.inputValueDim);
    // Element by element: an odd Dv leaves the pairs unaligned.
    forEachStoredPair(b, lane, shape.inputValueDim,
                      [&](int64_t ot, Value col, int64_t width) {
                        for (int64_t e = 0; e < width; ++e)
                          memref::StoreOp::create(
                              b, acc[4 * ot + 2 * half + e], partials,
                              ValueRange{add(add(rowBase, col), e)});
                      });
    auto first = scf::IfOp::create(
        b,
        arith::CmpIOp::create(b, arith::CmpIPredicate::eq, lane.quad, cst(0)),
        /*withElseRegion=*/false);
    b.setInsertionPointToStart(&first.getThenRegion().front());
    Value at = add(layout.rowStateBase, mul(slot, 2));
    memref::StoreOp::create(b, m, partials, ValueRange{at});
    memref::StoreOp::create(b, l, partials, ValueRange{add(at, 1)});
  }
}

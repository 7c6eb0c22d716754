//===- SplitCombine.cpp - split key ranges and their log-sum-exp merge ----===//
//
// Decode and short queries give fewer CTAs (query tiles x heads x batch)
// than a GPU has SMs. attn-to-gpu then splits the key range of each query
// tile into parts (lowering::narrowToPart, the CPU's split), each a CTA of
// its own; each part leaves its online softmax state (max m in log2 units,
// sum l, unnormalised accumulator) in a partials buffer, and the combine
// kernel merges the parts of every row, one thread per output element:
//
//   m = max_p m_p,  l = sum_p l_p 2^(m_p - m),  acc = sum_p acc_p 2^(m_p - m),
//   o = acc / l (0 where l = 0),  lse = (m + log2 l) ln 2 (-inf where l = 0).
//
// Parts that see no key (past the range, or fully masked) have m_p = -inf
// and l_p = 0 and add nothing.
//
//===----------------------------------------------------------------------===//

#include "FlashKernel.h"
#include "Fragments.h"
#include "KernelModule.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

SplitStateLayout gpu_lowering::splitStateLayout(ImplicitLocOpBuilder &b,
                                                Value parts, Value batch,
                                                int64_t heads, Value queryLen,
                                                int64_t valueDim) {
  Value slots = arith::MulIOp::create(
      b,
      arith::MulIOp::create(b, arith::MulIOp::create(b, parts, batch),
                            arith::ConstantIndexOp::create(b, heads)),
      queryLen);
  return {slots, arith::MulIOp::create(
                     b, slots, arith::ConstantIndexOp::create(b, valueDim))};
}

SmallVector<Value>
gpu_lowering::splitCombineArgs(const FlashOperands &operands) {
  SmallVector<Value> args = {operands.output};
  if (operands.lse)
    args.push_back(operands.lse);
  args.append({operands.keyParts, operands.partials});
  return args;
}

bool gpu_lowering::canSplitKeys(AttentionOp op) {
  return op.getNormalizer() == Normalizer::softmax &&
         op.getScore() != ScoreKind::multi_dimensional && !op.getRelativeClip();
}

gpu::GPUFuncOp
gpu_lowering::emitSplitCombineKernel(gpu::GPUModuleOp module, StringRef name,
                                     AttentionOp op,
                                     const FlashOperands &operands) {
  gpu::GPUFuncOp func = createKernel(
      module, op.getLoc(), name, splitCombineArgs(operands), kCombineThreads);
  ImplicitLocOpBuilder b(op.getLoc(), func.getContext());
  b.setInsertionPointToStart(&func.getBody().front());

  auto cst = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  auto f32 = [&](double v) {
    return arith::ConstantOp::create(b, b.getF32FloatAttr(float(v)));
  };
  Value output = func.getArgument(0);
  Value lse = operands.lse ? func.getArgument(1) : Value();
  Value parts = func.getArgument(operands.lse ? 2 : 1);
  Value partials = func.getArgument(operands.lse ? 3 : 2);
  auto outType = cast<MemRefType>(output.getType());
  int64_t heads = outType.getDimSize(1), dv = outType.getDimSize(3);
  Value batch = memref::DimOp::create(b, output, 0);
  Value queryLen = memref::DimOp::create(b, output, 2);
  SplitStateLayout layout =
      splitStateLayout(b, parts, batch, heads, queryLen, dv);
  // The slots of part 0: B * Hq * Sq rows.
  Value rows = arith::DivUIOp::create(b, layout.slots, parts);

  Value i = arith::AddIOp::create(
      b,
      arith::MulIOp::create(b, gpu::BlockIdOp::create(b, gpu::Dimension::x),
                            cst(kCombineThreads)),
      gpu::ThreadIdOp::create(b, gpu::Dimension::x));
  auto inside = scf::IfOp::create(
      b,
      arith::CmpIOp::create(b, arith::CmpIPredicate::ult, i,
                            arith::MulIOp::create(b, rows, cst(dv))),
      /*withElseRegion=*/false);
  b.setInsertionPointToStart(&inside.getThenRegion().front());
  Value row = arith::DivUIOp::create(b, i, cst(dv));
  Value col = arith::RemUIOp::create(b, i, cst(dv));
  auto rowState = [&](Value part, int64_t which) -> Value {
    Value slot =
        arith::AddIOp::create(b, arith::MulIOp::create(b, part, rows), row);
    return memref::LoadOp::create(
        b, partials,
        ValueRange{arith::AddIOp::create(
            b, layout.rowStateBase,
            arith::AddIOp::create(b, arith::MulIOp::create(b, slot, cst(2)),
                                  cst(which)))});
  };
  auto forParts = [&](ValueRange init,
                      function_ref<SmallVector<Value>(Value, ValueRange)> fn) {
    return scf::ForOp::create(
        b, cst(0), parts, cst(1), init,
        [&](OpBuilder &nb, Location, Value p, ValueRange carried) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          scf::YieldOp::create(b, fn(p, carried));
        });
  };
  Value negInf = f32(-std::numeric_limits<float>::infinity());
  Value zero = f32(0.0);
  Value m = forParts({negInf}, [&](Value p, ValueRange carried) {
              return SmallVector<Value>{
                  arith::MaximumFOp::create(b, carried[0], rowState(p, 0))};
            }).getResult(0);
  // No part saw a key: every weight is exp2(-inf - 0) = 0, not NaN.
  Value base = arith::SelectOp::create(
      b, arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, m, negInf), zero,
      m);
  auto sums = forParts({zero, zero}, [&](Value p, ValueRange carried) {
    Value w = fastExp2(b, arith::SubFOp::create(b, rowState(p, 0), base));
    Value slot =
        arith::AddIOp::create(b, arith::MulIOp::create(b, p, rows), row);
    Value a = memref::LoadOp::create(
        b, partials,
        ValueRange{arith::AddIOp::create(
            b, arith::MulIOp::create(b, slot, cst(dv)), col)});
    return SmallVector<Value>{
        arith::AddFOp::create(b, carried[0],
                              arith::MulFOp::create(b, rowState(p, 1), w)),
        arith::AddFOp::create(b, carried[1], arith::MulFOp::create(b, a, w))};
  });
  Value l = sums.getResult(0);
  Value positive = arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, l, zero);
  Value o = arith::SelectOp::create(
      b, positive, arith::DivFOp::create(b, sums.getResult(1), l), zero);
  if (!outType.getElementType().isF32())
    o = arith::TruncFOp::create(b, outType.getElementType(), o);
  // row = (b Hq + h) Sq + i.
  Value qi = arith::RemUIOp::create(b, row, queryLen);
  Value bh = arith::DivUIOp::create(b, row, queryLen);
  Value h = arith::RemUIOp::create(b, bh, cst(heads));
  Value bi = arith::DivUIOp::create(b, bh, cst(heads));
  memref::StoreOp::create(b, o, output, ValueRange{bi, h, qi, col});
  if (lse) {
    auto first = scf::IfOp::create(
        b, arith::CmpIOp::create(b, arith::CmpIPredicate::eq, col, cst(0)),
        /*withElseRegion=*/false);
    b.setInsertionPointToStart(&first.getThenRegion().front());
    Value value = arith::MulFOp::create(
        b, arith::AddFOp::create(b, base, fastLog2(b, l)), f32(M_LN2));
    value = arith::SelectOp::create(b, positive, value, negInf);
    Type lseElem = cast<MemRefType>(lse.getType()).getElementType();
    if (!lseElem.isF32())
      value = arith::TruncFOp::create(b, lseElem, value);
    memref::StoreOp::create(b, value, lse, ValueRange{bi, h, qi});
  }
  b.setInsertionPointToEnd(&func.getBody().front());
  gpu::ReturnOp::create(b);
  return func;
}

//===- Fragments.cpp - warp-level building blocks of the GPU kernel -------===//
//
// Register layouts of mma.sync m16n8k16 (PTX ISA, "Matrix Fragments for
// mma.m16n8k16"), for a thread with group g = lane / 4 and t = lane % 4:
//   A (16 x 16, row-major): a0 = (g, 2t..2t+1), a1 = (g + 8, 2t..),
//                           a2 = (g, 2t+8..),   a3 = (g + 8, 2t+8..)
//   B (16 x 8, column):     b0 = (k 2t..2t+1, n g), b1 = (k 2t+8.., n g)
//   C (16 x 8, f32):        c0, c1 = (g, 2t..2t+1), c2, c3 = (g + 8, ..)
// ldmatrix .x4 hands register i of every thread the elements (lane / 4,
// 2 (lane % 4)..) of the i-th 8 x 8 matrix, whose row addresses come from
// lanes 8i..8i+7; .trans hands the transposed pair instead. The address
// patterns below pick the matrices so that the registers come out in the
// A and B orders above.
//
// mma.m16n8k8 .tf32 takes one f32 element per register:
//   A (16 x 8):  a0 = (g, t), a1 = (g + 8, t), a2 = (g, t + 4),
//                a3 = (g + 8, t + 4)
//   B (8 x 8):   b0 = (k t, n g), b1 = (k t + 4, n g)
// An 8 x 8 matrix of 16-bit elements is an 8 x 4 matrix of f32 whose
// element (g, t) lands in register i of lane 4g + t: the same addresses,
// counted in 16-byte chunks, load the TF32 A and B fragments.
//
//===----------------------------------------------------------------------===//

#include "Fragments.h"
#include "FlashShape.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

namespace {
Value cst(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}
Value div(ImplicitLocOpBuilder &b, Value x, int64_t y) {
  return arith::DivUIOp::create(b, x, cst(b, y));
}
Value rem(ImplicitLocOpBuilder &b, Value x, int64_t y) {
  return arith::RemUIOp::create(b, x, cst(b, y));
}
Value mul(ImplicitLocOpBuilder &b, Value x, int64_t y) {
  return arith::MulIOp::create(b, x, cst(b, y));
}
Value add(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::AddIOp::create(b, x, y);
}
} // namespace

LaneCoordinates gpu_lowering::getLaneCoordinates(ImplicitLocOpBuilder &b,
                                                 Value threadId) {
  LaneCoordinates c;
  c.lane = rem(b, threadId, kThreadsPerWarp);
  c.group = div(b, c.lane, 4);
  c.quad = rem(b, c.lane, 4);
  Value low = rem(b, c.lane, 8), octet = div(b, c.lane, 8);
  // Matrix i = lane / 8. A: (rows 0-7 | 8-15) x chunk 0, then chunk 1.
  c.aRow = add(b, low, mul(b, rem(b, octet, 2), 8));
  c.aChunk = div(b, octet, 2);
  // K: keys 0-7 x (chunk 0 | 1), then keys 8-15.
  c.bRow = add(b, low, mul(b, div(b, octet, 2), 8));
  c.bChunk = rem(b, octet, 2);
  return c;
}

Value gpu_lowering::swizzledOffset(ImplicitLocOpBuilder &b, Value row,
                                   Value chunk, int64_t cols,
                                   int64_t chunkElems) {
  int64_t chunks = cols / chunkElems;
  // XOR within aligned groups of `period` chunks keeps every chunk inside
  // the row; 8 chunks (128 bytes) span all 32 banks.
  int64_t period = std::min<int64_t>(8, chunks & -chunks);
  if (period > 1) {
    // Rows that share a 128-byte line (8 / period of them) share a key.
    Value key = rem(b, div(b, row, 8 / period), period);
    chunk = arith::XOrIOp::create(b, chunk, key);
  }
  return add(b, mul(b, row, cols), mul(b, chunk, chunkElems));
}

SmallVector<Value, 4> gpu_lowering::loadMatrices(ImplicitLocOpBuilder &b,
                                                 Value view, Value offset,
                                                 bool transpose) {
  Type elem = cast<MemRefType>(view.getType()).getElementType();
  auto type = VectorType::get({4, 32 / elem.getIntOrFloatBitWidth()}, elem);
  Value all = nvgpu::LdMatrixOp::create(b, type, view, ValueRange{offset},
                                        transpose, /*numTiles=*/4);
  SmallVector<Value, 4> regs;
  for (int64_t i = 0; i < 4; ++i)
    regs.push_back(vector::ExtractOp::create(b, all, ArrayRef<int64_t>{i}));
  return regs;
}

/// mma.sync of `shape` (m, n, k) on `type` operands (32-bit registers)
/// with four f32 accumulators.
static SmallVector<Value, 4> emitMma(ImplicitLocOpBuilder &b,
                                     NVVM::MMATypes type,
                                     ArrayRef<int64_t> shape, ValueRange a,
                                     ValueRange bFrag, ValueRange c) {
  Type f32 = b.getF32Type();
  auto result =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  Value d =
      NVVM::MmaOp::create(b, result, a, bFrag, c, shape,
                          /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt,
                          std::array<NVVM::MMATypes, 2>{type, type},
                          std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                                         NVVM::MMALayout::col});
  SmallVector<Value, 4> out;
  for (int64_t i = 0; i < 4; ++i)
    out.push_back(LLVM::ExtractValueOp::create(b, d, ArrayRef<int64_t>{i}));
  return out;
}

SmallVector<Value, 4> gpu_lowering::mmaSync(ImplicitLocOpBuilder &b,
                                            ValueRange a, ValueRange bFrag,
                                            ValueRange c) {
  Type elem = cast<VectorType>(a.front().getType()).getElementType();
  bool bf16 = elem.isBF16();
  // NVVM takes f16 pairs as vector<2 x f16> and bf16 pairs as i32.
  auto operand = [&](Value v) -> Value {
    if (!bf16)
      return v;
    Value word =
        vector::BitCastOp::create(b, VectorType::get({1}, b.getI32Type()), v);
    return vector::ExtractOp::create(b, word, ArrayRef<int64_t>{0});
  };
  SmallVector<Value> aOps, bOps;
  for (Value v : a)
    aOps.push_back(operand(v));
  for (Value v : bFrag)
    bOps.push_back(operand(v));
  return emitMma(b, bf16 ? NVVM::MMATypes::bf16 : NVVM::MMATypes::f16,
                 {16, 8, 16}, aOps, bOps, c);
}

SmallVector<Value, 4> gpu_lowering::mmaSyncTf32(ImplicitLocOpBuilder &b,
                                                ValueRange a, ValueRange bFrag,
                                                ValueRange c) {
  return emitMma(b, NVVM::MMATypes::tf32, {16, 8, 8}, a, bFrag, c);
}

Value gpu_lowering::toTf32(ImplicitLocOpBuilder &b, Value x) {
  return NVVM::ConvertFloatToTF32Op::create(b, b.getI32Type(), x,
                                            NVVM::FPRoundingMode::RNA);
}

Value gpu_lowering::packPair(ImplicitLocOpBuilder &b, Value x, Value y,
                             Type elem) {
  Value pair = vector::FromElementsOp::create(
      b, VectorType::get({2}, b.getF32Type()), ValueRange{x, y});
  return arith::TruncFOp::create(b, VectorType::get({2}, elem), pair);
}

Value gpu_lowering::quadReduce(ImplicitLocOpBuilder &b, Value v, bool max) {
  for (int32_t offset : {1, 2}) {
    Value other = gpu::ShuffleOp::create(b, v, offset, kThreadsPerWarp,
                                         gpu::ShuffleMode::XOR)
                      .getShuffleResult();
    v = max ? Value(arith::MaximumFOp::create(b, v, other))
            : Value(arith::AddFOp::create(b, v, other));
  }
  return v;
}

Value gpu_lowering::onlineSoftmaxStep(ImplicitLocOpBuilder &b,
                                      ArrayRef<Value> scores, int64_t half,
                                      Value &rowMax, Value &rowSum,
                                      MutableArrayRef<Value> p) {
  Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
  Value negInf = arith::ConstantOp::create(
      b, b.getF32FloatAttr(-std::numeric_limits<float>::infinity()));
  int64_t blocks = scores.size() / 4;
  Value m = rowMax;
  for (int64_t nt = 0; nt < blocks; ++nt)
    for (int64_t e = 0; e < 2; ++e)
      m = arith::MaximumFOp::create(b, m, scores[4 * nt + 2 * half + e]);
  m = quadReduce(b, m, /*max=*/true);
  // A row with no visible key so far keeps m = -inf: subtract 0 instead so
  // that exp2 sees -inf, not NaN.
  Value isEmpty =
      arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, m, negInf);
  Value base = arith::SelectOp::create(b, isEmpty, zero, m);
  Value corr = fastExp2(b, arith::SubFOp::create(b, rowMax, base));
  Value sum = zero;
  for (int64_t nt = 0; nt < blocks; ++nt)
    for (int64_t e = 0; e < 2; ++e) {
      int64_t i = 4 * nt + 2 * half + e;
      p[i] = fastExp2(b, arith::SubFOp::create(b, scores[i], base));
      sum = arith::AddFOp::create(b, sum, p[i]);
    }
  rowSum =
      arith::AddFOp::create(b, arith::MulFOp::create(b, rowSum, corr), sum);
  rowMax = m;
  return corr;
}

Value gpu_lowering::fastExp2(ImplicitLocOpBuilder &b, Value x) {
  return LLVM::CallIntrinsicOp::create(
             b, b.getF32Type(), b.getStringAttr("llvm.nvvm.ex2.approx.f32"),
             ValueRange{x})
      .getResult(0);
}

Value gpu_lowering::fastLog2(ImplicitLocOpBuilder &b, Value x) {
  return LLVM::CallIntrinsicOp::create(
             b, b.getF32Type(), b.getStringAttr("llvm.nvvm.lg2.approx.f"),
             ValueRange{x})
      .getResult(0);
}

Value gpu_lowering::fragmentKey(ImplicitLocOpBuilder &b,
                                const LaneCoordinates &lane, Value k0,
                                int64_t nt) {
  Value twoT =
      arith::MulIOp::create(b, lane.quad, arith::ConstantIndexOp::create(b, 2));
  return arith::AddIOp::create(
      b, k0,
      arith::AddIOp::create(b, twoT,
                            arith::ConstantIndexOp::create(b, 8 * nt)));
}

Value gpu_lowering::fragmentKeyPair(ImplicitLocOpBuilder &b, Value key) {
  return vector::FromElementsOp::create(
      b, VectorType::get({2}, b.getIndexType()),
      ValueRange{key, add(b, key, cst(b, 1))});
}

void gpu_lowering::forEachStoredPair(
    ImplicitLocOpBuilder &b, const LaneCoordinates &lane, int64_t columns,
    function_ref<void(int64_t, Value, int64_t)> store) {
  for (int64_t ot = 0; 8 * ot < columns; ++ot) {
    Value col = add(b, mul(b, lane.quad, 2), cst(b, 8 * ot));
    if (8 * ot + 8 <= columns) {
      store(ot, col, 2);
      continue;
    }
    auto inside =
        scf::IfOp::create(b,
                          arith::CmpIOp::create(b, arith::CmpIPredicate::ult,
                                                col, cst(b, columns)),
                          /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&inside.getThenRegion().front());
    if (columns % 2 == 0) {
      store(ot, col, 2);
      continue;
    }
    // An odd operand: the thread of its last column stores that alone.
    auto whole = scf::IfOp::create(
        b,
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult,
                              add(b, col, cst(b, 1)), cst(b, columns)),
        /*withElseRegion=*/true);
    b.setInsertionPointToStart(&whole.getThenRegion().front());
    store(ot, col, 2);
    b.setInsertionPointToStart(&whole.getElseRegion().front());
    store(ot, col, 1);
  }
}

void gpu_lowering::storeOutputColumns(
    ImplicitLocOpBuilder &b, const WarpTiles &tiles,
    const lowering::KernelConfig &cfg, const lowering::QueryTile &tile,
    Value row,
    function_ref<Value(int64_t ot, Value col, int64_t width)> value) {
  auto inside = scf::IfOp::create(
      b, arith::CmpIOp::create(b, arith::CmpIPredicate::slt, row, cfg.queryLen),
      /*withElseRegion=*/false);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(&inside.getThenRegion().front());
  forEachStoredPair(b, tiles.lane, tiles.shape.inputValueDim,
                    [&](int64_t ot, Value col, int64_t width) {
                      vector::StoreOp::create(
                          b, value(ot, col, width), cfg.output,
                          ValueRange{tile.b, tile.h, row, col});
                    });
}

FailureOr<SmallVector<Value>> gpu_lowering::mapFragmentPairs(
    ImplicitLocOpBuilder &b, ArrayRef<Value> flat,
    function_ref<FailureOr<Value>(Value, int64_t, int64_t)> fn) {
  auto v2 = VectorType::get({2}, b.getF32Type());
  SmallVector<Value> out;
  for (int64_t nt = 0; nt < int64_t(flat.size()) / 4; ++nt)
    for (int64_t half = 0; half < 2; ++half) {
      int64_t i = 4 * nt + 2 * half;
      Value pair = vector::FromElementsOp::create(
          b, v2, ValueRange{flat[i], flat[i + 1]});
      FailureOr<Value> mapped = fn(pair, nt, half);
      if (failed(mapped))
        return failure();
      for (int64_t e = 0; e < 2; ++e)
        out.push_back(
            vector::ExtractOp::create(b, *mapped, ArrayRef<int64_t>{e}));
    }
  return out;
}

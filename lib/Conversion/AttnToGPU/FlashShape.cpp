//===- FlashShape.cpp - the tile shape and shared-memory layout -----------===//
//
// The tile shape of a kernel (how many keys per shared-memory tile fit the
// chip's shared memory next to the Q tile, the ring of K and V buffers
// and relative_position's tables), the element offsets inside those
// tiles, and the kernel's operand list.
//
//===----------------------------------------------------------------------===//

#include "FlashShape.h"
#include "Fragments.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

FailureOr<FlashShape> gpu_lowering::chooseFlashShape(
    AttentionOp op, int64_t queryTile, int64_t keyTile, int64_t sharedLimit,
    bool allowTf32, bool warpgroupMma, bool tensorCopies, bool warpSpecialize) {
  FlashShape s;
  bool f32 = op.getQuery().getType().getElementType().isF32();
  s.contraction = !f32        ? Contraction::HalfMma
                  : allowTf32 ? Contraction::Tf32Mma
                              : Contraction::Fma;
  if (s.contraction == Contraction::HalfMma && warpgroupMma &&
      queryTile % (kWarpgroupWarps * kWarpRows) == 0 &&
      op.getScore() != ScoreKind::multi_dimensional)
    s.contraction = Contraction::WarpgroupMma;
  s.elementBytes = f32 ? 4 : 2;
  s.tensorCopies = s.warpgroupTiles() && tensorCopies && canCopyByTensor(op);
  s.producerWarpgroup = s.tensorCopies && warpSpecialize;
  s.stages = s.producerWarpgroup ? kMaxStages : 2;
  int64_t group = op.getQueryHeads() / op.getKeyValueHeads();
  if (canPackHeads(op) && queryTile % group == 0)
    s.packedHeads = group;
  s.queryTile = queryTile;
  s.keyTile = keyTile;
  s.inputHeadDim = op.getQuery().getType().getDimSize(3);
  s.inputValueDim = op.getValue().getType().getDimSize(3);
  // Warpgroup MMA tiles are whole 128-byte column blocks (64 elements).
  int64_t colAlign = s.warpgroupTiles() ? 64 : 16;
  s.headDim = llvm::alignTo(s.inputHeadDim, colAlign);
  s.valueDim = llvm::alignTo(s.inputValueDim, colAlign);
  s.splitQuery = op.getScore() == ScoreKind::general &&
                 op.getQuery().getType().getElementType().isBF16();
  s.queryInRegisters =
      s.contraction != Contraction::Fma &&
      s.headDim * s.elementBytes * (s.splitQuery ? 2 : 1) <= 256;
  if (std::optional<uint64_t> clip = op.getRelativeClip())
    s.relativeBuckets = 2 * static_cast<int64_t>(*clip) + 1;
  if (std::optional<ArrayRef<int64_t>> radii = op.getGridWindow();
      radii && !op.getPositionOperands().empty())
    s.gridSlots = 2 * (*radii)[0] + 2 * (*radii)[1] + 2;
  if (op.getScore() == ScoreKind::additive)
    s.projectedCols =
        cast<ShapedType>(op.getScoreOperands()[0].getType()).getDimSize(1);
  if (op.getScore() == ScoreKind::multi_dimensional)
    s.projectedCols = s.valueDim;
  auto layout = [&]() {
    int64_t bytes = s.elementBytes;
    int64_t d = s.rowStride(s.headDim), dv = s.rowStride(s.valueDim);
    s.queryOffset = 0;
    s.keyOffset = bytes * s.queryTile * d;
    s.valueOffset = s.keyOffset + s.stages * bytes * s.keyTile * d;
    s.queryLowOffset = s.valueOffset + s.stages * bytes * s.keyTile * dv;
    s.positionOffset =
        s.queryLowOffset + (s.splitQuery ? bytes * s.queryTile * d : 0);
    s.scoreOffset = s.positionOffset +
                    4 * s.queryTile * (2 * s.relativeBuckets + s.gridSlots);
    int64_t scoreFloats =
        s.projectedCols ? (s.queryTile + s.keyTile) * s.projectionStride() : 0;
    s.barrierOffset = llvm::alignTo(s.scoreOffset + 4 * scoreFloats, 8);
    s.sharedBytes = s.barrierOffset + 8 * s.barrierCount();
    // The kernel moves the layout up to the next swizzle atom (the
    // dynamic shared memory is only 16-byte aligned).
    if (s.warpgroupTiles())
      s.sharedBytes += kSwizzleAtomBytes - 16;
  };
  layout();
  // A shallower ring first, then smaller key tiles.
  while (s.sharedBytes > sharedLimit && (s.stages > 2 || s.keyTile > 16)) {
    if (s.stages > 2)
      --s.stages;
    else
      s.keyTile /= 2;
    layout();
  }
  if (s.sharedBytes > sharedLimit)
    return op.emitOpError()
           << "needs " << s.sharedBytes
           << " bytes of shared memory per CTA on the GPU (query-tile = "
           << s.queryTile << ", key-tile = " << s.keyTile
           << ", D = " << s.inputHeadDim << ", Dv = " << s.inputValueDim
           << "), more than the chip's " << sharedLimit
           << "; use a smaller query-tile";
  return s;
}

bool gpu_lowering::canCopyByTensor(AttentionOp op) {
  auto rowBytes = [](Value operand) {
    auto type = cast<ShapedType>(operand.getType());
    return type.getDimSize(3) * type.getElementTypeBitWidth() / 8;
  };
  Normalizer normalizer = op.getNormalizer();
  return !op.getBlockTable() && rowBytes(op.getKey()) % 16 == 0 &&
         rowBytes(op.getValue()) % 16 == 0 &&
         (normalizer == Normalizer::softmax ||
          normalizer == Normalizer::sigmoid || normalizer == Normalizer::none);
}

bool gpu_lowering::canPackHeads(AttentionOp op) {
  auto headIndependent = [](Value operand) {
    return !operand || cast<ShapedType>(operand.getType()).getDimSize(1) == 1;
  };
  Normalizer normalizer = op.getNormalizer();
  return op.getQueryHeads() > op.getKeyValueHeads() &&
         (normalizer == Normalizer::softmax ||
          normalizer == Normalizer::sigmoid ||
          normalizer == Normalizer::none) &&
         op.getScore() != ScoreKind::multi_dimensional && !op.getAlibi() &&
         op.getScoreMod().empty() && op.getMaskMod().empty() &&
         !op.getRelativeClip() && !op.getGaussianWindow() &&
         !op.getGridWindow() && headIndependent(op.getBias()) &&
         headIndependent(op.getMask());
}

Value gpu_lowering::tileOffset(ImplicitLocOpBuilder &b, const FlashShape &shape,
                               Value row, Value chunk, int64_t rows,
                               int64_t cols) {
  auto cst = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  if (shape.warpgroupTiles()) {
    // (chunk / 8, row / 8) picks the atom, (row % 8, chunk % 8 ^ row % 8)
    // the chunk inside it.
    int64_t atomRows = 8, atomChunks = 8;
    int64_t atomElems = kSwizzleAtomBytes / shape.elementBytes;
    int64_t blockElems = rows * atomChunks * shape.chunkElems();
    Value group = arith::DivUIOp::create(b, row, cst(atomRows));
    Value inRow = arith::RemUIOp::create(b, row, cst(atomRows));
    Value block = arith::DivUIOp::create(b, chunk, cst(atomChunks));
    Value inChunk = arith::XOrIOp::create(
        b, arith::RemUIOp::create(b, chunk, cst(atomChunks)), inRow);
    Value at = arith::MulIOp::create(b, block, cst(blockElems));
    at = arith::AddIOp::create(b, at,
                               arith::MulIOp::create(b, group, cst(atomElems)));
    at = arith::AddIOp::create(
        b, at,
        arith::MulIOp::create(b, inRow, cst(atomChunks * shape.chunkElems())));
    return arith::AddIOp::create(
        b, at, arith::MulIOp::create(b, inChunk, cst(shape.chunkElems())));
  }
  if (!shape.paddedRows())
    return swizzledOffset(b, row, chunk, cols, shape.chunkElems());
  return arith::AddIOp::create(
      b, arith::MulIOp::create(b, row, cst(shape.rowStride(cols))),
      arith::MulIOp::create(b, chunk, cst(shape.chunkElems())));
}

Value gpu_lowering::tileElementOffset(ImplicitLocOpBuilder &b,
                                      const FlashShape &shape, Value row,
                                      Value col, int64_t rows, int64_t cols) {
  Value n = arith::ConstantIndexOp::create(b, shape.chunkElems());
  return arith::AddIOp::create(
      b,
      tileOffset(b, shape, row, arith::DivUIOp::create(b, col, n), rows, cols),
      arith::RemUIOp::create(b, col, n));
}

//===- FlashKernel.h - attn.attention as a tensor-core kernel ---*- C++ -*-===//
//
// The GPU lowering of attn.attention is split by purpose:
//   AttnToGpu.cpp     the pass: what is supported, the tile shape, the
//                     launch that replaces the op on the host side;
//   FlashKernel.cpp   the kernel: shared-memory tiles, cp.async copies,
//                     mma.sync fragments, the online softmax;
//   Fragments.cpp     warp-level building blocks: ldmatrix addresses,
//                     the mma.sync instruction, quad reductions.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNEL_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNEL_H

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::attn::gpu_lowering {

/// Rows of one warp's slice of the query tile: the M of mma.sync m16n8k16.
constexpr int64_t kWarpRows = 16;
constexpr int64_t kThreadsPerWarp = 32;

/// The tile shape of one kernel and where its tiles live in shared memory.
struct FlashShape {
  /// Query rows per CTA (one warp per 16) and keys per shared-memory tile.
  int64_t queryTile, keyTile;
  int64_t headDim, valueDim;
  /// Q fragments stay in registers for the whole key loop (head dims up to
  /// 128); larger head dims reload them from shared memory per key tile,
  /// which keeps the accumulators out of local memory.
  bool queryInRegisters;
  /// Byte offsets of Q, the two K and the two V tiles, and the total.
  int64_t queryOffset, keyOffset, valueOffset, sharedBytes;

  int64_t warps() const { return queryTile / kWarpRows; }
  int64_t threads() const { return warps() * kThreadsPerWarp; }
};

/// The tile shape for `op` within `sharedLimit` bytes of shared memory,
/// starting from the requested tiles (the key tile halves until it fits);
/// failure when even 16 keys do not fit.
FailureOr<FlashShape> chooseFlashShape(AttentionOp op, int64_t queryTile,
                                       int64_t keyTile, int64_t sharedLimit);

/// The buffers a kernel reads and writes, in launch order: query, key,
/// value, output, then the optional lse, mask, bias and key lengths.
struct FlashOperands {
  Value query, key, value, output, lse, mask, bias, keyLengths;
  SmallVector<Value> list() const;
};

/// Emits the kernel of `op` into `module` as `name`, taking `operands`
/// (their types; the values are the host's). Fails with a diagnostic on
/// `op` when a region cannot be evaluated on the fragments.
FailureOr<gpu::GPUFuncOp> emitFlashKernel(gpu::GPUModuleOp module,
                                          StringRef name, AttentionOp op,
                                          const FlashShape &shape,
                                          const FlashOperands &operands);

//===----------------------------------------------------------------------===//
// Warp-level building blocks (Fragments.cpp).
//===----------------------------------------------------------------------===//

/// The coordinates of a thread in its warp and the addresses it hands to
/// ldmatrix. m16n8k16 fragments: thread (group g = lane / 4, t = lane % 4)
/// holds rows g and g + 8 and columns 2t, 2t + 1 (+ 8) of a tile.
struct LaneCoordinates {
  Value lane, group, quad;
  /// Row and column of the 8 x 8 matrix row that this lane addresses in an
  /// x4 ldmatrix: A operands (and V, transposed) take rows 0-15 x columns
  /// 0-7 then 8-15; K (B operand of two n-tiles) keys 0-7 x d 0-7, 8-15,
  /// then keys 8-15.
  Value aRow, aCol, bRow, bCol;
};
LaneCoordinates getLaneCoordinates(ImplicitLocOpBuilder &b, Value threadId);

/// Element offset of (row, col) in a row-major [rows, cols] tile of 16-bit
/// elements whose 16-byte chunks are XOR-swizzled by row, so that the 8
/// rows an ldmatrix reads hit distinct banks. `col` is a multiple of 8.
Value swizzledOffset(ImplicitLocOpBuilder &b, Value row, Value col,
                     int64_t cols);

/// ldmatrix .x4 (transposed or not) at `view[offset]`: four 8 x 8
/// matrices, one vector<2 x elem> register each.
SmallVector<Value, 4> loadMatrices(ImplicitLocOpBuilder &b, Value view,
                                   Value offset, bool transpose);

/// One mma.sync m16n8k16 with f32 accumulators: `a` four registers and
/// `bFrag` two (vector<2 x f16|bf16>), `c` the four accumulator elements.
SmallVector<Value, 4> mmaSync(ImplicitLocOpBuilder &b, ValueRange a,
                              ValueRange bFrag, ValueRange c);

/// Two f32 values as one vector<2 x elem> register.
Value packPair(ImplicitLocOpBuilder &b, Value x, Value y, Type elem);

/// exp2 and log2 of an f32 with the special function unit (ex2.approx,
/// lg2.approx: about 2 ulp; exp2(-inf) = 0).
Value fastExp2(ImplicitLocOpBuilder &b, Value x);
Value fastLog2(ImplicitLocOpBuilder &b, Value x);

/// Max (or sum) over the four threads of a quad: the four threads that hold
/// one row of an accumulator fragment.
Value quadReduce(ImplicitLocOpBuilder &b, Value v, bool max);

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNEL_H

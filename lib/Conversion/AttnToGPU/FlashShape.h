//===- FlashShape.h - the tile shape of a kernel ----------------*- C++ -*-===//
//
// What one attention kernel is made of (its contraction, tile sizes,
// warps, K/V ring) and where its tiles live in shared memory
// (FlashShape.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHSHAPE_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHSHAPE_H

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::attn::gpu_lowering {

/// Rows of one warp's slice of the query tile: the M of mma.sync m16n8k16.
constexpr int64_t kWarpRows = 16;
constexpr int64_t kThreadsPerWarp = 32;

/// How a warp computes Q K^T and P V. All three leave the scores and the
/// output accumulator in the accumulator fragments of mma.sync m16n8, so
/// that the variant math and the online softmax are written once.
enum class Contraction {
  /// f16 or bf16 operands: mma.sync m16n8k16.
  HalfMma,
  /// f32 operands rounded to TF32 (10-bit mantissa): mma.sync m16n8k8.
  Tf32Mma,
  /// f32 operands, exact f32 FMAs on the CUDA cores.
  Fma,
  /// f16 or bf16 operands on sm_90a: warpgroup MMA (wgmma.mma_async
  /// m64nNk16), four warps at a time, with A (Q, P) from the registers of
  /// HalfMma and B (K, V) read by the tensor cores from shared memory
  /// through matrix descriptors. Its accumulator layout, seen from one
  /// warp, is mma.sync's, so nothing else changes.
  WarpgroupMma,
};

/// Warps that issue one warpgroup MMA together (64 query rows).
constexpr int64_t kWarpgroupWarps = 4;
constexpr int64_t kWarpgroupThreads = kWarpgroupWarps * kThreadsPerWarp;
/// The deepest K/V ring of a warp-specialised kernel.
constexpr int64_t kMaxStages = 4;
/// The 128-byte swizzle of warpgroup MMA operands repeats every 8 rows of
/// 128 bytes: the alignment of their tiles in shared memory.
constexpr int64_t kSwizzleAtomBytes = 1024;

/// The tile shape of one kernel and where its tiles live in shared memory.
struct FlashShape {
  Contraction contraction;
  /// Bytes of one Q/K/V element (2 or 4).
  int64_t elementBytes;
  /// Query rows per CTA (one warp per 16) and keys per shared-memory tile.
  int64_t queryTile, keyTile;
  /// Columns of the Q/K and V tiles: the operands' head dims
  /// (inputHeadDim, inputValueDim) rounded up to a multiple of 16, what the
  /// contractions step over. The columns past the operands' are copied as
  /// zeros (cp.async zero-fill), so they add nothing to a dot product and
  /// produce output columns that are never stored.
  int64_t headDim, valueDim;
  int64_t inputHeadDim, inputValueDim;
  /// Q fragments stay in registers for the whole key loop (rows up to 256
  /// bytes: f16 head dims up to 128, TF32 up to 64; half that with a split
  /// query); larger rows reload them from shared memory per key tile, which
  /// keeps the accumulators out of local memory. The FMA path always reads
  /// Q from shared memory.
  bool queryInRegisters;
  /// general on bf16: q W goes to the tensor cores as hi + lo, two bf16
  /// tiles (8 bits of mantissa alone move the softmax weights past the
  /// bf16 tolerance); the lo tile follows the V tiles.
  bool splitQuery = false;
  /// relative_position: 2 clip + 1 buckets, whose two f32 tables of
  /// [queryTile, buckets] follow the V tiles (0: none).
  int64_t relativeBuckets = 0;
  /// grid_window with relative tables: 2 ry + 1 + 2 rx + 1 dot products per
  /// query row, one f32 table of [queryTile, gridSlots] after the V tiles
  /// (0: none).
  int64_t gridSlots = 0;
  /// GQA with head-independent variant math (canPackHeads): the G query
  /// heads of one K/V head share the CTA's query tile, so that each K/V
  /// tile is read once for all of them. Packed row p of the tiles of K/V
  /// head kh is query head kh G + p % G, query row p / G. 1: not packed
  /// (one CTA per query head).
  int64_t packedHeads = 1;
  /// additive's attention width A, or multi_dimensional's valueDim: the
  /// columns of the f32 tables of projected rows, q W [queryTile, cols]
  /// and k W [keyTile, cols], after the positional tables (0: none).
  int64_t projectedCols = 0;
  /// The K/V tiles are copied by TMA (cp.async.bulk.tensor), each buffer's
  /// bytes completing on its "full" mbarrier (at barrierOffset).
  bool tensorCopies = false;
  /// Warp specialisation (with tensorCopies): one more warpgroup, the
  /// producer, after the compute warps; its first thread issues every
  /// K/V copy ahead into the ring of `stages` buffers, and the compute
  /// warps (the consumers) hand each buffer back on its "empty" mbarrier
  /// (after the full ones) instead of meeting at a CTA barrier.
  bool producerWarpgroup = false;
  /// K/V buffers in shared memory: 2 (a double buffer), or with a producer
  /// up to kMaxStages, as many as fit.
  int64_t stages = 2;
  /// Byte offsets of Q, the K and the V buffers, Q's lo tile, the
  /// positional tables, the score's tables, the mbarriers, and the total.
  int64_t queryOffset, keyOffset, valueOffset, queryLowOffset, positionOffset,
      scoreOffset, barrierOffset, sharedBytes;

  int64_t warps() const { return queryTile / kWarpRows; }
  /// Elements of one 16-byte chunk (a cp.async copy, an ldmatrix row).
  int64_t chunkElems() const { return 16 / elementBytes; }
  /// Rows of the FMA path's tiles are padded by one chunk instead of
  /// swizzled (see tileOffset).
  bool paddedRows() const { return contraction == Contraction::Fma; }
  /// The tiles of warpgroup MMA are in its canonical 128-byte-swizzled
  /// layout (see tileOffset), from a base aligned to kSwizzleAtomBytes.
  bool warpgroupTiles() const {
    return contraction == Contraction::WarpgroupMma;
  }
  /// Elements from one row of a tile of `cols` columns to the next.
  int64_t rowStride(int64_t cols) const {
    return paddedRows() ? cols + chunkElems() : cols;
  }
  /// The compute threads: those that own query rows (all but the
  /// producer's).
  int64_t threads() const { return warps() * kThreadsPerWarp; }
  /// The threads of a launch, the producer's included.
  int64_t launchThreads() const {
    return threads() + (producerWarpgroup ? kWarpgroupThreads : 0);
  }
  /// Ping-pong: with a producer and two compute warpgroups, the
  /// warpgroups take turns at issuing Q K^T, so that one's softmax runs
  /// while the other's MMAs do.
  bool pingPong() const {
    return producerWarpgroup && warps() == 2 * kWarpgroupWarps;
  }
  /// Intra-warpgroup overlap: with a producer and one compute warpgroup,
  /// the key loop issues the next tile's Q K^T and this tile's P V before
  /// it waits for the scores, so that the tensor cores multiply while the
  /// warps compute the softmax (the ring holds a tile's V until its P V is
  /// done). Not with tables of projected rows (additive), which every tile
  /// rewrites.
  bool overlapsSoftmax() const {
    return producerWarpgroup && !pingPong() && projectedCols == 0;
  }
  /// The mbarriers at barrierOffset: a full one per buffer, and with a
  /// producer an empty one per buffer.
  int64_t barrierCount() const {
    return tensorCopies ? (producerWarpgroup ? 2 : 1) * stages : 0;
  }
  /// Floats from one row of a projected table to the next: one more than
  /// its columns, so that the rows a warp reads at once fall in distinct
  /// banks.
  int64_t projectionStride() const { return projectedCols + 1; }
};

/// The tile shape for `op` within `sharedLimit` bytes of shared memory,
/// starting from the requested tiles (the key tile halves until it fits);
/// failure when even 16 keys do not fit. f32 inputs use TF32 tensor cores
/// when `allowTf32`, else FMAs; f16 and bf16 use warpgroup MMA when
/// `warpgroupMma` (sm_90a), the query tile is a multiple of 64 rows and
/// the kernel contracts on tensor cores (not multi_dimensional), else
/// mma.sync. Warpgroup MMA kernels copy K and V by TMA when
/// `tensorCopies` and canCopyByTensor, from a producer warpgroup when also
/// `warpSpecialize` (the ring gets up to kMaxStages buffers before the key
/// tile shrinks).
FailureOr<FlashShape> chooseFlashShape(AttentionOp op, int64_t queryTile,
                                       int64_t keyTile, int64_t sharedLimit,
                                       bool allowTf32, bool warpgroupMma,
                                       bool tensorCopies, bool warpSpecialize);

/// Whether the K/V tiles of `op`'s kernel can be TMA boxes: dense K and V
/// (no block table) whose rows are multiples of 16 bytes, read in one pass
/// over the keys (softmax, sigmoid or none).
bool canCopyByTensor(AttentionOp op);

/// Element offset of (row, 16-byte chunk) in a shared-memory tile of `rows`
/// x `cols` of `shape`. ldmatrix tiles XOR-swizzle their chunks by row
/// (swizzledOffset); the FMA path pads each row by one chunk instead, which
/// keeps the four rows its lanes read at once in distinct banks and every
/// offset a per-thread base plus a constant. Warpgroup MMA tiles are
/// sequences of 1024-byte atoms of 8 rows x 128 bytes: the 128-byte column
/// blocks outermost (`rows` x 128 bytes each), then the 8-row groups;
/// inside an atom, chunk c of row r sits at chunk c ^ r: the 128-byte
/// swizzle the tensor cores undo from the address bits (PTX ISA, "Shared
/// Memory Matrix Layout"). Each column block is what one TMA box of `rows`
/// x 128 bytes writes with the 128-byte swizzle.
Value tileOffset(ImplicitLocOpBuilder &b, const FlashShape &shape, Value row,
                 Value chunk, int64_t rows, int64_t cols);

/// Element offset of (row, col) for any column of such a tile: its chunk,
/// then inside.
Value tileElementOffset(ImplicitLocOpBuilder &b, const FlashShape &shape,
                        Value row, Value col, int64_t rows, int64_t cols);

/// Whether attn-to-gpu may pack the query heads that share a K/V head into
/// one CTA's rows (FlashShape::packedHeads): GQA whose variant math does
/// not depend on the query head (no ALiBi, score_mod, mask_mod, positional
/// terms, or bias or mask with a head dim), with an elementwise or softmax
/// normaliser and a contraction (not multi_dimensional).
bool canPackHeads(AttentionOp op);

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHSHAPE_H

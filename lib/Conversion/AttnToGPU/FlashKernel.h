//===- FlashKernel.h - attn.attention as a tensor-core kernel ---*- C++ -*-===//
//
// The GPU lowering of attn.attention is split by purpose:
//   AttnToGpu.cpp     the pass: what is supported, the launch that
//                     replaces the op on the host side;
//   FlashShape.cpp    the tile shape and the shared-memory layout;
//   FlashKernel.cpp   the kernel: shared-memory tiles, cp.async copies,
//                     the online softmax on accumulator fragments;
//   Contractions.cpp  a warp's Q K^T and P V on those fragments: f16/bf16
//                     or TF32 tensor cores, or f32 FMAs, or (sm_90a) a
//                     warpgroup's;
//   Warpgroup.cpp     the warpgroup MMA instructions and their shared-memory
//                     descriptors;
//   FragmentScores.cpp  the score functions on those dot products: the
//                     norms of cosine and neg_l2, general's q W;
//   FragmentPositions.cpp  the positional terms on the fragments:
//                     relative_position's tables, local_gaussian's windows,
//                     grid_window's 2-D window and tables;
//   FragmentChoice.cpp  the normalisers that choose keys: hard, topk,
//                     hard_sample;
//   FragmentFeatures.cpp  multi_dimensional's softmax per value feature;
//   TensorCopies.cpp  sm_90a: K/V tiles by TMA on mbarriers;
//   WarpSpecialization.cpp  sm_90a: the producer warpgroup that issues
//                     them, the consumers' register budget and barriers;
//   SplitCombine.cpp  split key ranges: the partials' layout and the kernel
//                     that merges them;
//   Fragments.cpp     warp-level building blocks: ldmatrix addresses,
//                     the mma.sync instruction, quad reductions.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNEL_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNEL_H

#include "../AttnToLoops/AttentionLowering.h"
#include "../AttnToLoops/Positions.h"
#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <memory>

namespace mlir::attn::gpu_lowering {

/// Rows of one warp's slice of the query tile: the M of mma.sync m16n8k16.
constexpr int64_t kWarpRows = 16;
constexpr int64_t kThreadsPerWarp = 32;
/// Threads per CTA of the kernel that merges split key ranges.
constexpr int32_t kCombineThreads = 256;

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

/// The f32 dot product of the first inputHeadDim columns of row `row` of
/// the [rows, headDim] tile at element `base` of `view` with `rhs` (the `n`
/// columns from `col`, as vector<n x f32>; n is a 16-byte chunk's
/// elements, fewer in the chunk the row ends in), one chunk of the row per
/// load; with a null `rhs`, with the row itself (|x|^2).
Value tileRowDot(ImplicitLocOpBuilder &b, const FlashShape &shape, Value view,
                 Value base, int64_t rows, Value row,
                 function_ref<Value(int64_t /*col*/, int64_t /*n*/)> rhs);

/// The f32 tables of projected rows in shared memory
/// (FlashShape::projectedCols): the query tile's, then the key tile's.
std::pair<Value, Value> projectionTables(ImplicitLocOpBuilder &b,
                                         const FlashShape &shape, Value raw);

/// dest[r * projectionStride() + c] = bias[c] + sum_d x[r, d] w[d, c] in
/// f32 for the first `rows` rows x of the [*, headDim] tile at element
/// `base` of `view` and the first `cols` columns, computed by every thread
/// of the CTA (`threadId`), with a barrier after. `bias` may be null.
void projectRows(ImplicitLocOpBuilder &b, const FlashShape &shape,
                 Value threadId, Value view, Value base, int64_t rows, Value w,
                 Value bias, int64_t cols, Value dest);

/// What a kernel reads and writes, in launch order: the buffers query,
/// key, value, output, then the optional lse, mask, bias, key lengths,
/// block table, hard_sample's u [B, Hq, Sq], grid_window's map width (an
/// index), the number of key parts (an index) and the partials buffer, the
/// K and V tensor maps, the score's weights (general's W [D, D]; additive's Wq,
/// Wk [D, A] and va [A]) and the position operands.
struct FlashOperands {
  Value query, key, value, output, lse, mask, bias, keyLengths, blockTable,
      sample, gridWidth;
  /// A split key range: the number of parts (an index; grid x is the query
  /// tiles times the parts) and the f32 buffer of the parts' states
  /// (splitStateLayout), written instead of the output when there is more
  /// than one part. Both null when the op's keys are never split.
  Value keyParts, partials;
  /// TMA copies (FlashShape::tensorCopies): the device addresses of the
  /// tensor maps of K and V (indices).
  Value keyMap, valueMap;
  SmallVector<Value> scoreWeights, positions;
  SmallVector<Value> list() const;
};

/// Where the parts of a split key range leave their online softmax state
/// in the f32 partials buffer, for `slots` = parts * B * Hq * Sq rows
/// (slot ((part * B + b) * Hq + h) * Sq + i): the unnormalised accumulators
/// [slots, Dv] from 0, then (max in log2 units, sum) [slots, 2] from
/// rowStateBase.
struct SplitStateLayout {
  Value slots, rowStateBase;
};
SplitStateLayout splitStateLayout(ImplicitLocOpBuilder &b, Value parts,
                                  Value batch, int64_t heads, Value queryLen,
                                  int64_t valueDim);

/// Whether attn-to-gpu may pack the query heads that share a K/V head into
/// one CTA's rows (FlashShape::packedHeads): GQA whose variant math does
/// not depend on the query head (no ALiBi, score_mod, mask_mod, positional
/// terms, or bias or mask with a head dim), with an elementwise or softmax
/// normaliser and a contraction (not multi_dimensional).
bool canPackHeads(AttentionOp op);

/// Whether attn-to-gpu may split `op`'s key range into parts: the softmax
/// normaliser, whose state merges by log-sum-exp, without relative_clip
/// (whose value term rides on the final maxima) or multi_dimensional. A
/// paged cache splits like a dense one: a part copies only the rows below
/// the key length, and looks up only their pages.
bool canSplitKeys(AttentionOp op);

/// What the kernel that merges split key ranges takes, in launch order:
/// the output, the lse if any, the number of parts and the partials.
SmallVector<Value> splitCombineArgs(const FlashOperands &operands);

/// The kernel that merges the parts of split key ranges into the output
/// and the lse (`operands`' output, lse, keyParts and partials; one thread
/// per output element, 256 per CTA), as `name` in `module`.
gpu::GPUFuncOp emitSplitCombineKernel(gpu::GPUModuleOp module, StringRef name,
                                      AttentionOp op,
                                      const FlashOperands &operands);

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
/// ldmatrix. m16n8 accumulator fragments: thread (group g = lane / 4,
/// t = lane % 4) holds rows g and g + 8 and columns 2t, 2t + 1 of each
/// 8-column block of a tile.
struct LaneCoordinates {
  Value lane, group, quad;
  /// Row and 16-byte chunk (0 or 1) of the 8 x 16-byte matrix row that this
  /// lane addresses in an x4 ldmatrix: A operands (and V, transposed) take
  /// rows 0-15 x chunk 0 then chunk 1; K (B operand of two n-tiles) keys
  /// 0-7 x chunks 0, 1, then keys 8-15.
  Value aRow, aChunk, bRow, bChunk;
};
LaneCoordinates getLaneCoordinates(ImplicitLocOpBuilder &b, Value threadId);

/// The global index of key 2t (the first of the thread's pair) of 8-key
/// block `nt` of the key tile that starts at `k0`.
Value fragmentKey(ImplicitLocOpBuilder &b, const LaneCoordinates &lane,
                  Value k0, int64_t nt);

/// The thread's pair of keys (key, key + 1) as a vector<2 x index>, the
/// keys of the shared variant math (masks, positions).
Value fragmentKeyPair(ImplicitLocOpBuilder &b, Value key);

/// Calls `store(ot, col, width)` for each 8-column block `ot` of an
/// accumulator whose thread pair of columns (col, col + 1 with col = 8 ot +
/// 2t) holds columns of an operand `columns` wide: unconditionally inside
/// it, under a guard in the block that it ends in, never in the padding
/// blocks past it. `width` is 2, or 1 for the last column of an odd
/// `columns` (col + 1 is past the operand).
void forEachStoredPair(
    ImplicitLocOpBuilder &b, const LaneCoordinates &lane, int64_t columns,
    function_ref<void(int64_t ot, Value col, int64_t width)> store);

/// Element offset of (row, 16-byte chunk) in a row-major [rows, cols] tile
/// of `chunkElems`-element chunks, XOR-swizzled by row so that the 8 rows
/// an ldmatrix reads hit distinct banks.
Value swizzledOffset(ImplicitLocOpBuilder &b, Value row, Value chunk,
                     int64_t cols, int64_t chunkElems);

/// ldmatrix .x4 (transposed or not) at `view[offset]`: four matrices of
/// 8 rows x 16 bytes, one 32-bit register each (vector<2 x f16|bf16>, or
/// vector<1 x f32>: element (g, t) of an 8 x 4 f32 matrix).
SmallVector<Value, 4> loadMatrices(ImplicitLocOpBuilder &b, Value view,
                                   Value offset, bool transpose);

/// One mma.sync m16n8k16 with f32 accumulators: `a` four registers and
/// `bFrag` two (vector<2 x f16|bf16>), `c` the four accumulator elements.
SmallVector<Value, 4> mmaSync(ImplicitLocOpBuilder &b, ValueRange a,
                              ValueRange bFrag, ValueRange c);

/// One mma.sync m16n8k8 .tf32 with f32 accumulators: `a` four and `bFrag`
/// two TF32 registers (i32, toTf32), `c` the four accumulator elements.
/// A: a0 (g, t), a1 (g + 8, t), a2 (g, t + 4), a3 (g + 8, t + 4); B:
/// b0 (k t, n g), b1 (k t + 4, n g); C as for m16n8k16.
SmallVector<Value, 4> mmaSyncTf32(ImplicitLocOpBuilder &b, ValueRange a,
                                  ValueRange bFrag, ValueRange c);

/// An f32 rounded to TF32 (cvt.rna.tf32.f32), as the i32 register mma.sync
/// takes.
Value toTf32(ImplicitLocOpBuilder &b, Value x);

/// Two f32 values as one vector<2 x elem> register.
Value packPair(ImplicitLocOpBuilder &b, Value x, Value y, Type elem);

/// exp2 and log2 of an f32 with the special function unit (ex2.approx,
/// lg2.approx: about 2 ulp; exp2(-inf) = 0).
Value fastExp2(ImplicitLocOpBuilder &b, Value x);
Value fastLog2(ImplicitLocOpBuilder &b, Value x);

/// One key tile of the online softmax of row half `half` (row g or g + 8)
/// of the flat score fragments `scores` (log2 units, hidden keys -inf):
/// `rowMax` becomes the running max (the same in the quad), `rowSum` the
/// thread's rescaled partial sum, and `p` takes the half's weights
/// exp2(s - max). Returns the correction exp2(old max - new max) of what
/// was accumulated before.
Value onlineSoftmaxStep(ImplicitLocOpBuilder &b, ArrayRef<Value> scores,
                        int64_t half, Value &rowMax, Value &rowSum,
                        MutableArrayRef<Value> p);

/// Max (or sum) over the four threads of a quad: the four threads that hold
/// one row of an accumulator fragment.
Value quadReduce(ImplicitLocOpBuilder &b, Value v, bool max);

//===----------------------------------------------------------------------===//
// Warpgroup MMA (Fragments.cpp).
//===----------------------------------------------------------------------===//

/// A shared-memory matrix descriptor (an i64) of a 128-byte-swizzled
/// operand at shared address `address` (an index), with the leading and
/// stride byte offsets of PTX's canonical layouts: K-major, `strideBytes`
/// from one 8-row group to the next (`leadingBytes` unused); MN-major,
/// `leadingBytes` from one 64-element block of M or N to the next and
/// `strideBytes` from one group of 8 k rows to the next.
Value matrixDescriptor(ImplicitLocOpBuilder &b, Value address,
                       int64_t leadingBytes, int64_t strideBytes);
/// `acc` += A B by one wgmma.mma_async.sync.aligned.m64n<N>k16.f32 with
/// N = acc.size() * 2 (the thread's accumulator fragments, in mma.sync's
/// order), `a` the warp's four A registers of HalfMma (vector<2 x f16 |
/// bf16>) and `descB` B's descriptor, K-major or, with `transposeB`,
/// MN-major. It is issued, not waited for: see warpgroupWait.
SmallVector<Value> warpgroupMma(ImplicitLocOpBuilder &b, ArrayRef<Value> acc,
                                ArrayRef<Value> a, Value descB,
                                bool transposeB);
/// wgmma.fence before the MMAs of a group, which read `registers` (their
/// accumulators and A registers, written by other instructions): returns
/// them as defined before the fence (pinned by an empty inline PTX
/// statement), so that no write of theirs moves past it. Then
/// commit_group and wait_group 0 after the MMAs: `acc` passes through the
/// wait, so that nothing reads an accumulator before the tensor cores have
/// written it.
SmallVector<Value> warpgroupFence(ImplicitLocOpBuilder &b,
                                  ArrayRef<Value> registers);
SmallVector<Value> warpgroupWait(ImplicitLocOpBuilder &b, ArrayRef<Value> acc);

/// What the inline PTX of warpgroupMma says, for attn-emulate-gpu; its
/// operands are the N / 2 accumulators, the four A registers (i32) and the
/// descriptor.
struct WarpgroupMmaAsm {
  int64_t n;
  bool bf16, transposeB;
};
std::optional<WarpgroupMmaAsm> parseWarpgroupMmaAsm(StringRef text);
/// Whether `text` is the inline PTX of warpgroupWait or of the pinning of
/// warpgroupFence (their results are their operands).
bool isWarpgroupPassThroughAsm(StringRef text);

//===----------------------------------------------------------------------===//
// TMA copies (TensorCopies.cpp). Addresses are indices: shared-window
// addresses in the kernel, device addresses for the tensor maps.
//===----------------------------------------------------------------------===//

/// Where one kernel's TMA copies go: the tensor maps of K and V, the
/// shared addresses of the layout and of its mbarriers, and the CTA's K/V
/// head and batch.
struct TensorCopyPlan {
  const FlashShape &shape;
  Value keyMap, valueMap, sharedAddress, barriers, kvHead, batch;

  /// Shared address of buffer `buf`'s full mbarrier (its tile's bytes
  /// have landed) and, with a producer, of its empty one (every consumer
  /// is done reading it).
  Value fullBarrier(ImplicitLocOpBuilder &b, Value buf) const;
  Value emptyBarrier(ImplicitLocOpBuilder &b, Value buf) const;
};

/// mbarrier.init of the plan's mbarriers (FlashShape::barrierCount): the
/// full ones wait for one arrival (the copying thread's), the empty ones
/// for one per compute thread; then the fence that makes them visible to
/// the tensor copies.
void initTensorCopyBarriers(ImplicitLocOpBuilder &b,
                            const TensorCopyPlan &plan);
/// fence.proxy.tensormap::generic.acquire of the tensor map at `map`: the
/// tensor copies of the thread see the map as the host copied it to
/// device memory.
void acquireTensorMap(ImplicitLocOpBuilder &b, Value map);
/// From one thread: arms buffer `buf`'s full mbarrier with the bytes of
/// the K/V tile at key `k0` and issues its boxes into the buffer (K at
/// element `keyBase` of the K buffers, V at `valueBase` of the V ones).
void copyKeyValueBoxes(ImplicitLocOpBuilder &b, const TensorCopyPlan &plan,
                       Value k0, Value buf, Value keyBase, Value valueBase);
/// Waits until the phase of `barrier` of parity `parity` (an index, 0 or
/// 1) has completed.
void waitBarrierPhase(ImplicitLocOpBuilder &b, Value barrier, Value parity);
/// One arrival of the calling thread on `barrier`, which releases its
/// earlier reads of shared memory to the threads that wait on it.
void arriveOnBarrier(ImplicitLocOpBuilder &b, Value barrier);
/// Host: the device address (an index) of a tensor map of the rank-4
/// `buffer` with boxes of `boxRows` x `boxCols` (dims 2 and 3), made by the
/// CUDA runtime's attnCudaTensorMap, which `module` declares.
Value makeTensorMap(ImplicitLocOpBuilder &b, ModuleOp module, Value buffer,
                    int64_t boxRows, int64_t boxCols);

//===----------------------------------------------------------------------===//
// Warp specialisation (WarpSpecialization.cpp).
//===----------------------------------------------------------------------===//

/// Splits the kernel by role at the current point, which every thread
/// reaches after the mbarriers are initialised: the producer warpgroup
/// gives up registers and its first thread copies the key tiles
/// [begin, end) (step keyTile) into the ring, waiting for each buffer on
/// its empty mbarrier; the compute warps take the registers and continue
/// after the returned op, whose else region the builder is left in.
scf::IfOp splitProducerWarpgroup(ImplicitLocOpBuilder &b,
                                 const TensorCopyPlan &plan, Value threadId,
                                 Value begin, Value end,
                                 function_ref<Value(Value)> keyBase,
                                 function_ref<Value(Value)> valueBase);
/// The CTA barriers of the compute warps in `consumers` become barriers
/// of those warps alone (a named barrier with their thread count): the
/// producer never reaches them.
void restrictBarriersToConsumers(Region &consumers, const FlashShape &shape);
/// Ping-pong (FlashShape::pingPong): each compute warpgroup has a named
/// barrier of the two warpgroups' threads; a warpgroup waits at its own
/// before it issues Q K^T (waitForMmaTurn) and arrives at the other's once
/// its MMAs are done (passMmaTurn). startPingPong, at the start of the
/// compute warps, gives warpgroup 0 the first turn.
void startPingPong(ImplicitLocOpBuilder &b, const FlashShape &shape,
                   Value threadId);
void waitForMmaTurn(ImplicitLocOpBuilder &b, const FlashShape &shape,
                    Value threadId);
void passMmaTurn(ImplicitLocOpBuilder &b, const FlashShape &shape,
                 Value threadId);
/// The per-thread register counts that setmaxnreg gives the producer and
/// the compute warpgroups of `shape`, or nullopt where the compute warps
/// already get as many at launch.
std::optional<std::pair<int64_t, int64_t>>
registerBudgets(const FlashShape &shape);

//===----------------------------------------------------------------------===//
// A warp's contractions (Contractions.cpp).
//===----------------------------------------------------------------------===//

/// What a contraction reads: the shape, the lane, the warp's first row in
/// the query tile and the shared-memory views of the Q, K and V tiles.
struct WarpTiles {
  const FlashShape &shape;
  LaneCoordinates lane;
  Value warpRow0;
  Value query, key, value;
  /// The lo tile of a split query (FlashShape::splitQuery), or null.
  Value queryLow = {};
  /// Warpgroup MMA: the shared-memory address (an index) of byte 0 of the
  /// layout, where the Q tile starts; null otherwise.
  Value sharedAddress = {};
};

/// Stores `value(ot, col, width)`, a vector<width x output type>, at each
/// of the thread's stored column groups of output row `row` of the CTA's
/// (batch, head) in cfg.output, when the row is inside the sequence
/// (forEachStoredPair: width 1 for the last column of an odd Dv).
void storeOutputColumns(
    ImplicitLocOpBuilder &b, const WarpTiles &tiles,
    const lowering::KernelConfig &cfg, const lowering::QueryTile &tile,
    Value row, function_ref<Value(int64_t ot, Value col, int64_t width)> value);

/// Q K^T and P V of one warp on accumulator fragments: scores and weights
/// are flat, four elements per 8 keys (c0, c1 of row g, c2, c3 of row
/// g + 8); the accumulator likewise, four per 8 value columns.
class WarpContraction {
public:
  /// The contraction of `tiles.shape`; `splitWeights` sends bf16 weights
  /// as hi + lo (two mma.sync) for normalisers whose weights do not sum
  /// to one.
  static std::unique_ptr<WarpContraction>
  create(ImplicitLocOpBuilder &b, const WarpTiles &tiles, bool splitWeights);
  virtual ~WarpContraction() = default;

  /// Once Q is in shared memory: keeps its fragments in registers when the
  /// shape says so.
  virtual void loadQuery() {}
  /// The warp's scores against the key tile at element `keyBase` of the K
  /// view: keyTile / 8 fragments.
  virtual SmallVector<Value> scores(Value keyBase) = 0;
  /// `acc` + P V with the weights `p` (the layout of scores) and the value
  /// tile at element `valueBase` of the V view.
  virtual SmallVector<Value> accumulate(ArrayRef<Value> acc, ArrayRef<Value> p,
                                        Value valueBase) = 0;

protected:
  WarpContraction(ImplicitLocOpBuilder &b, const WarpTiles &tiles)
      : b(b), t(tiles) {}
  ImplicitLocOpBuilder &b;
  WarpTiles t;
};

//===----------------------------------------------------------------------===//
// Score functions on the fragments (FragmentScores.cpp).
//===----------------------------------------------------------------------===//

/// The score functions on a warp's Q K^T fragments. dot is what the
/// contraction computes; cosine and neg_l2 combine those dot products with
/// a term per query row (from the Q tile, once per CTA) and one per key
/// (from each K tile); general replaces the Q tile by q W before the key
/// loop, so the contraction computes q W k; compositional combines them
/// with the L1 distances of the thread's (row, key) pairs, from the Q and K
/// tiles; additive ignores them: its scores come from the tables q Wq and
/// k Wk in shared memory. The scale comes after, with the score changes,
/// except for compositional, whose weights take it inside (scaled()).
class FragmentScore {
public:
  /// `weights`: the op's score operands; `raw`: the dynamic shared memory;
  /// `threadId`: the thread's index in the CTA; `scale`: the op's scale.
  FragmentScore(ImplicitLocOpBuilder &b, const WarpTiles &tiles, ScoreKind kind,
                ValueRange weights, Value raw, Value threadId, float scale);

  /// Once Q is in shared memory, before the contraction reads it.
  void prepareQuery();
  /// Once the key tile at element `keyBase` of the K view is in shared
  /// memory, before its scores.
  void prepareKeys(Value keyBase);
  /// The scores of the pair of dot products `pair` (vector<2 x f32>: row
  /// g + 8 `half`, keys 2t, 2t + 1 of 8-key block `nt`), unscaled unless
  /// scaled().
  Value finish(Value pair, int64_t nt, int64_t half);
  /// Whether finish() has applied the scale already.
  bool scaled() const { return kind == ScoreKind::compositional; }

private:
  /// Whether the score has a term per row and per key.
  bool hasNormTerms() const {
    return kind == ScoreKind::cosine || kind == ScoreKind::neg_l2;
  }
  /// The term of a row or key from its |x|^2: 1 / |x| (cosine) or |x|^2.
  Value normTerm(Value squares);
  /// |x|^2 in f32 of row `row` of the tile of `rows` rows at element `base`
  /// of `view`.
  Value sumOfSquares(Value view, Value base, int64_t rows, Value row);
  /// Element offset of (row, col) in the Q tile.
  Value queryElement(Value row, Value col);
  /// general: the warp's rows of the Q tile become q W, in place.
  void projectQuery();
  /// The local rows of the thread's fragment rows g, g + 8 in the Q tile,
  /// and its local keys 8 nt + 2t + e in the key tile, in the order of the
  /// flat fragments (nt, e).
  SmallVector<Value, 2> localRows();
  SmallVector<Value> localKeys();
  /// Per (row half, key) of the thread's fragments of the key tile at
  /// `keyBase`: additive's scores, from the projected tables.
  SmallVector<Value> additiveScores();
  /// ... and compositional's L1 distances |q - k|_1, from the Q and K
  /// tiles.
  SmallVector<Value> distances(Value keyBase);

  ImplicitLocOpBuilder &b;
  WarpTiles t;
  ScoreKind kind;
  /// general's W [D, D]; additive's Wq, Wk [D, A] and va [A].
  SmallVector<Value, 3> weights;
  Value threadId;
  float scale;
  /// The terms of the thread's rows g, g + 8, and of its keys 2t, 2t + 1
  /// of each 8-key block (two per block).
  Value rowTerms[2];
  SmallVector<Value> keyTerms;
  /// additive: the f32 tables q Wq and k Wk in shared memory.
  Value projectedQuery, projectedKeys;
  /// The current key tile's additive scores or compositional distances, in
  /// the layout of the flat fragments.
  SmallVector<Value> tileTerms;
};

//===----------------------------------------------------------------------===//
// Positional terms on the fragments (FragmentPositions.cpp).
//===----------------------------------------------------------------------===//

/// relative_position, local_gaussian and grid_window on a thread's
/// fragments, with the math of lib/Conversion/AttnToLoops/Positions.cpp
/// (lowering::relativeSlot, gaussianWindow, gaussianFactor, gridWindow,
/// gridNeighbours) on global (row, key) indices. Every hook is a no-op when
/// the op has none of the terms. Positional terms come with the softmax
/// normaliser only.
class FragmentPositions {
public:
  /// `rows`: the global query rows of the thread's fragment rows g, g + 8
  /// (clamped into the sequence); `raw`: the dynamic shared memory;
  /// `gridWidth`: grid_window's map width (null without grid_window).
  FragmentPositions(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
                    const lowering::KernelConfig &cfg, ArrayRef<Value> rows,
                    Value raw, Value gridWidth);
  bool hasRelative() const { return clip >= 0; }
  bool hasGaussian() const { return window >= 0; }
  bool hasGrid() const { return bool(gridWidth); }

  /// Before the key range is computed: local_gaussian's windows of the
  /// thread's rows, and the union and intersection of the CTA's rows'
  /// windows in `tile`; grid_window's head dilation and the band of map
  /// rows the CTA's positions reach.
  void prepareTile(lowering::QueryTile &tile);
  /// Once Q is in shared memory: the q . aK_t table of relative_position,
  /// or the q . rows and q . cols table of grid_window, for the warp's
  /// rows.
  void prepareQuery();
  /// Adds q . aK_r (relative_position) or q . rows[h, a] + q . cols[h, c]
  /// (grid_window's tables) to the pair of dot products `pair` (keys
  /// `key`, + 1, row half `half`), before the scale.
  Value addToScore(Value pair, Value key, int64_t half);
  /// The visibility of the keys `keys` (vector<2 x index>) for row half
  /// `half` under the Gaussian window or the grid window, or null.
  Value visibility(Value keys, int64_t half);
  /// The weights of V from the softmax weights `pair`: times the Gaussian
  /// factor.
  Value valueWeights(Value pair, Value keys, int64_t half);

  /// Loop-carried state of the value-side relative term: the thread's
  /// partial weights of buckets 0 and 2 clip, per row half.
  SmallVector<Value> initialState();
  void setState(ValueRange state) { edges.assign(state.begin(), state.end()); }
  ArrayRef<Value> state() const { return edges; }
  /// After the online softmax of row half `half` of the key tile at k0:
  /// rescales the edge weights by `corr` and adds `p`, and records the
  /// scores (log2 units, hidden keys -inf) of the inner buckets, one key
  /// each.
  void accumulate(int64_t half, Value corr, Value k0, ArrayRef<Value> scores,
                  ArrayRef<Value> p);
  /// After the key loop: acc += sum_t w_t aV_t per row, with `rowMax` the
  /// rows' final maxima (log2 units) and acc unnormalised.
  void finish(SmallVectorImpl<Value> &acc, ArrayRef<Value> rowMax);

private:
  /// Element of (local row `r`, bucket `t`) in a relative table.
  Value tableElement(Value r, Value t);
  /// Lane l computes the entries l, l + 32, ... of the warp's 16 rows x
  /// `count` dot products q_r . table[prefix..., t] (f32, from the Q tile)
  /// and stores each at dest[r * stride + offset + t], then calls `also`
  /// with that element (may be null).
  void storeRowDots(Value table, ValueRange prefix, int64_t count, Value dest,
                    int64_t stride, int64_t offset,
                    function_ref<void(Value)> also);
  /// A [queryTile, slots] f32 table at `byteOffset` of the positional
  /// part of shared memory.
  Value sharedTable(Value raw, int64_t byteOffset, int64_t slots);
  /// The bucket of key `key` for row half `half`.
  Value bucket(Value key, int64_t half);

  ImplicitLocOpBuilder &b;
  WarpTiles t;
  const lowering::KernelConfig &cfg;
  Value rowIdx[2], localRow[2];
  int64_t clip = -1, window = -1;
  float sigma = 0;
  /// relative_position: [queryTile, 2 clip + 1] f32 tables in shared
  /// memory, q . aK_t and the scores of the inner buckets.
  Value relKeys, relScores;
  SmallVector<Value> edges;
  /// local_gaussian: the centre and the window [lo, hi] of each row half.
  Value center[2], lo[2], hi[2];
  /// grid_window: the map width, the head's window, the positions of the
  /// row halves, and the [queryTile, gridSlots] table of q . rows[h, t]
  /// (slots [0, 2 ry]) and q . cols[h, t] (slots 2 ry + 1 on), or null.
  Value gridWidth, head;
  lowering::GridWindow grid;
  Value gridPos[2];
  Value gridDots;
};

//===----------------------------------------------------------------------===//
// The normalisers that choose keys (FragmentChoice.cpp).
//===----------------------------------------------------------------------===//

/// hard, topk and hard_sample on a thread's fragments. None multiplies P V
/// in the key loop: the thread keeps per row half what it has chosen among
/// the keys it holds (2t, 2t + 1 of every 8-key block, visited in
/// increasing j), the quad merges its four choices after the key loop, and
/// each thread reads its columns of the chosen value rows from global
/// memory. The choices follow the rules of the CPU lowering
/// (lowering::hardPrefers, lowering::insertStep).
class FragmentSelection {
public:
  /// The selection of `cfg.op`'s normaliser for the CTA's `tile`, or null
  /// for the other normalisers. `rows`: the global rows of the thread's
  /// fragment rows g, g + 8 (clamped into the sequence).
  static std::unique_ptr<FragmentSelection>
  create(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
         const lowering::KernelConfig &cfg, const lowering::QueryTile &tile,
         ArrayRef<Value> rows);
  virtual ~FragmentSelection() = default;

  /// Passes over the key tiles (hard_sample: the softmax's max and sum,
  /// then its CDF).
  virtual unsigned passes() const { return 1; }
  /// The loop-carried state of pass `pass`, from the final state of the
  /// pass before (empty for the first).
  virtual SmallVector<Value> initialState(unsigned pass,
                                          ValueRange previous) = 0;
  /// The state after the flat scores of the key tile at k0 (hidden keys
  /// -inf).
  virtual SmallVector<Value> update(unsigned pass, ValueRange state,
                                    ArrayRef<Value> scores, Value k0) = 0;
  /// After the last pass: merges the quad's choices and writes the
  /// thread's columns of output rows `rows` (those below cfg.queryLen).
  virtual void storeRows(ValueRange state, ArrayRef<Value> rows) = 0;

protected:
  FragmentSelection(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
                    const lowering::KernelConfig &cfg,
                    const lowering::QueryTile &tile)
      : b(b), t(tiles), cfg(cfg), tile(tile) {}
  /// The global key of element `e` (0, 1) of the thread's pair in 8-key
  /// block `nt` of the tile at k0, as an i32.
  Value keyOf(Value k0, int64_t nt, int64_t e);
  /// Columns [col, col + width) of value row `key` (an index), read only
  /// where `read` holds, zeros elsewhere (with no key there may be no row
  /// to read: an empty or paged cache).
  Value loadValueColumns(Value read, Value key, Value col, int64_t width);
  /// The output rows `rows` as copies of value rows `keys` (i32 per row
  /// half; negative: no key, zeros).
  void storeChosenRows(ArrayRef<Value> rows, ArrayRef<Value> keys);

  ImplicitLocOpBuilder &b;
  WarpTiles t;
  const lowering::KernelConfig &cfg;
  const lowering::QueryTile &tile;
};

//===----------------------------------------------------------------------===//
// multi_dimensional's softmax per feature (FragmentFeatures.cpp).
//===----------------------------------------------------------------------===//

/// multi_dimensional on a thread's accumulator layout: per fragment row and
/// output column a sum and an accumulator over the keys, from the f32
/// tables q W1 + b and k W2 in shared memory and the V tiles.
class FragmentFeatureSoftmax {
public:
  /// `raw`: the dynamic shared memory; `threadId`: the thread's index in
  /// the CTA; `rows`: the global rows of the thread's fragment rows g,
  /// g + 8 (clamped into the sequence).
  FragmentFeatureSoftmax(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
                         const lowering::KernelConfig &cfg,
                         const lowering::QueryTile &tile, Value raw,
                         Value threadId, ArrayRef<Value> rows);
  /// Once Q is in shared memory: q W1 + b, the thread's part in registers.
  void prepareQuery();
  /// Loop-carried: the accumulators, then the sums, each in the layout of
  /// the output accumulator.
  SmallVector<Value> initialState();
  /// The state after the key tile at k0 (K and V at elements `keyBase`,
  /// `valueBase` of their views); keys at or past `keyEnd` are hidden.
  SmallVector<Value> update(ValueRange state, Value k0, Value keyBase,
                            Value valueBase, Value keyEnd);
  /// Writes the thread's columns of output rows `rows` (those below
  /// cfg.queryLen): acc / l, or zeros where no key was visible.
  void storeRows(ValueRange state, ArrayRef<Value> rows);

private:
  /// 8-column blocks of the padded Dv.
  int64_t blocks() const;
  /// Column 8 ot + 2t + c of the output (and of the tables).
  Value tableColumn(int64_t ot, int64_t c);

  ImplicitLocOpBuilder &b;
  WarpTiles t;
  const lowering::KernelConfig &cfg;
  const lowering::QueryTile &tile;
  Value threadId;
  SmallVector<Value, 2> rows;
  Value queryTable, keyTable;
  /// The thread's entries of q W1 + b: (half * blocks + ot) * 2 + c.
  SmallVector<Value> projectedQuery;
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNEL_H

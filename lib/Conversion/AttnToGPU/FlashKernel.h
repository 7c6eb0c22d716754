//===- FlashKernel.h - attn.attention as a tensor-core kernel ---*- C++ -*-===//
//
// The GPU lowering of attn.attention is split by purpose:
//   AttnToGpu.cpp     the pass: what is supported, the launch that
//                     replaces the op on the host side;
//   FlashShape.cpp    the tile shape and the shared-memory layout;
//   FlashKernel.cpp   the kernel: its key loop and the online softmax
//                     on accumulator fragments (the emitter's methods:
//                     FlashKernelEmitter.h; its copies into shared memory
//                     in FlashKernelCopies.cpp, score changes and masks in
//                     FlashKernelScores.cpp, stores in FlashKernelOutput.cpp);
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
// FlashShape, Fragments, Warpgroup, Contractions, the Fragment* files,
// TensorCopies and WarpSpecialization declare what they define in a header
// of their name; this one declares the kernel (FlashKernel.cpp) and the
// merge of split key ranges (SplitCombine.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNEL_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNEL_H

#include "FlashShape.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::attn::gpu_lowering {

/// Threads per CTA of the kernel that merges split key ranges.
constexpr int32_t kCombineThreads = 256;

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

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNEL_H

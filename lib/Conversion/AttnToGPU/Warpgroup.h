//===- Warpgroup.h - warpgroup MMA instructions -----------------*- C++ -*-===//
//
// sm_90a: wgmma.mma_async on accumulator fragments and the shared-memory
// matrix descriptors of its B operand (Warpgroup.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_WARPGROUP_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_WARPGROUP_H

#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <optional>

namespace mlir::attn::gpu_lowering {

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
/// statement), so that no write of theirs moves past it.
SmallVector<Value> warpgroupFence(ImplicitLocOpBuilder &b,
                                  ArrayRef<Value> registers);
/// wgmma.commit_group: the MMAs issued since the last commit become a
/// group, which wait_group counts.
void warpgroupCommit(ImplicitLocOpBuilder &b);
/// wgmma.wait_group `pending`: waits until at most `pending` committed
/// groups are in flight (groups complete in order). `acc`, the
/// accumulators of a group that has completed then, passes through the
/// wait, so that nothing reads them before the tensor cores have written
/// them.
SmallVector<Value> warpgroupWait(ImplicitLocOpBuilder &b, ArrayRef<Value> acc,
                                 int64_t pending = 0);

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

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_WARPGROUP_H

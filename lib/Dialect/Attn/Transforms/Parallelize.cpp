//===- Parallelize.cpp - linalg ops around the fused nests on threads -----===//
//
// attn-parallelize: the linalg ops on tensors that decompositions and model
// graphs put around the fused attention (projections, pooling, gates,
// rescales) run on one thread once lowered to loops. Tiling each one by 1
// along its parallel loops, innermost loop excluded, gives an scf.forall
// whose iterations are independent rows; after bufferization it becomes
// the scf.parallel that OpenMP distributes.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNPARALLELIZE
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
/// Tile sizes for `op`: 1 on every parallel loop but the innermost loop, 0
/// (not tiled) elsewhere; empty when nothing would be distributed.
SmallVector<OpFoldResult> rowTileSizes(OpBuilder &b, linalg::LinalgOp op,
                                       int64_t minLoops) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  int64_t numLoops = static_cast<int64_t>(iterators.size());
  if (numLoops < minLoops)
    return {};
  SmallVector<OpFoldResult> sizes(numLoops, b.getIndexAttr(0));
  bool any = false;
  for (int64_t i = 0; i + 1 < numLoops; ++i) {
    if (iterators[i] != utils::IteratorType::parallel)
      continue;
    sizes[i] = b.getIndexAttr(1);
    any = true;
  }
  return any ? sizes : SmallVector<OpFoldResult>();
}

struct AttnParallelizePass
    : mlir::attn::impl::AttnParallelizeBase<AttnParallelizePass> {
  using AttnParallelizeBase::AttnParallelizeBase;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      // Only top-level ops on tensors: not the tiles this pass makes, and
      // not ops already inside loops of their own.
      // Their indexing maps must be projected permutations: a tile of
      // such an op reads slices whose sizes follow from the tile's alone.
      if (op.hasPureTensorSemantics() &&
          !op->getParentOfType<LoopLikeOpInterface>() &&
          llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
            return map.isProjectedPermutation();
          }))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      rewriter.setInsertionPoint(op);
      SmallVector<OpFoldResult> sizes = rowTileSizes(rewriter, op, minLoops);
      if (sizes.empty())
        continue;
      scf::SCFTilingOptions options;
      options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp)
          .setTileSizes(sizes);
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled)) {
        op->emitOpError() << "could not be distributed by attn-parallelize";
        return signalPassFailure();
      }
      rewriter.replaceOp(op, tiled->replacements);
    }
  }
};
} // namespace

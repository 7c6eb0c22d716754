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

#include "attn/Dialect/Attn/Transforms/ContractionLayout.h"
#include "attn/Dialect/Attn/Transforms/DynamicReshape.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNPARALLELIZE
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
/// Tile sizes for `op`: 1 on every parallel loop but the innermost loop, 0
/// (not tiled) elsewhere; empty when nothing would be distributed. A
/// contraction that attn-tile-contractions lowers to register tiles gets
/// `contractionRows` rows per tile instead, so that each tile has rows for
/// the register tiles to block, and its column loop in blocks of
/// `contractionColumns` (whole when it is no longer), so that a few rows
/// (a short sequence) still make work for every thread.
SmallVector<OpFoldResult> rowTileSizes(OpBuilder &b, linalg::LinalgOp op,
                                       int64_t minLoops,
                                       int64_t contractionRows,
                                       int64_t contractionColumns) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  int64_t numLoops = static_cast<int64_t>(iterators.size());
  if (numLoops < minLoops)
    return {};
  int64_t columnLoop = numLoops - 1, rowLoop = -1, columnTile = 0;
  FailureOr<attn::ContractionLayout> layout = attn::matchContractionLayout(op);
  if (succeeded(layout)) {
    columnLoop = layout->columnLoop;
    rowLoop = layout->rowLoop;
    int64_t columns = op.getStaticLoopRanges()[columnLoop];
    if (ShapedType::isDynamic(columns) || columns > contractionColumns)
      columnTile = contractionColumns;
  }
  SmallVector<OpFoldResult> sizes(numLoops, b.getIndexAttr(0));
  bool any = false;
  for (int64_t i = 0; i < numLoops; ++i) {
    if (iterators[i] != utils::IteratorType::parallel)
      continue;
    int64_t size = i == rowLoop      ? contractionRows
                   : i == columnLoop ? columnTile
                                     : 1;
    sizes[i] = b.getIndexAttr(size);
    any |= size != 0;
  }
  return any ? sizes : SmallVector<OpFoldResult>();
}

/// The m loops of a contraction that run consecutively, in order, just
/// before its row loop in the output and in the left operand, and in no
/// other order anywhere: those fold into the row loop. PyTorch's exporter
/// writes projections on `[S, B, E]`, whose row loop (the last m loop, B)
/// may be 1 while S holds every row; folded, the rows are S * B.
ReassociationIndices foldableRowLoops(linalg::LinalgOp op,
                                      const attn::ContractionLayout &layout) {
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims))
    return {};
  AffineMap out = op.getIndexingMapsArray()[2];
  std::optional<unsigned> at =
      out.getResultPosition(getAffineDimExpr(layout.rowLoop, op.getContext()));
  ReassociationIndices group = {int64_t(layout.rowLoop)};
  for (int64_t pos = int64_t(*at) - 1; pos >= 0; --pos) {
    unsigned loop = cast<AffineDimExpr>(out.getResult(pos)).getPosition();
    if (loop + 1 != group.front() || !llvm::is_contained(dims->m, loop))
      break;
    group.insert(group.begin(), loop);
  }
  if (group.size() < 2 ||
      !linalg::areDimSequencesPreserved(op.getIndexingMapsArray(), {group}))
    return {};
  return group;
}

/// Folds the row loops of foldableRowLoops into one; the operands are
/// reshaped (tensor.collapse_shape, free on the contiguous tensors of a
/// graph) and a linalg.fill of the output is refolded onto the collapsed
/// shape so that the tiles still fuse it.
void foldRowLoops(RewriterBase &rewriter, linalg::LinalgOp op) {
  FailureOr<attn::ContractionLayout> layout = attn::matchContractionLayout(op);
  if (failed(layout))
    return;
  ReassociationIndices group = foldableRowLoops(op, *layout);
  if (group.empty())
    return;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::CollapseResult> collapsed =
      linalg::collapseOpIterationDims(op, {group}, rewriter);
  if (failed(collapsed))
    return;
  rewriter.replaceOp(op, collapsed->results);
  linalg::LinalgOp folded = collapsed->collapsedOp;
  for (Value result : collapsed->results)
    if (auto expand = result.getDefiningOp<tensor::ExpandShapeOp>();
        expand && attn::splitsIntoDynamicSizes(expand))
      attn::replaceWithReshape(rewriter, expand);
  // collapse_shape(fill(empty)) -> fill(empty'), the form tiling fuses.
  SmallVector<Operation *> reshapes;
  for (Value operand : folded->getOperands())
    if (auto reshape = operand.getDefiningOp<tensor::CollapseShapeOp>())
      reshapes.push_back(reshape);
  RewritePatternSet patterns(op.getContext());
  linalg::FillOp::getCanonicalizationPatterns(patterns, op.getContext());
  tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns,
                                                       op.getContext());
  (void)applyOpPatternsGreedily(reshapes, std::move(patterns));
}

struct AttnParallelizePass
    : mlir::attn::impl::AttnParallelizeBase<AttnParallelizePass> {
  using AttnParallelizeBase::AttnParallelizeBase;

  void runOnOperation() override {
    if (contractionRows < 1 || contractionColumns < 1) {
      emitError(getOperation().getLoc())
          << "attn-parallelize expects positive contraction-rows and "
             "contraction-columns, but got "
          << int64_t(contractionRows) << ", " << int64_t(contractionColumns);
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    // Row loops fold first: that replaces contractions and the fills of
    // their outputs, so the candidates are collected afterwards.
    for (linalg::LinalgOp op : collectCandidates())
      if (isContraction(op))
        foldRowLoops(rewriter, op);
    SmallVector<linalg::LinalgOp> candidates = collectCandidates();
    for (linalg::LinalgOp op : candidates) {
      if (isFusedIntoContractions(op, rewriter))
        continue;
      rewriter.setInsertionPoint(op);
      SmallVector<OpFoldResult> sizes = rowTileSizes(
          rewriter, op, minLoops, contractionRows, contractionColumns);
      if (sizes.empty())
        continue;
      scf::SCFTilingOptions options;
      options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp)
          .setTileSizes(sizes);
      if (failed(isContraction(op) ? tileAndFuseFill(rewriter, op, options)
                                   : tile(rewriter, op, options))) {
        op->emitOpError() << "could not be distributed by attn-parallelize";
        return signalPassFailure();
      }
    }
  }

private:
  /// Top-level linalg ops on tensors: not the tiles this pass makes, nor
  /// ops already inside loops of their own. Their indexing maps must be
  /// projected permutations: a tile of such an op reads slices whose sizes
  /// follow from the tile's alone. The one exception is a strided gather
  /// (the im2col copy of attn-unfold-convolutions): all loops parallel,
  /// the outputs written as projected permutations and the inputs read at
  /// sums of loops times positive strides, so that each tile reads one
  /// window that grows with it (a reversal, `6 - j`, is not one).
  SmallVector<linalg::LinalgOp> collectCandidates() {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() &&
          !op->getParentOfType<LoopLikeOpInterface>() &&
          (llvm::all_of(
               op.getIndexingMapsArray(),
               [](AffineMap map) { return map.isProjectedPermutation(); }) ||
           isStridedGather(op)))
        candidates.push_back(op);
    });
    return candidates;
  }

  /// d, c * e (c > 0) and e + f for such e and f: no constants, symbols,
  /// divisions or negative strides.
  static bool isStridedSum(AffineExpr e) {
    if (isa<AffineDimExpr>(e))
      return true;
    auto bin = dyn_cast<AffineBinaryOpExpr>(e);
    if (!bin)
      return false;
    if (bin.getKind() == AffineExprKind::Add)
      return isStridedSum(bin.getLHS()) && isStridedSum(bin.getRHS());
    auto stride = dyn_cast<AffineConstantExpr>(bin.getRHS());
    return bin.getKind() == AffineExprKind::Mul && stride &&
           stride.getValue() > 0 && isStridedSum(bin.getLHS());
  }

  static bool isStridedGather(linalg::LinalgOp op) {
    if (op.getNumLoops() != op.getNumParallelLoops())
      return false;
    for (OpOperand &operand : op->getOpOperands()) {
      AffineMap map = op.getMatchingIndexingMap(&operand);
      if (op.isDpsInit(&operand)
              ? !map.isProjectedPermutation()
              : !llvm::all_of(map.getResults(), isStridedSum))
        return false;
    }
    return true;
  }

  static bool isContraction(linalg::LinalgOp op) {
    return succeeded(attn::matchContractionLayout(op));
  }

  /// True for a linalg.fill whose every use is the output of a contraction
  /// that this pass tiles: each tile of the contraction fills its own slice
  /// (tileAndFuseFill), so the fill is not distributed on its own. A fill
  /// shared by several outputs would otherwise be bufferized once and
  /// copied into a new buffer for each.
  bool isFusedIntoContractions(linalg::LinalgOp op, OpBuilder &b) {
    if (!isa<linalg::FillOp>(op) || op->use_empty())
      return false;
    return llvm::all_of(op->getUses(), [&](OpOperand &use) {
      auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
      return user && user.isDpsInit(&use) && isContraction(user) &&
             !user->getParentOfType<LoopLikeOpInterface>() &&
             !rowTileSizes(b, user, minLoops, contractionRows,
                           contractionColumns)
                  .empty();
    });
  }

  static LogicalResult tile(RewriterBase &rewriter, linalg::LinalgOp op,
                            const scf::SCFTilingOptions &options) {
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(tiled))
      return failure();
    rewriter.replaceOp(op, tiled->replacements);
    return success();
  }

  /// Tiles a contraction and fuses a linalg.fill of its output into each
  /// tile.
  static LogicalResult tileAndFuseFill(RewriterBase &rewriter,
                                       linalg::LinalgOp op,
                                       const scf::SCFTilingOptions &options) {
    scf::SCFTileAndFuseOptions fuse;
    fuse.setTilingOptions(options);
    fuse.setFusionControlFn(
        [](tensor::ExtractSliceOp, OpResult producer, bool isDestination)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (isDestination && isa<linalg::FillOp>(producer.getOwner()))
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          return std::nullopt;
        });
    FailureOr<scf::SCFTileAndFuseResult> tiled =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(op.getOperation()), fuse);
    if (failed(tiled))
      return failure();
    for (Value result : op->getResults())
      rewriter.replaceAllUsesWith(result, tiled->replacements.lookup(result));
    rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

//===- ContractionTiles.cpp - linalg contractions on register tiles -------===//
//
// attn-tile-contractions: the f32 contractions of model graphs and
// decompositions (projections, feed-forward layers, gates) on the
// micro-kernel of the attention's inner tile (emitRegisterTile), instead of
// the scalar loops of convert-linalg-to-loops, whose inner loop issues one
// load per FMA and does not vectorise across the reduction.
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"
#include "attn/Dialect/Attn/Transforms/ContractionLayout.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNTILECONTRACTIONS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

namespace {

/// True when `buffer` is a memref whose last dimension has unit stride, so
/// that a vector of consecutive elements loads in one instruction.
bool hasUnitInnerStride(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!type)
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// A column panel of a register tile: `cols` vectors from column `first`,
/// the last one holding only the lanes of `mask` when it is set.
struct ColumnPanel {
  Value first;
  int64_t cols;
  Value mask;

  /// The first column of vector c, of `width` lanes.
  Value column(ImplicitLocOpBuilder &b, int64_t c, int64_t width) const {
    return arith::AddIOp::create(b, first, indexConst(b, c * width));
  }
};

/// Calls `body(start, size)` on [0, count) in blocks of `block` (the last
/// one shorter), from an scf.for.
void forEachBlock(
    ImplicitLocOpBuilder &b, Value count, int64_t block,
    function_ref<void(ImplicitLocOpBuilder &, Value, Value)> body) {
  Value blocks = arith::CeilDivUIOp::create(b, count, indexConst(b, block));
  buildCountedLoop(b, blocks, [&](ImplicitLocOpBuilder &lb, Value i) {
    Value start = arith::MulIOp::create(lb, i, indexConst(lb, block));
    Value size = arith::MinUIOp::create(
        lb, indexConst(lb, block), arith::SubIOp::create(lb, count, start));
    body(lb, start, size);
  });
}

/// Lowers one contraction on buffers (the caller matched its layout).
class ContractionTiler {
public:
  ContractionTiler(linalg::LinalgOp op, const ContractionLayout &layout,
                   int64_t width, int64_t vectorRegisters, int64_t rowBlock,
                   int64_t depthBlock)
      : op(op), layout(layout), width(width), vectorRegisters(vectorRegisters),
        rowBlock(rowBlock), depthBlock(depthBlock),
        maps(op.getIndexingMapsArray()) {}

  void emit(RewriterBase &rewriter) {
    // Before anything is inserted between the fill and the op.
    elideFill(rewriter);
    ImplicitLocOpBuilder b(op.getLoc(), op);
    for (Range range : op.createLoopRanges(b, op.getLoc()))
      sizes.push_back(
          getValueOrCreateConstantIndexOp(b, b.getLoc(), range.size));
    loops.assign(sizes.size(), Value());
    shape = tileShape();
    Operation *anchor = scopeAnchor();
    if (anchor == op.getOperation()) {
      // The packed panel lives on the stack of the thread running the op,
      // freed when the op's loops end (they may sit in a parallel loop).
      auto scope = memref::AllocaScopeOp::create(b, TypeRange{});
      b.setInsertionPointToStart(&scope.getBodyRegion().emplaceBlock());
      packed = allocatePanel(b);
      emitOuterLoops(b, 0);
      memref::AllocaScopeReturnOp::create(b, ValueRange{});
    } else {
      // Inside a loop or branch: lowering a scope splits its block, and the
      // bodies of scf.for, scf.while and scf.if must stay one block until
      // scf-to-cf. The panel is allocated once, before the outermost of
      // them, and serves every iteration.
      placePanelAround(rewriter, anchor);
      emitOuterLoops(b, 0);
    }
    rewriter.eraseOp(op);
  }

private:
  /// The outermost scf.for, scf.while, scf.if or scf.index_switch around
  /// the op below any other op (a parallel loop, a function), or the op
  /// itself when none encloses it: where the panel's stack scope goes.
  Operation *scopeAnchor() {
    Operation *anchor = op.getOperation();
    for (Operation *parent = anchor->getParentOp();
         parent &&
         isa<scf::ForOp, scf::WhileOp, scf::IfOp, scf::IndexSwitchOp>(parent);
         parent = parent->getParentOp())
      anchor = parent;
    return anchor;
  }

  /// Allocates the panel before `anchor`: on the stack when the function's
  /// own scope frees it (a function body) or a scope around `anchor` can
  /// (no results to carry out of it; alloca_scope cannot return buffers
  /// to LLVM), else on the heap, freed after `anchor`.
  void placePanelAround(RewriterBase &rewriter, Operation *anchor) {
    ImplicitLocOpBuilder b(anchor->getLoc(), anchor);
    if (anchor->getParentOp()->hasTrait<OpTrait::AutomaticAllocationScope>()) {
      packed = allocatePanel(b);
      return;
    }
    if (anchor->getNumResults() == 0) {
      auto scope = memref::AllocaScopeOp::create(b, TypeRange{});
      Block *body = &scope.getBodyRegion().emplaceBlock();
      b.setInsertionPointToStart(body);
      packed = allocatePanel(b);
      rewriter.moveOpBefore(anchor, body, body->end());
      b.setInsertionPointToEnd(body);
      memref::AllocaScopeReturnOp::create(b, ValueRange{});
      return;
    }
    packed = memref::AllocOp::create(b, panelType(b), b.getI64IntegerAttr(64));
    b.setInsertionPointAfter(anchor);
    memref::DeallocOp::create(b, packed);
  }

  MemRefType panelType(OpBuilder &b) const {
    return MemRefType::get({depthBlock, shape.cols * width}, b.getF32Type());
  }

  /// The packed panel: a depth block of B under one column panel.
  Value allocatePanel(ImplicitLocOpBuilder &b) {
    return memref::AllocaOp::create(b, panelType(b), b.getI64IntegerAttr(64));
  }

  /// A linalg.fill of the output right before the op (attn-parallelize
  /// fuses one into each tile) is folded into the first depth block, whose
  /// accumulators start at the fill's value instead of reading it back
  /// from C. Only where the depth loop is the op's one reduction loop
  /// (with others around it, C accumulates across their iterations) and
  /// has a static, non-zero trip count (with none, no depth block would
  /// write the fill's value).
  void elideFill(RewriterBase &rewriter) {
    auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode());
    int64_t depth = op.getStaticLoopRanges()[layout.depthLoop];
    if (!fill || !fill.hasPureBufferSemantics() ||
        fill.getOutputs()[0] != op.getDpsInits()[0] ||
        op.getNumReductionLoops() != 1 || ShapedType::isDynamic(depth) ||
        depth == 0 || !fill.getInputs()[0].getType().isF32())
      return;
    fillValue = fill.getInputs()[0];
    rewriter.eraseOp(fill);
  }

  /// One scf.for per loop that the micro-kernel does not map, in the op's
  /// loop order, then the blocked rows, depth and columns.
  void emitOuterLoops(ImplicitLocOpBuilder &b, unsigned loop) {
    if (loop == sizes.size())
      return emitBlocks(b);
    if (loop == layout.rowLoop || loop == layout.columnLoop ||
        loop == layout.depthLoop)
      return emitOuterLoops(b, loop + 1);
    buildCountedLoop(b, sizes[loop], [&](ImplicitLocOpBuilder &lb, Value iv) {
      loops[loop] = iv;
      emitOuterLoops(lb, loop + 1);
    });
  }

  /// Row blocks, then column panels, then depth blocks, then the register
  /// tiles of the row block: each panel's depth block of B is packed once,
  /// contiguous, and reused from cache by every register tile of the row
  /// block, and the row block's slice of C under one panel (rows x the
  /// panel's columns) stays in cache across the depth blocks.
  void emitBlocks(ImplicitLocOpBuilder &b) {
    forEachBlock(
        b, sizes[layout.rowLoop], rowBlock,
        [&](ImplicitLocOpBuilder &rb, Value row0, Value rows) {
          forEachColumnPanel(
              rb, shape.cols,
              [&](ImplicitLocOpBuilder &pb, const ColumnPanel &panel) {
                forEachBlock(
                    pb, sizes[layout.depthLoop], depthBlock,
                    [&](ImplicitLocOpBuilder &db, Value depth0, Value depth) {
                      packPanel(db, panel, depth0, depth);
                      forEachRowBlock(
                          db, rows, shape.rows,
                          [&](ImplicitLocOpBuilder &tb, Value r,
                              int64_t height) {
                            Value row = arith::AddIOp::create(tb, row0, r);
                            emitTile(tb, row, height, panel, depth0, depth);
                          });
                    });
              });
        });
  }

  /// The register tile for the column count: as in the attention kernel,
  /// sized by the register file, with at most the vectors a row holds.
  TileShape tileShape() const {
    int64_t vectors = kMaxUnrolledChunks;
    if (std::optional<int64_t> n =
            getConstantIntValue(sizes[layout.columnLoop]))
      vectors = std::max<int64_t>(1, llvm::divideCeil(*n, width));
    return chooseTileShape(vectorRegisters, vectors);
  }

  /// Calls `body` on panels of `cols` vectors over the columns, then on
  /// the whole vectors left (one panel when the column count is a
  /// constant, else one vector at a time), then on the masked partial
  /// vector at the end, if any.
  void forEachColumnPanel(
      ImplicitLocOpBuilder &b, int64_t cols,
      function_ref<void(ImplicitLocOpBuilder &, const ColumnPanel &)> body) {
    Value count = sizes[layout.columnLoop];
    int64_t panelWidth = cols * width;
    Value panels = arith::DivUIOp::create(b, count, indexConst(b, panelWidth));
    buildCountedLoop(b, panels, [&](ImplicitLocOpBuilder &pb, Value p) {
      Value first = arith::MulIOp::create(pb, p, indexConst(pb, panelWidth));
      body(pb, {first, cols, Value()});
    });
    Value rest = arith::MulIOp::create(b, panels, indexConst(b, panelWidth));
    Value tailStart = arith::MulIOp::create(
        b, arith::DivUIOp::create(b, count, indexConst(b, width)),
        indexConst(b, width));
    if (std::optional<int64_t> known = getConstantIntValue(count)) {
      if (int64_t vectors = (*known % panelWidth) / width)
        body(b, {rest, vectors, Value()});
      if (int64_t lanes = *known % width)
        body(b, {tailStart, 1, laneMask(b, indexConst(b, lanes))});
      return;
    }
    Value vectors = arith::DivUIOp::create(
        b, arith::SubIOp::create(b, tailStart, rest), indexConst(b, width));
    buildCountedLoop(b, vectors, [&](ImplicitLocOpBuilder &vb, Value v) {
      Value first = arith::AddIOp::create(
          vb, rest, arith::MulIOp::create(vb, v, indexConst(vb, width)));
      body(vb, {first, 1, Value()});
    });
    Value lanes = arith::SubIOp::create(b, count, tailStart);
    Value partial = arith::CmpIOp::create(b, arith::CmpIPredicate::ne, lanes,
                                          indexConst(b, 0));
    scf::IfOp::create(b, partial, [&](OpBuilder &nb, Location loc) {
      ImplicitLocOpBuilder ib(loc, nb);
      body(ib, {tailStart, 1, laneMask(ib, lanes)});
      scf::YieldOp::create(ib);
    });
  }

  Value laneMask(ImplicitLocOpBuilder &b, Value lanes) const {
    return vector::CreateMaskOp::create(
        b, VectorType::get({width}, b.getI1Type()), ValueRange{lanes});
  }

  /// Copies B[depth0 .. depth0 + depth), panel] into `packed`, row k at
  /// packed[k, 0 ..): the register tiles then stream it contiguously
  /// instead of one row of B per page (B's rows are N floats apart), and a
  /// masked tail is read once here and padded with zeros.
  void packPanel(ImplicitLocOpBuilder &b, const ColumnPanel &panel,
                 Value depth0, Value depth) {
    Value rhs = op.getDpsInputs()[layout.rhsOperand];
    buildCountedLoop(b, depth, [&](ImplicitLocOpBuilder &kb, Value k) {
      Value kk = arith::AddIOp::create(kb, depth0, k);
      for (int64_t c = 0; c < panel.cols; ++c) {
        Value col = panel.column(kb, c, width);
        Value v = loadColumns(kb, panel, c, rhs,
                              indices(layout.rhsOperand, {}, col, kk));
        vector::StoreOp::create(kb, v, packed,
                                ValueRange{k, indexConst(kb, c * width)});
      }
    });
  }

  /// Vector c of `panel` at buffer[idx]: masked (zeros past the mask) when
  /// it is the panel's partial last vector.
  Value loadColumns(ImplicitLocOpBuilder &b, const ColumnPanel &panel,
                    int64_t c, Value buffer, ValueRange idx) const {
    auto vecType = VectorType::get({width}, b.getF32Type());
    if (!panel.mask || c + 1 < panel.cols)
      return vector::LoadOp::create(b, vecType, buffer, idx);
    Value zeros = splat(b, f32Const(b, 0.0), width);
    return vector::MaskedLoadOp::create(b, vecType, buffer, idx, panel.mask,
                                        zeros);
  }

  /// C[rows, panel] += A[rows, depth0 .. depth0 + depth) *
  /// B[depth0 .. depth0 + depth), panel] on one register tile of `height`
  /// rows from `row`.
  void emitTile(ImplicitLocOpBuilder &b, Value row, int64_t height,
                const ColumnPanel &panel, Value depth0, Value depth) {
    Value lhs = op.getDpsInputs()[layout.lhsOperand];
    Value out = op.getDpsInits()[0];
    unsigned outOperand = op.getNumDpsInputs();
    auto vecType = VectorType::get({width}, b.getF32Type());
    auto column = [&](ImplicitLocOpBuilder &cb, int64_t c) {
      return panel.column(cb, c, width);
    };
    auto rowAt = [&](ImplicitLocOpBuilder &cb, int64_t i) -> Value {
      return arith::AddIOp::create(cb, row, indexConst(cb, i));
    };

    auto loadOutput = [&](ImplicitLocOpBuilder &lb) {
      SmallVector<Value> tile;
      for (int64_t i = 0; i < height; ++i)
        for (int64_t c = 0; c < panel.cols; ++c)
          tile.push_back(loadColumns(
              lb, panel, c, out,
              indices(outOperand, rowAt(lb, i), column(lb, c), {})));
      return tile;
    };
    SmallVector<Value> init;
    if (!fillValue) {
      init = loadOutput(b);
    } else {
      // C still holds the elided fill's value before the first depth block.
      SmallVector<Type> types(height * panel.cols, vecType);
      Value first = arith::CmpIOp::create(b, arith::CmpIPredicate::eq, depth0,
                                          indexConst(b, 0));
      auto branch = scf::IfOp::create(b, types, first, /*withElse=*/true);
      ImplicitLocOpBuilder tb(b.getLoc(), branch.getThenBodyBuilder());
      scf::YieldOp::create(
          tb, SmallVector<Value>(types.size(), splat(tb, fillValue, width)));
      ImplicitLocOpBuilder eb(b.getLoc(), branch.getElseBodyBuilder());
      scf::YieldOp::create(eb, loadOutput(eb));
      init = SmallVector<Value>(branch.getResults());
    }
    SmallVector<Value> acc = emitRegisterTile(
        b, height, panel.cols, depth, init,
        [&](ImplicitLocOpBuilder &kb, int64_t i, Value k) -> Value {
          Value kk = arith::AddIOp::create(kb, depth0, k);
          return memref::LoadOp::create(
              kb, lhs, indices(layout.lhsOperand, rowAt(kb, i), {}, kk));
        },
        [&](ImplicitLocOpBuilder &kb, Value k, int64_t c) -> Value {
          return vector::LoadOp::create(
              kb, vecType, packed, ValueRange{k, indexConst(kb, c * width)});
        });
    for (int64_t i = 0; i < height; ++i)
      for (int64_t c = 0; c < panel.cols; ++c) {
        Value value = acc[i * panel.cols + c];
        SmallVector<Value> idx =
            indices(outOperand, rowAt(b, i), column(b, c), {});
        if (!panel.mask || c + 1 < panel.cols)
          vector::StoreOp::create(b, value, out, idx);
        else
          vector::MaskedStoreOp::create(b, out, idx, panel.mask, value);
      }
  }

  /// The indices of `operand` at the current outer loops and the given
  /// row, column and depth (null where the operand does not use them).
  SmallVector<Value> indices(unsigned operand, Value row, Value column,
                             Value depth) const {
    SmallVector<Value> at(loops);
    at[layout.rowLoop] = row;
    at[layout.columnLoop] = column;
    at[layout.depthLoop] = depth;
    SmallVector<Value> result;
    for (AffineExpr e : maps[operand].getResults())
      result.push_back(at[cast<AffineDimExpr>(e).getPosition()]);
    return result;
  }

  linalg::LinalgOp op;
  ContractionLayout layout;
  int64_t width, vectorRegisters, rowBlock, depthBlock;
  SmallVector<AffineMap> maps;
  /// Extent of every loop, and the induction variable of each outer loop.
  SmallVector<Value> sizes, loops;
  /// The register tile, and the packed panel of B it reads
  /// ([depthBlock, cols * width] f32).
  TileShape shape;
  Value packed;
  /// The scalar of an elided fill of the output (null: none).
  Value fillValue;
};

struct AttnTileContractionsPass
    : mlir::attn::impl::AttnTileContractionsBase<AttnTileContractionsPass> {
  using AttnTileContractionsBase::AttnTileContractionsBase;

  void runOnOperation() override {
    if (vectorWidth < 1 || vectorWidth > kMaxVectorWidth ||
        vectorRegisters < 1 || rowBlock < 1 || depthBlock < 1) {
      emitError(getOperation().getLoc())
          << "attn-tile-contractions expects vector-width in [1, "
          << kMaxVectorWidth
          << "] and positive vector-registers, row-block and depth-block, "
             "but got "
          << int64_t(vectorWidth) << ", " << int64_t(vectorRegisters) << ", "
          << int64_t(rowBlock) << ", " << int64_t(depthBlock);
      return signalPassFailure();
    }
    SmallVector<std::pair<linalg::LinalgOp, ContractionLayout>> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics())
        return;
      FailureOr<ContractionLayout> layout = matchContractionLayout(op);
      if (failed(layout) ||
          !hasUnitInnerStride(op.getDpsInputs()[layout->rhsOperand]) ||
          !hasUnitInnerStride(op.getDpsInits()[0]))
        return;
      work.push_back({op, *layout});
    });
    IRRewriter rewriter(&getContext());
    for (auto &[op, layout] : work)
      ContractionTiler(op, layout, vectorWidth, vectorRegisters, rowBlock,
                       depthBlock)
          .emit(rewriter);
  }
};

} // namespace

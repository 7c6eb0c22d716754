//===- Decompose.cpp - attn-decompose pass and shared builders ------------===//
//
// Implements `attn-decompose`: the structural ops of shared/VARIANTS.md
// section D become attn.attention plus linalg/tensor/arith/math. The
// patterns live in DecomposeMultiHead.cpp, DecomposePooling.cpp and
// DecomposeCoAttention.cpp; this file holds the builders they share and the
// pass.
//
//===----------------------------------------------------------------------===//

#include "DecomposeUtils.h"

#include "attn/Dialect/Attn/Transforms/Decompose.h"
#include "attn/Dialect/Attn/Transforms/DynamicReshape.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNDECOMPOSE
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

namespace mlir::attn::decompose {

OpFoldResult dimOf(OpBuilder &b, Location loc, Value v, int64_t d) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(d))
    return b.getIndexAttr(type.getDimSize(d));
  return tensor::DimOp::create(b, loc, v, d).getResult();
}

Value castTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  return tensor::CastOp::create(b, loc, type.clone(shape), v);
}

void replaceWithCast(PatternRewriter &rewriter, Operation *op, Value result) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  rewriter.replaceOp(op,
                     castTo(rewriter, op->getLoc(), result, type.getShape()));
}

Value emptyF32(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes) {
  return tensor::EmptyOp::create(b, loc, sizes, b.getF32Type());
}

Value filledF32(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                double value) {
  Value init = emptyF32(b, loc, sizes);
  Value scalar = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{init})
      .getResult(0);
}

/// The static shape of `sizes` (dynamic where a size is a value).
static SmallVector<int64_t> staticShape(ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape;
  for (OpFoldResult s : sizes) {
    std::optional<int64_t> c = getConstantIntValue(s);
    shape.push_back(c ? *c : ShapedType::kDynamic);
  }
  return shape;
}

Value expand(OpBuilder &b, Location loc, Value src,
             ArrayRef<OpFoldResult> sizes,
             ArrayRef<ReassociationIndices> groups) {
  SmallVector<int64_t> shape = staticShape(sizes);
  auto type = RankedTensorType::get(shape, b.getF32Type());
  // A dynamic size split into several dynamic ones ([B*N] -> [B, N]) is a
  // tensor.reshape: expand-strided-metadata of LLVM 22 crashes on a
  // memref.expand_shape group with more than one dynamic size.
  bool splitsDynamic = llvm::any_of(groups, [&](const ReassociationIndices &g) {
    return llvm::count_if(g, [&](int64_t d) {
             return ShapedType::isDynamic(shape[d]);
           }) > 1;
  });
  if (!splitsDynamic)
    return tensor::ExpandShapeOp::create(b, loc, type, src, groups, sizes);
  SmallVector<Value> sizeValues;
  for (OpFoldResult s : sizes)
    sizeValues.push_back(getValueOrCreateConstantIndexOp(b, loc, s));
  Value shapeTensor = tensor::FromElementsOp::create(b, loc, sizeValues);
  return tensor::ReshapeOp::create(b, loc, type, src, shapeTensor);
}

Value collapse(OpBuilder &b, Location loc, Value src,
               ArrayRef<ReassociationIndices> groups) {
  return tensor::CollapseShapeOp::create(b, loc, src, groups);
}

Value asSingleHead(OpBuilder &b, Location loc, Value x, int64_t d) {
  auto type = cast<RankedTensorType>(x.getType());
  x = castTo(b, loc, x, {type.getDimSize(0), type.getDimSize(1), d});
  return expand(b, loc, x,
                {dimOf(b, loc, x, 0), b.getIndexAttr(1), dimOf(b, loc, x, 1),
                 b.getIndexAttr(d)},
                {{0, 1}, {2}, {3}});
}

AffineMap loopMap(MLIRContext *ctx, unsigned numDims, ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

Value contract(OpBuilder &b, Location loc, ValueRange ins,
               ArrayRef<AffineMap> maps,
               ArrayRef<utils::IteratorType> iterators,
               ArrayRef<OpFoldResult> sizes) {
  Value init = filledF32(b, loc, sizes, 0.0);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), ins, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value product = args[0];
        for (Value arg : args.drop_front().drop_back())
          product = arith::MulFOp::create(nb, nl, product, arg);
        Value sum = arith::AddFOp::create(nb, nl, args.back(), product);
        linalg::YieldOp::create(nb, nl, sum);
      });
  return generic.getResult(0);
}

Value elementwise(OpBuilder &b, Location loc, ValueRange ins,
                  ArrayRef<OpFoldResult> sizes,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> fn) {
  Value init = emptyF32(b, loc, sizes);
  unsigned rank = sizes.size();
  SmallVector<AffineMap> maps(ins.size() + 1, b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), ins, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, fn(nb, nl, args.drop_back()));
      });
  return generic.getResult(0);
}

Attention attention(OpBuilder &b, Location loc, Value q, Value k, Value v,
                    std::optional<float> scale, bool causal, Value bias,
                    bool withLse, Alignment align) {
  auto qType = cast<RankedTensorType>(q.getType());
  auto vType = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> outShape(qType.getShape());
  outShape.back() = vType.getDimSize(3);
  Type outType = qType.clone(outShape);
  Type lseType;
  if (withLse)
    lseType =
        RankedTensorType::get(qType.getShape().drop_back(), b.getF32Type());
  auto op = AttentionOp::create(
      b, loc, outType, lseType, q, k, v, /*mask=*/Value(), bias,
      /*key_lengths=*/Value(), /*block_table=*/Value(), /*grid_width=*/Value(),
      /*scales=*/Value(), /*score_operands=*/ValueRange(),
      /*normalizer_operands=*/ValueRange(),
      /*position_operands=*/ValueRange(), ScoreKind::dot, Normalizer::softmax,
      scale ? b.getF32FloatAttr(*scale) : FloatAttr(), causal,
      /*window=*/nullptr, align, /*alibi=*/false, /*softcap=*/nullptr,
      /*top_k=*/nullptr, /*relative_clip=*/nullptr,
      /*gaussian_window=*/nullptr, /*gaussian_sigma=*/nullptr,
      /*grid_window=*/nullptr, /*grid_dilation=*/nullptr);
  return {op.getOutput(), op.getLse()};
}

} // namespace mlir::attn::decompose

void mlir::attn::populateDecomposePatterns(RewritePatternSet &patterns) {
  populateDecomposeMultiHeadPatterns(patterns);
  populateDecomposePoolingPatterns(patterns);
  populateDecomposeCoAttentionPatterns(patterns);
  populateDecomposeGatePatterns(patterns);
  populateDecomposeVisionPatterns(patterns);
}

namespace {
struct AttnDecomposePass
    : mlir::attn::impl::AttnDecomposeBase<AttnDecomposePass> {
  /// An expand_shape that splits one dimension into several dynamic sizes
  /// becomes tensor.reshape (DynamicReshape.h).
  void reshapeSplitsIntoDynamicSizes() {
    SmallVector<tensor::ExpandShapeOp> expands;
    getOperation()->walk([&](tensor::ExpandShapeOp op) {
      if (splitsIntoDynamicSizes(op))
        expands.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (tensor::ExpandShapeOp op : expands)
      replaceWithReshape(rewriter, op);
  }

  /// linalg.softmax that attn-raise did not fuse becomes its max, exp, sum
  /// and divide generics (the later stages lower generics, not it).
  LogicalResult decomposeSoftmax() {
    SmallVector<linalg::SoftmaxOp> softmaxes;
    getOperation()->walk(
        [&](linalg::SoftmaxOp op) { softmaxes.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::SoftmaxOp op : softmaxes) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> parts =
          cast<linalg::AggregatedOpInterface>(op.getOperation())
              .decomposeOperation(rewriter);
      if (failed(parts))
        return op.emitOpError() << "could not be decomposed";
      rewriter.replaceOp(op, *parts);
    }
    return success();
  }

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateDecomposePatterns(patterns);
    // One walk suffices: no decomposition produces a structural op.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    if (failed(decomposeSoftmax()))
      return signalPassFailure();
    reshapeSplitsIntoDynamicSizes();
    WalkResult left = getOperation()->walk([](Operation *op) {
      // Every attn op but the core op (and what its regions hold).
      if (isa<AttnDialect>(op->getDialect()) && !isa<AttentionOp>(op) &&
          !op->getParentOfType<AttentionOp>()) {
        op->emitOpError() << "was not decomposed by attn-decompose";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

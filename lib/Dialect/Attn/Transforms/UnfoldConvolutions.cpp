//===- UnfoldConvolutions.cpp - convolutions as contractions (im2col) -----===//
//
// attn-unfold-convolutions: linalg.conv_2d_nchw_fchw lowers to seven plain
// loops with one scalar multiply-add in the middle. Unfolded (im2col), the
// same sums are one f32 contraction W[M, C*kH*kW] x col[N, C*kH*kW, OH*OW],
// which attn-parallelize and attn-tile-contractions put on register tiles;
// building `col` copies each input element kH*kW times, a small cost next
// to the M multiply-adds each copy feeds.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Transforms/DynamicReshape.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNUNFOLDCONVOLUTIONS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {

bool isF32Tensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getElementType().isF32();
}

/// col[n, c, i, j, oh, ow] = input[n, c, oh * sh + i * dh, ow * sw + j * dw]:
/// every window of the (already padded) input as a column of kH*kW*C values.
Value buildColumns(OpBuilder &b, Location loc, Value input, Value filter,
                   Value init, ArrayRef<int64_t> strides,
                   ArrayRef<int64_t> dilations) {
  SmallVector<OpFoldResult> in = tensor::getMixedSizes(b, loc, input);
  SmallVector<OpFoldResult> f = tensor::getMixedSizes(b, loc, filter);
  SmallVector<OpFoldResult> out = tensor::getMixedSizes(b, loc, init);
  SmallVector<OpFoldResult> sizes = {in[0], in[1], f[2], f[3], out[2], out[3]};
  Value empty =
      tensor::EmptyOp::create(b, loc, sizes, b.getF32Type()).getResult();
  MLIRContext *ctx = b.getContext();
  AffineExpr n, c, i, j, oh, ow;
  bindDims(ctx, n, c, i, j, oh, ow);
  auto read = AffineMap::get(6, 0,
                             {n, c, oh * strides[0] + i * dilations[0],
                              ow * strides[1] + j * dilations[1]},
                             ctx);
  SmallVector<AffineMap> maps = {read, b.getMultiDimIdentityMap(6)};
  SmallVector<utils::IteratorType> iterators(6, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, empty.getType(), input, empty, maps, iterators,
             [](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, args[0]);
             })
      .getResult(0);
}

/// out[n, m, p] += w[m, k] * col[n, k, p], in the form (loops n, m, p, k;
/// multiply then add) that attn-tile-contractions maps to register tiles.
Value buildContraction(OpBuilder &b, Location loc, Value weights, Value cols,
                       Value acc) {
  MLIRContext *ctx = b.getContext();
  AffineExpr n, m, p, k;
  bindDims(ctx, n, m, p, k);
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {m, k}, ctx),
                                 AffineMap::get(4, 0, {n, k, p}, ctx),
                                 AffineMap::get(4, 0, {n, m, p}, ctx)};
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, acc.getType(), ValueRange{weights, cols}, acc, maps,
             iterators,
             [](OpBuilder &nb, Location nl, ValueRange args) {
               Value product = arith::MulFOp::create(nb, nl, args[0], args[1]);
               linalg::YieldOp::create(
                   nb, nl,
                   arith::AddFOp::create(nb, nl, args[2], product).getResult());
             })
      .getResult(0);
}

LogicalResult unfold(RewriterBase &rewriter, linalg::Conv2DNchwFchwOp conv) {
  if (!conv.hasPureTensorSemantics())
    return failure();
  Value input = conv.getDpsInputs()[0], filter = conv.getDpsInputs()[1];
  Value init = conv.getDpsInits()[0];
  if (!isF32Tensor(input) || !isF32Tensor(filter) || !isF32Tensor(init))
    return failure();
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
  Location loc = conv.getLoc();
  rewriter.setInsertionPoint(conv);
  Value cols =
      buildColumns(rewriter, loc, input, filter, init, strides, dilations);
  // Collapsed in row-major order, the depth k = (c * kH + i) * kW + j is the
  // order in which the convolution's own loops sum.
  SmallVector<ReassociationIndices> colGroups = {{0}, {1, 2, 3}, {4, 5}};
  SmallVector<ReassociationIndices> filterGroups = {{0}, {1, 2, 3}};
  SmallVector<ReassociationIndices> outGroups = {{0}, {1}, {2, 3}};
  Value flatCols =
      tensor::CollapseShapeOp::create(rewriter, loc, cols, colGroups);
  Value flatFilter =
      tensor::CollapseShapeOp::create(rewriter, loc, filter, filterGroups);
  // A filled accumulator is filled collapsed instead, so that
  // attn-parallelize fuses the fill into the contraction's tiles and
  // attn-tile-contractions starts its register tiles at the value.
  Value flatInit;
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (fill) {
    Value dest = tensor::CollapseShapeOp::create(
        rewriter, loc, fill.getDpsInits()[0], outGroups);
    flatInit =
        linalg::FillOp::create(rewriter, loc, fill.getDpsInputs()[0], dest)
            .getResult(0);
  } else {
    flatInit = tensor::CollapseShapeOp::create(rewriter, loc, init, outGroups);
  }
  Value product =
      buildContraction(rewriter, loc, flatFilter, flatCols, flatInit);
  auto expand = tensor::ExpandShapeOp::create(
      rewriter, loc, init.getType(), product, outGroups,
      tensor::getMixedSizes(rewriter, loc, init));
  rewriter.replaceOp(conv, expand.getResult());
  if (fill && fill->use_empty())
    rewriter.eraseOp(fill);
  // Dynamic OH and OW would split one dimension into two dynamic sizes.
  if (attn::splitsIntoDynamicSizes(expand))
    attn::replaceWithReshape(rewriter, expand);
  return success();
}

struct AttnUnfoldConvolutionsPass
    : mlir::attn::impl::AttnUnfoldConvolutionsBase<AttnUnfoldConvolutionsPass> {
  void runOnOperation() override {
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    getOperation().walk(
        [&](linalg::Conv2DNchwFchwOp conv) { convs.push_back(conv); });
    IRRewriter rewriter(&getContext());
    for (linalg::Conv2DNchwFchwOp conv : convs)
      (void)unfold(rewriter, conv);
  }
};

} // namespace

//===- ConvOps.cpp - Conv and inference-mode BatchNormalization -----------===//
//
// Conv pads its input explicitly (a filled tensor and a copy into it) and
// becomes linalg.conv_2d_nchw_fchw, or linalg.conv_2d_ngchw_gfchw on a
// [N, G, C/G, H, W] view for grouped and depthwise convolutions, with the
// bias as the accumulator's initial value. A 1x1 convolution is a matrix
// product and is built as the importer's other contractions. 1-D convolutions
// run as 2-D ones of height 1. BatchNormalization in inference mode is one
// scale and shift per channel, folded at import time when its statistics are
// constants.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"
#include "SlidingWindow.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

/// A [C] vector as [C, 1, ...] against a [N, C, ...] tensor of `rank`.
Dims channelDims(OpBuilder &b, OpFoldResult channels, int64_t rank) {
  Dims dims(rank - 1, b.getIndexAttr(1));
  dims[0] = channels;
  return dims;
}

} // namespace

LogicalResult convertConv(NodeImporter &node) {
  const ImportedValue *x = node.input(0), *w = node.input(1);
  if (!x || !w)
    return failure();
  Type element = x->type.getElementType();
  if (!isa<FloatType>(element) || w->type.getElementType() != element)
    return node.error() << "X and W must have one float element type",
           failure();
  int64_t rank = x->dims.size();
  if ((rank != 3 && rank != 4) || int64_t(w->dims.size()) != rank)
    return node.error() << "only 1-D and 2-D convolutions are supported "
                           "(X and W of rank 3 or 4), got ranks "
                        << rank << " and " << w->dims.size(),
           failure();
  if (!w->type.hasStaticShape())
    return node.error() << "W must have static sizes", failure();
  ArrayRef<int64_t> wShape = w->type.getShape();
  int64_t m = wShape[0], perGroup = wShape[1];
  int64_t group = node.intAttr("group", 1);
  std::optional<int64_t> c = staticSize(x->dims[1]);
  if (group < 1 || m % group != 0)
    return node.error() << "group " << group << " does not divide the " << m
                        << " output channels",
           failure();
  if (!c && group != 1)
    return node.error() << "a grouped convolution needs a static channel "
                           "count",
           failure();
  if (c && *c != perGroup * group)
    return node.error() << "X has " << *c << " channels, W expects "
                        << perGroup * group << " (" << perGroup << " x group "
                        << group << ")",
           failure();
  Dims spatial(x->dims.begin() + 2, x->dims.end());
  FailureOr<Window> window = readWindow(node, spatial, wShape.drop_front(2));
  if (failed(window))
    return failure();

  OpBuilder &b = node.builder();
  Location loc = node.loc();
  GraphImporter &graph = node.graph;
  Value input = node.tensor(0), weights = node.tensor(1);
  Dims inDims = x->dims, wDims = w->dims;
  Window win = *window;
  if (rank == 3) {
    input = addUnitHeight(node, input, inDims);
    weights = addUnitHeight(node, weights, wDims);
    win = windowAs2d(b, win);
  }
  Dims padded;
  Value source =
      padSpatial(node, input, inDims, win, b.getZeroAttr(element), padded);
  Dims outDims = {inDims[0], b.getIndexAttr(m), win.out[0], win.out[1]};

  // The bias as [M, 1, 1], broadcast over the result.
  Value bias;
  Dims biasDims;
  if (node.hasInput(2)) {
    const ImportedValue *given = node.input(2);
    if (!given)
      return failure();
    if (given->type.getElementType() != element || given->dims.size() != 1 ||
        staticSize(given->dims[0]) != m)
      return node.error() << "B must be a vector of " << m << " " << element,
             failure();
    biasDims = channelDims(b, given->dims[0], 4);
    bias = reshape(graph, loc, node.tensor(2), given->dims, biasDims);
  }
  auto pointwise = [](ArrayRef<int64_t> v) {
    return llvm::all_of(v, [](int64_t x) { return x == 1; });
  };
  if (group == 1 && pointwise(win.kernel) && pointwise(win.strides) &&
      llvm::all_of(llvm::concat<const int64_t>(win.padBegin, win.padEnd),
                   [](int64_t p) { return p == 0; })) {
    // A 1x1 convolution is W[M, C] x X[N, C, H*W]: the contraction that
    // attn-tile-contractions puts on register tiles.
    Dims flat = {inDims[0], inDims[1],
                 graph.multiply(inDims[2], inDims[3], loc)};
    Dims matrix = {wDims[0], wDims[1]};
    Dims productDims;
    FailureOr<Value> product = batchedMatmul(
        node, reshape(graph, loc, weights, wDims, matrix), matrix,
        reshape(graph, loc, input, inDims, flat), flat, productDims);
    if (failed(product))
      return failure();
    Value result = reshape(graph, loc, *product, productDims, outDims);
    if (bias)
      result = elementwise(
          b, loc, {result, bias}, {outDims, biasDims}, outDims, element,
          [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
            return arith::AddFOp::create(nb, nl, args[0], args[1]);
          });
    if (rank == 3)
      result = dropUnitHeight(node, result, outDims);
    node.setOutput(0, result, outDims);
    return success();
  }
  // The accumulator starts at the bias: no separate pass adds it.
  Value init = bias ? elementwise(b, loc, {bias}, {biasDims}, outDims, element,
                                  [](OpBuilder &, Location, ValueRange args) {
                                    return args[0];
                                  })
                    : filledTensor(b, loc, outDims, b.getZeroAttr(element));
  Attribute strides = b.getI64TensorAttr(win.strides);
  Attribute dilations = b.getI64TensorAttr(win.dilations);
  Value result;
  if (group == 1) {
    result = linalg::Conv2DNchwFchwOp::create(
                 b, loc, TypeRange{init.getType()}, ValueRange{source, weights},
                 ValueRange{init}, strides, dilations)
                 .getResult(0);
  } else {
    // Groups as a dimension of their own: [N, G, C/G, H, W] input,
    // [G, M/G, C/G, kH, kW] weights, [N, G, M/G, OH, OW] result.
    OpFoldResult g = b.getIndexAttr(group);
    Dims gIn = {padded[0], g, b.getIndexAttr(perGroup), padded[2], padded[3]};
    Dims gW = {g, b.getIndexAttr(m / group), wDims[1], wDims[2], wDims[3]};
    Dims gOut = {outDims[0], g, b.getIndexAttr(m / group), outDims[2],
                 outDims[3]};
    Value gSource = reshape(graph, loc, source, padded, gIn);
    Value gWeights = reshape(graph, loc, weights, wDims, gW);
    Value gInit = reshape(graph, loc, init, outDims, gOut);
    Value conv =
        linalg::Conv2DNgchwGfchwOp::create(
            b, loc, TypeRange{gInit.getType()}, ValueRange{gSource, gWeights},
            ValueRange{gInit}, strides, dilations)
            .getResult(0);
    result = reshape(graph, loc, conv, gOut, outDims);
  }
  if (rank == 3)
    result = dropUnitHeight(node, result, outDims);
  node.setOutput(0, result, outDims);
  return success();
}

LogicalResult convertBatchNormalization(NodeImporter &node) {
  if (node.opset >= 14 && node.intAttr("training_mode", 0) != 0)
    return node.error() << "training_mode=1 is not supported: only inference "
                           "with the running mean and variance",
           failure();
  for (unsigned i = 1; i < node.numOutputs(); ++i)
    if (node.wantsOutput(i))
      return node.error() << "output " << i
                          << " (running statistics) is not supported: it "
                             "exists only in training mode",
             failure();
  const ImportedValue *x = node.input(0);
  if (!x)
    return failure();
  Type element = x->type.getElementType();
  int64_t rank = x->dims.size();
  if (!isa<FloatType>(element) || rank < 2)
    return node.error() << "X must be a float tensor of rank 2 or more",
           failure();
  SmallVector<const ImportedValue *, 4> stats;
  for (unsigned i = 1; i <= 4; ++i) {
    const ImportedValue *v = node.input(i);
    if (!v)
      return failure();
    if (v->dims.size() != 1 || !isa<FloatType>(v->type.getElementType()))
      return node.error() << "input " << i << " must be a float vector",
             failure();
    stats.push_back(v);
  }
  double epsilon = node.floatAttr("epsilon", 1e-5f);
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  // y = x * scale' + shift' with scale' = scale / sqrt(var + epsilon) and
  // shift' = bias - mean * scale'.
  Value scale, shift;
  Dims vecDims;
  if (llvm::all_of(stats, [](const ImportedValue *v) { return v->constant; })) {
    auto values = [](const ImportedValue *v) {
      SmallVector<double> out;
      for (APFloat f : v->constant.getValues<APFloat>())
        out.push_back(f.convertToDouble());
      return out;
    };
    SmallVector<double> s = values(stats[0]), bias = values(stats[1]),
                        mean = values(stats[2]), var = values(stats[3]);
    int64_t n = s.size();
    if (bias.size() != s.size() || mean.size() != s.size() ||
        var.size() != s.size())
      return node.error() << "scale, B, mean and var differ in length",
             failure();
    SmallVector<Attribute> scales, shifts;
    for (int64_t i = 0; i < n; ++i) {
      double k = s[i] / std::sqrt(var[i] + epsilon);
      scales.push_back(b.getFloatAttr(element, k));
      shifts.push_back(b.getFloatAttr(element, bias[i] - mean[i] * k));
    }
    auto type = RankedTensorType::get({n}, element);
    vecDims = {b.getIndexAttr(n)};
    scale =
        arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, scales));
    shift =
        arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, shifts));
  } else {
    SmallVector<Value> operands;
    SmallVector<Dims> dims;
    for (unsigned i = 1; i <= 4; ++i) {
      operands.push_back(node.tensor(i));
      dims.push_back(stats[i - 1]->dims);
    }
    FailureOr<Dims> vec = broadcastDims(node, dims);
    if (failed(vec))
      return failure();
    auto folded = [&](bool wantShift) {
      return elementwise(
          b, loc, operands, dims, *vec, element,
          [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
            SmallVector<Value> a;
            for (Value v : args)
              a.push_back(convertScalar(nb, nl, v, element));
            Value eps = arith::ConstantOp::create(
                nb, nl, nb.getFloatAttr(element, epsilon));
            Value k = arith::DivFOp::create(
                nb, nl, a[0],
                math::SqrtOp::create(nb, nl,
                                     arith::AddFOp::create(nb, nl, a[3], eps)));
            if (!wantShift)
              return k;
            return arith::SubFOp::create(
                nb, nl, a[1], arith::MulFOp::create(nb, nl, a[2], k));
          });
    };
    vecDims = *vec;
    scale = folded(false);
    shift = folded(true);
  }
  Dims perChannel = channelDims(b, vecDims[0], rank);
  Value s = reshape(node.graph, loc, scale, vecDims, perChannel);
  Value t = reshape(node.graph, loc, shift, vecDims, perChannel);
  Value result = elementwise(
      b, loc, {node.tensor(0), s, t}, {x->dims, perChannel, perChannel},
      x->dims, element, [](OpBuilder &nb, Location nl, ValueRange args) {
        Value scaled = arith::MulFOp::create(nb, nl, args[0], args[1]);
        return arith::AddFOp::create(nb, nl, scaled, args[2]).getResult();
      });
  node.setOutput(0, result, x->dims);
  return success();
}

} // namespace attn::onnx_import

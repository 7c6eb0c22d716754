//===- ReductionOps.cpp - reductions, Softmax, LayerNormalization ---------===//
//
// Each reduction is one linalg.generic over the input with the reduced axes
// as reduction loops; Softmax and LayerNormalization are the usual
// max/exp/sum/divide and mean/variance sequences of them.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

enum class Reduction { Sum, Mean, Max, Min };

TypedAttr reductionInit(OpBuilder &b, Reduction kind, Type element) {
  if (kind == Reduction::Sum || kind == Reduction::Mean)
    return b.getZeroAttr(element);
  if (auto f = dyn_cast<FloatType>(element))
    return b.getFloatAttr(element, APFloat::getInf(f.getFloatSemantics(),
                                                   kind == Reduction::Max));
  unsigned width = element.getIntOrFloatBitWidth();
  return b.getIntegerAttr(element, kind == Reduction::Max
                                       ? APInt::getSignedMinValue(width)
                                       : APInt::getSignedMaxValue(width));
}

Value combine(OpBuilder &b, Location loc, Reduction kind, Value in, Value acc) {
  bool isFloat = isa<FloatType>(in.getType());
  switch (kind) {
  case Reduction::Sum:
  case Reduction::Mean:
    return isFloat ? arith::AddFOp::create(b, loc, acc, in).getResult()
                   : arith::AddIOp::create(b, loc, acc, in).getResult();
  case Reduction::Max:
    return isFloat ? arith::MaximumFOp::create(b, loc, acc, in).getResult()
                   : arith::MaxSIOp::create(b, loc, acc, in).getResult();
  case Reduction::Min:
    return isFloat ? arith::MinimumFOp::create(b, loc, acc, in).getResult()
                   : arith::MinSIOp::create(b, loc, acc, in).getResult();
  }
  llvm_unreachable("reduction kind");
}

/// Reduces `x` over `axes` with `kind` (Mean divides by the number of
/// reduced elements).
Value reduceWith(NodeImporter &node, Reduction kind, Value x, const Dims &dims,
                 ArrayRef<int64_t> axes, bool keepDims, Dims &resultDims) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Type element = cast<RankedTensorType>(x.getType()).getElementType();
  Value result = reduce(
      b, loc, x, dims, axes, keepDims, reductionInit(b, kind, element),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        return combine(nb, nl, kind, args[0], args[1]);
      },
      resultDims);
  if (kind != Reduction::Mean)
    return result;
  Dims reduced;
  for (int64_t a : axes)
    reduced.push_back(dims[a]);
  OpFoldResult count = node.graph.materialize(
      node.graph.product(ArrayRef<OpFoldResult>(reduced)), loc);
  return elementwise(
      b, loc, result, resultDims, resultDims, element,
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value n = getValueOrCreateConstantIndexOp(nb, nl, count);
        Value asInt = arith::IndexCastOp::create(nb, nl, nb.getI64Type(), n);
        Value asFloat = arith::SIToFPOp::create(nb, nl, element, asInt);
        return arith::DivFOp::create(nb, nl, args[0], asFloat);
      });
}

/// Every axis from `first` on.
SmallVector<int64_t> trailingAxes(int64_t first, int64_t rank) {
  return llvm::to_vector(llvm::seq<int64_t>(first, rank));
}

} // namespace

LogicalResult convertGlobalPool(NodeImporter &node) {
  // GlobalAveragePool and GlobalMaxPool: ReduceMean and ReduceMax over the
  // spatial axes, kept as 1s.
  Reduction kind =
      node.node.op_type() == "GlobalMaxPool" ? Reduction::Max : Reduction::Mean;
  const ImportedValue *x = node.input(0);
  if (!x)
    return failure();
  int64_t rank = x->dims.size();
  if (!isa<FloatType>(x->type.getElementType()) || rank < 3)
    return node.error() << "X must be a float tensor of rank 3 or more",
           failure();
  Dims out;
  Value result = reduceWith(node, kind, node.tensor(0), x->dims,
                            trailingAxes(2, rank), /*keepDims=*/true, out);
  node.setOutput(0, result, out);
  return success();
}

LogicalResult convertReduce(NodeImporter &node) {
  StringRef op = node.node.op_type();
  Reduction kind = op == "ReduceSum"    ? Reduction::Sum
                   : op == "ReduceMean" ? Reduction::Mean
                   : op == "ReduceMax"  ? Reduction::Max
                                        : Reduction::Min;
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  if (kind == Reduction::Mean && !isa<FloatType>(in->type.getElementType()))
    return node.error() << "ReduceMean needs a float input", failure();
  int64_t rank = in->dims.size();
  // ReduceSum takes its axes as an input from opset 13, the others from 18.
  int inputSince = kind == Reduction::Sum ? 13 : 18;
  SmallVector<int64_t> raw;
  if (node.opset >= inputSince) {
    if (node.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> axes = node.constantInts(1, "axes");
      if (failed(axes))
        return failure();
      raw = *axes;
    }
  } else {
    raw = node.intsAttr("axes");
  }
  if (raw.empty() && node.intAttr("noop_with_empty_axes", 0)) {
    node.setOutput(0, *in);
    return success();
  }
  SmallVector<int64_t> axes;
  for (int64_t a : raw) {
    FailureOr<int64_t> n = node.axis(a, rank);
    if (failed(n))
      return failure();
    if (!llvm::is_contained(axes, *n))
      axes.push_back(*n);
  }
  if (raw.empty())
    axes = trailingAxes(0, rank);
  llvm::sort(axes);
  Dims out;
  Value result = reduceWith(node, kind, node.tensor(0), in->dims, axes,
                            node.intAttr("keepdims", 1), out);
  node.setOutput(0, result, out);
  return success();
}

LogicalResult convertSoftmax(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  Type element = in->type.getElementType();
  if (!isa<FloatType>(element))
    return node.error() << "needs a float input", failure();
  int64_t rank = in->dims.size();
  if (rank == 0)
    return node.error() << "needs an input of rank 1 or more", failure();
  // Opset 13 normalises along one axis; older opsets over the flattened
  // dimensions from `axis` on.
  bool oneAxis = node.opset >= 13;
  FailureOr<int64_t> axis =
      node.axis(node.intAttr("axis", oneAxis ? -1 : 1), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> axes =
      oneAxis ? SmallVector<int64_t>{*axis} : trailingAxes(*axis, rank);
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Value x = node.tensor(0);
  if (axes.size() == 1) {
    // One axis: linalg.softmax, which attn-raise recognises as the middle
    // of an attention (attn-decompose expands the others).
    Value init = emptyTensor(b, loc, in->dims, element);
    Value out =
        linalg::SoftmaxOp::create(b, loc, init.getType(), x, init, axes.front())
            .getResult()[0];
    node.setOutput(0, out, in->dims);
    return success();
  }
  Dims kept;
  Value max = reduceWith(node, Reduction::Max, x, in->dims, axes, true, kept);
  Value exp = elementwise(
      b, loc, {x, max}, {in->dims, kept}, in->dims, element,
      [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        // A row of -inf gives 0/0 = NaN, as in ONNX Runtime.
        return math::ExpOp::create(
            nb, nl, arith::SubFOp::create(nb, nl, args[0], args[1]));
      });
  Value sum = reduceWith(node, Reduction::Sum, exp, in->dims, axes, true, kept);
  Value out =
      elementwise(b, loc, {exp, sum}, {in->dims, kept}, in->dims, element,
                  [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                    return arith::DivFOp::create(nb, nl, args[0], args[1]);
                  });
  node.setOutput(0, out, in->dims);
  return success();
}

LogicalResult convertLayerNormalization(NodeImporter &node) {
  const ImportedValue *in = node.input(0), *scale = node.input(1);
  if (!in || !scale)
    return failure();
  Type element = in->type.getElementType();
  if (!isa<FloatType>(element) || scale->type.getElementType() != element)
    return node.error() << "X and Scale must have one float element type",
           failure();
  int64_t rank = in->dims.size();
  FailureOr<int64_t> axis = node.axis(node.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  float epsilon = node.floatAttr("epsilon", 1e-5f);
  SmallVector<int64_t> axes = trailingAxes(*axis, rank);
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Value x = node.tensor(0);
  Dims kept;
  Value mean = reduceWith(node, Reduction::Mean, x, in->dims, axes, true, kept);
  Value centered =
      elementwise(b, loc, {x, mean}, {in->dims, kept}, in->dims, element,
                  [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                    return arith::SubFOp::create(nb, nl, args[0], args[1]);
                  });
  Value squares =
      elementwise(b, loc, centered, in->dims, in->dims, element,
                  [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                    return arith::MulFOp::create(nb, nl, args[0], args[0]);
                  });
  Value variance =
      reduceWith(node, Reduction::Mean, squares, in->dims, axes, true, kept);
  Value invStd =
      elementwise(b, loc, variance, kept, kept, element,
                  [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                    Value eps = arith::ConstantOp::create(
                        nb, nl, nb.getFloatAttr(element, epsilon));
                    return math::RsqrtOp::create(
                        nb, nl, arith::AddFOp::create(nb, nl, args[0], eps));
                  });
  SmallVector<Value> operands = {centered, invStd, node.tensor(1)};
  SmallVector<Dims> dims = {in->dims, kept, scale->dims};
  if (node.hasInput(2)) {
    const ImportedValue *bias = node.input(2);
    if (!bias)
      return failure();
    operands.push_back(node.tensor(2));
    dims.push_back(bias->dims);
  }
  if (failed(broadcastDims(node, dims)))
    return failure();
  Value y = elementwise(
      b, loc, operands, dims, in->dims, element,
      [](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        Value v = arith::MulFOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, args[0], args[1]), args[2]);
        if (args.size() > 3)
          v = arith::AddFOp::create(nb, nl, v, args[3]);
        return v;
      });
  node.setOutput(0, y, in->dims);
  node.setOutput(1, mean, kept);
  node.setOutput(2, invStd, kept);
  return success();
}

} // namespace attn::onnx_import
